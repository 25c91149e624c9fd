"""What ``speckit docs serve`` regenerates the pages from before each of mkdocs' rebuilds.

mkdocs serve runs in speckit's own process, so the arguments are kept here, in memory, and the
mkdocs hook (speckit/site/hook.py) calls :func:`before_build`. A plain ``mkdocs serve`` of the
generated project has no arguments here and regenerates nothing.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Serving:
    cwd: Path
    config: Path | None
    paths: tuple[str, ...]
    project: Path
    site_name: str
    collapse_above: int
    within: Path


_active: Serving | None = None


def start(serving: Serving | None) -> None:
    global _active
    _active = serving


def before_build() -> None:
    """Regenerate the pages of the served site (features whose documents did not change come from
    the page cache, and unchanged pages are not rewritten)."""
    if _active is None:
        return
    from speckit import config as config_module
    from speckit.discover import features
    from speckit.errors import InputError
    from speckit.site import generate

    try:
        config = config_module.load(_active.cwd, _active.config)
        generated = generate(features(list(_active.paths), config), config, _active.project, _active.site_name,
                             _active.collapse_above, within=_active.within)
    except InputError as error:  # a config made invalid while serving: say so, keep serving the last site
        print(f"speckit: error: {error}", file=sys.stderr)
        return
    for message in generated.unreadable:
        print(f"speckit: error: {message}", file=sys.stderr)
