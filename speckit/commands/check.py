"""``speckit check``: the rules over features, rendered for people, CI and code scanning.

Exit codes: 0 clean, 1 errors (or warnings under --strict), 2 bad usage or unreadable input (the
other features are still checked and reported). Never prompts and never reads stdin.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

import click

from speckit.commands import config_option, load_config
from speckit.errors import InputError

FORMATS = ("text", "json", "sarif", "github", "junit")


@click.command("check")
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format: text for people, json, sarif (code scanning), github (workflow "
                   "commands), junit (test reports).")
@click.option("--strict", is_flag=True, help="Warnings fail the run too (exit code 1).")
@click.option("--explain", "explain", metavar="RULE", help="Print what RULE looks for, an example and the fix.")
@click.option("--list-rules", is_flag=True, help="List every rule with its default severity.")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Hide the findings recorded in FILE; fail only on new ones.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Record the current findings in FILE (then use --baseline FILE).")
@click.option("--force", is_flag=True, help="With --write-baseline or -o: replace FILE even if speckit did not write it.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the report to FILE (atomically) instead of standard output. An existing FILE "
                   "that is not an earlier report of speckit check needs --force.")
@config_option
def check_command(paths: tuple[str, ...], fmt: str, strict: bool, explain: str | None, list_rules: bool,
                  baseline: Path | None, write_baseline: Path | None, force: bool, output: Path | None,
                  config_path: Path | None) -> int:
    """Check features: the task graph, the spec, INVEST on every story, traceability and evidence.

    PATHS are feature folders, files inside them (their whole feature is checked), or folders to
    search; with none, every feature under the specs root.
    """
    from speckit.check.rules import RULES

    if explain is not None:
        click.echo(_explain(explain, RULES))
        return 0
    if list_rules:
        for rule in RULES.values():
            state = rule.severity if rule.enabled else f"off ({rule.severity} when on)"
            if not rule.configurable:
                state = f"always ({rule.severity})"  # input/unreadable, internal/bug: no config turns them off
            click.echo(f"{rule.id:32} {state:24} {rule.summary}")
        return 0
    from speckit.check import BUG, UNREADABLE, check_features
    from speckit.discover import features
    from speckit.report.diagnostics import Report

    config = load_config(config_path)
    targets = features(paths, config)
    known = None
    if baseline is not None:
        from speckit.check import baseline as baselines

        known = baselines.load(baseline)
    found = []
    checked: list[str] = []
    unreadable = 0
    bugs = 0
    from speckit.cache import Cache

    cache = Cache.open(config)  # None when turned off (config 'cache: false', SPECKIT_CACHE=0)
    for target, feature, diagnostics in check_features(targets, config, cache=cache):
        if feature is None:
            if any(d.rule == BUG for d in diagnostics):
                bugs += 1
            else:
                unreadable += 1
            for d in diagnostics:
                click.echo(f"speckit: error: {d.message}", err=True)
            if fmt != "text":
                found.extend(diagnostics)
            continue
        checked.append(str(target.document or target.folder))
        found.extend(diagnostics)
    if cache is not None and cache.writes:
        cache.prune()
    if write_baseline is not None:
        from speckit.check import baseline as baselines

        count = baselines.write(write_baseline, [d for d in found if d.rule not in (UNREADABLE, BUG)], force=force)
        click.echo(f"wrote {count} findings to {write_baseline}", err=True)
        return 2 if unreadable else 0
    hidden = 0
    if known is not None:
        from speckit.check import baseline as baselines

        found, hidden = baselines.apply(found, known)
    report = Report(diagnostics=found, features=checked, strict=strict, baselined=hidden, unreadable=unreadable)
    _emit(_render(report, fmt, output is None), output, force)
    if bugs:
        click.echo(f"speckit: internal error: {bugs} feature(s) hit a bug; the others were checked", err=True)
        return 3
    if unreadable:
        return 2
    return 1 if report.failed else 0


def _render(report: object, fmt: str, to_terminal: bool) -> str:
    from speckit.report import diagnostics as r

    assert isinstance(report, r.Report)
    if fmt == "json":
        return r.as_json(report)
    if fmt == "sarif":
        from speckit.report.sarif import sarif

        return sarif(report)
    if fmt == "github":
        return r.github(report)
    if fmt == "junit":
        return r.junit(report)
    return r.text(report, colour=to_terminal and sys.stdout.isatty() and "NO_COLOR" not in os.environ)


def _emit(text: str, output: Path | None, force: bool = False) -> None:
    if output is None:
        if text:
            click.echo(text)
        return
    from speckit.fsutil import write_atomic

    if not force and (output.exists() or output.is_symlink()) and not _a_report(output):
        # `-o README.md` (or a file name a hook passed through) replaced a person's file.
        raise InputError(f"{output}: exists and is not a report of 'speckit check'; not replaced "
                         "(use --force to replace it, or choose another file)")
    try:
        write_atomic(output, text + "\n")
    except OSError as error:
        raise InputError(f"{output}: cannot write the report ({error.strerror or error})") from None


def _a_report(path: Path) -> bool:
    """Whether ``path`` holds what ``check -o`` writes, in any format (so a re-run may replace its own
    earlier report): empty (a clean run in github format), text ending in the summary line, github
    annotations, speckit's JSON, SARIF from speckit, or JUnit named "speckit check"."""
    import json
    import re

    if path.is_symlink() or not path.is_file():
        return False
    try:
        with open(path, "rb") as handle:
            raw = handle.read(8 * 1024 * 1024 + 1)
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or all(line.startswith("::") for line in lines):
        return True
    if re.match(r"\d+ errors?, \d+ warnings?\b", lines[-1]):
        return True
    if '<testsuites name="speckit check"' in text[:300]:
        return True
    try:
        data = json.loads(text)
    except ValueError:
        return False
    if isinstance(data, dict) and {"version", "diagnostics", "summary"} <= set(data):
        return True
    try:
        return bool(data["runs"][0]["tool"]["driver"]["name"] == "speckit")
    except (KeyError, IndexError, TypeError):
        return False


def _explain(rule_id: str, rules: Mapping[str, object]) -> str:
    from speckit.check.rules import Rule

    rule = rules.get(rule_id)
    if not isinstance(rule, Rule):
        import difflib

        close = difflib.get_close_matches(rule_id, list(rules), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else " ('speckit check --list-rules' lists them)"
        raise InputError(f"no rule '{rule_id}'{hint}")
    default = rule.severity if rule.enabled else f"off by default ({rule.severity} when turned on)"
    example = "\n".join(f"    {line}" for line in rule.example.splitlines())
    silence = "It cannot be turned off: it says a check did not happen."
    if rule.configurable:
        silence = (f"Silence it: 'rules: {{{rule.id}: off}}' in speckit.yaml, or "
                   f"'<!-- speckit-ignore {rule.id} -->' on the line before.")
    return (f"{rule.id}  [{default}]\n\n{rule.summary}\n\n{rule.explain}\n\nExample:\n{example}\n\n"
            f"Fix: {rule.fix}\n\n{silence}")
