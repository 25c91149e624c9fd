"""Property: for generated descriptions and story sets, specify -> plan -> tasks -> check yields zero
errors (and no trace/uncovered-requirement or graph finding at all), and parsing each document gives
back what was written.

The words exclude the Given/When/Then keywords of every language the spec parser reads (and words
containing them, such as "forgiven"): a scenario's parts are split on those words, so a "when"
inside the given-part cannot round-trip in any Spec Kit document, generated or hand-written.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from speckit import scaffold
from speckit.check import check_feature
from speckit.config import Config
from speckit.fsutil import write_new
from speckit.parse import load_feature
from speckit.scaffold.documents import described, feature_title, ordered_stories
from speckit.scaffold.text import one_line, unescape

KEYWORDS = ("given", "when", "then", "quand", "lorsque", "cuando", "alors", "entonces", "dado", "étant",
            "前提", "もし", "ならば", "その場合", "当", "那么", "则", "假设", "假如", "给定", "mvp", "priority")
VOCABULARY = [
    "team", "reminder", "channel", "invoice", "export", "report", "café", "Größe", "リマインダー", "提醒",
    "*", "**bold**", "_under_", "#", "C#", "|", "<b>", "<!--", "-->", "&amp;", "`x`", "[link](url)",
    "[x]", "100%", "a/b", "x.json", "~~gone~~", "\\", "1.", "-", "+", "=", ">", "T005", "FR-099", "R100",
    "depends on T001", "after", "→", "US2", "[P]", "$HOME", "$(touch /tmp/x)", "'quote'", '"dq"',
]
WORD = st.one_of(
    st.sampled_from(VOCABULARY),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzÉéüñ日本語", min_size=1, max_size=9),
).filter(lambda w: not any(k in w.lower() for k in KEYWORDS))
FIRST = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9).filter(
    lambda w: not any(k in w for k in KEYWORDS))
# Texts start and end with a plain word: the parser trims separators at the ends of headings and
# scenario parts ("Title -", "..., Then done."), which is normalisation, not a loss of content.
TEXT = st.builds(lambda first, rest, last: " ".join([first, *rest, last]) if rest else first,
                 FIRST, st.lists(WORD, max_size=6), FIRST)


@st.composite
def features(draw: Any) -> dict[str, Any]:
    requirements = [{"id": f"FR-{n:03d}", "text": draw(TEXT)} for n in range(1, draw(st.integers(0, 5)) + 1)]
    criteria = [{"id": f"SC-{n:03d}", "text": draw(TEXT)} for n in range(1, draw(st.integers(0, 3)) + 1)]
    ids = [r["id"] for r in requirements + criteria]
    stories = []
    for number in range(1, draw(st.integers(0, 4)) + 1):
        cites = draw(st.lists(st.sampled_from(ids), max_size=3, unique=True)) if ids else []
        narrative = draw(TEXT) + (f" covering {', '.join(cites)}" if cites else "")
        stories.append({
            "number": number, "title": draw(TEXT), "priority": f"P{draw(st.integers(1, 3))}",
            "narrative": narrative, "why": draw(TEXT), "test": draw(TEXT),
            "scenarios": [{"given": draw(TEXT), "when": draw(TEXT), "then": draw(TEXT)}
                          for _ in range(draw(st.integers(0, 3)))],
        })
    description = draw(st.one_of(TEXT, st.text(min_size=1, max_size=80).filter(
        lambda t: t.strip() and not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", t)
        and all(not 0xD800 <= ord(c) <= 0xDFFF for c in t))))
    return {"description": description, "stories": stories, "requirements": requirements, "criteria": criteria}


@settings(max_examples=60, deadline=None)
@given(features())
def test_specify_plan_tasks_check_round_trip(case: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config = dataclasses.replace(Config(), root=root)
        draft = scaffold.specify(case["description"], config, stories=case["stories"],
                                 requirements=case["requirements"], criteria=case["criteria"])
        write_new(draft.path, draft.text)
        folder = draft.path.parent
        write_new(folder / "plan.md", scaffold.plan(load_feature(folder), config).text)
        write_new(folder / "tasks.md", scaffold.tasks(load_feature(folder), config).text)
        feature = load_feature(folder)

        findings = check_feature(feature, config, root)
        errors = [f"{d.rule}: {d.message} ({Path(d.path).name}:{d.line})" for d in findings if d.severity == "error"]
        assert errors == []
        # parse/dependency-phrase is allowed: a requirement that itself says "depends on T001" is
        # copied into its task's title (the id in a code span, so it adds no edge), and the parser
        # rightly warns that the phrase names no task.
        watched = ("graph/", "trace/uncovered", "trace/unknown", "parse/")
        unwanted = [d.rule for d in findings if d.rule.startswith(watched) and d.rule != "parse/dependency-phrase"]
        assert unwanted == []

        spec = feature.spec
        assert spec is not None
        assert unescape(spec.title or "") == feature_title(case["description"])
        assert described(spec) == one_line(case["description"])
        if case["stories"]:
            assert len(spec.stories) == len(case["stories"])
            for written, read in zip(case["stories"], spec.stories, strict=True):
                assert (read.id, read.priority) == (f"US{written['number']}", written["priority"])
                assert unescape(read.title) == written["title"]
                assert unescape(read.narrative) == written["narrative"]
                assert unescape(read.why_priority or "") == written["why"]
                assert unescape(read.independent_test or "") == written["test"]
                assert [(unescape(s.given or ""), unescape(s.when or ""), unescape(s.then or ""))
                        for s in read.acceptance] == [(s["given"], s["when"], s["then"]) for s in written["scenarios"]]
        if case["requirements"]:
            assert [(r.id, unescape(r.text)) for r in spec.requirements] == \
                [(r["id"], r["text"]) for r in case["requirements"]]
        if case["criteria"]:
            assert [(r.id, unescape(r.text)) for r in spec.success_criteria] == \
                [(r["id"], r["text"]) for r in case["criteria"]]

        # tasks.md: what derive() meant is what the parser reads.
        from speckit.scaffold.derive import derive

        meant = [t for phase in derive(spec, feature.plan, folder) for t in phase.tasks]
        read_tasks = feature.tasks
        assert [t.id for t in read_tasks] == [t.id for t in meant]
        for want, got in zip(meant, read_tasks, strict=True):
            assert got.parallel == want.parallel, got.text
            assert got.stories == ([want.story] if want.story else []), got.text
            assert got.depends_on == want.depends_on, got.text
        referenced = {ref for task in read_tasks for ref in task.refs}
        assert {r.id for r in spec.requirements + spec.success_criteria} <= referenced
        story_phases = [p for p in (feature.task_list.phases if feature.task_list else []) if p.kind == "story"]
        assert [p.stories for p in story_phases] == [[s.id] for s in ordered_stories(spec)]
