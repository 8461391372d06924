"""The package is laid out by layer and its imports only point down (docs/architecture.md).

    core     pure domain: no asyncio, no Redis, no web; imports nothing of ours above it
    store    the only code that talks to Redis
    themes   the theme engine (pure numpy) and its worker-side jobs
    report   the exports, from the export document
    live     the running server's services: hub, writer, presence, ticker, workers
    web      Starlette routes, the socket endpoint, assets
    cli      the command line and the Python client

Beside them, at the top of the package and imported from anywhere: `settings.py` (every
setting), `paths.py` (where the apps, catalogues and fonts are) and `workers.py` (the
process pool the themes, the reports and the live layer hand CPU work to).

A module may import its own layer and the layers below it in LAYERS, never one above.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "server" / "prachakhom"
LAYERS = ["core", "settings", "store", "themes", "live", "report", "web", "cli"]
PURE_FORBIDDEN = ("asyncio", "redis", "starlette", "uvicorn", "websockets")


def layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else "top"


def imports(path: Path) -> list[str]:
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                found.append(".".join(base + ([node.module] if node.module else [])))
            elif node.module:
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(a.name for a in node.names)
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


@pytest.mark.parametrize("path", MODULES, ids=name)
def test_imports_point_down(path: Path) -> None:
    here = layer_of(name(path))
    if here == "top":
        return
    rank = LAYERS.index(here)
    upward = [
        m
        for m in imports(path)
        if m.startswith("prachakhom.")
        and layer_of(m) in LAYERS
        and LAYERS.index(layer_of(m)) > rank
    ]
    assert not upward, f"{name(path)} ({here}) imports from above: {upward}"


@pytest.mark.parametrize("path", [p for p in MODULES if layer_of(name(p)) == "core"], ids=name)
def test_the_core_is_pure(path: Path) -> None:
    impure = [m for m in imports(path) if m.split(".")[0] in PURE_FORBIDDEN]
    assert not impure, f"{name(path)} is core and imports {impure}"
