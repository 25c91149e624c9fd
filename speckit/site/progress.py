"""Progress of a long build on stderr: a rich progress bar for reading the features and one for the
pages mkdocs writes (``speckit docs build`` of 227 features printed nothing for 80 s).

One ``Progress`` is current per process (``current()``): the mkdocs hook (speckit/site/hook.py)
advances the page bar from inside mkdocs' build, which speckit does not call page by page. Off a
terminal nothing is drawn; the command's summary line says what was done.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_current: Progress | None = None


class Progress:
    """Named bars on one rich display; ``advance`` on a bar that was never started does nothing."""

    def __init__(self, display: Any | None) -> None:
        self._display = display
        self._bars: dict[str, Any] = {}
        self._drawn = 0.0

    @property
    def shown(self) -> bool:
        """Whether this progress is drawn (off a terminal it is not)."""
        return self._display is not None

    def _draw(self, force: bool = False) -> None:
        """Redraw at most ten times a second. The display draws only when told: rich's own refresh
        is a thread, and a process running one cannot fork its page workers safely."""
        now = time.monotonic()
        if self._display is not None and (force or now - self._drawn >= 0.1):
            self._drawn = now
            self._display.refresh()

    def start(self, name: str, total: int) -> None:
        if self._display is None:
            return
        if name in self._bars:
            self._display.reset(self._bars[name], total=total, description=name)
        else:
            self._bars[name] = self._display.add_task(name, total=total)
        self._draw(force=True)

    def advance(self, name: str, step: int = 1) -> None:
        if self._display is not None and name in self._bars:
            self._display.advance(self._bars[name], step)
            self._draw()

    def finish(self, name: str) -> None:
        if self._display is not None and name in self._bars:
            bar = self._bars[name]
            total = self._display.tasks[bar].total if bar < len(self._display.tasks) else None
            self._display.update(bar, completed=total)
            self._draw(force=True)


@contextmanager
def showing(enabled: bool | None = None) -> Iterator[Progress]:
    """The current Progress for the block: drawn on stderr when it is a terminal (or ``enabled``)."""
    global _current
    draw = sys.stderr.isatty() if enabled is None else enabled
    if not draw:
        progress = Progress(None)
        previous, _current = _current, progress
        try:
            yield progress
        finally:
            _current = previous
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
    from rich.progress import Progress as Bars

    display = Bars(
        TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("eta"), TimeRemainingColumn(), console=Console(stderr=True), transient=False, auto_refresh=False)
    progress = Progress(display)
    previous, _current = _current, progress
    try:
        with display:
            yield progress
    finally:
        _current = previous


def set_current(progress: Progress | None) -> None:
    """Make ``progress`` current (a forked page renderer draws nothing: ``speckit.site.rendering``)."""
    global _current
    _current = progress


def current() -> Progress:
    """The Progress of the running build, or one that draws nothing."""
    return _current if _current is not None else Progress(None)
