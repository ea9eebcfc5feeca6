"""The imports of the package go one way: from a layer only to itself or the layers below
(docs/architecture.md). Read from the source with `ast`, every import counted, those inside
functions too."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "malinews"
# lowest first; a top-level name of the package -> its layer
LAYERS = (
    ("sites", "article"),
    ("core",),
    ("extraction",),
    ("pipelines",),
    ("scrapers",),
    ("scheduler", "web"),
    ("cli", "__init__", "__main__"),
)
LAYER = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _part(module: str) -> str:
    """The package's top-level name a dotted module path starts with ("" for the package)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imported(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name == "malinews" or name.startswith("malinews.")}


def test_every_module_imports_only_its_own_layer_or_lower() -> None:
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        part = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        rank = LAYER[part]  # a new top-level module must be given its layer above
        for name in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            target = _part(name)
            if target in LAYER and LAYER[target] > rank:
                upward.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not upward, "\n".join(upward)


def test_the_check_sees_an_upward_import() -> None:
    tree = ast.parse("def f():\n    from malinews.pipelines.store import Store\n")
    assert {_part(name) for name in _imported(tree)} == {"pipelines"}
    assert LAYER["pipelines"] > LAYER["extraction"]
