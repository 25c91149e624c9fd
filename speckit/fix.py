"""Mechanical, safe fixes for findings of ``speckit check`` (``--fix``, ``--diff``), and the API an
editor integration (a language server's code actions) calls.

Public API::

    fixes_for(feature, diagnostics, *, texts=None) -> list[Fix]
        The fixes speckit can make for those of ``diagnostics`` (findings of ``feature``, as
        ``check_feature`` returns them) whose rule is in FIXABLE. Each is computed from the file as it
        is on disk now, or from ``texts[path]`` when given (an editor's unsaved buffers, keyed by the
        diagnostics' ``path`` as a string or a Path, or by its absolute Path), and verified against
        that text: a finding whose text no longer has the shape the fix expects gets no fix. Pure:
        reads files, writes nothing.

    Fix: rule, path, start_line and end_line (1-based, inclusive: the lines to replace),
        replacement (the new lines, without line endings; empty to delete), title (one line for a
        menu: "Delete the repeated task T004"), and digest (SHA-256 of the file's bytes the fix was
        computed from). An editor that holds its own buffer applies start_line..end_line ->
        replacement to it; ``apply`` is for files on disk.

    apply(fixes) -> Applied
        Write the fixes, file by file, atomically (temp file and rename), each file only if its
        bytes still hash to the digest its fixes were computed from: a file changed since it was read
        is never touched (``Applied.skipped`` says so, one line per file). Overlapping fixes in one
        file: the first (by line) wins, the others wait for the next run. ``Applied.written``: the
        new text of each written file; ``Applied.fixes``: the fixes that were written.

    diff(fixes) -> str
        The unified diff ``apply`` would write (``--diff``), without writing.

Which rules, and why only these (docs/linting.md, "Fixing", says the same):

- ``parse/broken-table``: a separator row cut to ``|---|`` under a header of N columns is rewritten
  with N cells. A separator carries no content; only the cell count changes (the first cell keeps
  its alignment colons).
- ``graph/duplicate-id`` and ``spec/duplicate-id``: a later task or requirement whose lines are an
  exact copy of the first one with that id (a paste done twice) is deleted. Nothing is lost: the
  first copy says the same, byte for byte. Copies that differ are left to a person (which one is
  right is a decision, not a mechanism).

Not fixed, on purpose: template leftovers (the value to fill in is unknown), open
``[NEEDS CLARIFICATION]`` markers (removing a question does not answer it), unknown references and
cycles (which dependency is wrong is a decision), and every INVEST and traceability finding.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from speckit.errors import InputError
from speckit.model import Diagnostic, Feature

FIXABLE = frozenset({"parse/broken-table", "graph/duplicate-id", "spec/duplicate-id"})
"""Rule ids whose findings ``fixes_for`` can repair."""

_SEPARATOR = re.compile(r"\|?\s*(:?)-{3,}(:?)\s*\|?")
_PIPE = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True, slots=True, kw_only=True)
class Fix:
    """Replace lines ``start_line``..``end_line`` (1-based, inclusive) of ``path`` by ``replacement``."""

    rule: str
    path: str
    start_line: int
    end_line: int
    replacement: tuple[str, ...]
    title: str
    digest: str
    """SHA-256 (hex) of the file's bytes this fix was computed from."""


@dataclass(frozen=True, slots=True)
class _Text:
    raw: bytes
    lines: list[str]
    """Lines without their endings."""
    endings: list[str]
    bom: bool
    digest: str


def _read(path: str, given: str | None = None) -> _Text | None:
    """A document as UTF-8 lines; None when it cannot be read or is not UTF-8 (no fix then)."""
    try:
        raw = Path(path).read_bytes() if given is None else given.encode("utf-8", "surrogateescape")
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    lines, endings = [], []
    for line in _split(text):
        body = line.rstrip("\r\n")
        lines.append(body)
        endings.append(line[len(body):])
    return _Text(raw, lines, endings, bom, hashlib.sha256(raw).hexdigest())


_LINE_END = re.compile(r"\r\n|\r|\n")


def _split(text: str) -> list[str]:
    """Lines with their endings, split where the parser splits (CRLF, CR, LF; not at U+2028 or a
    form feed, as ``str.splitlines`` would): the fix's line numbers are the finding's."""
    out: list[str] = []
    pos = 0
    for match in _LINE_END.finditer(text):
        out.append(text[pos:match.end()])
        pos = match.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def _given(texts: Mapping[str, str] | Mapping[Path, str] | None, path: str) -> str | None:
    if not texts:
        return None
    found: Mapping[object, str] = texts  # type: ignore[assignment]
    for key in (path, Path(path), Path(os.path.abspath(path))):
        if key in found:
            return found[key]
    return None


def fixes_for(feature: Feature, diagnostics: list[Diagnostic], *,
              texts: Mapping[str, str] | Mapping[Path, str] | None = None) -> list[Fix]:
    """The fixes for those of ``diagnostics`` that speckit can repair safely (see the module doc)."""
    read: dict[str, _Text | None] = {}
    out: list[Fix] = []
    for d in diagnostics:
        if d.rule not in FIXABLE:
            continue
        if d.path not in read:
            read[d.path] = _read(d.path, _given(texts, d.path))
        text = read[d.path]
        if text is None:
            continue
        fix = None
        if d.rule == "parse/broken-table":
            fix = _table_separator(d, text)
        elif d.rule in ("graph/duplicate-id", "spec/duplicate-id"):
            fix = _repeated_block(d, text, feature)
        if fix is not None:
            out.append(fix)
    return out


def _table_separator(d: Diagnostic, text: _Text) -> Fix | None:
    index = d.line - 1
    if not 1 <= index < len(text.lines):
        return None
    line, header = text.lines[index], text.lines[index - 1].strip()
    match = _SEPARATOR.fullmatch(line.strip())
    if match is None or not header.startswith("|"):
        return None
    columns = len(_PIPE.split(header.strip("|")))
    if columns < 2:
        return None
    indent = line[: len(line) - len(line.lstrip())]
    first = f"{match.group(1)}---{match.group(2)}"
    cells = [first] + ["---"] * (columns - 1)
    new = indent + "| " + " | ".join(cells) + " |"
    return Fix(rule=d.rule, path=d.path, start_line=d.line, end_line=d.line, replacement=(new,),
               title=f"Complete the table's separator row ({columns} columns)", digest=text.digest)


def _content_end(text: _Text, start: int, end: int) -> int:
    """``end`` moved up past blank lines, never above ``start``."""
    while end > start and not text.lines[end - 1].strip():
        end -= 1
    return end


def _same(a: str, b: str) -> bool:
    return a == b or os.path.abspath(a) == os.path.abspath(b)


def _repeated_block(d: Diagnostic, text: _Text, feature: Feature) -> Fix | None:
    """Delete the later copy when its lines are exactly those of the first item with its id."""
    items: list[tuple[str | None, int, int]] = []
    if d.rule == "graph/duplicate-id":
        if feature.task_list is None or not _same(feature.task_list.path, d.path):
            return None
        items = [(t.id, t.line, t.end_line or t.line) for t in feature.tasks]
    elif feature.spec is not None and _same(feature.spec.path, d.path):
        items = [
            (r.id, r.line, r.end_line or r.line) for r in feature.spec.requirements + feature.spec.success_criteria
        ]
    later = next((item for item in items if item[1] == d.line), None)
    if later is None or later[0] is None:
        return None
    first = next((item for item in items if item[0] == later[0] and item[1] < later[1]), None)
    if first is None or first[2] >= later[1] or later[2] > len(text.lines):
        return None
    end = _content_end(text, later[1], later[2])  # an item's span may take in the blank line after it
    copy = [line.rstrip() for line in text.lines[later[1] - 1: end]]
    original = [line.rstrip() for line in text.lines[first[1] - 1: _content_end(text, first[1], first[2])]]
    if copy != original or not any(copy):
        return None
    what = "task" if d.rule == "graph/duplicate-id" else "definition"
    return Fix(rule=d.rule, path=d.path, start_line=later[1], end_line=end, replacement=(),
               title=f"Delete the repeated {what} {later[0]} (an exact copy of line {first[1]})", digest=text.digest)


def chosen(fixes: list[Fix]) -> dict[str, list[Fix]]:
    """The fixes ``apply`` would write, per file and by line: any that overlaps one before it, or was
    computed from another version of the file, is left for the next run."""
    by_path: dict[str, list[Fix]] = {}
    for fix in sorted(fixes, key=lambda f: (f.path, f.start_line, f.end_line)):
        kept = by_path.setdefault(fix.path, [])
        if kept and fix.start_line <= kept[-1].end_line:
            continue
        if kept and fix.digest != kept[0].digest:
            continue  # computed from another version of the file
        kept.append(fix)
    return by_path


def _fixed(text: _Text, fixes: list[Fix]) -> str:
    lines, endings = list(text.lines), list(text.endings)
    default = next((e for e in endings if e), "\n")
    for fix in reversed(fixes):  # bottom-up: earlier line numbers stay valid
        start, end = fix.start_line - 1, fix.end_line
        ending = endings[end - 1] or (default if end < len(lines) else "")
        lines[start:end] = list(fix.replacement)
        endings[start:end] = [default] * (len(fix.replacement) - 1) + [ending] if fix.replacement else []
    return ("\ufeff" if text.bom else "") + "".join(line + ending for line, ending in zip(lines, endings, strict=True))


@dataclass(frozen=True, slots=True)
class Applied:
    written: dict[Path, str]
    fixes: list[Fix]
    skipped: list[str]


def apply(fixes: list[Fix]) -> Applied:
    from speckit.edit import write_target
    from speckit.fsutil import write_atomic

    result = Applied({}, [], [])
    for path, kept in chosen(fixes).items():
        text = _read(path)
        if text is None or text.digest != kept[0].digest:
            result.skipped.append(f"{path}: changed since it was read; not fixed (run again)")
            continue
        new = _fixed(text, kept)
        # Hashed once more right before the write: an editor that saved in between keeps its text.
        if hashlib.sha256(Path(path).read_bytes()).hexdigest() != text.digest:
            result.skipped.append(f"{path}: changed while fixing; not fixed (run again)")
            continue
        try:
            # Through a link that stays in the repository (replacing it would leave the real file
            # unfixed), as speckit done writes; a link out of it is refused.
            target = write_target(Path(path))
        except InputError as error:
            result.skipped.append(f"{error}; not fixed")
            continue
        write_atomic(target, new.encode("utf-8"))
        result.written[Path(path)] = new
        result.fixes.extend(kept)
    return result


def diff(fixes: list[Fix]) -> str:
    out: list[str] = []
    for path, kept in chosen(fixes).items():
        text = _read(path)
        if text is None or text.digest != kept[0].digest:
            continue
        old = _split(text.raw.decode("utf-8").removeprefix("\ufeff"))
        new = _split(_fixed(text, kept).removeprefix("\ufeff"))
        name = Path(path).as_posix()
        out.extend(difflib.unified_diff(old, new, fromfile=f"a/{name}", tofile=f"b/{name}"))
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in out)
