"""What the language server knows: the editor's open buffers, and each feature's model and findings.

A feature is read from the editor's text for every document open in it and from disk for the
others, then checked exactly as ``speckit check`` checks it (``check_feature``). Parses are
memoised per document (``build_feature(memo=...)``): after a keystroke only the edited document is
parsed again, the others' parses are reused, and the rules run over the whole feature, so a
finding that joins two documents (a task citing an FR of spec.md) follows either one.

No LSP types here: the server converts.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import traceback
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from speckit import config as config_module
from speckit.check import BUG, UNREADABLE, check_feature, validate_config
from speckit.config import Config
from speckit.errors import InputError
from speckit.model import Diagnostic, Feature
from speckit.model.rules import emit
from speckit.parse import (
    DOCUMENTS,
    MemoKey,
    ParsedDocument,
    build_feature,
    feature_files,
    feature_ref,
    kind_of,
    read_text,
    walk_features,
)

if TYPE_CHECKING:
    from speckit.lsp.ids import Index

log = logging.getLogger("speckit.lsp")


@dataclass(frozen=True, slots=True)
class Unit:
    """What is checked together: a feature folder, or one document on its own (``document`` set:
    a ``tasks-v2.md`` that is no spec.md, plan.md or tasks.md, read as ``speckit check FILE`` reads it)."""

    folder: Path
    document: Path | None = None


class Memo(MutableMapping[MemoKey, ParsedDocument]):
    """The per-document parses of one unit; keeps only the entries the last build used."""

    def __init__(self) -> None:
        self._data: dict[MemoKey, ParsedDocument] = {}
        self._used: set[MemoKey] = set()

    def __getitem__(self, key: MemoKey) -> ParsedDocument:
        self._used.add(key)
        return self._data[key]

    def __setitem__(self, key: MemoKey, value: ParsedDocument) -> None:
        self._used.add(key)
        self._data[key] = value

    def __delitem__(self, key: MemoKey) -> None:
        del self._data[key]

    def __iter__(self) -> Iterator[MemoKey]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def prune(self) -> None:
        """Forget the parses the last build did not ask for (older texts of a document)."""
        self._data = {k: v for k, v in self._data.items() if k in self._used}
        self._used = set()


@dataclass
class Snapshot:
    """One unit as last read and checked."""

    unit: Unit
    feature: Feature | None
    diagnostics: list[Diagnostic]
    texts: dict[Path, str] = field(default_factory=dict)
    """The text of each document as parsed (the editor's, where open)."""
    stamps: dict[Path, tuple[int, int, int]] = field(default_factory=dict)
    """Size, time and inode of each document read from disk: a change there makes the snapshot stale."""
    _index: Index | None = None

    @property
    def index(self) -> Index:
        """Where each id of the feature is defined and referenced (built on first use)."""
        if self._index is None:
            from speckit.lsp.ids import Index

            self._index = Index(self)
        return self._index


def normal(path: Path | str) -> Path:
    """An absolute path, links not followed (the reader checks where links lead)."""
    return Path(os.path.abspath(path))


class Session:
    """Buffers, files and snapshots. ``set_buffer``/``close_buffer`` follow the editor;
    ``snapshot`` reads and checks a unit again when something it reads has changed."""

    def __init__(self) -> None:
        self.buffers: dict[Path, str] = {}
        self._disk: dict[Path, tuple[tuple[int, int, int], str]] = {}
        self._memos: dict[Unit, Memo] = {}
        self._snapshots: dict[Unit, Snapshot] = {}
        self._stale: set[Unit] = set()
        self._configs: dict[Path, tuple[object, Config, Diagnostic | None]] = {}

    # -- the editor's side -------------------------------------------------------------------

    def set_buffer(self, path: Path, text: str) -> Unit | None:
        path = normal(path)
        self.buffers[path] = text
        return self._touch(path)

    def close_buffer(self, path: Path) -> Unit | None:
        path = normal(path)
        self.buffers.pop(path, None)
        return self._touch(path)

    def file_changed(self, path: Path) -> Unit | None:
        """A file changed on disk (saved, or written by another program)."""
        path = normal(path)
        self._disk.pop(path, None)
        return self._touch(path)

    def _touch(self, path: Path) -> Unit | None:
        unit = self.unit_of(path)
        if unit is not None:
            self._stale.add(unit)
        return unit

    # -- which feature a document belongs to ---------------------------------------------------

    def unit_of(self, path: Path) -> Unit | None:
        """The unit ``path`` belongs to: its feature folder for spec.md, plan.md, tasks.md and
        checklists/*.md; itself for another document that names or titles itself a spec, plan
        or tasks (outside ``contracts/`` folders); None for any other file."""

        path = normal(path)
        if path.suffix.lower() != ".md":
            return None
        if path.name in DOCUMENTS:
            return Unit(path.parent)
        if path.parent.name == "checklists" and self._has_documents(path.parent.parent):
            return Unit(path.parent.parent)
        if any(part in ("contracts", "checklists", "node_modules") for part in path.parent.parts):
            return None  # Spec Kit's contracts/api-spec.md is no spec (walk_features skips them too)
        text = self.buffers.get(path)
        if text is None:
            try:
                text = self.read(path)
            except InputError:
                return None
        return Unit(path.parent, path) if kind_of(path, text) in ("spec", "plan", "tasks") else None

    def _has_documents(self, folder: Path) -> bool:
        return any((folder / name).is_file() or (folder / name) in self.buffers for name in DOCUMENTS)

    # -- reading and checking ------------------------------------------------------------------

    def read(self, path: Path) -> str:
        """A document's text: the editor's when open, else the file's (kept while its size, time
        and inode are unchanged). Raises InputError as ``speckit check`` would."""
        text = self.buffers.get(path)
        if text is not None:
            return text

        stamp = _stamp(path)
        cached = self._disk.get(path)
        if cached is not None and cached[0] == stamp and stamp != (0, 0, 0):
            return cached[1]
        text = read_text(path)
        self._disk[path] = (stamp, text)
        return text

    def documents(self, unit: Unit) -> tuple[list[Path], list[Diagnostic]]:
        """The documents of ``unit`` in the reader's order, and warnings for those not read."""
        if unit.document is not None:
            return [unit.document], []

        folder = unit.folder
        on_disk, skipped = feature_files(folder) if folder.is_dir() else ([], [])
        paths = [normal(p) for p in on_disk]
        for path in self.buffers:  # open in the editor, not saved yet
            if path in paths or os.path.lexists(path):
                continue
            if (path.parent == folder and path.name in DOCUMENTS) or (
                    path.parent == folder / "checklists" and path.suffix.lower() == ".md"):
                paths.append(path)

        def order(path: Path) -> tuple[int, str]:
            return (DOCUMENTS.index(path.name), "") if path.parent == folder else (len(DOCUMENTS), path.name)

        return sorted(paths, key=order), skipped

    def config(self, folder: Path) -> tuple[Config, Diagnostic | None]:
        """The config that applies to ``folder`` (re-read when its file changes); on a bad config,
        the defaults and an error naming the config's mistake."""

        source = config_module.find_config(folder)
        try:
            stamp: object = (source, source.stat().st_mtime_ns) if source else None
        except OSError:
            stamp = None
        cached = self._configs.get(folder)
        if cached is not None and cached[0] == stamp:
            return cached[1], cached[2]
        problem: Diagnostic | None = None
        try:
            config = config_module.load(start=folder)
            validate_config(config)
        except InputError as error:
            config = Config(root=config_module.repo_root(folder))
            # The config is input that could not be read: input/unreadable, on the feature's first document.
            problem = emit("input/unreadable", f"{error} (checked with the default config meanwhile)", "", 1)
        self._configs[folder] = (stamp, config, problem)
        return config, problem

    def snapshot(self, unit: Unit) -> Snapshot:
        """The unit as it reads now: the last snapshot unless something it reads changed."""
        current = self._snapshots.get(unit)
        if current is not None and unit not in self._stale and all(
                _stamp(path) == stamp for path, stamp in current.stamps.items()):
            return current
        self._stale.discard(unit)
        snapshot = self._build(unit)
        self._snapshots[unit] = snapshot
        return snapshot

    def _build(self, unit: Unit) -> Snapshot:
        paths, notes = self.documents(unit)
        texts: dict[Path, str] = {}
        for path in paths:
            try:
                texts[path] = self.read(path)
            except InputError as error:
                notes.append(emit(UNREADABLE, str(error), str(path), 1))
        if not texts:
            return Snapshot(unit, None, notes, texts)
        config, problem = self.config(unit.folder)
        first = str(next(iter(texts)))
        if problem is not None:
            notes.append(dataclasses.replace(problem, path=first))
        memo = self._memos.setdefault(unit, Memo())
        try:
            # Suppressions come from the text parsed (the editor's), through Feature.sources.
            feature = build_feature(feature_ref(unit.folder), [(p, None) for p in texts], texts=texts,
                                    notes=notes, memo=memo)
            found = check_feature(feature, config)
        except (RecursionError, Exception) as error:  # noqa: BLE001 - a bug in speckit must not take the editor's server down
            log.error("speckit failed on %s:\n%s", unit.folder, traceback.format_exc())
            message = f"speckit failed on this feature: {type(error).__name__}: {error} (a bug: please report it)"
            return Snapshot(unit, None, [*notes, emit(BUG, message, first, 1)],
                            texts)
        finally:
            memo.prune()
        stamps = {path: _stamp(path) for path in texts if path not in self.buffers}
        return Snapshot(unit, feature, found, texts, stamps)

    def published(self, snapshot: Snapshot) -> dict[Path, list[Diagnostic]]:
        """The findings of a snapshot per document: every document of the unit gets its list
        (an empty one clears what was shown before)."""
        out: dict[Path, list[Diagnostic]] = {path: [] for path in snapshot.texts}
        for diagnostic in snapshot.diagnostics:
            if diagnostic.path:
                out.setdefault(normal(diagnostic.path), []).append(diagnostic)
        return out

    def features(self, roots: list[Path]) -> list[Snapshot]:
        """Every feature under the specs roots of these workspace folders (for workspace symbols)."""

        seen: set[Path] = set()
        out: list[Snapshot] = []
        for root in roots:
            config, _ = self.config(root)
            try:
                specs = config.specs_path
            except InputError:
                continue
            for folder in walk_features(specs) if specs.is_dir() else []:
                folder = normal(folder)
                if folder not in seen:
                    seen.add(folder)
                    out.append(self.snapshot(Unit(folder)))
        return out


def _stamp(path: Path) -> tuple[int, int, int]:
    try:
        info = path.stat()
    except OSError:
        return (0, 0, 0)
    return (info.st_mtime_ns, info.st_size, info.st_ino)
