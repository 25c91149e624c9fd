"""``speckit init``: speckit.yaml with comments, the specs root, and .gitignore entries.

In a repository that already uses Spec Kit (a ``.specify/`` folder), the specs root Spec Kit uses is
kept, and Spec Kit's ``.specify/templates`` are picked up by the template lookup on their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from speckit import serialisation
from speckit.config import Config, plain
from speckit.errors import InputError
from speckit.fsutil import write_atomic, write_new
from speckit.parse import read_text
from speckit.scaffold import templates

SPEC_KIT_ROOTS = ("specs", ".specify/specs", ".github/specs")
GITIGNORE_HEADER = "# speckit: caches and run state, generated checklists and runner scripts, run evidence"


@dataclass
class Setup:
    """What ``speckit init`` will do: files to write and folders to create."""

    directory: Path
    config: Path
    config_text: str
    specs_root: str
    spec_kit: bool
    make_specs: bool
    gitignore: Path
    gitignore_text: str | None = None
    notes: list[str] = field(default_factory=list)


def prepare(directory: Path) -> Setup:
    if directory.exists() and not directory.is_dir():
        raise InputError(f"{directory}: not a directory")
    spec_kit = (directory / ".specify").is_dir()
    specs_root = "specs"
    if spec_kit:
        specs_root = next((r for r in SPEC_KIT_ROOTS if (directory / r).is_dir()), "specs")
    if (directory / specs_root).exists() and not (directory / specs_root).is_dir():
        raise InputError(f"{directory / specs_root}: the specs root exists but is not a directory")
    template = templates.find("speckit.yaml", directory)
    text = templates.render(template, {"specs_root": specs_root, "spec_kit": spec_kit, "defaults": Config()})
    _validate(text, template.path)
    setup = Setup(directory, directory / "speckit.yaml", text, specs_root, spec_kit,
                  not (directory / specs_root).is_dir(), directory / ".gitignore")
    setup.gitignore_text = _gitignore(setup.gitignore, specs_root)
    if spec_kit:
        setup.notes.append(f"Spec Kit found: using its specs root {specs_root}/ and .specify/templates/")
    return setup


def apply(setup: Setup, force: bool) -> Path | None:
    setup.directory.mkdir(parents=True, exist_ok=True)
    backup = write_new(setup.config, setup.config_text, force=force)
    if setup.make_specs:
        (setup.directory / setup.specs_root).mkdir(parents=True, exist_ok=True)
    if setup.gitignore_text is not None:
        write_atomic(setup.gitignore, setup.gitignore_text)
    return backup


def _gitignore(path: Path, specs_root: str) -> str | None:
    """The .gitignore with speckit's entries appended, or None when they are all there already."""
    current = read_text(path) if path.is_file() else ""
    root = specs_root.strip("/")
    wanted = [".speckit/", f"/{root}/**/build/", f"/{root}/**/evidence/"]
    present = {line.strip() for line in current.splitlines()}
    missing = [entry for entry in wanted if entry not in present]
    if not missing:
        return None
    prefix = current if not current or current.endswith("\n") else current + "\n"
    separator = "\n" if prefix.strip() else ""
    header = [] if GITIGNORE_HEADER in present else [GITIGNORE_HEADER]
    return prefix + separator + "\n".join(header + missing) + "\n"


def _validate(text: str, template: Path) -> None:
    """The written file must load: a project's own speckit.yaml template may not break the config."""
    from pydantic import ValidationError
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError


    try:
        data = YAML(typ="rt").load(text) or {}
        serialisation.validate(Config, plain(data))
    except (YAMLError, ValidationError, AttributeError) as error:
        first = str(error).strip().splitlines()[0]
        raise InputError(f"{template}: the speckit.yaml it renders is not a valid config ({first})") from None
