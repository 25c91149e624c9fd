"""parse/* and input/*: what the parser reported while reading the feature, except the findings a
check rule reports better at the same place (parse/duplicate-id is graph/duplicate-id)."""

from __future__ import annotations

from collections.abc import Iterator

from speckit.check.context import Context
from speckit.check.rules import SUPERSEDED
from speckit.model import Diagnostic


def check(ctx: Context) -> Iterator[Diagnostic]:
    for diagnostic in ctx.feature.diagnostics:
        if diagnostic.rule not in SUPERSEDED:
            yield diagnostic
