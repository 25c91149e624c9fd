"""How ``speckit docs serve`` has mkdocs watch and rebuild: what made a reload of 200 features take
1.9 s besides the rebuild itself.

- **Change notifications, not polling.** mkdocs polls the watched folders every 0.5 s (0.25 s of
  wait on average, and a scan of every file each time); here the system's notifications
  (watchdog's native observer: inotify on Linux, FSEvents on macOS) report a save at once. Where
  notifications cannot start (the inotify watch limit), it says so and polls as mkdocs does; and
  ``--poll`` polls from the start, for folders whose changes raise no notification here (network
  drives, some container mounts), as Hugo's ``--poll`` and Jekyll's ``--force_polling`` do.
- **A rebuild starts 0.05 s after the last change** (mkdocs: 0.1 s, sized for its polling).
- **The generated project is not watched.** mkdocs watches its docs folder and mkdocs.yml, which
  speckit writes during every rebuild; each edit then set off a second, empty rebuild. The specs,
  the paths given and speckit's config file are watched.
- **The theme's templates are listed and compiled once.** Every build asks jinja to list
  Material's templates (14,500 files, its icons included: 0.2 s of each rebuild), and Material's
  search plugin compiles its language template again; mkdocs serve does not watch the theme
  either, so the list and the compiled templates (``serving.templates``) are kept for the session.

mkdocs builds its server inside ``mkdocs.commands.serve.serve``; :func:`serving_quickly` swaps in
the subclass below for the duration of speckit's call, and restores mkdocs as it was.
"""

from __future__ import annotations

import functools
import itertools
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from speckit.fsutil import inside

POLL_SECONDS = 0.5
"""mkdocs' own polling interval, used when polling"""
SETTLE_SECONDS = 0.05
"""How long no change must follow the last one before a rebuild starts (mkdocs waits 0.1 s): one
save is a few notifications within a millisecond; a checkout of many files keeps the rebuild
waiting for as long as its changes keep coming, as mkdocs' wait does."""


class _Watcher:
    """The native observer, or mkdocs' polling one when the native one cannot start (or ``poll``).
    What is scheduled is kept until the server starts it: watchdog's inotify observer runs a thread
    from the moment it is made, and a process that runs other threads must not fork."""

    def __init__(self, poll: bool) -> None:
        self.poll = poll
        self.observer: Any = None
        self.scheduled: dict[int, tuple[Any, str, bool]] = {}
        self._watches: dict[int, Any] = {}
        self._keys = itertools.count(1)

    def schedule(self, handler: Any, path: str, recursive: bool = True) -> int:
        key = next(self._keys)
        self.scheduled[key] = (handler, path, recursive)
        if self.observer is not None:
            self._watches[key] = self.observer.schedule(handler, path, recursive=recursive)
        return key

    def unschedule(self, key: int) -> None:
        self.scheduled.pop(key, None)
        watch = self._watches.pop(key, None)
        if watch is not None:
            self.observer.unschedule(watch)

    def _begin(self, observer: Any) -> None:
        self.observer, self._watches = observer, {}
        for key, (handler, path, recursive) in self.scheduled.items():
            self._watches[key] = observer.schedule(handler, path, recursive=recursive)
        observer.start()

    def start(self) -> None:
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        if not self.poll:
            try:
                self._begin(Observer())
                return
            except OSError as error:
                print(f"speckit: warning: cannot watch for changes with the system's notifications ({error}); "
                      f"polling every {POLL_SECONDS} s instead", file=sys.stderr)
                if self.observer is not None:
                    self.observer.stop()
        self._begin(PollingObserver(timeout=POLL_SECONDS))

    def stop(self) -> None:
        if self.observer is not None:
            self.observer.stop()

    def join(self, timeout: float | None = None) -> None:
        if self.observer is not None:
            self.observer.join(timeout)


@contextmanager
def serving_quickly(project: Path, poll: bool = False) -> Iterator[None]:
    """Within the block, ``mkdocs.commands.serve.serve`` watches as the module's docstring says;
    ``project``: the generated project (not watched)."""
    import jinja2.loaders
    from mkdocs.commands import serve as mkdocs_serve
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.theme import Theme

    from speckit.site import serving

    generated = os.path.abspath(project)

    class Server(LiveReloadServer):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.observer = _Watcher(poll)  # type: ignore[assignment]
            self.build_delay = SETTLE_SECONDS

        def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
            if inside(path, generated):
                logging.getLogger("mkdocs").debug("not watching %s: speckit writes it", path)
                return
            super().watch(path, func, recursive=recursive)

    lister = jinja2.loaders.FileSystemLoader.list_templates

    @functools.lru_cache(maxsize=8)
    def listed(searchpath: tuple[str, ...], followlinks: bool) -> list[str]:
        # Less the names in dot-folders (Material's 14,000 .icons), which mkdocs' only use of the
        # list, its theme files, leaves out by its own patterns ('.*' and '*/.*') name by name.
        names = lister(jinja2.loaders.FileSystemLoader(list(searchpath), followlinks=followlinks))
        return [name for name in names if not name.startswith(".") and "/." not in name]

    def list_templates(self: jinja2.loaders.FileSystemLoader) -> list[str]:
        return list(listed(tuple(self.searchpath), self.followlinks))

    environment = Theme.get_env

    def get_env(self: Theme) -> Any:
        env = environment(self)
        env.bytecode_cache = serving.templates  # Material's search plugin compiles its own on every build
        return env

    original = mkdocs_serve.LiveReloadServer
    setattr(mkdocs_serve, "LiveReloadServer", Server)  # noqa: B010
    jinja2.loaders.FileSystemLoader.list_templates = list_templates  # type: ignore[method-assign]
    setattr(Theme, "get_env", get_env)  # noqa: B010
    try:
        yield
    finally:
        setattr(mkdocs_serve, "LiveReloadServer", original)  # noqa: B010
        jinja2.loaders.FileSystemLoader.list_templates = lister  # type: ignore[method-assign]
        setattr(Theme, "get_env", environment)  # noqa: B010
