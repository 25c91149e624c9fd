"""``speckit lsp`` as a command: without its extra, and kept off ``speckit check``'s start-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lsp_feature import write_feature


def test_without_pygls_one_line_and_exit_2(tmp_path: Path) -> None:
    """No lsp extra installed: one line saying how to install it, exit 2 (pygls hidden from the import system)."""
    script = "import sys\nsys.modules['pygls'] = sys.modules['lsprotocol'] = None\nfrom speckit.cli import main\nmain(['lsp'])\n"
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == ["speckit: error: speckit lsp needs pygls: pip install 'speckit-compiler[lsp]'"]


def test_check_does_not_import_pygls(tmp_path: Path) -> None:
    folder = write_feature(tmp_path)
    script = ("import sys\nfrom speckit.cli import main\n"
              "try:\n    main(['check', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol') or m.startswith('speckit.lsp')))")
    done = subprocess.run([sys.executable, "-c", script, str(folder)], check=False, capture_output=True, text=True, cwd=tmp_path)
    assert "trace/" not in done.stderr and done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr
