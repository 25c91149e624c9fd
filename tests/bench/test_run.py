"""A small-scale smoke run of the benchmark, so that it cannot rot: every figure is produced (or
says why not), results.json has its shape, and the warm figure really hits the cache. No timing is
asserted here; the budgets live in benchmarks/results.json and docs/performance.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_quick_benchmark_produces_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--runs", "1", "--out", str(out),
         "--only", "hook,throughput,warm,graph,memory,site,peer", "--keep", str(tmp_path / "work")],
        capture_output=True, text=True, timeout=240, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text())
    figures = {f["number"]: f for f in data["figures"]}
    assert sorted(figures) == ["1", "2", "3", "4a", "4b", "4c", "5", "6", "6b", "6c", "7a", "7b"]
    for number in ("1", "2", "3", "4a", "4b", "4c", "5", "6", "6b"):
        figure = figures[number]
        assert figure["measured"], (number, figure["notes"])
        assert figure["value"] > 0 and figure["subject"]["median_s"] > 0 and figure["baseline"]["median_s"] > 0
        assert figure["verdict"] in ("met",) or figure["verdict"].startswith("missed by ")
    # --quick never reaches for the npm registry: the peer says why it was skipped.
    assert not figures["7a"]["measured"] and "skipped" in figures["7a"]["notes"][0]
    assert "cache entries after the cold run" in figures["3"]["notes"][0]
    assert not any("wrote no cache entries" in note for note in figures["3"]["notes"])
    assert figures["5"]["unit"] == "MB" and figures["5"]["value"] < 1000
    # The site's size is a size, not a ratio of two timings.
    assert figures["6c"]["measured"] and figures["6c"]["unit"] == "MB" and figures["6c"]["value"] > 0
    assert data["machine"]["python"] and data["table"].count("\n| ") == 12
    assert "| 1 | Hook latency" in done.stdout


def test_the_corpus_repeats_with_its_seed(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import corpus
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    first = corpus.write_corpus(tmp_path / "a", 5, seed=3)
    second = corpus.write_corpus(tmp_path / "b", 5, seed=3)
    assert [f.name for f in first] == [f.name for f in second]
    for a, b in zip(first, second, strict=True):
        for name in ("spec.md", "plan.md", "tasks.md"):
            assert (a / name).read_bytes() == (b / name).read_bytes()
    preds = corpus.graph_edges(1000, 3000)
    assert sum(map(len, preds)) == 3000 and all(p < i for i, pred in enumerate(preds) for p in pred)
