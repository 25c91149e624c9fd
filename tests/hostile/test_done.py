"""Edits are exact (#16, item 7): ``speckit done`` splits lines as the parser does (a lone CR made it
tick T003 when asked for T002; a CR-only file ended in IndexError), refuses when the file changed
while it worked, keeps the file's mode, edits a symlink's target only inside the repository, and
``build --force`` never overwrites an existing backup.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from support import speckit

HEAD = b"# Tasks\n\n## Phase 1\n\n"



def feature(tmp_path: Path, data: bytes) -> tuple[Path, Path]:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    tasks = root / "specs" / "001-x" / "tasks.md"
    tasks.parent.mkdir(parents=True)
    tasks.write_bytes(data)
    return root, tasks


@pytest.mark.timeout(60)
def test_a_lone_cr_does_not_shift_the_ticked_line(tmp_path: Path) -> None:
    data = HEAD + b"- [ ] T001 First\r- [ ] T002 Second\n- [ ] T003 Third\n"
    root, tasks = feature(tmp_path, data)
    done = speckit("done", "specs/001-x", "T002", cwd=root)
    assert done.returncode == 0 and "ticked T002" in done.stdout, done.stderr
    assert tasks.read_bytes() == data.replace(b"[ ] T002", b"[X] T002")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("end", [b"\r", b"\r\n", b"\n"])
def test_every_line_end_is_kept_byte_for_byte(tmp_path: Path, end: bytes) -> None:
    data = (HEAD + b"- [ ] T001 First\n- [ ] T002 Second\n- [x] T003 Third").replace(b"\n", end)
    root, tasks = feature(tmp_path, data)
    done = speckit("done", "specs/001-x", "T002", "T003", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "ticked T002" in done.stdout and "already done: T003" in done.stdout
    assert tasks.read_bytes() == data.replace(b"[ ] T002", b"[x] T002")  # the file's own lower-case x


@pytest.mark.timeout(60)
def test_the_mode_is_kept(tmp_path: Path) -> None:
    root, tasks = feature(tmp_path, HEAD + b"- [ ] T001 First\n")
    tasks.chmod(0o640)
    assert speckit("done", "specs/001-x", "T001", cwd=root).returncode == 0
    assert stat.S_IMODE(tasks.stat().st_mode) == 0o640 and b"[X] T001" in tasks.read_bytes()


@pytest.mark.timeout(60)
def test_a_save_during_the_edit_is_not_overwritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from speckit import edit
    from speckit.cli import main

    root, tasks = feature(tmp_path, HEAD + b"- [ ] T001 First\n- [ ] T002 Second\n")
    theirs = HEAD + b"- [ ] T000 Inserted by a teammate\n- [ ] T001 First\n- [ ] T002 Second\n"
    split = edit.split_lines

    def teammate_saves(data: bytes) -> list[tuple[bytes, bytes]]:
        tasks.write_bytes(theirs)  # lands after speckit read the file, before it writes
        return split(data)

    monkeypatch.setattr(edit, "split_lines", teammate_saves)
    monkeypatch.chdir(root)
    monkeypatch.delenv("SPECKIT_DEBUG", raising=False)
    with pytest.raises(SystemExit) as stop:
        main(["done", "specs/001-x", "T002"])
    assert stop.value.code == 2
    assert "changed while speckit done was editing it" in capsys.readouterr().err
    assert tasks.read_bytes() == theirs


@pytest.mark.timeout(60)
def test_a_link_inside_the_repository_edits_its_target(tmp_path: Path) -> None:
    data = HEAD + b"- [ ] T001 First\n"
    root, tasks = feature(tmp_path, data)
    shared = root / "shared" / "tasks.md"
    shared.parent.mkdir()
    tasks.rename(shared)
    tasks.symlink_to(Path("../../shared/tasks.md"))
    done = speckit("done", "specs/001-x", "T001", cwd=root)
    assert done.returncode == 0, done.stderr
    assert tasks.is_symlink() and shared.read_bytes() == data.replace(b"[ ]", b"[X]")


@pytest.mark.timeout(60)
def test_a_link_out_of_the_repository_is_refused(tmp_path: Path) -> None:
    data = HEAD + b"- [ ] T001 First\n"
    root, tasks = feature(tmp_path, b"")
    outside = tmp_path / "elsewhere" / "tasks.md"
    outside.parent.mkdir()
    outside.write_bytes(data)
    tasks.unlink()
    tasks.symlink_to(outside)
    done = speckit("done", "specs/001-x", "T001", cwd=root)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert tasks.is_symlink() and outside.read_bytes() == data


@pytest.mark.timeout(120)
def test_build_force_never_overwrites_a_backup(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    build = root / "specs" / "001-x" / "build"
    build.mkdir(parents=True)
    (build.parent / "plan.md").write_text("# Plan\n\n## 1.1 Step\n\n```bash\necho hi\n```\n", encoding="utf-8")
    (build / "run.sh").write_text("#!/bin/sh\necho my own script\n", encoding="utf-8")
    (build / "run.sh.bak").write_text("my older backup\n", encoding="utf-8")
    outside = tmp_path / "dotfile"
    outside.write_text("precious\n", encoding="utf-8")
    (build / "run.sh.bak.1").symlink_to(outside)  # a committed link: never written through
    refused = speckit("build", "specs/001-x", cwd=root)
    assert refused.returncode == 2 and "was not written by speckit" in refused.stderr
    forced = speckit("build", "specs/001-x", "--force", cwd=root)
    assert forced.returncode == 0, forced.stderr
    assert (build / "run.sh.bak").read_text() == "my older backup\n"
    assert outside.read_text() == "precious\n" and (build / "run.sh.bak.1").is_symlink()
    assert (build / "run.sh.bak.2").read_text() == "#!/bin/sh\necho my own script\n"
    assert f"kept the old file as {Path('specs/001-x/build/run.sh.bak.2')}" in forced.stdout
