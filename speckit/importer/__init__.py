"""``speckit import``: rebuild Markdown from a copy of a rendered page (Docusaurus, Confluence, a PDF).

The pipeline reads top to bottom: split lines -> ftfy (reversible mojibake) -> the lossy repairs of a
copy read as Greek (only when the copy shows that pattern) -> blocks rebuilt from their shapes. Every
change is a Diagnostic (``import/...``) with the input line it came from, so a person can review
the import line by line; what cannot be recovered is kept as it is and reported as a warning.
"""

from __future__ import annotations

from dataclasses import dataclass

from speckit.importer import rebuild, repair
from speckit.model import Diagnostic


@dataclass(frozen=True, slots=True)
class Imported:
    markdown: str
    diagnostics: list[Diagnostic]


def import_text(text: str, path: str = "<stdin>") -> Imported:
    """Rebuild Markdown from the text of a rendered copy. Never raises on content."""
    lines = repair.split_lines(text)
    found = repair.fix_reversible(lines, path)
    lossy = repair.has_lossy_pattern(lines)
    if lossy:
        lines, joined = repair.join_split_checks(lines, path)
        found += joined
        found += repair.repair_symbols(lines, path)
    found += repair.leftovers(lines, path, lossy)
    markdown, rebuilt = rebuild.rebuild(lines, path)
    found += rebuilt
    found.sort(key=lambda d: (d.line, d.rule))
    return Imported(markdown, found)
