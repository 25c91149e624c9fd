"""Baselines: the findings a team already knows, so that adopting speckit fails only on new ones.

A finding is matched by rule, path and message, not by line: editing a document above a known
problem moves it without making it new. Messages carry task and requirement ids, which are stable.
Matching counts: a baseline entry that appears twice hides two findings, and a third is new.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from speckit.errors import InputError
from speckit.fsutil import write_atomic
from speckit.model import Diagnostic

VERSION = 1
MARK = "speckit-baseline"


def key(d: Diagnostic) -> tuple[str, str, str]:
    return (d.rule, Path(d.path).as_posix(), d.message)


def write(path: Path, diagnostics: Iterable[Diagnostic], force: bool = False) -> int:
    """Write the baseline. A file that is not a speckit baseline is only replaced with ``force``."""
    if path.exists() and not force:
        try:
            existing = json.loads(path.read_text(encoding="utf-8"))
            ours = isinstance(existing, dict) and existing.get("kind") == MARK
        except (OSError, ValueError):
            ours = False
        if not ours:
            raise InputError(f"{path}: exists and is not a speckit baseline (use --force to overwrite it)")
    found = sorted(key(d) for d in diagnostics)
    data = {"kind": MARK, "version": VERSION,
            "findings": [{"rule": r, "path": p, "message": m} for r, p, m in found]}
    try:
        write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    except OSError as error:
        raise InputError(f"{path}: cannot write the baseline ({error.strerror or error})") from None
    return len(found)


def load(path: Path) -> Counter[tuple[str, str, str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such baseline file (write one with --write-baseline {path})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read the baseline ({error})") from None
    except ValueError as error:
        raise InputError(f"{path}: not a speckit baseline (not valid JSON: {error})") from None
    if not isinstance(data, dict) or data.get("kind") != MARK or not isinstance(data.get("findings"), list):
        raise InputError(f"{path}: not a speckit baseline (written by 'speckit check --write-baseline')")
    known: Counter[tuple[str, str, str]] = Counter()
    for entry in data["findings"]:
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("rule", "path", "message")):
            raise InputError(f"{path}: a finding needs string 'rule', 'path' and 'message' keys: {entry!r}"[:300])
        known[(entry["rule"], entry["path"], entry["message"])] += 1
    return known


def apply(diagnostics: list[Diagnostic], known: Counter[tuple[str, str, str]]) -> tuple[list[Diagnostic], int]:
    """The findings not in the baseline, and how many were hidden."""
    left = Counter(known)
    out: list[Diagnostic] = []
    hidden = 0
    for d in diagnostics:
        k = key(d)
        if left[k] > 0:
            left[k] -= 1
            hidden += 1
        else:
            out.append(d)
    return out, hidden
