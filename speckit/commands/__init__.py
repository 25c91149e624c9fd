"""One module per command family; each imports its stage inside the command function."""

from __future__ import annotations

from pathlib import Path

import click

from speckit import config
from speckit.config import Config

config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
    help="Config file (default: speckit.yaml or [tool.speckit] in pyproject.toml, found upwards).",
)


def load_config(config_path: Path | None) -> Config:
    return config.load(path=config_path)
