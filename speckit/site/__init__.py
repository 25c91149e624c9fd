"""The docs site: every feature as pages (overview, stories with INVEST, traceability, task graph,
Gantt, checklist and gates, the documents themselves), built by mkdocs-material, offline.

``generate()`` reads top to bottom: features -> (page cache, or analyses -> rendered documents ->
pages) -> index -> mkdocs.yml and assets. ``build_site()`` then runs mkdocs on the generated
project. The generated project lives in ``.speckit/site/`` (``mkdocs.yml`` and ``docs/``); it is
rebuilt from the specs on every run, so nothing in it is a person's file.

Incremental: a feature's pages are cached under the content of what produced them (its documents,
its ``build/checklist.json``, the config and speckit's own code: the check cache's keys, see
``speckit.check.cached``), only pages whose text changed are written, and when the navigation and the set
of pages are those of the last build into the same folder, mkdocs rebuilds only the pages written
since (its dirty build; the hook keeps the other pages' search entries).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from speckit.check import validate_config
from speckit.check.cached import code_fingerprint, open_cache, read_files
from speckit.config import Config, repo_root
from speckit.discover import Target, read
from speckit.discover import documents as target_files
from speckit.errors import InputError
from speckit.parse import reading
from speckit.probes import recording
from speckit.site import diagram_pages, history, index, pages
from speckit.site import project as proj
from speckit.site.analysis import analyze
from speckit.site.documents import render
from speckit.site.progress import current, showing
from speckit.site.text import slug

COLLAPSE_ABOVE = 60
"""Above this many tasks a feature's graph is drawn per phase (``--collapse-above``'s default)."""
WIDE = "---\nhide:\n  - navigation\n  - toc\nsearch:\n  exclude: true\n---\n\n"
"""Front matter of the diagram pages: no sidebars (the diagram gets the window's width), and out of
the search index (their text is Mermaid source and the tables of the other pages)."""
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


@dataclass
class FeaturePages:
    """What one feature adds to the site: its pages (path under docs/ -> Markdown) and its index row."""

    pages: dict[str, str]
    row: dict[str, Any]


def generate(targets: list[Target], config: Config, project: Path, site_name: str = "Specifications",
             collapse_above: int = COLLAPSE_ABOVE, hooks: tuple[str, ...] = (),
             within: Path | None = None) -> Generated:
    """Write the mkdocs project for ``targets`` into ``project``; unreadable features are listed, not fatal.
    Every file written stays inside ``within`` (default: the repository that holds ``project``).
    ``hooks``: mkdocs hooks besides speckit's own."""

    validate_config(config)  # a bad leftover_patterns regex is one line, not an internal error
    docs = project / "docs"
    root = repo_root(config.specs_path if config.specs_path.exists() else Path.cwd())
    result = Generated(project, project / "mkdocs.yml")
    cache = open_cache(config)
    tasks_files = [target.folder / "tasks.md" for target in targets if target.document is None]
    past = history.read(root, [p for p in tasks_files if p.is_file()], project)
    bar = current()
    bar.start("reading features", len(targets))
    built: list[FeaturePages] = []
    used: set[str] = set()
    for target in targets:
        base = f"features/{_base(target.folder, config, used)}"
        points = past.points.get(str(target.folder / "tasks.md"), [])
        try:
            pages, computed = feature_pages(target, config, root, base, collapse_above, cache, points, past.reason)
        except InputError as error:
            result.unreadable.append(str(error))
            bar.advance("reading features")
            continue
        built.append(pages)
        result.computed += computed
        bar.advance("reading features")

    summed = history.summed(list(past.points.values()))
    written: dict[str, str] = {"index.md": index.page([p.row for p in built], site_name, result.unreadable, summed,
                                                      past.reason)}
    for pages in built:
        written.update(pages.pages)
    # Only the index is in the navigation: every page carries the navigation, and a nav that lists
    # the features grows each page with their number (227 features: 100-240 KB a page). A feature's
    # pages link to each other in a bar at their top instead.
    nav: proj.Nav = [("Features", "index.md")]
    for name, text in written.items():
        result.written += proj.write_if_changed(docs / name, text, within)
    proj.remove_stale(docs, {docs / name for name in written}, within)
    proj.copy_assets(docs, within)
    proj.write_if_changed(result.config_file, proj.config_text(site_name, nav, (proj.hook_path(), *hooks)), within)
    proj.write_if_changed(project / proj.MARKER, "generated by speckit docs; safe to delete\n", within)
    result.features, result.pages, result.names = len(built), len(written), sorted(written)
    return result


def feature_pages(target: Target, config: Config, root: Path, base: str, collapse_above: int,
                  cache: Any | None, points: list[Any] | None = None,
                  no_history: str = "") -> tuple[FeaturePages, bool]:
    """The pages of one feature, from the page cache when nothing they are made of changed.
    Returns them and whether they were computed."""

    data = read_files(target_files(target))
    key = None
    if cache is not None and data is not None:
        checklist = target.folder / "build" / "checklist.json"
        try:
            made = hashlib.sha256(checklist.read_bytes()).hexdigest() if checklist.is_file() else "none"
        except OSError:
            made = "unreadable"
        past = hashlib.sha256(json.dumps([no_history, *map(asdict, points or [])]).encode()).hexdigest()
        key = cache.key("site", data, extra=f"{base}\0{collapse_above}\0{root}\0{made}\0{past}")
        value = cache.get(key) if key else None
        if isinstance(value, dict) and isinstance(value.get("pages"), dict) and isinstance(value.get("row"), dict):
            return FeaturePages(value["pages"], value["row"]), False
    with recording() as probes:
        pages = _compute(target, config, root, base, collapse_above, data, points or [], no_history)
    if key is not None and cache is not None and read_files(data or {}) == data:
        cache.put(key, asdict(pages), probes)  # only if the documents still hold what was parsed
    return pages, True


def _compute(target: Target, config: Config, root: Path, base: str, collapse_above: int,
             data: dict[Path, bytes] | None, points: list[Any], no_history: str) -> FeaturePages:

    with reading() as texts:  # each document read once: the text parsed is the text shown
        feature = read(target, data)
        analysis = analyze(feature, config, root)
    site = pages.FeatureSite(analysis, base, history=points, no_history=no_history)
    names: set[str] = set()
    for path in feature.documents:
        site.documents[path] = (site.page(f"documents/{_doc_name(Path(path), names)}"), render(texts[path]))
    written = diagram_pages.graph(site, collapse_above)
    written[site.page("index.md")] = pages.overview(site)
    written[site.page("stories.md")] = pages.stories(site)
    written[site.page("traceability.md")] = pages.traceability(site)
    written[site.page("gantt.md")] = diagram_pages.gantt(site)
    written[site.page("checklist.md")] = pages.checklist(site)
    for path, (page, rendered) in site.documents.items():
        written[page] = pages.document(path, rendered)
    page_names = sorted(written)
    for name in page_names:
        wide = name.rsplit("/", 1)[-1].startswith(("graph", "gantt"))
        written[name] = (WIDE if wide else "") + pages.local_nav(site, name, page_names) + written[name]
    return FeaturePages(written, index.row(site))


def build_site(targets: list[Target], config: Config, project: Path, out: Path, *, site_name: str = "Specifications",
               collapse_above: int = COLLAPSE_ABOVE, strict: bool = False, force: bool = False,
               project_within: Path | None = None, out_within: Path | None = None) -> tuple[Generated, int]:
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
        generated = generate(targets, config, project, site_name, collapse_above, within=project_within)
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
        warnings = proj.run_build(generated.config_file, out, strict, dirty=dirty)
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
