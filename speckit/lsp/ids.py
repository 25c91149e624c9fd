"""The ids of one feature: where each is defined, where it is referenced, what a hover says about
it, and which ids to offer where one is expected.

Only ids the feature defines count (its tasks, stories, requirements and success criteria), so a
``T001`` in a plan's prose is a reference to the task and ``ISO-9001`` is nothing. An id is found
as a whole word: ``SET-T001`` does not contain ``T001``, ``T010.1`` is not ``T010``.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from speckit.lsp.text import LINE_END, split_lines
from speckit.model import Requirement, Story, Task
from speckit.parse.ids import DEPENDENCY_KEYWORD, id_prefix

if TYPE_CHECKING:
    from speckit.lsp.session import Snapshot

Kind = Literal["task", "story", "requirement", "criterion"]
KIND_NAMES = {"task": "task", "story": "user story", "requirement": "requirement", "criterion": "success criterion"}
_STORY_WORDS = re.compile(r"(?i)(?<![A-Za-z])User[ \t]+Story[ \t]+(\d{1,3})(?!\d)")
_STORY_LABEL = re.compile(r"(?<![A-Za-z])US[-_ ]?(\d{1,3})([a-z]?)(?![\da-z])")


@dataclass(frozen=True, slots=True)
class Place:
    """A span of one line: 0-based line, code-point columns."""

    path: Path
    line: int
    start: int
    end: int


@dataclass
class Entry:
    id: str
    kind: Kind
    item: Task | Story | Requirement
    path: Path
    definition: Place
    references: list[Place] = field(default_factory=list)


class Index:
    """Definitions and references of a snapshot's ids."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.entries: dict[str, Entry] = {}
        self.by_line: dict[tuple[Path, int], list[tuple[int, int, str]]] = {}
        feature = snapshot.feature
        if feature is None:
            return
        lines = {path: split_lines(text) for path, text in snapshot.texts.items()}
        definitions: list[tuple[str, Kind, Task | Story | Requirement, str]] = []
        if feature.spec is not None:
            definitions += [(s.id, "story", s, feature.spec.path) for s in feature.spec.stories]
            definitions += [(r.id, "requirement", r, feature.spec.path) for r in feature.spec.requirements]
            definitions += [(r.id, "criterion", r, feature.spec.path) for r in feature.spec.success_criteria]
        if feature.task_list is not None:
            definitions += [(t.id, "task", t, feature.task_list.path) for t in feature.tasks if t.id]
        first: dict[str, tuple[Kind, Task | Story | Requirement, str]] = {}
        for key, kind, item, where in definitions:
            first.setdefault(key, (kind, item, where))  # a duplicate id: the first one (check reports the rest)
        if not first:
            return
        pattern = _mentions(tuple(first))
        paths = {str(path): path for path in snapshot.texts}
        for key, (kind, item, where) in first.items():
            path = paths.get(where) or Path(where)
            line = item.line - 1
            document = lines.get(path, [])
            text = document[line] if 0 <= line < len(document) else ""
            span = next(((m.start(), m.end()) for m in pattern.finditer(text) if m.group(1) == key), None) or (
                _story_words(text, key) if kind == "story" else None) or (len(text) - len(text.lstrip()), len(text))
            self.entries[key] = Entry(key, kind, item, path, Place(path, line, *span))
        for path, text in snapshot.texts.items():
            # Whole-text scans, then each match's line by bisection: a scan per line cost more in
            # Python's loop than in the regex engine (the 200-feature corpus: 25 -> 8 ms a feature).
            starts = [0] + [m.end() for m in LINE_END.finditer(text)]
            found: dict[int, tuple[int, str]] = {}
            for match in pattern.finditer(text):
                found.setdefault(match.start(), (match.end(), match.group(1)))
            for match in _STORY_LABEL.finditer(text):
                found.setdefault(match.start(), (match.end(), f"US{int(match.group(1))}{match.group(2)}"))
            for match in _STORY_WORDS.finditer(text):
                found.setdefault(match.start(), (match.end(), f"US{int(match.group(1))}"))
            for offset in sorted(found):
                stop, key = found[offset]
                entry = self.entries.get(key)
                if entry is None:
                    continue
                number = bisect.bisect_right(starts, offset) - 1
                column = offset - starts[number]
                place = Place(path, number, column, column + stop - offset)
                self.by_line.setdefault((path, number), []).append((place.start, place.end, key))
                if place != entry.definition:
                    entry.references.append(place)

    def at(self, path: Path, line: int, column: int) -> tuple[Entry, Place] | None:
        """The id at (0-based) ``line``, code-point ``column`` of ``path`` (the cursor may sit just
        after it), and where that mention is."""
        for start, end, key in self.by_line.get((path, line), []):
            if start <= column <= end:
                return self.entries[key], Place(path, line, start, end)
        return None

    # -- hover -------------------------------------------------------------------------------

    def hover(self, entry: Entry) -> str:
        """Markdown: the definition's text, its state, its dependencies and where it is referenced."""
        feature = self.snapshot.feature
        assert feature is not None
        item = entry.item
        out: list[str] = []
        if isinstance(item, Task):
            phase = (
                next((p for p in feature.task_list.phases if p.number == item.phase), None)
                if feature.task_list
                else None
            )
            bits = [f"**{entry.id}** task", item.state, *(["parallel [P]"] if item.parallel else []),
                    *([f"Phase {phase.number}: {phase.title}"] if phase and phase.number else [])]
            out.append(" · ".join(bits))
            out.append(_quote(item.text or item.title))
            needed_by = [t.id for t in feature.tasks if t.id and entry.id in t.depends_on]
            out.append(
                f"Depends on: {', '.join(item.depends_on) or 'nothing'} · "
                f"Needed by: {', '.join(needed_by) or 'nothing'}"
            )
            if item.stories or item.refs:
                out.append(" · ".join(filter(None, [
                    f"Stories: {', '.join(item.stories)}" if item.stories else "",
                    f"Requirements: {', '.join(item.refs)}" if item.refs else ""])))
            if item.files:
                out.append(f"Files: {', '.join(f'`{f}`' for f in item.files)}")
        elif isinstance(item, Story):
            tasks = [t for t in feature.tasks if entry.id in t.stories]
            done = sum(1 for t in tasks if t.done)
            bits = [f"**{entry.id}** user story", *([f"Priority {item.priority}"] if item.priority else []),
                    f"{len(tasks)} tasks, {done} done" if tasks else "no task labelled with it"]
            out.append(" · ".join(bits))
            out.append(_quote(item.title + (f"\n\n{item.narrative}" if item.narrative else "")))
            if item.acceptance:
                out.append(f"{len(item.acceptance)} acceptance scenario{'s' if len(item.acceptance) != 1 else ''}")
        else:
            citing = [t for t in feature.tasks if entry.id in t.refs]
            state = (
                "struck out: needs no task"
                if item.dropped
                else f"cited by {len(citing)} task{'s' if len(citing) != 1 else ''} "
                f"({sum(1 for t in citing if t.done)} done): "
                + ", ".join(f"{t.id} {t.state}" for t in citing[:12])
                if citing
                else "no task cites it"
            )
            out.append(f"**{entry.id}** {KIND_NAMES[entry.kind]} · {state}")
            out.append(_quote(item.text))
        out.append(self._where(entry))
        return "\n\n".join(out)

    def _where(self, entry: Entry) -> str:
        defined = f"Defined at {self._name(entry.definition.path)}:{entry.definition.line + 1}"
        if not entry.references:
            return f"{defined}; referenced nowhere else"
        places = [f"{self._name(p.path)}:{p.line + 1}" for p in entry.references[:10]]
        more = f" and {len(entry.references) - 10} more" if len(entry.references) > 10 else ""
        return f"{defined}; referenced {len(entry.references)}x: {', '.join(places)}{more}"

    def _name(self, path: Path) -> str:
        folder = self.snapshot.unit.folder
        try:
            return str(path.relative_to(folder))
        except ValueError:
            return path.name

    # -- completion --------------------------------------------------------------------------

    def complete(self, path: Path, number: int, line: str, column: int) -> tuple[int, list[Entry]]:
        """Ids to offer at code-point ``column`` of ``line`` (0-based ``number`` of ``path``), and
        where the word they replace starts: task ids after a dependency phrase (``depends on``,
        ``after T003,``), story ids inside ``[US``, requirement and criterion ids where a prefix
        such as ``FR-`` is typed. The task defined on the line itself is not offered."""
        before = line[:column]
        word = re.search(r"[A-Za-z0-9_.-]*$", before)
        start = word.start() if word else column
        partial = before[start:]
        entries = [e for e in self.entries.values() if (e.definition.path, e.definition.line) != (path, number)]
        story = re.search(r"\[(?:[A-Za-z0-9 ,/]*[, /])?(US[-_ ]?\d{0,3})$", before)
        if story:
            return story.start(1), [e for e in entries if e.kind == "story"]
        if _after_dependency(before[:start]) and re.fullmatch(r"[A-Za-z0-9_.-]*", partial):
            return start, [e for e in entries if e.kind == "task" and e.id.startswith(partial.upper())]
        prefixes = {id_prefix(e.id) for e in entries if e.kind in ("requirement", "criterion")}
        head = re.fullmatch(r"([A-Z][A-Z0-9-]*?)-?(\d*)", partial)
        if head and head.group(1) in prefixes and (partial.endswith("-") or head.group(2) or partial in prefixes):
            return start, [
                e for e in entries if e.kind in ("requirement", "criterion") and id_prefix(e.id) == head.group(1)
            ]
        return column, []


@functools.lru_cache(maxsize=64)
def _mentions(ids: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-word mentions of these ids. Compiling it costs more than scanning a feature with it
    (~8 ms for 60 ids), and a keystroke seldom changes a feature's ids: kept per set of ids."""
    return re.compile(r"(?<![A-Za-z0-9_-])(" + _trie(list(ids)) + r")(?![A-Za-z0-9_]|\.\d)")


def _trie(words: list[str]) -> str:
    """One regex for ``words``, their common prefixes factored out (``T00(?:1|2)``): a flat
    alternation of a feature's ids tried each one at every position, 50 ms per feature on the
    200-feature benchmark corpus; longer words are tried first, so ``T001a`` wins over ``T001``."""
    tree: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict) -> str:  # type: ignore[type-arg]
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        optional = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if optional else body

    return pattern(tree)


def _after_dependency(before: str) -> bool:
    """Whether ``before`` ends in a dependency phrase, or in a list of ids that follows one."""
    matches = list(DEPENDENCY_KEYWORD.finditer(before))
    if not matches:
        return False
    rest = before[matches[-1].end():]
    return re.fullmatch(r"(?:[A-Za-z0-9_.-]+\s*(?:,|，|、|&|\band\b|\s)\s*)*", rest) is not None


def _story_words(text: str, key: str) -> tuple[int, int] | None:
    """Where a story heading names the story in words: 'User Story 1' for US1."""
    for match in _STORY_WORDS.finditer(text):
        if f"US{int(match.group(1))}" == key:
            return match.start(), match.end()
    return None


def _quote(text: str) -> str:
    text = text.strip()
    if len(text) > 600:
        text = text[:600].rstrip() + " …"
    return "\n".join("> " + line if line else ">" for line in text.splitlines()) or "> (no text)"
