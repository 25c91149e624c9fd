"""Command-line arguments -> feature folders or single documents.

A FEATURE argument is a feature folder, a document inside one, or a prefix or slug resolved under
the specs root: ``001``, ``team-reminders`` and ``001-team-reminders`` all name
``specs/001-team-reminders``. Any folder naming scheme works (``20260507-161658-x``, ``SPEC-12``,
``main``), and nested roots (``specs/archive/...``) are searched too. A part of a name that only one
feature has is enough (``stabilise`` for ``20260406-094347-stabilise-daemon``); a part that several
have is an error listing them, and a name that matches none suggests the closest.

The config's ``exclude`` and ``extend_exclude`` globs drop feature folders from every listing
(``specs/_*`` for demo folders), and from file arguments such as the commit hook passes; a feature
named on the command line by its folder or name is read all the same.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

from speckit.config import Config
from speckit.errors import InputError
from speckit.model import Feature
from speckit.parse import (
    DOCUMENTS,
    NUMBER_PREFIX,
    feature_files,
    is_feature_dir,
    load_document,
    load_feature,
    walk_features,
)

SIDE_DOCUMENTS = ("research.md", "data-model.md", "quickstart.md")
"""Documents of a feature beside spec/plan/tasks (Spec Kit's /plan writes them): a change to one
re-checks its feature, since the rules read them or should. So does anything under ``contracts/``."""


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
        if whole_feature:
            owner = _owning_feature(path)
            if owner is not None:
                return Target(owner)
        return Target(path.parent, path)
    if path.is_symlink():  # exists() follows the link: a loop or a dangling link lands here
        raise InputError(f"{arg}: a symbolic link that leads nowhere (a loop, or its target is missing)")
    if "/" in arg or "\\" in arg or arg.endswith(".md"):
        raise InputError(f"{arg}: no such file or folder")
    root = config.specs_path
    if not root.is_dir():
        raise InputError(f"{arg}: no such file or folder, and the specs root {root} does not exist")
    folders = walk_features(root)
    matches = [_relative(m) for m in match_features(arg, folders)]
    partial = False
    if not matches:
        matches = [_relative(m) for m in partial_matches(arg, folders)]
        partial = True
    if not matches:
        from speckit.report import printable  # a folder name is text from the repository: shown, never sent

        close = suggestions(arg, folders)
        hint = f" (did you mean {' or '.join(printable(c, line=True) for c in close)}?)" if close else ""
        raise InputError(f"{arg}: no feature of that name, number or slug under {_show(root)}{hint}")
    if len(matches) > 1:
        from speckit.report import printable

        shown = [printable(m.name if partial else _show(m), line=True) for m in matches[:10]]
        more = f" and {len(matches) - 10} more" if len(matches) > 10 else ""
        raise InputError(f"{arg}: ambiguous, it names {len(matches)} features: {', '.join(shown)}{more}")
    return Target(matches[0])


def _owning_feature(path: Path) -> Path | None:
    """The feature folder of a side document (research.md ...) or of a file under contracts/."""
    if path.name in SIDE_DOCUMENTS and is_feature_dir(path.parent):
        return path.parent
    for folder in path.parents:
        if folder.name == "contracts":
            return folder.parent if is_feature_dir(folder.parent) else None
    return None


def partial_matches(arg: str, folders: list[Path]) -> list[Path]:
    """Folders whose name holds ``arg`` (case-insensitive): ``stabilise`` names
    ``20260406-094347-stabilise-daemon`` when no other feature's name holds it."""
    needle = arg.lower()
    return [f for f in folders if needle in f.name.lower()] if needle.strip("-_ ") else []


def suggestions(arg: str, folders: list[Path]) -> list[str]:
    """Up to three feature names close to ``arg`` (a typo in the name or in its slug)."""
    import difflib  # only for a name that matched nothing

    by_key: dict[str, str] = {}
    for folder in folders:
        match = NUMBER_PREFIX.match(folder.name)
        slug = folder.name[match.end():].lstrip("-_") if match else folder.name
        by_key.setdefault(folder.name.lower(), folder.name)
        if slug:
            # 'stabilse' is a typo of a part of 'stabilise-daemon': its words and its opening count too.
            for key in (slug, slug[: len(arg) + 1], *slug.replace("_", "-").split("-")):
                if len(key) > 2:
                    by_key.setdefault(key.lower(), folder.name)
    close = difflib.get_close_matches(arg.lower(), list(by_key), n=6, cutoff=0.75)
    return list(dict.fromkeys(by_key[key] for key in close))[:3]


def excluded(folder: Path, config: Config) -> bool:
    """Whether the config's ``exclude`` / ``extend_exclude`` globs drop ``folder``. A glob is matched
    against the folder's path relative to the config's folder (``specs/_*``) and each of its parents;
    a glob without a slash matches a folder name at any depth (``_demo*``), as in .gitignore."""
    patterns = [*config.exclude, *config.extend_exclude]
    if not patterns:
        return False
    resolved = folder.resolve()
    try:
        relative = resolved.relative_to(config.root.resolve())
    except ValueError:
        relative = resolved
    candidates = [relative, *[p for p in relative.parents if p != Path(".")]]
    for pattern in patterns:
        pattern = pattern.strip().rstrip("/").removeprefix("./")
        for candidate in candidates:
            text = candidate.as_posix()
            if fnmatch.fnmatchcase(text, pattern) or (
                "/" not in pattern and fnmatch.fnmatchcase(candidate.name, pattern)
            ):
                return True
    return False


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
        return [Target(_relative(f)) for f in walk_features(root) if not excluded(f, config)]
    targets: list[Target] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir() and not is_feature_dir(path):
            found = walk_features(path)
            if not found:
                raise InputError(f"{arg}: no feature folders (with spec.md, plan.md or tasks.md) under this folder")
            targets.extend(Target(f) for f in found if not excluded(f, config))
        else:
            if path.is_file() and (path.name in SIDE_DOCUMENTS or "contracts" in path.parent.parts) \
                    and _owning_feature(path) is None:
                continue  # docs/quickstart.md, a contracts/ folder of no feature: the hook's pattern is broad
            target = resolve(arg, config, whole_feature=True)
            if path.is_file() and excluded(target.folder, config):
                continue  # a file the commit hook passed, in a folder the config excludes
            targets.append(target)
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
    from speckit.report import printable

    here = (start or Path.cwd()).absolute()
    project = next((p for p in (here, *here.parents) if (p / ".specify").is_dir()), None) or repo_root(here)

    def folder(value: str, source: str) -> Current:
        if "\0" in value:
            raise InputError(f"{source}: the feature folder {printable(value, line=True)} holds a NUL byte")
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
        if value is not None and not isinstance(value, str):
            raise InputError(f"{_show(state)}: feature_directory is {type(value).__name__}, not a folder name")
        if value and value.strip():
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
            raise InputError(
                f"SPECIFY_FEATURE={name}: no feature of that name or number under {_show(config.specs_path)}"
            )
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
