"""``speckit check``: the rules over features, rendered for people, CI and code scanning.

Exit codes: 0 clean, 1 errors (or warnings under --strict), 2 bad usage or unreadable input (the
other features are still checked and reported). Never prompts and never reads stdin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from speckit.commands import complete_features, complete_rules, config_option, load_config
from speckit.errors import InputError
from speckit.report.colour import CHOICES
from speckit.report.formats import FORMATS, help_text

if TYPE_CHECKING:
    from speckit.config import Config
    from speckit.discover import Target
    from speckit.model import Diagnostic



def _rules_option(name: str, help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(name, metavar="RULES", multiple=True, shell_complete=complete_rules, help=help)



@click.command("check")
@click.argument("paths", nargs=-1, shell_complete=complete_features)
@click.option("--format", "--output-format", "fmt", type=click.Choice(list(FORMATS)), default="text",
              show_default=True, help=help_text())
@click.option("--strict", is_flag=True, help="Warnings fail the run too (exit code 1).")
@_rules_option("--select", "Report only these rules: ids or globs (invest/*, or a family: invest), comma-separated "
                           "or repeated. Turns on rules that are off by default.")
@_rules_option("--extend-select", "Report these rules too, beside those already on.")
@_rules_option("--ignore", "Do not report these rules.")
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule instead of the findings.")
@click.option("--fix", is_flag=True, help="Repair the findings whose fix is mechanical and safe, then report the rest.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Print the changes --fix would make, as a unified diff, and change nothing (exit 1 if any).")
@click.option("--watch", is_flag=True, help="Check again whenever a document is saved, printing new and fixed findings "
                                            "(needs the watch extra: pip install 'speckit-compiler[watch]').")
@click.option("--color", "colour", type=click.Choice(CHOICES), default=None,
              help="Colour the text formats: auto (a terminal, or FORCE_COLOR), always, never. [default: auto]")
@click.option("--explain", "explain", metavar="RULE", shell_complete=complete_rules,
              help="Print what RULE looks for, an example and the fix.")
@click.option("--list-rules", is_flag=True, help="List every rule with its default severity.")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Hide the findings recorded in FILE; fail only on new ones.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Record the current findings in FILE (then use --baseline FILE).")
@click.option(
    "--force", is_flag=True, help="With --write-baseline or -o: replace FILE even if speckit did not write it."
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the report to FILE (atomically) instead of standard output. An existing FILE "
                   "that is not an earlier report of speckit check needs --force.")
@click.option("--current", is_flag=True, help="Check the feature Spec Kit is working on (SPECIFY_FEATURE_DIRECTORY, "
              ".specify/feature.json, SPECIFY_FEATURE, else the git branch).")
@config_option
@click.pass_context
def check_command(ctx: click.Context, paths: tuple[str, ...], fmt: str, strict: bool, select: tuple[str, ...],
                  extend_select: tuple[str, ...], ignore: tuple[str, ...], statistics: bool, fix: bool,
                  show_diff: bool, watch: bool, colour: str | None, explain: str | None, list_rules: bool,
                  baseline: Path | None, write_baseline: Path | None, force: bool, output: Path | None,
                  current: bool, config_path: Path | None) -> int:
    """Check features: the task graph, the spec, INVEST on every story, traceability and evidence.

    PATHS are feature folders, files inside them (their whole feature is checked), or folders to
    search, or feature names (a part of a name that one feature has is enough); with none, every
    feature under the specs root except those the config's exclude / extend_exclude globs name.

    --fix repairs only parse/broken-table (a cut separator row), graph/duplicate-id and
    spec/duplicate-id (a later exact copy of a task or requirement is deleted), never a file that
    changed since it was read; docs/linting.md says why only these.
    """
    from speckit.check.rules import RULES, explain_rule

    if explain is not None:
        click.echo(explain_rule(explain, RULES))
        return 0
    if list_rules:
        from speckit.fix import FIXABLE

        for rule in RULES.values():
            state = rule.severity if rule.enabled else f"off ({rule.severity} when on)"
            if not rule.configurable:
                state = f"always ({rule.severity})"  # input/unreadable, internal/bug: no config turns them off
            mark = "[*]" if rule.id in FIXABLE else "[ ]"
            click.echo(f"{rule.id:32} {state:24} {mark} {rule.summary}")
        return 0
    if statistics and fmt not in ("text", "concise", "json"):
        raise click.UsageError("--statistics prints text or json (--format text, concise or json)")
    if watch and (fmt not in ("text", "concise") or output or fix or show_diff or write_baseline):
        raise click.UsageError("--watch prints findings for people: use it with --format text or concise, "
                               "without -o, --fix, --diff or --write-baseline")
    from speckit.check import BUG, UNREADABLE
    from speckit.check import baseline as baselines
    from speckit.discover import features
    from speckit.report import colour as colours
    from speckit.report.diagnostics import Report
    from speckit.selection import select as select_rules

    choice = colour or (ctx.obj or {}).get("color") or "auto"

    def configure() -> Config:
        return select_rules(load_config(config_path), RULES, select, extend_select, ignore)

    config = configure()
    if current:  # the Spec Kit extension's hooks (#15)
        from speckit.discover import current_feature

        paths = (*paths, str(current_feature(config).target.folder))
    known = None
    if baseline is not None:
        known = baselines.load(baseline)
    if watch:
        from speckit.watch import watch as watch_features

        def once(config: Config) -> Report:
            result = collect(features(paths, config), config)
            found, hidden = baselines.apply(result.found, known) if known is not None else (result.found, 0)
            return Report(diagnostics=found, features=result.checked, strict=strict, baselined=hidden,
                          unreadable=result.unreadable)

        return watch_features(paths, configure, once, fmt=fmt, colour=colours.wanted(choice))
    targets = features(paths, config)
    if fix or show_diff:
        done = _fix(targets, config, write=fix and not show_diff)
        if show_diff:
            return 1 if done else 0
    result = collect(targets, config, people=FORMATS[fmt].for_people)
    found = result.found
    if write_baseline is not None:
        count = baselines.write(write_baseline, [d for d in found if d.rule not in (UNREADABLE, BUG)], force=force)
        click.echo(f"wrote {count} findings to {write_baseline}", err=True)
        return 2 if result.unreadable else 0
    hidden = 0
    if known is not None:
        found, hidden = baselines.apply(found, known)
    report = Report(diagnostics=found, features=result.checked, strict=strict, baselined=hidden,
                    unreadable=result.unreadable)
    on = colours.wanted(choice) if output is None else choice == "always"
    if statistics:
        from speckit.fix import FIXABLE
        from speckit.report.diagnostics import statistics as count_rules

        text = count_rules(report, FIXABLE, as_json=fmt == "json")
    else:
        text = FORMATS[fmt].render(report, colour=on)
    _emit(text, output, force, colour=on)
    if result.bugs:
        click.echo(f"speckit: internal error: {result.bugs} feature(s) hit a bug; the others were checked", err=True)
        return 3
    if result.unreadable:
        return 2
    return 1 if report.failed else 0


@dataclass(slots=True)
class Collected:
    found: list[Diagnostic] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    unreadable: int = 0
    bugs: int = 0


def collect(targets: list[Target], config: Config, people: bool = True, cache: bool = True,
            quiet: bool = False) -> Collected:
    """Check ``targets``: the findings, the features checked, and how many could not be read or hit a
    bug (each said on stderr, one line; in the report too unless it is ``people``'s). ``cache``:
    use the check cache (a hit holds no full model: --fix needs the model)."""
    from speckit.check import BUG, check_features
    from speckit.check.cached import open_cache

    result = Collected()
    store = open_cache(config) if cache else None  # None when turned off (config 'cache: false', SPECKIT_CACHE=0)
    for target, feature, diagnostics in check_features(targets, config, cache=store):
        if feature is None:
            if any(d.rule == BUG for d in diagnostics):
                result.bugs += 1
            else:
                result.unreadable += 1
            if not quiet:
                for d in diagnostics:
                    click.echo(f"speckit: error: {d.message}", err=True)
            if not people:
                result.found.extend(diagnostics)
            continue
        result.checked.append(str(target.document or target.folder))
        result.found.extend(diagnostics)
    if store is not None and store.writes:
        store.prune()
    return result


def _fix(targets: list[Target], config: Config, write: bool) -> int:
    """--fix (``write``) or --diff: the fixes of every feature. Returns how many fixes there are
    (--diff) or were written (--fix); what was fixed, or skipped, is said on stderr."""
    from speckit import fix as fixes
    from speckit.check import check_features

    planned = []
    for _target, feature, diagnostics in check_features(targets, config):
        if feature is not None:
            planned.extend(fixes.fixes_for(feature, diagnostics))
    if not write:
        text = fixes.diff(planned)
        if text:
            click.echo(text, nl=False)
        count = sum(len(chosen) for chosen in fixes.chosen(planned).values())
        click.echo(f"speckit: {count} fix{'es' if count != 1 else ''} available "
                   "('speckit check --fix' applies them)" if count else "speckit: nothing to fix", err=True)
        return count
    applied = fixes.apply(planned)
    for line in applied.skipped:
        click.echo(f"speckit: {line}", err=True)
    if applied.fixes:
        files = len(applied.written)
        click.echo(f"speckit: fixed {len(applied.fixes)} finding{'s' if len(applied.fixes) != 1 else ''} "
                   f"in {files} file{'s' if files != 1 else ''}", err=True)
    return len(applied.fixes)


def _emit(text: str, output: Path | None, force: bool = False, colour: bool = False) -> None:
    if output is None:
        if text:
            click.echo(text, color=colour or None)  # None: click strips colour codes off a pipe
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
    earlier report): empty (a clean run in github format), text or concise ending in the summary
    line, --statistics, github annotations, speckit's JSON, GitLab Code Quality JSON, SARIF from
    speckit, or JUnit named "speckit check"."""
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
    if all(re.match(r"\d+\t\S+\s*\t\[[ *]\] ", line) for line in lines):  # --statistics
        return True
    if '<testsuites name="speckit check"' in text[:300]:
        return True
    try:
        data = json.loads(text)
    except ValueError:
        return False
    if isinstance(data, dict) and {"version", "diagnostics", "summary"} <= set(data):
        return True
    if isinstance(data, list) and all(isinstance(item, dict) and ({"check_name", "fingerprint"} <= set(item)
                                                                  or {"code", "count"} <= set(item)) for item in data):
        return True  # gitlab (Code Quality issues), or --statistics --format json; [] is a clean run of either
    try:
        return bool(data["runs"][0]["tool"]["driver"]["name"] == "speckit")
    except (KeyError, IndexError, TypeError):
        return False


