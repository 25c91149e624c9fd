"""Start-up trims for the ``speckit`` process (the commit hook runs it on every commit).

Only the CLI calls :func:`trim`: a program that imports speckit as a library keeps pydantic as it is.
"""

from __future__ import annotations

import os
import sys
import types


def trim() -> None:
    """Skip pydantic's plugin search.

    The first time pydantic builds a model it imports ``importlib.metadata`` and scans every
    installed distribution for ``pydantic`` entry points: 12 ms of a ~200 ms ``speckit show`` here
    (``python -X importtime``), for plugins (observability hooks such as logfire) that speckit never
    uses. pydantic reads ``get_plugins`` from ``pydantic.plugin._loader`` when it first needs it;
    a stand-in that finds no plugins is put there before pydantic is imported.

    Left alone when ``PYDANTIC_DISABLE_PLUGINS`` is set (the user chose which plugins run) or when
    pydantic's loader is already imported.
    """
    name = "pydantic.plugin._loader"
    if "PYDANTIC_DISABLE_PLUGINS" in os.environ or name in sys.modules:
        return
    stand_in = types.ModuleType(name, "speckit: no pydantic plugins in the speckit CLI (see speckit/_hotpath.py)")
    stand_in.get_plugins = lambda: ()  # type: ignore[attr-defined]
    sys.modules[name] = stand_in
