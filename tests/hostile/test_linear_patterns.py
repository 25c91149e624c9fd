"""Every parser pattern that reads document text runs in linear time (#16 item 8).

Each case repeats the prefix that made a pattern super-linear (a 2.5 KB story heading of
'(Priority ' cost 25 s, 'Given ... when when when' 10 KB 27 s, 220 KB of '[NEEDS CLARIFICATION: '
59 s, 70 KB of '(after ' 13 s, 50 KB of 'As a ' 11 s, 200 KB of '<!-- speckit-ignore ' 15 s,
100 KB of '[Describe ' 8 s). The tests assert what is read at the sizes that used to hang;
pytest-timeout stops a pattern that regresses. How the cost grows from 1x to 10x is a benchmark
figure (benchmarks/run.py, 'hostile'), not a timed assertion here.
"""

from __future__ import annotations

import pytest

from speckit.model import Feature
from speckit.parse import build_feature, feature_ref
from speckit.parse.spec import split_gwt

SIZES = (1, 10)


def _feature(tmp_path, name: str, text: str) -> Feature:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return build_feature(feature_ref(tmp_path), [(path, None)])


HOSTILE = {
    "priority": (
        "spec.md",
        lambda n: (
            "# Feature Specification: x\n\n## User Scenarios\n\n### User Story 1 - " + "(Priority " * (500 * n) + "\n"
        ),
    ),
    "gwt": (
        "spec.md",
        lambda n: (
            "# Feature Specification: x\n\n## User Scenarios\n\n### User Story 1 - t (Priority: P1)"
            "\n\n**Acceptance Scenarios**:\n\n1. Given " + "when " * (2000 * n) + "\n"
        ),
    ),
    "clarification": (
        "spec.md",
        lambda n: "# Feature Specification: x\n\n" + "[NEEDS CLARIFICATION: " * (1000 * n) + "\n",
    ),
    "after": ("tasks.md", lambda n: "# Tasks: x\n\n## Phase 1: Setup\n\n- [ ] T001 x " + "(after " * (1000 * n) + "\n"),
    "as-a": (
        "spec.md",
        lambda n: (
            "# Feature Specification: x\n\n## User Scenarios\n\n### User Story 1 - t (Priority: P1)"
            "\n\n" + "As a " * (1000 * n) + "\n"
        ),
    ),
    "describe": ("spec.md", lambda n: "# Feature Specification: x\n\n" + "[Describe " * (1000 * n) + "\n"),
    "dependency-prose": (
        "tasks.md",
        lambda n: (
            "# Tasks: x\n\n## Phase 1: Setup\n\n- [ ] T001 x\n\n## Dependencies\n\n"
            + "T001 is a prerequisite for " * (1000 * n)
            + "T001\n"
        ),
    ),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("shape", sorted(HOSTILE))
def test_hostile_repeats_are_read_in_linear_time(shape: str, size: int, tmp_path) -> None:  # type: ignore[no-untyped-def]
    name, make = HOSTILE[shape]
    feature = _feature(tmp_path, name, make(size))
    assert feature.documents == [str(tmp_path / name)]
    if shape == "priority":
        (story,) = feature.spec.stories  # type: ignore[union-attr]
        assert story.priority is None  # no closing parenthesis: no priority read, and the heading kept
    if shape == "gwt":
        (story,) = feature.spec.stories  # type: ignore[union-attr]
        assert story.acceptance[0].then is None  # a Given and many whens, no Then: not split
    if shape == "clarification":
        assert not [m for m in feature.spec.markers if m.kind == "clarification"]  # type: ignore[union-attr]
    if shape == "after":
        (task,) = feature.tasks
        assert task.depends_on == []
    if shape == "dependency-prose":
        assert feature.tasks[0].depends_on == []  # a task is no prerequisite of itself


@pytest.mark.timeout(60)
def test_suppression_comments_repeated_without_an_end(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from speckit.check import check_feature
    from speckit.config import Config

    text = "# Tasks: x\n\n## Phase 1: Setup\n\n- [ ] T001 x (depends on T009)\n" + "<!-- speckit-ignore " * 10000 + "\n"
    feature = _feature(tmp_path, "tasks.md", text)
    found = check_feature(feature, Config(), repo_root=tmp_path)
    assert [d.rule for d in found] == ["graph/unknown-ref"]


@pytest.mark.timeout(30)
def test_scenario_split_on_a_long_run_of_keywords() -> None:
    assert split_gwt("Given " + "when " * 50000) is None
    assert split_gwt("Given a " + "then " * 50000) is None
