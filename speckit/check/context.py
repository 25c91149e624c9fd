"""What every rule family is given: the feature, the config, the task graph, the repository root, and
whether a rule is on. One object, so a family's signature never changes when a rule needs more."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

from speckit.check.rules import RULES, RuleId
from speckit.config import Config
from speckit.graph import TaskGraph
from speckit.model import Feature


def level(rule: str, config: Config, default: str | None = None) -> str | None:
    """The severity a rule reports at under ``config``; None when it is off."""
    known = RULES.get(rule)
    if known is not None and not known.configurable:
        return known.severity  # input/unreadable, internal/bug: no key or glob turns them off
    setting = config.rules.get(rule)
    if setting is None:
        for key, value in config.rules.items():
            if any(ch in key for ch in "*?[") and fnmatch.fnmatchcase(rule, key):
                setting = value
    if setting is not None:
        return None if setting == "off" else setting
    if known is None:
        return default
    return known.severity if known.enabled else None


@dataclass(slots=True)
class Context:
    """One feature being checked."""

    feature: Feature
    config: Config
    root: Path
    """The repository root that evidence paths resolve against (see ``repo_root_for``)."""
    _graph: TaskGraph | None = field(default=None, repr=False)

    @property
    def graph(self) -> TaskGraph:
        """The task graph, built on first use (only the graph family asks, and only with tasks)."""
        if self._graph is None:
            self._graph = TaskGraph(self.feature)
        return self._graph

    def enabled(self, rule: RuleId) -> bool:
        """Whether ``rule`` reports anything under the config (off-by-default rules included)."""
        return level(rule, self.config) is not None
