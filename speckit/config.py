"""Configuration: ``speckit.yaml`` or ``[tool.speckit]`` in ``pyproject.toml``, validated into one
Config: a dataclass, validated by pydantic only when a file exists. A bad file is an input error
that names the key and its line.

The YAML reader (ruamel.yaml) is imported only when a speckit.yaml exists: the commit hook should
not pay ~40 ms for a file that is not there.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from speckit import serialisation
from speckit.errors import InputError
from speckit.model import described

CONFIG_NAMES = ("speckit.yaml", ".speckit.yaml")
RuleLevel = Literal["error", "warning", "info", "off"]

VAGUE_WORDS = [
    "fast", "quick", "quickly", "easy", "easily", "simple", "simply", "intuitive", "user-friendly",
    "seamless", "seamlessly", "robust", "efficient", "efficiently", "scalable", "responsive",
    "performant", "reasonable", "appropriate", "several", "many", "soon", "secure", "smooth",
]
IMPLEMENTATION_WORDS = [
    "react", "vue", "angular", "svelte", "next.js", "django", "flask", "fastapi", "rails", "spring",
    "express", "postgres", "postgresql", "mysql", "mongodb", "redis", "sqlite", "dynamodb", "kafka",
    "graphql", "rest api", "endpoint", "database table", "sql", "json", "kubernetes", "docker",
    "lambda", "microservice", "orm", "css", "html",
]


_FORBID = {"extra": "forbid"}  # pydantic's config for the dataclasses below: unknown keys are errors


@dataclass(frozen=True, slots=True, kw_only=True)
class InvestConfig:
    __pydantic_config__ = _FORBID

    max_tasks: int = field(default=15, metadata={"ge": 1, "description": "invest/small: most tasks one story may have"})
    max_scenarios: int = field(default=8, metadata={"ge": 1,
                                                    "description": "invest/small: most acceptance scenarios per story"})
    vague_words: list[str] = field(default_factory=lambda: list(VAGUE_WORDS))
    implementation_words: list[str] = field(default_factory=lambda: list(IMPLEMENTATION_WORDS))


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """The configuration. A plain dataclass: without a config file (the common commit hook) pydantic
    is never imported; a file's data is validated through a pydantic TypeAdapter (#7)."""

    __pydantic_config__ = _FORBID

    specs_root: str = described("folder that holds the feature folders", default="specs")
    rules: dict[str, RuleLevel] = described("rule id -> severity or off", default_factory=dict)
    invest: InvestConfig = field(default_factory=InvestConfig)
    leftover_patterns: list[str] = described("extra template-leftover regexes", default_factory=list)
    mandatory_sections: list[str] = described(
        "spec/missing-section: headings a spec must have (matched as words)",
        default_factory=lambda: ["User Scenarios", "Requirements", "Success Criteria"],
    )
    exclude: list[str] = described(
        "path globs of feature folders that 'speckit check' and the site skip (relative to the config's folder)",
        default_factory=list,
    )
    extend_exclude: list[str] = described("more path globs to skip, added to exclude", default_factory=list)
    cache: bool = described("keep parsed results in .speckit/cache/", default=True)
    technical_context: list[str] = described(
        "keys that 'speckit plan' writes into a plan's Technical Context",
        default_factory=lambda: [
            "Language/Version", "Primary Dependencies", "Storage", "Testing", "Target Platform",
            "Project Type", "Performance Goals", "Constraints", "Scale/Scope",
        ],
    )
    gates: list[str] = described(
        "approval gates that 'speckit plan' adds to a new plan",
        default_factory=lambda: ["Constitution Check (Automated)", "Design Review Gate (HITL Required)"],
    )

    # Not read from the file: where it came from (excluded from dumps: speckit.serialisation).
    root: Path = field(default=Path("."), metadata={"exclude": True})
    source: Path | None = field(default=None, metadata={"exclude": True})
    digest: str = field(default="", metadata={"exclude": True,
                                              "description": "hash of the config text, for cache keys"})

    @property
    def specs_path(self) -> Path:
        """The specs root, refused (InputError) when it leaves the repository (see ``specs_path``)."""
        return specs_path(self.root, self.specs_root, str(self.source or "config"), allow_outside_root())


def public_keys(cls: type[Config] | type[InvestConfig]) -> list[str]:
    """The keys a config file may set in ``cls`` (Config or InvestConfig), in declaration order."""
    return [f.name for f in fields(cls) if not f.metadata.get("exclude")]


def error_message(error: Any) -> str:
    """The message of one pydantic error, worded as when Config was a pydantic model: a dataclass
    reports an unknown key and a non-mapping section differently (#7)."""
    if error["type"] == "unexpected_keyword_argument":
        return "Extra inputs are not permitted"
    if error["type"] == "dataclass_type":
        name = error.get("ctx", {}).get("class_name", "a mapping")
        return f"Input should be a valid dictionary or instance of {name}"
    return str(error["msg"])


ALLOW_OUTSIDE = "SPECKIT_ALLOW_OUTSIDE_ROOT"
"""Set to 1 (or pass ``speckit --allow-outside-root``) to read a specs root outside the repository."""


def allow_outside_root() -> bool:
    return os.environ.get(ALLOW_OUTSIDE, "").strip().lower() in ("1", "yes", "true", "on")


@functools.lru_cache(maxsize=64)
def specs_path(root: Path, specs_root: str, source: str, allow_outside: bool) -> Path:
    """``specs_root`` against the config's folder. speckit.yaml comes with the repository, so a pull
    request could point it at ``/home/user`` or ``../other-repo`` and have the site publish what is
    there: a root whose real path leaves the repository (the git top level, else the config's folder)
    is refused unless the person running speckit allows it (``--allow-outside-root``)."""
    if "\0" in specs_root:
        raise InputError(f"{source}: bad config key 'specs_root': holds a NUL character")
    path = Path(specs_root) if Path(specs_root).is_absolute() else (root / specs_root).resolve()
    if allow_outside:
        return path
    top = repo_root(root)
    real = Path(os.path.realpath(path))
    if real != top and top not in real.parents:
        raise InputError(f"{source}: specs_root {specs_root!r} resolves to {real}, outside the repository {top} "
                         "(run 'speckit --allow-outside-root ...' or set SPECKIT_ALLOW_OUTSIDE_ROOT=1 if you mean it)")
    return path


def git_top(start: Path) -> Path | None:
    """The git top level at or above ``start`` (resolved), or None outside any repository."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def repo_root(start: Path) -> Path:
    """The git top level above ``start``, else ``start`` itself."""
    return git_top(start) or start.resolve()


def find_config(start: Path) -> Path | None:
    start = start.resolve()
    top = repo_root(start)
    for folder in (start, *start.parents):
        for name in (*CONFIG_NAMES, "pyproject.toml"):
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or b"[tool.speckit" in candidate.read_bytes()):
                return candidate
        if folder == top:
            break
    return None


def load(start: Path | None = None, path: Path | None = None) -> Config:
    """Find and read the configuration; defaults when there is none."""
    start = (start or Path.cwd()).resolve()
    path = path or find_config(start)
    if path is None:
        # Defaults need no validation (and skipping it skips building the validators).
        return Config(root=repo_root(start))
    data, lines, text = _read(path)
    from pydantic import ValidationError

    try:
        config = serialisation.validate(Config, data)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        line = _line_of(lines, first["loc"])
        where = f"{path}:{line}" if line else str(path)
        raise InputError(f"{where}: bad config key '{key}': {error_message(first)}{_did_you_mean(first)}") from None
    return dataclasses.replace(config, root=path.parent.resolve(), source=path,
                               digest=hashlib.sha256(text.encode()).hexdigest()[:16])


def _did_you_mean(error: Any) -> str:
    """' (did you mean extend_exclude?)' for an unknown key close to a known one (ruff spells its keys
    with hyphens: extend-exclude)."""
    loc = error["loc"]
    if error["type"] != "unexpected_keyword_argument" or not loc or not isinstance(loc[-1], str):
        return ""
    import difflib

    section: type[Config] | type[InvestConfig] = InvestConfig if len(loc) == 2 and loc[0] == "invest" else Config
    close = difflib.get_close_matches(loc[-1].replace("-", "_"), public_keys(section), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _read(path: Path) -> tuple[dict[str, Any], Any, str]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read config ({error})") from None
    if path.name == "pyproject.toml":
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise InputError(f"{path}: not valid TOML ({error})") from None
        tool = data.get("tool", {})
        if not isinstance(tool, dict):  # tool = "x": a string has no .get (it was an internal error)
            raise InputError(f"{path}: [tool] must be a table, not {type(tool).__name__}")
        section = tool.get("speckit", {})
        if not isinstance(section, dict):
            raise InputError(f"{path}: [tool.speckit] must be a table")
        return section, None, text
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="rt").load(text)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise InputError(f"{where}: not valid YAML ({problem})") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(f"{path}: the config must be a mapping of keys to values")
    return plain(data), data, text


def plain(value: Any) -> Any:
    """ruamel's round-trip containers -> dicts and lists, for pydantic."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _line_of(node: Any, loc: tuple[Any, ...]) -> int | None:
    """1-based line of a key in a ruamel round-trip mapping, following ``loc`` as far as it goes."""
    line = None
    for key in loc:
        lc = getattr(node, "lc", None)
        if lc is None:
            break
        try:
            position = lc.key(key) if isinstance(key, str) else lc.item(key)
        except (KeyError, IndexError, TypeError):
            break
        line = position[0] + 1
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
    return line
