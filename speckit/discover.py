"""Command-line arguments -> feature folders or single documents.

A FEATURE argument is a feature folder, a document inside one, or a prefix or slug resolved under
the specs root: ``001``, ``team-reminders`` and ``001-team-reminders`` all name
``specs/001-team-reminders``. Any folder naming scheme works (``20260507-161658-x``, ``SPEC-12``,
``main``), and nested roots (``specs/archive/...``) are searched too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from speckit.config import Config
from speckit.errors import InputError
from speckit.model import Feature
from speckit.parse import (DOCUMENTS, NUMBER_PREFIX, feature_files, is_feature_dir, load_document, load_feature,
                           walk_features)


@dataclass(frozen=True, slots=True)
class Target:
    """One thing to read: a feature folder, or a single document (``document`` set)."""

    folder: Path
    document: Path | None = None


def documents(target: Target) -> list[Path]:
    """The documents :func:`read` parses for a target: its one document, or the feature folder's
    (``speckit.parse.feature_files``: never a link out of the repository, which is skipped)."""
    return [target.document] if target.document is not None else feature_files(target.folder)[0]


def read(target: Target, data: dict[Path, bytes] | None = None) -> Feature:
    """The model of a target: its one document, or its whole feature folder. ``data``: bytes
    already read for its documents (parsed as given, not read again)."""
    return load_document(target.document, data) if target.document else load_feature(target.folder, data)


def resolve(arg: str, config: Config, whole_feature: bool = False) -> Target:
    """Resolve one FEATURE argument. ``whole_feature``: a document path means its whole folder."""
    path = Path(arg)
    if path.exists():
        if path.is_dir():
            if path.suffix.lower() in (".md", ".txt"):
                raise InputError(f"{arg}: is a directory, not a document")
            if is_feature_dir(path) or any((path / name).exists() for name in DOCUMENTS):
                return Target(path)  # a spec.md that is a folder is reported by the reader, by name
            raise InputError(f"{arg}: no spec.md, plan.md or tasks.md in this folder")
        if whole_feature and path.name in DOCUMENTS:
            return Target(path.parent)
        if whole_feature and path.parent.name == "checklists" and is_feature_dir(path.parent.parent):
            return Target(path.parent.parent)
        return Target(path.parent, path)
    if path.is_symlink():  # exists() follows the link: a loop or a dangling link lands here
        raise InputError(f"{arg}: a symbolic link that leads nowhere (a loop, or its target is missing)")
    if "/" in arg or "\\" in arg or arg.endswith(".md"):
        raise InputError(f"{arg}: no such file or folder")
    root = config.specs_path
    if not root.is_dir():
        raise InputError(f"{arg}: no such file or folder, and the specs root {root} does not exist")
    matches = [_relative(m) for m in match_features(arg, walk_features(root))]
    if not matches:
        raise InputError(f"{arg}: no feature of that name, number or slug under {_show(root)}")
    if len(matches) > 1:
        names = ", ".join(_show(m) for m in matches[:5])
        raise InputError(f"{arg}: ambiguous, it names {len(matches)} features ({names})")
    return Target(matches[0])


def match_features(arg: str, folders: list[Path]) -> list[Path]:
    exact = [f for f in folders if f.name == arg]
    if exact:
        return exact
    by_number = []
    by_slug = []
    for folder in folders:
        match = NUMBER_PREFIX.match(folder.name)
        number = match.group(1) if match else None
        slug = folder.name[match.end() :].lstrip("-_") if match else folder.name
        if number is not None and (number == arg or (arg.isdigit() and number.isdigit() and int(number) == int(arg))):
            by_number.append(folder)
        elif slug == arg or folder.name.startswith(arg + "-"):
            by_slug.append(folder)
    return by_number or by_slug


def features(args: tuple[str, ...] | list[str], config: Config) -> list[Target]:
    """Targets for commands that read many features (``speckit check``): folders, files inside
    them (their whole feature), roots to search, or names; none means every feature under the root."""
    if not args:
        root = config.specs_path
        if not root.is_dir():
            raise InputError(f"the specs root {_show(root)} does not exist (set specs_root in speckit.yaml)")
        return [Target(_relative(f)) for f in walk_features(root)]
    targets: list[Target] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir() and not is_feature_dir(path):
            found = walk_features(path)
            if not found:
                raise InputError(f"{arg}: no feature folders (with spec.md, plan.md or tasks.md) under this folder")
            targets.extend(Target(f) for f in found)
        else:
            targets.append(resolve(arg, config, whole_feature=True))
    seen: set[tuple[Path, Path | None]] = set()
    unique: list[Target] = []
    for target in targets:
        key = (target.folder.resolve(), target.document)
        if key not in seen:
            seen.add(key)
            unique.append(target)
    return unique


def _relative(path: Path) -> Path:
    """Paths under the working directory are shown relative to it, as a user would type them."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _show(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


SPECKIT_FEATURE_SOURCES = ("SPECIFY_FEATURE_DIRECTORY", ".specify/feature.json", "SPECIFY_FEATURE", "the git branch")
"""Where :func:`current_feature` looks, in order."""


@dataclass(frozen=True, slots=True)
class Current:
    """The feature Spec Kit is working on, and where that was read (one of SPECKIT_FEATURE_SOURCES)."""

    target: Target
    source: str


def current_feature(config: Config, start: Path | None = None) -> Current:
    """The feature Spec Kit is working on, found the way its scripts find it, so that an agent's hook
    can run ``speckit check --current`` (#15). Spec Kit 1.x reads ``SPECIFY_FEATURE_DIRECTORY``, then
    ``.specify/feature.json`` (``feature_directory``, written by ``/speckit.specify``); earlier
    releases read ``SPECIFY_FEATURE`` (a feature's name) and then the git branch (``001-x`` names
    ``specs/001-x``, or any folder numbered 001). The project is the nearest folder above ``start``
    with a ``.specify`` folder, else the repository; a feature folder outside it is refused."""
    import json
    import os

    from speckit.config import repo_root
    from speckit.fsutil import inside

    here = (start or Path.cwd()).absolute()
    project = next((p for p in (here, *here.parents) if (p / ".specify").is_dir()), None) or repo_root(here)

    def folder(value: str, source: str) -> Current:
        path = Path(value) if Path(value).is_absolute() else project / value
        if not inside(path, project):
            raise InputError(f"{source}: the feature folder {value} is outside the project {project}")
        if not path.is_dir():
            raise InputError(f"{source}: the feature folder {value} does not exist")
        return Current(Target(_relative(path)), source)

    directory = os.environ.get("SPECIFY_FEATURE_DIRECTORY", "").strip()
    if directory:
        return folder(directory, "SPECIFY_FEATURE_DIRECTORY")
    state = project / ".specify" / "feature.json"
    if state.is_file():
        try:
            data = json.loads(state.read_text(encoding="utf-8"))
        except (OSError, UnicodeError, ValueError) as error:
            raise InputError(f"{_show(state)}: not readable JSON ({error})") from None
        value = data.get("feature_directory") if isinstance(data, dict) else None
        if isinstance(value, str) and value.strip():
            return folder(value.strip(), _show(state))
    for source, name in (("SPECIFY_FEATURE", os.environ.get("SPECIFY_FEATURE", "").strip()),
                         ("the git branch", _branch(project))):
        if not name:
            continue
        found = _named(name, config)
        if len(found) == 1:
            return Current(Target(_relative(found[0])), f"{source} {name}")
        if len(found) > 1:
            names = ", ".join(_show(f) for f in found[:5])
            raise InputError(f"{source} {name}: ambiguous, it names {len(found)} features ({names})")
        if source == "SPECIFY_FEATURE":
            raise InputError(f"SPECIFY_FEATURE={name}: no feature of that name or number under {_show(config.specs_path)}")
    raise InputError("no current feature: set SPECIFY_FEATURE_DIRECTORY, run /speckit.specify (it writes "
                     ".specify/feature.json), or name the feature")


def _named(name: str, config: Config) -> list[Path]:
    """Feature folders a Spec Kit feature or branch name stands for: the folder of that name, else
    the folders sharing its number (Spec Kit lets several branches work on one numbered spec)."""
    root = config.specs_path
    if not root.is_dir():
        return []
    folders = walk_features(root)
    found = match_features(name, folders)
    number = NUMBER_PREFIX.match(name)
    if not found and number:
        found = match_features(number.group(1), folders)
    return found


def _branch(project: Path) -> str:
    """The checked-out branch of the repository holding ``project`` ('' when detached or no git)."""
    import subprocess

    try:
        done = subprocess.run(["git", "symbolic-ref", "--short", "-q", "HEAD"], cwd=project, capture_output=True,
                              text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""
