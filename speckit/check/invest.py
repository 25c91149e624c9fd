"""invest/*: INVEST, one rule per letter, on every user story.

Wording is read only in English: a quarter of the real stories surveyed are in Japanese or Chinese,
and a word list cannot judge them. Other languages are judged on structure alone (a why-this-priority
paragraph, a priority, an independent test, acceptance scenarios, task counts, dependencies).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from speckit.check.context import Context
from speckit.check.rules import INVEST_RULES, emit
from speckit.config import Config
from speckit.model import Diagnostic, Feature, Story, Task

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff66-\uff9f]")
_WORD = re.compile(r"[A-Za-zÀ-ÿ']+")
_ENGLISH = frozenset(
    "the a an and or of to in on for with as is are be can when then given so that i want user users "
    "it its this should must will not from by".split()
)
# Value clauses in the corpus' languages: "so that", "in order to", Spanish "para (que)", French
# "afin de / pour que / pour", German "damit / um ... zu", Chinese "以便 / 为了", Japanese "ため",
# Korean "위해 / 위하여" (#11: a Spanish "Como X, deseo Y para Z" read as no value clause).
_VALUE = re.compile(r"\bso\s+that\b|\bin\s+order\s+to\b|\bso\s+(?:I|we|they|he|she)\b|\bpara\b|\bafin\s+de\b|"
                    r"\bpour\b|\bdamit\b|\bum\b.{1,80}\bzu\b|以便|为了|為了|ため|위해|위하여", re.I)
_NUMBER = re.compile(r"\d")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n")


def is_english(text: str) -> bool:
    """True when the text reads as English: no run of CJK script, and common English words."""
    if not text.strip():
        return False
    cjk = len(_CJK.findall(text))
    if cjk:  # letters are counted only when it matters: a generator over every character is slow (#7)
        letters = sum(ch.isalpha() for ch in text)
        if letters and cjk / letters > 0.05:
            return False
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 4:
        return True
    return sum(w in _ENGLISH for w in words) / len(words) >= 0.12


def story_tasks(story: Story, feature: Feature) -> list[Task]:
    """Tasks labelled with the story, or in a phase dedicated to it."""
    phases = _story_phases(feature).get(story.id, set())
    return [t for t in feature.tasks if story.id in t.stories or (t.phase is not None and t.phase in phases)]


def _story_phases(feature: Feature) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for phase in feature.task_list.phases if feature.task_list else []:
        for story in phase.stories:
            out.setdefault(story, set()).add(phase.number or phase.title)
    return out


def _owner(task: Task, phase_story: dict[str, str]) -> set[str]:
    owners = set(task.stories)
    if not owners and task.phase is not None and task.phase in phase_story:
        owners.add(phase_story[task.phase])
    return owners


def _text(story: Story) -> str:
    parts = [story.title, story.narrative, *(s.text for s in story.acceptance)]
    return "\n".join(p for p in parts if p)


def _units(story: Story) -> list[str]:
    """Pieces of a story that must each carry their own number: sentences of the narrative, and
    the Given, When and Then of each scenario (a count in the Given does not measure the Then)."""
    units = [story.title, *_SENTENCE.split(story.narrative)]
    for scenario in story.acceptance:
        parts = [p for p in (scenario.given, scenario.when, scenario.then) if p]
        units.extend(parts or _SENTENCE.split(scenario.text))
    return [u for u in units if u and u.strip()]


@lru_cache(maxsize=64)
def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.I)


def scorecard(story: Story, feature: Feature, config: Config) -> dict[str, list[str]]:
    """Each INVEST letter -> the reasons the story fails it (an empty list: it passes)."""
    card: dict[str, list[str]] = {letter: [] for letter in "INVEST"}
    text = _text(story)
    english = is_english(text)
    tasks = story_tasks(story, feature)

    # I: depends on no other story; can be tested alone.
    phase_story = {key: sid for sid, keys in _story_phases(feature).items() for key in keys}
    by_id = {t.id: t for t in feature.tasks if t.id}
    mine = {t.id for t in tasks if t.id}
    for task in tasks:
        for dep in task.depends_on:
            other = by_id.get(dep)
            if other is None or dep in mine:
                continue
            owners = _owner(other, phase_story) - {story.id}
            if owners:
                card["I"].append(f"{task.id} depends on {dep} of {', '.join(sorted(owners))}")
    for link in feature.task_list.story_dependencies if feature.task_list else []:
        if link.story == story.id and link.depends_on:
            card["I"].append(f"tasks.md line {link.line} makes it wait for {', '.join(link.depends_on)}")
    if not (story.independent_test or "").strip():
        card["I"].append("no independent test")

    # N: says what, not how (English wording only).
    implementation = _word_pattern(tuple(config.invest.implementation_words))
    if english and implementation:
        named = sorted({m.group(0).lower() for m in implementation.finditer(text)})
        if named:
            card["N"].append(f"prescribes implementation: {', '.join(named)}")

    # V: a value clause and a priority.
    value = bool((story.so_that or "").strip() or (story.why_priority or "").strip() or _VALUE.search(story.narrative))
    if not value:
        card["V"].append("no value clause ('so that ...' or a why-this-priority paragraph)")
    if not story.priority:
        card["V"].append("no priority")

    # E: no open question inside the story.
    if feature.spec:
        open_markers = [m for m in feature.spec.markers if m.kind == "clarification" and m.story == story.id]
        for marker in open_markers:
            question = f": {marker.text}" if marker.text else ""
            card["E"].append(f"open NEEDS CLARIFICATION on line {marker.line}{question}")

    # S: within the configured limits.
    if len(tasks) > config.invest.max_tasks:
        card["S"].append(f"{len(tasks)} tasks (limit {config.invest.max_tasks})")
    if len(story.acceptance) > config.invest.max_scenarios:
        card["S"].append(f"{len(story.acceptance)} acceptance scenarios (limit {config.invest.max_scenarios})")

    # T: Given/When/Then scenarios, measurable words.
    if not any(s.then and (s.given or s.when) for s in story.acceptance):
        card["T"].append("no acceptance scenario in Given/When/Then form")
    vague = _word_pattern(tuple(config.invest.vague_words))
    if english and vague:
        words: list[str] = []
        for unit in _units(story):
            if not _NUMBER.search(unit):
                words.extend(m.group(0).lower() for m in vague.finditer(unit))
        if words:
            card["T"].append(f"vague without a number: {', '.join(sorted(set(words)))}")
    return card


def check(ctx: Context) -> Iterator[Diagnostic]:
    feature = ctx.feature
    if feature.spec is None:
        return
    for story in feature.spec.stories:
        for letter, reasons in scorecard(story, feature, ctx.config).items():
            if reasons:
                # A story whose only I-failure is a missing test needs the test, not the usual advice.
                only_test = letter == "I" and reasons == ["no independent test"]
                hint = "add an '**Independent Test**:' paragraph" if only_test else None
                yield emit(INVEST_RULES[letter], f"story {story.id} ({story.title}): {'; '.join(reasons)}",
                           feature.spec.path, story.line, end_line=story.end_line or story.line, hint=hint)
