"""speckit lsp end to end: a real LSP client (pytest-lsp, on pygls) drives ``python -m speckit lsp``
over stdio, as an editor does."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsp_feature import PLAN, SPEC, TASKS, write_feature
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def feature(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_feature(tmp_path_factory.mktemp("repo"))


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=[sys.executable, "-m", "speckit", "lsp"]))
async def client(lsp_client: LanguageClient, feature: Path):
    root = feature.parent.parent
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="repo")]))
    yield
    await lsp_client.shutdown_session()


def uri(path: Path) -> str:
    return path.as_uri()


async def open_document(client: LanguageClient, path: Path, text: str, version: int = 1) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri(path), language_id="markdown", version=version, text=text)))


def change(client: LanguageClient, path: Path, text: str, version: int) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri(path), version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


def position(text: str, needle: str, offset: int = 0) -> types.Position:
    """The LSP position (UTF-16) of the first ``needle`` in ``text``."""
    before = text[: text.index(needle) + offset]
    line = before.count("\n")
    last = before.rsplit("\n", 1)[-1]
    return types.Position(line=line, character=len(last.encode("utf-16-le")) // 2)


async def wait_diagnostics(
    client: LanguageClient, path: Path, predicate, timeout: float = 10.0
) -> list[types.Diagnostic]:
    """Wait until the diagnostics shown for ``path`` satisfy ``predicate``."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        shown = client.diagnostics.get(uri(path))
        if shown is not None and predicate(list(shown)):
            return list(shown)
        await asyncio.sleep(0.02)
    raise AssertionError(f"diagnostics of {path.name} never matched: {client.diagnostics.get(uri(path))}")


def rules(diagnostics: list[types.Diagnostic]) -> list[str]:
    return [str(d.code) for d in diagnostics]


async def test_diagnostics_follow_the_editor_text_and_cross_documents(client: LanguageClient, feature: Path) -> None:
    tasks, spec = feature / "tasks.md", feature / "spec.md"
    await open_document(client, tasks, TASKS)
    # The other documents get the feature's findings too (US2's task waits on US1's: invest/independent).
    shown = await wait_diagnostics(client, spec, lambda d: "invest/independent" in rules(d))
    assert all(d.source == "speckit" for d in shown)
    await wait_diagnostics(client, tasks, lambda d: "trace/unknown-ref" not in rules(d))
    # A task cites FR-009, which spec.md (on disk) does not define: an error at the task's line, from
    # the text in the editor, not the file.
    edited = TASKS.replace("(FR-002)", "(FR-002, FR-009)")
    change(client, tasks, edited, 2)
    found = await wait_diagnostics(client, tasks, lambda d: "trace/unknown-ref" in rules(d))
    unknown = next(d for d in found if d.code == "trace/unknown-ref")
    assert "FR-009" in unknown.message and unknown.severity == types.DiagnosticSeverity.Error
    assert unknown.range.start.line == position(edited, "T005").line
    assert "FR-009" not in (feature / "tasks.md").read_text()  # nothing was written
    # Defining FR-009 in the spec's buffer clears the error shown in tasks.md.
    spec_text = SPEC.replace("- **FR-002**", "- **FR-009**: The system MUST keep a log of reminders.\n- **FR-002**")
    await open_document(client, spec, spec_text)
    await wait_diagnostics(client, tasks, lambda d: "trace/unknown-ref" not in rules(d))
    # Closing the spec goes back to the file on disk, where FR-009 is missing again.
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri(spec))))
    await wait_diagnostics(client, tasks, lambda d: "trace/unknown-ref" in rules(d))
    change(client, tasks, TASKS, 3)
    await wait_diagnostics(client, tasks, lambda d: "trace/unknown-ref" not in rules(d))


async def test_hover_definition_references(client: LanguageClient, feature: Path) -> None:
    tasks, spec = feature / "tasks.md", feature / "spec.md"
    await open_document(client, tasks, TASKS)
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri(tasks)), position=position(TASKS, "T003 [US1]", 2)))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    text = hover.contents.value
    assert "**T003** task · open" in text and "Implement scheduling" in text
    assert "Depends on: T001" in text and "Needed by: T004" in text and "FR-001" in text
    # On a requirement cited in tasks.md: its text from spec.md and the tasks citing it.
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri(tasks)), position=position(TASKS, "SC-001")))
    assert hover is not None and "posted within one minute" in hover.contents.value  # type: ignore[union-attr]
    assert "cited by 1 task (0 done): T004 open" in hover.contents.value  # type: ignore[union-attr]
    # No id under the cursor: no hover.
    none = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri(tasks)), position=position(TASKS, "Create the")))
    assert none is None

    target = await client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=uri(tasks)), position=position(TASKS, "FR-002")))
    assert isinstance(target, types.Location) and target.uri == uri(spec)
    assert target.range.start == position(SPEC, "FR-002")
    story = await client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=uri(tasks)), position=position(TASKS, "US2]")))
    assert isinstance(story, types.Location) and story.range.start == position(SPEC, "User Story 2")

    found = await client.text_document_references_async(types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(uri=uri(tasks)), position=position(TASKS, "T004 [US1]"),
        context=types.ReferenceContext(include_declaration=False)))
    places = sorted((Path(types_uri_path(loc.uri)).name, loc.range.start.line) for loc in found or [])
    assert places == [("plan.md", position(PLAN, "T004").line), ("tasks.md", position(TASKS, "(depends on T004)").line)]


def types_uri_path(value: str) -> str:
    from pygls.uris import to_fs_path

    return to_fs_path(value) or value


async def test_utf16_positions(client: LanguageClient, feature: Path) -> None:
    """Characters outside the BMP count two UTF-16 units: the id after them is still found, and the
    range the server sends back is in UTF-16 too."""
    tasks = feature / "tasks.md"
    edited = TASKS.replace("Cancel reminders in", "🎯🎯 Cancel reminders in")
    await open_document(client, tasks, TASKS)
    change(client, tasks, edited, 10)
    line = edited.splitlines()[position(edited, "🎯🎯").line]
    at = position(edited, "T004)\n", 1)
    assert at.character == line.index("T004)") + 2 + 1  # two emoji: two more UTF-16 units than code points
    for _ in range(100):
        hover = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri(tasks)), position=at))
        if hover is not None and "**T004**" in hover.contents.value:  # type: ignore[union-attr]
            break
        await asyncio.sleep(0.02)
    assert hover is not None and "**T004**" in hover.contents.value  # type: ignore[union-attr]
    assert hover.range is not None and (hover.range.start.character, hover.range.end.character) == (
        at.character - 1, at.character + 3)
    found = await client.text_document_references_async(types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(uri=uri(tasks)), position=at,
        context=types.ReferenceContext(include_declaration=False)))
    mine = [loc for loc in found or [] if loc.uri == uri(tasks)]
    assert [loc.range.start.character for loc in mine] == [at.character - 1]
    assert [loc.range.end.character for loc in mine] == [at.character + 3]
    change(client, tasks, TASKS, 11)


async def test_completion(client: LanguageClient, feature: Path) -> None:
    tasks = feature / "tasks.md"
    await open_document(client, tasks, TASKS)
    cases = [("- [ ] T006 Log it (depends on T00", "task", "T001"),
             ("- [ ] T006 [US", "story", "US1"),
             ("- [ ] T006 Log it (FR-", "requirement", "FR-001")]
    for version, (line, kind, first) in enumerate(cases, start=20):
        text = TASKS + line
        change(client, tasks, text, version)
        result = await client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(tasks)),
            position=types.Position(line=text.count("\n"), character=len(line))))
        assert result is not None
        items = result.items if isinstance(result, types.CompletionList) else result
        labels = [i.label for i in items]
        assert labels and labels[0] == first, (line, labels)
        if kind == "task":
            assert labels == ["T001", "T002", "T003", "T004", "T005"]
        if kind == "story":
            assert labels == ["US1", "US2"]
            edit = items[0].text_edit
            assert isinstance(edit, types.TextEdit) and edit.range.start.character == line.index("US")
        if kind == "requirement":
            assert labels == ["FR-001", "FR-002"]
    plain = TASKS + "- [ ] T006 plain words"
    change(client, tasks, plain, 30)
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri(tasks)),
        position=types.Position(line=plain.count("\n"), character=len("- [ ] T006 plain words"))))
    assert result is not None and not (result.items if isinstance(result, types.CompletionList) else result)
    change(client, tasks, TASKS, 31)


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP edits (UTF-16 positions) to ``text``, as an editor does."""
    lines = text.split("\n")

    def offset(pos: types.Position) -> int:
        line = lines[pos.line]
        units, index = 0, 0
        while units < pos.character:
            units += 2 if ord(line[index]) > 0xFFFF else 1
            index += 1
        return sum(len(line) + 1 for line in lines[: pos.line]) + index

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text


async def actions_at(client: LanguageClient, path: Path, line: int) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri(path)),
        range=types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line, character=0)),
        context=types.CodeActionContext(diagnostics=[])))
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


async def test_code_actions_tick_and_ignore(client: LanguageClient, feature: Path) -> None:
    tasks, spec = feature / "tasks.md", feature / "spec.md"
    await open_document(client, tasks, TASKS)
    found = await actions_at(client, tasks, position(TASKS, "T003 [US1]").line)
    tick = next(a for a in found if a.title == "Mark T003 as done")
    assert tick.edit is not None and tick.edit.changes is not None
    ticked = apply(TASKS, tick.edit.changes[uri(tasks)])
    # The same bytes 'speckit done' writes for T003, from the file's own spelling ([X]).
    on_disk = feature.parent.parent / "done-copy" / "specs" / feature.name
    on_disk.mkdir(parents=True)
    for name in ("spec.md", "plan.md", "tasks.md"):
        (on_disk / name).write_text((feature / name).read_text())
    await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "speckit", "done", str(on_disk), "T003"], check=True,
                            capture_output=True)
    assert ticked == (on_disk / "tasks.md").read_text()
    done = await actions_at(client, tasks, position(TASKS, "T002 [P]").line)
    untick = next(a for a in done if a.title == "Mark T002 as not done")
    assert "- [ ] T002 [P]" in apply(TASKS, untick.edit.changes[uri(tasks)])  # type: ignore[union-attr]

    # Silence the invest/independent finding in spec.md with a justified speckit-ignore: the finding goes.
    await open_document(client, spec, SPEC)
    shown = await wait_diagnostics(client, spec, lambda d: "invest/independent" in rules(d))
    finding = next(d for d in shown if d.code == "invest/independent")
    offered = await actions_at(client, spec, finding.range.start.line)
    ignore = next(a for a in offered if a.title.startswith("Ignore invest/independent"))
    assert ignore.kind == types.CodeActionKind.QuickFix and ignore.diagnostics
    silenced = apply(SPEC, ignore.edit.changes[uri(spec)])  # type: ignore[union-attr]
    assert "<!-- speckit-ignore invest/independent -- why:" in silenced
    change(client, spec, silenced, 2)
    after = await wait_diagnostics(client, spec, lambda d: "invest/independent" not in rules(d))
    assert rules(after) == [r for r in rules(shown) if r != "invest/independent"]
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri(spec))))


async def test_fix_actions_come_from_the_buffer(client: LanguageClient, feature: Path) -> None:
    """check --fix's fixes as code actions (speckit.fix, #14), computed from the unsaved text: a task
    pasted twice in the editor is offered for deletion at its line in the buffer; disk is untouched."""
    tasks = feature / "tasks.md"
    line = next(x for x in TASKS.splitlines(keepends=True) if x.startswith("- [ ] T004"))
    pasted = "\n" + TASKS.replace(line, line + line)  # one line more than the file, and the copy
    await open_document(client, tasks, pasted)
    await wait_diagnostics(client, tasks, lambda d: "graph/duplicate-id" in rules(d))
    copy = position(pasted, line).line + 1
    offered = await actions_at(client, tasks, copy)
    assert [a.title for a in offered if a.title.startswith("Delete")] == [
        f"Delete the repeated task T004 (an exact copy of line {copy})"], [a.title for a in offered]
    delete = next(a for a in offered if a.title.startswith("Delete"))
    assert delete.edit is not None and delete.edit.changes is not None
    (edit,) = delete.edit.changes[uri(tasks)]
    assert (edit.range.start.line, edit.range.start.character, edit.range.end.line, edit.range.end.character,
            edit.new_text) == (copy, 0, copy + 1, 0, "")
    assert (feature / "tasks.md").read_text() == TASKS
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri(tasks))))


async def test_document_and_workspace_symbols(client: LanguageClient, feature: Path) -> None:
    tasks, spec = feature / "tasks.md", feature / "spec.md"
    await open_document(client, tasks, TASKS)
    outline = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=types.TextDocumentIdentifier(uri=uri(tasks))))
    assert outline is not None
    phases = [s for s in outline if isinstance(s, types.DocumentSymbol)]
    assert [p.name for p in phases] == ["Phase 1: Setup", "Phase 2: User Story 1 - Schedule a reminder (Priority: P1)",
                                        "Phase 3: User Story 2 - Cancel a reminder (Priority: P2)"]
    assert [c.name.split()[0] for c in phases[1].children or []] == ["T003", "T004"]
    spec_outline = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=types.TextDocumentIdentifier(uri=uri(spec))))
    names = [s.name.split()[0] for s in spec_outline or []]
    assert names == ["US1", "US2", "FR-001", "FR-002", "SC-001"]

    # Workspace symbols: every feature under the specs root, open or not.
    write_feature(feature.parent.parent, "002-digests")
    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="FR-002"))
    requirements = sorted((s.container_name, s.name.split()[0]) for s in found or []
                          if isinstance(s, types.SymbolInformation) and s.kind == types.SymbolKind.Property)
    assert requirements == [("001-reminders", "FR-002"), ("002-digests", "FR-002")]
    digests = next(s for s in found or [] if s.container_name == "002-digests" and s.name.startswith("FR-002"))
    assert digests.location.uri == uri(feature.parent / "002-digests" / "spec.md")  # type: ignore[union-attr]
    assert digests.location.range.start == position(SPEC, "FR-002")  # type: ignore[union-attr]
    everything = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=""))
    assert len(everything or []) == 2 * 10
