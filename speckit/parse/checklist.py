"""checklists/*.md -> Checklist: ``- [ ] CHK001 Are all requirements testable? [Completeness, Spec §FR-001]``."""

from __future__ import annotations

from speckit.model import Checklist
from speckit.parse.blocks import Parsed
from speckit.parse.common import document_fields, section_items
from speckit.parse.plan import check_item


def extract(parsed: Parsed, path: str) -> Checklist:
    items = [
        check_item(item)
        for item, _ in section_items(parsed.root)
        if item.checkbox is not None and item.line not in parsed.code_lines and item.line not in parsed.comment_lines
    ]
    return Checklist(**document_fields(parsed, path), items=items)
