"""No dead code in speckit/: vulture over the package, with tests/vulture_whitelist.py for the names it
cannot see used (click callbacks, template variables, model fields read only as JSON). Runs in
about a second."""

from __future__ import annotations

import subprocess
import sys

from support import ROOT


def test_vulture_finds_no_unused_code() -> None:
    done = subprocess.run([sys.executable, "-m", "vulture", "speckit", "tests/vulture_whitelist.py",
                           "--exclude", "speckit/_vendor"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode in (0, 3), done.stderr  # 3: findings; anything else: vulture itself failed
    assert done.stdout.strip() == "", "unused code (remove it, or whitelist a false positive):\n" + done.stdout


def test_vulture_would_report_a_dead_function(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The check can fail: a module with an uncalled function is reported.
    (tmp_path / "mod.py").write_text("def used():\n    return 1\n\n\ndef never_called():\n    return 2\n\n\nused()\n")
    done = subprocess.run([sys.executable, "-m", "vulture", str(tmp_path / "mod.py")], capture_output=True, text=True,
                          timeout=60, check=False)
    assert "never_called" in done.stdout
