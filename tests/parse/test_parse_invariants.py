"""Properties every model must have, checked on every case file, both bundled features and the seed:
JSON round trip is lossless, every span lies inside its file, every id is written at its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from parse_helpers import CASES
from support import SEED, SPECS

from speckit import serialisation
from speckit.model import Feature
from speckit.parse import load_document, load_feature

CASE_FILES = sorted(CASES.rglob("*.md"))
FEATURES = [SPECS / "aws-sandbox", SPECS / "001-team-reminders"]


def _load(path: Path) -> Feature:
    return load_feature(path) if path.is_dir() else load_document(path)


ALL = [*FEATURES, *CASE_FILES, *([SEED] if SEED.is_file() else [])]  # no seed beside a fresh clone
IDS = [str(p.relative_to(p.parents[2])) for p in ALL]


def test_there_are_case_files() -> None:
    assert len(CASE_FILES) >= 12


@pytest.mark.parametrize("path", ALL, ids=IDS)
def test_json_round_trip_is_lossless(path: Path) -> None:
    feature = _load(path)
    assert serialisation.validate_json(Feature, serialisation.dump_json(feature)) == feature


def _spans(node: Any, out: list[tuple[int, int, str]], where: str = "") -> None:
    stack = [(node, where)]
    while stack:
        current, at = stack.pop()
        if isinstance(current, dict):
            if isinstance(current.get("line"), int):
                out.append((current["line"], current.get("end_line") or current["line"], at))
            stack.extend((v, f"{at}.{k}") for k, v in current.items())
        elif isinstance(current, list):
            stack.extend((v, f"{at}[{i}]") for i, v in enumerate(current))


def _documents(feature: Feature) -> list[tuple[str, Any]]:
    """(path, model parts read from that file)."""
    out: list[tuple[str, Any]] = []
    for doc in (feature.spec, feature.plan, *feature.checklists):
        if doc is not None:
            out.append((doc.path, serialisation.dump(doc)))
    if feature.task_list is not None:
        tasks = [serialisation.dump(t) for t in feature.tasks]
        out.append((feature.task_list.path, [serialisation.dump(feature.task_list), tasks]))
    return out


@pytest.mark.parametrize("path", ALL, ids=IDS)
def test_every_span_lies_inside_its_file(path: Path) -> None:
    feature = _load(path)
    assert _documents(feature)
    for doc_path, parts in _documents(feature):
        count = len(Path(doc_path).read_text(encoding="utf-8-sig").replace("\r\n", "\n").split("\n"))
        spans: list[tuple[int, int, str]] = []
        _spans(parts, spans)
        assert spans
        for line, end, where in spans:
            assert 1 <= line <= end <= count, (doc_path, where, line, end, count)
    for diagnostic in feature.diagnostics:
        count = len(Path(diagnostic.path).read_text(encoding="utf-8-sig").split("\n"))
        assert 1 <= diagnostic.line <= count


@pytest.mark.parametrize("path", ALL, ids=IDS)
def test_every_id_is_written_at_its_line(path: Path) -> None:
    feature = _load(path)
    checked = 0

    def at(doc_path: str, line: int) -> str:
        return Path(doc_path).read_text(encoding="utf-8-sig").split("\n")[line - 1]

    if feature.task_list is not None:
        for task in feature.tasks:
            if task.id:
                assert task.id in at(feature.task_list.path, task.line), task
                checked += 1
    if feature.spec is not None:
        for req in feature.spec.requirements + feature.spec.success_criteria:
            assert req.id in at(feature.spec.path, req.line)
            checked += 1
        for story in feature.spec.stories:
            heading = at(feature.spec.path, story.line)
            assert str(story.number) in heading or "Primary" in heading
            checked += 1
    if feature.plan is not None:
        for item in feature.plan.steps + feature.plan.gates:
            line = at(feature.plan.path, item.line)
            assert item.id in line or item.title in line, item
            checked += 1
    for checklist in feature.checklists:
        for check in checklist.items:
            if check.id:
                assert check.id in at(checklist.path, check.line)
                checked += 1
    assert checked or path.name in ("speckit-template.md",)


def test_a_5mb_tasks_file_reads_without_recursion_trouble(tmp_path: Path) -> None:
    lines = ["# Tasks: big", ""]
    number = 0
    while sum(len(x) + 1 for x in lines) < 5_000_000:
        lines.append(f"## Phase {len(lines)}: Work")
        lines.append("")
        for depth in range(40):  # each task nested one level deeper than the last, then back
            number += 1
            before = max(number - 1, 1)
            lines.append("  " * depth + f"- [ ] T{number:06d} [P] Task in src/m{number}.py (depends on T{before:06d})")
        lines.append("")
    (tmp_path / "tasks.md").write_text("\n".join(lines), encoding="utf-8")
    # No time limit here: a slow machine is not a failure (the suite's pytest-timeout still stops a
    # hang, and parse speed is measured in benchmarks/).
    feature = load_feature(tmp_path)
    assert len(feature.tasks) == number
    assert feature.tasks[-1].id == f"T{number:06d}" and feature.tasks[-1].depends_on == [f"T{number - 1:06d}"]
