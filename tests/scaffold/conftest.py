"""The scaffold tests' fixture: ``project``, found by name in every module here."""

from __future__ import annotations

from pathlib import Path

import pytest
from scaffold_helpers import EPOCH


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty git repository (its top level is where config and specs resolve)."""
    (tmp_path / ".git").mkdir()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.chdir(tmp_path)
    return tmp_path
