"""The pygls language server: LSP requests in, speckit's model and findings out.

Documents are synchronised in full (every change sends the whole text): pygls applies incremental
edits to ``str.splitlines`` lines, which split at U+2028 and form feeds too, while LSP (and speckit's
parser) count only ``\\r\\n``, ``\\r`` and ``\\n``; a 30 KB document is one small message.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from speckit import __version__
from speckit.lsp import actions
from speckit.lsp.ids import Entry, Place
from speckit.lsp.session import Session, Snapshot, Unit, normal
from speckit.lsp.text import Lines
from speckit.model import Diagnostic, Feature, Task

log = logging.getLogger("speckit.lsp")

SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
            "info": types.DiagnosticSeverity.Information}
SYMBOL_KIND = {"story": types.SymbolKind.Class, "requirement": types.SymbolKind.Property,
               "criterion": types.SymbolKind.Constant, "task": types.SymbolKind.Function}
COMPLETION_KIND = {"story": types.CompletionItemKind.Class, "requirement": types.CompletionItemKind.Property,
                   "criterion": types.CompletionItemKind.Constant, "task": types.CompletionItemKind.Function}


class SpeckitServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("speckit", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.session = Session()
        self.pending: set[Unit] = set()
        self.shown: dict[Unit, set[Path]] = {}
        self.uris: dict[Path, str] = {}
        """The URI the editor opened each document under: diagnostics go back under the same
        spelling (a drive letter's case, percent-escapes), or the editor would not match them."""

    def uri(self, path: Path) -> str:
        return self.uris.get(path) or from_fs_path(str(path)) or path.as_uri()

    # -- helpers -------------------------------------------------------------------------------

    def lines(self, snapshot: Snapshot, path: Path) -> Lines:
        return Lines(snapshot.texts.get(path, ""), self.workspace.position_codec.client_num_units)

    def range(self, lines: Lines, line: int, start: int, end_line: int, end: int) -> types.Range:
        return types.Range(start=types.Position(line=line, character=lines.to_client(line, start)),
                           end=types.Position(line=end_line, character=lines.to_client(end_line, end)))

    def located(self, snapshot: Snapshot, path: Path) -> tuple[Snapshot, Lines] | None:
        return (snapshot, self.lines(snapshot, path)) if path in snapshot.texts else None

    def snapshot_of(self, uri: str) -> tuple[Path, Snapshot] | None:
        name = to_fs_path(uri)
        if name is None:
            return None
        path = normal(name)
        unit = self.session.unit_of(path)
        if unit is None:
            return None
        snapshot = self.session.snapshot(unit)
        return (path, snapshot) if path in snapshot.texts else None

    def lsp_diagnostic(self, lines: Lines, found: Diagnostic) -> types.Diagnostic:
        line = max(found.line - 1, 0)
        last = max((found.end_line or found.line) - 1, line)
        text = lines.line(line)
        start = found.column - 1 if found.column > 1 else len(text) - len(text.lstrip())
        message = found.message + (f"\nhint: {found.hint}" if found.hint else "")
        return types.Diagnostic(range=self.range(lines, line, min(start, len(text)), last, len(lines.line(last))),
                                message=message, severity=SEVERITY[found.severity], code=found.rule, source="speckit")

    # -- diagnostics ---------------------------------------------------------------------------

    def changed(self, unit: Unit | None) -> None:
        """Recheck ``unit`` soon: changes that arrive together are checked once."""
        if unit is None:
            return
        if not self.pending:
            asyncio.get_running_loop().call_soon(self.flush)
        self.pending.add(unit)

    def flush(self) -> None:
        units, self.pending = self.pending, set()
        for unit in units:
            self.publish(unit)

    def publish(self, unit: Unit) -> None:
        snapshot = self.session.snapshot(unit)
        per_document = self.session.published(snapshot)
        for path in self.shown.get(unit, set()) - set(per_document):
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=self.uri(path), diagnostics=[]))
        self.shown[unit] = set(per_document)
        for path, found in per_document.items():
            uri = self.uri(path)
            lines = self.lines(snapshot, path)
            document = self.workspace.text_documents.get(uri)
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, version=document.version if document else None,
                diagnostics=[self.lsp_diagnostic(lines, d) for d in found]))


server = SpeckitServer()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: SpeckitServer, params: types.DidOpenTextDocumentParams) -> None:
    name = to_fs_path(params.text_document.uri)
    if name is not None:
        ls.uris[normal(name)] = params.text_document.uri
        ls.changed(ls.session.set_buffer(Path(name), params.text_document.text))


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: SpeckitServer, params: types.DidChangeTextDocumentParams) -> None:
    name = to_fs_path(params.text_document.uri)
    if name is not None:
        ls.changed(ls.session.set_buffer(Path(name), ls.workspace.get_text_document(params.text_document.uri).source))


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: SpeckitServer, params: types.DidSaveTextDocumentParams) -> None:
    name = to_fs_path(params.text_document.uri)
    if name is not None:
        ls.changed(ls.session.file_changed(Path(name)))


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: SpeckitServer, params: types.DidCloseTextDocumentParams) -> None:
    name = to_fs_path(params.text_document.uri)
    if name is not None:
        ls.changed(ls.session.close_buffer(Path(name)))


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_files(ls: SpeckitServer, params: types.DidChangeWatchedFilesParams) -> None:
    for change in params.changes:
        name = to_fs_path(change.uri)
        if name is not None:
            ls.changed(ls.session.file_changed(Path(name)))


# -- ids: hover, definition, references, completion -----------------------------------------------

def entry_at(ls: SpeckitServer, uri: str, position: types.Position) -> tuple[Snapshot, Entry, Place] | None:
    found = ls.snapshot_of(uri)
    if found is None:
        return None
    path, snapshot = found
    lines = ls.lines(snapshot, path)
    hit = snapshot.index.at(path, position.line, lines.from_client(position.line, position.character))
    return (snapshot, *hit) if hit is not None else None


def location(ls: SpeckitServer, snapshot: Snapshot, path: Path, line: int, start: int, end: int) -> types.Location:
    lines = ls.lines(snapshot, path)
    return types.Location(uri=ls.uri(path), range=ls.range(lines, line, start, line, end))


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: SpeckitServer, params: types.HoverParams) -> types.Hover | None:
    found = entry_at(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    snapshot, entry, place = found
    lines = ls.lines(snapshot, place.path)
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=snapshot.index.hover(entry)),
                       range=ls.range(lines, place.line, place.start, place.line, place.end))


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def definition(ls: SpeckitServer, params: types.DefinitionParams) -> types.Location | None:
    found = entry_at(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    snapshot, entry, _ = found
    place = entry.definition
    return location(ls, snapshot, place.path, place.line, place.start, place.end)


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
def references(ls: SpeckitServer, params: types.ReferenceParams) -> list[types.Location]:
    found = entry_at(ls, params.text_document.uri, params.position)
    if found is None:
        return []
    snapshot, entry, _ = found
    places = ([entry.definition] if params.context.include_declaration else []) + entry.references
    return [location(ls, snapshot, p.path, p.line, p.start, p.end) for p in places]


@server.feature(types.TEXT_DOCUMENT_COMPLETION,
                types.CompletionOptions(trigger_characters=["[", "(", "-", " ", ","]))
def completion(ls: SpeckitServer, params: types.CompletionParams) -> types.CompletionList:
    found = ls.snapshot_of(params.text_document.uri)
    if found is None:
        return types.CompletionList(is_incomplete=False, items=[])
    path, snapshot = found
    lines = ls.lines(snapshot, path)
    line = params.position.line
    column = lines.from_client(line, params.position.character)
    start, entries = snapshot.index.complete(path, line, lines.line(line), column)
    replace = ls.range(lines, line, start, line, column)
    items = [types.CompletionItem(label=e.id, kind=COMPLETION_KIND[e.kind], detail=title_of(e), sort_text=f"{n:05d}",
                                  text_edit=types.TextEdit(range=replace, new_text=e.id), filter_text=e.id)
             for n, e in enumerate(entries)]
    return types.CompletionList(is_incomplete=False, items=items)


def title_of(entry: Entry) -> str:
    item = entry.item
    text = getattr(item, "title", None) or getattr(item, "text", "")
    state = f"[{item.state}] " if isinstance(item, Task) else ""
    return state + " ".join(str(text).split())[:120]


# -- code actions ------------------------------------------------------------------------------

@server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
    code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.RefactorRewrite]))
def code_action(ls: SpeckitServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    found = ls.snapshot_of(params.text_document.uri)
    if found is None:
        return []
    path, snapshot = found
    first, last = params.range.start.line, params.range.end.line
    made = actions.task_actions(snapshot, path, first, last)
    for diagnostic in snapshot.diagnostics:
        if diagnostic.path and normal(diagnostic.path) == path and first <= diagnostic.line - 1 <= last:
            action = actions.ignore_action(snapshot, path, diagnostic)
            if action is not None:
                made.append(action)
    made = actions.fix_actions(snapshot, path, first, last) + made
    out = []
    for action in made:
        changes: dict[str, list[types.TextEdit]] = {}
        for edit in action.edits:
            lines = ls.lines(snapshot, edit.path)
            changes.setdefault(ls.uri(edit.path), []).append(types.TextEdit(
                range=ls.range(lines, *edit.start, *edit.end), new_text=edit.text))
        lsp_diagnostics = None
        if action.diagnostic is not None:
            lsp_diagnostics = [ls.lsp_diagnostic(ls.lines(snapshot, path), action.diagnostic)]
        out.append(types.CodeAction(title=action.title, kind=action.kind, edit=types.WorkspaceEdit(changes=changes),
                                    diagnostics=lsp_diagnostics, is_preferred=action.preferred or None))
    return out


# -- symbols -----------------------------------------------------------------------------------

def symbol(ls: SpeckitServer, snapshot: Snapshot, path: Path, name: str, detail: str, kind: types.SymbolKind,
           line: int, end_line: int, children: list[types.DocumentSymbol] | None = None) -> types.DocumentSymbol:
    lines = ls.lines(snapshot, path)
    first, last = line - 1, max(end_line or line, line) - 1
    text = lines.line(first)
    whole = ls.range(lines, first, 0, last, len(lines.line(last)))
    head = ls.range(lines, first, len(text) - len(text.lstrip()), first, len(text))
    return types.DocumentSymbol(name=name or "(untitled)", detail=detail, kind=kind, range=whole,
                                selection_range=head, children=children)


def document_symbols(ls: SpeckitServer, snapshot: Snapshot, path: Path) -> list[types.DocumentSymbol]:
    feature = snapshot.feature
    if feature is None:
        return []
    out: list[types.DocumentSymbol] = []
    if feature.spec is not None and normal(feature.spec.path) == path:
        spec = feature.spec
        out += [symbol(ls, snapshot, path, f"{s.id} {s.title}", s.priority or "", SYMBOL_KIND["story"], s.line,
                       s.end_line) for s in spec.stories]
        out += [symbol(ls, snapshot, path, r.id, _short(r.text), SYMBOL_KIND["requirement"], r.line, r.end_line)
                for r in spec.requirements]
        out += [symbol(ls, snapshot, path, r.id, _short(r.text), SYMBOL_KIND["criterion"], r.line, r.end_line)
                for r in spec.success_criteria]
    if feature.task_list is not None and normal(feature.task_list.path) == path:
        phases = feature.task_list.phases
        placed: set[int] = set()
        for phase in phases:
            inside = [t for t in feature.tasks if phase.line <= t.line <= (phase.end_line or phase.line)]
            placed.update(id(t) for t in inside)
            children = [task_symbol(ls, snapshot, path, t) for t in inside]
            name = f"Phase {phase.number}: {phase.title}" if phase.number else phase.title
            out.append(symbol(ls, snapshot, path, name, phase.kind, types.SymbolKind.Namespace, phase.line,
                              phase.end_line, children))
        out += [task_symbol(ls, snapshot, path, t) for t in feature.tasks if id(t) not in placed]
    for document in (feature.plan, *feature.checklists):
        if document is not None and normal(document.path) == path:
            out += [symbol(ls, snapshot, path, h.title, "", types.SymbolKind.String, h.line, h.line)
                    for h in document.outline]
    return out


def task_symbol(ls: SpeckitServer, snapshot: Snapshot, path: Path, task: Task) -> types.DocumentSymbol:
    return symbol(ls, snapshot, path, f"{task.id or '(no id)'} {_short(task.title, 80)}", task.state,
                  SYMBOL_KIND["task"], task.line, task.end_line)


def _short(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbol(ls: SpeckitServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
    found = ls.snapshot_of(params.text_document.uri)
    if found is None:
        return []
    path, snapshot = found
    return document_symbols(ls, snapshot, path)


WORKSPACE_LIMIT = 2000


@server.feature(types.WORKSPACE_SYMBOL)
def workspace_symbol(ls: SpeckitServer, params: types.WorkspaceSymbolParams) -> list[types.SymbolInformation]:
    roots = [normal(to_fs_path(f.uri) or ".") for f in ls.workspace.folders.values()]
    if not roots and ls.workspace.root_path:
        roots = [normal(ls.workspace.root_path)]
    snapshots = ls.session.features(roots)
    open_units = {ls.session.unit_of(path) for path in ls.session.buffers}
    known = {s.unit for s in snapshots}
    snapshots += [ls.session.snapshot(u) for u in open_units if u is not None and u not in known]
    query = params.query.lower()
    out: list[types.SymbolInformation] = []
    for snapshot in snapshots:
        if snapshot.feature is None:
            continue
        for entry in snapshot.index.entries.values():
            name = f"{entry.id} {title_of(entry) if entry.kind != 'task' else _short(entry.item.title, 80)}"  # type: ignore[union-attr]
            if query and query not in name.lower() and query not in snapshot.feature.feature.id.lower():
                continue
            place = entry.definition
            out.append(types.SymbolInformation(name=name, kind=SYMBOL_KIND[entry.kind],
                                               location=location(ls, snapshot, place.path, place.line, place.start,
                                                                 place.end),
                                               container_name=_feature_name(snapshot.feature)))
            if len(out) >= WORKSPACE_LIMIT:
                return out
    return out


def _feature_name(feature: Feature) -> str:
    return feature.feature.id


def main() -> None:
    """Serve over stdio until the client says exit."""
    logging.basicConfig(level=logging.WARNING, format="speckit lsp: %(levelname)s: %(message)s")
    server.start_io()
