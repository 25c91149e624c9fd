"""The ``speckit`` command: a click group whose subcommands are imported only when called.

A pre-commit run of ``speckit check`` must not pay for jinja2, networkx, rich or mkdocs, so each
command lives in its own module under ``speckit/commands/`` and imports its stage inside the
function. Errors: unreadable input or bad usage -> one line on stderr and exit 2; ``--debug`` (or
``SPECKIT_DEBUG=1``) shows the traceback instead.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from speckit import __version__
from speckit._hotpath import command_process, commands_imported
from speckit.errors import InputError

COMMANDS: dict[str, tuple[str, str]] = {
    "show": ("speckit.commands.show", "Compile a feature and print its model."),
    "schema": ("speckit.commands.show", "Print the JSON Schema of 'show --format json'."),
    "check": ("speckit.commands.check", "Check features: INVEST, task graph, traceability, evidence."),
    "graph": ("speckit.commands.graph", "Print a feature's task graph (mermaid, dot or json)."),
    "next": ("speckit.commands.graph", "List open tasks whose dependencies are done, in waves."),
    "done": ("speckit.commands.graph", "Tick tasks in tasks.md, changing nothing else."),
    "build": ("speckit.commands.build", "Generate the executable checklist and runner scripts."),
    "checklist": ("speckit.commands.build", "Show or verify a feature's executable checklist."),
    "run": ("speckit.commands.run", "Run a feature's plan steps with evidence logs and gates."),
    "docs": ("speckit.commands.docs", "Build or serve the docs site of all features."),
    "init": ("speckit.commands.scaffold", "Set up speckit in a repository."),
    "specify": ("speckit.commands.scaffold", "Create a new feature's spec.md from the template."),
    "plan": ("speckit.commands.scaffold", "Write a feature's plan.md from its spec."),
    "tasks": ("speckit.commands.scaffold", "Derive a feature's tasks.md from its spec and plan."),
    "templates": ("speckit.commands.scaffold", "List the templates in use and where they come from."),
    "config": ("speckit.commands.scaffold", "Get or set a key of speckit.yaml, keeping comments."),
    "import": ("speckit.commands.importer", "Rebuild Markdown from a copy of a rendered page."),
    "completion": ("speckit.commands.completion", "Print the shell completion script (bash, zsh or fish)."),
    "lsp": ("speckit.commands.lsp", "Run the language server for editors (needs the lsp extra)."),
    "mcp": ("speckit.commands.mcp", "Serve speckit's tools to coding agents over MCP (stdio)."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and name not in COMMANDS and not name.startswith("-") and not ctx.resilient_parsing:
            import difflib  # only for a mistyped command

            close = difflib.get_close_matches(name, list(COMMANDS), n=2, cutoff=0.6)
            hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise click.UsageError(f"No such command {name!r}.{hint} ('speckit --help' lists them)", ctx)
        return super().resolve_command(ctx, args)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(entry[0])
        commands_imported()  # acts only under main(): see speckit/_hotpath.py
        return getattr(module, cmd_name.replace("-", "_") + "_command")  # type: ignore[no-any-return]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Help text comes from COMMANDS so that 'speckit --help' imports no command module.
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][1]) for name in self.list_commands(ctx)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="speckit")
@click.option("--debug", is_flag=True, help="Show tracebacks (for bug reports).")
@click.option("--allow-outside-root", is_flag=True,
              help="Read a specs_root that lies outside the repository (refused by default).")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour output: auto (a terminal, or FORCE_COLOR set; never with NO_COLOR), always, never.")
@click.pass_context
def cli(ctx: click.Context, debug: bool, allow_outside_root: bool, color: str) -> None:
    """speckit: the deterministic compiler for spec.md, plan.md and tasks.md."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    ctx.obj["color"] = color
    if color != "auto":
        ctx.color = color == "always"  # click.echo keeps (or strips) colour codes accordingly
    if allow_outside_root:  # the person running speckit says so; the repository's config cannot
        os.environ["SPECKIT_ALLOW_OUTSIDE_ROOT"] = "1"


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or os.environ.get("SPECKIT_DEBUG") == "1"
    with command_process():  # the process policy of the command: pydantic plugins, the collector (#7)
        code = _run(args, debug)
    sys.exit(code if isinstance(code, int) else 0)


def _run(args: list[str], debug: bool) -> Any:
    try:
        return cli.main(args=args, prog_name="speckit", standalone_mode=False)
    except InputError as error:
        if debug:
            raise
        click.echo(f"speckit: error: {error}", err=True)
        sys.exit(2)
    except click.exceptions.Exit as stop:
        sys.exit(stop.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(2 if isinstance(error, click.UsageError) else error.exit_code)
    except click.exceptions.Abort:
        click.echo("speckit: aborted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (speckit show | head): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except OSError as error:
        # A file system refusal (disk full, read-only folder, a file where a folder should be) is
        # the environment's problem, not a bug: one line naming the path, exit 2.
        if debug:
            raise
        where = f"{error.filename}: " if error.filename else ""
        click.echo(f"speckit: error: {where}{error.strerror or error}", err=True)
        sys.exit(2)
    except RecursionError:
        if debug:
            raise
        click.echo("speckit: internal error: recursion too deep (please report with --debug)", err=True)
        sys.exit(3)
    except Exception as error:  # noqa: BLE001 - the last guard against a traceback
        if debug:
            raise
        click.echo(f"speckit: internal error: {type(error).__name__}: {error} (run with --debug for the traceback)",
                   err=True)
        sys.exit(3)
