"""The import layers of docs/architecture.md, enforced: documents flow one way, and a module never
imports a stage above its own. Read from the source (every import, module level or not), so a
function-local import cannot hide a dependency."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "speckit"

LAYERS: dict[str, int] = {
    # 0 base
    "errors": 0, "model": 0, "store": 0, "probes": 0, "fsutil": 0, "serialisation": 0, "_hotpath": 0,
    "__init__": 0,
    # 1 reading
    "config": 1, "parse": 1, "graph": 1, "analysis": 1, "report": 1, "importer": 1, "discover": 1, "edit": 1,
    # 2 stages
    "check": 2, "selection": 2, "fix": 2, "build": 2, "run": 2, "site": 2, "scaffold": 2,
    # 3 front ends
    "cli": 3, "commands": 3, "lsp": 3, "mcp": 3, "watch": 3, "__main__": 3,
}
ISOLATED = {"store", "probes"}
"""Import nothing of speckit at all."""


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports() -> list[tuple[str, int, str, str]]:
    """(file, line, importing unit, imported module) for every import of speckit in speckit/."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[1].startswith("_vendor"):
            continue
        module = ".".join(relative.with_suffix("").parts)
        unit = _unit(module.removesuffix(".__init__"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
                if node.module == "speckit":  # 'from speckit import probes', or '__version__'
                    names = [f"speckit.{alias.name}" if (PACKAGE / alias.name).is_dir()
                             or (PACKAGE / f"{alias.name}.py").is_file() else "speckit.__init__"
                             for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            found += [(str(relative), node.lineno, unit, n) for n in names if n.startswith("speckit.")]
    return found


def test_every_unit_of_the_package_has_a_layer() -> None:
    units = {_unit(".".join(p.relative_to(ROOT).with_suffix("").parts)) for p in PACKAGE.glob("*.py")}
    units |= {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert units - set(LAYERS) == set(), "give the new module a layer here and in docs/architecture.md"


def test_no_module_imports_a_layer_above_its_own() -> None:
    wrong = [f"{where}:{line}: {unit} (layer {LAYERS[unit]}) imports {name} (layer {LAYERS[_unit(name)]})"
             for where, line, unit, name in _imports() if LAYERS[_unit(name)] > LAYERS[unit]]
    assert wrong == []


def test_front_ends_share_logic_through_stages_not_commands() -> None:
    wrong = [f"{where}:{line}: {name}" for where, line, unit, name in _imports()
             if unit in ("lsp", "mcp", "watch") and _unit(name) == "commands"]
    assert wrong == []


def test_the_store_and_the_probes_import_nothing_of_speckit() -> None:
    wrong = [f"{where}:{line}: {name}" for where, line, unit, name in _imports() if unit in ISOLATED]
    assert wrong == []


def test_the_model_imports_only_the_model() -> None:
    wrong = [f"{where}:{line}: {name}" for where, line, unit, name in _imports()
             if unit == "model" and _unit(name) not in ("model",)]
    assert wrong == []
