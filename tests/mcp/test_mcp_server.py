"""``speckit mcp`` through the SDK's own client over stdio: the real server process, spawned as an
agent spawns it (``python -m speckit mcp``), in a repository made in tmp_path. ~10 s in all."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TextIO

import pytest
from support import ROOT, need_module

anyio = need_module("anyio")
need_module("mcp.client.stdio", reason="the MCP SDK is the 'mcp' extra: pip install 'speckit-compiler[mcp]'")

from mcp.client.session import ClientSession  # noqa: E402  (after the need_module above)
from mcp.client.stdio import StdioServerParameters, stdio_client  # noqa: E402  (after the need_module above)
from mcp.shared.exceptions import MCPError  # noqa: E402  (after the need_module above)

pytestmark = pytest.mark.timeout(120)

SPEC = """\
# Feature Specification: {title}

**Feature Branch**: `{folder}`
**Created**: 2026-03-01
**Status**: Draft

## User Scenarios & Testing

### User Story 1 - Export the team's reminders (Priority: P1)

As a team admin, I want to export the team's reminders, so that I can audit them offline.

**Why this priority**: Audits are due every quarter.

**Independent Test**: Export a team with 3 reminders and find 3 rows in the file.

**Acceptance Scenarios**:

1. **Given** a team with 3 reminders, **When** the admin exports, **Then** the file holds 3 rows within 5 seconds.

## Requirements

### Functional Requirements

- **FR-001**: The system MUST export every reminder of a team as one row.

## Success Criteria

### Measurable Outcomes

- **SC-001**: An export of 1,000 reminders completes within 5 seconds.
"""

TASKS = """\
# Tasks: {title}

## Phase 1: Setup (Shared Infrastructure)

- [x] T001 Create the package in src/export/__init__.py

## Phase 2: User Story 1 - Export the team's reminders (Priority: P1)

- [ ] T002 [US1] Write the exporter in src/export/writer.py (FR-001)
- [ ] T003 [US1] Test the exporter in tests/test_writer.py (FR-001, SC-001) (depends on T002)
"""


def _feature(root: Path, folder: str, title: str) -> Path:
    path = root / "specs" / folder
    path.mkdir(parents=True)
    (path / "spec.md").write_text(SPEC.format(title=title, folder=folder), encoding="utf-8")
    (path / "tasks.md").write_text(TASKS.format(title=title), encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    _feature(root, "001-export", "Team Export")
    _feature(root, "002-cycle", "Cycle")
    cycle = root / "specs" / "002-cycle" / "tasks.md"  # T002 waits for T003 too: a cycle
    cycle.write_text(cycle.read_text().replace("writer.py (FR-001)\n", "writer.py (FR-001) (depends on T003)\n"))
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Feature Specification: secret\n\nthe secret\n", encoding="utf-8")
    (outside / "spec.md").write_text("# Feature Specification: secret\n\nthe secret\n", encoding="utf-8")
    return root


@asynccontextmanager
async def connect(params: StdioServerParameters, errlog: TextIO) -> AsyncIterator[ClientSession]:
    async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


def run(cwd: Path, body: Callable[[ClientSession], Awaitable[None]], *args: str, command: str | None = None) -> None:
    """Spawn the server (``python -m speckit mcp ARGS`` in ``cwd``), run ``body`` in a session, close it."""
    params = StdioServerParameters(command=command or sys.executable,
                                   args=[] if command else ["-m", "speckit", "mcp", *args], cwd=str(cwd))

    async def main() -> None:
        async with connect(params, errlog) as session:
            await body(session)

    with open(os.devnull, "w") as errlog:  # the SDK logs to the server's stderr
        anyio.run(main)


def data(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return dict(result.structured_content)


def error(result: Any) -> str:
    assert result.is_error, result.structured_content
    return str(result.content[0].text)


def test_lists_tools_and_serves_documents_from_root_option(repo: Path) -> None:
    async def body(session: ClientSession) -> None:
        tools = {t.name: t for t in (await session.list_tools()).tools}
        assert set(tools) == {"check", "show", "graph", "next", "done", "explain"}
        for tool in tools.values():
            assert tool.description and tool.input_schema["type"] == "object"
        assert tools["done"].input_schema["required"] == ["feature", "tasks"]
        assert tools["done"].annotations is not None and tools["done"].annotations.read_only_hint is False
        assert tools["check"].annotations is not None and tools["check"].annotations.read_only_hint is True

        uris = [str(r.uri) for r in (await session.list_resources()).resources]
        spec_uri = "speckit://documents/specs/001-export/spec.md"
        assert spec_uri in uris and "speckit://documents/specs/002-cycle/tasks.md" in uris
        assert not any("outside" in u for u in uris)
        templates = (await session.list_resource_templates()).resource_templates
        assert [t.uri_template for t in templates] == ["speckit://documents/{+path}"]
        text = (await session.read_resource(spec_uri)).contents[0]
        assert text.text == (repo / "specs" / "001-export" / "spec.md").read_text()  # type: ignore[union-attr]
        index = json.loads((await session.read_resource("speckit://features")).contents[0].text)  # type: ignore[union-attr]
        assert [f["id"] for f in index["features"]] == ["001-export", "002-cycle"]

    # Started from the folder above, with --root: names and paths resolve against the root.
    run(repo.parent, body, "--root", str(repo))


def test_check_show_graph_next_explain(repo: Path) -> None:
    async def body(session: ClientSession) -> None:
        clean = data(await session.call_tool("check", {"feature": "001"}))
        assert clean["failed"] is False and clean["features"] == ["specs/001-export"]
        assert clean["summary"]["errors"] == 0

        bad = data(await session.call_tool("check", {"feature": "002-cycle"}))
        assert bad["failed"] is True
        cycle = [d for d in bad["diagnostics"] if d["rule"] == "graph/cycle"]
        assert len(cycle) == 1
        assert cycle[0]["path"] == "specs/002-cycle/tasks.md" and cycle[0]["severity"] == "error"
        lines = (repo / "specs" / "002-cycle" / "tasks.md").read_text().splitlines()
        assert "T002" in lines[cycle[0]["line"] - 1] and cycle[0]["hint"]

        every = data(await session.call_tool("check", {}))
        assert every["summary"]["features"] == 2 and every["failed"] is True

        model = data(await session.call_tool("show", {"feature": "specs/001-export"}))
        assert model["feature"]["id"] == "001-export" and [t["id"] for t in model["tasks"]] == ["T001", "T002", "T003"]
        task = data(await session.call_tool("show", {"feature": "export", "id": "T003"}))
        assert task["kind"] == "task" and task["object"]["depends_on"] == ["T002"]
        assert "T002" in [e["task"] for e in task["waits_for"]]
        requirement = data(await session.call_tool("show", {"feature": "001", "id": "FR-001"}))
        assert requirement["kind"] == "requirement" and requirement["tasks"] == ["T002", "T003"]
        story = data(await session.call_tool("show", {"feature": "001", "id": "US1"}))
        assert story["kind"] == "story" and story["object"]["priority"] == "P1"

        graph = data(await session.call_tool("graph", {"feature": "002"}))
        assert graph["cycles"] and set(graph["cycles"][0]) >= {"T002", "T003"}
        ready = data(await session.call_tool("next", {"feature": "001"}))
        assert [t["id"] for t in ready["ready"]] == ["T002"] and ready["waiting"] == 1

        rule = data(await session.call_tool("explain", {"rule": "graph/cycle"}))
        assert rule["severity"] == "error" and rule["fix"] and "graph/cycle" in rule["text"]

    run(repo, body)


def test_done_makes_the_edit_speckit_done_makes(repo: Path) -> None:
    tasks = repo / "specs" / "001-export" / "tasks.md"
    before = tasks.read_bytes()

    async def body(session: ClientSession) -> None:
        ticked = data(await session.call_tool("done", {"feature": "001", "tasks": ["T002"]}))
        assert ticked["ticked"] == ["T002"] and ticked["already_done"] == []
        again = data(await session.call_tool("done", {"feature": "001", "tasks": ["T002", "T001"]}))
        assert again["ticked"] == [] and again["already_done"] == ["T002", "T001"]
        assert "T003" in [t["id"] for t in data(await session.call_tool("next", {"feature": "001"}))["ready"]]
        message = error(await session.call_tool("done", {"feature": "001", "tasks": ["T002", "T099"]}))
        assert "no task T099" in message

    run(repo, body)
    assert tasks.read_bytes() == before.replace(b"- [ ] T002", b"- [x] T002")  # the file's own spelling of a tick
    # The CLI makes the same edit on a fresh copy.
    copy = repo / "specs" / "003-copy"
    copy.mkdir()
    (copy / "tasks.md").write_bytes(before)
    subprocess.run([sys.executable, "-m", "speckit", "done", "003", "T002"], cwd=repo, check=True, capture_output=True)
    assert (copy / "tasks.md").read_bytes() == tasks.read_bytes()


def test_bad_calls_are_tool_errors_and_the_server_keeps_serving(repo: Path, tmp_path: Path) -> None:
    (repo / "specs" / "004-link").symlink_to(tmp_path / "outside", target_is_directory=True)
    (repo / "specs" / "001-export" / "notes.md").symlink_to(tmp_path / "outside" / "secret.md")
    (repo / "specs" / "001-export" / "checklists").mkdir()
    (repo / "specs" / "001-export" / "checklists" / "leak.md").symlink_to(tmp_path / "outside" / "secret.md")

    async def body(session: ClientSession) -> None:
        async def fails(tool: str, arguments: dict[str, Any], *needles: str) -> None:
            message = error(await session.call_tool(tool, arguments))
            for needle in needles:
                assert needle in message, message
            assert "Traceback" not in message and "the secret" not in message

        await fails("show", {"feature": "042-nothing"}, "042-nothing: no feature of that name")
        await fails("check", {"feature": "../outside"}, "outside the repository root")
        await fails("show", {"feature": str(tmp_path / "outside" / "spec.md")}, "outside the repository root")
        await fails("show", {"feature": "specs/004-link"}, "outside the repository root")
        await fails("show", {"feature": "004-link"}, "no feature of that name")  # linked folders are not walked
        await fails("show", {"feature": "specs/001-export/notes.md"}, "outside the repository root")
        await fails("show", {"feature": "001", "id": "T999"}, "T999: no story", "001-export")
        await fails("show", {"feature": "001", "id": "T00"}, "did you mean")
        await fails("graph", {"feature": ""}, "feature")
        await fails("explain", {"rule": "graph/cylce"}, "no rule 'graph/cylce'", "did you mean graph/cycle")
        await fails("done", {"feature": "001", "tasks": []}, "tasks")
        await fails("done", {"feature": "001", "tasks": "T002"}, "tasks")
        await fails("next", {}, "feature")
        await fails("nope", {}, "nope")

        outside, not_a_document = "outside the repository root", "not a document of a feature"
        unknown = "Unknown resource"  # '..' segments and an absolute path: the SDK's template refuses them first
        for uri, refusal in (("speckit://documents/specs/001-export/notes.md", outside),
                             ("speckit://documents/specs/001-export/checklists/leak.md", outside),
                             ("speckit://documents/specs/../../outside/spec.md", unknown),
                             ("speckit://documents/specs/001-export/../../../outside/spec.md", unknown),
                             ("speckit://documents/.git/config", not_a_document),
                             ("speckit://documents/" + str(tmp_path / "outside" / "spec.md"), unknown)):
            with pytest.raises(MCPError) as raised:
                await session.read_resource(uri)
            assert refusal in str(raised.value), (uri, str(raised.value))
            assert "the secret" not in str(raised.value)
        assert not any("leak" in str(r.uri) for r in (await session.list_resources()).resources)
        # Still serving after all of that.
        assert data(await session.call_tool("check", {"feature": "001"}))["failed"] is False

    run(repo, body)


def test_names_resolve_under_the_root_not_the_working_directory(repo: Path, tmp_path: Path) -> None:
    """Started elsewhere with --root, beside a folder named like a feature: a name is looked up under
    the root's specs folder, and one that names nothing there is 'no feature', not a path outside."""
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "001-zed").mkdir(parents=True)
    (elsewhere / "001-zed" / "spec.md").write_text(SPEC.format(title="Zed", folder="001-zed"), encoding="utf-8")

    async def body(session: ClientSession) -> None:
        message = error(await session.call_tool("show", {"feature": "001-zed"}))
        assert "001-zed: no feature of that name" in message and "outside" not in message, message
        assert data(await session.call_tool("show", {"feature": "001-export"}))["feature"]["id"] == "001-export"
        broken = error(await session.call_tool("show", {"feature": "no\nsuch\tfeature"}))
        assert "\n" not in broken and "no\\x0asuch" in broken, broken

    run(elsewhere, body, "--root", str(repo))


def test_the_workspace_resolves_names_whatever_the_working_directory(repo: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from speckit.errors import InputError
    from speckit.mcp.workspace import Workspace

    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "001-zed").mkdir(parents=True)
    (elsewhere / "001-zed" / "spec.md").write_text(SPEC.format(title="Zed", folder="001-zed"), encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    workspace = Workspace.open(repo)
    with pytest.raises(InputError, match="^001-zed: no feature of that name"):
        workspace.show("001-zed")
    assert workspace.show("001")["feature"]["id"] == "001-export"
    assert workspace.check("001")["features"] == ["specs/001-export"]
    # What the SDK's URI template refuses first is refused here too, had it got through.
    for relative in ("specs/../../outside/spec.md", "specs/001-export/../../../outside/spec.md",
                     str(tmp_path / "outside" / "spec.md")):
        with pytest.raises(InputError, match="outside the repository root"):
            workspace.read(relative)


def test_shutdown_when_the_client_closes_stdin(repo: Path, tmp_path: Path) -> None:
    status = tmp_path / "status"
    script = tmp_path / "server.sh"
    script.write_text(textwrap.dedent(f"""\
        #!/bin/sh
        "{sys.executable}" -m speckit mcp
        echo $? > "{status}"
        """))
    script.chmod(0o755)

    async def body(session: ClientSession) -> None:
        assert data(await session.call_tool("next", {"feature": "001"}))["ready"]

    run(repo, body, command=str(script))
    deadline = time.monotonic() + 10
    while not status.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert status.read_text().strip() == "0"


def test_the_client_configs_in_docs_agents_md_start_the_server(repo: Path) -> None:
    """Each JSON config of docs/agents.md, run as its client would run it (``speckit`` is this
    Python's ``-m speckit``), starts a server that answers for the repository."""
    page = (ROOT / "docs" / "agents.md").read_text(encoding="utf-8")
    configs = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", page, flags=re.DOTALL)]
    servers = [c.get("mcpServers", c.get("servers"))["speckit"] for c in configs]
    assert len(servers) == 3
    for server in servers:
        assert server["command"] == "speckit" and server["args"][0] == "mcp"
        args = [str(repo) if a in ("${workspaceFolder}", "/path/to/your/repository") else a for a in server["args"]]

        async def body(session: ClientSession) -> None:
            assert len((await session.list_tools()).tools) == 6
            assert data(await session.call_tool("check", {"feature": "001"}))["features"] == ["specs/001-export"]

        # Started in the repository (Claude Code), or elsewhere with --root (VS Code, desktop clients).
        run(repo if len(args) == 1 else repo.parent, body, *args[1:])


def test_without_the_sdk_one_line_and_exit_2(repo: Path) -> None:
    code = "import sys; sys.modules['mcp'] = None; from speckit.cli import main; main(['mcp'])"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "speckit: error: speckit mcp needs the MCP SDK: pip install 'speckit-compiler[mcp]'\n"


def test_check_start_up_imports_no_mcp(repo: Path) -> None:
    code = ("import atexit, sys\n"
            "atexit.register(lambda: print(sorted(m for m in sys.modules if m.split('.')[0] in ('mcp', 'anyio'))"
            ", file=sys.stderr))\n"
            "from speckit.cli import main\nmain(['check', 'specs/001-export'])\n")
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"
