"""speckit check --fix / --diff and the fix API (speckit/fix.py) on real files; about 2 s."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_cli import CASES, run

from speckit import fix
from speckit.check import check_feature
from speckit.config import Config
from speckit.discover import read, resolve


@pytest.fixture
def feature_dir(tmp_path: Path) -> Path:
    """The clean case with three fixable findings: a cut separator, a task pasted twice, a requirement
    pasted twice; and one that is not fixable (a reused id with other text)."""
    folder = tmp_path / "specs" / "001-export"
    shutil.copytree(CASES / "clean", folder)
    plan = folder / "plan.md"
    plan.write_text(plan.read_text().replace("|----------|------|--------|", "|:---|")
                    .replace("tests/cases/check/clean/", "specs/001-export/"))
    tasks = folder / "tasks.md"
    line = "- [ ] T006 [US2] Write the importer in src/export/reader.py (FR-002)\n"
    tasks.write_text(tasks.read_text().replace(line, line + line + "- [ ] T004 [US2] Other work\n"))
    spec = folder / "spec.md"
    text = spec.read_text()
    requirement = next(x for x in text.splitlines(keepends=True) if x.startswith("- **FR-001**"))
    spec.write_text(text.replace(requirement, requirement + requirement))
    (tmp_path / ".git").mkdir()
    return folder


def fixes_of(folder: Path) -> list[fix.Fix]:
    config = Config(root=folder.parent.parent)
    feature = read(resolve(str(folder), config))
    return fix.fixes_for(feature, check_feature(feature, config))


def test_fixes_for_names_rule_lines_replacement_and_title(feature_dir: Path) -> None:
    found = sorted(fixes_of(feature_dir), key=lambda f: (f.path, f.start_line))
    plan = str(feature_dir / "plan.md")
    tasks = str(feature_dir / "tasks.md")
    spec = str(feature_dir / "spec.md")
    requirement_line = next(n for n, x in enumerate((feature_dir / "spec.md").read_text().splitlines(), 1)
                            if x.startswith("- **FR-001**"))
    assert [(f.rule, f.path, f.start_line, f.end_line, f.replacement) for f in found] == [
        ("parse/broken-table", plan, 12, 12, ("| :--- | --- | --- |",)),
        ("spec/duplicate-id", spec, requirement_line + 1, requirement_line + 1, ()),
        ("graph/duplicate-id", tasks, 20, 20, ()),
    ]
    titles = {f.rule: f.title for f in found}
    assert titles["graph/duplicate-id"] == "Delete the repeated task T006 (an exact copy of line 19)"
    assert titles["parse/broken-table"] == "Complete the table's separator row (3 columns)"
    # the T004 that reuses an id with other text is a decision for a person: no fix
    assert not any(f.rule == "graph/duplicate-id" and f.start_line == 21 for f in found)


def test_diff_shows_and_changes_nothing_then_fix_writes(feature_dir: Path) -> None:
    root = feature_dir.parent.parent
    before = {p.name: p.read_bytes() for p in feature_dir.iterdir() if p.is_file()}
    shown = run("check", "--diff", "specs/001-export", cwd=root)
    assert shown.returncode == 1
    assert "--- a/specs/001-export/tasks.md\n+++ b/specs/001-export/tasks.md\n" in shown.stdout
    assert "-- [ ] T006 [US2] Write the importer in src/export/reader.py (FR-002)\n" in shown.stdout
    assert "-|:---|\n+| :--- | --- | --- |\n" in shown.stdout
    assert "3 fixes available" in shown.stderr
    assert {p.name: p.read_bytes() for p in feature_dir.iterdir() if p.is_file()} == before
    fixed = run("check", "--fix", "specs/001-export", cwd=root)
    assert "fixed 3 findings in 3 files" in fixed.stderr
    # what is left is the id reused with other text, which --fix must not touch
    assert fixed.returncode == 1
    assert [line for line in fixed.stdout.splitlines() if "error" in line and "[" in line] == [
        "specs/001-export/tasks.md:20:1: error: task id T004 is already used on line 14 [graph/duplicate-id]"]
    assert (feature_dir / "tasks.md").read_text().count("T006 [US2] Write the importer") == 1
    again = run("check", "--diff", "specs/001-export", cwd=root)
    assert again.returncode == 0 and again.stdout == "" and "nothing to fix" in again.stderr


def test_a_file_changed_since_it_was_read_is_never_touched(feature_dir: Path) -> None:
    found = fixes_of(feature_dir)
    tasks = feature_dir / "tasks.md"
    edited = tasks.read_text() + "- [ ] T009 Added by a person in their editor\n"
    tasks.write_text(edited)
    applied = fix.apply(found)
    assert tasks.read_text() == edited
    assert f"{tasks}: changed since it was read; not fixed (run again)" in applied.skipped
    assert feature_dir / "plan.md" in applied.written and tasks not in applied.written


def test_line_endings_and_bom_are_kept(tmp_path: Path) -> None:
    folder = tmp_path / "specs" / "001-x"
    shutil.copytree(CASES / "clean", folder)
    tasks = folder / "tasks.md"
    line = "- [ ] T006 [US2] Write the importer in src/export/reader.py (FR-002)\n"
    text = tasks.read_text().replace(line, line + line)
    tasks.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    (tmp_path / ".git").mkdir()
    applied = fix.apply([f for f in fixes_of(folder) if f.rule == "graph/duplicate-id"])
    assert len(applied.fixes) == 1
    raw = tasks.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\n" not in raw.replace(b"\r\n", b"")
    assert raw.decode("utf-8-sig").replace("\r\n", "\n") == text.replace(line + line, line)


def test_an_editor_buffer_gets_fixes_computed_from_it(feature_dir: Path) -> None:
    """A language server passes the unsaved text: the fix is computed from it, and apply() refuses to
    write it over the different file on disk."""
    tasks = feature_dir / "tasks.md"
    buffer = "\n" + tasks.read_text()  # one line more than on disk
    config = Config(root=feature_dir.parent.parent)
    feature = read(resolve(str(feature_dir), config))
    on_disk = [f for f in fix.fixes_for(feature, check_feature(feature, config)) if f.rule == "graph/duplicate-id"]
    tasks_path = str(tasks)
    from speckit.parse import load_feature

    edited = load_feature(feature_dir, {tasks: buffer.encode()})
    found = [f for f in fix.fixes_for(edited, check_feature(edited, config), texts={tasks_path: buffer})
             if f.rule == "graph/duplicate-id"]
    assert [(f.start_line, f.end_line) for f in found] == [(21, 21)]
    assert [(f.start_line, f.end_line) for f in on_disk] == [(20, 20)]
    assert fix.apply(found).skipped == [f"{tasks_path}: changed since it was read; not fixed (run again)"]


def test_a_linked_document_is_fixed_through_its_link_inside_the_repository(feature_dir: Path) -> None:
    """plan.md -> ../../shared-plan.md inside the repository: the real file is fixed and the link
    stays a link (as speckit done writes); a link out of the repository is refused (#14)."""
    root = feature_dir.parent.parent
    plan = feature_dir / "plan.md"
    real = root / "shared-plan.md"
    plan.rename(real)
    plan.symlink_to(Path("..") / ".." / "shared-plan.md")
    found = [f for f in fixes_of(feature_dir) if f.rule == "parse/broken-table"]
    applied = fix.apply(found)
    assert plan.is_symlink() and "| :--- | --- | --- |" in real.read_text()
    assert applied.skipped == []


def test_fix_lines_are_the_parsers_lines_past_a_line_separator(feature_dir: Path) -> None:
    """A U+2028 or a form feed is no line break to the parser: a fix below one lands on the finding's
    line (str.splitlines would count one line more and find nothing to fix)."""
    plan = feature_dir / "plan.md"
    text = plan.read_text()
    plan.write_text(text.replace("\n", "\n\u2028 and \x0c \n", 1))
    found = [f for f in fixes_of(feature_dir) if f.rule == "parse/broken-table"]
    assert len(found) == 1
    fix.apply(found)
    fixed = plan.read_text()
    assert "| :--- | --- | --- |" in fixed and "|:---|" not in fixed and "\u2028 and \x0c" in fixed
