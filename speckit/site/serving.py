"""What ``speckit docs serve`` regenerates the pages from before each of mkdocs' rebuilds.

mkdocs serve runs in speckit's own process, so the arguments are kept here, in memory, and the
mkdocs hook (speckit/site/hook.py) calls :func:`before_build`. A plain ``mkdocs serve`` of the
generated project has no arguments here and regenerates nothing.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2.bccache import Bucket, BytecodeCache


@dataclass(frozen=True, slots=True)
class Serving:
    cwd: Path
    config: Path | None
    paths: tuple[str, ...]
    project: Path
    site_name: str
    collapse_above: int
    within: Path
    workers: int | None = None


_active: Serving | None = None
_memo: Any = None
"""the ``speckit.site.Memo`` of the served site's generations"""


class _Templates(BytecodeCache):
    """Material's templates, compiled once per process: mkdocs makes a new jinja environment for
    every build, and compiling the templates again took 0.8 s of each of serve's reloads. Buckets
    are keyed by the template's name and its source's checksum (jinja's own scheme)."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self._compiled.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._compiled.clear()


templates = _Templates()

search_entries: dict[str, list[dict[str, Any]]] = {}
"""page (src_uri) -> its search-index entries, made with the pages by the build that runs in this
process (``speckit.site.markup.search_entries``); a plain ``mkdocs build`` has none, and Material's
search plugin indexes every page itself."""


_json: dict[str, tuple[list[dict[str, Any]], str]] = {}
"""page -> (its entries, their JSON), made once per list of entries"""


def search_index_json(config: dict[str, Any], pages: list[str]) -> str:
    """The search index of ``pages`` (each in ``search_entries``) as Material's search plugin writes
    it (``json.dumps`` of its config and entries, compact), from each page's JSON: written on every
    reload of 'docs serve', the whole index took 70 ms to serialize on 200 features."""
    def entries(page: str) -> str:
        made = search_entries[page]
        known = _json.get(page)
        if known is None or known[0] is not made:
            known = (made, ",".join(json.dumps(e, separators=(",", ":"), default=str) for e in made))
            _json[page] = known
        return known[1]

    head = json.dumps(config, separators=(",", ":"), default=str)
    return '{"config":' + head + ',"docs":[' + ",".join(text for text in map(entries, pages) if text) + "]}"


_last_pages: list[str] | None = None
"""the documentation pages of the last build under ``docs serve``"""


def rebuilding(site_dir: str, pages: list[str]) -> bool:
    """Whether this build is a reload of ``speckit docs serve`` (mkdocs builds it dirty, into the
    folder of its first build) with the same pages, in the same order, as the last one."""
    global _last_pages
    same = _active is not None and _last_pages == pages and os.path.isfile(os.path.join(site_dir, "index.html"))
    _last_pages = list(pages) if _active is not None else None
    return same


def start(serving: Serving | None, memo: Any = None) -> None:
    """Regenerate before each build (``memo``: what the generation before the first build made)."""
    global _active, _memo, _last_pages
    _active, _memo, _last_pages = serving, memo, None


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
                             _active.collapse_above, within=_active.within, workers=_active.workers, memo=_memo)
    except InputError as error:  # a config made invalid while serving: say so, keep serving the last site
        print(f"speckit: error: {error}", file=sys.stderr)
        return
    global search_entries
    search_entries = generated.search
    for message in generated.unreadable:
        print(f"speckit: error: {message}", file=sys.stderr)
    for message in generated.broken:
        print(f"speckit: warning: {message} (a bug in speckit; please report it)", file=sys.stderr)
