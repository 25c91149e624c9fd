"""Task ids, requirement ids and the dependency phrases people write between them.

Every form here was seen in real tasks.md files (see FORMATS.md): ``T001``, ``T-001``, ``T004a``,
``T010.1``, ``T1.3.10``, ``SET-T001``; ranges ``T012-T018``, ``T029–T034``, ``T001〜T018``; and
dependencies written as prose: ``(depends on T012, T013)``, ``(dep: T1.3.9)``, ``(after T005 — same
file)``, ``T008 blocks T009``, arrows ``T008 → T009``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# The prefix (``SET-`` in ``SET-T001``) may not itself look like a task id, or the range
# ``T001-T003`` would read as one prefixed id.
_ID = r"(?:(?!T\d)[A-Z][A-Z0-9]{1,9}-)?T-?\d{1,6}(?:\.\d{1,4})*[a-z]?"
TASK_ID = re.compile(rf"(?<![\w-]){_ID}(?![\w-]|\.\d)")
LEADING_ID = re.compile(rf"^(?:~~)?(?:\*\*|__|`)?({_ID})(?:\*\*|__|`)?(?:~~)?(?:\s*[:.)]|\s+|$)")
RANGE_DASH = r"\s*(?:-|–|—|〜|～|~|\.\.|to|through)\s*"
_RANGE = re.compile(rf"({_ID}){RANGE_DASH}({_ID})(?![\w-])")
_LIST_ITEM = re.compile(rf"({_ID})(?:{RANGE_DASH}({_ID}))?(?![\w-]|\.\d)")
_LIST_SEP = re.compile(r"\s*(?:,|，|、|;|&|\+|/|\band\b|\bor\b|\s)\s*")

DEPENDENCY_KEYWORD = re.compile(
    r"(?i)(?<![\w-])(depends?\s+on|dependent\s+on|dependenc(?:y|ies)\s*:|deps?\s*:|"
    r"requires|blocked\s+by|after|needs|waits?\s+for)(?:\s*:)?\s*"
)
BLOCKS_KEYWORD = re.compile(r"(?i)(?<![\w-])blocks\s*:?\s*")
ARROW = re.compile(r"\s*(?:→|->|⟶|=>)\s*")
STRICT_KEYWORDS = ("depend", "dep", "blocked")
"""Keywords that promise task ids: when none follow, the phrase is reported as unparseable."""

STORY = re.compile(r"(?<![A-Za-z])US[-_ ]?(\d{1,3})(?!\d)")
REF_PREFIXES = ("FR", "NFR", "SC")


def ref_pattern(prefixes: Iterable[str] = REF_PREFIXES) -> re.Pattern[str]:
    """Requirement references: ``FR-001``, ``FR-012a``, ``NFR-001``, ``SC-002`` and ``R001``."""
    names = "|".join(sorted({re.escape(p) for p in prefixes} | set(REF_PREFIXES), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:(?:{names})-\d{{1,4}}[a-z]?|R\d{{3}})(?![\w-])")


REF = ref_pattern()
DEFINITION = re.compile(
    r"^(?:\*\*|__)?([A-Z][A-Z0-9]*(?:-[A-Z][A-Z0-9]*)*-\d{1,4}[a-z]?)(?:\*\*|__)?\s*(?:[:：.)]|—|–|-\s)"
)


def expand_range(first: str, last: str) -> list[str] | None:
    """``T012``..``T018`` -> the ids between, inclusive; None when the ends do not share a form."""
    a = re.fullmatch(r"(.*?)(\d+)([a-z]?)", first)
    b = re.fullmatch(r"(.*?)(\d+)([a-z]?)", last)
    if not a or not b or a.group(1) != b.group(1) or a.group(3) or b.group(3):
        return None
    start, end = int(a.group(2)), int(b.group(2))
    if end < start or end - start > 1000:
        return None
    width = len(a.group(2))
    return [f"{a.group(1)}{n:0{width}d}" for n in range(start, end + 1)]


def id_list_at(text: str, pos: int) -> tuple[list[str], int, list[str]]:
    """Read a list of ids and ranges starting at ``pos``.

    Returns the ids, the end position, and the ranges that could not be expanded (as written).
    """
    ids: list[str] = []
    bad: list[str] = []
    while True:
        match = _LIST_ITEM.match(text, pos)
        if not match:
            break
        if match.group(2):
            expanded = expand_range(match.group(1), match.group(2))
            if expanded is None:
                bad.append(match.group(0))
                ids.extend([match.group(1), match.group(2)])
            else:
                ids.extend(expanded)
        else:
            ids.append(match.group(1))
        pos = match.end()
        sep = _LIST_SEP.match(text, pos)
        if not sep or sep.end() == pos:
            break
        if not _LIST_ITEM.match(text, sep.end()):
            break
        pos = sep.end()
    return ids, pos, bad


def dependencies(text: str) -> tuple[list[str], list[str], list[str]]:
    """Dependencies written in a task's text.

    Returns ``(depends_on, blocks, problems)``: the ids this task waits for, the ids it says it
    blocks, and phrases that promise ids but give none (reported as ``parse/dependency-phrase``).
    """
    depends: list[str] = []
    blocks: list[str] = []
    problems: list[str] = []
    for match in DEPENDENCY_KEYWORD.finditer(text):
        ids, _, bad = id_list_at(text, match.end())
        problems.extend(f"range {b!r} cannot be expanded" for b in bad)
        if ids:
            depends.extend(ids)
        elif match.group(1).lower().startswith(STRICT_KEYWORDS):
            tail = text[match.start() : match.end() + 30].strip()
            problems.append(f"no task id after {tail!r}")
    for match in BLOCKS_KEYWORD.finditer(text):
        ids, _, _ = id_list_at(text, match.end())
        blocks.extend(ids)
    return _unique(depends), _unique(blocks), problems


def arrow_chains(text: str) -> list[list[list[str]]]:
    """Chains of task ids joined by arrows: ``T008 → T009, T010 → T011``.

    Each link of a chain is a group of ids (a list or a range); every id of a group depends on
    every id of the group before it.
    """
    chains: list[list[list[str]]] = []
    pos = 0
    while True:
        match = _LIST_ITEM.search(text, pos)
        if not match:
            break
        ids, end, _ = id_list_at(text, match.start())
        chain = [ids]
        while True:
            arrow = ARROW.match(text, end)
            if not arrow or arrow.end() == end:
                break
            nxt, new_end, _ = id_list_at(text, arrow.end())
            if not nxt:
                break
            chain.append(nxt)
            end = new_end
        if len(chain) > 1:
            chains.append(chain)
        pos = max(end, match.end())
    return chains


def story_ids(label: str) -> list[str]:
    """``US1``, ``US1/US2``, ``US1,US2``, ``AUTH-US1`` -> ``["US1", ...]``."""
    return [f"US{int(n)}" for n in STORY.findall(label)]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
