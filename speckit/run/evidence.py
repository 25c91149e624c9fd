"""The evidence layout shared by ``run.sh``, ``speckit run`` and ``speckit checklist --verify``.

::

    <evidence>/latest                 the id of the last run (a plain file: no symlinks needed)
    <evidence>/<run-id>/<step>.log    banner, commands and output of one step
    <evidence>/<run-id>/summary.tsv   step, kind, status, exit, started (UTC), seconds; one line per
                                      attempt, the last line of a step wins
    <evidence>/<run-id>/approvals.tsv gate, who, when (UTC), how

Tab-separated text because run.sh writes it with printf and reads it with awk, needing no Python.
Status is ``pass``, ``fail``, ``approved`` or ``waiting`` (a human gate that got no approval).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

SUMMARY_HEADER = "step\tkind\tstatus\texit\tstarted\tseconds\n"
APPROVALS_HEADER = "gate\twho\twhen\thow\n"
PASSED = frozenset({"pass", "approved"})


@dataclass(frozen=True, slots=True)
class Record:
    step: str
    kind: str
    status: str
    exit: int
    started: str
    seconds: int
    run_id: str = ""


@dataclass(frozen=True, slots=True)
class Approval:
    gate: str
    who: str
    when: str
    how: str
    run_id: str = ""


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_run_id(evidence: Path) -> str:
    base = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return base if not (evidence / base).exists() else f"{base}-{os.getpid()}"


def clean(text: str) -> str:
    """A value safe for one TSV cell."""
    return re.sub(r"[\t\r\n]+", " ", text)


def latest(evidence: Path) -> str | None:
    try:
        value = (evidence / "latest").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return value or None


def set_latest(evidence: Path, run_id: str) -> None:
    from speckit.fsutil import write_atomic

    write_atomic(evidence / "latest", run_id + "\n")


def append(path: Path, header: str, line: str) -> None:
    """Append one line (O_APPEND: concurrent writers of short lines do not interleave)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if os.fstat(fd).st_size == 0:
            os.write(fd, header.encode())
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)


def record(run_dir: Path, rec: Record) -> None:
    append(run_dir / "summary.tsv", SUMMARY_HEADER,
           f"{clean(rec.step)}\t{rec.kind}\t{rec.status}\t{rec.exit}\t{rec.started}\t{rec.seconds}\n")


def approve(run_dir: Path, gate: str, who: str, how: str) -> Approval:
    approval = Approval(gate, clean(who), now(), clean(how), run_dir.name)
    append(run_dir / "approvals.tsv", APPROVALS_HEADER,
           f"{clean(gate)}\t{approval.who}\t{approval.when}\t{approval.how}\n")
    return approval


def _rows(path: Path) -> list[list[str]]:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [line.split("\t") for line in lines[1:] if line.strip()]


def records(run_dir: Path) -> dict[str, Record]:
    """The last record of each step in one run."""
    out: dict[str, Record] = {}
    for cells in _rows(run_dir / "summary.tsv"):
        if len(cells) < 6:
            continue
        try:
            out[cells[0]] = Record(cells[0], cells[1], cells[2], int(cells[3]), cells[4], int(cells[5]), run_dir.name)
        except ValueError:
            continue
    return out


def all_records(evidence: Path) -> dict[str, Record]:
    """The most recent record of each step over every run in ``evidence`` (by start time)."""
    out: dict[str, Record] = {}
    for run_dir in _runs(evidence):
        for step, rec in records(run_dir).items():
            if step not in out or rec.started >= out[step].started:
                out[step] = rec
    return out


def approvals(evidence: Path) -> dict[str, Approval]:
    """The latest approval of each gate over every run in ``evidence``."""
    out: dict[str, Approval] = {}
    for run_dir in _runs(evidence):
        for cells in _rows(run_dir / "approvals.tsv"):
            if len(cells) >= 4 and (cells[0] not in out or cells[2] >= out[cells[0]].when):
                out[cells[0]] = Approval(cells[0], cells[1], cells[2], cells[3], run_dir.name)
    return out


def _runs(evidence: Path) -> list[Path]:
    try:
        return sorted(p for p in evidence.iterdir() if p.is_dir())
    except OSError:
        return []
