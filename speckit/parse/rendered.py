"""A plan copied out of a rendered web page, read as well as it can be without rebuilding it.

The user's seed (``seeds/aws-sandbox-plan.rendered.txt``, see FORMATS.md) lost its Markdown on the
way: headings became numbered lines ending in a stray ``β`` (the anchor link), table separator rows
were cut to ``|---|``, code fences vanished (so shell comments such as ``# Expected output:`` look
like headings) and three-byte characters became mojibake (``β`` + line break was ✅, ``β³`` ⏳ ...).

:func:`recover` undoes what can be undone *without changing the line count*, so every span still
points at the line of the file the user has. What cannot be undone here (code fences: which lines
were commands) is ``speckit import``'s job; the caller reports a ``parse/rendered-copy`` diagnostic
that says so.
"""

from __future__ import annotations

import re

_ANCHOR = "β"
_NUMBERED = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)\.?\s+\S")
_ATX = re.compile(r"^#{2,6}\s", re.M)
_META = re.compile(r"^([A-Z][\w /.()-]{0,40}?):\s+(\S.*)$")
_SEPARATOR = re.compile(r"^\|\s*:?-{3,}:?\s*\|?\s*$")
# Longest first: "β³" must not become "→³".
_MOJIBAKE = (("β³", "⏳"), ("β€", "≤"), ("β₯", "≥"), ("βΆ", "▶"), ("βΌ", "▼"))


def looks_rendered(text: str) -> bool:
    """Numbered lines ending in the anchor remnant, and no real second-level heading."""
    if _ANCHOR not in text or _ATX.search(text):
        return False
    hits = 0
    for line in text.split("\n", 2000):
        if line.endswith(_ANCHOR) and _NUMBERED.match(line):
            hits += 1
            if hits >= 3:
                return True
    return False


def recover(text: str) -> tuple[str, int, int]:
    """Rebuild headings, table separators and symbols, line for line.

    Returns the new text, the number of headings and the number of tables recovered.
    """
    lines = text.split("\n")
    headings = tables = 0
    level = 1
    titled = False
    for index, line in enumerate(lines):
        for bad, good in _MOJIBAKE:
            line = line.replace(bad, good)
        line = line.replace(" β ", " → ")
        if line.startswith("|"):
            if line.endswith(_ANCHOR):
                # "| ... | β" + a line holding "|" or "Created |": ✅ and a spurious break. The line
                # left behind becomes "|", an empty row, which the table reader drops.
                following = lines[index + 1] if index + 1 < len(lines) else "|"
                if following.startswith("|") and following.strip() != "|":
                    following = "|"  # the next row proper: the ✅ closed this one
                line = line[:-1] + "✅ " + (following if following.strip() != "|" else "|")
                if index + 1 < len(lines):
                    lines[index + 1] = "|"
            if _SEPARATOR.match(line) and index > 0 and lines[index - 1].startswith("|"):
                columns = max(lines[index - 1].strip().strip("|").count("|") + 1, 1)
                line = "|" + "---|" * columns
                tables += 1
            lines[index] = line
            continue
        if line.endswith("(" + _ANCHOR) and index + 1 < len(lines) and lines[index + 1].endswith(")" + _ANCHOR):
            # "3.1.1 Create spec.md (β" / "DONE)β": the ✅ and its break, then the heading's anchor.
            line = line[:-1] + "✅ " + lines[index + 1][:-1]
            lines[index + 1] = ""
            line += _ANCHOR
        if line.endswith(_ANCHOR) and line[:1].isalnum() and not line.startswith(_ANCHOR):  # not a box line
            title = line[:-1].strip()
            numbered = _NUMBERED.match(title)
            if numbered:
                level = min(numbered.group(1).count(".") + 2, 6)
            else:
                level = min(level + 1, 6)
            lines[index] = "#" * level + " " + title
            headings += 1
            titled = True
            continue
        if line.startswith("#"):
            line = "\\" + line  # a shell comment of a lost code block, not a heading
        elif not titled and line.strip():
            line = "# " + line.strip()
            titled = True
        elif headings == 0 and _META.match(line):
            line = _META.sub(r"**\1**: \2", line)  # "Status: APPROVED" under the title: metadata
        lines[index] = line
    return "\n".join(lines), headings, tables
