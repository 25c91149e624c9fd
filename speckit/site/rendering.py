"""mkdocs renders a build's pages one after another in one process; ``speckit docs build`` renders
them in forked processes, one per CPU.

Rendering Material's templates is most of mkdocs' build of a generated site (2,025 pages of 200
features: about 6 s of its 8 s), and every page is independent of the others once mkdocs has read
them all. So, inside :func:`parallel`, mkdocs' ``_build_page`` only notes each page; when the build
reaches ``on_post_build``, speckit's hook calls :func:`flush`, which renders the first page here (so
that the templates are compiled once, before the fork), forks a process per other CPU for an
interleaved share of the rest, and renders its own share meanwhile. Each page is rendered by
mkdocs' own ``_build_page``, so the HTML is the same as a sequential build's.

What a page's rendering leaves in this process besides its file, a forked process sends back:

- the search-index entries the page added (Material's search plugin collects them in
  ``on_page_context``), put back in the pages' order, so the index is byte for byte a sequential
  build's;
- mkdocs' log records at WARNING and above, logged again here, so they are shown and counted
  (``--strict``) as if they had been logged here;
- one message per page, for the progress bar.

A process that fails or dies sends nothing back, and this process renders its share again itself,
so an error surfaces exactly as in a sequential build. Pages are rendered one after another here
when there are few of them (a dirty rebuild), when the process runs other threads (a fork could
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

from speckit.site import progress

PARALLEL_FROM = 200
"""Pages to render, at least, before they are rendered in forked processes (a fork, and the
templates' first render in it, cost about what twenty pages do)."""

SAFE_PLUGINS = frozenset({"search", "material/search"})


@dataclass
class _State:
    original: Any
    workers: int
    deferred: list[tuple[Any, ...]] = field(default_factory=list)


_state: _State | None = None


@contextmanager
def parallel(workers: int) -> Iterator[None]:
    """Within the block, the pages of mkdocs' builds in this process are noted, not rendered, until
    the hook's ``on_post_build`` calls :func:`flush`; ``workers``: processes that render them."""
    global _state
    from mkdocs.commands import build as mkdocs_build

    original = mkdocs_build._build_page

    def note(page: Any, config: Any, doc_files: Any, nav: Any, env: Any, dirty: bool = False,
             excluded: bool = False) -> None:
        if dirty and not page.file.is_modified():
            return  # mkdocs' own test for a dirty build, made here so that skipped pages are not noted
        assert _state is not None
        _state.deferred.append((page, config, doc_files, nav, env, dirty, excluded))

    previous, _state = _state, _State(original, max(1, workers))
    mkdocs_build._build_page = note
    try:
        yield
    finally:
        mkdocs_build._build_page = original
        _state = previous


def flush(config: Any) -> set[str]:
    """Render the pages noted since the build began (see the module's docstring). Returns the URLs
    of the pages rendered in other processes (their ``on_post_page`` ran there, not here)."""
    if _state is None or not _state.deferred:
        return set()
    jobs, _state.deferred = _state.deferred, []
    search = next((p for p in config.plugins.values() if hasattr(p, "search_index")), None)
    shares = _state.workers if _forkable(config, len(jobs)) else 1
    entries: list[list[dict[str, Any]]] = [[] for _ in jobs]
    base = list(search.search_index.entries) if search is not None else []
    remote: set[str] = set()
    if shares == 1:
        for n, job in enumerate(jobs):
            entries[n] = _render(_state.original, job, search)
    else:
        _render_forked(jobs, shares, entries, remote, search)
    if search is not None:
        search.search_index.entries = base + [entry for page in entries for entry in page]
    return remote


def _render_forked(jobs: list[tuple[Any, ...]], shares: int, entries: list[list[dict[str, Any]]], remote: set[str],
                   search: Any) -> None:
    assert _state is not None
    entries[0] = _render(_state.original, jobs[0], search)  # compiles the templates before the fork
    rest = list(range(1, len(jobs)))
    parts = [rest[i::shares] for i in range(shares)]
    children: dict[Connection, tuple[int, list[int]]] = {}
    try:
        gc.freeze()  # the forked processes then share these objects' memory instead of copying it
        for part in parts[1:]:
            reader, pid = _fork(_state.original, [jobs[n] for n in part], search)
            children[reader] = (pid, part)
        for n in parts[0]:
            entries[n] = _render(_state.original, jobs[n], search)
            _collect(children, jobs, entries, remote, search, block=False)
        while children:
            _collect(children, jobs, entries, remote, search, block=True)
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


def _render(original: Any, job: tuple[Any, ...], search: Any) -> list[dict[str, Any]]:
    """Render one page with mkdocs' own ``_build_page``; returns the search entries it added."""
    before = len(search.search_index.entries) if search is not None else 0
    original(*job)
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


def _fork(original: Any, jobs: list[tuple[Any, ...]], search: Any) -> tuple[Connection, int]:
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
        for job in jobs:
            done.append(_render(original, job, search))
            writer.send(("page",))
        writer.send(("done", done, records.records))
        status = 0
    except BaseException:  # noqa: BLE001 - reported by sending nothing: the parent renders the share again
        status = 1
    finally:
        os._exit(status)


def _collect(children: dict[Connection, tuple[int, list[int]]], jobs: list[tuple[Any, ...]],
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
                remote.add(jobs[n][0].url)
            for record in message[2]:
                logging.getLogger(record.name).handle(record)
        else:
            assert _state is not None
            for n in part:
                entries[n] = _render(_state.original, jobs[n], search)


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
