"""The output formats of ``speckit check``, one table (#12: formats are registered, not chosen by
if-chains in the command). A format's renderer is imported when it is used: the commit hook prints
text and never pays for the SARIF or JUnit writers."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the table is read when the command is declared: it imports no renderer
    from speckit.report.diagnostics import Report


@dataclass(frozen=True, slots=True, kw_only=True)
class Format:
    name: str
    help: str
    renderer: str
    """``module:function`` taking the Report (and ``colour=`` when ``colour`` is set)."""
    for_people: bool = False
    """Findings for people: an unreadable feature is reported on stderr only, not also in the report."""
    colour: bool = False

    def render(self, report: Report, colour: bool = False) -> str:
        module, name = self.renderer.split(":")
        function: Callable[..., str] = getattr(importlib.import_module(module), name)
        return function(report, colour=colour) if self.colour else function(report)


def _formats(*formats: Format) -> dict[str, Format]:
    return {f.name: f for f in formats}


FORMATS: dict[str, Format] = _formats(
    Format(name="text", help="for people, each finding with its hint", renderer="speckit.report.diagnostics:text",
           for_people=True, colour=True),
    Format(name="concise", help="one line per finding, each rule's hint once at the end",
           renderer="speckit.report.diagnostics:concise", for_people=True, colour=True),
    Format(name="json", help="speckit's JSON (versioned)", renderer="speckit.report.diagnostics:as_json"),
    Format(name="sarif", help="SARIF 2.1.0, for code scanning", renderer="speckit.report.sarif:sarif"),
    Format(name="github", help="GitHub Actions workflow commands (annotations)",
           renderer="speckit.report.diagnostics:github"),
    Format(name="gitlab", help="GitLab Code Quality (Code Climate JSON)", renderer="speckit.report.gitlab:gitlab"),
    Format(name="junit", help="JUnit XML test reports", renderer="speckit.report.diagnostics:junit"),
)


def help_text() -> str:
    return "Output format: " + "; ".join(f"{f.name}: {f.help}" for f in FORMATS.values()) + "."
