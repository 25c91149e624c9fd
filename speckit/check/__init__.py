"""``speckit check``: the rules, run over one feature or a stream of features.

``check_target`` (read one target and check it) is a pure function of the files it reads and the
config, so the benchmark's content-hashed cache can wrap it. Cross-feature rules
(``spec/duplicate-feature-number``) need only each feature's reference, kept by ``check_features``.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from speckit.check.rules import INVEST_RULES, RULES, SUPERSEDED, Rule
from speckit.config import Config, git_top
from speckit.discover import Target
from speckit.errors import InputError
from speckit.model import Diagnostic, Feature

if TYPE_CHECKING:
    from speckit.store import Cache

__all__ = ["BUG", "RULES", "INVEST_RULES", "Rule", "check_feature", "check_features", "check_target", "validate_config"]

UNREADABLE = "input/unreadable"
"""Rule id of the diagnostic that stands for a feature that could not be read (exit code 2)."""
BUG = "internal/bug"
"""Rule id of the diagnostic that stands for a feature speckit failed on (a bug: exit code 3)."""

_IGNORE = re.compile(r"<!--\s{0,20}speckit-ignore\b([^>\n]{0,500}?)-->")  # bounded: linear on repeats (#16)
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def validate_config(config: Config) -> None:
    """Rule keys and leftover patterns of the config; a mistake is an InputError naming the key."""
    known = set(RULES)
    for key in config.rules:
        if key in known or (any(ch in key for ch in "*?[") and fnmatch.filter(known, key)):
            continue
        import difflib  # only for a mistyped rule id: ~1 ms of every commit hook otherwise (#7)

        close = difflib.get_close_matches(key, sorted(known), n=1)
        hint = f" (did you mean {close[0]}?)" if close else " ('speckit check --list-rules' lists them)"
        raise InputError(f"{_where(config, key)}: unknown rule '{key}' under rules{hint}")
    for pattern in config.leftover_patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            raise InputError(f"{_where(config, pattern)}: bad regex in leftover_patterns: {pattern!r} ({error})") from None


def _where(config: Config, needle: str) -> str:
    if config.source is None:
        return "config"
    try:
        for number, line in enumerate(config.source.read_text(encoding="utf-8-sig").splitlines(), 1):
            if needle in line:
                return f"{config.source}:{number}"
    except OSError:
        pass
    return str(config.source)


def level(rule: str, config: Config, default: str | None = None) -> str | None:
    """The severity a rule reports at under ``config``; None when it is off."""
    setting = config.rules.get(rule)
    if setting is None:
        for key, value in config.rules.items():
            if any(ch in key for ch in "*?[") and fnmatch.fnmatchcase(rule, key):
                setting = value
    if setting is not None:
        return None if setting == "off" else setting
    known = RULES.get(rule)
    if known is None:
        return default
    return known.severity if known.enabled else None


def repo_root_for(folder: Path, config: Config) -> Path:
    """Evidence paths resolve against the git top level, else the folder that holds the specs root."""
    start = folder.resolve()
    top = git_top(start)
    if top is not None:
        return top
    # No git: the folder that holds the feature's specs root ("specs" above the feature), never
    # the directory speckit happens to run in (#11).
    name = Path(config.specs_root).name or "specs"
    for candidate in start.parents:
        if candidate.name == name:
            return candidate.parent
    return config.specs_path.parent


def check_feature(feature: Feature, config: Config, repo_root: Path | None = None) -> list[Diagnostic]:
    """Every finding for one feature: its parse diagnostics and the rules, after the config's
    severities and the inline ``<!-- speckit-ignore RULE -->`` suppressions; sorted by place."""
    from speckit.check import graph_rules, invest, spec_rules, trace
    from speckit.graph import build_graph

    found: list[Diagnostic] = [d for d in feature.diagnostics if d.rule not in SUPERSEDED]
    if feature.tasks:
        found.extend(graph_rules.check(build_graph(feature)))
    found.extend(spec_rules.check(feature, config))
    found.extend(invest.check(feature, config))
    found.extend(trace.check(feature))
    root = repo_root if repo_root is not None else repo_root_for(Path(feature.feature.path), config)
    found.extend(trace.evidence(feature, root, level("evidence/done-without-files", config) is not None))
    return finish(found, config)


def finish(found: Iterable[Diagnostic], config: Config) -> list[Diagnostic]:
    """Apply severities from the config and inline suppressions; sort; drop exact repeats."""
    out: list[Diagnostic] = []
    ignores: dict[str, dict[int, list[str]]] = {}
    seen: set[tuple[str, str, int, int, str]] = set()
    for diagnostic in found:
        severity = level(diagnostic.rule, config, default=diagnostic.severity)
        if severity is None:
            continue
        if diagnostic.rule.startswith("input/"):
            ignores.setdefault(diagnostic.path, {})  # not read (a link out, unreadable): no suppressions
        if diagnostic.path not in ignores:
            ignores[diagnostic.path] = _suppressions(diagnostic.path)
        marks = ignores[diagnostic.path]
        if _ignored(diagnostic.rule, marks.get(diagnostic.line - 1, []) + marks.get(diagnostic.line, [])):
            continue
        key = (diagnostic.rule, diagnostic.path, diagnostic.line, diagnostic.column, diagnostic.message)
        if key in seen:
            continue
        seen.add(key)
        if severity != diagnostic.severity:
            diagnostic = dataclasses.replace(diagnostic, severity=severity)  # type: ignore[arg-type]  # level(): a str
        out.append(diagnostic)
    out.sort(key=lambda d: (d.path, d.line, d.column, _SEVERITY_ORDER[d.severity], d.rule, d.message))
    return out


def _suppressions(path: str) -> dict[int, list[str]]:
    """line -> rule patterns named by ``<!-- speckit-ignore ... -->`` comments on that line."""
    from speckit.parse import parsed_text

    text = parsed_text(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
        except OSError:
            return {}
    if "speckit-ignore" not in text:
        return {}
    marks: dict[int, list[str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        for match in _IGNORE.finditer(line):
            names = [n for n in re.split(r"[\s,]+", match.group(1).strip()) if n]
            # Words after the rule ids are a justification: '-- reason' or anything not shaped like an id.
            rules = []
            for name in names:
                if name in ("--", "because", ":"):
                    break
                if "/" in name or name == "*":
                    rules.append(name)
            marks.setdefault(number, []).extend(rules or ["*"])
    return marks


def _ignored(rule: str, patterns: list[str]) -> bool:
    return any(p == rule or p == "*" or fnmatch.fnmatchcase(rule, p) for p in patterns)


def check_target(target: Target, config: Config, repo_root: Path | None = None,
                 data: dict[Path, bytes] | None = None) -> tuple[Feature, list[Diagnostic]]:
    """Read one target and check it: the unit a cache can wrap. Raises InputError when unreadable.
    ``data``: the documents' bytes as the cache hashed them; they are what gets parsed."""
    from speckit.discover import read
    from speckit.parse import reading

    with reading():  # suppressions are looked up in the text that was parsed, not a second read
        feature = read(target, data)
        return feature, check_feature(feature, config, repo_root)


def check_features(targets: Iterable[Target], config: Config, repo_root: Path | None = None,
                   cache: Cache | None = None) -> Iterator[tuple[Target, Feature | None, list[Diagnostic]]]:
    """Check features one by one, streaming. An unreadable target yields ``None`` and one
    ``input/unreadable`` error diagnostic (the CLI then exits 2); the others are still read.
    With a ``cache`` (#7), a cache hit yields a Feature holding only its reference and documents."""
    validate_config(config)
    numbers: dict[tuple[Path, str], str] = {}
    for target in targets:
        try:
            if cache is not None:  # the check cache (#7)
                from speckit.check.cached import check_target_cached  # it imports this module

                feature, found = check_target_cached(cache, target, config, repo_root)
            else:
                feature, found = check_target(target, config, repo_root)
        except InputError as error:
            from speckit.parse import shown

            path = shown(target.document or target.folder)  # a name that is not UTF-8, escaped
            yield target, None, [Diagnostic(rule=UNREADABLE, severity="error", message=str(error), path=path)]
            continue
        except (RecursionError, Exception) as error:  # a bug in speckit: it must not hide the other features (#11)
            if debug_enabled():
                raise
            path = str(target.document or target.folder)
            message = (f"speckit failed on this feature: {type(error).__name__}: {error} (a bug: please report it; "
                       "'speckit --debug check PATH' shows the traceback)")
            yield target, None, [Diagnostic(rule=BUG, severity="error", message=message, path=path)]
            continue
        cross = list(_duplicate_number(feature, numbers))
        if cross:
            found = sorted(found + finish(cross, config),
                           key=lambda d: (d.path, d.line, d.column, _SEVERITY_ORDER[d.severity], d.rule))
        yield target, feature, found


def debug_enabled() -> bool:
    """``speckit --debug`` (or SPECKIT_DEBUG=1): let a bug raise, for its traceback."""
    import os
    import sys

    return "--debug" in sys.argv or os.environ.get("SPECKIT_DEBUG") == "1"


def _duplicate_number(feature: Feature, numbers: dict[tuple[Path, str], str]) -> Iterator[Diagnostic]:
    ref = feature.feature
    if not ref.number:
        return
    folder = Path(ref.path)
    key = (folder.resolve().parent, ref.number.lower())
    first = numbers.setdefault(key, ref.path)
    if first != ref.path and Path(first).resolve() != folder.resolve():
        rule = RULES["spec/duplicate-feature-number"]
        path = feature.documents[0] if feature.documents else ref.path
        yield Diagnostic(rule=rule.id, severity=rule.severity, path=path, line=1,
                         message=f"feature number {ref.number} of {ref.id} is also used by {first}",
                         hint=rule.fix)
