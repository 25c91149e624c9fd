"""File-system probes that rules ask through, so that a cached result knows what it relied on.

A rule that looks outside the feature's documents (does the artifact ``dist/report.json`` exist?)
asks :func:`exists` or :func:`any_match` instead of the file system. Inside :func:`recording` each
answer is kept (absolute path -> answer); the check cache stores them with the result, and
:func:`still` re-asks them before a stored result is trusted again, so a cached check is dropped
when one of the answers changes.

Only the standard library is imported, and nothing of speckit: rules and the cache both depend on
this module, and it depends on neither.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

GLOB = "glob:"
"""Prefix of a recorded :func:`any_match` pattern, beside plain :func:`exists` paths."""

_probes: ContextVar[dict[str, bool] | None] = ContextVar("speckit_probes", default=None)


def exists(path: Path | str) -> bool:
    """``Path(path).exists()``, recorded for the result being computed (see :func:`recording`)."""
    answer = os.path.exists(path)
    probes = _probes.get()
    if probes is not None:
        probes[os.path.abspath(path)] = answer
    return answer


def any_match(pattern: str) -> bool:
    """``bool(glob.glob(pattern))``, recorded like :func:`exists`."""
    answer = bool(glob.glob(pattern))
    probes = _probes.get()
    if probes is not None:
        probes[GLOB + os.path.abspath(pattern)] = answer
    return answer


def still(probe: str, answer: bool) -> bool:
    """Whether a recorded probe (a key of :func:`recording`'s dict) still gives ``answer``."""
    if probe.startswith(GLOB):
        return bool(glob.glob(probe[len(GLOB):])) == answer
    return os.path.exists(probe) == answer


@contextmanager
def recording() -> Iterator[dict[str, bool]]:
    """Collect the answers given inside the block (absolute path or ``glob:`` pattern -> answer)."""
    probes: dict[str, bool] = {}
    token = _probes.set(probes)
    try:
        yield probes
    finally:
        _probes.reset(token)
