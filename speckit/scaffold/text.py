"""Putting a person's text into a generated Markdown document without changing its structure.

A description or story title is written into one line of a document (a metadata line, a heading,
a list item). Markdown would read some characters as structure: ``*`` and ``_`` as emphasis,
``[...]`` as links or task labels, ``<!--`` as the start of a comment that hides everything after
it, a leading ``1.`` or ``-`` as a nested list. ``inline`` makes such text literal, and
``unescape`` gives back exactly what was written (the round-trip tests rely on it).
"""

from __future__ import annotations

import re
import unicodedata

from speckit.errors import InputError

# CommonMark lets a backslash escape any ASCII punctuation; these are the characters that change
# structure in a one-line context (``#`` closes headings, ``|`` splits table cells, ``~`` strikes).
# Brackets stay as written except at the start (where ``[ ]`` would be a checkbox or a label):
# ``[NEEDS CLARIFICATION: ...]`` and template placeholders must stay visible to ``speckit check``
# when they are copied from the spec into the plan and the tasks.
_SPECIAL = re.compile(r"([\\`*_>#|~])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_LEADING = re.compile(r"^(\d{1,9})([.)])|^([-+=\[])")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])|&lt;|&#(\d{1,7});")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def one_line(text: str) -> str:
    """Whitespace runs (line breaks, tabs) become one space: the text goes into a single line."""
    return re.sub(r"\s+", " ", text).strip()


def inline(text: str) -> str:
    """``text`` as literal inline Markdown on one line."""
    text = _SPECIAL.sub(r"\\\1", one_line(text))
    text = _ENTITY.sub(r"\\&", text).replace("<", "&lt;")
    return _LEADING.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3)}", text)


def unescape(text: str) -> str:
    """The inverse of ``inline`` (and of any CommonMark backslash escape)."""
    def one(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(1)
        if match.group(2):
            code = int(match.group(2))
            return chr(code) if 0 < code <= 0x10FFFF else match.group(0)
        return "<"

    return _UNESCAPE.sub(one, text)


def check_text(text: str, what: str) -> str:
    """Refuse text that no document should hold: NUL and other control characters."""
    bad = _CONTROL.search(text)
    if bad:
        raise InputError(f"{what} contains a control character (U+{ord(bad.group(0)):04X}); remove it")
    if any(unicodedata.category(c) == "Cs" for c in text):
        raise InputError(f"{what} contains an unpaired surrogate (not valid Unicode text); remove it")
    return text


def summary(text: str, limit: int = 72) -> str:
    """A short, single-line form of ``text`` for a task title, cut at a word boundary."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return (cut if len(cut) > limit // 2 else text[:limit]).rstrip(" ,;:.") + "…"
