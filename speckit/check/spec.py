"""spec/*: duplicate ids, open clarification markers, template leftovers, missing sections, and the
cross-feature duplicate feature number."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from speckit.check.context import Context
from speckit.check.rules import emit
from speckit.config import Config
from speckit.model import Diagnostic, Document, Feature


def documents(feature: Feature) -> list[Document]:
    found: list[Document | None] = [feature.spec, feature.plan, feature.task_list, *feature.checklists]
    return [d for d in found if d is not None]


def check(ctx: Context) -> Iterator[Diagnostic]:
    feature, config = ctx.feature, ctx.config
    spec = feature.spec
    if spec is not None:
        first: dict[str, int] = {}
        for item in spec.requirements + spec.success_criteria:
            if item.id in first:
                yield emit("spec/duplicate-id", f"{item.id} is already defined on line {first[item.id]}",
                           spec.path, item.line)
            else:
                first[item.id] = item.line
        yield from _missing_sections(feature, config)
    for document in documents(feature):
        for marker in document.markers:
            # A checklist reviews the spec: its items quote the marker ("No [NEEDS CLARIFICATION]
            # markers remain" in every language), they ask no question of their own (#11).
            if marker.kind == "clarification" and marker.story is None and document.kind != "checklist":
                question = f": {marker.text}" if marker.text else ""
                yield emit("spec/needs-clarification", f"open [NEEDS CLARIFICATION{question}]",
                           document.path, marker.line, column=marker.column)
            elif marker.kind == "leftover":
                yield emit("spec/template-leftover", f"template text left in: {marker.text}",
                           document.path, marker.line, column=marker.column)
    if config.leftover_patterns:
        yield from _extra_leftovers(feature, config)


SECTION_NAMES: dict[str, tuple[str, ...]] = {
    "user scenarios": (
        "User Stories",
        "User Scenario",
        "ユーザーシナリオ",
        "ユーザーストーリー",
        "用户场景",
        "用户故事",
        "使用者情境",
        "사용자 시나리오",
        "사용자 스토리",
        "Scénarios utilisateur",
        "Histoires utilisateur",
        "Escenarios de usuario",
        "Historias de usuario",
        "Benutzerszenarien",
        "Nutzerszenarien",
    ),
    "requirements": ("要件", "要求", "需求", "요구사항", "요구 사항", "Exigences", "Requisitos", "Anforderungen"),
    "success criteria": (
        "成功基準",
        "成功标准",
        "成功指標",
        "성공 기준",
        "Critères de succès",
        "Criterios de éxito",
        "Erfolgskriterien",
    ),
}
"""The default mandatory sections as Spec Kit's templates write them in other languages."""


def _missing_sections(feature: Feature, config: Config) -> Iterator[Diagnostic]:
    spec = feature.spec
    assert spec is not None
    headings = [h.title for h in spec.outline]
    # Spec Kit's template is the yardstick only for a spec written from it (its title or its
    # Feature Branch line); an OpenSpec delta or a team's own format has other sections. The older
    # template generation (## Execution Flow (main)) had no Success Criteria section (#11).
    title = next((h.title for h in spec.outline if h.level == 1), "")
    from_template = re.match(
        r"(?i)feature specification|機能仕様|功能规范|기능\s*명세|spécification|especificación", title
    )
    if not (from_template or any(key.lower() == "feature branch" for key in spec.metadata)):
        return
    older = any(re.search(r"execution flow|review & acceptance checklist", h, re.I) for h in headings)
    # Extracted content stands in for the default headings, so a spec in Japanese is not flagged.
    content = {
        "user scenarios": bool(spec.stories), "requirements": bool(spec.requirements),
        "success criteria": bool(spec.success_criteria),
    }
    for name in config.mandatory_sections:
        names = [name, *SECTION_NAMES.get(name.lower(), ())]
        pattern = re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in names), re.I)
        if content.get(name.lower()) or any(pattern.search(h) for h in headings):
            continue
        if older and name.lower() == "success criteria":
            continue
        yield emit("spec/missing-section", f"spec has no '{name}' section", spec.path, spec.line or 1,
                   hint=f"add a '## {name}' section (mandatory_sections in the config lists what a spec must have)")


def _extra_leftovers(feature: Feature, config: Config) -> Iterator[Diagnostic]:
    """The config's leftover_patterns, on the lines the parser read, outside code as markdown-it sees
    it (indented blocks and four-backtick fences too, as for the built-in markers; #12: a second fence
    scanner here disagreed with the parser). Unlike the built-in markers they match in HTML comments
    too: a team's own pattern (TODO) means its text wherever it is written."""
    patterns = [re.compile(p) for p in config.leftover_patterns]
    for document in documents(feature):
        source = feature.sources.get(document.path)
        if source is None:  # a Feature made without the parser (from JSON): no lines to read
            continue
        for number, line in enumerate(source.lines, 1):
            if number in source.code_lines:
                continue
            for pattern in patterns:
                match = pattern.search(line)
                if match:
                    yield emit("spec/template-leftover", f"template text left in: {match.group(0)}",
                               document.path, number, column=match.start() + 1)


def duplicate_number(feature: Feature, numbers: dict[tuple[Path, str], str]) -> Iterator[Diagnostic]:
    """spec/duplicate-feature-number, across features: ``numbers`` remembers (parent folder, number)
    -> the first feature folder seen with it, over the whole run."""
    ref = feature.feature
    if not ref.number:
        return
    folder = Path(ref.path)
    key = (folder.resolve().parent, ref.number.lower())
    first = numbers.setdefault(key, ref.path)
    if first != ref.path and Path(first).resolve() != folder.resolve():
        path = feature.documents[0] if feature.documents else ref.path
        yield emit("spec/duplicate-feature-number", f"feature number {ref.number} of {ref.id} is also used by {first}",
                   path, 1, end_line=0)
