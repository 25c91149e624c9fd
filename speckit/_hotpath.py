"""The process policy of the ``speckit`` command (the commit hook runs it on every commit).

Only ``speckit.cli.main`` enters :func:`command_process`; a program that imports speckit as a library
keeps its garbage collector and its pydantic plugins as they are, and so do the tests that call
``main()`` in-process once it returns.

- **pydantic's plugin search is off.** The first time pydantic builds a schema it scans every installed
  distribution's entry points for ``pydantic`` plugins (observability hooks such as logfire): 12 ms
  of a ~200 ms ``speckit show`` here (``python -X importtime``), for plugins speckit never uses.
  pydantic's documented switch ``PYDANTIC_DISABLE_PLUGINS=__all__`` is set for the command, unless
  the user set that variable (to any value, empty included: then their choice stands). Processes
  the command starts (``speckit run``'s steps) inherit it like the rest of the environment.
- **The collector is paused while the command imports** (click, the command's stage, markdown-it,
  the model): ~70 collections that found nothing to free, ~8 ms of a ~150 ms commit hook.
- **Then full collections are made rare, young ones stay.** Every full collection walks every
  tracked object of the process: the parsed tasks of a 100,000-task feature are ~1 million, ~300 ms
  a walk, and a graph analysis that allocates hundreds of thousands of small lists (none of them
  garbage, none in a cycle) set one off again and again; checking 1,000 features ran ~40 of them.
  The oldest generation's threshold is raised so that none runs during a command, while young
  collections (cheap: they walk only new objects) still free short-lived cycles. Measured in
  benchmarks/run.py (figure 4a with and without this policy).

Everything is restored on the way out.

- **The processes that compute and render the docs site's pages collect young objects rarely**
  (:func:`computing_pages`): computing a feature's pages allocates millions of short-lived objects
  (tokens, strings) and keeps no cycles, and at Python's 700 allocations young collections took
  a tenth of its CPU (80 features, in-process). They are the site's worker processes (spawned
  ones get the full-collection policy this way too) and the forked page renderers.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager

PLUGINS = "PYDANTIC_DISABLE_PLUGINS"
YOUNG_PAGES = 20_000
"""Allocations between young collections in a process that computes or renders site pages."""
FULL_RARELY = 1_000_000
"""The oldest generation's threshold during a command: a full collection only after this many
collections of the middle generation (CPython 3.11-3.13; 3.14's incremental collector ignores it
and has no long full collections to avoid)."""



class _State:
    active = False
    imported = False
    enabled = False
    threshold: tuple[int, int, int] = (700, 10, 10)


_state = _State()


@contextmanager
def command_process() -> Iterator[None]:
    """The policy above, for one run of the ``speckit`` command."""
    if _state.active:  # main() called from inside a command (a test of a test): nothing twice
        yield
        return
    plugins_set = PLUGINS not in os.environ
    if plugins_set:
        os.environ[PLUGINS] = "__all__"
    _state.active, _state.imported, _state.enabled, _state.threshold = True, False, gc.isenabled(), gc.get_threshold()
    gc.disable()
    try:
        yield
    finally:
        gc.set_threshold(*_state.threshold)
        if _state.enabled:
            gc.enable()
        _state.active = _state.imported = False
        if plugins_set:
            os.environ.pop(PLUGINS, None)


def commands_imported() -> None:
    """The command's modules are imported (``LazyGroup.get_command``): start collecting again, with
    full collections made rare. Does nothing outside :func:`command_process`, or twice."""
    if not _state.active or _state.imported:
        return
    _state.imported = True
    young, middle, _ = _state.threshold
    gc.set_threshold(young, middle, FULL_RARELY)
    if _state.enabled:  # a host that switched the collector off keeps it off
        gc.enable()


def computing_pages() -> None:
    """The collector policy of a process that computes or renders the site's pages (see above)."""
    young, middle, oldest = gc.get_threshold()
    gc.set_threshold(max(young, YOUNG_PAGES), middle, max(oldest, FULL_RARELY))
