"""Figure 9 of the benchmark (the language server's latency) runs, so that it cannot rot. No timing
is asserted; the budget lives in docs/performance.md."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from support import ROOT


def test_quick_lsp_figure(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--quick",
            "--runs",
            "2",
            "--only",
            "lsp",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (figure,) = json.loads(out.read_text())["figures"]
    assert figure["number"] == "9" and figure["measured"], figure["notes"]
    assert figure["value"] > 0 and len(figure["subject"]["runs_s"]) == 2
    assert re.match(r"\d+\.\d KB in 3 documents, all open", figure["notes"][0])
    assert "publishDiagnostics of the real server" in figure["notes"][1]
