"""The check cache keys on what it read, read once (issue 16, item 7): a teammate's edit landing
between the cache hashing a document and the parser reading it stored the new text's result under
the old text's key, so the old text later came back clean from the cache (cached exit 0, uncached
exit 1 on the same bytes). The edit is made at exactly that moment here, by wrapping the cache's
read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from speckit.check import cached as cache_module
from speckit.check import check_features
from speckit.check.cached import store_at
from speckit.config import Config
from speckit.discover import Target
from speckit.store import Cache

BROKEN = "# Tasks: Demo\n\n## Phase 1: Setup\n\n- [ ] T001 Create it (depends on T999)\n"
FIXED = "# Tasks: Demo\n\n## Phase 1: Setup\n\n- [ ] T001 Create it\n"
SILENCED = ("# Tasks: Demo\n\n## Phase 1: Setup\n\n"
            "- [ ] T001 Create it (depends on T999) <!-- speckit-ignore graph/unknown-ref -->\n")


def errors(folder: Path, cache: Cache | None) -> list[str]:
    config = Config(root=folder.parent.parent)
    return [d.rule for _, _, found in check_features([Target(folder)], config, cache=cache)
            for d in found if d.severity == "error"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "specs" / "001-demo"
    path.mkdir(parents=True)
    (path / "tasks.md").write_text(BROKEN, encoding="utf-8")
    return path


@pytest.mark.timeout(60)
@pytest.mark.parametrize("edit", [FIXED, SILENCED], ids=["fixed", "suppressed"])
def test_an_edit_during_the_check_never_pairs_with_the_old_key(folder: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch, edit: str) -> None:
    tasks = folder / "tasks.md"
    real = cache_module.read_files

    def read_then_edit(files: list[Path]) -> dict[Path, bytes] | None:
        data = real(files)
        tasks.write_text(edit, encoding="utf-8")  # the teammate's save lands right after the hash
        return data

    cache = store_at(tmp_path / "cache", "salt")
    monkeypatch.setattr(cache_module, "read_files", read_then_edit)
    first = errors(folder, cache)
    monkeypatch.setattr(cache_module, "read_files", real)
    assert first == ["graph/unknown-ref"]  # the result belongs to the bytes that were hashed

    tasks.write_text(BROKEN, encoding="utf-8")  # the same bytes as the first run hashed
    os.utime(tasks, (1, 1))
    uncached = errors(folder, None)
    cached = errors(folder, store_at(tmp_path / "cache", "salt"))
    assert uncached == cached == ["graph/unknown-ref"]


@pytest.mark.timeout(60)
def test_the_cache_still_hits_on_unchanged_bytes(folder: Path, tmp_path: Path) -> None:
    cache = store_at(tmp_path / "cache", "salt")
    assert errors(folder, cache) == ["graph/unknown-ref"]
    again = store_at(tmp_path / "cache", "salt")
    assert errors(folder, again) == ["graph/unknown-ref"]
    assert again.writes == 0  # a hit: a miss would have written the entry again
