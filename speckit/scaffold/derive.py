"""spec + plan -> the task list of tasks.md, deterministically.

Phases: Setup, Foundational, one phase per user story in priority order, Polish. In a story phase,
one acceptance-test task per acceptance scenario (each in its own file, so they are ``[P]``), then
one implementation task per requirement the story cites, depending on the story's tests (tests are
written first, as Spec Kit's template asks). A requirement no story cites gets its task in
Foundational; a success criterion no story cites gets a measuring task in Polish. So every FR and
SC id is referenced by at least one task (no ``trace/uncovered-requirement``), no task depends on a
later phase or on another story, and no ``[P]`` task depends on its own phase (no graph findings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from speckit.model import Plan, Requirement, Spec, Story
from speckit.parse import ids
from speckit.parse.common import files_in
from speckit.scaffold.documents import ordered_stories
from speckit.scaffold.naming import ascii_words
from speckit.scaffold.templates import Raw
from speckit.scaffold.text import inline, summary, unescape

# Test file names by language, so a filled-in Technical Context gives files a test runner finds.
TEST_FILES = (
    (re.compile(r"python", re.I), "tests/{area}/test_{story}_scenario_{n}.py"),
    (re.compile(r"typescript", re.I), "tests/{area}/{story}-scenario-{n}.test.ts"),
    (re.compile(r"javascript|node", re.I), "tests/{area}/{story}-scenario-{n}.test.js"),
    (re.compile(r"\bgo\b|golang", re.I), "tests/{area}/{story}_scenario_{n}_test.go"),
    (re.compile(r"rust", re.I), "tests/{area_}_{story}_scenario_{n}.rs"),
    (re.compile(r"kotlin", re.I), "src/test/kotlin/{area_}/{Story}Scenario{n}Test.kt"),
    (re.compile(r"java\b", re.I), "src/test/java/{area_}/{Story}Scenario{n}Test.java"),
    (re.compile(r"c#|\.net|csharp", re.I), "tests/{Area}.Tests/{Story}Scenario{n}Tests.cs"),
    (re.compile(r"ruby", re.I), "spec/{area_}/{story}_scenario_{n}_spec.rb"),
)
DEFAULT_TEST_FILE = "tests/{area}/{story}-scenario-{n}"


@dataclass
class DerivedTask:
    id: str
    title: Raw
    story: str | None = None
    parallel: bool = False
    file: Raw | None = None
    refs: list[str] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)


@dataclass
class DerivedPhase:
    number: int
    title: str
    kind: str
    tasks: list[DerivedTask]
    checkpoint: str
    purpose: str | None = None
    goal: str | None = None
    independent_test: str | None = None
    mvp: bool = False
    empty: str = ""


class _Ids:
    def __init__(self) -> None:
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return f"T{self.count:03d}"


def derive(spec: Spec, plan: Plan | None, folder: Path) -> list[DerivedPhase]:
    refs = _defined(spec)
    pattern = ids.ref_pattern(tuple({r.rsplit("-", 1)[0] for r in refs}))
    stories = ordered_stories(spec)
    cited = {story.id: _cited(story, pattern, refs) for story in stories}
    cited_anywhere = {r for found in cited.values() for r in found}
    requirements = _unique(spec.requirements)
    criteria = _unique(spec.success_criteria)
    number = _Ids()
    phases: list[DerivedPhase] = []

    setup = [
        DerivedTask(
            number.next(), Raw("Create the project structure described in the plan's Project Structure section")
        ),
    ]
    setup.append(DerivedTask(number.next(), Raw("Install the dependencies named in the plan's Technical Context "
                                                "and make the empty test suite run"), depends_on=[setup[0].id]))
    phases.append(DerivedPhase(1, "Setup (Shared Infrastructure)", "setup", setup,
                               "The project builds and its empty test suite runs.",
                               purpose="Project initialization and tooling."))

    foundational = [_requirement_task(number.next(), r, None, [], pattern, refs)
                    for r in requirements if r.id not in cited_anywhere]
    phases.append(DerivedPhase(
        2, "Foundational (Blocking Prerequisites)", "foundational", foundational,
        "Foundation ready: user story work can begin.",
        purpose="Requirements that no user story cites, which every story builds on. "
                "No user story work begins until this phase is complete.",
        empty="No shared work: every requirement is cited by a user story.",
    ))

    template = _test_file_pattern(plan)
    area = "-".join(ascii_words(re.sub(r"^\d+[-_]", "", folder.name))) or "feature"
    finals: list[str] = []
    for index, story in enumerate(stories):
        tests, work = _story_tasks(
            story, number, template, area, cited[story.id], requirements + criteria, pattern, refs
        )
        tasks = tests + work
        finals.extend(t.id for t in work)
        test = unescape(story.independent_test) if story.independent_test else None
        title = (
            f"User Story {story.number or index + 1} - {unescape(story.title)} (Priority: {story.priority or 'none'})"
        )
        phases.append(DerivedPhase(
            3 + index, title, "story", tasks,
            f"User Story {story.number or index + 1} works on its own and passes its independent test.",
            goal=summary(unescape(story.narrative), 200) if story.narrative else None,
            independent_test=test, mvp=index == 0,
        ))

    before_polish = finals or [t.id for t in foundational] or [setup[-1].id]
    polish = [_requirement_task(number.next(), c, None, before_polish, pattern, refs, verb="Measure")
              for c in criteria if c.id not in cited_anywhere]
    polish.append(DerivedTask(number.next(), Raw("Run every user story's independent test again and "
                                                 "update the feature's documentation"),
                              depends_on=[t.id for t in polish] or before_polish))
    phases.append(DerivedPhase(3 + len(stories), "Polish & Cross-Cutting Concerns", "polish", polish,
                               "Success criteria measured; the feature is documented.",
                               purpose="Measure the success criteria and finish the feature."))
    return phases


def context(spec: Spec, plan: Plan | None, folder: Path, root: Path) -> dict[str, Any]:
    try:
        feature_path = folder.resolve().relative_to(root.resolve()).as_posix() + "/"
    except ValueError:
        feature_path = folder.as_posix() + "/"
    return {
        "feature": unescape(spec.title or folder.name), "branch": folder.name, "feature_path": feature_path,
        "spec_path": feature_path + "spec.md", "phases": derive(spec, plan, folder),
    }


def _story_tasks(story: Story, number: _Ids, template: str, area: str, cited: list[str],
                 known: list[Requirement], pattern: re.Pattern[str], refs: set[str]
                 ) -> tuple[list[DerivedTask], list[DerivedTask]]:
    """A story's acceptance-test tasks and the implementation tasks that depend on them."""
    tasks: list[DerivedTask] = []
    files: set[str] = set()
    for n, scenario in enumerate(story.acceptance, start=1):
        path = _test_file(template, area, story.id, n)
        title = _safe(f"Acceptance test for scenario {n}: {summary(unescape(scenario.text), 90)}", pattern, refs)
        named = set(files_in(f"{title} in `{path}`"))
        # [P] only when this task's files are its own: a scenario that names a file another test
        # names too would make two parallel tasks write one file (graph/parallel-conflict).
        parallel = not (named & files)
        files |= named
        scenario_refs = [r for r in dict.fromkeys(pattern.findall(unescape(scenario.text))) if r in refs]
        tasks.append(DerivedTask(number.next(), title, story.id, parallel, Raw(path), scenario_refs))
    tests = [t.id for t in tasks]
    by_id = {r.id: r for r in known}
    work: list[DerivedTask] = []
    for ref in cited:
        if ref in by_id:
            verb = "Verify" if ref.startswith("SC-") else "Implement"
            work.append(_requirement_task(number.next(), by_id[ref], story.id, tests, pattern, refs, verb=verb))
    if not work:
        title = _safe(f"Implement User Story {story.number}: {summary(unescape(story.title), 90)}", pattern, refs)
        work.append(DerivedTask(number.next(), title, story.id, depends_on=tests))
    return tasks, work


def _requirement_task(task_id: str, requirement: Requirement, story: str | None, depends: list[str],
                      pattern: re.Pattern[str], refs: set[str], verb: str = "Implement") -> DerivedTask:
    text = summary(unescape(requirement.text), 90)
    return DerivedTask(task_id, _safe(f"{verb} {requirement.id}: {text}", pattern, refs, keep=requirement.id),
                       story, refs=[], depends_on=list(depends))


def _safe(text: str, pattern: re.Pattern[str], refs: set[str], keep: str | None = None) -> Raw:
    """Escape text for a task line, so that words copied from the spec cannot become structure:
    an id the spec does not define is escaped (``FR\\-099``: no trace/unknown-ref), and a task id
    is put in a code span, where no dependency phrase can pick it up. (``R100`` has no punctuation
    to escape: its first letter is written as a character reference.)"""
    escaped = inline(text)
    escaped = pattern.sub(lambda m: m.group(0) if m.group(0) in refs or m.group(0) == keep
                          else m.group(0).replace("-", "\\-", 1) if "-" in m.group(0)
                          else f"&#{ord(m.group(0)[0])};{m.group(0)[1:]}", escaped)
    return Raw(ids.TASK_ID.sub(lambda m: f"`{m.group(0)}`", escaped))


def _defined(spec: Spec) -> set[str]:
    return {r.id for r in spec.requirements + spec.success_criteria}


def _unique(items: list[Requirement]) -> list[Requirement]:
    seen: dict[str, Requirement] = {}
    for item in items:
        seen.setdefault(item.id, item)
    return list(seen.values())


def _cited(story: Story, pattern: re.Pattern[str], refs: set[str]) -> list[str]:
    text = " ".join([story.title, story.narrative, story.why_priority or "", story.independent_test or "",
                     *(s.text for s in story.acceptance)])
    return [r for r in dict.fromkeys(pattern.findall(unescape(text))) if r in refs]


def _test_file_pattern(plan: Plan | None) -> str:
    language = (plan.technical_context.get("Language/Version", "") if plan else "") or ""
    if "NEEDS CLARIFICATION" in language.upper():
        return DEFAULT_TEST_FILE
    for regex, template in TEST_FILES:
        if regex.search(language):
            return template
    return DEFAULT_TEST_FILE


def _test_file(template: str, area: str, story: str, n: int) -> str:
    under = area.replace("-", "_")
    camel = "".join(w.capitalize() for w in area.split("-"))
    return template.format(area=area, area_=under, Area=camel, story=story.lower(), Story=story.capitalize(), n=n)
