"""Renderers of diagnostics and models for people and tools."""

from __future__ import annotations

import re

# Document text reaches the terminal through these renderers: an ESC in a title ("\x1b]0;...\x07"
# sets the window title, "\x1b[2J" clears the screen) is shown as the escape it is, never sent.
# A name that is not valid UTF-8 arrives with its bytes as lone surrogates (U+DC80-U+DCFF): shown as
# the byte it was, since a surrogate cannot even be encoded for the terminal. U+2028/U+2029 break
# lines in editors and YAML, U+FEFF hides; they are shown too.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, line: bool = False) -> str:
    """Text for a terminal: control characters other than newline and tab shown as ``\\xNN``;
    with ``line``, newline and tab too (a name or a title that must stay on one line)."""
    return (_CONTROL_LINE if line else _CONTROL).sub(_escape, text)
