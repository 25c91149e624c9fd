"""``speckit show`` and ``speckit schema``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from speckit.commands import complete_features, config_option, load_config
from speckit.discover import read, resolve
from speckit.report.summary import summary
from speckit.serialisation import dump_json, json_schema


@click.command("show")
@click.argument("feature", shell_complete=complete_features)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@config_option
def show_command(feature: str, fmt: str, config_path: Path | None) -> None:
    """Compile FEATURE (a folder, a document, or a number or slug under the specs root) and print
    its model: a readable summary, or the whole model as JSON."""
    config = load_config(config_path)
    model = read(resolve(feature, config))
    if fmt == "json":
        click.echo(dump_json(model, indent=2))
    else:
        click.echo(summary(model))


@click.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of 'speckit show --format json' (versioned)."""
    click.echo(json.dumps(json_schema(), indent=2))
