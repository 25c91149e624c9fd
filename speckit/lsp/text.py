"""Lines and positions.

LSP positions count lines split at ``\\r\\n``, ``\\r`` and ``\\n`` (exactly where the parser
splits, speckit.parse.blocks), and characters in the client's units: UTF-16 code units unless the
client offered UTF-8 or UTF-32. Python's ``str.splitlines`` also splits at U+2028, form feeds and
other separators, so it is not used here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

LINE_END = re.compile(r"\r\n|\r|\n")

Units = Callable[[str], int]
"""How many client code units a string is (UTF-16 by default)."""


def utf16(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` without their line ends; a final line end gives a last empty line."""
    return LINE_END.split(text)


class Lines:
    """One document's lines, with conversions between code-point columns and client units."""

    __slots__ = ("lines", "units")

    def __init__(self, text: str, units: Units = utf16) -> None:
        self.lines = split_lines(text)
        self.units = units

    def line(self, number: int) -> str:
        """Line ``number`` (0-based), or "" past the end."""
        return self.lines[number] if 0 <= number < len(self.lines) else ""

    def to_client(self, line: int, column: int) -> int:
        """Code-point ``column`` of 0-based ``line`` -> the client's character offset."""
        return self.units(self.line(line)[:column])

    def from_client(self, line: int, character: int) -> int:
        """The client's character offset on 0-based ``line`` -> a code-point column (clamped)."""
        text = self.line(line)
        if self.units is len:
            return min(character, len(text))
        count = 0
        for index, ch in enumerate(text):
            if count >= character:
                return index
            count += self.units(ch)
        return len(text)

    def end(self, line: int) -> int:
        """The client's offset of the end of 0-based ``line``."""
        return self.units(self.line(line))
