"""The shape of the code, checked: layers import downwards only, no import cycle, short modules.

Layers, lowest first (docs/architecture.md):
  0  shared.domain.*, shared.context, shared.topology   pure rules, request context, names
  1  shared.ports.*                                     every interface to the outside world
  2  shared.service.*                                   one service per command, on a unit of work
  3  shared.adapters.*, shared.edge.*, shared.logs,    Google clients; HTTP / Pub/Sub edges;
     shared.bootstrap                                   the composition root
  4  functions.*, main                                  one module per operation
A module may import its own layer or lower ones. Adapters implement ports: they import neither
services nor edges. The domain imports nothing from Google, Flask or firebase_admin.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("shared", "functions")
MAX_LINES = 500


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    found["main"] = ROOT / "main.py"
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The project modules ``name`` imports, at any depth of its code (lazy imports count)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def layer(name: str) -> int:
    if name.startswith("shared.domain") or name in ("shared.context", "shared.topology", "shared"):
        return 0
    if name.startswith("shared.ports"):
        return 1
    if name.startswith("shared.service"):
        return 2
    if name.startswith(("shared.adapters", "shared.edge")) or name in ("shared.logs", "shared.bootstrap"):
        return 3
    return 4


def test_every_module_has_a_layer_and_imports_only_its_own_or_lower_ones():
    upward = sorted(f"{a} ({layer(a)}) → {b} ({layer(b)})" for a, targets in GRAPH.items() for b in targets
                    if layer(b) > layer(a))
    assert upward == []


def test_adapters_implement_ports_and_know_no_service_nor_edge():
    crossing = sorted(f"{a} → {b}" for a, targets in GRAPH.items() if a.startswith("shared.adapters")
                      for b in targets if b.startswith(("shared.service", "shared.edge", "shared.bootstrap")))
    assert crossing == []


def test_there_is_no_import_cycle():
    sys.setrecursionlimit(10_000)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in GRAPH:
        if v not in index:
            visit(v)
    assert cycles == []


def test_the_domain_imports_no_cloud_nor_web_library():
    impure = []
    for name, path in MODULES.items():
        if not name.startswith("shared.domain"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            roots = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            impure += [f"{name} → {r}" for r in roots
                       if r.split(".")[0] in ("google", "firebase_admin", "flask", "functions_framework")]
    assert impure == []


def test_no_module_is_longer_than_about_five_hundred_lines():
    # the deployed code, and the contract generator (a build tool: devtools/contracts)
    generator = {f"devtools.contracts.{p.stem}": p for p in (ROOT / "devtools" / "contracts").glob("*.py")}
    long = {name: n for name, path in {**MODULES, **generator}.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_every_protocol_is_a_port():
    protocols = sorted(f"{name}.{node.name}" for name, path in MODULES.items() if not name.startswith("shared.ports")
                       for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                       if isinstance(node, ast.ClassDef) and any(getattr(b, "id", None) == "Protocol"
                                                                 for b in node.bases))
    assert protocols == []
