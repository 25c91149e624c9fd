"""Documents on disk -> a Feature model. Reading is the only place that raises (InputError) here:
content that does not fit yields diagnostics and the best model that can be made."""

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from speckit.errors import InputError
from speckit.model import Checklist, Diagnostic, Feature, FeatureRef, Plan, Source, Spec, Task, TaskList
from speckit.parse import blocks, common, rendered
from speckit.parse.common import diag

DOCUMENTS = ("spec.md", "plan.md", "tasks.md")
KIND_BY_TITLE = (
    ("spec", re.compile(r"^#\s*(?:Feature Specification|Specification|機能仕様|功能规范|Spécification)", re.I | re.M)),
    ("plan", re.compile(r"^#?\s*(?:Implementation Plan|Plan\b|実装計画|实施计划)", re.I | re.M)),
    ("tasks", re.compile(r"^#\s*(?:Tasks|Task List|タスク|任务)", re.I | re.M)),
    ("checklist", re.compile(r"^#\s*.*Checklist", re.I | re.M)),
)
_TEXTS: ContextVar[dict[str, str] | None] = ContextVar("speckit_parsed_texts", default=None)
# Timestamp prefixes first: "20260507-161658-x" would otherwise stop at "20260507".
NUMBER_PREFIX = re.compile(r"^(\d{8}-\d{6}|\d{3,}|SPEC-[0-9a-f]+)(?=[-_]|$)", re.I)


def read_text(path: Path) -> str:
    """Read a document as text: UTF-8 (a BOM is accepted) or UTF-16 with a BOM.

    Raises InputError naming the path (and the byte offset for bytes that are not UTF-8).
    """
    return decode_text(read_bytes(path), str(path))


def read_bytes(path: Path) -> bytes:
    """A document's bytes, for a reader that hashes what it parses (the check cache). Raises
    InputError naming the path when it cannot be read, or is not a regular file."""
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            # A FIFO would block forever and /dev/zero never ends: refuse before reading.
            raise InputError(f"{path}: not a regular file (a pipe, socket or device)")
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a document") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    return data


@contextmanager
def reading() -> Iterator[dict[str, str]]:
    """Inside the block, every document parsed is remembered (path as given -> its text), so that
    later steps (the site shows each document) use the text that was parsed, not the file read
    again: a file edited in between would mix two versions into one result. (The check needs no
    such block: what it asks of a document's lines is on ``Feature.sources``.)"""
    texts: dict[str, str] = {}
    token = _TEXTS.set(texts)
    try:
        yield texts
    finally:
        _TEXTS.reset(token)


def decode_text(data: bytes, name: str) -> str:
    """Bytes of a document -> text: UTF-8 (a BOM is accepted) or UTF-16 with a BOM. Raises
    InputError naming ``name`` and, for bytes that are not UTF-8, the byte offset in ``data``."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise InputError(f"{name}: not valid UTF-16 at byte {error.start}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        offset = error.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)  # utf-8-sig counts after the BOM
        raise InputError(f"{name}: not valid UTF-8 at byte offset {offset} (byte 0x{data[offset]:02x})") from None


def kind_of(path: Path, text: str | None = None) -> str:
    """A document's kind from its file name, else from its title."""
    name = path.name.lower()
    if path.parent.name == "checklists":
        return "checklist"
    for kind in ("spec", "plan", "tasks"):
        if name == f"{kind}.md" or re.search(rf"(?<![a-z]){kind}(?![a-z])", name):
            return kind
    if name == "task.md":
        return "tasks"
    if text is not None:
        head = text[:2000]
        for kind, pattern in KIND_BY_TITLE:
            if pattern.search(head):
                return kind
    return "other"


def feature_ref(folder: Path) -> FeatureRef:
    name = folder.name or folder.resolve().name  # a document in the working directory: folder "."
    match = NUMBER_PREFIX.match(name)
    return FeatureRef(id=name, path=str(folder), number=match.group(1) if match else None)


def is_feature_dir(folder: Path) -> bool:
    return any((folder / name).is_file() for name in DOCUMENTS)


OUTSIDE: Final = "input/outside-link"
"""Rule id of the warning for a document that is a link out of the repository (not read)."""
BAD_NAME: Final = "input/bad-name"
"""Rule id of the warning for a document whose file name is not valid UTF-8 (not read)."""


def boundary(folder: Path) -> Path:
    """The folder a feature's documents must really live in: the git top level above ``folder`` as
    written (links in its path not followed), else the folder that holds the specs root (the
    feature folder's parent's parent). A pull request can commit ``plan.md -> ~/.env``: the site
    would publish the secret, so documents whose real path leaves this folder are not read."""
    return Path(_boundary(os.path.abspath(folder)))


@functools.lru_cache(maxsize=256)
def _boundary(start: str) -> str:
    here = Path(start)
    for candidate in (here, *here.parents):
        if os.path.lexists(candidate / ".git"):
            return os.path.realpath(candidate)
    return os.path.realpath(here.parent.parent)


def outside(path: Path, root: Path) -> str | None:
    """The real path of ``path`` when it is a regular file outside ``root`` (a link out), else None.
    Anything else (inside, missing, a FIFO or device, a loop) is left to ``read_text``'s errors."""
    real = os.path.realpath(path)
    if real == str(root) or real.startswith(str(root).rstrip(os.sep) + os.sep):
        return None
    try:
        return real if stat.S_ISREG(os.stat(real).st_mode) else None
    except OSError:
        return None


def feature_files(folder: Path) -> tuple[list[Path], list[Diagnostic]]:
    """The documents ``load_feature`` reads in ``folder`` (spec, plan, tasks, then checklists), and
    a warning for each one skipped because it is a link out of the repository."""
    paths = [folder / name for name in DOCUMENTS if (folder / name).exists()]
    if (folder / "checklists").is_dir():
        paths += sorted((folder / "checklists").glob("*.md"))
    root = boundary(folder)
    inside: list[Path] = []
    skipped: list[Diagnostic] = []
    for path in paths:
        if not _utf8(str(path)):
            skipped.append(diag(BAD_NAME, "a file name that is not valid UTF-8: not read", shown(path), 1))
            continue
        real = outside(path, root)
        if real is None:
            inside.append(path)
        else:
            # Neither the link's target nor the repository's place on disk is named: the message is
            # published on the site, and /home/<user>/... is nobody's business there.
            skipped.append(diag(OUTSIDE, "a link to a file outside the repository: not read", str(path), 1))
    return inside, skipped


def shown(path: Path | str) -> str:
    """A path for messages and output: bytes that are not UTF-8 in a name (held as surrogates) are
    shown as ``\\xNN``, so printing or serialising it can never fail."""
    text = str(path)
    return text if _utf8(text) else os.fsencode(text).decode("utf-8", "backslashreplace")


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def load_feature(folder: Path, data: dict[Path, bytes] | None = None) -> Feature:
    """Read every document of a feature folder. Raises InputError when none can be found or read.
    ``data``: the documents' bytes, already read (the check cache hashes exactly what is parsed)."""
    if not _utf8(str(folder)):
        # Its name would reach every message, JSON and page: refused as a feature, named escaped.
        raise InputError(
            f"{shown(folder)}: a folder name that is not valid UTF-8 cannot be read as a feature; rename it"
        )
    if not folder.is_dir():
        raise InputError(f"{folder}: not a directory")
    paths, skipped = feature_files(folder)
    if not any(path.parent == folder for path in paths):
        if skipped and any(Path(d.path).parent == folder for d in skipped):
            raise InputError(f"{folder}: its spec.md, plan.md and tasks.md are links to files outside the "
                             "repository: not read")
        raise InputError(f"{folder}: no spec.md, plan.md or tasks.md here")
    texts = {path: decode_text(data[path], str(path)) for path in paths if path in data} if data else None
    return build_feature(feature_ref(folder), [(p, None) for p in paths], texts=texts, notes=skipped)


def load_document(path: Path, data: dict[Path, bytes] | None = None) -> Feature:
    """Read one document on its own; its kind comes from its name or its title."""
    if not _utf8(str(path)):
        raise InputError(f"{shown(path)}: a path that is not valid UTF-8 cannot be read as a document; rename it")
    real = outside(path, boundary(path.parent))
    if real is not None:
        raise InputError(f"{path}: a link to a file outside the repository: not read")
    text = decode_text(data[path], str(path)) if data and path in data else read_text(path)
    kind = kind_of(path, text)
    if kind == "other":
        raise InputError(
            f"{path}: cannot tell whether this is a spec, plan or tasks document (name it spec.md, plan.md or tasks.md)"
        )
    return build_feature(feature_ref(path.parent), [(path, kind)], texts={path: text})


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """One document's share of a Feature: its model, its tasks (tasks.md only) and its parse diagnostics."""

    kind: str
    document: Spec | Plan | TaskList | Checklist | None
    tasks: list[Task]
    diagnostics: list[Diagnostic]
    source: Source
    """Its lines, code and comment lines and suppressions, for the rules that read lines."""


MemoKey = tuple[str, str, str, tuple[str, ...]]
"""(path, kind, text, requirement prefixes): everything a document's parse depends on."""


def parse_document(path: Path, kind: str, text: str, prefixes: tuple[str, ...] = ("R",)) -> ParsedDocument:
    """Parse one document's text. ``prefixes``: the requirement-id prefixes a tasks document may
    cite (the spec's own, see ``_prefixes``); the other kinds ignore them."""
    name = str(path)
    diagnostics: list[Diagnostic] = []
    if rendered.looks_rendered(text):
        text, headings, tables = rendered.recover(text)
        diagnostics.append(
            diag(
                "parse/rendered-copy",
                f"a copy of a rendered page: {_count(headings, 'heading')} and {_count(tables, 'table')} were "
                "rebuilt, but code blocks cannot be, so the plan's steps have no commands",
                name,
                1,
            )
        )
    parsed = blocks.parse(text)
    source = common.source(parsed, name)
    diagnostics.extend(_structure_diagnostics(parsed, name))
    document: Spec | Plan | TaskList | Checklist | None
    tasks: list[Task] = []
    if kind == "spec":
        from speckit.parse import spec as spec_parser

        document, found = spec_parser.extract(parsed, name)
    elif kind == "plan":
        from speckit.parse import plan as plan_parser

        document, found = plan_parser.extract(parsed, name)
    elif kind == "tasks":
        from speckit.parse import tasks as tasks_parser

        document, tasks, found = tasks_parser.extract(parsed, name, prefixes)
    else:
        from speckit.parse import checklist as checklist_parser

        document, found = checklist_parser.extract(parsed, name), []
    diagnostics.extend(found)
    return ParsedDocument(kind, document, tasks, diagnostics, source)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def build_feature(ref: FeatureRef, paths: list[tuple[Path, str | None]], texts: dict[Path, str] | None = None,
                  notes: list[Diagnostic] | None = None,
                  memo: MutableMapping[MemoKey, ParsedDocument] | None = None) -> Feature:
    """The Feature of these documents. ``memo``: documents parsed before, by what their parse
    depends on; a language server passes the same one on every keystroke, so only the document
    that changed is parsed again (a tasks.md also when the spec's requirement prefixes change)."""
    spec: Spec | None = None
    plan: Plan | None = None
    task_list: TaskList | None = None
    tasks: list[Task] = []
    checklists: list[Checklist] = []
    diagnostics: list[Diagnostic] = list(notes or [])
    read: list[tuple[Path, str, str]] = []
    sources: dict[str, Source] = {}
    for path, kind in paths:
        text = texts[path] if texts and path in texts else read_text(path)
        read.append((path, kind or kind_of(path, text), text))
    parsed_texts = _TEXTS.get()
    if parsed_texts is not None:
        parsed_texts.update((str(path), text) for path, _, text in read)
    # The spec goes first: its requirement-id prefixes tell the tasks extractor what a reference is.
    read.sort(key=lambda entry: ("spec", "plan", "tasks", "checklist", "other").index(entry[1]))
    for path, kind, text in read:
        prefixes = _prefixes(spec) if kind == "tasks" else ()
        key = (str(path), kind, text, prefixes)
        done = memo.get(key) if memo is not None else None
        if done is None:
            done = parse_document(path, kind, text, prefixes)
            if memo is not None:
                memo[key] = done
        sources[str(path)] = done.source
        if kind == "spec":
            spec = done.document  # type: ignore[assignment]
        elif kind == "plan":
            plan = done.document  # type: ignore[assignment]
        elif kind == "tasks":
            task_list = done.document  # type: ignore[assignment]
            tasks = list(done.tasks)
        else:
            checklists.append(done.document)  # type: ignore[arg-type]
        diagnostics.extend(done.diagnostics)
    return Feature(
        feature=ref,
        spec=spec,
        plan=plan,
        task_list=task_list,
        tasks=tasks,
        checklists=checklists,
        documents=[str(path) for path, _, _ in read],
        diagnostics=diagnostics,
        sources=sources,
    )


def _prefixes(spec: Spec | None) -> tuple[str, ...]:
    """Requirement-id prefixes a task may cite: the spec's own (``R`` only when it defines R001
    ids; tasks.md files also number refactoring tasks R001), or with no spec, ``R`` too."""
    if spec is None:
        return ("R",)
    from speckit.parse.ids import id_prefix

    return tuple({id_prefix(r.id) for r in spec.requirements + spec.success_criteria})


def _structure_diagnostics(parsed: blocks.Parsed, path: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for first, last in parsed.flattened:
        out.append(
            diag("parse/too-deep", f"nesting deeper than {blocks.MAX_DEPTH} levels on lines {first}-{last}: "
                 "read as if written at that depth", path, first)
        )
    if not any(s.level for s in parsed.sections()[1:]) and len(parsed.lines) > 5:
        out.append(
            diag("parse/no-headings", "no Markdown headings: is this a copy of a rendered page?", path, 1)
        )
    return out


def walk_features(root: Path) -> list[Path]:
    """Feature folders under ``root``, sorted; symlinked folders are not followed (no loops)."""
    found: list[Path] = []
    for current, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and d not in ("node_modules", "build", "checklists", "contracts")
        )
        if any(name in files for name in DOCUMENTS):
            found.append(Path(current))
    return found
