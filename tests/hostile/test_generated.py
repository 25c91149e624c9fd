"""Names are data in generated files (#16, items 1 and 9): a feature folder or checklist file name
holding a newline, a control character, ``$(...)``, backticks, quotes, ``#``, ``%`` or ``:`` never
becomes code in run.sh (its header, ``--list``, ``--dry-run``), the Makefile (``make -n`` and a real
``make``) or workflow.yml (no name adds a key), and terminal escapes in titles are never printed.

Every attack folder is made here, in tmp_path; an injected command would create a file named
``PWNED`` in the folder the tools run from, so each case asserts that no such file exists.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from support import speckit

MARKER = "PWNED"
PLAN = """# Implementation Plan: demo

## 1.1 Prepare

```bash
echo prepared
```

## 1.2 Approve the release (HITL Required)

```bash
echo released
```

## 8.1 Phase 1 Gate (HITL Required)
"""
CHECKLIST = "# Review Checklist\n\n- [ ] CHK001 Is it reviewed?\n"
TOP_KEYS = {"name", "on", "permissions", "jobs"}
JOB_KEYS = {"name", "runs-on", "needs", "environment", "steps"}
needs_tools = pytest.mark.skipif(not all(shutil.which(t) for t in ("bash", "make", "shellcheck")),
                                 reason="bash, make and shellcheck are needed (apt-get install -y make shellcheck)")



def tool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPECKIT_", "MAKE"))}
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, encoding="utf-8", errors="replace",
                          env=env, stdin=subprocess.DEVNULL, timeout=120, check=False)


def make_repo(root: Path, name: str, checklist: str | None = None, plan: str = PLAN) -> Path:
    feature = root / "specs" / name
    feature.mkdir(parents=True)
    (root / ".git").mkdir(exist_ok=True)  # the repository root, for build's relative paths
    (feature / "plan.md").write_text(plan, encoding="utf-8")
    if checklist is not None:
        (feature / "checklists").mkdir()
        (feature / "checklists" / checklist).write_text(CHECKLIST, encoding="utf-8")
    return feature


def pwned(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name == MARKER]


def workflow_keys(path: Path) -> None:
    data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    assert set(data) == TOP_KEYS, sorted(data)
    for job in data["jobs"].values():
        assert set(job) <= JOB_KEYS, sorted(job)
        for step in job["steps"]:
            assert set(step) <= {"uses", "name", "run", "env", "if", "with"}, sorted(step)
            # run lines: run.sh and a step id, or the build job's install and `speckit build` (#14)
            assert "run" not in step or step["run"].startswith(("bash ", "python -m pip install ", "speckit build "))


def exercise(root: Path, feature: Path) -> None:
    """Every generated file through the tools that read it, from the repository root."""
    build = feature / "build"
    run_sh = build / "run.sh"
    assert tool("bash", "-n", str(run_sh), cwd=root).returncode == 0
    checked = tool("shellcheck", str(run_sh), cwd=root)
    assert checked.returncode == 0, checked.stdout
    listed = tool("bash", str(run_sh), "--list", cwd=root)
    assert listed.returncode == 0, listed.stderr
    assert "\x1b" not in listed.stdout and "\x07" not in listed.stdout
    dry = tool("bash", str(run_sh), "--dry-run", "--approve", "1.2", "--approve", "8.1", cwd=root)
    assert dry.returncode == 0, dry.stderr
    assert "\x1b" not in dry.stdout
    for args in (("make", "-n", "-f", str(build / "Makefile")), ("make", "-n", "-C", str(build)),
                 ("make", "-s", "-C", str(build), "list"), ("make", "-s", "-C", str(build), "step-1.1")):
        made = tool(*args, cwd=root)
        assert made.returncode == 0, (args, made.stdout, made.stderr)
    workflow_keys(build / "workflow.yml")
    assert not pwned(root.parent), pwned(root.parent)


@needs_tools
@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", [
    "041-$(touch${IFS}PWNED)",
    "042-`touch PWNED`",
    "043-'\"#%:x;touch PWNED",
    "044-$$(shell touch PWNED)",
    "045-${{ secrets.DEPLOY_KEY }}",
    "046-a\\",
])
def test_a_feature_folder_name_is_never_code(tmp_path: Path, name: str) -> None:
    root = tmp_path / "repo"
    feature = make_repo(root, name, checklist="a $(touch PWNED) #%:`x`.md")
    built = speckit("build", str(feature.relative_to(root)), "--target", "all", cwd=root)
    assert built.returncode == 0, built.stderr
    exercise(root, feature)


@needs_tools
@pytest.mark.timeout(120)
def test_a_checklist_name_with_a_newline_stays_in_its_comment(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    evil = "x\ntouch PWNED\nSTEP := $(shell touch PWNED)\ndefaults:\n  run:\n    shell: touch PWNED {0}\n#.md"
    feature = make_repo(root, "047-demo", checklist=evil)
    built = speckit("build", "specs/047-demo", "--target", "all", cwd=root)
    assert built.returncode == 0, built.stderr
    head = (feature / "build" / "run.sh").read_text(encoding="utf-8").splitlines()[1]
    assert head.startswith("# Generated by speckit build") and "checklists/x touch PWNED STEP := " in head
    exercise(root, feature)
    assert "defaults" not in YAML(typ="safe", pure=True).load((feature / "build" / "workflow.yml").read_text())


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", ["048-a\necho x > PWNED #", "049-\x1b]52;c;aGVsbG8=\x07", "050-\x85", "051-a\tb"])
@pytest.mark.parametrize("command", [("build", "--target", "all"), ("checklist",), ("run", "--list")])
def test_a_feature_folder_name_with_a_control_character_is_refused(tmp_path: Path, name: str,
                                                                    command: tuple[str, ...]) -> None:
    root = tmp_path / "repo"
    feature = make_repo(root, name)
    refused = speckit(command[0], str(feature.relative_to(root)), *command[1:], cwd=root)
    assert refused.returncode == 2, refused.stderr
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("speckit: error: specs/0"), refused.stderr
    assert "cannot be built as a feature" in lines[0]
    assert "\x1b" not in refused.stderr and "\x85" not in refused.stderr
    assert "\\x" in lines[0]  # the name is shown, escaped
    assert not (feature / "build").exists() and not pwned(tmp_path)


@needs_tools
@pytest.mark.timeout(120)
def test_terminal_escapes_in_titles_and_commands_are_never_printed(tmp_path: Path) -> None:
    osc52 = "\x1b]52;c;aGVsbG8=\x07"
    plan = (f"# Implementation Plan: demo\n\n## 1.1 Prepare {osc52} now\n\n```bash\necho '{osc52}' > /dev/null\n```\n\n"
            f"## 1.2 Approve {osc52} (HITL Required)\n\n```bash\necho ok\n```\n")
    root = tmp_path / "repo"
    feature = make_repo(root, "052-demo", plan=plan)
    assert speckit("build", "specs/052-demo", cwd=root).returncode == 0
    run_sh = feature / "build" / "run.sh"
    outputs = [
        tool("bash", str(run_sh), "--list", cwd=root),
        tool("bash", str(run_sh), "--dry-run", cwd=root),
        tool("bash", str(run_sh), "--only", "1.1", cwd=root),
        speckit("run", "specs/052-demo", "--list", cwd=root),
        speckit("run", "specs/052-demo", "--dry-run", cwd=root),
        speckit("run", "specs/052-demo", "--only", "1.1", cwd=root),
        speckit("run", "specs/052-demo", "--only", "1.2", cwd=root),
    ]
    for out in outputs:
        assert "\x1b" not in out.stdout + out.stderr, (out.args, out.stdout, out.stderr)
    assert "\\x1b]52" in outputs[3].stdout  # shown escaped, not dropped


@pytest.mark.timeout(60)
def test_next_shows_task_titles_escaped(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    feature = root / "specs" / "053-demo"
    feature.mkdir(parents=True)
    (feature / "tasks.md").write_text("# Tasks\n\n## Phase 1\n\n- [ ] T001 Do \x1b]52;c;aGk=\x07 it\n",
                                      encoding="utf-8")
    shown = speckit("next", "specs/053-demo", cwd=root)
    assert shown.returncode == 0, shown.stderr
    assert "\x1b" not in shown.stdout and "\\x1b]52" in shown.stdout


# --- the property: any name, every target, every reader ----------------------------------------

PAYLOADS = ["$(touch PWNED)", "`touch PWNED`", "$$(shell touch PWNED)", "${{ secrets.X }}", "'", '"', "#", "%",
            ":", "\\", ";touch PWNED;", "\ndefaults:\n  run:\n    shell: touch PWNED {0}\n", "\x1b]52;c;aGk=\x07",
            "<script>alert(1)</script>", "-->", "\x85", "\u2028", "\t", "\r", "*", "?", "[", "!", "&", "|", "{", "}",
            "$RUN", "%%", "\x00"]
PIECE = st.one_of(st.sampled_from(PAYLOADS),  # the whole Unicode range that a file name can hold (no surrogates)
                  st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, codec="utf-8"), max_size=8))


def _fs_name(pieces: list[str], suffix: str = "") -> str:
    name = "x" + "".join(pieces).replace("/", "_").replace("\x00", "_")
    while len(os.fsencode(name + suffix)) > 200:
        name = name[:-1]
    return name + suffix


@needs_tools
@pytest.mark.timeout(600)
@settings(max_examples=int(12 * float(os.environ.get("SPECKIT_FUZZ_SCALE", "1"))), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(feature=st.lists(PIECE, max_size=4), checklist=st.lists(PIECE, max_size=4))
def test_any_name_builds_safe_outputs_or_is_refused(feature: list[str], checklist: list[str]) -> None:
    from speckit import build
    from speckit.errors import InputError
    from speckit.parse import load_feature

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        folder = make_repo(root, _fs_name(feature), checklist=_fs_name(checklist, ".md"))
        try:
            build.refuse_unsafe_name(folder, root.resolve())
        except InputError as error:
            assert any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" for c in folder.name), error
            return
        model = load_feature(folder)
        result = build.prepare(model, root.resolve(), folder / "build")
        build.write(folder / "build", build.outputs(result, tuple(build.TARGETS)))
        exercise(root, folder)
