from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from support import ROOT, SEED, SPECS  # noqa: F401  (re-exported for older imports)

# CI runs derandomised so that a red build is reproducible; locally hypothesis explores.
settings.register_profile("ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture
def repo_root() -> Path:
    return ROOT


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-expected", action="store_true", dest="update_expected",
                     help="Rewrite the expected.txt files of tests/cases/rules/ from what speckit reports now "
                          "(then read the diff).")
