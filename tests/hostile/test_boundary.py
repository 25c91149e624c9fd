"""The repository is the boundary (issue 16, item 3): documents are never read through a link out
of the repository, specs_root outside it needs the runner's say-so, and no output (the site, its
generated project, the check cache, a report) is written through a link out or over files speckit
did not write."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hostile_cli import feature, git_repo, one_line
from support import speckit

SECRET = "TOPSECRET-d41d8cd98f00"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = git_repo(tmp_path / "repo")
    feature(root)
    return root


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "home" / ".env"
    path.parent.mkdir()
    path.write_text(f"# Implementation Plan: leak\n\nAWS_SECRET={SECRET}\n", encoding="utf-8")
    return path


def every_file_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file())


# --- reads -----------------------------------------------------------------------------------------


@pytest.mark.timeout(120)
def test_document_linked_out_is_skipped_with_a_warning(repo: Path, secret: Path) -> None:
    (repo / "specs" / "001-demo" / "plan.md").symlink_to(secret)
    run = speckit("check", "--format", "json", cwd=repo)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    outside = [d for d in report["diagnostics"] if d["rule"] == "input/outside-link"]
    assert [(d["path"], d["severity"]) for d in outside] == [("specs/001-demo/plan.md", "warning")]
    assert SECRET not in run.stdout + run.stderr
    assert str(secret) not in run.stdout  # the target is not named: messages are published
    shown = speckit("show", "001", "--format", "json", cwd=repo)
    assert shown.returncode == 0, shown.stderr
    model = json.loads(shown.stdout)
    assert model["plan"] is None and all("plan.md" not in d for d in model["documents"])
    assert SECRET not in shown.stdout


@pytest.mark.timeout(300)
def test_document_linked_out_is_not_published(repo: Path, secret: Path) -> None:
    (repo / "specs" / "001-demo" / "plan.md").symlink_to(secret)
    checklists = repo / "specs" / "001-demo" / "checklists"
    checklists.mkdir()
    (checklists / "security.md").symlink_to(secret)
    run = speckit("docs", "build", cwd=repo)
    assert run.returncode == 0, run.stderr
    site = repo / ".speckit" / "site"
    assert SECRET not in every_file_text(site)
    index = json.loads((site / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert SECRET not in json.dumps(index)
    assert any("outside the repository" in doc["text"] for doc in index["docs"])  # the warning is shown


@pytest.mark.timeout(120)
def test_checklists_folder_linked_out_is_not_read(repo: Path, secret: Path) -> None:
    (repo / "specs" / "001-demo" / "checklists").symlink_to(secret.parent, target_is_directory=True)
    secret.rename(secret.parent / "steal.md")
    run = speckit("show", "001", "--format", "json", cwd=repo)
    assert run.returncode == 0, run.stderr
    assert SECRET not in run.stdout and json.loads(run.stdout)["checklists"] == []


@pytest.mark.timeout(120)
def test_every_document_linked_out_is_one_error_line(repo: Path, secret: Path) -> None:
    folder = repo / "specs" / "002-all-links"
    folder.mkdir()
    (folder / "tasks.md").symlink_to(secret)
    one_line(speckit("show", "002", cwd=repo), "002-all-links", "outside the repository")
    run = speckit("check", cwd=repo)
    assert run.returncode == 2 and SECRET not in run.stdout + run.stderr
    one_line(speckit("show", "specs/002-all-links/tasks.md", cwd=repo), "outside the repository")


@pytest.mark.timeout(120)
def test_link_inside_the_repository_is_still_read(repo: Path) -> None:
    (repo / "shared-plan.md").write_text("# Implementation Plan: shared\n\n## Summary\n\nShared.\n", encoding="utf-8")
    (repo / "specs" / "001-demo" / "plan.md").symlink_to(repo / "shared-plan.md")
    run = speckit("show", "001", "--format", "json", cwd=repo)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["plan"]["title"] == "shared"


@pytest.mark.timeout(120)
def test_specs_root_outside_the_repository_needs_the_flag(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    feature(tmp_path / "elsewhere")
    (repo / "speckit.yaml").write_text("specs_root: ../elsewhere/specs\n", encoding="utf-8")
    one_line(speckit("check", cwd=repo), "specs_root", "outside the repository", "--allow-outside-root")
    one_line(speckit("docs", "build", cwd=repo), "outside the repository")
    assert not (repo / ".speckit").exists()
    assert speckit("--allow-outside-root", "check", cwd=repo).returncode == 0
    allowed = speckit("show", "001", cwd=repo, env={"SPECKIT_ALLOW_OUTSIDE_ROOT": "1"})
    assert allowed.returncode == 0, allowed.stderr


@pytest.mark.timeout(120)
def test_specs_root_that_is_a_link_out_is_refused(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    feature(tmp_path / "elsewhere")
    (repo / "specs").symlink_to(tmp_path / "elsewhere" / "specs", target_is_directory=True)
    one_line(speckit("check", cwd=repo), "outside the repository")
    (repo / "speckit.yaml").write_text("specs_root: /\n", encoding="utf-8")
    one_line(speckit("check", cwd=repo), "outside the repository")


# --- writes ----------------------------------------------------------------------------------------


@pytest.mark.timeout(300)
def test_docs_build_project_dot_keeps_the_repositorys_own_docs(repo: Path) -> None:
    (repo / "mkdocs.yml").write_text("site_name: Our handbook\n", encoding="utf-8")
    (repo / "docs").mkdir()
    (repo / "docs" / "index.md").write_text("# Our handbook\n", encoding="utf-8")
    (repo / "docs" / "guide.md").write_text("# Guide\n", encoding="utf-8")
    one_line(speckit("docs", "build", "--project", ".", cwd=repo), "did not write", "--force")
    assert (repo / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: Our handbook\n"
    assert sorted(p.name for p in (repo / "docs").iterdir()) == ["guide.md", "index.md"]
    assert not (repo / "site").exists()


@pytest.mark.timeout(300)
def test_docs_build_rebuilds_its_own_project_and_site(repo: Path, tmp_path: Path) -> None:
    for _ in range(2):  # the second build finds its own marker and replaces its own output
        run = speckit("docs", "build", "--project", "gen", "--out", "public", cwd=repo)
        assert run.returncode == 0, run.stderr
    assert (repo / "gen" / ".speckit-site").is_file() and (repo / "public" / ".speckit-site").is_file()
    assert (repo / "public" / "index.html").is_file()


@pytest.mark.timeout(300)
def test_relative_out_is_checked_and_cleaned_in_the_same_folder(repo: Path) -> None:
    notes = repo / "notes"
    notes.mkdir()
    (notes / "precious.md").write_text("mine\n", encoding="utf-8")
    deep = repo / "a" / "b"
    deep.mkdir(parents=True)
    one_line(speckit("docs", "build", "--out", "../../notes", cwd=deep), "notes", "did not write")
    assert (notes / "precious.md").read_text(encoding="utf-8") == "mine\n"
    # mkdocs read a relative site_dir against mkdocs.yml's folder: the site must land where typed.
    run = speckit("docs", "build", "--out", "../../public", cwd=deep)
    assert run.returncode == 0, run.stderr
    assert (repo / "public" / "index.html").is_file()
    assert not (repo / ".speckit" / "public").exists() and not (repo / ".speckit" / "site" / "public").exists()
    assert (notes / "precious.md").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.timeout(300)
def test_committed_speckit_link_out_is_not_written_through(repo: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    (victim / "docs").mkdir(parents=True)
    (victim / "mkdocs.yml").write_text("site_name: victim\n", encoding="utf-8")
    (victim / "docs" / "keep.md").write_text("# keep\n", encoding="utf-8")
    (repo / ".speckit").symlink_to(victim, target_is_directory=True)
    (victim / "site").symlink_to(victim, target_is_directory=True)  # .speckit/site -> victim too
    one_line(speckit("docs", "build", cwd=repo), "link out of", "not writing")
    assert (victim / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: victim\n"
    assert [p.name for p in (victim / "docs").iterdir()] == ["keep.md"]
    # The check cache lives under .speckit too: it is turned off, never written out there.
    run = speckit("check", cwd=repo, cache=True)
    assert run.returncode == 0, run.stderr
    assert not (victim / "cache").exists()


@pytest.mark.timeout(300)
def test_generated_docs_folder_linked_out_is_not_written_through(repo: Path, tmp_path: Path) -> None:
    assert speckit("docs", "build", cwd=repo).returncode == 0
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "other.md").write_text("# keep me\n", encoding="utf-8")
    features = repo / ".speckit" / "site" / "docs" / "features"
    import shutil

    shutil.rmtree(features)
    features.symlink_to(victim, target_is_directory=True)
    run = speckit("docs", "build", cwd=repo)
    one_line(run, "link out of")
    assert sorted(p.name for p in victim.iterdir()) == ["other.md"]


@pytest.mark.timeout(120)
def test_check_cache_subfolder_linked_out_is_not_written(repo: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    cache = repo / ".speckit" / "cache"
    cache.mkdir(parents=True)
    for prefix in ("0123456789abcdef"):  # every first hex digit of a key
        for second in "0123456789abcdef":
            (cache / f"{prefix}{second}").symlink_to(victim, target_is_directory=True)
    run = speckit("check", cwd=repo, cache=True)
    assert run.returncode == 0, run.stderr
    assert list(victim.iterdir()) == []


# --- check -o --------------------------------------------------------------------------------------


@pytest.mark.timeout(120)
def test_check_output_refuses_a_file_it_did_not_write(repo: Path) -> None:
    readme = repo / "README.md"
    readme.write_text("# Our project\n", encoding="utf-8")
    one_line(speckit("check", "-o", "README.md", cwd=repo), "README.md", "not a report", "--force")
    assert readme.read_text(encoding="utf-8") == "# Our project\n"
    tasks = repo / "specs" / "001-demo" / "tasks.md"
    before = tasks.read_bytes()
    one_line(speckit("check", "--output=specs/001-demo/tasks.md", cwd=repo), "not a report")
    assert tasks.read_bytes() == before
    run = speckit("check", "-o", "README.md", "--force", cwd=repo)
    assert run.returncode == 0, run.stderr
    assert "0 errors" in readme.read_text(encoding="utf-8")


@pytest.mark.timeout(120)
@pytest.mark.parametrize("first, second", [("text", "text"), ("json", "sarif"), ("sarif", "junit"),
                                           ("junit", "github"), ("github", "json")])
def test_check_output_replaces_its_own_report(repo: Path, first: str, second: str) -> None:
    for fmt in (first, second, second):
        run = speckit("check", "--format", fmt, "-o", "report.out", cwd=repo)
        assert run.returncode == 0, (fmt, run.stderr)
    if second in ("json", "sarif"):
        json.loads((repo / "report.out").read_text(encoding="utf-8"))


@pytest.mark.timeout(120)
def test_check_output_through_a_link_does_not_write_the_target(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "dotfile"
    target.write_text("export PATH=/usr/bin\n", encoding="utf-8")
    os.symlink(target, repo / "report.txt")
    one_line(speckit("check", "-o", "report.txt", cwd=repo), "not a report")
    assert target.read_text(encoding="utf-8") == "export PATH=/usr/bin\n"


@pytest.mark.timeout(120)
def test_build_folder_linked_out_is_not_written_through(repo: Path, tmp_path: Path) -> None:
    victim = tmp_path / "bin"
    victim.mkdir()
    (repo / "specs" / "001-demo" / "build").symlink_to(victim, target_is_directory=True)
    one_line(speckit("build", "001", cwd=repo), "link out of", "not written")
    assert list(victim.iterdir()) == []  # no executable run.sh out there


@pytest.mark.timeout(120)
def test_backup_into_a_folder_linked_out_is_not_made(repo: Path, tmp_path: Path) -> None:
    victim = tmp_path / "elsewhere"
    victim.mkdir()
    (victim / "plan.md").write_text("# theirs\n", encoding="utf-8")
    (repo / "notes").symlink_to(victim, target_is_directory=True)
    (repo / "copy.txt").write_text("Implementation Plan\n\nSummary\n\nA plan.\n", encoding="utf-8")
    one_line(speckit("import", "copy.txt", "-o", "notes/plan.md", "--force", cwd=repo), "link out of")
    assert sorted(p.name for p in victim.iterdir()) == ["plan.md"]  # no plan.md.bak written out there
    assert (victim / "plan.md").read_text(encoding="utf-8") == "# theirs\n"
