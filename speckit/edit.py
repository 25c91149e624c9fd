"""The edits speckit makes to a person's documents, byte for byte: ticking tasks in tasks.md.

``speckit done``, the MCP server's ``done`` tool and the editor's tick action all make this one edit:
the checkbox of the task's line becomes ``[X]`` (or ``[x]``, the file's own spelling) and nothing
else in the file changes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from speckit.config import repo_root
from speckit.errors import InputError
from speckit.fsutil import write_atomic
from speckit.parse import build_feature, decode_text, feature_ref
from speckit.report import printable

CHECKBOX = re.compile(rb"^((?:\xef\xbb\xbf)?(?:[ \t]*>)*[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)\[([ ~xX])\]")
# The parser's line split (speckit.parse.blocks.normalize): CRLF, then a lone CR, then LF. done must
# count lines the same way, or a lone CR makes it tick the task after the one it was asked for.
LINE_END = re.compile(rb"\r\n|\r|\n")


def split_lines(data: bytes) -> list[tuple[bytes, bytes]]:
    """``data`` as (line, its line end) pairs, split exactly where the parser splits."""
    out: list[tuple[bytes, bytes]] = []
    pos = 0
    for match in LINE_END.finditer(data):
        out.append((data[pos:match.start()], match.group(0)))
        pos = match.end()
    out.append((data[pos:], b""))
    return out


def write_target(path: Path) -> Path:
    """The file to rewrite: ``path``, or the file a symbolic link points to when that file is inside
    the repository (replacing the link with a copy would leave the real file unticked)."""
    if not path.is_symlink():
        return path
    real = path.resolve()
    top = repo_root(path.absolute().parent)
    try:
        real.relative_to(top)
    except ValueError:
        raise InputError(f"{path}: a symbolic link to {real}, outside the repository {top}; "
                         "speckit edits files inside it only") from None
    return real



def tick(path: Path, tasks: Sequence[str]) -> tuple[list[str], list[str]]:
    """Tick ``tasks`` in the tasks.md at ``path`` the way ``speckit done`` does (the MCP server's
    ``done`` tool calls this too): returns the ids ticked and those already done. Raises InputError,
    writing nothing, for an unknown or duplicated id, a task without a checkbox, or a file that
    changed while it was being edited."""
    target = write_target(path)
    data = target.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path}: is UTF-16; speckit done edits UTF-8 files only")
    # The model was parsed from the file as it was a moment ago: if a teammate's save landed since,
    # its line numbers belong to other bytes. So the task lines come from parsing exactly the bytes
    # read here, and the file must still hold those bytes just before it is replaced.

    before = hashlib.sha256(data).digest()
    model = build_feature(feature_ref(path.parent), [(path, "tasks")], texts={path: decode_text(data, str(path))})
    by_id: dict[str, list[int]] = {}
    for task in model.tasks:
        if task.id:
            by_id.setdefault(task.id, []).append(task.line)
    lines = split_lines(data)
    boxes = {m.group(2) for m in (CHECKBOX.match(line) for line, _ in lines) if m}
    mark = b"x" if b"x" in boxes and b"X" not in boxes else b"X"  # the file's own spelling
    unknown = [t for t in tasks if t not in by_id]
    if unknown:
        raise InputError(f"{path}: no task {', '.join(printable(t, line=True) for t in unknown)}")
    ticked: list[str] = []
    already: list[str] = []
    for task_id in dict.fromkeys(tasks):
        places = by_id[task_id]
        if len(places) > 1:
            raise InputError(
                f"{path}: task id {task_id} is used on lines {', '.join(map(str, places))}; renumber first"
            )
        number = places[0]
        if not 1 <= number <= len(lines):
            raise InputError(f"{path}:{number}: task {task_id} is not on that line of the file as read; run again")
        line, end = lines[number - 1]
        match = CHECKBOX.match(line)
        if match is None:
            raise InputError(f"{path}:{number}: task {task_id} has no checkbox to tick (a table row? edit its status)")
        if not re.search(rb"(?<![A-Za-z0-9_-])" + re.escape(task_id.encode()) + rb"(?![A-Za-z0-9_])", line):
            raise InputError(f"{path}:{number}: task {task_id} is not on that line of the file as read; run again")
        if match.group(2) in (b"x", b"X"):
            already.append(task_id)
            continue
        lines[number - 1] = (line[: match.start(2)] + mark + line[match.end(2):], end)
        ticked.append(task_id)
    if ticked:
        if hashlib.sha256(target.read_bytes()).digest() != before:
            raise InputError(f"{path}: changed while speckit done was editing it (another save?); nothing written, "
                             "run it again")
        write_atomic(target, b"".join(line + end for line, end in lines))
    return ticked, already

