"""GitLab Code Quality: the Code Climate issue JSON that ``artifacts: reports: codequality`` reads.

GitLab documents the subset it reads (docs.gitlab.com/ci/testing/code_quality, "Code Quality report
format"): a JSON array of objects with ``description``, ``check_name``, ``fingerprint``, ``severity``
(info, minor, major, critical, blocker) and ``location.path`` with ``location.lines.begin``; the
other fields of the Code Climate spec (``type``, ``categories``, ``content`` ...) are ignored by
GitLab and written here because other Code Climate readers want them. Validated in
tests/check/test_lint_formats.py against the schema vendored in tests/check/schemas/.

The fingerprint is what GitLab compares between the target branch and the merge request to tell new
findings from fixed ones, so it leaves out the line (as the baseline does): rule, path and message,
and which repeat of that triple it is. Editing text above a finding does not make it new.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from speckit.model.rules import RULES
from speckit.report.diagnostics import Report

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}
"""speckit severity -> Code Climate severity. 'critical' and 'blocker' are left for security tools."""
_CATEGORIES = {"graph": "Bug Risk", "evidence": "Bug Risk", "trace": "Clarity", "invest": "Clarity",
               "spec": "Style", "parse": "Compatibility", "input": "Security"}


def _relative(path: str) -> str:
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.relative_to(Path.cwd())
        except ValueError:
            pass
    return p.as_posix()


def gitlab(report: Report) -> str:
    seen: Counter[tuple[str, str, str]] = Counter()
    issues = []
    for d in report.diagnostics:
        path = _relative(d.path)
        key = (d.rule, path, d.message)
        seen[key] += 1
        fingerprint = hashlib.sha256("\0".join((*key, str(seen[key]))).encode("utf-8", "surrogateescape")).hexdigest()
        rule = RULES.get(d.rule)
        issue: dict[str, object] = {
            "type": "issue",
            "check_name": d.rule,
            "description": d.message,
            "categories": [_CATEGORIES.get(d.rule.split("/", 1)[0], "Style")],
            "severity": SEVERITIES[d.severity],
            "fingerprint": fingerprint[:32],
            "location": {"path": path, "lines": {"begin": max(d.line, 1), "end": max(d.end_line, d.line, 1)}},
        }
        body = "\n\n".join(part for part in (d.hint and f"Hint: {d.hint}", rule and rule.explain) if part)
        if body:
            issue["content"] = {"body": body}
        issues.append(issue)
    return json.dumps(issues, indent=2, ensure_ascii=False)
