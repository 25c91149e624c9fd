"""Rule selection on the command line: ``--select``, ``--extend-select`` and ``--ignore``, as ruff has
them, with the globs the config's ``rules:`` keys take (``invest/*``, or a family name ``invest``).

- ``--select P``: only the rules matching P report (rules off by default among them are turned on);
- ``--extend-select P``: the rules matching P report too, beside those already on;
- ``--ignore P``: the rules matching P are off, whatever selected them.

Each may be repeated or take a comma-separated list. A rule keeps the severity the config gives it,
else its default. The result is a Config whose ``rules`` name every rule exactly, so the rules, the
inline suppressions and the check cache see one consistent setting (its digest changes with it).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, cast

from speckit.config import Config, RuleLevel
from speckit.errors import InputError

if TYPE_CHECKING:
    from speckit.check.rules import Rule


def patterns(values: Iterable[str]) -> list[str]:
    """Repeated options and comma-separated lists -> patterns (``invest`` means ``invest/*``)."""
    out = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if part:
                out.append(part if "/" in part or any(ch in part for ch in "*?[") else part + "/*")
    return out


def _matching(pattern: str, known: list[str], option: str) -> set[str]:
    found = {rule for rule in known if fnmatch.fnmatchcase(rule, pattern)}
    if not found:
        import difflib

        close = difflib.get_close_matches(pattern.removesuffix("/*"), known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else " ('speckit check --list-rules' lists them)"
        raise InputError(f"{option} {pattern}: matches no rule{hint}")
    return found


def select(config: Config, rules: Mapping[str, Rule], select: Iterable[str] = (),
           extend_select: Iterable[str] = (), ignore: Iterable[str] = ()) -> Config:
    """``config`` with the command line's selection applied; unchanged when none was given."""
    chosen, extra, dropped = patterns(select), patterns(extend_select), patterns(ignore)
    if not (chosen or extra or dropped):
        return config
    from speckit.check import level  # the config's own setting of each rule

    # Only what a config key may set: not the import's codes, nor input/unreadable and internal/bug.
    known = sorted(rule for rule, entry in rules.items() if entry.configurable and entry.stage == "check")
    defaults = {rule: rules[rule].severity for rule in known}
    current = {rule: level(rule, config) for rule in known}
    if chosen:
        on = set().union(*(_matching(p, known, "--select") for p in chosen))
    else:
        on = {rule for rule in known if current[rule] is not None}
    for pattern in extra:
        on |= _matching(pattern, known, "--extend-select")
    for pattern in dropped:
        on -= _matching(pattern, known, "--ignore")
    settings: dict[str, str] = {rule: (current[rule] or defaults[rule]) if rule in on else "off" for rule in known}
    fingerprint = hashlib.sha256(repr(sorted(settings.items())).encode()).hexdigest()[:8]
    # level() and Rule.severity are plain strings until the rule ids and levels are closed types.
    levels = cast("dict[str, RuleLevel]", settings)
    return dataclasses.replace(config, rules=levels, digest=f"{config.digest}+{fingerprint}")
