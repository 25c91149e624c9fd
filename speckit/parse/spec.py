"""spec.md -> Spec: user stories, requirements, success criteria, entities, clarifications.

Story headings vary a lot in real files: ``### User Story 1 - Title (Priority: P1)``, em dashes,
``(Priority: P1, Android-only)``, ``(Priority: DEFERRED)``, full-width ``（Priority: P1）``,
``### US1 (P1) — title``, and Japanese, Chinese or French wording. The older template generation
has one ``### Primary User Story`` and a ``### Acceptance Scenarios`` list instead.
"""

from __future__ import annotations

import re
from dataclasses import replace

from speckit.model import Clarification, Diagnostic, Entity, Paragraph, Requirement, Scenario, Spec, Story
from speckit.parse import ids
from speckit.parse.blocks import Item, ListBlock, Para, Parsed, Section, TableBlock
from speckit.parse.common import META, clean, diag, document_fields, section_items
from speckit.parse.plan import check_item

STORY_HEADING = re.compile(
    r"^(?:User\s+Story|Story|US|ユーザーストーリー|ユーザー・ストーリー|用户故事|用戶故事|使用者故事|"
    r"Histoire\s+utilisateur|Récit\s+utilisateur|Historia\s+de\s+usuario|User-Story|사용자\s*스토리|"
    r"Benutzergeschichte|Nutzergeschichte)\s*[-#]?\s*(\d{1,3})([a-z]?)(?![\w.])\s*"
    r"(.*)$",
    re.I,
)
# Bounded so that a heading repeating "(Priority " costs linear time (it was cubic: #16).
PRIORITY = re.compile(
    r"[(（]\s*(?:Priority|Priorité|Prioridad|Priorität|優先度|优先级|優先級|优先|우선순위|Prio)\s*[:：]?\s*"
    r"([^,，;；)）(（]{1,60})((?:[,，;；][^)）(（]{0,120})?)[)）]",
    re.I,
)
SHORT_PRIORITY = re.compile(r"[(（\[]\s*(P\d)\s*[)）\]]")
TITLE_SEP = re.compile(r"^\s*(?:[-–—:：.]\s*)+")
AS_A_START = re.compile(r"\bAs an?\s", re.I)
AS_A = re.compile(
    r"\bAs an?\s+(?P<as_a>.+?),?\s+I\s+(?:want|need|would like|can)\s+(?:to\s+)?(?P<want>.+?)"
    r"(?:,?\s+so\s+that\s+(?P<so>.+?))?\s*\.?$",
    re.I | re.S,
)
_GIVEN = (
    r"Given|주어진\s*상황|상황|[ÉE]tant\s+donn[ée](?:\s+que|\s+qu')?|Dado(?:\s+que)?|Angenommen|Gegeben(?:\s+sei)?|"
    r"前提条件|前提|假设|假如|给定|假定|주어진|전제"
)
_WHEN = r"When|언제|동작|행동|Quand|Lorsque?|Cuando|Wenn|操作|もし|実行|アクション|当|만약"
_THEN = r"Then|Alors|Entonces|Dann|期待結果|期待される結果|期待|結果|ならば|那么|则|그러면|기대\s*결과"
_KEYWORD_TAIL = r"(?![A-Za-z])\s*[,:：、]?\s*"
GIVEN_AT = re.compile(rf"\s*(?:{_GIVEN}){_KEYWORD_TAIL}", re.I)
WHEN_AT = re.compile(rf"\s*(?:{_WHEN}){_KEYWORD_TAIL}", re.I)
WHEN_IN = re.compile(rf"(?<!\w)(?:{_WHEN}){_KEYWORD_TAIL}", re.I)
THEN_IN = re.compile(rf"(?<!\w)(?:{_THEN}){_KEYWORD_TAIL}", re.I)


def split_gwt(text: str) -> tuple[str, str, str] | None:
    """``Given ..., When ..., Then ...`` -> its three parts, in any of the corpus' languages
    (``前提条件 ...、操作 ...、期待結果 ...``, ``Étant donné ... Quand ... Alors ...``); the older
    ``When ... Then ...`` has no Given. Three searches, so linear in the text (a regex with three
    lazy groups was quadratic on 'when when when ...')."""
    given = GIVEN_AT.match(text)
    if given:
        when = WHEN_IN.search(text, given.end())
    else:
        when = WHEN_AT.match(text)
    if not when:
        return None
    then = THEN_IN.search(text, when.end())
    if not then:
        return None
    first = text[given.end() : when.start()] if given else ""
    return first.strip(" ,，、"), text[when.end() : then.start()].strip(" ,，、"), text[then.end() :].strip(" ,，、.。")


_KEY_WHY = re.compile(r"why|priori|優先|优先|理由|pourquoi|por\s*qu[ée]|warum|우선\s*순위|이유", re.I)
_KEY_TEST = re.compile(r"independent|独立|indépendant|independiente|unabhängig|eigenständig|독립", re.I)
_KEY_ACCEPT = re.compile(
    r"acceptance|受け入れ|受入|验收|驗收|critères|scénarios d|escenarios|akzeptanz|인수|수용", re.I
)
_SECTION_KINDS = {
    "requirements": re.compile(r"requirement|要件|需求|exigence|requisito|anforderung|요구\s*사항", re.I),
    "success": re.compile(
        r"success criteria|measurable outcome|成功基準|成功标准|成功指標|成功指标|critères de (?:succès|réussite)|"
        r"criterios de (?:éxito|exito|aceptación)|erfolgskriterien|messbare|성공\s*기준|성과\s*지표",
        re.I,
    ),
    "entities": re.compile(r"key entities|entities|エンティティ|实体|entités", re.I),
    "edge": re.compile(r"edge case|エッジケース|边界|边缘|cas limites", re.I),
    "assumptions": re.compile(r"assumption|前提条件|假设|hypothèses", re.I),
    "clarifications": re.compile(r"clarification", re.I),
}
_REQUIREMENT_SECTION = re.compile(
    r"requirement|functional|constraints?\b|要件|要求|需求|需要|exigence|requisito|anforderung|요구|기능", re.I
)
_CHECKLIST = re.compile(r"checklist|チェックリスト|检查清单", re.I)
QA = re.compile(r"^\s*(?:Q|Question)\s*[:：]\s*(?P<q>.+?)(?:\s*(?:→|->|=>)\s*(?:A|Answer)\s*[:：]\s*(?P<a>.+))?$", re.S)


def extract(parsed: Parsed, path: str) -> tuple[Spec, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    stories = _stories(parsed, path, diagnostics)
    spans = [(s.id, s.line, s.end_line) for s in stories]
    requirements, criteria = _requirements(parsed)
    mentions, leads = _mentions(parsed)
    defined = {r.id for r in requirements + criteria}
    kinds = _sections_by_kind(parsed)
    spec = Spec(
        **document_fields(parsed, path, spans),
        stories=stories,
        requirements=requirements,
        success_criteria=criteria,
        entities=_entities(kinds["entities"]),
        edge_cases=_bullets(kinds["edge"]),
        assumptions=_bullets(kinds["assumptions"]),
        clarifications=_clarifications(kinds["clarifications"]),
        mentions=mentions,
        unread_definitions={rid: line for rid, line in leads.items() if rid not in defined},
        checklist=[
            check_item(item)
            for item, _ in section_items(parsed.root)
            if item.checkbox is not None
            and item.line not in parsed.code_lines
            and item.line not in parsed.comment_lines
        ],
    )
    return spec, diagnostics


def _sections_by_kind(parsed: Parsed) -> dict[str, list[Section]]:
    out: dict[str, list[Section]] = {kind: [] for kind in _SECTION_KINDS}
    for section in parsed.sections()[1:]:
        for kind, pattern in _SECTION_KINDS.items():
            if pattern.search(section.title) and not STORY_HEADING.match(section.title):
                out[kind].append(section)
                break
    return out


def parse_story_heading(title: str) -> tuple[int, str, str | None, str] | None:
    """``User Story 1 - Title (Priority: P1)`` -> (1, "Title", "P1", extra note) or None."""
    match = STORY_HEADING.match(title)
    if not match:
        return None
    number = int(match.group(1))
    rest = match.group(3)
    priority = None
    note = ""
    found = PRIORITY.search(rest) or SHORT_PRIORITY.search(rest)
    if found:
        priority = found.group(1).strip()
        if found.re is PRIORITY:
            note = found.group(2).strip(" ,，")
        rest = rest[: found.start()] + rest[found.end() :]
    rest = re.sub(r"\s*🎯?\s*\bMVP\s*$", "", rest)  # "(Priority: P1) 🎯 MVP", copied from tasks.md phases
    return number, TITLE_SEP.sub("", rest).strip(" -–—"), priority, note


_BULLET_STORY = re.compile(
    r"^\s*(?:\*\*|__)(?:User\s+Story\s+|US[-_ ]?)(\d{1,3})([a-z]?)(?:\*\*|__)\s*(?:[\[(（]\s*(P\d)\s*[\])）])?"
    r"\s*[:：\-–—]?\s*(.*)$", re.S | re.I
)
_TABLE_STORY_ID = re.compile(r"^\s*(?:\*\*)?US[-_ ]?(\d{1,3})([a-z]?)(?:\*\*)?\s*$", re.I)


def _stories(parsed: Parsed, path: str, diagnostics: list[Diagnostic]) -> list[Story]:
    stories: list[Story] = _table_stories(parsed)
    by_id = {story.id: i for i, story in enumerate(stories)}
    for section in parsed.sections()[1:]:
        heading = parse_story_heading(section.title)
        if heading is None:
            stories.extend(_bullet_stories(section, by_id, len(stories)))
            by_id = {story.id: i for i, story in enumerate(stories)}
            continue
        number, title, priority, note = heading
        suffix = STORY_HEADING.match(section.title).group(2)  # type: ignore[union-attr]
        story_id = f"US{number}{suffix}"
        if story_id in by_id:
            # "#### US-1 詳細" ("details") under a table of stories: more of that story, not a new one.
            known = stories[by_id[story_id]]
            more = _story(section, story_id, number, known.title, known.priority)
            stories[by_id[story_id]] = replace(
                known, acceptance=known.acceptance + more.acceptance,
                independent_test=known.independent_test or more.independent_test,
                why_priority=known.why_priority or more.why_priority,
                narrative=known.narrative or more.narrative, as_a=known.as_a or more.as_a,
                i_want=known.i_want or more.i_want, so_that=known.so_that or more.so_that,
                end_line=max(known.end_line, more.end_line))
            continue
        if priority is None and not section.title.lstrip().startswith("~~"):  # a withdrawn, struck story
            diagnostics.append(
                diag("parse/story-priority", f"user story {number}{suffix} has no priority in its heading",
                     path, section.line)
            )
        story = _story(section, story_id, number, title, priority)
        by_id[story_id] = len(stories)
        stories.append(replace(story, priority_note=note) if note else story)
    if not stories:
        legacy = _legacy_story(parsed)
        if legacy:
            stories.append(legacy)
    return stories


def _table_stories(parsed: Parsed) -> list[Story]:
    """Stories written as table rows: ``| US-1 | title | P1 |`` with a priority column."""
    out: list[Story] = []
    for section in parsed.sections():
        for block in section.blocks:
            if not isinstance(block, TableBlock):
                continue
            headers = [clean(h).lower() for h in block.headers]
            col_priority = next((i for i, h in enumerate(headers) if re.search(r"priorit|優先|优先|우선", h)), None)
            if col_priority is None:
                continue
            col_title = next((i for i, h in enumerate(headers) if i and re.search(
                r"title|story|name|summary|タイトル|ストーリー|名|标题|故事|제목|스토리|titre|título", h)), 1)
            for line, cells in block.rows:
                match = _TABLE_STORY_ID.match(cells[0]) if cells else None
                if not match:
                    continue
                number = int(match.group(1))
                cell = clean(cells[col_title]) if col_title < len(cells) else ""
                priority = clean(cells[col_priority]) if col_priority < len(cells) else None
                out.append(Story(id=f"US{number}{match.group(2)}", number=number, title=cell,
                                 priority=priority or None, line=line, end_line=line))
    return out


def _bullet_stories(section: Section, known: dict[str, int], offset: int) -> list[Story]:
    """Stories written as bullets: ``- **US-2** [P1]: As a ...``."""
    out: list[Story] = []
    for item, nested in section_items(section, deep=False):
        match = _BULLET_STORY.match(item.text or "") if not nested else None
        if not match:
            continue
        number = int(match.group(1))
        story_id = f"US{number}{match.group(2)}"
        if story_id in known or any(s.id == story_id for s in out):
            continue
        text = clean(match.group(4))
        parts = _as_a(text)
        scenarios = [_scenario(clean(child.text or ""), child.line, child.end_line)
                     for child, _ in _nested_items(item) if split_gwt(clean(child.text or ""))]
        out.append(Story(id=story_id, number=number, title=text[:120], priority=match.group(3), narrative=text,
                         as_a=parts[0], i_want=parts[1], so_that=parts[2], acceptance=scenarios,
                         line=item.line, end_line=item.end_line))
    return out


def _nested_items(item: Item) -> list[tuple[Item, bool]]:
    out: list[tuple[Item, bool]] = []
    for block in item.blocks:
        if isinstance(block, ListBlock):
            out.extend((child, True) for child in block.items)
    return out


def _as_a(text: str) -> tuple[str | None, str | None, str | None]:
    """``As a <role>, I want <goal> so that <value>``: matched once, from its first 'As a', within
    2,000 characters (a story repeating 'As a ' cost quadratic time: #16)."""
    start = AS_A_START.search(text)
    if not start:
        return None, None, None
    parts = AS_A.match(text[start.start() : start.start() + 2000])
    if not parts:
        return None, None, None
    return (parts.group("as_a").strip(), parts.group("want").strip(),
            parts.group("so").strip() if parts.group("so") else None)


def _story(section: Section, story_id: str, number: int | None, title: str, priority: str | None) -> Story:
    narrative: list[str] = []
    why = test = None
    scenarios: list[Scenario] = []
    expecting_acceptance = False
    pending: str | None = None  # a Why or Independent Test label whose text is the next list
    for owner in section.walk():
        if owner is not section and (_KEY_TEST.search(owner.title) or _KEY_WHY.search(owner.title)):
            # "#### 独立测试" / "#### 优先级原因" headings instead of bold labels
            body = " ".join(clean(blk.text) for blk in owner.blocks if isinstance(blk, Para)) or owner.title
            if _KEY_TEST.search(owner.title):
                test = test or body
            else:
                why = why or body
        if owner is not section and _KEY_ACCEPT.search(owner.title):
            expecting_acceptance = True
        for block in owner.blocks:
            if isinstance(block, Para):
                text = clean(block.text)
                meta = META.match(block.text.strip())
                if meta:
                    key, value = meta.group(1), clean(meta.group(2))
                    if _KEY_ACCEPT.search(key):
                        expecting_acceptance = True
                        if value:
                            scenarios.append(_scenario(value, block.line, block.end_line))
                    elif _KEY_TEST.search(key):
                        test = value
                        pending = None if value else "test"
                    elif _KEY_WHY.search(key):
                        why = value
                        pending = None if value else "why"
                    elif split_gwt(text):
                        scenarios.append(_scenario(text, block.line, block.end_line))
                    else:
                        narrative.append(text)
                elif len(text) <= 40 and _KEY_ACCEPT.search(text):
                    expecting_acceptance = True  # "**受け入れシナリオ**" with no colon
                elif split_gwt(text):
                    scenarios.append(_scenario(text, block.line, block.end_line))
                elif owner is section and not scenarios:
                    narrative.append(text)
            elif isinstance(block, ListBlock) and pending:
                # "**이 우선순위인 이유**:" alone on its line, its reasons as a list below it
                listed = "; ".join(clean(item.text or "") for item in block.items)
                why, test = (listed, test) if pending == "why" else (why, listed)
                pending = None
            elif isinstance(block, ListBlock):
                scenarios.extend(_list_scenarios(block, expecting_acceptance))
    story_text = " ".join(narrative)
    as_a, want, so = _as_a(story_text)
    return Story(
        id=story_id,
        number=number,
        title=title,
        priority=priority,
        narrative=story_text,
        as_a=as_a,
        i_want=want,
        so_that=so,
        why_priority=why,
        independent_test=test,
        acceptance=scenarios,
        line=section.line,
        end_line=section.end_line,
    )


def _list_scenarios(block: ListBlock, expecting: bool) -> list[Scenario]:
    """Scenarios of a list. Three bullets ``- **前提**: ...``, ``- **操作**: ...``, ``- **期待**: ...``
    (or nested under a numbered scenario) make one scenario, not three."""
    out: list[Scenario] = []
    items = block.items
    i = 0
    while i < len(items):
        item = items[i]
        text = clean(item.text or "")
        children = [clean(c.text or "") for c, _ in _nested_items(item)]
        if children and not split_gwt(text) and split_gwt("、".join([text, *children])):
            out.append(_scenario("、".join([text, *children]), item.line, item.end_line))
            i += 1
            continue
        if GIVEN_AT.match(re.sub(r"^\s*\d+[.)]\s*", "", text)) and not split_gwt(text) and i + 2 < len(items):
            joined = "、".join(clean(items[j].text or "") for j in range(i, i + 3))
            if split_gwt(joined):
                out.append(_scenario(joined, item.line, items[i + 2].end_line))
                i += 3
                continue
        if expecting or split_gwt(text):
            out.append(_scenario(text, item.line, item.end_line))
        i += 1
    return out


def _scenario(text: str, line: int, end_line: int) -> Scenario:
    text = re.sub(r"^\s*(?:\d+[.)]|シナリオ\s*\d+\s*[:：]|Scenario\s*\d+\s*[:：])\s*", "", text)
    parts = split_gwt(text)
    if not parts:
        return Scenario(text=text, line=line, end_line=end_line)
    given, when, then = parts
    return Scenario(text=text, given=given or None, when=when, then=then, line=line, end_line=end_line)


def _legacy_story(parsed: Parsed) -> Story | None:
    """The older template: ``### Primary User Story`` with a sibling ``### Acceptance Scenarios``."""
    primary = next((s for s in parsed.sections() if re.search(r"primary user story", s.title, re.I)), None)
    if primary is None:
        return None
    story = _story(primary, "US1", 1, primary.title, None)
    # "Acceptance Scenarios", not the "Review & Acceptance Checklist" of the same template.
    accept = next(
        (s for s in parsed.sections() if _KEY_ACCEPT.search(s.title) and not _CHECKLIST.search(s.title)), None
    )
    if accept is not None and not story.acceptance:
        # The list may be split under sub-headings ("#### Admin User - Search Functionality").
        scenarios = [
            _scenario(clean(item.text or ""), item.line, item.end_line)
            for item, nested in section_items(accept, deep=True)
            if not nested
        ]
        story = replace(story, acceptance=scenarios)
    return story


# Not "**FR-022's viewport gate moved ...**" or "**SC-005 "correctly"**:": sentences about an id.
# Not "**FR-001 to FR-013**: ..." or "### FR-001 到 FR-004": a range names ids, it defines none.
_DEF_LEAD = re.compile(
    rf"^\s*(?P<strike>~~)?\s*(?P<mark>\*\*|__|`)?\s*(?P<id>{ids._REQ_BODY})(?![\w-]|\.\d|['’]s\b|\s*[\"“「])"
    r"(?!\s*(?:to|through|thru|–|—|~|〜|到|至|-)\s*[A-Z][A-Z0-9]*-?\d)"
)
# A bold span that says more than the id and a topic in brackets ("**SC-006 export**:",
# "**FR-012 — no overflow menu.**") comments on a requirement; it defines nothing a second time.
_BOLD_COMMENT = re.compile(r"^\s*(?:~~)?\s*\*\*[^*\n]*?\d[a-z]?\s+(?![(（])[^*\n]+\*\*")
_DEF_SEP = re.compile(r"^\s*(?:\*\*|__|`)?\s*(?:[:：.)|]|—|–|-\s|[(（\[]|$)")
_LINE_LEAD = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX~]\]\s+)?|\d{1,3}[.)]\s+|\|\s*)?")


def _definition(text: str, strict: bool) -> tuple[str, str, bool] | None:
    """The requirement id a definition starts with, the rest of its text, and whether it is struck.

    Seen: ``**FR-001**: ...``, ``FR-001: ...``, ``**R001** (MUST): ...``, ``**FR-001** The system
    MUST ...`` (bold, no colon), ``**FR-001 (topic)**:``, ``**FR-001（topic）**:``, ``FR-1.1``,
    ``FR-1006-01`` and struck ``~~**FR-004**: ...~~``. Without bold, the id must be followed by a
    separator, or (``strict`` False: inside a requirements section) by any text."""
    match = _DEF_LEAD.match(text)
    if not match:
        return None
    rest = text[match.end() :]
    if not match.group("mark") and strict and not _DEF_SEP.match(rest):
        return None
    struck = bool(match.group("strike")) or text.lstrip().startswith("~~")
    if match.group("mark"):  # the closing mark, also after a topic: "**FR-005 (privacy)**:"
        rest = re.sub(rf"^(\s*(?:[(（][^)）\n]{{0,60}}[)）])?\s*){re.escape(match.group('mark'))}", r"\1", rest)
    return match.group("id"), clean(rest.replace("~~", "")).lstrip(":：-—–| "), struck


def _mentions(parsed: Parsed) -> tuple[dict[str, int], dict[str, int]]:
    """Every requirement-like id written in the spec (id -> first line), and the ids that start a
    line as a definition would (after list, heading or table markup)."""
    mentions: dict[str, int] = {}
    leads: dict[str, int] = {}
    for number, line in enumerate(parsed.lines, start=1):
        if "-" not in line and not any(ch.isdigit() for ch in line):
            continue
        for match in ids.REQUIREMENT_ID.finditer(line):
            mentions.setdefault(match.group(1), number)
            if line.startswith("/", match.end()):  # "NFR-1/3/4/8" names NFR-3, NFR-4 and NFR-8 too
                head = re.match(r"(.*?)\d+$", match.group(1))
                for more in re.match(r"(?:/\d{1,4})*", line[match.end() :]).group(0).split("/")[1:]:  # type: ignore[union-attr]
                    if head:
                        mentions.setdefault(head.group(1) + more, number)
        lead = _DEF_LEAD.match(line, _LINE_LEAD.match(line).end())  # type: ignore[union-attr]
        if lead and number not in parsed.code_lines:
            leads.setdefault(lead.group("id"), number)
    return mentions, leads


def _requirement_sections(parsed: Parsed) -> list[tuple[Section, bool, bool]]:
    """Every section with whether it (or a heading above it) is about requirements, and about
    success criteria."""
    out: list[tuple[Section, bool, bool]] = []
    stack: list[tuple[int, bool, bool]] = []
    for section in parsed.sections():
        while stack and stack[-1][0] >= section.level and section.level:
            stack.pop()
        inherited_req = bool(stack and stack[-1][1])
        inherited_sc = bool(stack and stack[-1][2])
        title = section.title
        is_sc = inherited_sc or (section.level > 1 and bool(_SECTION_KINDS["success"].search(title)))
        # The document's own title ("# Feature Specification: Requirement shapes") is no section kind.
        is_req = inherited_req or is_sc or (section.level > 1 and bool(_REQUIREMENT_SECTION.search(title)))
        if section.level:
            stack.append((section.level, is_req, is_sc))
        out.append((section, is_req, is_sc))
    return out


def _requirements(parsed: Parsed) -> tuple[list[Requirement], list[Requirement]]:
    """Requirement and success-criterion definitions: list items, headings (``#### FR-001: title``,
    ``### R005 — title``), bold paragraphs and table rows that start with an id.

    An id defined inside a requirements or success-criteria section is defined there only: a list
    elsewhere that repeats ids (parity decisions, a traceability table, clarifications) refers to
    them. Goals, non-goals, assumptions, acceptance ids and cited standards are never requirements."""
    found: list[tuple[Requirement, bool, bool]] = []  # (requirement, in a requirements section, success)
    table_lines: set[int] = set()
    comments: set[int] = set()
    for section, in_req, in_sc in _requirement_sections(parsed):
        candidates: list[tuple[str, int, int, bool]] = []  # (text, line, end line, a heading)
        if section.level:
            candidates.append((section.title, section.line, section.end_line, True))
        for item, _ in section_items(section, deep=False):
            if item.line not in parsed.code_lines:
                candidates.append((item.text or "", item.line, item.end_line, False))
        for block in section.blocks:
            if isinstance(block, Para) and block.text.lstrip().startswith(("**", "__", "~~")):
                candidates.append((block.text, block.line, block.end_line, False))
            rows = getattr(block, "rows", None)
            if rows is not None:
                for line, cells in rows:
                    if cells:
                        candidates.append((cells[0] + " | " + " | ".join(cells[1:]), line, line, False))
                        table_lines.add(line)
        for text, line, end_line, heading in candidates:
            if _BOLD_COMMENT.match(text):
                comments.add(line)
            definition = _definition(text, strict=not in_req)
            if definition is None:
                continue
            rid, body, struck = definition
            prefix = ids.id_prefix(rid)
            short = in_req and prefix in ids.ALWAYS_REQUIREMENT  # "### R1: Grammar", "NFR1: 성능" under Requirements
            if not (ids.looks_like_id(rid) or short) or not ids.is_requirement_prefix(prefix, in_req):
                continue
            if heading and section.blocks:
                first = next((blk for blk in section.blocks if isinstance(blk, Para)), None)
                body = f"{body} {clean(first.text)}".strip() if first else body
            found.append((Requirement(id=rid, text=body, dropped=struck, line=line, end_line=end_line), in_req, in_sc))
    in_sections = {req.id for req, in_req, _ in found if in_req}
    seen_outside: set[str] = set()
    requirements: list[Requirement] = []
    criteria: list[Requirement] = []
    seen: set[str] = set()
    for req, in_req, in_sc in found:
        if not in_req:
            if req.id in in_sections or req.id in seen_outside:
                continue  # a reference to a definition, or a repeat of one made outside any section
            seen_outside.add(req.id)
        if (req.line in table_lines or req.line in comments) and req.id in seen:
            continue  # a traceability table (| FR-006 | US3 | ...) or a comment names requirements defined above
        seen.add(req.id)
        parts = ids.id_prefix(req.id).split("-")
        success = "SC" in (parts[0], parts[-1]) or in_sc and parts[-1] not in ("FR", "NFR", "R", "REQ")
        (criteria if success else requirements).append(req)
    return requirements, criteria


def _entities(sections: list[Section]) -> list[Entity]:
    out: list[Entity] = []
    for section in sections:
        for item, nested in section_items(section):
            if nested:
                continue
            meta = META.match((item.text or "").strip())
            if meta:
                out.append(Entity(name=clean(meta.group(1)), text=clean(meta.group(2)),
                                  line=item.line, end_line=item.end_line))
            elif item.text:
                name, _, text = clean(item.text).partition(":")
                out.append(Entity(name=name.strip(), text=text.strip(), line=item.line, end_line=item.end_line))
    return out


def _bullets(sections: list[Section]) -> list[Paragraph]:
    return [
        Paragraph(text=clean(item.text or ""), line=item.line, end_line=item.end_line)
        for section in sections
        for item, nested in section_items(section)
        if not nested and (item.text or "").strip()
    ]


def _clarifications(sections: list[Section]) -> list[Clarification]:
    out: list[Clarification] = []
    for section in sections:
        for owner in section.walk():
            session = owner.title if owner is not section else None
            if session:
                session = re.sub(r"^Session\s+", "", session, flags=re.I)
            for item, nested in section_items(owner, deep=False):
                match = QA.match(clean(item.text or ""))
                if match and not nested:
                    out.append(Clarification(session=session, question=match.group("q").strip(),
                                             answer=(match.group("a") or "").strip() or None,
                                             line=item.line, end_line=item.end_line))
    return out

