"""The docs site: every feature as pages (overview, stories with INVEST, traceability, task graph,
Gantt, checklist and gates, the documents themselves), built by mkdocs-material, offline.

``generate()`` reads top to bottom: features -> analyses -> rendered documents -> pages -> nav ->
mkdocs.yml and assets. ``build_site()`` then runs mkdocs on the generated project. The generated
project lives in ``.speckit/site/`` (``mkdocs.yml`` and ``docs/``); it is rebuilt from the specs on
every run, so nothing in it is a person's file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from speckit.config import Config
from speckit.discover import Target
from speckit.errors import InputError
from speckit.site.text import slug

DEFAULT_COLLAPSE_ABOVE = 60


@dataclass
class Generated:
    project: Path
    config_file: Path
    features: int = 0
    pages: int = 0
    unreadable: list[str] = field(default_factory=list)


def generate(targets: list[Target], config: Config, project: Path, site_name: str = "Specifications",
             collapse_above: int = DEFAULT_COLLAPSE_ABOVE, hooks: tuple[str, ...] = ()) -> Generated:
    """Write the mkdocs project for ``targets`` into ``project``; unreadable features are listed, not fatal."""
    from speckit.config import repo_root
    from speckit.discover import read
    from speckit.parse import read_text
    from speckit.site import pages
    from speckit.site import project as proj
    from speckit.site.analysis import analyze
    from speckit.site.documents import render

    docs = project / "docs"
    root = repo_root(config.specs_path if config.specs_path.exists() else Path.cwd())
    result = Generated(project, project / "mkdocs.yml")
    sites: list[pages.FeatureSite] = []
    used: set[str] = set()
    for target in targets:
        try:
            feature = read(target)
            analysis = analyze(feature, config, root)
            base = _base(target.folder, config, used)
            site = pages.FeatureSite(analysis, f"features/{base}")
            for path in feature.documents:
                site.documents[path] = (site.page(f"documents/{_doc_name(Path(path))}"),
                                        render(read_text(Path(path))))
        except InputError as error:
            result.unreadable.append(str(error))
            continue
        sites.append(site)

    written: dict[str, str] = {"index.md": pages.index(sites, site_name, result.unreadable)}
    nav: proj.Nav = [("Features", "index.md")]
    for site in sites:
        graph_pages = pages.graph(site, collapse_above)
        written.update(graph_pages)
        written[site.page("index.md")] = pages.overview(site)
        written[site.page("stories.md")] = pages.stories(site)
        written[site.page("traceability.md")] = pages.traceability(site)
        written[site.page("gantt.md")] = pages.gantt(site)
        written[site.page("checklist.md")] = pages.checklist(site)
        for path, (page, rendered) in site.documents.items():
            written[page] = pages.document(path, rendered)
        graph_nav: proj.Nav | str = site.page("graph.md")
        if len(graph_pages) > 1:
            phases: proj.Nav = [("All phases", site.page("graph.md"))]
            phases += [(f"Phase {n}", site.page(f"graph-phase-{n}.md")) for n in range(1, len(graph_pages))]
            graph_nav = phases
        nav.append((site.feature.feature.id, [
            ("Overview", site.page("index.md")),
            ("Stories and INVEST", site.page("stories.md")),
            ("Traceability", site.page("traceability.md")),
            ("Task graph", graph_nav),
            ("Gantt", site.page("gantt.md")),
            ("Checklist and gates", site.page("checklist.md")),
            ("Documents", [(Path(path).name, page) for path, (page, _) in site.documents.items()]),
        ]))

    for name, text in written.items():
        proj.write_if_changed(docs / name, text)
    proj.remove_stale(docs, {docs / name for name in written})
    proj.copy_assets(docs)
    proj.write_if_changed(result.config_file, proj.config_text(site_name, nav, hooks))
    result.features, result.pages = len(sites), len(written)
    return result


def build_site(targets: list[Target], config: Config, project: Path, out: Path, *, site_name: str = "Specifications",
               collapse_above: int = DEFAULT_COLLAPSE_ABOVE, strict: bool = False, force: bool = False) -> tuple[Generated, int]:
    """Generate the project and build the static site into ``out``. Returns the project and the
    number of warnings mkdocs logged."""
    from speckit.site import project as proj

    proj.mermaid_asset()  # fail before any work when the package lacks it
    proj.clear_site(out, force)
    generated = generate(targets, config, project, site_name, collapse_above)
    warnings = proj.run_build(generated.config_file, out, strict)
    proj.mark_site(out)
    return generated, warnings


def hook_source(arguments: Mapping[str, object]) -> str:
    """A mkdocs hook for 'docs serve': regenerate the pages from the specs before every rebuild."""
    return (
        "# Generated by 'speckit docs serve': regenerates the pages from the specs before each rebuild.\n"
        "from speckit.site import regenerate\n\n"
        f"ARGUMENTS = {json.dumps(json.dumps(arguments))}\n\n\n"
        "def on_pre_build(config, **kwargs):\n"
        "    regenerate(ARGUMENTS)\n"
    )


def regenerate(arguments: str) -> None:
    """Called by the serve hook: the same generation as 'docs build', from the saved arguments."""
    from speckit import config as config_module
    from speckit.discover import features

    args = json.loads(arguments)
    config = config_module.load(Path(args["cwd"]), Path(args["config"]) if args["config"] else None)
    targets = features(args["paths"], config)
    generated = generate(targets, config, Path(args["project"]), args["site_name"], args["collapse_above"],
                         tuple(args["hooks"]))
    for message in generated.unreadable:
        print(f"speckit: error: {message}")


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


def _doc_name(path: Path) -> str:
    if path.parent.name == "checklists":
        return f"checklist-{slug(path.stem)}.md"
    return f"{slug(path.stem)}.md"
