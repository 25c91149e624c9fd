"""Measuring: whole processes (wall time and peak memory from ``wait4``), in-process callables,
statistics, and the results table."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


class Failed(Exception):
    """A measured command did not run as it should (bad exit code): the figure is not measured."""


@dataclass
class Run:
    seconds: float
    peak_mb: float = 0.0


@dataclass
class Series:
    """Several runs of one thing."""

    label: str
    runs: list[Run] = field(default_factory=list)

    @property
    def times(self) -> list[float]:
        return [r.seconds for r in self.runs]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak_mb(self) -> float:
        return max((r.peak_mb for r in self.runs), default=0.0)

    def summary(self) -> dict[str, Any]:
        return {"label": self.label, "median_s": round(self.median, 4), "min_s": round(min(self.times), 4),
                "max_s": round(max(self.times), 4), "runs_s": [round(t, 4) for t in self.times],
                "peak_mb": round(self.peak_mb, 1)}

    def cell(self) -> str:
        return f"{fmt(self.median)} ({fmt(min(self.times))}–{fmt(max(self.times))})"


@dataclass
class Figure:
    number: str
    name: str
    budget: str
    subject: Series | None = None
    baseline: Series | None = None
    value: float | None = None  # the budgeted number: a ratio, or MB for memory
    limit: float | None = None
    unit: str = "x"
    notes: list[str] = field(default_factory=list)
    measured: bool = True

    @property
    def ok(self) -> bool | None:
        if not self.measured or self.value is None or self.limit is None:
            return None
        return self.value < self.limit if self.unit == "x<" else self.value <= self.limit

    def verdict(self) -> str:
        if not self.measured:
            return "not measured"
        if self.ok:
            return "met"
        assert self.value is not None and self.limit is not None
        return f"missed by {(self.value / self.limit - 1) * 100:.0f}%"

    def to_json(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if k not in ("subject", "baseline")}
        data["subject"] = self.subject.summary() if self.subject and self.subject.runs else None
        data["baseline"] = self.baseline.summary() if self.baseline and self.baseline.runs else None
        data["ok"] = self.ok
        data["verdict"] = self.verdict()
        return data


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def run_process(argv: Sequence[str], cwd: Path, env: Mapping[str, str], ok_codes: Sequence[int] = (0,)) -> Run:
    """Run a whole process with stdin closed; its wall time and peak resident memory."""
    start = time.perf_counter()
    process = subprocess.Popen(list(argv), cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    # Read stderr before waiting, or a chatty child blocks on a full pipe.
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stderr.close()
    if process.returncode not in ok_codes:
        tail = errors.decode(errors="replace").strip().splitlines()[-3:]
        raise Failed(f"{' '.join(map(str, argv[:4]))} ... exited {process.returncode}: {' | '.join(tail)}")
    return Run(seconds, usage.ru_maxrss / 1024)  # Linux reports KiB


def alternate(
    runs: int, subject: Callable[[], Run], baseline: Callable[[], Run], warmup: int = 1
) -> tuple[list[Run], list[Run]]:
    """Interleave subject and baseline runs, so that drift on a busy machine hits both alike."""
    for _ in range(warmup):
        subject()
        baseline()
    subject_runs, baseline_runs = [], []
    for _ in range(runs):
        subject_runs.append(subject())
        baseline_runs.append(baseline())
    return subject_runs, baseline_runs


def timed(function: Callable[[], object]) -> Run:
    start = time.perf_counter()
    function()
    return Run(time.perf_counter() - start)


def table(figures: Sequence[Figure]) -> str:
    """The Markdown table printed at the end and kept in docs/performance.md."""
    rows = ["| # | Figure | speckit: median (min–max) | Baseline: median (min–max) | Value | Budget | Verdict |",
            "|---|---|---|---|---|---|---|"]
    for f in figures:
        subject = f.subject.cell() if f.subject and f.subject.runs else "—"
        baseline = f.baseline.cell() if f.baseline and f.baseline.runs else "—"
        if f.unit == "MB" and f.subject and f.baseline:
            subject, baseline = f"{f.subject.peak_mb:.0f} MB peak", f"{f.baseline.peak_mb:.0f} MB peak (plain parse)"
        if f.value is None:
            value = "—"
        elif f.unit == "MB":
            value = f"{f.value:.0f} MB"
        else:
            value = f"{f.value:.2f}x"
        rows.append(f"| {f.number} | {f.name} | {subject} | {baseline} | {value} | {f.budget} | {f.verdict()} |")
    return "\n".join(rows)
