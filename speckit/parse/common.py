"""Pieces every extractor shares: metadata lines, markers, leftovers, titles, file paths."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from speckit.model import Diagnostic, Heading, Marker, Paragraph, Source
from speckit.model.rules import RuleId, emit
from speckit.parse.blocks import HTML_COMMENT, Item, Para, Parsed, Section, strip_comments, walk

# The value runs to the end of the paragraph: "**Independent Test**: ..." is often wrapped over
# several lines, and a one-line match missed most of them in real specs (#11).
META = re.compile(r"^\s*(?:\*\*|__)([^*_\n]{1,60}?)(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*[:：])\s*(.*)\Z", re.S)
# Bounded: a line repeating "[NEEDS CLARIFICATION: " without "]" was quadratic (#16).
NEEDS_CLARIFICATION = re.compile(r"\[NEEDS CLARIFICATION(?:\s{0,5}[:：]\s{0,5}([^\]\n]{0,1000}))?\]", re.I)
# A bare marker in a line that says none remain is a mention ("No [NEEDS CLARIFICATION] markers
# remain", "No quedan marcadores [NEEDS CLARIFICATION]"); so is one the text says to use.
_NONE_REMAIN = re.compile(r"\b(?:no|zero|none|without|all|resolved|removed|remain(?:s|ing)?|quedan?|ning[uú]n[ao]?|sin|"
                          r"sans|aucun[e]?|keine?|ohne)\b|残|なし|無し|没有|无|없", re.I)
_QUOTING = re.compile(r"(?:\b(?:use|using|mark(?:ed)?(?:\s+\w+){0,2}\s+with|e\.g\.|such as|like|utiliser|usar|verwende)"
                      r"|使用|を使|사용)[\s*_`\"'“”(:]{0,4}$", re.I)
_TEMPLATE_QUESTION = frozenset({"specific question", "question"})
_TICKED = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\[[xX]\]")
LEFTOVER_PATTERNS = (
    r"\[(?:DATE|FEATURE NAME|FEATURE|PROJECT_NAME|PROJECT NAME|###-feature-name|BRANCH|link)\]",
    r"\[(?:e\.g\.|eg\.|for example|if applicable)[^\]\n]{0,300}\]",
    r"\$ARGUMENTS",
    r"(?<![\w-])TXXX(?![\w-])",  # the tasks template's id; a bare "XXX XXX FCFA" is a number format
    r"ACTION REQUIRED",
    r"\[(?:Brief Title|Describe[^\]\n]{0,300}|Entity \d[^\]\n]{0,300}|Boundary condition[^\]\n]{0,300}|"
    r"Error scenario[^\]\n]{0,300}|specific capability[^\]\n]{0,300}|key capability[^\]\n]{0,300}|"
    r"Measurable metric[^\]\n]{0,300}|initial state|action|expected outcome|"
    r"What the entity represents[^\]\n]{0,300}|Explain the value[^\]\n]{0,300}|REMOVE IF UNUSED[^\]\n]{0,300})\]",
)
LEFTOVER = re.compile("|".join(f"(?:{p})" for p in LEFTOVER_PATTERNS))
TITLE_PREFIX = re.compile(
    r"^(?:Feature Specification|Implementation Plan|Tasks|Task List|Specification Quality Checklist|"
    r"Feature|Spec|Plan)\s*[:：—–-]\s*",
    re.I,
)
_EXTENSIONS = (
    "py|pyi|ts|tsx|js|jsx|mjs|cjs|json|md|mdx|yaml|yml|toml|ini|cfg|sql|sh|bash|go|rs|java|kt|swift|"
    "rb|php|cs|c|h|cpp|hpp|vue|svelte|css|scss|html|txt|csv|xml|proto|graphql|dart|lock|env|log|tf|"
    "svg|png|tgz|zip|gradle|ex|exs|lua|r|scala"
)
# Alternative 1 starts only where a run of path characters starts: inside a run of "[" it would
# rescan the rest of the run from every position (quadratic: 170 s on a 1 MB line of "[").
FILE_PATH = re.compile(
    rf"(?<![\w/.@:-])((?<![\[\]+])(?:\.{{0,2}}/)?(?:[\w@.\-\[\]+]+/)+[\w@.\-\[\]+]*[\w\]]|[\w\-.]+\.(?:{_EXTENSIONS}))(?![\w/-])"
)


def metadata(text: str) -> Iterator[tuple[str, str]]:
    """``**Key**: value`` lines, also several on one line joined by ``|`` as Spec Kit's plan does."""
    for raw in text.split("\n"):
        parts = raw.split(" | ") if raw.count("**") >= 4 and " | " in raw else [raw]
        for part in parts:
            match = META.match(part)
            if match:
                yield match.group(1).strip(), match.group(2).strip().rstrip("\\").strip()


_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).){1,2000}?\1")
_STRONG = re.compile(r"(\*\*|__)(.+?)\1")


def clean(text: str) -> str:
    """Inline source -> readable text: comments, emphasis markers and hard breaks removed. Code
    spans keep their text (`src/core/__tests__/x.test.ts`, `__init__.py`)."""
    text = strip_comments(text)
    if "`" in text and ("__" in text or "**" in text):
        pieces: list[str] = []
        pos = 0
        for span in _CODE_SPAN.finditer(text):
            pieces.append(_STRONG.sub(r"\2", text[pos : span.start()]))
            pieces.append(span.group(0))
            pos = span.end()
        text = "".join(pieces) + _STRONG.sub(r"\2", text[pos:])
    else:
        text = _STRONG.sub(r"\2", text)
    return re.sub(r"[ \t]*\\?\n[ \t]*", " ", text).strip()


def title_of(parsed: Parsed) -> tuple[str | None, int]:
    for section in parsed.root.children:
        if section.level == 1:
            return TITLE_PREFIX.sub("", section.title).strip() or section.title, section.line
    first = parsed.root.children[0] if parsed.root.children else None
    return (first.title, first.line) if first else (None, 1)


def document_metadata(parsed: Parsed) -> dict[str, str]:
    """Metadata lines before the first second-level heading, plus simple front matter."""
    out: dict[str, str] = {}
    if parsed.front_matter:
        for raw in parsed.front_matter.split("\n"):
            key, sep, value = raw.partition(":")
            if sep and key.strip() and not raw.startswith((" ", "\t", "-")):
                out[key.strip()] = value.strip().strip("'\"")
    sections = [parsed.root]
    h1 = [s for s in parsed.root.children if s.level == 1]
    if h1:
        sections.append(h1[0])
    for section in sections:
        for block in section.blocks:
            if isinstance(block, Para):
                for key, value in metadata(block.text):
                    out.setdefault(key, value)
    return out


def document_fields(parsed: Parsed, path: str, stories: list[tuple[str, int, int]] | None = None) -> dict[str, Any]:
    """The fields every Document shares (path, span, title, metadata, outline, markers)."""
    title, line = title_of(parsed)
    return {
        "path": path,
        "line": line,
        "end_line": len(parsed.lines),
        "title": title,
        "metadata": document_metadata(parsed),
        "outline": outline(parsed),
        "markers": markers(parsed, stories),
    }


def outline(parsed: Parsed) -> list[Heading]:
    return [
        Heading(line=s.line, end_line=s.end_line, level=s.level, title=_full_title(s))
        for s in parsed.sections()[1:]
    ]


def _full_title(section: Section) -> str:
    return section.title if section.number is None else f"{section.number} {section.title}"


def markers(
    parsed: Parsed, stories: list[tuple[str, int, int]] | None = None, leftovers: re.Pattern[str] = LEFTOVER
) -> list[Marker]:
    """Open clarification markers and template leftovers, outside code (leftovers: comments too)."""
    out: list[Marker] = []
    for number, line in enumerate(parsed.lines, start=1):
        if number in parsed.code_lines or ("[" not in line and "$" not in line and "X" not in line
                                           and "ACTION" not in line):
            continue
        in_comment = number in parsed.comment_lines
        story = _story_at(stories, number)
        if not in_comment and not _TICKED.match(line):
            # An inline <!-- comment --> is no question either: blanked, so columns stay where they are.
            visible = HTML_COMMENT.sub(lambda c: " " * len(c.group(0)), line) if "<!--" in line else line
            for match in NEEDS_CLARIFICATION.finditer(visible):
                if not _open_marker(visible, match):
                    continue
                out.append(
                    Marker(
                        line=number, end_line=number, kind="clarification", column=match.start() + 1,
                        text=(match.group(1) or "").strip(), story=story,
                    )
                )
        for match in leftovers.finditer(line):
            if in_comment and "ACTION REQUIRED" not in match.group(0):
                continue
            out.append(
                Marker(line=number, end_line=number, kind="leftover", column=match.start() + 1,
                       text=match.group(0), story=story)
            )
    return out


def _open_marker(line: str, match: re.Match[str]) -> bool:
    """An open question, not a quotation of the marker: not inside inline code, not after "Use"
    (the template's own guideline), not the template's "[NEEDS CLARIFICATION: specific question]",
    and not a bare marker in a sentence that says none remain ("No [NEEDS CLARIFICATION] markers
    remain", the line Spec Kit's checklist template writes into every feature)."""
    if line.count("`", 0, match.start()) % 2 == 1 or _QUOTING.search(line, 0, match.start()):
        return False
    question = (match.group(1) or "").strip()
    if question:
        return question.lower() not in _TEMPLATE_QUESTION
    return not _NONE_REMAIN.search(line)


def _story_at(stories: list[tuple[str, int, int]] | None, line: int) -> str | None:
    for story_id, start, end in stories or ():
        if start <= line <= end:
            return story_id
    return None


def section_items(section: Section, deep: bool = True) -> list[tuple[Item, bool]]:
    """List items of a section (and its subsections when ``deep``), with whether nested."""
    return [(block, depth > 0) for owner in (section.walk() if deep else [section])
            for block, depth in walk(owner.blocks) if isinstance(block, Item)]


def paragraphs(section: Section) -> list[Paragraph]:
    return [
        Paragraph(line=b.line, end_line=b.end_line, text=clean(b.text))
        for b in section.blocks
        if isinstance(b, Para) and clean(b.text)
    ]


def files_in(text: str) -> list[str]:
    """File paths named in a task's text: ``src/models/user.py``, ``package.json``."""
    found: list[str] = []
    for match in FILE_PATH.finditer(text.replace("`", " ")):
        path = match.group(1).rstrip(".,;:)")
        if "://" in path or path.count("/") == 0 and "." not in path:
            continue
        if re.fullmatch(r"[\d./-]+|[A-Z]+/[A-Z]+|\w+/\w+/\w+ \w+", path):
            continue  # dates, versions, "I/O", "N/A"
        if path.startswith("/") or re.search(r"@v?\d", path) or re.fullmatch(r"[A-Z][A-Za-z0-9]*\.js", path):
            continue  # "/path/cli.js" in a fixture string, "actions/checkout@v6", "Next.js": not repository files
        if path.count("/") == 1 and not path.endswith("/") and "." not in path and not path.startswith("."):
            continue  # "macOS/Linux", "written/removed": words joined by a slash, not a file
        found.append(path)
    return list(dict.fromkeys(found))


def diag(rule: RuleId, message: str, path: str, line: int, *, column: int = 1) -> Diagnostic:
    """A parse finding: the catalogue's :func:`~speckit.model.rules.emit`, whose entry gives its
    severity and hint."""
    return emit(rule, message, path, line, column=column)


# Bounded: linear on repeats (#16).
_IGNORE = re.compile(r"<!--\s{0,20}speckit-ignore\b([^>\n]{0,500}?)-->")


def suppressions(lines: list[str]) -> dict[int, list[str]]:
    """line -> the rule patterns named by ``<!-- speckit-ignore ... -->`` comments on that line (on
    any line, code included, as a person can put one anywhere). Words after the rule ids are a
    justification: '-- reason', or anything not shaped like an id. A comment naming none is ``*``."""
    marks: dict[int, list[str]] = {}
    for number, line in enumerate(lines, 1):
        if "speckit-ignore" not in line:
            continue
        for match in _IGNORE.finditer(line):
            names = [n for n in re.split(r"[\s,]+", match.group(1).strip()) if n]
            rules = []
            for name in names:
                if name in ("--", "because", ":"):
                    break
                if "/" in name or name == "*":
                    rules.append(name)
            marks.setdefault(number, []).extend(rules or ["*"])
    return marks


def source(parsed: Parsed, path: str) -> Source:
    """What the check asks of a document's lines, collected once while it is parsed."""
    return Source(path=path, lines=parsed.lines, code_lines=frozenset(parsed.code_lines),
                  comment_lines=frozenset(parsed.comment_lines), suppressions=suppressions(parsed.lines))
