"""``speckit init``, ``specify``, ``plan``, ``tasks``, ``templates list`` and ``config get|set``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from speckit import scaffold
from speckit.commands import complete_features, config_option, load_config
from speckit.discover import read, resolve
from speckit.errors import InputError
from speckit.fsutil import write_atomic, write_new
from speckit.scaffold import configedit, init, templates

if TYPE_CHECKING:
    from speckit.scaffold import Draft

force_option = click.option("--force", is_flag=True, help="Overwrite an existing file (a .bak copy is kept).")
dry_run_option = click.option("--dry-run", is_flag=True, help="Print the file instead of writing it.")


def _emit(draft: Draft, force: bool, dry_run: bool) -> None:
    where = _show(draft.path)
    if dry_run:
        click.echo(f"would write {where} (from {_show(draft.template)})", err=True)
        click.echo(draft.text, nl=False)
        return
    with _writing(draft.path):
        backup = write_new(draft.path, draft.text, force=force)
    if backup is not None:
        click.echo(f"kept the old file as {_show(backup)}", err=True)
    click.echo(where)


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """A file that cannot be written (a read-only folder, a specs root that is a file) is bad input:
    one line naming the path, exit 2."""
    try:
        yield
    except OSError as error:
        where = error.filename or path
        raise InputError(f"{where}: cannot write ({error.strerror or error})") from None


def _show(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _feature(feature: str, config_path: Path | None):  # type: ignore[no-untyped-def]

    config = load_config(config_path)
    return config, read(resolve(feature, config, whole_feature=True))


@click.command("specify")
@click.argument("description")
@click.option("--name", help="Slug for the folder (default: 2-4 meaningful words of the description).")
@click.option("--number", type=click.IntRange(min=0), help="Feature number (default: highest existing + 1).")
@click.option("--timestamp", is_flag=True, help="Prefix the folder with YYYYMMDD-HHMMSS instead of a number.")
@force_option
@dry_run_option
@config_option
def specify_command(description: str, name: str | None, number: int | None, timestamp: bool, force: bool,
                    dry_run: bool, config_path: Path | None) -> None:
    """Create specs/<NNN>-<slug>/spec.md for a new feature described by DESCRIPTION."""
    config = load_config(config_path)
    _emit(scaffold.specify(description, config, name=name, number=number, timestamp=timestamp), force, dry_run)


@click.command("plan")
@click.argument("feature", shell_complete=complete_features)
@force_option
@dry_run_option
@config_option
def plan_command(feature: str, force: bool, dry_run: bool, config_path: Path | None) -> None:
    """Write FEATURE's plan.md from its spec: summary, technical context, phases by priority, gates."""
    config, model = _feature(feature, config_path)
    _emit(scaffold.plan(model, config), force, dry_run)


@click.command("tasks")
@click.argument("feature", shell_complete=complete_features)
@force_option
@dry_run_option
@config_option
def tasks_command(feature: str, force: bool, dry_run: bool, config_path: Path | None) -> None:
    """Derive FEATURE's tasks.md from its spec and plan: Setup, Foundational, one phase per story, Polish."""
    config, model = _feature(feature, config_path)
    _emit(scaffold.tasks(model, config), force, dry_run)


@click.command("init")
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@force_option
@dry_run_option
def init_command(directory: Path, force: bool, dry_run: bool) -> None:
    """Set up speckit in DIRECTORY (default: here): speckit.yaml with comments, the specs root, and
    .gitignore entries for speckit's working folders. Reuses Spec Kit's specs root and templates."""
    setup = init.prepare(directory)
    for note in setup.notes:
        click.echo(note, err=True)
    if dry_run:
        click.echo(f"would write {_show(setup.config)}", err=True)
        click.echo(setup.config_text, nl=False)
        if setup.make_specs:
            click.echo(f"would create {_show(directory / setup.specs_root)}/", err=True)
        if setup.gitignore_text is not None:
            click.echo(f"would update {_show(setup.gitignore)}:", err=True)
            click.echo(setup.gitignore_text, nl=False)
        return
    if setup.config.exists() and not force:
        write_new(setup.config, setup.config_text)  # raises the shared "already exists" error
    with _writing(setup.config):
        backup = init.apply(setup, force)
    if backup is not None:
        click.echo(f"kept the old file as {_show(backup)}", err=True)
    click.echo(_show(setup.config))
    if setup.make_specs:
        click.echo(_show(directory / setup.specs_root) + "/")
    if setup.gitignore_text is not None:
        click.echo(_show(setup.gitignore))


@click.group("templates")
def templates_command() -> None:
    """The document templates speckit uses, and where each comes from."""


@templates_command.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@config_option
def templates_list(fmt: str, config_path: Path | None) -> None:
    """List each template (spec.md, plan.md, tasks.md, speckit.yaml) and the file in use:
    the project's templates/, Spec Kit's .specify/templates/, or speckit's built-in one."""
    import json

    config = load_config(config_path)
    found = templates.all_templates(config.root)
    if fmt == "json":
        click.echo(json.dumps([{"name": t.name, "origin": t.origin, "path": str(t.path)} for t in found], indent=2))
        return
    for template in found:
        click.echo(f"{template.name:<13} {template.origin:<9} {_show(template.path)}")
    kit = config.root / ".specify" / "templates" / "tasks-template.md"
    if kit.is_file() and not any(t.name == "tasks.md" and t.origin == "project" for t in found):
        click.echo(f"(not used: {_show(kit)}: 'speckit tasks' derives the task list instead of filling a sample)")


@click.group("config")
def config_command() -> None:
    """Read or change speckit.yaml, keeping its comments and key order."""


@config_command.command("get")
@click.argument("key")
@config_option
def config_get(key: str, config_path: Path | None) -> None:
    """Print the value of KEY (e.g. specs_root, invest.max_tasks, rules.graph/cycle)."""
    click.echo(configedit.dump(configedit.get(load_config(config_path), key)))


@config_command.command("set")
@click.argument("key")
@click.argument("value")
@config_option
def config_set(key: str, value: str, config_path: Path | None) -> None:
    """Set KEY to VALUE (read as YAML: 20, off, "[a, b]") in speckit.yaml, in place."""
    config = load_config(config_path)
    if config.source is None:
        raise InputError("no speckit.yaml here or above (run 'speckit init' first)")
    text = configedit.set_value(config.source, key, value)
    with _writing(config.source):
        write_atomic(config.source, text)
    click.echo(
        f"{_show(config.source)}: {key} = {configedit.dump(configedit.get(load_config(config.source), key), flow=True)}"
    )
