"""Paths every test area uses. Import them with ``from support import SPECS``: a module named
``conftest`` is ambiguous once test folders have their own conftest.py files."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
SEED = ROOT.parent / "shared" / "seeds" / "aws-sandbox-plan.rendered.txt"
