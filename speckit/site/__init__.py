"""The docs site: every feature as pages (overview, stories with INVEST, traceability, task graph,
Gantt, checklist and gates, the documents themselves), built by mkdocs-material, offline.

``generate()`` reads top to bottom: features -> (page cache, or analyses -> rendered documents ->
pages and their search entries, in worker processes when many features changed) -> index ->
mkdocs.yml and assets. The pages are HTML (``speckit.site.markup``), which the hook hands to
mkdocs. ``build_site()`` then runs mkdocs on the generated project. The generated project lives in
``.speckit/site/`` (``mkdocs.yml`` and ``docs/``); it is rebuilt from the specs on every run, so
nothing in it is a person's file.

Incremental: a feature's pages are cached under the content of what produced them (its documents,
its ``build/checklist.json``, the config and speckit's own code: the check cache's keys, see
``speckit.check.cached``), only pages whose text changed are written, and when the navigation and the set
of pages are those of the last build into the same folder, mkdocs rebuilds only the pages written
since (its dirty build; the hook keeps the other pages' search entries).
"""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import os
import threading
import time
from collections.abc import Generator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from speckit._hotpath import computing_pages
from speckit.check import validate_config
from speckit.check.cached import code_fingerprint, open_cache, read_files
from speckit.config import Config, repo_root
from speckit.discover import Target, read
from speckit.discover import documents as target_files
from speckit.errors import InputError
from speckit.parse import reading
from speckit.parse.blocks import keeping_tokens
from speckit.probes import recording
from speckit.site import diagram_pages, history, index, markup, pages, serving
from speckit.site import project as proj
from speckit.site.analysis import analyze
from speckit.site.documents import render
from speckit.site.progress import current, showing
from speckit.site.text import slug

COLLAPSE_ABOVE = 60
"""Above this many tasks a feature's graph is drawn per phase (``--collapse-above``'s default)."""
STATE = "build-state.json"
"""In the project: what the last successful build into a site folder was built from."""


@dataclass
class Generated:
    project: Path
    config_file: Path
    features: int = 0
    pages: int = 0
    unreadable: list[str] = field(default_factory=list)
    computed: int = 0
    """features whose pages were computed (the others came from the page cache)"""
    written: int = 0
    """pages whose text changed and were written"""
    names: list[str] = field(default_factory=list)
    """every page of the project, relative to docs/"""
    broken: list[str] = field(default_factory=list)
    """links that name no page of the site (``markup.check_links``)"""
    search: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """page -> its search-index entries, made with the pages (the hook hands them to the search plugin)"""


@dataclass
class FeaturePages:
    """What one feature adds to the site: its pages (path under docs/ -> Markdown) and its index row."""

    pages: dict[str, str]
    row: dict[str, Any]
    broken: list[str] = field(default_factory=list)
    """links of these pages that name no page of the site (a bug of speckit's: reported, not hidden)"""
    search: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """page -> its search-index entries, as Material's search plugin makes them (``markup.search_entries``)"""


RACY_NS = 2_000_000_000
"""A file modified this close (ns) to when its stamp was taken may change again within the same
timestamp; its feature is read again rather than trusted by its stamp (git's "racy" rule)."""


@dataclass
class Memo:
    """What the last generation in this process made, for the next one (``docs serve`` keeps one
    across its rebuilds): a feature whose files' stamps (size, modification time, inode) are those
    it had then is not read again, and its pages, still on disk as written, are not compared again.
    Before this, each reload read every feature's documents and page-cache entry, and every page
    on disk: 0.5 s of a 1.9 s reload of 200 features."""

    config: Any = None
    features: dict[str, tuple[tuple[Any, ...], FeaturePages]] = field(default_factory=dict)
    """feature folder and page folder -> (its stamp, its pages)"""
    pages: dict[Path, tuple[int, int]] = field(default_factory=dict)
    """page file -> (modification time, size) just after it was written or found as generated"""
    listings: dict[str, tuple[tuple[Any, ...], list[Path]]] = field(default_factory=dict)
    """feature folder -> (its folders' stamps, its documents)"""
    names: frozenset[str] = frozenset()


def _listing(target: Target, memo: Memo) -> list[Path]:
    """The target's documents (``discover.documents``), listed again only when its folder or its
    checklists folder changed (a file added, removed, renamed or replaced by a link changes the
    folder's modification time; a folder moved or replaced, its inode)."""
    folders = (target.folder, target.folder / "checklists")
    stamps: list[tuple[int, int] | None] = []
    for folder in folders:
        try:
            stat = os.stat(folder)
            stamps.append((stat.st_mtime_ns, stat.st_ino))
        except OSError:
            stamps.append(None)
    known = memo.listings.get(str(target.folder))
    now = time.time_ns()
    racy = any(stamp is not None and now - stamp[0] < RACY_NS for stamp in stamps)
    if known is not None and known[0] == (target.document, *stamps) and not racy:
        return known[1]
    files = target_files(target)
    if not racy:
        memo.listings[str(target.folder)] = ((target.document, *stamps), files)
    return files


def _stamp(target: Target, extra: tuple[Any, ...], memo: Memo) -> tuple[Any, ...] | None:
    """What a feature's pages come from, as file stamps, or None when a stamp cannot be trusted."""
    try:
        files = [*_listing(target, memo), target.folder / "build" / "checklist.json"]
    except (OSError, InputError):
        return None  # read the usual way, which says what is wrong
    stamps: list[Any] = []
    now = time.time_ns()
    for path in files:
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            stamps.append((str(path), None))
            continue
        except OSError:
            return None
        if now - stat.st_mtime_ns < RACY_NS:
            return None
        stamps.append((str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino))
    return (*stamps, *extra)


def _unchanged(paths: list[Path], memo: Memo) -> bool:
    """Whether the page files are still as the last generation left them."""
    for path in paths:
        try:
            stat = os.stat(path)
        except OSError:
            return False
        if memo.pages.get(path) != (stat.st_mtime_ns, stat.st_size):
            return False
    return True


def generate(targets: list[Target], config: Config, project: Path, site_name: str = "Specifications",
             collapse_above: int = COLLAPSE_ABOVE, hooks: tuple[str, ...] = (),
             within: Path | None = None, workers: int | None = None, memo: Memo | None = None) -> Generated:
    """Write the mkdocs project for ``targets`` into ``project``; unreadable features are listed, not fatal.
    Every file written stays inside ``within`` (default: the repository that holds ``project``).
    ``hooks``: mkdocs hooks besides speckit's own. ``workers``: processes that compute features'
    pages (default: one per CPU, used only when enough features miss the page cache). ``memo``:
    what the last generation in this process made (see ``Memo``), updated here."""

    validate_config(config)  # a bad leftover_patterns regex is one line, not an internal error
    docs = project / "docs"
    root = repo_root(config.specs_path if config.specs_path.exists() else Path.cwd())
    result = Generated(project, project / "mkdocs.yml")
    cache = open_cache(config)
    tasks_files = [target.folder / "tasks.md" for target in targets if target.document is None]
    past = history.read(root, [p for p in tasks_files if p.is_file()], project)
    bar = current()
    bar.start("reading features", len(targets))
    used: set[str] = set()
    jobs: list[tuple[Target, str, list[Any]]] = [
        (target, f"features/{_base(target.folder, config, used)}", past.points.get(str(target.folder / "tasks.md"), []))
        for target in targets]
    built: list[FeaturePages] = []
    if memo is not None and memo.config != config:
        memo.config, memo.features, memo.pages, memo.listings = config, {}, {}, {}
    with closing(_feature_pages_all(jobs, config, root, collapse_above, cache, past.reason, workers,
                                    memo)) as outcomes:
        for outcome in outcomes:  # (closing: an error here stops the workers at once)
            if isinstance(outcome, InputError):
                result.unreadable.append(str(outcome))
            else:
                built.append(outcome[0])
                result.computed += outcome[1]
                result.broken += outcome[0].broken
                result.search.update(outcome[0].search)
                paths = [docs / name for name in outcome[0].pages]
                # (pages of the memo, still on disk as the last generation wrote them, are left alone)
                if not (outcome[2] and memo is not None and _unchanged(paths, memo)):
                    for path, text in zip(paths, outcome[0].pages.values(), strict=True):  # as workers compute
                        result.written += proj.write_if_changed(path, text, within)
                        if memo is not None:
                            stat = os.stat(path)
                            memo.pages[path] = (stat.st_mtime_ns, stat.st_size)
            bar.advance("reading features")
    if memo is not None:  # features gone since the last generation are forgotten
        live = {f"{target.folder}\0{base}" for target, base, _ in jobs}
        memo.features = {key: value for key, value in memo.features.items() if key in live}

    summed = history.summed(list(past.points.values()))
    home = index.page([p.row for p in built], site_name, result.unreadable, summed, past.reason)
    # The features table is wide: the toc would cover it. Search leaves the index out: its entry
    # was every feature's row in one blob (each feature's overview is indexed, with its title),
    # and making it again took 40 ms of every reload of 'docs serve' of 200 features.
    front = markup.source(home, hide=("toc",), searched=False, titled=False)
    result.written += proj.write_if_changed(docs / "index.md", front, within)
    result.search["index.md"] = []
    names = {"index.md", *(name for pages in built for name in pages.pages)}
    result.broken += markup.check_links({"index.md": front}, names)
    # Only the index is in the navigation: every page carries the navigation, and a nav that lists
    # the features grows each page with their number (227 features: 100-240 KB a page). A feature's
    # pages link to each other in a bar at their top instead.
    nav: proj.Nav = [("Features", "index.md")]
    if memo is None or memo.names != names:
        proj.remove_stale(docs, {docs / name for name in names}, within)
    if memo is not None:
        memo.names = frozenset(names)
    proj.copy_assets(docs, within)
    proj.write_if_changed(result.config_file, proj.config_text(site_name, nav, (proj.hook_path(), *hooks)), within)
    proj.write_if_changed(project / proj.MARKER, "generated by speckit docs; safe to delete\n", within)
    result.features, result.pages, result.names = len(built), len(names), sorted(names)
    return result


PARALLEL_FROM = 16
"""Features to compute, at least, before their pages are computed in worker processes (starting a
worker costs about what computing five features does)."""


def cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _lookup(target: Target, root: Path, base: str, collapse_above: int, cache: Any | None, points: list[Any],
            no_history: str) -> tuple[dict[Path, bytes] | None, str | None, FeaturePages | None]:
    """The documents' bytes (read once), the page-cache key, and the cached pages when there are."""
    data = read_files(target_files(target))
    if cache is None or data is None:
        return data, None, None
    checklist = target.folder / "build" / "checklist.json"
    try:
        made = hashlib.sha256(checklist.read_bytes()).hexdigest() if checklist.is_file() else "none"
    except OSError:
        made = "unreadable"
    past = hashlib.sha256(json.dumps([no_history, *map(asdict, points)]).encode()).hexdigest()
    key = cache.key("site", data, extra=f"{base}\0{collapse_above}\0{root}\0{made}\0{past}\0{_search_maker()}")
    value = cache.get(key) if key else None
    if isinstance(value, dict) and isinstance(value.get("pages"), dict) and isinstance(value.get("row"), dict):
        search: dict[str, list[dict[str, Any]]] = value["search"] if isinstance(value.get("search"), dict) else {}
        return data, key, FeaturePages(value["pages"], value["row"], list(value.get("broken") or []), search)
    return data, key, None


@functools.lru_cache(maxsize=1)
def _search_maker() -> str:
    """What the cached search entries also depend on: Material's version (its SearchIndex makes
    them) and whether jieba is installed (it then segments Chinese text)."""
    from importlib import metadata
    from importlib.util import find_spec

    try:
        version = metadata.version("mkdocs-material")
    except metadata.PackageNotFoundError:
        version = "none"
    return f"material {version}, jieba {find_spec('jieba') is not None}"


def _store(cache: Any | None, key: str | None, data: dict[Path, bytes] | None, pages: FeaturePages,
           probes: dict[str, bool]) -> None:
    if key is not None and cache is not None and read_files(data or {}) == data:
        # (only if the documents still hold what was parsed; the fields as they are: asdict's deep
        # copy of every search entry took a tenth of this process's time in a cold build)
        cache.put(key, {f.name: getattr(pages, f.name) for f in fields(pages)}, probes)


def _compute_job(job: tuple[Any, ...]) -> tuple[FeaturePages, dict[str, bool]]:
    """One feature's pages and the facts they relied on; runs in this process or in a worker."""
    with recording() as probes:
        pages = _compute(*job)
    return pages, probes


def _start_method() -> str:
    """Fork where it is safe, spawn where it is not: a fork of a process that runs other threads
    (the progress display, 'docs serve') can deadlock on a lock one of them held; a spawned worker
    starts a fresh interpreter (and imports the main module, which a console script guards)."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"


def _warm() -> None:
    """Import, before forking, what computing a feature imports on first use (mkdocs, Material's
    search, networkx, markdown-it's plugins: 470 modules, 0.5 s). Each forked worker would import
    them again on its first feature; this process imports them anyway, to build the site."""
    import importlib

    for name in ("networkx", "mdit_py_plugins.front_matter", "markdown.extensions.toc", "mkdocs.structure.toc",
                 "material.plugins.search.plugin"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # the site extra is missing: the first feature says so
    from speckit.site import documents

    documents.parser()


def _feature_pages_all(jobs: list[tuple[Target, str, list[Any]]], config: Config, root: Path, collapse_above: int,
                       cache: Any | None, no_history: str, workers: int | None,
                       memo: Memo | None = None) -> Generator[tuple[FeaturePages, bool, bool] | InputError, None, None]:
    """Each job's pages, whether they were computed, and whether they are the memo's (unchanged
    since the last generation in this process), or its InputError, in the jobs' order. The memo,
    then the page cache, are read here; the features both miss are computed in worker processes
    when there are at least PARALLEL_FROM of them and more than one CPU (see ``_start_method``)."""
    found: list[Any] = []
    misses: list[int] = []
    stamps: list[tuple[Any, ...] | None] = []
    size = workers if workers is not None else cpus()
    enough = 2 if workers is not None else PARALLEL_FROM
    pool: ProcessPoolExecutor | None = None
    pooling = size > 1  # until the pool is started, or could not be
    futures: dict[int, Any] = {}

    def job(n: int) -> tuple[Any, ...]:
        target, base, points = jobs[n]
        return (target, config, root, base, collapse_above, found[n][1], points, no_history)

    def submit(todo: list[int]) -> None:
        """Hand features to the pool, started when enough of them missed: the workers compute the
        first while the page cache is read for the rest."""
        nonlocal pool, pooling
        try:
            if pool is None:
                method = _start_method()
                if method == "fork":
                    _warm()
                pool = ProcessPoolExecutor(max_workers=size, mp_context=multiprocessing.get_context(method),
                                           initializer=computing_pages)
            for n in todo:
                futures[n] = pool.submit(_compute_job, job(n))
        except (OSError, ImportError, NotImplementedError, BrokenProcessPool):
            # No worker processes here (a sandbox without /dev/shm or semaphores): one process does it all.
            if pool is not None:
                pool.shutdown(cancel_futures=True)
            pool, pooling = None, False
            futures.clear()

    for n, (target, base, points) in enumerate(jobs):
        stamp = _stamp(target, (base, collapse_above, no_history, *points), memo) if memo is not None else None
        stamps.append(stamp)
        remembered = memo.features.get(f"{target.folder}\0{base}") if memo is not None else None
        if stamp is not None and remembered is not None and remembered[0] == stamp:
            found.append(remembered[1])
            continue
        try:
            data, key, hit = _lookup(target, root, base, collapse_above, cache, points, no_history)
        except InputError as error:
            found.append(error)
            continue
        found.append((hit, data, key))
        if hit is None:
            misses.append(n)
            if pool is not None:
                submit([n])
            elif pooling and len(misses) >= enough:
                submit(misses)

    def keep(n: int, pages: FeaturePages) -> None:
        if memo is not None and stamps[n] is not None:
            memo.features[f"{jobs[n][0].folder}\0{jobs[n][1]}"] = (stamps[n], pages)  # type: ignore[assignment]

    try:
        for n, entry in enumerate(found):
            if isinstance(entry, InputError):
                yield entry
                continue
            if isinstance(entry, FeaturePages):
                yield entry, False, True
                continue
            hit, data, key = entry
            if hit is not None:
                keep(n, hit)
                yield hit, False, False
                continue
            try:
                try:
                    pages, probes = futures[n].result() if n in futures else _compute_job(job(n))
                except BrokenProcessPool:  # a worker was killed (out of memory?): this process does the rest
                    futures = {}
                    pages, probes = _compute_job(job(n))
            except InputError as error:
                yield error
                continue
            _store(cache, key, data, pages, probes)
            keep(n, pages)
            yield pages, True, False
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _compute(target: Target, config: Config, root: Path, base: str, collapse_above: int,
             data: dict[Path, bytes] | None, points: list[Any], no_history: str) -> FeaturePages:

    with reading() as texts, keeping_tokens() as tokens:  # each document read and parsed once
        feature = read(target, data)
        analysis = analyze(feature, config, root)
    site = pages.FeatureSite(analysis, base, history=points, no_history=no_history)
    names: set[str] = set()
    for path in feature.documents:
        text = texts[path]
        site.documents[path] = (site.page(f"documents/{_doc_name(Path(path), names)}"),
                                render(text, tokens.pop(text, None)))
    written = diagram_pages.graph(site, collapse_above)
    for made in (pages.overview(site), pages.stories(site), pages.traceability(site), diagram_pages.gantt(site),
                 pages.checklist(site)):
        written[made.name] = made
    for path, (page, rendered) in site.documents.items():
        written[page] = pages.document(page, path, rendered)
    page_names = sorted(written)
    out = {}
    search: dict[str, list[dict[str, Any]]] = {}
    for name in page_names:
        # The diagram pages hide both sidebars (the diagram gets the window's width). Search indexes
        # what people wrote (the documents) and each feature's overview; the other pages are views
        # of the documents, one click from the overview, and indexing them (Material parses every
        # page's HTML) took half of mkdocs' time on a 200-feature site.
        leaf = name.rsplit("/", 1)[-1]
        wide = leaf.startswith(("graph", "gantt"))
        searched = "/documents/" in name or leaf == "index.md"
        top = pages.local_nav(site, name, page_names)
        out[name] = markup.source(written[name], top, hide=("navigation", "toc") if wide else (), searched=searched)
        # (none for a page search leaves out: the hook then knows that speckit made every entry)
        search[name] = markup.search_entries(written[name], top) if searched else []
    return FeaturePages(out, index.row(site), markup.check_links(out, {"index.md", *out}), search)


def build_site(targets: list[Target], config: Config, project: Path, out: Path, *, site_name: str = "Specifications",
               collapse_above: int = COLLAPSE_ABOVE, strict: bool = False, force: bool = False,
               project_within: Path | None = None, out_within: Path | None = None,
               workers: int | None = None) -> tuple[Generated, int]:
    """Generate the project and build the static site into ``out``. Returns the project and the
    number of warnings mkdocs logged. ``project`` and ``out`` are absolute (resolved once, against
    the folder the user typed them in: mkdocs would read a relative site_dir against mkdocs.yml's
    folder and clean another folder than the one checked). Both must be folders speckit owns (see
    ``project.claim``) and stay inside ``*_within``: the repository, or the folder the user named.

    The build is dirty (only pages written since the last build are rendered) when the last
    successful build went into the same folder from the same mkdocs.yml, pages and speckit code."""

    project, out = Path(os.path.abspath(project)), Path(os.path.abspath(out))
    project_within = project_within or project
    out_within = out_within or out
    proj.mermaid_asset()  # fail before any work when the package lacks it
    proj.claim(project, force, "generated mkdocs project", project_within)
    proj.clear_site(out, force, out_within)
    with showing():
        generated = generate(targets, config, project, site_name, collapse_above, within=project_within,
                             workers=workers)
        state = {"format": 1, "code": code_fingerprint(), "out": str(out), "strict": strict,
                 "config": hashlib.sha256(generated.config_file.read_bytes()).hexdigest(),
                 "pages": hashlib.sha256("\n".join(generated.names).encode()).hexdigest()}
        state_file = project / STATE
        try:
            previous = json.loads(state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = None
        dirty = previous == state and (out / "index.html").is_file() and (out / proj.MARKER).is_file()
        if state_file.exists():
            state_file.unlink()  # a build that fails midway leaves no claim that the site is whole
        if generated.broken and strict:
            raise InputError(f"{len(generated.broken)} generated links name no page of the site (a bug in "
                             f"speckit; please report it), the first: {generated.broken[0]}")
        serving.search_entries = generated.search  # the hook hands them to Material's search plugin
        try:
            warnings = proj.run_build(generated.config_file, out, strict, dirty=dirty,
                                      workers=workers if workers is not None else cpus()) + len(generated.broken)
        finally:
            serving.search_entries = {}
    proj.mark_site(out, out_within)
    proj.write_if_changed(state_file, json.dumps(state) + "\n", project_within)
    return generated, warnings


def _base(folder: Path, config: Config, used: set[str]) -> str:
    try:
        name = folder.resolve().relative_to(config.specs_path).as_posix()
    except ValueError:
        name = folder.resolve().name
    base = slug(name)
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    used.add(candidate)
    return candidate


def _doc_name(path: Path, used: set[str]) -> str:
    """The page of one document, unique within its feature: ``sec review.md`` and ``sec-review.md``
    slug alike, and one of them was silently not published; the second gets ``-2``."""
    stem = f"checklist-{slug(path.stem)}" if path.parent.name == "checklists" else slug(path.stem)
    candidate, n = stem, 2
    while candidate in used:
        candidate, n = f"{stem}-{n}", n + 1
    used.add(candidate)
    return f"{candidate}.md"
