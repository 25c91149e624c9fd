"""SARIF 2.1.0 (OASIS), for GitHub code scanning and other SARIF viewers.

Validated against the OASIS schema in tests/check/test_formats.py. Paths are written relative to
the working directory as URIs (``uriBaseId: SRCROOT``), which is what code scanning expects.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from speckit import __version__
from speckit.model.rules import RULES
from speckit.report.diagnostics import Report

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.relative_to(Path.cwd())
        except ValueError:
            return p.as_uri()
    return quote(p.as_posix())


def sarif(report: Report) -> str:
    used = sorted({d.rule for d in report.diagnostics})
    index = {rule: i for i, rule in enumerate(used)}
    rules = []
    for rule_id in used:
        rule = RULES.get(rule_id)
        entry: dict[str, object] = {"id": rule_id}
        if rule is not None:
            entry.update({
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.explain},
                "help": {"text": f"{rule.explain}\n\nExample:\n{rule.example}\n\nFix: {rule.fix}"},
                "defaultConfiguration": {"level": _LEVELS[rule.severity], "enabled": rule.enabled},
            })
        rules.append(entry)
    results = []
    for d in report.diagnostics:
        region: dict[str, int] = {"startLine": max(d.line, 1), "startColumn": max(d.column, 1)}
        if d.end_line and d.end_line >= d.line:
            region["endLine"] = d.end_line
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        results.append({
            "ruleId": d.rule,
            "ruleIndex": index[d.rule],
            "level": _LEVELS[d.severity],
            "message": {"text": message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": _uri(d.path), "uriBaseId": "SRCROOT"},
                "region": region,
            }}],
        })
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "speckit",
                "version": __version__,
                "rules": rules,
            }},
            "originalUriBaseIds": {"SRCROOT": {"uri": Path.cwd().as_uri() + "/"}},
            "results": results,
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)
