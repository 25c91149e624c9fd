"""The site at monorepo scale, without a browser: a rebuild renders only what changed and keeps the
search index whole, a page's size does not grow with the number of features, and the index and
overview say each thing once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from features import write_generated

SPECKIT = [sys.executable, "-m", "speckit"]


def _build(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([*SPECKIT, "docs", "build", "--strict", "specs", "--project", str(root / "p"), *extra],
                            cwd=root, capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    return result


def _stamps(site: Path) -> dict[str, int]:
    return {str(p.relative_to(site)): p.stat().st_mtime_ns for p in site.rglob("index.html")}


def test_a_rebuild_renders_only_the_pages_of_the_edited_feature(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    for n in range(1, 4):
        write_generated(tmp_path / "specs" / f"00{n}-f", n, phases=3, per_phase=4)
    _build(tmp_path)
    site = tmp_path / "p" / "site"
    before = _stamps(site)
    index_before = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    tasks = tmp_path / "specs" / "002-f" / "tasks.md"
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("- [ ] T001", "- [x] T001"), encoding="utf-8")
    _build(tmp_path)
    after = _stamps(site)
    changed = sorted(k for k in after if after[k] != before.get(k))
    assert changed and all(k.startswith("features/002-f/") or k == "index.html" for k in changed), changed
    assert "features/001-f/index.html" not in changed and "features/002-f/documents/tasks/index.html" in changed
    index_after = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    assert {e["location"] for e in index_after} == {e["location"] for e in index_before}
    assert len(index_after) == len(index_before)
    # The rebuilt index is byte for byte the one a whole build of the same documents writes.
    _build(tmp_path, "--out", str(tmp_path / "whole"))
    assert (site / "search" / "search_index.json").read_bytes() == \
        (tmp_path / "whole" / "search" / "search_index.json").read_bytes()
    # A new feature changes the set of pages: the build is whole again, and still correct.
    write_generated(tmp_path / "specs" / "004-f", 4, phases=3, per_phase=4)
    _build(tmp_path)
    assert (site / "features" / "004-f" / "graph" / "index.html").is_file()
    assert len(_stamps(site)) == len(after) + len([k for k in after if k.startswith("features/001-f/")])


def test_a_page_does_not_grow_with_the_number_of_features(tmp_path: Path) -> None:
    sizes = []
    for count in (2, 12):
        root = tmp_path / str(count)
        (root / ".git").mkdir(parents=True)
        for n in range(1, count + 1):
            write_generated(root / "specs" / f"{n:03d}-feature", 1, phases=3, per_phase=4)
        _build(root)
        page = root / "p" / "site" / "features" / "001-feature" / "stories" / "index.html"
        sizes.append(page.stat().st_size)
        text = page.read_text(encoding="utf-8")
        assert "012-feature" not in text and "002-feature" not in text
        assert "\n    " not in text.split("<pre", 1)[0]  # Material's indentation is trimmed
    assert abs(sizes[1] - sizes[0]) < 200, sizes


def test_index_totals_and_overview_metadata_once(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    for n in range(1, 3):
        write_generated(tmp_path / "specs" / f"00{n}-f", n, phases=3, per_phase=4)
    plan = tmp_path / "specs" / "001-f" / "plan.md"
    plan.write_text("# Implementation Plan: f\n\n**Status**: Approved\n**Created**: 2026-01-02\n"
                    "**Branch**: `001-f` <b>\n\n## Summary\n\nx\n", encoding="utf-8")
    _build(tmp_path)
    index = (tmp_path / "p" / "docs" / "index.md").read_text(encoding="utf-8")
    # 2 features x 12 tasks, every third done: 8 done, 16 open.
    assert "<strong>2</strong> features" in index and "<strong>8</strong> of 24 tasks done" in index
    assert "<strong>16</strong> open" in index and 'class="speckit-filter"' in index
    assert '<option value="Draft">Draft (2)</option>' in index
    overview = (tmp_path / "p" / "docs" / "features" / "001-f" / "index.md").read_text(encoding="utf-8")
    assert "<tr><th>Status</th><td>Draft (spec.md)<br>Approved (plan.md)</td></tr>" in overview
    assert overview.count("<th>Created</th>") == 1 and "<thead>" not in overview.split("<h2", 1)[0]
    assert "<tr><th>Branch</th><td>001-f &lt;b&gt;</td></tr>" in overview  # plain text: no backticks, no tag


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@x", "HOME": str(root), "PATH": "/usr/bin:/bin"})


def test_progress_over_time_from_git_history(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    feature = write_generated(repo / "specs" / "001-f", 1, phases=2, per_phase=3, done_every=100)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "tasks")
    tasks = feature / "tasks.md"
    text = tasks.read_text(encoding="utf-8")
    tasks.write_text(text.replace("- [ ] T001", "- [x] T001").replace("- [ ] T002", "- [x] T002"), encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "two done")
    _build(repo)
    overview = (repo / "p" / "docs" / "features" / "001-f" / "index.md").read_text(encoding="utf-8")
    assert "2 commits changed tasks.md" in overview
    assert "  bar [0, 2]\n  line [6, 4]\n" in overview and "xychart-beta" in overview
    index = (repo / "p" / "docs" / "index.md").read_text(encoding="utf-8")
    assert "  bar [0, 2]\n  line [6, 4]\n" in index
    counted = json.loads((repo / "p" / "history.json").read_text(encoding="utf-8"))
    assert sorted(counted.values()) == [[0, 6], [2, 4]]  # cached by blob: a rebuild counts only new versions

    plain = tmp_path / "plain"
    write_generated(plain / "specs" / "001-f", 1, phases=2, per_phase=3)
    (plain / ".git").mkdir()  # a folder that looks like a repository root but has no history
    _build(plain)
    overview = (plain / "p" / "docs" / "features" / "001-f" / "index.md").read_text(encoding="utf-8")
    assert "No history: " in overview and "xychart" not in overview


def test_pages_computed_by_worker_processes_are_the_pages_computed_in_one(tmp_path: Path) -> None:
    """--jobs 2 computes the features in two spawned or forked workers (as a cold build of many
    features does by default); the project is byte for byte the one a single process writes."""
    (tmp_path / ".git").mkdir()
    for n in range(1, 5):
        write_generated(tmp_path / "specs" / f"00{n}-f", n, phases=2, per_phase=3)
    (tmp_path / "specs" / "005-bad").mkdir()
    (tmp_path / "specs" / "005-bad" / "spec.md").write_bytes(b"# Bad \xff\n")
    trees = []
    for jobs in ("1", "2"):
        result = subprocess.run([*SPECKIT, "docs", "build", "specs", "--project", str(tmp_path / f"p{jobs}"),
                                 "--jobs", jobs], cwd=tmp_path, capture_output=True, text=True, timeout=180,
                                check=False, env={**os.environ, "SPECKIT_CACHE": "0"})
        assert result.returncode == 2 and "005-bad/spec.md: not valid UTF-8" in result.stderr, result.stderr
        assert "built 4 features" in result.stdout
        docs = tmp_path / f"p{jobs}" / "docs"
        trees.append({str(p.relative_to(docs)): p.read_bytes() for p in docs.rglob("*.md")})
    assert trees[0] == trees[1] and len(trees[0]) > 30


def test_workers_are_spawned_while_other_threads_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fork of a process with other threads (the progress display, 'docs serve') could deadlock,
    so such a process spawns its workers; their pages are those a single process computes."""
    import threading

    from speckit.config import load
    from speckit.discover import features
    from speckit.site import _start_method, generate

    (tmp_path / ".git").mkdir()
    for n in range(1, 4):
        write_generated(tmp_path / "specs" / f"00{n}-f", n, phases=2, per_phase=3)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SPECKIT_CACHE", "0")
    config = load(tmp_path)
    alone = generate(features(("specs",), config), config, tmp_path / "p1", workers=1)
    import multiprocessing

    import speckit.site

    used: list[str] = []
    real = multiprocessing.get_context
    monkeypatch.setattr(speckit.site.multiprocessing, "get_context", lambda method: used.append(method) or real(method))
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert _start_method() == "spawn"
        spawned = generate(features(("specs",), config), config, tmp_path / "p2", workers=2)
    finally:
        stop.set()
        thread.join()
    assert used == ["spawn"] and spawned.computed == alone.computed == 3
    forked = generate(features(("specs",), config), config, tmp_path / "p3", workers=2)
    assert used == ["spawn", "fork"] and forked.search == alone.search  # search entries come back from workers
    pages = [{str(p.relative_to(root)): p.read_bytes() for p in (root / "docs").rglob("*.md")}
             for root in (tmp_path / "p1", tmp_path / "p2", tmp_path / "p3")]
    assert pages[0] == pages[1] == pages[2] and alone.search
