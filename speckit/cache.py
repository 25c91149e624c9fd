"""The check cache: results keyed by the content of what produced them, under ``.speckit/cache/``.

A warm re-check of a monorepo should cost a small part of a cold one (docs/performance.md), so
``speckit check`` keeps each feature's result here. The cache is only ever a shortcut:

- **Never stale.** A key hashes the bytes of every document read (read once: those same bytes are
  what the parser parses, so a concurrent edit cannot pair one version's result with the other's key), the paths as given (they appear
  in messages), the config (``Config.digest``), the speckit version and a fingerprint of speckit's
  own source files (an editable install changes code without changing its version). Facts read from
  outside the documents (does an artifact path exist?) go through :func:`exists`, which records
  them; an entry whose recorded facts no longer hold is a miss.
- **Safe to delete**, at any time, even during a run: a missing entry is a miss, and a write that
  loses its folder is dropped.
- **Safe under concurrency.** Entries are written whole to a temporary file and renamed into place
  (``speckit.fsutil.write_atomic``), so readers see an old entry, a new one, or none. Two runs that
  write one key write the same bytes. Each entry carries a checksum: a torn or edited entry is a miss
  and is removed.
- **Never in the way.** A cache folder that cannot be read or written turns the cache off for the
  run; it is never an error. ``cache: false`` in the config or ``SPECKIT_CACHE=0`` turn it off too.

Entries are JSON. Only the standard library is imported here: the commit hook pays for this module.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

from speckit import __version__

if TYPE_CHECKING:
    from speckit.config import Config
    from speckit.discover import Target
    from speckit.model import Diagnostic, Feature

FORMAT = 1
"""Bump when the layout of an entry changes."""

FOLDER = Path(".speckit") / "cache"
MAX_ENTRIES = 20_000
"""Prune the oldest entries past this many (a 1,000-feature repository edited for months stays
well under it; each entry is a few KB)."""

GLOB = "glob:"
_probes: ContextVar[dict[str, bool] | None] = ContextVar("speckit_cache_probes", default=None)


def exists(path: Path | str) -> bool:
    """``Path(path).exists()``, recorded for the entry being computed (see :func:`recording`).

    Rules that look at the file system outside the feature's documents must use this, so that a
    cached result is dropped when the answer changes.
    """
    answer = os.path.exists(path)
    probes = _probes.get()
    if probes is not None:
        probes[os.path.abspath(path)] = answer
    return answer


def any_match(pattern: str) -> bool:
    """``bool(glob.glob(pattern))``, recorded like :func:`exists`."""
    import glob

    answer = bool(glob.glob(pattern))
    probes = _probes.get()
    if probes is not None:
        probes[GLOB + os.path.abspath(pattern)] = answer
    return answer


def _still(probe: str, answer: bool) -> bool:
    if probe.startswith(GLOB):
        import glob

        return bool(glob.glob(probe[len(GLOB):])) == answer
    return os.path.exists(probe) == answer


@contextmanager
def recording() -> Iterator[dict[str, bool]]:
    """Collect the :func:`exists` answers given inside the block (absolute path -> answer)."""
    probes: dict[str, bool] = {}
    token = _probes.set(probes)
    try:
        yield probes
    finally:
        _probes.reset(token)


def code_fingerprint(package: Path | None = None) -> str:
    """Names, sizes and mtimes of speckit's own modules: a changed rule must not meet old results.
    (About 50 stat calls, well under a millisecond.)"""
    package = package or Path(__file__).parent
    parts: list[str] = [__version__]
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                stat = os.stat(os.path.join(folder, name))
                parts.append(f"{os.path.relpath(os.path.join(folder, name), package)}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def disabled_by_env() -> bool:
    return os.environ.get("SPECKIT_CACHE", "").strip().lower() in ("0", "off", "false", "no")


class Cache:
    """One cache folder and the salt (format, version, code, config) that every key includes."""

    def __init__(self, folder: Path, salt: str) -> None:
        self.folder = folder
        self.salt = salt
        self.enabled = True
        self.hits = 0
        self.misses = 0
        self.writes = 0

    @classmethod
    def open(cls, config: Config) -> Cache | None:
        """The cache for this config, at the repository root; None when it is turned off."""
        if not config.cache or disabled_by_env():
            return None
        from speckit.config import repo_root

        if os.environ.get("SPECKIT_CACHE_DIR"):
            folder = Path(os.environ["SPECKIT_CACHE_DIR"])
        else:
            from speckit.fsutil import inside

            top = repo_root(config.root)
            folder = top / FOLDER
            if not inside(folder, top):
                # A committed `.speckit` link out of the repository: entries would be written (and
                # trusted) out there. The cache is a shortcut, so it is simply off.
                return None
        salt = f"{FORMAT}:{code_fingerprint()}:{config.digest}"
        return cls(folder, salt)

    def key(self, namespace: str, files: Iterable[Path] | Mapping[Path, bytes], extra: str = "") -> str | None:
        """A key over ``files`` (path as given + content): their bytes, or paths to read. None when
        one cannot be read: the caller then computes without the cache and reports the error."""
        data = files if isinstance(files, Mapping) else read_files(files)
        if data is None:
            return None
        digest = hashlib.sha256(f"{self.salt}\0{namespace}\0{extra}".encode())
        for path, content in data.items():
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
            self.misses += 1
            return None
        entry = _decode(raw, key)
        if entry is None:
            self.misses += 1
            _remove(path)
            return None
        probes: Mapping[str, bool] = entry.get("probes", {})
        if not all(_still(p, answer) for p, answer in probes.items()):
            self.misses += 1
            return None
        self.hits += 1
        return entry["value"]

    def put(self, key: str, value: Any, probes: Mapping[str, bool] | None = None) -> None:
        """Store a JSON-able ``value``; ``probes`` are the :func:`exists` answers it relied on."""
        if not self.enabled:
            return
        body = json.dumps({"key": key, "probes": dict(probes or {}), "value": value},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        data = hashlib.sha256(body).hexdigest().encode() + b"\n" + body
        from speckit.errors import InputError
        from speckit.fsutil import write_atomic

        try:
            write_atomic(self._path(key), data, sync=False, within=self.folder)
        except (OSError, InputError):  # InputError: a link out of the cache folder (see fsutil.confine)
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

    def clear(self) -> int:
        """Remove every entry (the folder stays); returns how many went."""
        return sum(_remove(path) for path in self.entries())


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


def target_files(target: Target) -> list[Path]:
    """The documents ``speckit.parse`` reads for a target (see ``load_feature``): never a link out
    of the repository, which the parser skips too."""
    from speckit.parse import feature_files

    if target.document is not None:
        return [target.document]
    return feature_files(target.folder)[0]


def read_files(files: Iterable[Path]) -> dict[Path, bytes] | None:
    """The bytes of ``files``, read once: the key hashes them and the parser parses them, so a file
    edited between the two can never store one version's result under the other's key (a cached
    exit 0 where a fresh check exits 1). None when one cannot be read: the caller then checks
    without the cache and reports the error its own way."""
    from speckit.errors import InputError
    from speckit.parse import read_bytes

    data: dict[Path, bytes] = {}
    for path in files:
        try:
            data[path] = read_bytes(path)  # refuses a FIFO or a device before reading
        except InputError:
            return None
    return data


def check_target_cached(cache: Cache, target: Target, config: Config,
                        repo_root: Path | None = None) -> tuple[Feature, list[Diagnostic]]:
    """``speckit.check.check_target`` through the cache.

    A hit skips parsing, so the Feature it returns holds only the feature's reference, its
    document paths and their inline suppressions (what the cross-feature rules read); the
    diagnostics are whole.
    """
    from speckit.check import check_target, repo_root_for
    from speckit.model import Diagnostic, Feature, FeatureRef, Source

    files = target_files(target)
    data = read_files(files) if files else None
    root = repo_root if repo_root is not None else repo_root_for(target.folder, config)
    key = cache.key("check", data, extra=f"root={root}") if data is not None else None
    if key is None:
        return check_target(target, config, repo_root)
    value = cache.get(key)
    if value is not None:
        try:
            ref = FeatureRef(**value["ref"])
            found = [Diagnostic(**d) for d in value["diagnostics"]]
            sources = {path: Source(path=path, suppressions={int(line): names for line, names in marks.items()})
                       for path, marks in value.get("suppressions", {}).items()}
            return Feature(feature=ref, documents=value["documents"], sources=sources), found
        except (KeyError, TypeError, ValueError):
            pass  # an entry of an unexpected shape is a miss
    with recording() as probes:
        feature, found = check_target(target, config, repo_root, data)
    fields = [f.name for f in dataclasses.fields(Diagnostic)]
    cache.put(key, {
        "ref": {"id": feature.feature.id, "path": feature.feature.path, "number": feature.feature.number},
        "documents": list(feature.documents),
        "diagnostics": [{name: getattr(d, name) for name in fields} for d in found],
        "suppressions": {path: source.suppressions for path, source in feature.sources.items() if source.suppressions},
    }, probes)
    return feature, found
