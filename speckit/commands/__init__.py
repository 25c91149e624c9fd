"""One module per command family; each imports its stage inside the command function."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from speckit import config
from speckit.config import Config

config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
    help="Config file (default: speckit.yaml or [tool.speckit] in pyproject.toml, found upwards).",
)


def load_config(config_path: Path | None) -> Config:
    return config.load(path=config_path)


def complete_features(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion of a FEATURE or PATHS argument: the names of the feature folders under the
    specs root (matched by prefix, by slug or by a part of the name); a path falls back to files."""
    from click.shell_completion import CompletionItem

    if "/" in incomplete or incomplete.startswith(".") or incomplete.endswith(".md"):
        return [CompletionItem(incomplete, type="file")]
    try:
        from speckit.discover import excluded
        from speckit.parse import NUMBER_PREFIX, walk_features

        config = load_config(ctx.params.get("config_path"))
        names = [f.name for f in walk_features(config.specs_path) if not excluded(f, config)
                 and f.name.isprintable()]  # the shell protocol is one 'type,value' per line
    except Exception:  # noqa: BLE001 - a broken config must not break the user's shell
        return [CompletionItem(incomplete, type="file")]
    needle = incomplete.lower()

    def slug(name: str) -> str:
        match = NUMBER_PREFIX.match(name)
        return name[match.end():].lstrip("-_") if match else name

    first = [n for n in names if n.lower().startswith(needle) or slug(n).lower().startswith(needle)]
    found = first or [n for n in names if needle in n.lower()]
    return [CompletionItem(n) for n in sorted(set(found))] or [CompletionItem(incomplete, type="file")]


def complete_rules(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion of rule ids (``--explain``, ``--select`` ...); in a comma-separated list, the
    last item; families (``invest/``) too."""
    from click.shell_completion import CompletionItem

    from speckit.check.rules import RULES

    head, _, last = incomplete.rpartition(",")
    prefix = f"{head}," if head else ""
    families = sorted({rule.split("/", 1)[0] + "/*" for rule in RULES})
    return [CompletionItem(prefix + rule, help=RULES[rule].summary if rule in RULES else "family")
            for rule in [*RULES, *families] if rule.startswith(last)]
