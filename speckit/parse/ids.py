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
# Also ``T-002-000-001`` and ``T-003-P1-001-001`` (dashed sub-numbers after ``T-``) and
# ``T-TEST-026`` (a word after ``T-``).
_ID = (
    r"(?:(?!T\d)[A-Z][A-Z0-9]{1,9}-)?T(?:-\d{1,6}(?:-(?:(?!T\d|T-)[A-Z]{1,10}\d{0,3}|\d{1,4})){0,4}|-[A-Z]{2,10}-\d{1,4}|"
    r"\d{1,6})"
    r"(?:\.\d{1,4})*[a-z]?"
)
# ASCII word boundaries: in Japanese or Chinese text an id stands right beside other letters
# ("T022の後に", "はT3").
_B = r"A-Za-z0-9_"
TASK_ID = re.compile(rf"(?<![{_B}-]){_ID}(?![{_B}-]|\.\d)")
LEADING_ID = re.compile(rf"^(?:~~)?(?:\*\*|__|`)?({_ID})(?:\*\*|__|`)?(?:~~)?(?:\s*[:.)]|\s+|$)")
RANGE_DASH = r"\s*(?:-|–|—|〜|～|~|\.\.|to|through)\s*"
_RANGE = re.compile(rf"({_ID}){RANGE_DASH}({_ID})(?![{_B}-])")
_LIST_ITEM = re.compile(rf"({_ID})(?:{RANGE_DASH}({_ID}))?(?![{_B}-]|\.\d)")
# No ";": "T005 depends on T004; T006 depends on T005" is two statements, not a list "T004; T006".
_LIST_SEP = re.compile(r"\s*(?:,|，|、|&|\+|/|\band\b|\bor\b|\s)\s*")

# Prefix phrases: the ids follow. English, French, Spanish, German, Chinese, Japanese and Korean,
# as seen in real tasks.md files (FORMATS.md): "(depends on T012)", "(dépend de T008, T011)",
# "Dépend de T024.", "après T003", "依存: T101, T102", "依赖 T001", "의존: T001".
DEPENDENCY_KEYWORD = re.compile(
    r"(?i)(?<![\w-])(depends?\s+on|dependent\s+on|dependenc(?:y|ies)\s*:|deps?\s*:|prerequisites?\s*:|"
    r"requires|blocked\s+by|after|needs|waits?\s+for|"
    r"d[ée]pend(?:s|ent)?\s+de|apr[èe]s|depende\s+de|despu[ée]s\s+de|h[äa]ngt\s+von|abh[äa]ngig\s+von|nach|"
    r"precondici[oó]n(?:es)?\s*:|dependencias?\s*:|prerrequisitos?\s*:|pr[ée]requis\s*:|abh[äa]ngigkeit(?:en)?\s*:|"
    r"voraussetzung(?:en)?\s*:|"
    r"依存(?:先|関係)?|依赖(?:于)?|前置(?:条件|任务|タスク)?|의존(?:성)?|선행\s*(?:작업|조건)?\s*[:：])"
    r"(?:\s*(?:\*\*|__))?(?:\s*[:：])?\s*(?:\*\*|__)?\s*"  # "**Depends on**: T008", "Depends on: **T008**"
)
# The waiting task comes after the keyword: "(blocks T017)", "before T004", "is a prerequisite for
# T009 and T010", "avant T004", "antes de T004", "vor T004".
BLOCKS_KEYWORD = re.compile(
    r"(?i)(?<![\w-])(?:blocks|unblocks|before|(?:is\s+a\s+)?prerequisite\s+(?:for|of|to)|avant|antes\s+de|vor)"
    r"(?:\s*[:：])?\s*"
)
# Postfix phrases: the ids come first. "T022の後に", "（T003完了後）", "T003 之后", "T001 이후",
# "T001 완료 후"; and "T004の前" / "T004 之前" (this task comes before them).
AFTER_POSTFIX = re.compile(
    r"\s*(?:(?:の|が)?\s*(?:完了|完成|終了|结束|완료)?\s*(?:後|之后|以后|后|이후|후)(?!続|[A-Za-z])|"
    r"(?:に|へ)依存|に依赖|에\s*의존)"
)  # "（T002, T003に依存）"
BEFORE_POSTFIX = re.compile(r"\s*(?:の|之)?\s*(?:前|之前|이전)(?!提|[A-Za-z])")
ARROW = re.compile(r"\s*(?:→|⟶|➜|➔|-{1,3}>|─{1,6}>|─{0,6}▶|={1,2}>)\s*")
STRICT_KEYWORDS = ("depends on", "depend on", "dep:", "deps:", "dep :", "blocked")
"""Keywords that promise task ids: when none follow, the phrase is reported as unparseable. Not the
noun ("Dependencies: react, vite" names packages)."""
_CLAUSE = re.compile(r"[^()\[\];.`\n]{0,120}")
"""The rest of a dependency phrase's clause: up to a bracket, a full stop, a semicolon or code (bounded)."""
_NONE = re.compile(r"(?i)\s*(?:none|nothing|n/a|-|—|ninguna?|aucune?|keine?|なし|无|없음)\b")

STORY = re.compile(r"(?<![A-Za-z])US[-_ ]?(\d{1,3})([a-z]?)(?![\da-z])")
REF_PREFIXES = ("FR", "NFR", "SC")
"""Always references. ``R001`` is one only when the spec defines R ids (tasks.md files also
number refactoring tasks R001, R002)."""

# Requirement ids as real specs write them: FR-001, FR-012a, NFR001, R001, FR-1.1, FR-001.1,
# FR-1006-01, AUTH-FR-003. The number may carry dotted or dashed sub-numbers; those are distinct
# ids (FR-1.1 is not a copy of FR-1).
_REQ_BODY = r"[A-Z][A-Z0-9]{0,9}(?:-[A-Z][A-Z0-9]{0,9}){0,3}-?\d{1,4}(?:[.-]\d{1,3}){0,3}[a-z]?"
REQUIREMENT_ID = re.compile(rf"(?<![\w-])({_REQ_BODY})(?![\w-]|\.\d)")
NOT_REQUIREMENT = frozenset({
    "G", "NG", "A", "AC", "AS", "ASM", "QO", "KEP", "US", "UC", "T", "CHK", "Q", "ADR", "RFC", "ISO", "CVE", "PR",
    "PEP", "GDPR", "HTTP", "UTF", "SHA", "RS", "SP", "ES", "ECMA", "IEC", "IEEE", "OWASP", "CWE", "WCAG", "P", "V",
    "TC", "TS", "STEP", "PHASE", "SPEC", "ISSUE", "BUG", "JIRA", "EPIC", "TASK", "D", "DEC", "OQ", "RISK", "R-ISK",
})
"""Id prefixes that name goals, non-goals, assumptions, acceptance criteria, questions, decisions,
cited standards and other documents: written like requirement ids, never requirements."""
ALWAYS_REQUIREMENT = frozenset({"FR", "NFR", "SC", "R", "REQ"})
"""Prefixes that are requirements (or success criteria) wherever they are defined."""


def id_prefix(rid: str) -> str:
    """``FR-001`` -> ``FR``, ``NFR001`` -> ``NFR``, ``AUTH-FR-003`` -> ``AUTH-FR``, ``FR-1006-01`` -> ``FR``."""
    match = re.match(r"(.*?[A-Za-z])-?\d+(?:[.-]\d+)*[a-z]?$", rid)  # "A11Y-011" -> "A11Y", not "A"
    return match.group(1) if match else rid


def looks_like_id(rid: str) -> bool:
    """An id has a dash before its number or a number of three digits or more: ``FR-1``, ``R001``,
    ``NFR001``; not ``S3``, ``EC2`` or ``H264`` (product names in requirement text)."""
    return bool(re.search(r"-\d|\d{3}", rid))


def is_requirement_prefix(prefix: str, in_requirements_section: bool) -> bool:
    last = prefix.rsplit("-", 1)[-1]
    if prefix.split("-", 1)[0] in ALWAYS_REQUIREMENT and prefix not in NOT_REQUIREMENT:
        return True  # "SC-P-001", "FR-AUTH-002"
    if prefix in NOT_REQUIREMENT or last in NOT_REQUIREMENT and last not in ALWAYS_REQUIREMENT:
        return False
    return last in ALWAYS_REQUIREMENT or last.endswith("R") and len(last) <= 4 or in_requirements_section


def ref_pattern(prefixes: Iterable[str] = REF_PREFIXES) -> re.Pattern[str]:
    """Requirement references: ``FR-001``, ``FR-012a``, ``FR-1.1``, ``NFR-001``, ``SC-002`` and ``R001``."""
    names = "|".join(sorted({re.escape(p) for p in prefixes if p} | set(REF_PREFIXES), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{names})-?\d{{1,4}}(?:[.-]\d{{1,3}}){{0,3}}[a-z]?(?![\w-]|\.\d)")


_REF_RANGE_DASH = r"\s*(?:–|—|-|〜|～|~|\.\.|\bto\b|\bthrough\b|\bthru\b|到|至)\s*"


_DASHED_RANGE = re.compile(r"([A-Z][A-Z0-9]*-)(\d{2,4})-(\d{2,4})")


def refs_in(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Requirement ids cited in ``text``, with ranges expanded: ``FR-001 through FR-004``,
    ``FR-001–FR-004``, ``FR-001..FR-004`` (a range that cannot be expanded keeps its two ends)."""
    found: list[str] = []
    matches = list(pattern.finditer(text))
    dashed = [m for m in matches if _DASHED_RANGE.fullmatch(m.group(0))]
    expanded: set[str] = set()
    if dashed:  # "FR-001-018" with 018 > 001 and the same width: a range, not a sub-number
        for m in dashed:
            lead = _DASHED_RANGE.fullmatch(m.group(0))
            assert lead is not None
            if int(lead.group(3)) > int(lead.group(2)) and len(lead.group(3)) == len(lead.group(2)):
                found.extend(expand_range(lead.group(1) + lead.group(2), lead.group(1) + lead.group(3)) or [])
                expanded.add(m.group(0))  # the dashed range itself is no id
    skip = -1
    for i, match in enumerate(matches):
        if i <= skip:
            continue
        found.append(match.group(0))
        if i + 1 < len(matches):
            nxt = matches[i + 1]
            between = text[match.end() : nxt.start()]
            if re.fullmatch(_REF_RANGE_DASH, between) and id_prefix(match.group(0)) == id_prefix(nxt.group(0)):
                between_ids = expand_range(match.group(0), nxt.group(0))
                if between_ids:
                    found.extend(between_ids[1:])
                    skip = i + 1
    return [ref for ref in dict.fromkeys(found) if ref not in expanded]


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
        elif match.group(1).lower().startswith(STRICT_KEYWORDS) and not _NONE.match(text, match.end()):
            # "(depends on the writer, T003)": the ids may follow words, inside the same clause.
            clause = _CLAUSE.match(text, match.end())
            tail_end = clause.end() if clause else match.end()
            later = [i for group in id_groups(text[match.end() : tail_end]) for i in group.ids]
            if later:
                depends.extend(later)
            else:
                problems.append(f"no task id after {text[match.start() : min(tail_end, match.end() + 30)].strip()!r}")
    for match in BLOCKS_KEYWORD.finditer(text):
        ids, _, _ = id_list_at(text, match.end())
        blocks.extend(ids)
    for group in id_groups(text):
        if AFTER_POSTFIX.match(text, group.end):
            depends.extend(group.ids)
        elif BEFORE_POSTFIX.match(text, group.end):
            blocks.extend(group.ids)
    return _unique(depends), _unique(blocks), problems


class IdGroup:
    """A list of task ids as written (``T003, T004``, ``T006-T010``): the ids, and where it is."""

    __slots__ = ("ids", "start", "end")

    def __init__(self, ids: list[str], start: int, end: int) -> None:
        self.ids, self.start, self.end = ids, start, end


def id_groups(text: str) -> list[IdGroup]:
    """Every list of task ids in ``text``, in order (one linear pass)."""
    groups: list[IdGroup] = []
    pos = 0
    while True:
        match = _LIST_ITEM.search(text, pos)
        if not match:
            return groups
        found, end, _ = id_list_at(text, match.start())
        before = text[match.start() - 1] if match.start() else " "
        if before.isascii() and (before.isalnum() or before in "-_"):
            pos = match.end()
            continue
        groups.append(IdGroup(found, match.start(), end))
        pos = max(end, match.end())


_FILLER = re.compile(
    r"^[\s*_`:：,]*(?:\([^()\n]{0,60}\)[\s*_`]*)?(?:(?:is|are|must|should|can|only|start|starts|run|runs|come|comes|be|"
    r"done|finished|complete[sd]?|は|が|も)[\s*_`]*){0,4}$",
    re.I,
)
_GAP = re.compile(r"^[\s*_`:：]*$")


def statements(text: str) -> list[tuple[list[str], list[str]]]:
    """Dependencies stated between tasks in prose: ``(waiting ids, prerequisite ids)`` pairs.

    ``T003 depends on T002``, ``T006 is a prerequisite for T009 and T010``, ``T006-T010 before
    T011-T015``, ``T008 blocks T009``, ``T5 は T3, T4 の後``. A keyword counts only between two id
    lists, so a sentence that names one task is no statement."""
    groups = id_groups(text)
    if len(groups) < 2:
        return []
    out: list[tuple[list[str], list[str]]] = []

    def left_of(pos: int) -> IdGroup | None:
        for group in reversed(groups):
            if group.end <= pos:
                return group if _FILLER.match(text[group.end : pos][:60]) and pos - group.end <= 60 else None
        return None

    def right_of(pos: int) -> IdGroup | None:
        for group in groups:
            if group.start >= pos:
                return group if group.start - pos <= 8 and _GAP.match(text[pos : group.start]) else None
        return None

    for pattern, waiting_left in ((DEPENDENCY_KEYWORD, True), (BLOCKS_KEYWORD, False)):
        for match in pattern.finditer(text):
            left, right = left_of(match.start()), right_of(match.end())
            if left and right:
                out.append((left.ids, right.ids) if waiting_left else (right.ids, left.ids))
    for i, group in enumerate(groups[1:], start=1):
        after, before = AFTER_POSTFIX.match(text, group.end), BEFORE_POSTFIX.match(text, group.end)
        if after or before:
            left = groups[i - 1]
            if _FILLER.match(text[left.end : group.start][:60]) and group.start - left.end <= 60:
                out.append((left.ids, group.ids) if after else (group.ids, left.ids))
    return out


_PAIR_SPLIT = re.compile(rf"[,;，、]\s*(?=(?:{_ID})\s*(?:→|⟶|➜|-{{1,3}}>|─|=>))")


def arrow_chains(text: str) -> list[list[list[str]]]:
    """Chains of task ids joined by arrows: ``T008 → T009, T010 → T011`` (two pairs: a comma
    before an id that starts another arrow ends the chain, it does not extend the group).

    Each link of a chain is a group of ids (a list or a range); every id of a group depends on
    every id of the group before it.
    """
    if "," in text or ";" in text or "、" in text or "，" in text:
        pieces = _PAIR_SPLIT.split(text)
        if len(pieces) > 1:
            return [chain for piece in pieces for chain in arrow_chains(piece)]
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
    return [f"US{int(n)}{suffix}" for n, suffix in STORY.findall(label)]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
