"""Renderers of diagnostics and models for people and tools."""

from __future__ import annotations

import re

# Document text reaches the terminal through these renderers: an ESC in a title ("\x1b]0;...\x07"
# sets the window title, "\x1b[2J" clears the screen) is shown as the escape it is, never sent.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text for a terminal: control characters other than newline and tab shown as ``\\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)
