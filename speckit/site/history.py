"""Progress over time, from the repository's git history: the done and open tasks of each feature at
every commit that changed its tasks.md, drawn as a burndown (Mermaid's ``xychart-beta``, which
renders offline like every other diagram of the site).

One ``git log --raw`` lists, for all features at once, the commits that touched a tasks.md and the
blob each left; one ``git cat-file --batch`` reads the blobs not yet counted. Counts are cached by
blob id in the generated project (``history.json``): a blob's content never changes, so a rebuild
counts only the tasks.md versions that new commits brought. The git CLI is used (no library): it is
there wherever the history is.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from speckit.fsutil import write_atomic

CACHE = "history.json"
MAX_POINTS = 60
"""Points drawn per chart: the most recent ones (Mermaid's x axis stays readable)"""
_ZERO = "0" * 40


@dataclass(frozen=True, slots=True)
class Point:
    when: int
    """commit time, seconds since the epoch"""
    commit: str
    done: int
    open: int


@dataclass
class History:
    points: dict[str, list[Point]]
    """tasks.md path (as given) -> its points, oldest first"""
    reason: str = ""
    """why there is no history at all (no git, not a repository), empty when there is one"""


def read(root: Path, paths: list[Path], project: Path | None = None) -> History:
    """The history of each of ``paths`` (tasks.md files) in the repository at ``root``."""
    git = shutil.which("git")
    if git is None:
        return History({}, "git is not installed, so there is no history to draw")
    inside = subprocess.run([git, "-C", str(root), "rev-parse", "--show-toplevel"], capture_output=True, text=True,
                            check=False)
    if inside.returncode != 0:
        return History({}, f"{root} is not in a git repository, so there is no history to draw")
    top = Path(inside.stdout.strip())
    relative: dict[str, str] = {}
    for path in paths:
        try:
            relative[Path(os.path.realpath(path)).relative_to(os.path.realpath(top)).as_posix()] = str(path)
        except ValueError:
            continue
    if not relative:
        return History({})
    log = subprocess.run([git, "-C", str(top), "log", "--format=@%H %ct", "--raw", "--no-abbrev", "--no-renames",
                          "--", *sorted(relative)], capture_output=True, text=True, check=False)
    if log.returncode != 0:  # no commit yet
        return History({p: [] for p in relative.values()})
    changes: list[tuple[int, str, str, str]] = []  # when, commit, path, blob
    commit, when = "", 0
    for line in log.stdout.splitlines():
        if line.startswith("@"):
            commit, _, stamp = line[1:].partition(" ")
            when = int(stamp or 0)
        elif line.startswith(":"):
            meta, _, name = line.partition("\t")
            blob = meta.split()[3]
            if name in relative:
                changes.append((when, commit, name, blob))
    cache_file = project / CACHE if project is not None else None
    counts = _load(cache_file)
    missing = sorted({blob for *_, blob in changes if blob != _ZERO and blob not in counts})
    if missing:
        counts.update(_count(git, top, missing))
        if cache_file is not None:
            try:
                write_atomic(cache_file, json.dumps(counts, separators=(",", ":")) + "\n", sync=False,
                             within=project)
            except OSError:
                pass  # the cache is a shortcut: next time counts again
    out: dict[str, list[Point]] = {p: [] for p in relative.values()}
    for when, commit, name, blob in reversed(changes):  # git log is newest first; commit times can tie
        done, left = counts.get(blob, (0, 0)) if blob != _ZERO else (0, 0)
        out[relative[name]].append(Point(when, commit, done, left))
    return History(out)


def _load(path: Path | None) -> dict[str, tuple[int, int]]:
    if path is None:
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: (int(v[0]), int(v[1])) for k, v in raw.items() if isinstance(v, list) and len(v) == 2}


def _count(git: str, top: Path, blobs: list[str]) -> dict[str, tuple[int, int]]:
    """Done and open tasks of each blob, parsed by speckit's own tasks parser."""
    from speckit.parse import build_feature, decode_text, feature_ref

    batch = subprocess.run([git, "-C", str(top), "cat-file", "--batch"], input="\n".join(blobs).encode() + b"\n",
                           capture_output=True, check=False)
    data, out, pos = batch.stdout, {}, 0
    for blob in blobs:
        end = data.index(b"\n", pos)
        header = data[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] != b"blob":
            continue
        size = int(header[2])
        content, pos = data[pos:pos + size], pos + size + 1
        path = top / "tasks.md"
        try:
            text = decode_text(content, blob)
        except Exception:  # noqa: BLE001 - an old version that is not text counts as no tasks
            out[blob] = (0, 0)
            continue
        model = build_feature(feature_ref(top), [(path, "tasks")], texts={path: text})
        done = sum(1 for t in model.tasks if t.state == "done")
        out[blob] = (done, sum(1 for t in model.tasks if t.state not in ("done", "struck")))
    return out


def chart(points: list[Point]) -> str:
    """A Mermaid xychart-beta: open tasks as a line, done tasks as bars, one column per commit. No
    document text goes in (the page's heading names the feature): only dates and counts."""
    shown = points[-MAX_POINTS:]
    dates = [time.strftime("%Y-%m-%d", time.gmtime(p.when)) for p in shown]
    top = max([p.done + p.open for p in shown] + [1])
    return "\n".join([
        "xychart-beta",
        "  x-axis [" + ", ".join(f'"{d}"' for d in dates) + "]",
        f'  y-axis "tasks" 0 --> {top}',
        "  bar [" + ", ".join(str(p.done) for p in shown) + "]",
        "  line [" + ", ".join(str(p.open) for p in shown) + "]",
    ]) + "\n"


def summed(histories: list[list[Point]]) -> list[Point]:
    """All features together: at each commit, the sum of every feature's latest counts."""
    events = sorted(((p.when, n, i, p) for i, points in enumerate(histories) for n, p in enumerate(points)),
                    key=lambda e: (e[0], e[1]))
    latest: dict[int, Point] = {}
    out: list[Point] = []
    for when, _, i, point in events:
        commit = point.commit
        latest[i] = point
        total = Point(when, commit, sum(p.done for p in latest.values()), sum(p.open for p in latest.values()))
        if out and out[-1].commit == commit:
            out[-1] = total
        else:
            out.append(total)
    return out
