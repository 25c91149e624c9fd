"""``speckit docs build`` and ``speckit docs serve``: the features as a static site (mkdocs-material)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import click

from speckit.commands import config_option, load_config
from speckit.config import Config, repo_root
from speckit.discover import features
from speckit.errors import InputError
from speckit.site import COLLAPSE_ABOVE, PARALLEL_FROM, Memo, build_site, generate, serving
from speckit.site.progress import showing
from speckit.site.project import claim, mermaid_asset, show_mkdocs_logs


@click.group("docs")
def docs_command() -> None:
    """Build or serve the docs site of all features (offline: Mermaid is served by the site itself).

    Needs the site extra: pip install 'speckit-compiler[site]'."""
    import importlib

    # The site's packages are an extra, so that the commit hook installs only the core (#14).
    missing = []
    for name in ("mkdocs", "material"):
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise InputError(f"speckit docs needs the site extra ({' and '.join(missing)} not installed): "
                         "pip install 'speckit-compiler[site]'")


def _common(function: click.decorators.FC) -> click.decorators.FC:
    for option in reversed([
        click.argument("paths", nargs=-1),
        click.option("--project", "project_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Where the generated mkdocs project goes (default: .speckit/site beside the config)."),
        click.option("--site-name", default="Specifications", show_default=True, help="Title of the site."),
        click.option("--collapse-above", type=click.IntRange(min=1), default=COLLAPSE_ABOVE, show_default=True,
                     help="Draw a feature's task graph per phase when it has more tasks than this."),
        click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                     help="Processes that compute the features' pages (default: one per CPU, when at least "
                          f"{PARALLEL_FROM} features changed)."),
        config_option,
    ]):
        function = option(function)
    return function


@docs_command.command("build")
@_common
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the static site (default: <project>/site).")
@click.option("--strict", is_flag=True, help="Fail when mkdocs warns (broken links, missing pages).")
@click.option("--force", is_flag=True,
              help="Write into an --out or --project folder that holds files speckit did not write.")
def build_command(paths: tuple[str, ...], project_dir: Path | None, site_name: str, collapse_above: int,
                  jobs: int | None, config_path: Path | None, out: Path | None, strict: bool, force: bool) -> None:
    """Generate pages for every feature and build the static site."""
    config = load_config(config_path)
    project, project_within = _project(project_dir, config)
    # Resolved once, against the folder the user typed it in; a folder the user names is theirs to
    # name (links in it are followed once), a default one must stay inside the repository.
    out_within = Path(os.path.abspath(out)) if out is not None else project_within
    out = out_within if out is not None else project / "site"
    generated, warnings = build_site(features(paths, config), config, project, out, site_name=site_name,
                                     collapse_above=collapse_above, strict=strict, force=force,
                                     project_within=project_within, out_within=out_within, workers=jobs)
    for message in generated.unreadable:
        click.echo(f"speckit: error: {message}", err=True)
    for message in generated.broken:
        click.echo(f"speckit: warning: {message} (a bug in speckit; please report it)", err=True)
    cached = generated.features - generated.computed
    click.echo(f"built {generated.features} features ({generated.pages} pages"
               f"{f'; {cached} from the page cache' if cached else ''}) into {out}"
               f"{f'; mkdocs warned {warnings} times' if warnings else ''}; open {out / 'index.html'}")
    if generated.unreadable:
        raise SystemExit(2)


@docs_command.command("serve")
@_common
@click.option("--addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on (host:port).")
@click.option("--no-livereload", is_flag=True,
              help="Do not watch the files: pages are neither regenerated nor reloaded after an edit.")
@click.option("--poll", is_flag=True,
              help="Check the files for changes every 0.5 s instead of being notified of them (for network drives "
                   "and container mounts whose changes raise no notification here).")
def serve_command(paths: tuple[str, ...], project_dir: Path | None, site_name: str, collapse_above: int,
                  jobs: int | None, config_path: Path | None, addr: str, no_livereload: bool, poll: bool) -> None:
    """Serve the site with live reload: pages are regenerated whenever a document changes."""
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import Abort, ConfigurationError

    from speckit.site.watching import serving_quickly

    host, _, port = addr.rpartition(":")
    if not host or not port.isdigit() or int(port) > 65535:
        raise InputError(f"--addr {addr}: expected host:port with a port up to 65535, such as 127.0.0.1:8000")
    config = load_config(config_path)
    mermaid_asset()
    project, within = _project(project_dir, config)
    claim(project, False, "generated mkdocs project", within)
    targets = features(paths, config)
    memo = Memo()
    with showing():
        generated = generate(targets, config, project, site_name, collapse_above, within=within, workers=jobs,
                             memo=memo)
    for message in generated.unreadable:
        click.echo(f"speckit: error: {message}", err=True)
    # From here on, the hook regenerates before each of mkdocs' builds (speckit.site.serving).
    serving.start(serving.Serving(Path(os.getcwd()), config.source, tuple(paths), project, site_name, collapse_above,
                                  within, jobs), memo)
    watch = [str(config.specs_path)] if config.specs_path.is_dir() else []
    watch += [str(Path(p).resolve()) for p in paths if Path(p).exists()]
    if config.source:
        watch.append(str(config.source))
    show_mkdocs_logs()
    click.echo(f"serving {generated.features} features on http://{addr}/ (Ctrl-C stops)", err=True)
    try:
        # A dirty serve: after the first build, mkdocs renders only the pages the hook rewrote.
        with showing(), serving_quickly(project, poll):
            serve(config_file=str(generated.config_file), livereload=not no_livereload, watch=sorted(set(watch)),
                  dev_addr=addr, build_type="dirty")
    except (Abort, ConfigurationError) as error:
        # mkdocs has logged the reason ("'dev_addr': '256.1.1.1' does not appear to be an IPv4 ...").
        raise InputError(f"mkdocs serve failed: {error}") from None
    except OSError as error:
        if error.errno not in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES):
            raise
        raise InputError(f"--addr {addr}: cannot serve there ({error.strerror})") from None


def _project(project_dir: Path | None, config: Config) -> tuple[Path, Path]:
    """The generated project's folder (absolute, links not followed) and the folder its files must
    stay in: the one the user named with --project, else the repository (a committed ``.speckit``
    link out of it is refused)."""
    if project_dir is not None:
        project = Path(os.path.abspath(project_dir))
        return project, project
    return Path(os.path.abspath(config.root / ".speckit" / "site")), repo_root(config.root)
