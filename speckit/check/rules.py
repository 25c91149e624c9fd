"""The check stage's view of the catalogue (speckit/model/rules.py): the rules ``speckit check``
reports, and how it maps parse findings and INVEST letters onto them."""

from __future__ import annotations

from collections.abc import Mapping

from speckit.errors import InputError
from speckit.model.rules import CONFIGURABLE, RULES, Rule, RuleId, emit, order

__all__ = ["CONFIGURABLE", "INVEST_RULES", "RULES", "SUPERSEDED", "Rule", "RuleId", "emit", "explain_rule", "order"]

SUPERSEDED: dict[str, RuleId] = {"parse/duplicate-id": "graph/duplicate-id"}
"""Parse diagnostics that a check rule reports better at the same place."""

INVEST_RULES: dict[str, RuleId] = {
    "I": "invest/independent", "N": "invest/negotiable", "V": "invest/valuable",
    "E": "invest/estimable", "S": "invest/small", "T": "invest/testable",
}


def explain_rule(rule_id: str, rules: Mapping[str, object]) -> str:
    """What 'speckit check --explain RULE' prints; an unknown id is an InputError with 'did you mean'."""
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
