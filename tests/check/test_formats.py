"""Renderers never pass terminal control sequences from documents through."""

from __future__ import annotations

from speckit.model import Diagnostic
from speckit.report.diagnostics import Report, text


def test_text_format_never_sends_control_characters_from_documents() -> None:
    """An ESC sequence in a document (it can retitle or clear a terminal) is shown escaped."""
    bad = Diagnostic(rule="spec/template-leftover", severity="warning", message="left in: \x1b]0;pwned\x07",
                     path="specs/x/spec.md", line=3, hint="fix \x1b[2J")
    out = text(Report(diagnostics=[bad], features=["x"]), colour=False)
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b]0;pwned\\x07" in out and "\\x1b[2J" in out


def test_colour_codes_of_our_own_survive() -> None:
    ok = Diagnostic(rule="graph/cycle", severity="error", message="cycle", path="a.md", line=1)
    assert "\x1b[" in text(Report(diagnostics=[ok], features=["a"]), colour=True)


def test_summary_line_counts_unreadable_features() -> None:
    out = text(Report(diagnostics=[], features=["a"], unreadable=1), colour=False)
    assert out.endswith("0 errors, 0 warnings in 1 feature; 1 feature could not be read")
