"""``check_target`` through the content store (``speckit.store``): the check cache.

The cache is never stale. A key hashes the bytes of every document read (read once: those same
bytes are what the parser parses, so a concurrent edit cannot pair one version's result with the
other's key), the paths as given (they appear in messages), the repository root, the config
(``Config.digest``), the speckit version and a fingerprint of speckit's own source files (an editable
install changes code without changing its version). Facts read from outside the documents (does an
artifact path exist?) go through ``speckit.probes``, which records them with the entry; an entry
whose recorded facts no longer hold is a miss. ``cache: false`` in the config or ``SPECKIT_CACHE=0``
turn it off.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from speckit import __version__, probes
from speckit.check import check_target, repo_root_for
from speckit.config import Config, repo_root
from speckit.discover import Target, documents
from speckit.errors import InputError
from speckit.fsutil import inside, write_atomic
from speckit.model import Diagnostic, Feature, FeatureRef, Source
from speckit.parse import read_bytes
from speckit.store import Cache

FORMAT = 1
"""Bump when the layout of an entry changes."""

FOLDER = Path(".speckit") / "cache"


def code_fingerprint(package: Path | None = None) -> str:
    """Names, sizes and mtimes of speckit's own modules: a changed rule must not meet old results.
    (About 50 stat calls, well under a millisecond.)"""
    package = package or Path(__file__).parent.parent
    parts: list[str] = [__version__]
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                stat = os.stat(path)
                parts.append(f"{os.path.relpath(path, package)}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def disabled_by_env() -> bool:
    return os.environ.get("SPECKIT_CACHE", "").strip().lower() in ("0", "off", "false", "no")


def store_at(folder: Path, salt: str) -> Cache:
    """The store in ``folder``: entries written atomically without fsync (a lost entry is only a
    miss; an fsync per entry cost 0.5 ms here), never through a link out of ``folder``
    (``fsutil.confine``: such a write is refused and turns the store off), facts re-asked through
    ``speckit.probes``."""
    write = functools.partial(write_atomic, sync=False, within=folder)
    return Cache(folder, salt, write=write, holds=probes.still, refusals=(OSError, InputError))


def open_cache(config: Config) -> Cache | None:
    """The check cache for this config, at the repository root; None when it is turned off."""
    if not config.cache or disabled_by_env():
        return None
    if os.environ.get("SPECKIT_CACHE_DIR"):
        folder = Path(os.environ["SPECKIT_CACHE_DIR"])
    else:
        top = repo_root(config.root)
        folder = top / FOLDER
        if not inside(folder, top):
            # A committed `.speckit` link out of the repository: entries would be written (and
            # trusted) out there. The cache is a shortcut, so it is simply off.
            return None
    return store_at(folder, f"{FORMAT}:{code_fingerprint()}:{config.digest}")


def read_files(files: Iterable[Path]) -> dict[Path, bytes] | None:
    """The bytes of ``files``, read once: the key hashes them and the parser parses them, so a file
    edited between the two can never store one version's result under the other's key (a cached
    exit 0 where a fresh check exits 1). None when one cannot be read: the caller then checks
    without the cache and reports the error its own way."""
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
    files = documents(target)
    data = read_files(files) if files else None
    if data is None:
        return check_target(target, config, repo_root)
    root = repo_root if repo_root is not None else repo_root_for(target.folder, config)
    key = cache.key("check", data, extra=f"root={root}")
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
    with probes.recording() as facts:
        feature, found = check_target(target, config, repo_root, data)
    fields = [f.name for f in dataclasses.fields(Diagnostic)]
    cache.put(key, {
        "ref": {"id": feature.feature.id, "path": feature.feature.path, "number": feature.feature.number},
        "documents": list(feature.documents),
        "diagnostics": [{name: getattr(d, name) for name in fields} for d in found],
        "suppressions": {path: source.suppressions for path, source in feature.sources.items() if source.suppressions},
    }, facts)
    return feature, found
