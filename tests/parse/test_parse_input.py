"""Discovery, encodings and bad input: what `speckit show` does with paths and bytes."""

from __future__ import annotations

from pathlib import Path

import pytest
from parse_helpers import CASES
from support import speckit

from speckit.config import load
from speckit.discover import resolve
from speckit.errors import InputError
from speckit.parse import load_document, load_feature

SPEC = "# Feature Specification: {name}\n\n### User Story 1 - Do it (Priority: P1)\n\nText.\n"
FOLDERS = [
    "001-alpha", "20260507-161658-beta", "20260728084808-gamma", "20260720-delta", "SPEC-1a2b3c4d-eps",
    "SPEC-12", "main", "_00_demo", "archive/002-old",
]



def make_tree(root: Path, folders: list[str]) -> None:
    for folder in folders:
        path = root / folder
        path.mkdir(parents=True)
        (path / "spec.md").write_text(SPEC.format(name=folder), encoding="utf-8")


@pytest.mark.parametrize(
    ("arg", "folder", "number"),
    [
        ("001", "001-alpha", "001"), ("1", "001-alpha", "001"), ("alpha", "001-alpha", "001"),
        ("001-alpha", "001-alpha", "001"),
        ("20260507-161658", "20260507-161658-beta", "20260507-161658"),
        ("beta", "20260507-161658-beta", "20260507-161658"),
        ("20260728084808", "20260728084808-gamma", "20260728084808"), ("20260720", "20260720-delta", "20260720"),
        ("SPEC-1a2b3c4d", "SPEC-1a2b3c4d-eps", "SPEC-1a2b3c4d"), ("SPEC-12", "SPEC-12", "SPEC-12"),
        ("main", "main", None), ("_00_demo", "_00_demo", None), ("old", "archive/002-old", "002"),
    ],
)
def test_every_folder_prefix_resolves_under_the_specs_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            arg: str, folder: str, number: str | None) -> None:
    make_tree(tmp_path / "specs", FOLDERS)
    monkeypatch.chdir(tmp_path)
    target = resolve(arg, load(tmp_path))
    assert target.folder.resolve() == (tmp_path / "specs" / folder).resolve()
    feature = load_feature(target.folder)
    assert (feature.feature.id, feature.feature.number) == (folder.rsplit("/", 1)[-1], number)


@pytest.mark.parametrize("root", [".github/specs", "apps/web/specs"])
def test_other_specs_roots_from_config(tmp_path: Path, root: str) -> None:
    make_tree(tmp_path / root, ["003-x", "archive/004-y"])
    (tmp_path / "speckit.yaml").write_text(f"specs_root: {root}\n", encoding="utf-8")
    for arg, folder in (("003", "003-x"), ("y", "archive/004-y")):
        result = speckit("show", arg, "--format", "json", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert f'"id": "{folder.rsplit("/", 1)[-1]}"' in result.stdout


def test_unknown_and_ambiguous_names_are_input_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_tree(tmp_path / "specs", ["001-a", "001-b"])
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="ambiguous"):
        resolve("001", load(tmp_path))
    with pytest.raises(InputError, match="no feature of that name"):
        resolve("zzz", load(tmp_path))


def test_document_kind_from_its_title(tmp_path: Path) -> None:
    for name, text, kind in (
        ("notes.md", "# Tasks: x\n\n- [ ] T001 a\n", "task_list"),
        ("draft.md", "# Feature Specification: x\n", "spec"),
        ("release.md", "# Implementation Plan: x\n", "plan"),
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
        feature = load_document(tmp_path / name)
        assert getattr(feature, kind) is not None, name
    (tmp_path / "readme.md").write_text("# Hello\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot tell"):
        load_document(tmp_path / "readme.md")


TASKS = "# Tasks: x\n\n## Phase 1: Setup\n\n- [ ] T001 First\n- [x] T002 Second (depends on T001)\n"


@pytest.mark.parametrize(
    "data",
    [
        TASKS.encode(),
        b"\xef\xbb\xbf" + TASKS.encode(),
        TASKS.replace("\n", "\r\n").encode(),
        TASKS.replace("\n", "\r").encode(),
        "\ufeff".encode("utf-16-le").join([b"", TASKS.encode("utf-16-le")]),
    ],
    ids=["lf", "bom", "crlf", "lone-cr", "utf16-bom"],
)
def test_bom_and_line_endings_give_the_same_model(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "tasks.md").write_bytes(data)
    feature = load_feature(tmp_path)
    assert [(t.id, t.line, t.state, t.depends_on) for t in feature.tasks] == [
        ("T001", 5, "open", []), ("T002", 6, "done", ["T001"]),
    ]
    assert feature.task_list is not None and feature.task_list.title == "x"


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["plain", "bom"])
def test_invalid_utf8_names_the_byte_offset(tmp_path: Path, bom: bytes) -> None:
    data = bom + b"# Tasks\n\n- [ ] T001 caf\xe9\n"
    (tmp_path / "tasks.md").write_bytes(data)
    result = speckit("show", str(tmp_path))
    assert result.returncode == 2
    offset = data.index(b"\xe9")  # offset in the file, BOM included
    path = tmp_path / "tasks.md"
    assert result.stderr == f"speckit: error: {path}: not valid UTF-8 at byte offset {offset} (byte 0xe9)\n"


@pytest.mark.parametrize("case", ["dir-as-document", "dir-in-feature", "no-documents", "missing"])
def test_bad_paths_are_one_line_and_exit_2(tmp_path: Path, case: str) -> None:
    (tmp_path / "feature" / "spec.md").mkdir(parents=True)
    (tmp_path / "empty").mkdir()
    arg, expected = {
        "dir-as-document": ("feature/spec.md", "feature/spec.md: is a directory, not a document"),
        "dir-in-feature": ("feature", "feature/spec.md: is a directory, not a document"),
        "no-documents": ("empty", "empty: no spec.md, plan.md or tasks.md in this folder"),
        "missing": ("nope/tasks.md", "nope/tasks.md: no such file or folder"),
    }[case]
    result = speckit("show", arg, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"speckit: error: {expected}\n"
    assert result.stdout == ""


def test_show_text_never_sends_a_documents_control_characters_to_the_terminal(tmp_path: Path) -> None:
    (tmp_path / "tasks.md").write_text("# Tasks: evil \x1b]0;pwned\x07 title\n\n## Phase 1: Setup \x1b[2J\n\n"
                                       "- [ ] T001 do a thing\n", encoding="utf-8")
    result = speckit("show", "tasks.md", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "evil \\x1b]0;pwned\\x07 title" in result.stdout

# A document that cannot be read (permission denied, also as root) is tests/hostile's
# test_unreadable_file_permission_denied.


def test_checklists_of_a_feature(tmp_path: Path) -> None:
    (tmp_path / "spec.md").write_text(SPEC.format(name="x"), encoding="utf-8")
    (tmp_path / "checklists").mkdir()
    (tmp_path / "checklists" / "requirements.md").write_bytes((CASES / "checklists" / "requirements.md").read_bytes())
    (checklist,) = load_feature(tmp_path).checklists
    assert checklist.title == "Reminders"
    assert [(i.id, i.state, i.tags, i.line) for i in checklist.items] == [
        ("CHK001", "open", ["Completeness", "Spec §FR-001"], 8),
        ("CHK002", "done", ["Clarity"], 9),
        ("CHK-003", "done", [], 10),
        (None, "open", [], 11),
        (None, "partial", [], 12),
    ]
    assert checklist.items[1].text == "Is the scope bounded? [Clarity]"
