"""``speckit import``: rebuild Markdown from a copy of a rendered page."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, allow_dash=True))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the Markdown here (default: standard output). An existing file needs --force.")
@click.option("--force", is_flag=True, help="Overwrite an existing OUTPUT (the old one is kept as OUTPUT.bak).")
@click.option("-q", "--quiet", is_flag=True, help="Report only what could not be recovered, not every repair.")
def import_command(file: Path, output: Path | None, force: bool, quiet: bool) -> None:
    """Rebuild Markdown from FILE, a copy of a rendered page ('-' reads standard input).

    Repairs mojibake (ftfy for the reversible kind, context for the lossy kind), turns numbered
    lines into headings, pipe lines into tables, shell lines into bash blocks and box diagrams into
    text blocks. Every repair is reported on standard error as path:line: severity: message [rule].
    """
    from speckit.errors import InputError
    from speckit.fsutil import write_new
    from speckit.importer import import_text
    from speckit.parse import decode_text, read_text
    from speckit.report import printable

    if str(file) == "-":
        name = "<stdin>"
        text = decode_text(_read_stdin(), name)  # as read_text decodes a FILE
    else:
        text = read_text(file)
        name = str(file)
    if not text.strip():
        # An empty clipboard piped in, or the wrong file: a blank plan.md helps no one.
        raise InputError(f"{name}: empty, nothing to import (nothing written)")
    if _already_markdown(text):
        # A rendered copy has no '#' title: its '#' lines are shell comments. Rebuilding Markdown
        # would make '# Title' into '# # Title' (found by the exact rule cases, #12).
        raise InputError(f"{name}: already Markdown (a '# ' title and '## ' headings); "
                         "'speckit import' rebuilds copies of rendered pages (nothing written)")
    if output is not None and output.exists() and not force:
        # Checked before the work, so a refused run changes nothing and says so at once.
        raise InputError(f"{output}: already exists (use --force to overwrite it; a .bak copy is kept)")
    result = import_text(text, name)
    shown = [d for d in result.diagnostics if not quiet or d.severity != "info"]
    for diagnostic in shown:
        click.echo(printable(f"{diagnostic.path}:{diagnostic.line}: {diagnostic.severity}: {diagnostic.message} "
                             f"[{diagnostic.rule}]"), err=True)
    if output is None:
        click.echo(result.markdown, nl=False)
        where = "standard output"
    else:
        backup = write_new(output, result.markdown, force=force)
        where = str(output) + (f" (the old file kept as {backup})" if backup else "")
    repairs = sum(1 for d in result.diagnostics if d.severity == "info")
    warnings = len(result.diagnostics) - repairs
    click.echo(f"speckit import: {repairs} repairs, {warnings} things kept as they were (review them); "
               f"Markdown written to {where}", err=True)


STDIN_LIMIT = 64 * 1024 * 1024  # a rendered copy is kilobytes; /dev/zero never ends


def _read_stdin() -> bytes:
    """Standard input, whole, or one line and exit 2 when it is closed or never ends."""
    from speckit.errors import InputError

    if sys.stdin is None:
        raise InputError("<stdin>: standard input is closed; pipe the copy in, or name a FILE")
    try:
        data = sys.stdin.buffer.read(STDIN_LIMIT + 1)
    except OSError as error:  # a closed or unreadable descriptor
        raise InputError(f"<stdin>: cannot read standard input ({error.strerror or error})") from None
    if len(data) > STDIN_LIMIT:
        raise InputError(f"<stdin>: more than {STDIN_LIMIT // (1024 * 1024)} MB on standard input "
                         "(a device such as /dev/zero?); nothing imported")
    return data


def _already_markdown(text: str) -> bool:
    """A '# Title' first line and at least one '## ' heading outside code fences."""
    lines = text.lstrip("\ufeff").splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first.startswith("# "):
        return False
    fenced = False
    for line in lines:
        if line.startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and line.startswith("## ") and line[3:].strip():
            return True
    return False
