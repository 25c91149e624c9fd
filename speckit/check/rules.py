"""The check stage's view of the catalogue (speckit/model/rules.py): the rules ``speckit check``
reports, and how it maps parse findings and INVEST letters onto them."""

from __future__ import annotations

from speckit.model.rules import CONFIGURABLE, RULES, Rule, RuleId, emit, order

__all__ = ["CONFIGURABLE", "INVEST_RULES", "RULES", "SUPERSEDED", "Rule", "RuleId", "emit", "order"]

SUPERSEDED: dict[str, RuleId] = {"parse/duplicate-id": "graph/duplicate-id"}
"""Parse diagnostics that a check rule reports better at the same place."""

INVEST_RULES: dict[str, RuleId] = {
    "I": "invest/independent", "N": "invest/negotiable", "V": "invest/valuable",
    "E": "invest/estimable", "S": "invest/small", "T": "invest/testable",
}
