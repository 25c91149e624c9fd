"""Repaired lines of a rendered copy -> Markdown blocks, each rebuilt block reported with its line.

A rendered page keeps the words and loses the marks, so each block is recognised by its shape:

- a numbered line (``3.3.3 Phase 3.5 Consumer E2E Deploy (CRITICAL)``) is a heading at the depth
  of its number. When the copy kept the anchor remnant (``β`` at the end), that mark decides; when
  it did not, the number must continue the outline (after 5.1 comes 5.1.1, 5.2 or 6), so the
  ``1. Capture error logs`` list under 5.1 stays a list;
- ``|`` lines are a table; the separator row (cut to ``|---|``) gets one cell per column;
- shell lines (a ``#`` comment, a known command, an assignment) are a ``bash`` block. A rendered
  page cannot hold a Markdown heading starting with ``#`` (headings became numbered lines), so a
  ``# Expected output:`` line is always a comment of a lost code block;
- a short title-like line right before a shell run (``Layer 1: Package Installation``) heads that
  run, one level below its section, as the hand restoration did;
- a balanced ``{ ... }`` that parses as JSON is a ``json`` block, re-indented (only whitespace);
- a box-drawing diagram is kept as it is in a ``text`` block: one drawn with intact glyphs
  (``┌─┐ │``, or ASCII ``+---+`` boxes) as it stands; one whose glyphs became ``β`` (marked by
  ``repair``) reported as unrecoverable;
- the first line is the title; ``Key: value`` lines under it, and a closing run of them, are
  ``**Key**: value`` metadata; every other line is its own paragraph (a copy keeps one line per
  paragraph).
"""

from __future__ import annotations

import json
import re

from speckit.importer.repair import BETA, NUMBERED, Line
from speckit.model import Diagnostic
from speckit.model.rules import emit

SHELL_WORDS = frozenset(  # a word list reads better as text than as 120 quoted strings
    "apt apt-get aws awk az bash brew bun bundle cargo cat cd chmod chown cp curl deno docker "  # noqa: SIM905
    "docker-compose echo env eval exec export find for gcloud gh git go gradle grep gunzip gzip head "
    "helm if jq kill kubectl ln ls make mkdir mv mvn node npm npx openssl pip pip3 pnpm poetry printf "
    "pytest python python3 rm rsync ruby scp sed set sh sleep source ssh sudo tail tar tee terraform "
    "test touch tsc until unzip uv uvx wait wget while xargs yarn zip cdk sam pulumi ansible "
    "ansible-playbook psql mysql redis-cli dotnet java javac rustc rustup composer php rake rails ng "
    "vite next jest vitest playwright cypress eslint prettier black ruff mypy tox nox pre-commit speckit "
    "specify claude".split()
)
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=\S*")
SHELL_SYNTAX = re.compile(r"\s--?[A-Za-z]|\s\|\s|&&|\$\(|\$\{|\s[12]?>>?\s?\S")
LIST_ITEM = re.compile(r"^(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
TOKEN_DASH = re.compile(r"^[^\s|#][^\s]* - \S")
META_LINE = re.compile(r"^([A-Z][\w /.()&+-]{0,40}?):[ \t]+(\S.*)$")
SEPARATOR = re.compile(r"^\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?$")
FENCE = re.compile(r"^(`{3,}|~{3,})")
RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")
BOX_GLYPH = re.compile("[\u2500-\u257f]")  # the Box Drawing block: ─ │ ┌ ┐ └ ┘ ├ ┤ ┼ ═ ║ ...
# An ASCII box border, "+----+     +----+" or "+--+--->+--+": boxes "+" [-=]{2,} "+", and between
# them a gap of [ \t]*[-=<>]*[ \t]*. As one regular expression (the gap's "-" is also a box's), a
# 188-byte line of "+--+ +--+ ... x" took 67 s (exponential). No part holds a "+", so splitting on
# "+" cuts the line into its parts unambiguously: "", box, gap, box, ..., box, "".
BOX_TOP = re.compile(r"[-=]{2,}")
BOX_GAP = re.compile(r"[ \t]*[-=<>]*[ \t]*")
CONNECTOR = re.compile(r"^[|│┃v^▼▲▶◀<>\-─ \t]+$")  # the arrows between boxes: "   |", "   v"


def rebuild(lines: list[Line], path: str) -> tuple[str, list[Diagnostic]]:
    found: list[Diagnostic] = []
    _mark_drawings(lines)
    headings = _headings(lines)
    footer = _footer(lines, headings)
    json_ends = _json_ends(lines)
    out: list[str] = []
    level = 0  # level of the current heading; 0 before the first one
    titled = False
    seen_heading = False
    after_shell = False
    first_in_section = True
    index = 0
    while index < len(lines):
        line = lines[index]
        text = line.text
        if not text.strip():
            index += 1
            continue
        if index in headings:
            number_level = headings[index]
            title = text[:-1].rstrip() if text.endswith(BETA) else text
            level = number_level
            out.append("#" * level + " " + title)
            found.append(
                emit(
                    "import/heading",
                    f"numbered line -> level-{level} heading"
                    + (" (the anchor remnant 'β' dropped)" if text.endswith(BETA) else ""),
                    path,
                    line.number,
                )
            )
            seen_heading, after_shell, first_in_section = True, False, True
            index += 1
            continue
        fence = FENCE.match(text)
        if fence:  # Markdown that survived: a fenced block is copied as it is, to its closing fence
            end = index + 1
            while end < len(lines) and not lines[end].text.startswith(fence.group(1)):
                end += 1
            out.append("\n".join(entry.text for entry in lines[index : end + 1]))
            index = end + 1
            first_in_section = after_shell = False
            continue
        if line.diagram:
            end = index
            while end < len(lines) and lines[end].diagram:
                end += 1
            drawn = [entry.text for entry in lines[index:end]]
            out.append(_fenced("text", drawn))
            where = f"box-drawing diagram on lines {line.number}-{lines[end - 1].number}"
            if any(BETA in row for row in drawn):
                found.append(emit("import/diagram", f"{where}: its glyphs all became 'β' and cannot be told apart; "
                                  "kept as it is in a text block", path, line.number))
            else:
                found.append(emit("import/code", f"{where} -> a text block", path, line.number))
            index, after_shell, first_in_section = end, False, False
            continue
        if text.startswith("|"):
            end = index
            while end < len(lines) and lines[end].text.startswith("|"):
                end += 1
            out.append(_table([entry.text for entry in lines[index:end]], line, path, found))
            index, after_shell, first_in_section = end, False, False
            continue
        if not titled and not seen_heading:
            out.append("# " + text.strip())
            found.append(emit("import/heading", "first line -> the document's title", path, line.number))
            titled = True
            index += 1
            continue
        if not seen_heading and META_LINE.match(text):
            out.append(META_LINE.sub(r"**\1**: \2", text.strip()))
            found.append(emit("import/metadata", "'Key: value' under the title -> '**Key**: value'", path, line.number))
            index += 1
            continue
        if index == footer:
            if out and RULE.match(out[-1].removeprefix("\\")):
                out[-1] = "---"  # the copy kept its own rule above the footer: one rule, not two
            else:
                out.append("---")
        if footer is not None and index >= footer:
            out.append(META_LINE.sub(r"**\1**: \2", text.strip()))
            found.append(emit("import/metadata", "closing 'Key: value' line -> '**Key**: value'", path, line.number))
            index += 1
            continue
        json_end = _json_end(lines, index, json_ends)
        if json_end is not None:
            out.append(_fenced("json", _reindent([entry.text for entry in lines[index:json_end]])))
            found.append(emit("import/code", f"JSON on lines {line.number}-{lines[json_end - 1].number} -> a json "
                              "block (re-indented)", path, line.number))
            index, after_shell, first_in_section = json_end, False, False
            continue
        if _shell_kind(text):
            end = index
            kinds: list[str] = []
            while end < len(lines) and end not in headings and not lines[end].diagram:
                kind = _shell_kind(lines[end].text)
                if not kind:
                    break
                kinds.append(kind)
                end += 1
            rows = [entry.text for entry in lines[index:end]]
            where = f"lines {line.number}-{lines[end - 1].number}"
            if "prose" not in kinds:
                out.append(_fenced("bash", rows))
                found.append(emit("import/code", f"shell {where} -> a bash block", path, line.number))
                index, after_shell, first_in_section = end, True, False
                continue
            if "command" in kinds:
                out.append(_fenced("text", rows))
                found.append(emit("import/code", f"{where} look like shell, but some read as prose: kept as a "
                                  "text block, not run", path, line.number, severity="warning",
                                  hint="review it; fence it as bash if every line is a command"))
                index, after_shell, first_in_section = end, False, False
                continue
            for entry in lines[index:end]:
                out.append(_escape(entry.text.strip()))
                found.append(emit("import/code", "starts with a command word but reads as prose: kept as a "
                                  "paragraph, not run", path, entry.number, severity="warning",
                                  hint="review it; fence it as bash if it is a command"))
            index, after_shell, first_in_section = end, False, False
            continue
        following = lines[index + 1].text if index + 1 < len(lines) else ""
        if (after_shell or first_in_section) and seen_heading and _title_like(text) and _is_shell(following):
            sub = min(max(level, 1) + 1, 6)
            out.append("#" * sub + " " + text.strip())
            found.append(emit("import/heading", f"title line before shell commands -> level-{sub} heading",
                              path, line.number))
            index, after_shell, first_in_section = index + 1, False, True
            continue
        if LIST_ITEM.match(text) or (TOKEN_DASH.match(text) and _token_dash_run(lines, index)):
            end = index
            items: list[str] = []
            while end < len(lines) and end not in headings and (LIST_ITEM.match(lines[end].text)
                                                                 or TOKEN_DASH.match(lines[end].text)):
                item = lines[end].text.strip()
                if not LIST_ITEM.match(item):
                    item = "- " + item
                    found.append(
                        emit("import/list", "'name - description' line -> a list item", path, lines[end].number)
                    )
                items.append(item)
                end += 1
            out.append("\n".join(items))
            index, after_shell, first_in_section = end, False, False
            continue
        out.append(_escape(text.strip()))
        index, after_shell, first_in_section = index + 1, False, False
    return "\n\n".join(out) + "\n", found


def _headings(lines: list[Line]) -> dict[int, int]:
    """Line index -> heading level, for the numbered lines that are headings."""
    candidates = [(i, NUMBERED.match(line.text)) for i, line in enumerate(lines)
                  if not line.diagram and not line.text.startswith("|")]
    numbered = [(i, m) for i, m in candidates if m]
    by_index = dict(numbered)
    anchored = sum(1 for i, _ in numbered if lines[i].text.endswith(BETA))
    out: dict[int, int] = {}
    current: list[int] | None = None
    previous: tuple[int, list[int]] | None = None  # the last numbered line that stayed a list item
    for index, match in numbered:
        assert match is not None
        parts = [int(p) for p in match.group(1).split(".")]
        text = lines[index].text
        if anchored >= 2:
            ok = text.endswith(BETA)
        else:
            # "6. DO NOT proceed" right after list item "5. Re-execute" continues the list, even
            # where a section 6 could come next.
            continues_list = previous is not None and previous[0] == index - 1 and len(parts) == 1 \
                and len(previous[1]) == 1 and parts[0] == previous[1][0] + 1 \
                and _dotted(lines[previous[0]].text) == _dotted(text)
            # "1. Build it" right above "2. Test it": a list. A heading has its section below it.
            follower = by_index.get(index + 1)
            starts_list = follower is not None and "." not in match.group(1) \
                and follower.group(1) == str(parts[0] + 1)
            continues_list = continues_list or starts_list
            ok = len(text) <= 120 and not text.endswith((".", ":", ";", ",")) and not continues_list \
                and _continues(current, parts)
        if ok:
            out[index] = min(len(parts) + 1, 6)
            current = parts
        else:
            previous = (index, parts)
    return out


def _dotted(text: str) -> bool:
    """'5. Re-execute' (a list's style) rather than '5 Summary' (an outline's)."""
    match = NUMBERED.match(text)
    return match is not None and text[match.end(1) : match.end(1) + 1] == "."


def _continues(current: list[int] | None, parts: list[int]) -> bool:
    """Whether ``parts`` may follow heading ``current`` in an outline: its first child, or the next
    sibling at any depth."""
    if current is None:
        return all(p <= 1 for p in parts)
    if parts == current + [1] or parts == current + [0]:
        return True
    return any(parts == current[:depth] + [current[depth] + 1] for depth in range(len(current)))


def _mark_drawings(lines: list[Line]) -> None:
    """Mark the diagrams whose glyphs survived, so they are fenced whole instead of read line by
    line (its ``|`` rows as tables, its ``+---+`` borders as paragraphs, its indentation lost).

    A drawing is a run of lines that each hold a box glyph, are an ASCII box border, are a
    connector (``|``, ``v``) or, between ASCII borders, a ``| ... |`` row; with two box-glyph lines
    or two ASCII borders at least. An ASCII run ends at its last border, so a table right after a
    diagram stays a table."""
    index = 0
    while index < len(lines):
        end = index
        glyphs = borders = 0
        last_border = -1
        while end < len(lines) and not lines[end].diagram:
            text = lines[end].text.strip()
            if not text or (NUMBERED.match(text) and not text.startswith("|")):
                break
            if BOX_GLYPH.search(text) and not text.startswith("|"):
                glyphs += 1
            elif ascii_border(text):
                borders += 1
                last_border = end
            elif not CONNECTOR.match(text) and not (text.startswith("|") and borders):
                break
            end += 1
        if glyphs < 2 and borders >= 2:
            end = last_border + 1
        if glyphs >= 2 or borders >= 2:
            for entry in lines[index:end]:
                entry.diagram = True
        index = max(end, index + 1)


def ascii_border(text: str) -> bool:
    """Whether ``text`` is an ASCII box border (see BOX_TOP): linear in its length."""
    parts = text.split("+")
    if len(parts) < 3 or len(parts) % 2 == 0 or parts[0] or parts[-1]:
        return False
    return all(BOX_TOP.fullmatch(part) if n % 2 else BOX_GAP.fullmatch(part)
               for n, part in enumerate(parts[1:-1], 1))


def _footer(lines: list[Line], headings: dict[int, int]) -> int | None:
    """Index where a closing run of two or more ``Key: value`` lines starts, if the copy ends so."""
    end = len(lines)
    while end > 0 and not lines[end - 1].text.strip():
        end -= 1
    start = end
    while start > 0 and META_LINE.match(lines[start - 1].text) and (start - 1) not in headings \
            and not lines[start - 1].diagram and not _is_shell(lines[start - 1].text):
        start -= 1
    if end - start >= 2 and (not headings or start > max(headings)):
        return start
    return None


def _table(rows: list[str], first: Line, path: str, found: list[Diagnostic]) -> str:
    header = rows[0]
    columns = max(_cells(header), 1)
    separator = "|" + "---|" * columns
    rest = rows[1:]
    if rest and SEPARATOR.match(rest[0].strip()):
        if rest[0].strip() != separator:
            found.append(emit("import/table", f"table separator row rebuilt for {columns} columns",
                              path, first.number + 1))
        rest = rest[1:]
    else:
        found.append(emit("import/table", f"table separator row added for {columns} columns", path, first.number))
    return "\n".join([header, separator, *rest])


def _cells(row: str) -> int:
    inner = row.strip()
    inner = inner.removeprefix("|")
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return len(re.split(r"(?<!\\)\|", inner))


def _is_shell(text: str) -> bool:
    return _shell_kind(text) == "command"


def _shell_kind(text: str) -> str:
    """``command``: the line reads as one (a ``#`` comment, an assignment, or a known command word
    or path whose arguments parse with shlex and do not read as a sentence); ``prose``: it starts
    like one but reads as a sentence ("rm -rf what is left of the old build.", "make sure the
    tests pass"); ``""``: neither. Only commands are fenced as bash: ``speckit run`` runs them."""
    stripped = text.strip()
    if not stripped:
        return ""
    if stripped.startswith("#"):
        return "command"
    if LIST_ITEM.match(stripped) or stripped.startswith("|") or TOKEN_DASH.match(stripped):
        return ""
    word = stripped.split()[0]
    if ASSIGNMENT.match(stripped) or word in SHELL_WORDS or word.startswith(("./", "../", "~/", "/", "$")):
        candidate = True
    else:
        candidate = word.islower() and word.isascii() and bool(SHELL_SYNTAX.search(stripped)) \
            and not stripped.endswith(".")
    if not candidate:
        return ""
    return "prose" if _reads_as_prose(stripped, word) else "command"


# Words that join a sentence and never stand alone as a shell argument (shell keywords such as in,
# do, then are left out: "for f in *.md; do").
STOPWORDS = frozenset(
    "a an the is are was were be been of to and or that which what when where who it its this "  # noqa: SIM905
    "these those with from your you we our they will would should must can could may might "
    "before after once all any each every there here not no than".split()
)


def _reads_as_prose(stripped: str, word: str) -> bool:
    import shlex

    try:
        shlex.split(stripped, comments=True)
    except ValueError:
        return True  # an unbalanced quote: "rm the user's cache"
    if word in ("echo", "printf"):
        return False  # their arguments are text by nature
    if re.search(r"[A-Za-z)][.!?]$|[:,;]$", stripped):
        return True  # ends like a sentence; "cd ..", "ls ." and "cp a build/." do not
    tokens = stripped.split()
    if any(re.fullmatch(r"[A-Za-z]+,", token) for token in tokens[:-1]):
        return True  # "if the build fails, roll back"
    return sum(token.lower() in STOPWORDS for token in tokens[1:]) >= 2


def _title_like(text: str) -> bool:
    stripped = text.strip()
    return (len(stripped) <= 80 and len(stripped.split()) <= 10 and stripped[:1].isupper()
            and not stripped.endswith((".", ":", ";", ",", "!", "?")) and BETA not in stripped)


def _token_dash_run(lines: list[Line], index: int) -> bool:
    """'name - description' lines are a list only as a run (one alone may be a sentence)."""
    before = index > 0 and bool(TOKEN_DASH.match(lines[index - 1].text))
    after = index + 1 < len(lines) and bool(TOKEN_DASH.match(lines[index + 1].text))
    return before or after


def _json_ends(lines: list[Line]) -> dict[int, int]:
    """Line index of each ``{`` / ``[`` line -> the index after the line where its brackets close,
    in one pass (the next line where the running depth falls back): trying every closing line from
    every opening line was quadratic on a copy full of ``{`` lines (68 s for 20,000)."""
    depth_after: list[int] = []
    depth = 0
    for line in lines:
        text = line.text
        depth += text.count("{") + text.count("[") - text.count("}") - text.count("]")
        depth_after.append(depth)
    out: dict[int, int] = {}
    waiting: list[tuple[int, int]] = []  # (opening index, depth before it), depth strictly increasing
    for index, line in enumerate(lines):
        before = depth_after[index - 1] if index else 0
        if line.text.strip() in ("{", "["):
            waiting.append((index, before))
        while waiting and depth_after[index] <= waiting[-1][1]:
            opened, _ = waiting.pop()
            if index - opened < 2000:
                out[opened] = index + 1
    return out


def _json_end(lines: list[Line], index: int, ends: dict[int, int]) -> int | None:
    end = ends.get(index)
    if end is None:
        return None
    try:
        json.loads("\n".join(entry.text for entry in lines[index:end]))
    except ValueError:
        return None
    return end


def _reindent(rows: list[str]) -> list[str]:
    """Indent JSON by bracket depth (two spaces), changing only leading whitespace."""
    out: list[str] = []
    depth = 0
    for raw in rows:
        text = raw.strip()
        if text[:1] in "}]":
            depth = max(depth - 1, 0)
        out.append("  " * depth + text)
        opened = sum(text.count(c) for c in "{[") - sum(text.count(c) for c in "}]")
        if text[:1] in "}]":
            opened += 1
        depth = max(depth + opened, 0)
    return out


def _fenced(language: str, rows: list[str]) -> str:
    fence = "```"
    while any(row.lstrip().startswith(fence) for row in rows):
        fence += "`"
    return "\n".join([fence + language, *rows, fence])


def _escape(text: str) -> str:
    """A paragraph line that Markdown would read as something else keeps its meaning as text."""
    if text[:1] in ("#", ">", "<", "=", "+") or text.startswith(("---", "***", "___")):
        return "\\" + text
    return text
