"""speckit check --watch for real: started in a subprocess, a document edited on disk, its output read.
About 3 s (watchfiles' debounce and a re-check per edit)."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from support import need_module
from test_cli import CASES

need_module("watchfiles")


class Lines:
    """The lines a process prints, read on a thread so that a wait can time out."""

    def __init__(self, stream: object) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.queue.put(line.rstrip("\n"))

    def rest(self) -> list[str]:
        """Everything read so far, after the process ended."""
        time.sleep(0.3)
        while not self.queue.empty():
            self.seen.append(self.queue.get())
        return self.seen

    def until(self, predicate: object, timeout: float = 30) -> list[str]:
        """Lines read until one satisfies ``predicate`` (that one included)."""
        got: list[str] = []
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.queue.get(timeout=0.2)
            except queue.Empty:
                continue
            got.append(line)
            self.seen.append(line)
            if predicate(line):  # type: ignore[operator]
                return got
        raise AssertionError(f"timed out; read so far: {self.seen}")



def _watch(folder: Path) -> subprocess.Popen[str]:
    """`speckit check --watch --format concise` started in ``folder``, its output unbuffered."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "speckit", "check", "--watch", "--format", "concise"],
                            cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True)

def test_watch_prints_new_and_fixed_findings(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    feature = tmp_path / "specs" / "001-export"
    shutil.copytree(CASES / "clean", feature)
    plan = feature / "plan.md"
    plan.write_text(plan.read_text().replace("tests/cases/check/clean/", "specs/001-export/"))
    (tmp_path / "speckit.yaml").write_text("cache: true\n")
    process = _watch(tmp_path)
    try:
        out, err = Lines(process.stdout), Lines(process.stderr)
        assert out.until(lambda line: line.endswith("in 1 feature")) == ["0 errors, 0 warnings in 1 feature"]
        assert err.until(lambda line: line.startswith("watching ")) == [
            "watching specs, speckit.yaml for changes (Ctrl-C to stop)"
        ]
        time.sleep(0.3)  # the watcher is set up just after it says so
        tasks = feature / "tasks.md"
        clean = tasks.read_text()
        tasks.write_text(clean.replace("(depends on T003)", "(depends on T003, T008)"))
        changed = out.until(lambda line: line.endswith("in 1 feature"))
        assert changed[0].endswith("specs/001-export/tasks.md changed: 2 new, 0 fixed"), changed
        assert changed[1:] == [
            "+ specs/001-export/tasks.md:15:1: error: task dependency cycle T005 -> T008 -> T005 [graph/cycle]",
            ("+ specs/001-export/tasks.md:15:1: warning: task T005 (Phase 3: User Story 1 - Export the team's "
             "reminders (Priority: P1) 🎯 MVP) depends on T008 of a later phase (Phase 5: Polish & Cross-Cutting "
             "Concerns) [graph/phase-inversion]"),
            "1 error, 1 warning in 1 feature",
        ]
        # a save of the config reloads it
        (tmp_path / "speckit.yaml").write_text("rules:\n  graph/phase-inversion: off\n")
        reloaded = out.until(lambda line: line.endswith("in 1 feature"))
        assert reloaded[0].endswith("speckit.yaml changed: 0 new, 1 fixed"), reloaded
        assert reloaded[-1] == "1 error, 0 warnings in 1 feature"
        # moving the finding down is no change; undoing the edit fixes it
        tasks.write_text("\n" + tasks.read_text())
        moved = out.until(lambda line: line.endswith("in 1 feature"))
        assert moved[0].endswith("changed: 0 new, 0 fixed") and moved[1:] == ["1 error, 0 warnings in 1 feature"]
        tasks.write_text(clean)
        fixed = out.until(lambda line: line.endswith("in 1 feature"))
        assert fixed[0].endswith("changed: 0 new, 1 fixed")
        assert fixed[1].startswith("- specs/001-export/tasks.md:16:1: error: task dependency cycle")
        assert fixed[1].endswith("[graph/cycle] (fixed)")
        assert fixed[-1] == "0 errors, 0 warnings in 1 feature"
        process.send_signal(signal.SIGINT)  # Ctrl-C: a quiet stop, exit 0
        assert process.wait(timeout=15) == 0
        assert err.rest() == ["watching specs, speckit.yaml for changes (Ctrl-C to stop)"]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_watch_reloads_the_config_on_every_save_by_rename(tmp_path: Path) -> None:
    """Editors save by writing a temp file and renaming it over the old one: the second such save
    is seen too (a watch on the file itself stays on the first, deleted, one)."""
    (tmp_path / ".git").mkdir()
    feature = tmp_path / "specs" / "001-export"
    shutil.copytree(CASES / "clean", feature)
    plan = feature / "plan.md"
    plan.write_text(plan.read_text().replace("tests/cases/check/clean/", "specs/001-export/"))
    tasks = feature / "tasks.md"
    tasks.write_text(tasks.read_text().replace("(depends on T003)", "(depends on T003, T008)"))
    config = tmp_path / "speckit.yaml"
    config.write_text("cache: true\n")

    def save(text: str) -> None:
        temp = tmp_path / "speckit.yaml.tmp"
        temp.write_text(text)
        os.replace(temp, config)

    process = _watch(tmp_path)
    try:
        out, err = Lines(process.stdout), Lines(process.stderr)
        assert out.until(lambda line: line.endswith("in 1 feature"), timeout=60)[-1] == (
            "1 error, 1 warning in 1 feature")
        err.until(lambda line: line.startswith("watching "), timeout=60)
        time.sleep(0.3)  # the watcher is set up just after it says so
        save("rules:\n  graph/phase-inversion: off\n")
        first = out.until(lambda line: line.endswith("in 1 feature"), timeout=60)
        assert first[0].endswith("speckit.yaml changed: 0 new, 1 fixed"), first
        assert first[-1] == "1 error, 0 warnings in 1 feature"
        time.sleep(0.3)  # the watcher is started again on the new file
        save("cache: true\n")
        second = out.until(lambda line: line.endswith("in 1 feature"), timeout=60)
        assert second[0].endswith("speckit.yaml changed: 1 new, 0 fixed"), second
        assert second[-1] == "1 error, 1 warning in 1 feature"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_watch_without_watchfiles_says_how_to_install(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    shutil.copytree(CASES / "clean", tmp_path / "specs" / "001-export")
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "watchfiles.py").write_text("raise ImportError('not installed here')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(blocker), str(Path(__file__).parents[2])])}
    done = subprocess.run([sys.executable, "-m", "speckit", "check", "--watch"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == ("speckit: error: --watch needs the watch extra: "
                                   "pip install 'speckit-compiler[watch]'")


def test_a_save_while_the_watcher_restarts_is_not_lost(tmp_path: Path, capsys: object) -> None:
    """After a config save the watcher is started again; a document saved in between (here: during
    the check that follows the config save, when the old watcher is already being closed) is
    still checked, once the new watcher runs."""
    from speckit.config import load
    from speckit.report.diagnostics import Report
    from speckit.watch import watch

    (tmp_path / ".git").mkdir()
    feature = tmp_path / "specs" / "001-export"
    shutil.copytree(CASES / "clean", feature)
    config_file = tmp_path / "speckit.yaml"
    config_file.write_text("cache: false\n")
    tasks = feature / "tasks.md"
    calls: list[float] = []
    stop = threading.Event()

    def run(config: object) -> Report:
        calls.append(time.monotonic())
        if len(calls) == 2:  # the check after the config save: the user saves a document meanwhile
            tasks.write_text(tasks.read_text() + "\n- [ ] T999 A task saved while the watcher restarts\n")
        if len(calls) == 3:
            stop.set()
        return Report(diagnostics=[], features=["specs/001-export"])

    errors: list[BaseException] = []

    def watching() -> None:
        try:
            watch(("specs",), lambda: load(tmp_path), run, stop=stop)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    thread = threading.Thread(target=watching, daemon=True)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        thread.start()
        deadline = time.monotonic() + 30
        while len(calls) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # the first watcher is up
        config_file.write_text("cache: false\nrules: {}\n")
        while len(calls) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)
        os.chdir(cwd)
    assert not errors, errors
    assert len(calls) == 3, "the document saved while the watcher restarted was never checked"
    assert "specs/001-export/tasks.md changed" in capsys.readouterr().out  # type: ignore[attr-defined]
