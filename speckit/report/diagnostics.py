"""Renderers of a list of Diagnostics: text, json, github workflow commands, JUnit XML.

SARIF lives in ``sarif.py``. No rich here: this is the commit-hook path; colour comes from
click.style and only reaches a terminal (click strips it from pipes and files).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field

import click

from speckit.model import Diagnostic
from speckit.report import printable

FORMAT_VERSION = "1"
_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}


@dataclass(frozen=True, slots=True)
class Report:
    """What one ``speckit check`` run found."""

    diagnostics: list[Diagnostic]
    features: list[str] = field(default_factory=list)
    strict: bool = False
    baselined: int = 0
    unreadable: int = 0
    """Targets that could not be read (reported on stderr; the exit code is then 2)."""

    @property
    def counts(self) -> Counter[str]:
        return Counter(d.severity for d in self.diagnostics)

    def fails(self, diagnostic: Diagnostic) -> bool:
        return diagnostic.severity == "error" or (self.strict and diagnostic.severity == "warning")

    @property
    def failed(self) -> bool:
        return any(self.fails(d) for d in self.diagnostics)

    def summary(self) -> dict[str, int]:
        counts = self.counts
        return {"errors": counts["error"], "warnings": counts["warning"], "infos": counts["info"],
                "features": len(self.features), "baselined": self.baselined}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def finding_line(d: Diagnostic, colour: bool = False) -> str:
    """``path:line:col: severity: message [rule]``, the one line every people format starts with."""
    severity = click.style(d.severity, fg=_COLOURS[d.severity], bold=True) if colour else d.severity
    where = printable(f"{d.path}:{d.line}:{d.column}:")
    location = click.style(where, bold=True) if colour else where
    return f"{location} {severity}: {printable(d.message)} [{d.rule}]"


def text(report: Report, colour: bool | None = None) -> str:
    """``path:line:col: severity: message [rule]`` and an indented hint, then a summary line."""
    if colour is None:
        colour = "NO_COLOR" not in os.environ
    lines: list[str] = []
    for d in report.diagnostics:
        lines.append(finding_line(d, colour))
        if d.hint:
            lines.append(f"  hint: {printable(d.hint)}")
    lines.append(summary_line(report, colour))
    return "\n".join(lines)


def concise(report: Report, colour: bool = False) -> str:
    """One line per finding; then each rule's hint once (3,134 findings printed 6,269 lines in the
    text format, most of them the same few hints), then the summary line."""
    from speckit.model.rules import RULES

    lines = [finding_line(d, colour) for d in report.diagnostics]
    by_rule: dict[str, set[str]] = {}
    for d in report.diagnostics:
        if d.hint:
            by_rule.setdefault(d.rule, set()).add(d.hint)
    hints: dict[str, str] = {}
    for rule, found in by_rule.items():
        # A hint that names the finding's own paths differs from finding to finding: the rule's
        # general fix from the catalogue stands for them all.
        hints[rule] = next(iter(found)) if len(found) == 1 or rule not in RULES else RULES[rule].fix
    if hints:
        lines.append("")
        for rule, hint in sorted(hints.items()):
            name = click.style(f"[{rule}]", bold=True) if colour else f"[{rule}]"
            lines.append(f"{name} hint: {printable(hint)}")
    lines.append(summary_line(report, colour))
    return "\n".join(lines)


def statistics(report: Report, fixable: frozenset[str] = frozenset(), as_json: bool = False) -> str:
    """Findings counted per rule, most first, as ``ruff --statistics`` prints them: count, rule id,
    ``[*]`` when ``speckit check --fix`` can repair it (else ``[ ]``), and the rule's summary."""
    from speckit.model.rules import RULES

    counts = Counter(d.rule for d in report.diagnostics)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if as_json:
        return json.dumps([{"code": rule, "count": count, "fixable": rule in fixable,
                            "summary": RULES[rule].summary if rule in RULES else None}
                           for rule, count in rows], indent=2, ensure_ascii=False)
    if not rows:
        return ""
    count_width = max(len(str(count)) for _, count in rows)
    rule_width = max(len(rule) for rule, _ in rows)
    lines = []
    for rule, count in rows:
        mark = "[*]" if rule in fixable else "[ ]"
        summary = RULES[rule].summary if rule in RULES else ""
        lines.append(f"{count:>{count_width}}\t{rule:<{rule_width}}\t{mark} {summary}".rstrip())
    return "\n".join(lines)


def summary_line(report: Report, colour: bool = False) -> str:
    counts = report.counts
    parts = [_plural(counts["error"], "error"), _plural(counts["warning"], "warning")]
    if counts["info"]:
        parts.append(_plural(counts["info"], "info"))
    tail = f" ({report.baselined} known in the baseline)" if report.baselined else ""
    if report.unreadable:
        tail += f"; {_plural(report.unreadable, 'feature')} could not be read"
    line = f"{', '.join(parts)} in {_plural(len(report.features), 'feature')}{tail}"
    if colour:
        line = click.style(line, fg="red" if report.failed or report.unreadable else "green", bold=True)
    return line


def as_json(report: Report) -> str:
    return json.dumps({
        "version": FORMAT_VERSION,
        "diagnostics": [
            {"rule": d.rule, "severity": d.severity, "message": d.message, "hint": d.hint, "path": d.path,
             "line": d.line, "end_line": d.end_line or d.line, "column": d.column}
            for d in report.diagnostics
        ],
        "summary": report.summary(),
    }, indent=2, ensure_ascii=False)


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(report: Report) -> str:
    """GitHub Actions workflow commands: ``::error file=...,line=...,title=...::message``."""
    kinds = {"error": "error", "warning": "warning", "info": "notice"}
    lines = []
    for d in report.diagnostics:
        props = {"file": d.path, "line": str(d.line), "endLine": str(d.end_line or d.line),
                 "col": str(d.column), "title": d.rule}
        prop_text = ",".join(f"{k}={_escape_property(v)}" for k, v in props.items())
        message = d.message + (f"\n{d.hint}" if d.hint else "")
        lines.append(f"::{kinds[d.severity]} {prop_text}::{_escape_data(message)}")
    return "\n".join(lines)


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(value: str) -> str:
    """Text XML 1.0 can hold: control characters from a document would make the file unreadable."""
    return _XML_BAD.sub("\ufffd", value)


def junit(report: Report) -> str:
    """JUnit XML: one test suite, a test case per feature without findings and per finding; findings
    that fail the run (errors, warnings under --strict) are failures, the others are skipped."""
    import xml.etree.ElementTree as ET

    by_feature: dict[str, list[Diagnostic]] = {f: [] for f in report.features}
    for d in report.diagnostics:
        owner = next((f for f in report.features if d.path == f or d.path.startswith(f.rstrip("/") + "/")), d.path)
        by_feature.setdefault(owner, []).append(d)
    failures = sum(report.fails(d) for d in report.diagnostics)
    skipped = len(report.diagnostics) - failures
    tests = sum(len(ds) or 1 for ds in by_feature.values())
    suites = ET.Element("testsuites", name="speckit check", tests=str(tests), failures=str(failures))
    suite = ET.SubElement(suites, "testsuite", name="speckit check", tests=str(tests),
                          failures=str(failures), errors="0", skipped=str(skipped))
    for feature, found in by_feature.items():
        if not found:
            ET.SubElement(suite, "testcase", classname=_x(feature), name="speckit check")
            continue
        for d in found:
            case = ET.SubElement(suite, "testcase", classname=_x(feature), name=_x(f"{d.rule} at {d.path}:{d.line}"),
                                 file=_x(d.path), line=str(d.line))
            body = f"{d.path}:{d.line}:{d.column}: {d.severity}: {d.message}" + (f"\nhint: {d.hint}" if d.hint else "")
            if report.fails(d):
                ET.SubElement(case, "failure", message=_x(d.message), type=d.rule).text = _x(body)
            else:
                ET.SubElement(case, "skipped", message=_x(f"{d.severity}: {d.message}"))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")
