"""``speckit check``: the rule families, run over one feature or a stream of features.

Each family is a module named after its rule ids (graph, spec, invest, trace, evidence; parse for
what the parser reported) with one ``check(ctx) -> Iterator[Diagnostic]``; :data:`FAMILIES` is the
table ``check_feature`` runs. Every finding is made by the catalogue's ``emit`` (speckit/model/rules.py).

``check_target`` (read one target and check it) is a pure function of the files it reads and the
config, so the benchmark's content-hashed cache can wrap it. Cross-feature rules
(``spec/duplicate-feature-number``) need only each feature's reference, kept by ``check_features``.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Final

from speckit.check import evidence, graph, invest, parse, spec, trace
from speckit.check.context import Context, level
from speckit.check.rules import CONFIGURABLE, INVEST_RULES, RULES, Rule, emit, order
from speckit.config import Config, git_top
from speckit.discover import Target, read
from speckit.errors import InputError
from speckit.model import Diagnostic, Feature
from speckit.parse import shown

if TYPE_CHECKING:
    from speckit.store import Cache

__all__ = ["BUG", "FAMILIES", "INVEST_RULES", "RULES", "Context", "Rule", "check_feature", "check_features",
           "check_target", "finish", "validate_config"]

UNREADABLE: Final = "input/unreadable"
"""Rule id of the diagnostic that stands for a feature that could not be read (exit code 2)."""
BUG: Final = "internal/bug"
"""Rule id of the diagnostic that stands for a feature speckit failed on (a bug: exit code 3)."""

FAMILIES: dict[str, Callable[[Context], Iterable[Diagnostic]]] = {
    "parse": parse.check,
    "graph": graph.check,
    "spec": spec.check,
    "invest": invest.check,
    "trace": trace.check,
    "evidence": evidence.check,
}
"""Every rule family, in the order its findings are collected (the first of two identical findings is
kept). A new family is a module with ``check(ctx)`` and a line here."""


def validate_config(config: Config) -> None:
    """Rule keys and leftover patterns of the config; a mistake is an InputError naming the key."""
    for key in config.rules:
        if key in CONFIGURABLE or (any(ch in key for ch in "*?[") and fnmatch.filter(CONFIGURABLE, key)):
            continue
        import difflib  # only for a mistyped rule id: ~1 ms of every commit hook otherwise (#7)

        close = difflib.get_close_matches(key, sorted(CONFIGURABLE), n=1)
        hint = f" (did you mean {close[0]}?)" if close else " ('speckit check --list-rules' lists them)"
        raise InputError(f"{_where(config, key)}: unknown rule '{key}' under rules{hint}")
    for pattern in config.leftover_patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            where = _where(config, pattern)
            raise InputError(f"{where}: bad regex in leftover_patterns: {pattern!r} ({error})") from None


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
    root = repo_root if repo_root is not None else repo_root_for(Path(feature.feature.path), config)
    context = Context(feature, config, root)
    return finish([d for family in FAMILIES.values() for d in family(context)], config, feature)


def finish(found: Iterable[Diagnostic], config: Config, feature: Feature | None = None) -> list[Diagnostic]:
    """Apply severities from the config and the inline suppressions the parser collected for
    ``feature``'s documents (``Feature.sources``); sort; drop exact repeats."""
    sources = feature.sources if feature is not None else {}
    out: list[Diagnostic] = []
    seen: set[tuple[str, str, int, int, str]] = set()
    for diagnostic in found:
        severity = level(diagnostic.rule, config, default=diagnostic.severity)
        if severity is None:
            continue
        source = sources.get(diagnostic.path)  # a document not read (a link out) has none
        if source is not None and _ignored(diagnostic.rule, source.suppressions, diagnostic.line):
            continue
        key = (diagnostic.rule, diagnostic.path, diagnostic.line, diagnostic.column, diagnostic.message)
        if key in seen:
            continue
        seen.add(key)
        if severity != diagnostic.severity:
            diagnostic = dataclasses.replace(diagnostic, severity=severity)  # type: ignore[arg-type]  # level(): a str
        out.append(diagnostic)
    out.sort(key=order)
    return out


def _ignored(rule: str, marks: Mapping[int, list[str]], line: int) -> bool:
    """A suppression on the line before the finding's line, or on that line."""
    if not marks:
        return False
    patterns = marks.get(line - 1, []) + marks.get(line, [])
    return any(p == rule or p == "*" or fnmatch.fnmatchcase(rule, p) for p in patterns)


def check_target(target: Target, config: Config, repo_root: Path | None = None,
                 data: dict[Path, bytes] | None = None) -> tuple[Feature, list[Diagnostic]]:
    """Read one target and check it: the unit a cache can wrap. Raises InputError when unreadable.
    ``data``: the documents' bytes as the cache hashed them; they are what gets parsed (and what the
    suppressions are read from: the check never reads a document again)."""
    feature = read(target, data)
    return feature, check_feature(feature, config, repo_root)


def check_features(targets: Iterable[Target], config: Config, repo_root: Path | None = None,
                   cache: Cache | None = None) -> Iterator[tuple[Target, Feature | None, list[Diagnostic]]]:
    """Check features one by one, streaming. An unreadable target yields ``None`` and one
    ``input/unreadable`` error diagnostic (the CLI then exits 2); the others are still read.
    With a ``cache`` (#7), a cache hit yields a Feature holding only its reference, its documents and
    their suppressions (what the cross-feature rule reads)."""
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
            path = shown(target.document or target.folder)  # a name that is not UTF-8, escaped
            yield target, None, [emit(UNREADABLE, str(error), path, end_line=0)]
            continue
        except (RecursionError, Exception) as error:  # a bug in speckit: it must not hide the other features (#11)
            if debug_enabled():
                raise
            message = (f"speckit failed on this feature: {type(error).__name__}: {error} (a bug: please report it; "
                       "'speckit --debug check PATH' shows the traceback)")
            yield target, None, [emit(BUG, message, str(target.document or target.folder), end_line=0)]
            continue
        cross = finish(spec.duplicate_number(feature, numbers), config, feature)
        if cross:
            found = sorted(found + cross, key=order)
        yield target, feature, found


def debug_enabled() -> bool:
    """``speckit --debug`` (or SPECKIT_DEBUG=1): let a bug raise, for its traceback."""
    return "--debug" in sys.argv or os.environ.get("SPECKIT_DEBUG") == "1"
