from __future__ import annotations

import json

from support import SPECS, speckit


def test_show_json_has_the_documented_keys() -> None:
    result = speckit("show", str(SPECS / "aws-sandbox"), "--format", "json")
    assert result.returncode == 0, result.stderr
    model = json.loads(result.stdout)
    assert {"feature", "spec", "plan", "tasks", "diagnostics"} <= model.keys()
    assert model["plan"]["critical_path"] == [
        ["BLOCK-000 (Phase 1)", "BLOCK-001 (Phase 2)", "BLOCK-002 (Phase 3.5)", "npm publish"]]


def test_missing_path_is_one_line_and_exit_2(tmp_path) -> None:
    result = speckit("show", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "nope" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unwritable_output_is_one_line_and_exit_2(tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = speckit("build", str(SPECS / "aws-sandbox"), "--out", str(blocker / "out"))
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
