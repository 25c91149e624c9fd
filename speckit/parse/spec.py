"""spec.md -> Spec: user stories, requirements, success criteria, entities, clarifications.

Story headings vary a lot in real files: ``### User Story 1 - Title (Priority: P1)``, em dashes,
``(Priority: P1, Android-only)``, ``(Priority: DEFERRED)``, full-width ``（Priority: P1）``,
``### US1 (P1) — title``, and Japanese, Chinese or French wording. The older template generation
has one ``### Primary User Story`` and a ``### Acceptance Scenarios`` list instead.
"""

from __future__ import annotations

import re

from speckit.model import Clarification, Diagnostic, Entity, Paragraph, Requirement, Scenario, Spec, Story
from speckit.parse import ids
from speckit.parse.blocks import ListBlock, Para, Parsed, Section
from speckit.parse.common import META, clean, diag, document_fields, section_items
from speckit.parse.plan import check_item

STORY_HEADING = re.compile(
    r"^(?:User\s+Story|Story|US|ユーザーストーリー|ユーザー・ストーリー|用户故事|用戶故事|使用者故事|"
    r"Histoire\s+utilisateur|Récit\s+utilisateur|Historia\s+de\s+usuario|User-Story)\s*[-#]?\s*(\d{1,3})\b\s*"
    r"(.*)$",
    re.I,
)
PRIORITY = re.compile(
    r"[(（]\s*(?:Priority|Priorité|Prioridad|Priorität|優先度|优先级|優先級|优先|Prio)\s*[:：]?\s*"
    r"([^,，;；)）]+)([^)）]*)[)）]",
    re.I,
)
SHORT_PRIORITY = re.compile(r"[(（\[]\s*(P\d)\s*[)）\]]")
TITLE_SEP = re.compile(r"^\s*(?:[-–—:：.]\s*)+")
AS_A = re.compile(
    r"\bAs an?\s+(?P<as_a>.+?),?\s+I\s+(?:want|need|would like|can)\s+(?:to\s+)?(?P<want>.+?)"
    r"(?:,?\s+so\s+that\s+(?P<so>.+?))?\s*\.?$",
    re.I | re.S,
)
GWT = re.compile(
    r"^\s*(?:Given|前提|假设|假如|给定|Étant donné(?: que| qu')?|Dado)\s*[,:：]?\s*(?P<given>.+?)[,，、]?\s*"
    r"(?:When|もし|当|Quand|Lorsque|Cuando)\s*[,:：]?\s*(?P<when>.+?)[,，、]?\s*"
    r"(?:Then|ならば|その場合|那么|则|Alors|Entonces)\s*[,:：]?\s*(?P<then>.+?)\s*$",
    re.I | re.S,
)
_KEY_WHY = re.compile(r"why|priorit|優先|优先|理由|pourquoi", re.I)
_KEY_TEST = re.compile(r"independent|独立|indépendant", re.I)
_KEY_ACCEPT = re.compile(r"acceptance|受け入れ|受入|验收|驗收|critères|scénarios d", re.I)
_SECTION_KINDS = {
    "requirements": re.compile(r"requirement|要件|需求|exigence", re.I),
    "success": re.compile(r"success criteria|measurable outcome|成功基準|成功标准|成功指標|critères de succès", re.I),
    "entities": re.compile(r"key entities|entities|エンティティ|实体|entités", re.I),
    "edge": re.compile(r"edge case|エッジケース|边界|边缘|cas limites", re.I),
    "assumptions": re.compile(r"assumption|前提条件|假设|hypothèses", re.I),
    "clarifications": re.compile(r"clarification", re.I),
}
_CHECKLIST = re.compile(r"checklist|チェックリスト|检查清单", re.I)
QA = re.compile(r"^\s*(?:Q|Question)\s*[:：]\s*(?P<q>.+?)(?:\s*(?:→|->|=>)\s*(?:A|Answer)\s*[:：]\s*(?P<a>.+))?$", re.S)


def extract(parsed: Parsed, path: str) -> tuple[Spec, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    stories = _stories(parsed, path, diagnostics)
    spans = [(s.id, s.line, s.end_line) for s in stories]
    requirements, criteria = _requirements(parsed)
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
        checklist=[
            check_item(item) for item, _ in section_items(parsed.root)
            if item.checkbox is not None and item.line not in parsed.code_lines and item.line not in parsed.comment_lines
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
    rest = match.group(2)
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


def _stories(parsed: Parsed, path: str, diagnostics: list[Diagnostic]) -> list[Story]:
    stories: list[Story] = []
    for section in parsed.sections()[1:]:
        heading = parse_story_heading(section.title)
        if heading is None:
            continue
        number, title, priority, note = heading
        if priority is None:
            diagnostics.append(
                diag("parse/story-priority", f"user story {number} has no priority in its heading",
                     path, section.line, hint="write it as '(Priority: P1)' at the end of the heading")
            )
        story = _story(section, f"US{number}", number, title, priority)
        stories.append(story.model_copy(update={"priority_note": note}) if note else story)
    if not stories:
        legacy = _legacy_story(parsed)
        if legacy:
            stories.append(legacy)
    return stories


def _story(section: Section, story_id: str, number: int | None, title: str, priority: str | None) -> Story:
    narrative: list[str] = []
    why = test = None
    scenarios: list[Scenario] = []
    expecting_acceptance = False
    for owner in section.walk():
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
                    elif _KEY_WHY.search(key):
                        why = value
                    else:
                        narrative.append(text)
                elif GWT.match(text):
                    scenarios.append(_scenario(text, block.line, block.end_line))
                elif owner is section and not scenarios:
                    narrative.append(text)
            elif isinstance(block, ListBlock):
                for item in block.items:
                    text = clean(item.text or "")
                    if expecting_acceptance or GWT.match(text):
                        scenarios.append(_scenario(text, item.line, item.end_line))
    story_text = " ".join(narrative)
    parts = AS_A.search(story_text)
    return Story(
        id=story_id,
        number=number,
        title=title,
        priority=priority,
        narrative=story_text,
        as_a=parts.group("as_a").strip() if parts else None,
        i_want=parts.group("want").strip() if parts else None,
        so_that=parts.group("so").strip() if parts and parts.group("so") else None,
        why_priority=why,
        independent_test=test,
        acceptance=scenarios,
        line=section.line,
        end_line=section.end_line,
    )


def _scenario(text: str, line: int, end_line: int) -> Scenario:
    text = re.sub(r"^\s*\d+[.)]\s*", "", text)
    match = GWT.match(text)
    if not match:
        return Scenario(text=text, line=line, end_line=end_line)
    return Scenario(
        text=text,
        given=match.group("given").strip(" ,"),
        when=match.group("when").strip(" ,"),
        then=match.group("then").strip(" ,."),
        line=line,
        end_line=end_line,
    )


def _legacy_story(parsed: Parsed) -> Story | None:
    """The older template: ``### Primary User Story`` with a sibling ``### Acceptance Scenarios``."""
    primary = next((s for s in parsed.sections() if re.search(r"primary user story", s.title, re.I)), None)
    if primary is None:
        return None
    story = _story(primary, "US1", 1, primary.title, None)
    # "Acceptance Scenarios", not the "Review & Acceptance Checklist" of the same template.
    accept = next((s for s in parsed.sections() if _KEY_ACCEPT.search(s.title) and not _CHECKLIST.search(s.title)), None)
    if accept is not None and not story.acceptance:
        scenarios = [
            _scenario(clean(item.text or ""), item.line, item.end_line)
            for item, nested in section_items(accept, deep=False)
            if not nested
        ]
        story = story.model_copy(update={"acceptance": scenarios})
    return story


def _requirements(parsed: Parsed) -> tuple[list[Requirement], list[Requirement]]:
    """Every ``- **FR-001**: ...`` item (or table row) in the spec, split into FR and SC kinds."""
    requirements: list[Requirement] = []
    criteria: list[Requirement] = []
    for section in parsed.sections():
        in_success = bool(_SECTION_KINDS["success"].search(section.title))
        for item, _ in section_items(section, deep=False):
            text = (item.text or "").strip()
            match = ids.DEFINITION.match(text)
            if not match:
                continue
            req = Requirement(id=match.group(1), text=clean(text[match.end() :]).lstrip(":：- "),
                              line=item.line, end_line=item.end_line)
            (criteria if req.id.startswith("SC-") or (in_success and not req.id.startswith(("FR-", "NFR-")))
             else requirements).append(req)
        for block in section.blocks:
            rows = getattr(block, "rows", None)
            if rows is None:
                continue
            for line, cells in rows:
                if cells and ids.DEFINITION.match(cells[0] + ":"):
                    rid = cells[0].strip("*_ ")
                    req = Requirement(id=rid, text=clean(" | ".join(cells[1:])), line=line, end_line=line)
                    (criteria if rid.startswith("SC-") or in_success else requirements).append(req)
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

