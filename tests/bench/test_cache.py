"""The check cache (speckit.store through speckit.check.cached): hits, every kind of invalidation,
torn entries, deletion and concurrent runs."""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import replace
from pathlib import Path

import pytest

from speckit.check import cached as cache_module
from speckit.check.cached import code_fingerprint, open_cache, read_files, store_at
from speckit.config import Config
from speckit.probes import exists, recording


def feature(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "specs" / "001-demo"
    folder.mkdir(parents=True)
    files = []
    for name, text in (("spec.md", "# Feature Specification: Demo\n"), ("tasks.md", "# Tasks\n- [ ] T001 a\n")):
        (folder / name).write_text(text)
        files.append(folder / name)
    return files


def data(files: list[Path]) -> dict[Path, bytes]:
    found = read_files(files)
    assert found is not None
    return found


def test_a_stored_value_comes_back(tmp_path: Path) -> None:
    files = feature(tmp_path)
    cache = store_at(tmp_path / "cache", "salt")
    key = cache.key("check", data(files))
    assert cache.get(key) is None
    cache.put(key, {"diagnostics": [{"rule": "graph/cycle", "line": 3}]})
    assert store_at(tmp_path / "cache", "salt").get(key) == {"diagnostics": [{"rule": "graph/cycle", "line": 3}]}
    assert cache.writes == 1


def test_a_changed_file_changes_the_key(tmp_path: Path) -> None:
    files = feature(tmp_path)
    cache = store_at(tmp_path / "cache", "salt")
    before = cache.key("check", data(files))
    files[1].write_text("# Tasks\n- [x] T001 a\n")
    assert cache.key("check", data(files)) != before
    # Same bytes again: same key, so an undone edit finds its old entry.
    files[1].write_text("# Tasks\n- [ ] T001 a\n")
    assert cache.key("check", data(files)) == before


def test_paths_config_namespace_and_extra_are_part_of_the_key(tmp_path: Path) -> None:
    files = feature(tmp_path)
    base = store_at(tmp_path / "cache", "salt").key("check", data(files))
    relative = [Path(os.path.relpath(f)) for f in files]
    assert store_at(tmp_path / "cache", "salt").key("check", data(relative)) != base  # paths appear in messages
    assert store_at(tmp_path / "cache", "other-config").key("check", data(files)) != base
    assert store_at(tmp_path / "cache", "salt").key("show", data(files)) != base
    assert store_at(tmp_path / "cache", "salt").key("check", data(files), extra="strict") != base
    assert store_at(tmp_path / "cache", "salt").key("check", data(files[:1])) != base  # a document added or removed


def test_config_digest_and_version_reach_the_salt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = replace(Config(), root=tmp_path, digest="aaaa")
    first = open_cache(config)
    assert first is not None
    assert first.folder == tmp_path / ".speckit" / "cache"
    other = open_cache(replace(config, digest="bbbb"))
    assert other is not None and other.salt != first.salt
    monkeypatch.setattr(cache_module, "__version__", "99.0.0")
    newer = open_cache(config)
    assert newer is not None and newer.salt != first.salt


def test_a_changed_module_changes_the_fingerprint(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "rules.py").write_text("LIMIT = 1\n")
    before = code_fingerprint(package)
    (package / "rules.py").write_text("LIMIT = 22\n")
    assert code_fingerprint(package) != before
    assert code_fingerprint() == code_fingerprint()  # stable for the real package


def test_turned_off_by_config_or_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = replace(Config(), root=tmp_path)
    assert open_cache(replace(config, cache=False)) is None
    monkeypatch.setenv("SPECKIT_CACHE", "0")
    assert open_cache(config) is None
    monkeypatch.setenv("SPECKIT_CACHE", "1")
    monkeypatch.setenv("SPECKIT_CACHE_DIR", str(tmp_path / "elsewhere"))
    moved = open_cache(config)
    assert moved is not None and moved.folder == tmp_path / "elsewhere"


def test_an_unreadable_document_gives_no_key(tmp_path: Path) -> None:
    files = feature(tmp_path)
    assert read_files([*files, tmp_path / "missing.md"]) is None  # then the check runs without the cache


def test_recorded_facts_that_change_make_a_miss(tmp_path: Path) -> None:
    files = feature(tmp_path)
    artifact = tmp_path / "dist" / "report.json"
    cache = store_at(tmp_path / "cache", "salt")
    key = cache.key("check", data(files))
    with recording() as probes:
        assert exists(artifact) is False
    assert probes == {str(artifact): False}
    cache.put(key, ["evidence/missing-artifact"], probes)
    assert cache.get(key) == ["evidence/missing-artifact"]
    artifact.parent.mkdir()
    artifact.write_text("{}")
    assert cache.get(key) is None
    assert exists(artifact) is True  # outside recording(): nothing is collected, nothing breaks


def test_a_torn_or_edited_entry_is_a_miss_and_goes(tmp_path: Path) -> None:
    files = feature(tmp_path)
    cache = store_at(tmp_path / "cache", "salt")
    key = cache.key("check", data(files))
    cache.put(key, {"n": 1})
    entry = next((tmp_path / "cache").rglob("*.json"))
    raw = entry.read_bytes()
    entry.write_bytes(raw[: len(raw) // 2])
    assert cache.get(key) is None
    assert not entry.exists()
    cache.put(key, {"n": 1})
    entry.write_bytes(raw.replace(b'"n":1', b'"n":2'))
    assert cache.get(key) is None


def test_deleting_the_cache_is_safe_at_any_time(tmp_path: Path) -> None:
    import shutil

    files = feature(tmp_path)
    cache = store_at(tmp_path / "cache", "salt")
    key = cache.key("check", data(files))
    cache.put(key, 1)
    shutil.rmtree(tmp_path / "cache")
    assert cache.get(key) is None
    cache.put(key, 2)
    assert cache.get(key) == 2


def test_an_unwritable_folder_turns_the_cache_off_quietly(tmp_path: Path) -> None:
    files = feature(tmp_path)
    (tmp_path / "blocked").write_text("a file where the cache folder should be")
    cache = store_at(tmp_path / "blocked" / "cache", "salt")
    key = cache.key("check", data(files))
    cache.put(key, 1)
    assert cache.enabled is False and cache.get(key) is None


def test_prune_keeps_the_newest(tmp_path: Path) -> None:
    cache = store_at(tmp_path / "cache", "salt")
    keys = [f"{i:02x}" + "0" * 62 for i in range(6)]
    for age, key in enumerate(keys):
        cache.put(key, age)
        os.utime(cache._path(key), (1_000_000 + age, 1_000_000 + age))
    assert cache.prune(keep=4) == 2
    assert [cache.get(k) for k in keys] == [None, None, 2, 3, 4, 5]
    assert len(cache.entries()) == 4


def _hammer(folder: str, rounds: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    cache = store_at(Path(folder), "salt")
    bad = 0
    written: set[str] = set()
    for i in range(rounds):
        key = f"{i % 7:02x}" + "a" * 62
        expected = {"key": i % 7, "payload": "x" * (5000 * (i % 7))}
        value = cache.get(key)
        # Once a key was written it stays whole: a reader must never catch a half-written entry.
        if (value is None and key in written) or (value is not None and value != expected):
            bad += 1
        cache.put(key, expected)
        written.add(key)
    queue.put(bad)


def test_concurrent_runs_never_see_a_broken_entry(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [context.Process(target=_hammer, args=(str(tmp_path / "cache"), 300, queue)) for _ in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(60)
        assert process.exitcode == 0
    assert [queue.get(timeout=5) for _ in workers] == [0, 0, 0, 0]
    leftovers = [p for p in (tmp_path / "cache").rglob("*") if p.is_file() and not p.name.endswith(".json")]
    assert leftovers == []
