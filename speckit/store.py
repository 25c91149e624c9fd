"""A content-addressed store of JSON values on disk: the check cache's storage (``.speckit/cache/``).

A warm re-check of a monorepo should cost a small part of a cold one (docs/performance.md), so
``speckit check`` keeps each feature's result in a store (``speckit.check.cached`` decides what goes
in; this module only keeps it). The store is only ever a shortcut:

- **Keys are content.** A key hashes the given bytes (what was parsed, read once), the paths as
  given, a namespace and the store's salt (the caller's format, version and config).
- **Facts travel with a value.** An entry may carry facts its value relied on (does an artifact
  exist?, see ``speckit.probes``); ``holds`` re-checks them on every read, and an entry whose facts
  no longer hold is a miss.
- **Safe to delete**, at any time, even during a run: a missing entry is a miss, and a write that
  loses its folder is dropped.
- **Safe under concurrency.** Entries are written whole by ``write`` (the caller's atomic write:
  temporary file and rename), so readers see an old entry, a new one, or none. Two runs that write
  one key write the same bytes. Each entry carries a checksum: a torn or edited entry is a miss and
  is removed.
- **Never in the way.** A folder that cannot be written turns the store off for the run
  (``refusals`` names the errors that mean so); it is never an error.

Only the standard library is imported, and nothing of speckit: the commit hook pays for this module,
and a store that knows no rule cannot close an import circle through one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

MAX_ENTRIES = 20_000
"""Prune the oldest entries past this many (a 1,000-feature repository edited for months stays
well under it; each entry is a few KB)."""

Write = Callable[[Path, bytes], None]
Holds = Callable[[str, bool], bool]


class Cache:
    """One store folder and the salt every key includes.

    ``write(path, data)`` writes an entry whole; an exception of ``refusals`` from it turns the store
    off for the run. ``holds(fact, answer)`` tells whether a recorded fact still has that answer."""

    def __init__(self, folder: Path, salt: str, *, write: Write, holds: Holds,
                 refusals: tuple[type[BaseException], ...] = (OSError,)) -> None:
        self.folder = folder
        self.salt = salt
        self.enabled = True
        self.writes = 0
        self._write = write
        self._holds = holds
        self._refusals = refusals

    def key(self, namespace: str, files: Mapping[Path, bytes], extra: str = "") -> str:
        """A key over ``files`` (path as given -> its bytes), the namespace, ``extra`` and the salt."""
        digest = hashlib.sha256(f"{self.salt}\0{namespace}\0{extra}".encode())
        for path, content in files.items():
            digest.update(f"\0{path}\0{len(content)}\0".encode("utf-8", "surrogateescape"))
            digest.update(hashlib.sha256(content).digest())
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> Any | None:
        """The value stored under ``key``, or None (missing, torn, or its recorded facts changed)."""
        if not self.enabled:
            return None
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        entry = _decode(raw, key)
        if entry is None:
            _remove(path)
            return None
        facts: Mapping[str, bool] = entry.get("probes", {})
        if not all(self._holds(fact, answer) for fact, answer in facts.items()):
            return None
        return entry["value"]

    def put(self, key: str, value: Any, facts: Mapping[str, bool] | None = None) -> None:
        """Store a JSON-able ``value``; ``facts`` are the answers it relied on (fact -> answer)."""
        if not self.enabled:
            return
        body = json.dumps({"key": key, "probes": dict(facts or {}), "value": value},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        data = hashlib.sha256(body).hexdigest().encode() + b"\n" + body
        try:
            self._write(self._path(key), data)
        except self._refusals:
            # A read-only checkout, a full disk, the folder deleted mid-run: carry on without.
            self.enabled = False
            return
        self.writes += 1

    def entries(self) -> list[Path]:
        try:
            return [p for sub in self.folder.iterdir() if sub.is_dir() for p in sub.glob("*.json")]
        except OSError:
            return []

    def prune(self, keep: int = MAX_ENTRIES) -> int:
        """Remove the oldest entries past ``keep``; returns how many went."""
        found = self.entries()
        if len(found) <= keep:
            return 0
        aged: list[tuple[float, Path]] = []
        for path in found:
            try:
                aged.append((path.stat().st_mtime, path))
            except OSError:
                continue
        aged.sort()
        removed = 0
        for _, path in aged[: len(aged) - keep]:
            removed += _remove(path)
        return removed


def _decode(raw: bytes, key: str) -> dict[str, Any] | None:
    checksum, _, body = raw.partition(b"\n")
    if hashlib.sha256(body).hexdigest().encode() != checksum:
        return None
    try:
        entry = json.loads(body)
    except ValueError:
        return None
    if not isinstance(entry, dict) or entry.get("key") != key or "value" not in entry:
        return None
    return entry


def _remove(path: Path) -> int:
    try:
        path.unlink()
    except OSError:
        return 0
    return 1
