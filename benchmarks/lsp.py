"""Figure 9: the language server's latency after a one-character edit (#15).

A warm server (the three documents open, the feature checked once) receives a one-character edit
of one document; the figure is the time until it has the diagnostics of every document of the
feature, as LSP Diagnostic objects ready to publish: ``Session.set_buffer`` + ``snapshot`` (the
changed document parsed again, the others' parses reused, every rule over the whole feature) +
conversion to UTF-16 ranges. The baseline, in the same process and alternating with it, is a bare
``MarkdownIt().parse`` of the same three texts (the floor of figures 1 and 2). Edits rotate over
spec.md, plan.md and tasks.md; the notes give each document's median, the same edit with no parse
memo (every document parsed again: what a server calling ``check_target`` would do), and the
stdio round trip (didChange -> publishDiagnostics) of the real server.

Run in a subprocess by ``run.py --only lsp`` (also: ``python benchmarks/lsp.py FOLDER RUNS``).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path


def measure(folder: Path, runs: int) -> dict[str, object]:
    from markdown_it import MarkdownIt

    from speckit.lsp.server import SpeckitServer
    from speckit.lsp.session import Session, Snapshot, normal
    from speckit.lsp.text import Lines

    server = SpeckitServer()
    paths = [normal(folder / name) for name in ("spec.md", "plan.md", "tasks.md")]
    texts = {p: p.read_text(encoding="utf-8") for p in paths}
    session = Session()
    for path, text in texts.items():
        session.set_buffer(path, text)
    unit = session.unit_of(paths[0])
    assert unit is not None
    md = MarkdownIt()

    def diagnostics(snapshot: Snapshot) -> int:
        count = 0
        for path, found in session.published(snapshot).items():
            lines = Lines(snapshot.texts[path])
            count += len([SpeckitServer.lsp_diagnostic(server, lines, d) for d in found])
        return count

    def edit(path: Path, n: int) -> str:
        text = texts[path]
        at = text.index("\n", len(text) // 2)  # end of a line in the middle of the document
        return text[:at] + ("x" if n % 2 == 0 else "y") + text[at:]

    def ours(path: Path, n: int) -> float:
        text = edit(path, n)
        start = time.perf_counter()
        session.set_buffer(path, text)
        diagnostics(session.snapshot(unit))
        return time.perf_counter() - start

    def full(path: Path, n: int) -> float:
        """The same edit with every document parsed again (no memo): check_target on the texts."""
        from speckit.check import check_target
        from speckit.config import load
        from speckit.discover import Target

        config = load(start=folder)
        data = {p: (edit(p, n) if p == path else texts[p]).encode() for p in paths}
        start = time.perf_counter()
        check_target(Target(folder), config, data=data)
        return time.perf_counter() - start

    def floor() -> float:
        start = time.perf_counter()
        for text in texts.values():
            md.parse(text)
        return time.perf_counter() - start

    session.snapshot(unit)  # warm: the feature read and checked once, as after opening it
    count = diagnostics(session.snapshot(unit))
    for n in range(6):  # warm the memo and the interpreter's caches on every document
        ours(paths[n % 3], n)
        floor()
    subject: list[float] = []
    base: list[float] = []
    per_doc: dict[str, list[float]] = {p.name: [] for p in paths}
    whole: list[float] = []
    for n in range(runs):
        path = paths[n % 3]
        seconds = ours(path, n)
        subject.append(seconds)
        per_doc[path.name].append(seconds)
        base.append(floor())
        whole.append(full(path, n))
    for path, text in texts.items():  # leave the buffers as the files are
        session.set_buffer(path, text)
    return {
        "subject": subject,
        "baseline": base,
        "per_document": {k: statistics.median(v) for k, v in per_doc.items() if v},
        "full": statistics.median(whole),
        "diagnostics": count,
        "size": sum(len(t.encode()) for t in texts.values()),
    }


def round_trip(folder: Path, runs: int) -> float:
    """Median seconds from a didChange to the publishDiagnostics of the edited document, over
    stdio, with pygls' own client and ``python -m speckit lsp``."""
    import asyncio

    from lsprotocol import types
    from pygls.lsp.client import LanguageClient

    path = (folder / "tasks.md").resolve()
    text = path.read_text(encoding="utf-8")
    at = text.index("\n", len(text) // 2)

    async def main() -> float:
        client = LanguageClient("speckit-bench", "1")
        arrived: dict[int, float] = {}
        waiting: dict[int, asyncio.Event] = {}

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            if params.uri == path.as_uri() and params.version in waiting:
                arrived[params.version] = time.perf_counter()
                waiting[params.version].set()

        await client.start_io(sys.executable, "-m", "speckit", "lsp")
        await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities(),
                                                             root_uri=folder.parent.parent.resolve().as_uri()))
        client.initialized(types.InitializedParams())
        waiting[1] = asyncio.Event()
        client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=path.as_uri(), language_id="markdown", version=1, text=text)))
        await asyncio.wait_for(waiting[1].wait(), 30)
        times = []
        for version in range(2, runs + 2):
            waiting[version] = asyncio.Event()
            new = text[:at] + ("x" if version % 2 else "") + text[at:]
            sent = time.perf_counter()
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=new)]))
            await asyncio.wait_for(waiting[version].wait(), 30)
            times.append(arrived[version] - sent)
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
        return statistics.median(times)

    return asyncio.run(main())


if __name__ == "__main__":
    target, count = Path(sys.argv[1]), int(sys.argv[2])
    result = measure(target, count)
    result["round_trip"] = round_trip(target, count)
    print(json.dumps(result))
