"""``speckit config get|set``: read or change one key of speckit.yaml in place.

ruamel.yaml's round-trip mode keeps comments, key order and quoting; the edited document is
validated as a whole before it is written (atomically), so a bad value never reaches the file.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from speckit import serialisation
from speckit.config import Config, InvestConfig, error_message, plain, public_keys
from speckit.errors import InputError
from speckit.parse import read_text


def split_key(key: str) -> list[str]:
    """``invest.max_tasks`` -> ["invest", "max_tasks"]; rule ids keep their slash (``rules.graph/cycle``)."""
    parts = key.split(".")
    if not key or any(not p for p in parts):
        raise InputError(f"bad config key {key!r}: use names joined by dots, e.g. invest.max_tasks")
    _known(parts, key)
    return parts


def _known(parts: list[str], key: str) -> None:
    head = parts[0]
    public = sorted(public_keys(Config))
    if head not in public:
        raise InputError(f"unknown config key {key!r} (known: {', '.join(public)})")
    if head == "invest" and len(parts) > 1:
        invest = public_keys(InvestConfig)
        if parts[1] not in invest or len(parts) > 2:
            raise InputError(f"unknown config key {key!r} (invest has: {', '.join(invest)})")
    elif head == "rules" and len(parts) > 2:
        raise InputError(f"bad config key {key!r}: rules takes one rule id, e.g. rules.graph/cycle")
    elif head not in ("invest", "rules") and len(parts) > 1:
        raise InputError(f"bad config key {key!r}: {head} has no sub-keys")


def get(config: Config, key: str) -> Any:
    """The effective value of ``key``: from the file, else the default."""
    parts = split_key(key)
    value: Any = serialisation.dump(config, mode="json")
    for part in parts:
        if not isinstance(value, dict) or part not in value:
            raise InputError(f"config key {key!r} is not set")
        value = value[part]
    return value


def dump(value: Any, flow: bool = False) -> str:
    """A value as the user would write it in speckit.yaml (``flow``: on one line)."""
    if isinstance(value, str):
        return value
    if flow:
        import json

        return json.dumps(value, ensure_ascii=False)
    from ruamel.yaml import YAML

    out = io.StringIO()
    yaml = YAML(typ="safe")
    yaml.default_flow_style = False
    yaml.dump(value, out)
    text = out.getvalue()
    return text[:-5] if text.endswith("\n...\n") else text.rstrip("\n")


def set_value(path: Path, key: str, raw: str) -> str:
    """The text of ``path`` with ``key`` set to ``raw`` (read as a YAML value). Raises InputError
    when the file is not speckit.yaml, the key is unknown or the value does not fit."""
    from pydantic import ValidationError
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    if path.name == "pyproject.toml":
        raise InputError(
            f"{path}: 'speckit config set' edits speckit.yaml; change [tool.speckit] in pyproject.toml by hand"
        )
    parts = split_key(key)
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a person's long lines
    text = read_text(path)
    try:
        document = yaml.load(text)
        value = YAML(typ="safe").load(raw) if raw.strip() else ""
    except YAMLError as error:
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise InputError(f"cannot set {key}: {problem}") from None
    if document is None:
        document = yaml.load("{}")
    if not hasattr(document, "keys"):
        raise InputError(f"{path}: the config must be a mapping of keys to values")
    node = document
    for part in parts[:-1]:
        if part not in node or node[part] is None:
            node[part] = _mapping()
        node = node[part]
        if not hasattr(node, "keys"):
            raise InputError(f"{path}: {part} is not a mapping, cannot set {key}")
    node[parts[-1]] = _styled(value, node.get(parts[-1]))
    try:
        serialisation.validate(Config, plain(document))
    except ValidationError as error:
        first = error.errors()[0]

        raise InputError(f"bad value for {key}: {error_message(first)} (got {raw!r})") from None
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def _styled(value: Any, old: Any) -> Any:
    """A new list or mapping keeps the flow style (``[a, b]``) of the value it replaces."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    fa = getattr(old, "fa", None)
    if fa is None or not fa.flow_style() or not isinstance(value, (list, dict)):
        return value
    styled: Any = CommentedSeq(value) if isinstance(value, list) else CommentedMap(value)
    styled.fa.set_flow_style()
    return styled


def _mapping() -> Any:
    from ruamel.yaml.comments import CommentedMap

    return CommentedMap()
