"""The generated pages: docs/rules.md, and the list of codes in docs/import.md, from the catalogue
(speckit/model/rules.py), so they cannot drift (tests/check/test_docs.py).

Regenerate them all: ``python -m speckit.check.docs`` (from a source checkout).
"""

from __future__ import annotations

import sys
from pathlib import Path

from speckit.model.rules import IMPORT_RULES, RULES, Rule

DOCS = Path(__file__).resolve().parents[2] / "docs"
IMPORT_START = "<!-- generated: the import codes, from speckit/model/rules.py (python -m speckit.check.docs) -->"
IMPORT_END = "<!-- end of generated import codes -->"

INTRO = """# Rules of `speckit check`

<!-- Generated from speckit/model/rules.py by speckit.check.docs.rules_markdown().
     Regenerate: .venv/bin/python -m speckit.check.docs -->

`speckit check [PATH ...]` reads every feature (or the features, folders or files named) and reports
each finding as `path:line:col: severity: message [rule]`. Rule ids are stable: use them in the
config, in inline suppressions and in baselines. `speckit check --explain RULE` prints a rule's entry
from this page; `speckit check --list-rules` lists them all.

## Running it

| Option | What it does |
|--------|--------------|
| `--format text\\|concise\\|json\\|sarif\\|github\\|gitlab\\|junit` | text for people (colour on a terminal, `--color`, `FORCE_COLOR`, `NO_COLOR`; a summary line at the end); concise: one line per finding, each rule's hint once; json (`version`, `diagnostics`, `summary`); SARIF 2.1.0 for code scanning; GitHub workflow commands (`::error file=...,line=...::`); GitLab Code Quality; JUnit XML |
| `--strict` | warnings fail the run too |
| `--select`, `--extend-select`, `--ignore RULES` | which rules report, by id or glob (`invest/*`); see [linting](linting.md) |
| `--statistics` | findings counted per rule, as ruff prints them |
| `--fix`, `--diff` | repair (or show the diff of) the findings whose fix is mechanical and safe: `parse/broken-table`, `graph/duplicate-id` and `spec/duplicate-id` (an exact copy only); [linting](linting.md#fixing-fix-diff) says why only these |
| `--watch` | check again on every save, printing new and fixed findings |
| `--explain RULE`, `--list-rules` | what a rule looks for, an example and the fix |
| `--baseline FILE` | hide the findings recorded in FILE; only new ones are reported and fail |
| `--write-baseline FILE` | record the current findings (replaces FILE only if it is a speckit baseline, or with `--force`) |
| `-o FILE` | write the report to FILE (atomically) |
| `--config FILE` | speckit.yaml or a pyproject.toml with `[tool.speckit]` (default: found upwards) |

Exit codes: **0** clean, **1** errors found (or warnings under `--strict`), **2** bad usage, a bad
config, or a document that cannot be read (the other features are still checked and reported).
`speckit check` never prompts and never reads standard input.

A file argument checks its whole feature, because the rules read across spec.md, plan.md and
tasks.md. Baselines match findings by rule, path and message (not by line), so editing a document
above a known problem does not make it new.

## Configuring rules

```yaml
# speckit.yaml (or [tool.speckit] in pyproject.toml)
specs_root: specs
rules:
  graph/parallel-conflict: error     # error, warning, info or off
  invest/*: info                     # a glob sets a whole family
  evidence/done-without-files: warning   # off by default
invest:
  max_tasks: 15
  max_scenarios: 8
  vague_words: [fast, easy, intuitive]
  implementation_words: [react, postgres, endpoint]
leftover_patterns: ['\\bTODO\\b']
mandatory_sections: [User Scenarios, Requirements, Success Criteria]
```

An unknown rule id or a bad value is an input error that names the key and its line.

Inline suppression: put `<!-- speckit-ignore RULE [RULE ...] -- why -->` on the line before the
line a finding points at (or on that line). Words after the rule ids are the justification.
`<!-- speckit-ignore -->` alone silences every rule on the next line.

## Choices where the issue was silent

- Stories are read for wording (invest/negotiable, the vague-word half of invest/testable) only when
  they read as English; stories in Japanese, Chinese, French and others are judged on structure.
- A story's tasks are those labelled with it or in its phase.
- `parse/...` diagnostics of the parser are reported too, as warnings; `parse/duplicate-id` is
  replaced by `graph/duplicate-id`.
- An unreadable feature is reported as `input/unreadable` in the machine formats (json, sarif,
  github, junit) and as one line on standard error.
- Evidence paths resolve against the git top level, else the folder that holds the specs root.

## The rules

| Rule | Default | Summary |
|------|---------|---------|
"""  # noqa: E501  (Markdown table rows cannot be wrapped)


def _default(rule: Rule, long: bool) -> str:
    if not rule.configurable:
        return f"always {rule.severity} (cannot be turned off)" if long else f"always ({rule.severity})"
    if rule.enabled:
        return rule.severity
    return f"off by default ({rule.severity} when turned on)" if long else f"off ({rule.severity})"


def rules_markdown() -> str:
    out = [INTRO.rstrip("\n")]
    for rule in RULES.values():
        out.append(f"| [`{rule.id}`](#{rule.id.replace('/', '')}) | {_default(rule, False)} | {rule.summary} |")
    for rule in RULES.values():
        out += ["", f"### {rule.id}", "", f"*Default: {_default(rule, True)}.* {rule.summary}", "", rule.explain, "",
                "Example:", "", "```markdown", rule.example, "```", "", f"**Fix**: {rule.fix}"]
    return "\n".join(out) + "\n"


def import_codes_markdown() -> str:
    """The table of ``speckit import``'s codes and a short entry per code, for docs/import.md."""
    out = [IMPORT_START, "", "| Rule | Severity | What happened |", "|---|---|---|"]
    for rule in IMPORT_RULES.values():
        out.append(f"| `{rule.id}` | {rule.severity} | {rule.summary} |")
        if rule.warning_when:
            out.append(f"| `{rule.id}` | warning | {rule.warning_when} |")
    for rule in IMPORT_RULES.values():
        out += ["", f"**`{rule.id}`**: {rule.explain} Fix: {rule.fix} Example:", "", "```text", rule.example, "```"]
    return "\n".join([*out, "", IMPORT_END])


def import_page(current: str) -> str:
    """docs/import.md with its generated block replaced by the catalogue's."""
    start, end = current.find(IMPORT_START), current.find(IMPORT_END)
    if start < 0 or end < start:
        raise ValueError(f"docs/import.md has no generated block ({IMPORT_START!r} ... {IMPORT_END!r})")
    return current[:start] + import_codes_markdown() + current[end + len(IMPORT_END):]


def pages() -> dict[Path, str]:
    """Every generated page -> what it must hold."""
    imports = DOCS / "import.md"
    return {DOCS / "rules.md": rules_markdown(), imports: import_page(imports.read_text(encoding="utf-8"))}


def main() -> int:
    if not DOCS.is_dir():
        print(f"speckit: error: {DOCS}: no docs folder here (regenerate from a source checkout)", file=sys.stderr)
        return 2
    for path, text in pages().items():
        if path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
