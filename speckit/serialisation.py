"""The model and the config in and out of JSON: dumps, the JSON Schema and validation, by pydantic.

The model classes (``speckit.model``) and the config (``speckit.config``) are plain frozen
dataclasses: importing pydantic alone cost ~60 ms of a ~170 ms commit hook (#7), and ``speckit
check`` needs no JSON of the model. pydantic stays the authority for what the model looks like as
JSON (``show --format json``), for its JSON Schema (``schema``) and for validating a config file:
each class gets a ``pydantic.TypeAdapter``, imported and built here on first use, never on the
check path.

Field options pydantic should see (``description``, ``ge``, ``exclude``) go in the dataclass field's
``metadata`` (``speckit.model.described``): pydantic reads them from there.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from speckit import model

if TYPE_CHECKING:
    from pydantic import TypeAdapter

T = TypeVar("T")

_ADAPTERS: dict[type, TypeAdapter[Any]] = {}


def adapter(cls: type[T]) -> TypeAdapter[T]:
    """The ``pydantic.TypeAdapter`` of ``cls``, built once per class."""
    found = _ADAPTERS.get(cls)
    if found is None:
        from pydantic import TypeAdapter

        found = _ADAPTERS[cls] = TypeAdapter(cls)
    return found


def dump(value: Any, *, mode: Literal["python", "json"] = "python", **options: Any) -> Any:
    """``value`` (a model or config dataclass) as plain data; ``mode="json"`` for JSON types only.
    ``options`` as pydantic's ``dump_python`` (``exclude``, ...)."""
    return adapter(type(value)).dump_python(value, mode=mode, **options)


def dump_json(value: Any, *, indent: int | None = None) -> str:
    """``value`` as JSON text: what ``speckit show --format json`` prints."""
    return adapter(type(value)).dump_json(value, indent=indent).decode()


def validate(cls: type[T], data: Any) -> T:
    """``data`` (plain data) checked and converted into a ``cls``; raises pydantic's ValidationError."""
    return adapter(cls).validate_python(data)


def validate_json(cls: type[T], text: str | bytes) -> T:
    """JSON text checked and converted into a ``cls``; raises pydantic's ValidationError."""
    return adapter(cls).validate_json(text)


def json_schema() -> dict[str, object]:
    """The JSON Schema of ``speckit show --format json``, versioned by ``model.SCHEMA_VERSION``."""
    schema: dict[str, Any] = adapter(model.Feature).json_schema(mode="serialization")
    classes = {cls.__name__: cls for cls in vars(model).values()
               if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == model.__name__}
    for definition in (schema, *schema.get("$defs", {}).values()):
        cls = classes.get(definition.get("title", ""))
        if cls is None:
            continue
        properties = definition.get("properties", {})
        for item in dataclasses.fields(cls):
            prop = properties.get(item.name)
            if prop is None:
                continue
            if not item.init:  # computed (done, critical_path): always present, never read
                prop.pop("default", None)
                prop["readOnly"] = True
                definition.setdefault("required", []).append(item.name)
            elif item.default_factory in (list, dict):  # as pydantic wrote a default of [] or {}
                prop["default"] = item.default_factory()
            properties[item.name] = dict(sorted(prop.items()))
    schema["$id"] = f"https://speckit.invalid/schema/feature-{model.SCHEMA_VERSION}.json"
    schema["version"] = model.SCHEMA_VERSION
    return schema
