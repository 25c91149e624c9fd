"""``speckit check --watch``: check, then check again whenever a document is saved, and print only
what changed: the findings that are new (``+``) and those that were fixed (``-``), then the summary.

Findings are matched as the baseline matches them (rule, path and message, not line), so an edit
above a finding moves it without reporting it as fixed and new again. Files are watched with
watchfiles (Rust notify: inotify, FSEvents, ReadDirectoryChangesW), an extra:
``pip install 'speckit-compiler[watch]'``. A save of the config file reloads it (a broken config is
reported and the last good one kept). The check cache makes a re-check cost only the changed feature.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from speckit.errors import InputError

if TYPE_CHECKING:
    import threading

    from speckit.config import Config
    from speckit.model import Diagnostic
    from speckit.report.diagnostics import Report

INSTALL = "pip install 'speckit-compiler[watch]'"
DEBOUNCE_MS = 150
"""Editors save in several steps (write a temp file, rename, touch): one re-check for them all."""


def _key(d: Diagnostic) -> tuple[str, str, str]:
    from speckit.check.baseline import key

    return key(d)


def changes(before: list[Diagnostic], after: list[Diagnostic]) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(new, fixed): findings of ``after`` not in ``before``, and of ``before`` not in ``after``,
    matched by rule, path and message and counted (a second copy of a finding is new)."""
    def unmatched(found: list[Diagnostic], other: list[Diagnostic]) -> list[Diagnostic]:
        left = Counter(_key(d) for d in other)
        out = []
        for d in found:
            if left[_key(d)] > 0:
                left[_key(d)] -= 1
            else:
                out.append(d)
        return out

    return unmatched(after, before), unmatched(before, after)


def watch(paths: tuple[str, ...], load: Callable[[], Config], run: Callable[[Config], Report], *,
          fmt: str = "text", colour: bool = False, stop: threading.Event | None = None) -> int:
    """Check with ``run`` (the command's own check: its selection, baseline and strictness), then
    again on every save, until interrupted (Ctrl-C) or ``stop`` is set; returns the exit code (0).
    ``load`` reads the config (again when the config file is saved)."""
    try:
        import watchfiles
    except ImportError:
        raise InputError(f"--watch needs the watch extra: {INSTALL}") from None
    import logging

    logging.getLogger("watchfiles").setLevel(logging.ERROR)  # its "KeyboardInterrupt caught" on Ctrl-C
    from speckit.report.diagnostics import finding_line, summary_line
    from speckit.report.formats import FORMATS

    config = load()

    def check() -> Report:
        return run(config)

    report = check()
    click.echo(FORMATS[fmt].render(report, colour=colour), color=colour or None)
    roots = _roots(paths, config)
    click.echo(f"watching {', '.join(_show(r) for r in roots)} for changes (Ctrl-C to stop)", err=True)
    config_file = config.source.resolve() if config.source is not None else None

    def wanted(change: object, path: str) -> bool:
        p = Path(path)
        return p.suffix.lower() == ".md" or "contracts" in p.parts or (config_file is not None and p == config_file)

    pending: dict[Path, tuple[int, int]] | None = None
    try:
        while True:
            # A config saved by rename (an editor's temp file moved over it) leaves the watch on the
            # old, deleted file: after each config change the watcher is started again, on the new one.
            # A save made while it restarts would be missed, so the files are compared with how they
            # were when the last check began (``pending``) once the new watcher runs: it yields an
            # empty batch within a second (``yield_on_timeout``), and by then it sees every save.
            rearm = False
            for batch in watchfiles.watch(*[r for r in roots if r.exists()], watch_filter=wanted,
                                          debounce=DEBOUNCE_MS, stop_event=stop, raise_interrupt=False,
                                          rust_timeout=1000, yield_on_timeout=True):
                changed = sorted({Path(path) for _, path in batch})
                if pending is not None:
                    now = _stamps(roots, wanted)
                    missed = {path for path in {*now, *pending} if now.get(path) != pending.get(path)}
                    changed = sorted({*changed, *missed})
                    pending = None
                if not changed:
                    continue
                if config_file is not None and config_file in changed:
                    rearm = True
                    pending = _stamps(roots, wanted)
                    try:
                        config = load()
                    except InputError as error:
                        click.echo(f"speckit: error: {error} (keeping the config read before)", err=True)
                try:
                    new_report = check()
                except InputError as error:  # the specs root removed, a feature named on the command line deleted
                    click.echo(f"speckit: error: {error}", err=True)
                    if rearm:
                        break
                    continue
                new, fixed = changes(report.diagnostics, new_report.diagnostics)
                report = new_report
                click.echo(_changes_text(changed, new, fixed, colour, finding_line), color=colour or None)
                click.echo(summary_line(report, colour), color=colour or None)
                if rearm:
                    break
            if not rearm or (stop is not None and stop.is_set()):
                break
    except KeyboardInterrupt:
        pass
    return 0


def _changes_text(changed: Iterable[Path], new: list[Diagnostic], fixed: list[Diagnostic], colour: bool,
                  line: Callable[[Diagnostic, bool], str]) -> str:
    names = ", ".join(_show(p) for p in changed)
    out = [f"[{time.strftime('%H:%M:%S')}] {names} changed: {len(new)} new, {len(fixed)} fixed"]
    plus = click.style("+", fg="red", bold=True) if colour else "+"
    minus = click.style("-", fg="green", bold=True) if colour else "-"
    out += [f"{plus} {line(d, colour)}" for d in new]
    out += [f"{minus} {line(d, colour)} (fixed)" for d in fixed]
    return "\n".join(out)


def _stamps(roots: list[Path], wanted: Callable[[object, str], bool]) -> dict[Path, tuple[int, int]]:
    """The modification time and size of every watched file under ``roots``."""
    out: dict[Path, tuple[int, int]] = {}
    for root in roots:
        for path in [root] if root.is_file() else root.rglob("*"):
            try:
                if path.is_file() and wanted(None, str(path)):
                    stat = path.stat()
                    out[path.resolve()] = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                continue
    return out


def _roots(paths: tuple[str, ...], config: Config) -> list[Path]:
    """What to watch: the folders of the PATHS (a file's feature folder), else the specs root; and the
    config file (the file itself: its folder may be the whole repository; watch() starts the watcher
    again after each change of it, as a save by rename replaces the file watched)."""
    roots: list[Path] = []
    if paths:
        from speckit.discover import features

        for target in features(paths, config):
            roots.append(target.folder)
        for arg in paths:
            if Path(arg).is_dir():
                roots.append(Path(arg))
    else:
        roots.append(config.specs_path)
    if config.source is not None:
        roots.append(config.source)
    resolved = list(dict.fromkeys(r.resolve() for r in roots))  # in order: the features, then the config
    return [r for r in resolved if not any(other in r.parents for other in resolved)]


def _show(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd())) or "."
    except ValueError:
        return str(path)
