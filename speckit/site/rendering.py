"""mkdocs reads and renders a build's pages one after another in one process; ``speckit docs
build`` does it in forked processes, one per CPU.

Reading a page (its front matter, Python-Markdown, the hook's events) and rendering Material's
template for it are most of mkdocs' build of a generated site (2,025 pages of 200 features: about
6 s of its 8 s), and each of speckit's pages needs no other page's content: the navigation names
only the index. So, inside :func:`parallel`, mkdocs' ``_populate_page`` and ``_build_page`` only
note each page; when the build reaches ``on_post_build``, speckit's hook calls :func:`flush`, which
reads and renders the first page here (so that the templates are compiled once, before the fork),
forks a process per other CPU for an interleaved share of the rest, and does its own share
meanwhile. Each page is read and rendered by mkdocs' own functions, so the HTML is a sequential
build's. Where pages are not forked (below), they are read, then rendered, in mkdocs' own order.

What a page's rendering leaves in this process besides its file, a forked process sends back:

- the search-index entries the page added (Material's search plugin collects them in
  ``on_page_context``), put back in the pages' order, so the index is byte for byte a sequential
  build's;
- mkdocs' log records at WARNING and above, logged again here, so they are shown and counted
  (``--strict``) as if they had been logged here;
- one message per page, for the progress bar.

A process that fails or dies sends nothing back, and this process does its share again itself, so
an error surfaces exactly as in a sequential build. Pages are read and rendered one after another
here when there are few of them (a dirty rebuild), when the process runs other threads (a fork could
copy a lock another thread held: ``docs serve`` never forks), without ``os.fork``, or when the
mkdocs configuration has plugins or hooks besides the search plugin and speckit's hook: their
per-page state is not known to survive a fork.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, Pipe, wait
from typing import Any, cast

from speckit._hotpath import computing_pages
from speckit.site import progress

PARALLEL_FROM = 200
"""Pages to render, at least, before they are rendered in forked processes (a fork, and the
templates' first render in it, cost about what twenty pages do)."""

SAFE_PLUGINS = frozenset({"search", "material/search"})


@dataclass
class _State:
    read: Any
    """mkdocs' ``_populate_page``"""
    render: Any
    """mkdocs' ``_build_page``"""
    workers: int
    reads: list[tuple[Any, ...]] = field(default_factory=list)
    renders: list[tuple[Any, ...]] = field(default_factory=list)


_state: _State | None = None


@contextmanager
def parallel(workers: int) -> Iterator[None]:
    """Within the block, the pages of mkdocs' builds in this process are noted, neither read nor
    rendered, until the hook's ``on_post_build`` calls :func:`flush`; ``workers``: processes that
    read and render them."""
    global _state
    from mkdocs.commands import build as mkdocs_build

    read, render = mkdocs_build._populate_page, mkdocs_build._build_page

    def note_read(page: Any, config: Any, files: Any, dirty: bool = False) -> None:
        if dirty and not page.file.is_modified():
            return  # mkdocs' own test for a dirty build, made here so that skipped pages are not noted
        assert _state is not None
        _state.reads.append((page, config, files, dirty))

    def note_render(page: Any, config: Any, doc_files: Any, nav: Any, env: Any, dirty: bool = False,
                    excluded: bool = False) -> None:
        if dirty and not page.file.is_modified():
            return
        assert _state is not None
        _state.renders.append((page, config, doc_files, nav, env, dirty, excluded))

    previous, _state = _state, _State(read, render, max(1, workers))
    mkdocs_build._populate_page, mkdocs_build._build_page = note_read, note_render
    try:
        yield
    finally:
        mkdocs_build._populate_page, mkdocs_build._build_page = read, render
        _state = previous


Unit = tuple[tuple[Any, ...] | None, tuple[Any, ...]]
"""One page's work: its reading (mkdocs' ``_populate_page`` arguments, or None when it was read
already) and its rendering (``_build_page``'s)."""


def flush(config: Any) -> set[str]:
    """Read and render the pages noted since the build began (see the module's docstring). Returns
    the URLs of the pages rendered in other processes (their ``on_post_page`` ran there, not here)."""
    if _state is None or not (_state.reads or _state.renders):
        return set()
    reads, renders = _state.reads, _state.renders
    _state.reads, _state.renders = [], []
    search = next((p for p in config.plugins.values() if hasattr(p, "search_index")), None)
    base = list(search.search_index.entries) if search is not None else []
    entries: list[list[dict[str, Any]]] = [[] for _ in renders]
    remote: set[str] = set()
    if _forkable(config, len(renders)):
        threshold = gc.get_threshold()
        computing_pages()  # here and in the forked processes, while they read and render
        try:
            _flush_forked(reads, renders, entries, remote, search)
        finally:
            gc.set_threshold(*threshold)
    else:  # mkdocs' own order: every page read, then every page rendered
        for read in reads:
            _state.read(*read)
        for n, job in enumerate(renders):
            entries[n] = _render((None, job), search)
    if search is not None:
        search.search_index.entries = base + [entry for page in entries for entry in page]
    return remote


def _flush_forked(reads: list[tuple[Any, ...]], renders: list[tuple[Any, ...]], entries: list[list[dict[str, Any]]],
                  remote: set[str], search: Any) -> None:
    assert _state is not None
    by_page = {id(read[0]): read for read in reads}
    units: list[Unit] = [(by_page.pop(id(job[0]), None), job) for job in renders]
    for read in by_page.values():  # (read, never rendered: mkdocs renders every page it reads)
        _state.read(*read)
    _render_forked(units, _state.workers, entries, remote, search)


def _render_forked(units: list[Unit], shares: int, entries: list[list[dict[str, Any]]], remote: set[str],
                   search: Any) -> None:
    entries[0] = _render(units[0], search)  # compiles the templates before the fork
    rest = list(range(1, len(units)))
    parts = [rest[i::shares] for i in range(shares)]
    children: dict[Connection, tuple[int, list[int]]] = {}
    try:
        gc.freeze()  # the forked processes then share these objects' memory instead of copying it
        for part in parts[1:]:
            reader, pid = _fork([units[n] for n in part], search)
            children[reader] = (pid, part)
        for n in parts[0]:
            entries[n] = _render(units[n], search)
            _collect(children, units, entries, remote, search, block=False)
        while children:
            _collect(children, units, entries, remote, search, block=True)
    finally:
        for reader, (pid, _part) in children.items():  # an error or an interrupt here: stop them
            _reap(reader, pid, kill=True)
        gc.unfreeze()


def _forkable(config: Any, pages: int) -> bool:
    from speckit.site.project import hook_path

    plugins = set(config.plugins) - set(config.hooks)
    return (pages >= PARALLEL_FROM and _state is not None and _state.workers > 1 and hasattr(os, "fork")
            and threading.active_count() == 1 and plugins <= SAFE_PLUGINS
            and set(config.hooks) <= {hook_path()})


def _render(unit: Unit, search: Any) -> list[dict[str, Any]]:
    """Read (if it was not) and render one page with mkdocs' own functions; returns the search
    entries it added."""
    assert _state is not None
    before = len(search.search_index.entries) if search is not None else 0
    read, job = unit
    if read is not None:
        _state.read(*read)
    _state.render(*job)
    if search is None:
        return []
    added = search.search_index.entries[before:]
    del search.search_index.entries[before:]
    return added


class _Records(logging.Handler):
    """In a forked process: mkdocs' log records, kept to be sent back (and not shown there)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None  # the arguments may not pickle
        record.exc_info = record.exc_text = record.stack_info = None
        self.records.append(record)


def _fork(units: list[Unit], search: Any) -> tuple[Connection, int]:
    reader, writer = Pipe(duplex=False)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # or what they hold would be written twice
    pid = os.fork()
    if pid:
        writer.close()
        return reader, pid
    status = 1
    try:  # the forked process: never returns
        reader.close()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        progress.set_current(progress.Progress(None))
        log = logging.getLogger("mkdocs")
        for handler in list(log.handlers):
            log.removeHandler(handler)
        records = _Records()
        log.addHandler(records)
        done = []
        for unit in units:
            done.append(_render(unit, search))
            writer.send(("page",))
        writer.send(("done", done, records.records))
        status = 0
    except BaseException:  # noqa: BLE001 - reported by sending nothing: the parent renders the share again
        status = 1
    finally:
        os._exit(status)


def _collect(children: dict[Connection, tuple[int, list[int]]], units: list[Unit],
             entries: list[list[dict[str, Any]]], remote: set[str], search: Any, block: bool) -> None:
    """Read what the forked processes sent: progress, or a finished share; a process that failed
    or died has its share rendered again here."""
    for ready in wait(list(children), timeout=None if block else 0):
        reader = cast(Connection, ready)
        pid, part = children[reader]
        message: tuple[Any, ...]
        try:
            message = reader.recv()
        except (EOFError, OSError):
            message = ("failed",)
        if message[0] == "page":
            progress.current().advance("writing pages")
            continue
        del children[reader]
        _reap(reader, pid, kill=message[0] != "done")
        if message[0] == "done":
            for n, added in zip(part, message[1], strict=True):
                entries[n] = added
                remote.add(units[n][1][0].url)
            for record in message[2]:
                logging.getLogger(record.name).handle(record)
        else:
            for n in part:
                entries[n] = _render(units[n], search)


def _reap(reader: Connection, pid: int, kill: bool) -> None:
    reader.close()
    if kill:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
