"""The base of speckit's model classes: stdlib dataclasses that keep pydantic's method names.

``speckit check`` runs on every commit, and importing pydantic alone cost ~60 ms of a ~170 ms hook
(#7). The model classes are therefore plain frozen dataclasses, and pydantic stays the engine for
JSON, the JSON Schema and config validation: each class gets a ``pydantic.TypeAdapter``, imported
and built on first use (``show --format json``, ``schema``, a config file), never on the check path.

Field options pydantic should see (``description``, ``ge``, ``exclude``) go in the dataclass field's
``metadata``: pydantic reads them from there.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T", bound="Model")

_ADAPTERS: dict[type, Any] = {}


def adapter(cls: type) -> Any:
    """The ``pydantic.TypeAdapter`` of ``cls``, built once per class."""
    found = _ADAPTERS.get(cls)
    if found is None:
        from pydantic import TypeAdapter

        found = _ADAPTERS[cls] = TypeAdapter(cls)
    return found


def described(description: str, **kwargs: Any) -> Any:
    """``dataclasses.field`` with a description for the JSON Schema."""
    return dataclasses.field(metadata={"description": description}, **kwargs)


class Model:
    """pydantic's ``BaseModel`` method names over a dataclass, so that call sites need not change."""

    __slots__ = ()

    def model_copy(self: T, *, update: dict[str, Any] | None = None, deep: bool = False) -> T:
        """A copy with ``update`` applied, unvalidated (as pydantic's ``model_copy``)."""
        value = self
        if deep:
            import copy

            value = copy.deepcopy(self)
        return dataclasses.replace(value, **(update or {}))  # type: ignore[type-var]  # subclasses are dataclasses

    def model_dump(self, *, mode: str = "python", **kwargs: Any) -> Any:
        return adapter(type(self)).dump_python(self, mode=mode, **kwargs)

    def model_dump_json(self, *, indent: int | None = None, **kwargs: Any) -> str:
        return adapter(type(self)).dump_json(self, indent=indent, **kwargs).decode()  # type: ignore[no-any-return]

    @classmethod
    def model_validate(cls: type[T], obj: Any, **kwargs: Any) -> T:
        return adapter(cls).validate_python(obj, **kwargs)  # type: ignore[no-any-return]

    @classmethod
    def model_validate_json(cls: type[T], data: str | bytes, **kwargs: Any) -> T:
        return adapter(cls).validate_json(data, **kwargs)  # type: ignore[no-any-return]

    @classmethod
    def model_construct(cls: type[T], **values: Any) -> T:
        """An instance from ``values`` as they are, without validation."""
        return cls(**values)

    @classmethod
    def model_json_schema(cls, mode: str = "validation") -> dict[str, Any]:
        return adapter(cls).json_schema(mode=mode)  # type: ignore[no-any-return]
