"""Start-up trims for the ``speckit`` process (the commit hook runs it on every commit).

Only the CLI calls :func:`trim`: a program that imports speckit as a library keeps pydantic as it is.
"""

from __future__ import annotations

import gc
import os
import sys
import types

_freeze = {"armed": False, "frozen": False, "paused": False}


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


def arm_freeze() -> None:
    """Ask :func:`freeze_imports` to act: ``main()`` calls this, so only the CLI's own run freezes.

    Until then the collector is paused: importing the command (pydantic, markdown-it, the model)
    sets off ~70 collections that find nothing to free, ~8 ms of a ~150 ms commit hook."""
    _freeze["armed"] = True
    if gc.isenabled():
        gc.disable()
        _freeze["paused"] = True


def freeze_imports() -> None:
    """Hide what is imported by now (click, pydantic, markdown-it, the model classes: a few hundred
    thousand objects) from the cyclic garbage collector, once the command's module is loaded.

    They live as long as the process, yet every full collection walked them again: checking 1,000
    features ran ~40 full collections, 0.34 s of ~10 s; frozen, 0.05 s. Left alone unless armed,
    and when someone else has frozen objects already (a host process keeps its own choice)."""
    if not _freeze["armed"] or _freeze["frozen"]:
        return
    if not gc.get_freeze_count():
        gc.freeze()
        _freeze["frozen"] = True
    if _freeze["paused"]:
        gc.enable()
        _freeze["paused"] = False


def thaw() -> None:
    """Undo :func:`freeze_imports` on the way out, so an in-process caller (the tests) gets its
    collector back as it was."""
    if _freeze["frozen"]:
        gc.unfreeze()
    if _freeze["paused"]:
        gc.enable()
    _freeze["armed"] = _freeze["frozen"] = _freeze["paused"] = False
