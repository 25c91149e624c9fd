"""Character repairs of a rendered copy, line by line, each one reported with its input line.

Two kinds of damage meet in a copy of a rendered page (FORMATS.md, first section):

- *reversible* mojibake, where every byte of the UTF-8 sequence survived as some character
  (``âœ…`` for ✅, ``Ã©`` for é): ftfy undoes it, and says which encodings it went through;
- *lossy* mojibake, where the page was read as Greek (ISO-8859-7 / windows-1253) and the C1 control
  bytes were dropped on the way (0x85 became a line break). Each three-byte character then left
  only ``β`` (0xE2) and, at most, its last byte: ``β³`` was ⏳, ``β€`` ≤, ``β₯`` ≥, ``βΆ`` ▶, ``βΌ``
  ▼, and a bare ``β`` could have been →, —, a zero-width space or any box-drawing glyph. ✅
  (E2 9C 85) became ``β`` and a line break. These are repaired from context only, and only in a
  document that shows the pattern (a Greek text keeps its β).

What cannot be told apart (the runs of ``β`` of a box-drawing diagram) is marked for the rebuild
stage, which fences it as ``text`` and reports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from speckit.model import Diagnostic
from speckit.model.rules import emit

BETA = "β"
# Last byte survived: longest first, so "β³" never becomes "→³".
TAILS = (("β³", "⏳"), ("β€", "≤"), ("β₯", "≥"), ("βΆ", "▶"), ("βΌ", "▼"))
NUMBERED = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)\.?[ \t]+\S")
BOX_RUN = re.compile(BETA * 3)
ARROW_BETWEEN = re.compile(rf"(?<=\S) {BETA} (?=\S)")
DASH_CELL = re.compile(rf"(?<=\|) ?{BETA} ?(?=\|)")
OBFUSCATED_EMAIL = "[email protected]"


@dataclass(slots=True)
class Line:
    """One line of the copy: its 1-based input line, its text, and whether it is a diagram line."""

    number: int
    text: str
    diagram: bool = False


def split_lines(text: str) -> list[Line]:
    """Split on line ends only (CRLF, CR, LF): ``str.splitlines`` would also split at U+0085 and
    U+001C..U+001E, which in a copy are characters to repair or keep, not line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.removesuffix("\n")
    return [Line(number, raw.rstrip(" \t")) for number, raw in enumerate(text.split("\n"), start=1)]


def fix_reversible(lines: list[Line], path: str) -> list[Diagnostic]:
    """ftfy on each line: undo mojibake whose bytes all survived. Only encoding fixes are on;
    quotes, widths, ligatures and Unicode normalisation are the author's and stay as written."""
    import ftfy

    config = ftfy.TextFixerConfig(
        unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False, fix_character_width=False,
        uncurl_quotes=False, fix_line_breaks=False, remove_control_chars=False, normalization=None, explain=True,
    )
    out: list[Diagnostic] = []
    for line in lines:
        if line.text.isascii():
            continue
        fixed, steps = ftfy.fix_and_explain(line.text, config=config)
        if fixed != line.text:
            how = ", ".join(f"{step} {name}" for step, name in steps or [])
            out.append(emit("import/mojibake", f"repaired mojibake ({how}): {_excerpt(line.text)} -> {_excerpt(fixed)}",
                            path, line.number))
            line.text = fixed
    return out


def has_lossy_pattern(lines: list[Line]) -> bool:
    """The signature of the Greek copy: headings ending in the anchor's ``β``, the surviving
    tails, or box-drawing runs. One or two stray β in a Greek sentence are not enough."""
    anchors = sum(1 for line in lines if line.text.endswith(BETA) and NUMBERED.match(line.text))
    if anchors >= 2:
        return True
    text_has = any(bad in line.text for line in lines for bad, _ in TAILS)
    boxes = any(BOX_RUN.search(line.text) for line in lines)
    return text_has and boxes


def join_split_checks(lines: list[Line], path: str) -> tuple[list[Line], list[Diagnostic]]:
    """✅ (E2 9C 85) became ``β`` plus a line break (0x85, NEL): put the ✅ back and the line whole.

    Only where the break is visibly spurious: a table row left without its closing ``|``, or an
    open parenthesis closed on the next line (``3.1.1 Create spec.md (β`` / ``DONE)β``). A ``β`` at
    the end of any other line is the heading anchor or a box edge, handled later.
    """
    out: list[Line] = []
    found: list[Diagnostic] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        following = lines[index + 1] if index + 1 < len(lines) else None
        text = line.text
        if following is not None and text.endswith(BETA) and _split_here(text, following.text):
            rest = following.text.strip()
            line.text = text[:-1] + "✅ " + rest  # "| β" + "|" -> "| ✅ |"; "(β" + "DONE)" -> "(✅ DONE)"
            found.append(emit("import/split-check", f"'β' + line break was ✅ (line {following.number} joined)",
                              path, line.number))
            out.append(line)
            index += 2
            continue
        out.append(line)
        index += 1
    return out, found


def _split_here(text: str, following: str) -> bool:
    rest = following.strip()
    if text.startswith("|"):
        # The row lost its end: what follows is "|" or the cell's remaining words and the "|".
        return not rest.startswith("|") or rest == "|"
    if text.count("(") > text.count(")"):
        return rest.count(")") > rest.count("(") and not NUMBERED.match(rest) and not rest.startswith("|")
    return False


def repair_symbols(lines: list[Line], path: str) -> list[Diagnostic]:
    """Outside diagrams: the tails (``β³`` -> ⏳ ...), then the bare ``β`` that context settles:
    a whole table cell was — (a dash for "none"), one between words was →.

    Diagrams are marked first and left alone: there the same tails are box glyphs (``β€`` is ┤
    as well as ≤, both end in byte A4; ``βΌ`` is ┼ as well as ▼), so nothing there is certain."""
    found: list[Diagnostic] = []
    mark_diagrams(lines)
    for line in lines:
        if line.diagram:
            continue
        for bad, good in TAILS:
            if bad in line.text:
                count = line.text.count(bad)
                line.text = line.text.replace(bad, good)
                found.append(emit("import/mojibake", f"'{bad}' was {good}" + (f" ({count} times)" if count > 1 else ""),
                                  path, line.number))
    for line in lines:
        if line.diagram or BETA not in line.text:
            continue
        if line.text.startswith("|") and DASH_CELL.search(line.text):
            count = len(DASH_CELL.findall(line.text))
            line.text = DASH_CELL.sub(" — ", line.text)
            found.append(emit("import/mojibake", "a table cell holding only 'β' was — (an em dash)"
                              + (f" ({count} cells)" if count > 1 else ""), path, line.number))
        if ARROW_BETWEEN.search(line.text):
            count = len(ARROW_BETWEEN.findall(line.text))
            line.text = ARROW_BETWEEN.sub(" → ", line.text)
            found.append(emit("import/mojibake", "'β' between words was →" + (f" ({count} times)" if count > 1 else ""),
                              path, line.number))
    return found


def mark_diagrams(lines: list[Line]) -> None:
    """A run of lines that all hold ``β`` (or the arrows ▼ ▶ repaired from it), one of them a run
    of three or more, was a box-drawing diagram. Numbered headings and table rows end a run."""
    index = 0
    while index < len(lines):
        end = index
        while end < len(lines) and _diagram_like(lines[end].text):
            end += 1
        if end > index and any(BOX_RUN.search(lines[i].text) for i in range(index, end)):
            for i in range(index, end):
                lines[i].diagram = True
        index = max(end, index + 1)


def _diagram_like(text: str) -> bool:
    if not text or text.startswith("|") or (NUMBERED.match(text) and text.endswith(BETA) and not text.startswith(BETA)):
        return False
    return BETA in text


def leftovers(lines: list[Line], path: str, lossy: bool = True) -> list[Diagnostic]:
    """What no rule could settle: a ``β`` kept as it is (in a copy that shows the lossy pattern;
    elsewhere a β is Greek), and e-mail addresses a CDN hid."""
    found: list[Diagnostic] = []
    for line in lines:
        if OBFUSCATED_EMAIL in line.text:
            found.append(emit("import/unrecoverable", f"'{OBFUSCATED_EMAIL}' is what the web page's e-mail "
                              "protection showed; the original text (an address, or a name@version) is lost",
                              path, line.number, hint="write back the original text by hand"))
        if (
            lossy
            and not line.diagram
            and BETA in line.text
            and not (line.text.endswith(BETA) and NUMBERED.match(line.text))
        ):
            found.append(
                emit(
                    "import/unrecoverable",
                    f"'β' kept as it is: it stands for a lost character here: {_excerpt(line.text)}",
                    path,
                    line.number,
                    hint="replace it with the character the author meant",
                )
            )
    return found


def _excerpt(text: str, width: int = 60) -> str:
    text = text.strip()
    return repr(text if len(text) <= width else text[: width - 3] + "...")
