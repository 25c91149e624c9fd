"""Shared by the tests under tests/parse/: load a case file of tests/cases/formats/ into a Feature.

Each case file is read on its own, so its kind comes from its title (``# Tasks: ...``) or, for
``checklists/*.md``, from its folder: that is the single-document path of ``speckit show``.
"""

from __future__ import annotations

from support import ROOT

from speckit.model import Feature, Task
from speckit.parse import load_document

CASES = ROOT / "tests" / "cases" / "formats"


def case(relative: str) -> Feature:
    return load_document(CASES / relative)


def tasks_by_id(feature: Feature) -> dict[str, Task]:
    return {t.id: t for t in feature.tasks if t.id}
