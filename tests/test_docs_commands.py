"""docs/commands.md is the help text of every command, generated from the CLI itself so that it
cannot drift. Regenerate it with ``SPECKIT_REGEN=1 python -m pytest tests/test_docs_commands.py``."""

from __future__ import annotations

import os

import click
from support import ROOT

from speckit.cli import COMMANDS, cli

PAGE = ROOT / "docs" / "commands.md"
INTRO = """# Commands

Every command of `speckit`, with its help text as the program prints it (`speckit COMMAND --help`).
This page is generated from the CLI by `tests/test_docs_commands.py`, which fails when the two
disagree.

Exit codes are the same everywhere: **0** success, **1** the command ran and found a problem
(errors from `check`, a failed step in `run`, stale outputs for `build --check`), **2** bad usage or
input that cannot be read (one line on stderr, never a traceback; `speckit --debug ...` shows the
traceback for a bug report). `speckit run` and `run.sh` stop with **75** at a human gate that has not
been approved.

Options of `speckit` itself go before the command: `--debug` (tracebacks), `--version`,
`--color auto|always|never` (see [linting](linting.md#colour)), and `--allow-outside-root`, which
lets a `specs_root` that lies outside the repository be read (`SPECKIT_ALLOW_OUTSIDE_ROOT=1` does the
same; the repository's own config cannot, see [robustness](robustness.md#threat-model)).

A FEATURE argument is a folder, a document, or a name under the specs root: its number, its slug, or
any part of its name that no other feature has (`stabilise` for `20260406-094347-stabilise-daemon`).
A name that several features share is an error listing them; a typo gets a suggestion. Shell
completion (`speckit completion bash|zsh|fish`) completes these names and rule ids.

| command | what it does |
|---|---|
"""


WIDTH = {"terminal_width": 100, "max_content_width": 100}


def _help(command: click.Command, path: list[str], parent: click.Context | None) -> list[str]:
    # make_context applies the group's context_settings (-h as well as --help), as the CLI does.
    ctx = command.make_context(path[-1], [], parent=parent, resilient_parsing=True, **WIDTH)
    name = " ".join(path)
    out = [f"## {name}", "", "```text", command.get_help(ctx).rstrip(), "```", ""]
    if isinstance(command, click.Group):
        for sub in command.list_commands(ctx):
            out.extend(_help(command.get_command(ctx, sub), [*path, sub], ctx))  # type: ignore[arg-type]
    return out


def render() -> str:
    root = cli.make_context("speckit", [], resilient_parsing=True, **WIDTH)
    lines = [INTRO.rstrip("\n")]
    lines.extend(f"| [`speckit {name}`](#speckit-{name}) | {COMMANDS[name][1]} |" for name in sorted(COMMANDS))
    lines.append("")
    for name in sorted(COMMANDS):
        command = cli.get_command(root, name)
        assert command is not None
        lines.extend(_help(command, ["speckit", name], root))
    return "\n".join(lines).rstrip() + "\n"


def test_commands_page_matches_the_cli() -> None:
    expected = render()
    if os.environ.get("SPECKIT_REGEN"):
        PAGE.write_text(expected, encoding="utf-8")
    assert PAGE.read_text(encoding="utf-8") == expected, "docs/commands.md is stale: SPECKIT_REGEN=1 regenerates it"


def test_every_registered_command_loads() -> None:
    root = click.Context(cli, info_name="speckit")
    for name in COMMANDS:
        command = cli.get_command(root, name)
        assert isinstance(command, click.Command) and command.name == name
