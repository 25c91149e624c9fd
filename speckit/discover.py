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
