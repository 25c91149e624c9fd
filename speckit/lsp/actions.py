"""Code actions, as plain edits (the server turns them into a WorkspaceEdit).

- Tick or untick a task: the box that ``speckit done`` ticks, found by its own pattern and line
  split (speckit.edit), so the editor and the command agree on what a box is and which
  line a task is on; the file's own spelling of the mark (``x`` or ``X``) is kept.
- Silence a finding with a justified ``<!-- speckit-ignore RULE -- why: ... -->`` on the line
  before it (docs/rules.md, inline suppression), indented as that line is; at the end of the line
  for a table row, since a comment line would end the table. Tried on every finding of
  tests/cases/check: each of the 75 went and nothing else changed, except for the same rule on
  the next table row (a speckit-ignore covers its own line and the next one).
- The mechanical fixes of ``speckit check --fix`` (speckit.fix.fixes_for), when that module is
  installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from speckit.fix import fixes_for
from speckit.lsp.session import Snapshot, normal
from speckit.lsp.text import Lines
from speckit.model import Diagnostic

IGNORE_REASON = "why: say why this finding does not apply here"
"""The justification the ignore action writes, for the author to replace with the real reason."""


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace code points ``start``..``end`` (0-based lines and columns) of ``path`` with ``text``."""

    path: Path
    start: tuple[int, int]
    end: tuple[int, int]
    text: str


@dataclass(frozen=True, slots=True)
class Action:
    title: str
    kind: str  # "quickfix" or "refactor.rewrite"
    edits: list[Edit]
    diagnostic: Diagnostic | None = None
    preferred: bool = False


def task_actions(snapshot: Snapshot, path: Path, first: int, last: int) -> list[Action]:
    """Tick or untick each task of ``path`` on 0-based lines ``first``..``last``."""
    from speckit.edit import CHECKBOX, split_lines  # the box speckit done ticks, and its line split

    feature = snapshot.feature
    text = snapshot.texts.get(path)
    if feature is None or text is None or feature.task_list is None or normal(feature.task_list.path) != path:
        return []
    data = text.encode("utf-8", "surrogatepass")
    lines = split_lines(data)
    boxes = {m.group(2) for m in (CHECKBOX.match(line) for line, _ in lines) if m}
    mark = "x" if b"x" in boxes and b"X" not in boxes else "X"
    out: list[Action] = []
    for task in feature.tasks:
        number = task.line - 1
        if not task.id or not first <= number <= last or number >= len(lines):
            continue
        raw = lines[number][0]
        match = CHECKBOX.match(raw)
        if match is None:  # a task written as a table row: no box to tick
            continue
        column = len(raw[: match.start(2)].decode("utf-8", "replace"))
        done = match.group(2) in (b"x", b"X")
        new = " " if done else mark
        title = f"Mark {task.id} as not done" if done else f"Mark {task.id} as done"
        out.append(Action(title, "refactor.rewrite", [Edit(path, (number, column), (number, column + 1), new)]))
    return out


def ignore_action(snapshot: Snapshot, path: Path, diagnostic: Diagnostic) -> Action | None:
    """Silence one finding on its line with a justified speckit-ignore on the line before."""
    text = snapshot.texts.get(path)
    if text is None or not diagnostic.rule or diagnostic.rule.startswith(("input/", "internal/")):
        return None
    lines = Lines(text)
    number = diagnostic.line - 1
    if not 0 <= number < len(lines.lines):
        return None
    target = lines.line(number)
    rule = diagnostic.rule
    title = f"Ignore {rule} here (speckit-ignore with a reason)"
    if target.lstrip().startswith("|"):
        # A comment line inside a table ends the table: the rows below it would be read as text.
        # A table row keeps a comment after its last cell, and the suppression holds on its own line.
        end = len(target.rstrip())
        return Action(title, "quickfix", [Edit(path, (number, end), (number, len(target)),
                                               f" <!-- speckit-ignore {rule} -- {IGNORE_REASON} -->")], diagnostic)
    indent = target[: len(target) - len(target.lstrip(" \t"))]
    comment = f"{indent}<!-- speckit-ignore {rule} -- {IGNORE_REASON} -->{_line_end(text)}"
    return Action(title, "quickfix", [Edit(path, (number, 0), (number, 0), comment)], diagnostic)


def fix_actions(snapshot: Snapshot, path: Path, first: int, last: int) -> list[Action]:
    """The fixes ``speckit check --fix`` would make on lines ``first``..``last`` of ``path``
    (``speckit.fix.fixes_for``: 1-based inclusive ``start_line``/``end_line``, the parser's lines,
    ``replacement`` lines and a ``title``), computed from the editor's buffers."""
    if snapshot.feature is None:
        return []

    text = snapshot.texts.get(path)
    if text is None:
        return []
    lines = Lines(text)
    ending = _line_end(text)
    out: list[Action] = []
    for fix in fixes_for(snapshot.feature, snapshot.diagnostics, texts=snapshot.texts):  # the buffers, not the disk
        if normal(fix.path) != path or fix.end_line - 1 < first or fix.start_line - 1 > last:
            continue
        start, end = fix.start_line - 1, fix.end_line  # replace whole lines: up to the start of the next
        new = "".join(line + ending for line in fix.replacement)
        if end >= len(lines.lines):  # the last line: no line end after it to keep
            end_at = (len(lines.lines) - 1, len(lines.line(len(lines.lines) - 1)))
            new = new[: -len(ending)] if new.endswith(ending) and not text.endswith(("\n", "\r")) else new
        else:
            end_at = (end, 0)
        diagnostic = next((d for d in snapshot.diagnostics if d.rule == fix.rule and normal(d.path) == path
                           and fix.start_line <= d.line <= fix.end_line), None)
        out.append(Action(fix.title, "quickfix", [Edit(path, (start, 0), end_at, new)], diagnostic, preferred=True))
    return out


def _line_end(text: str) -> str:
    match = re.search(r"\r\n|\r|\n", text)
    return match.group(0) if match else "\n"
