"""Import rules between Ravand's rooms, read from the source (every import, also those inside functions):

- ``api`` and ``web`` (the composition root and the web app it serves) may import every room;
- ``processes`` imports ``crm`` and the engine, never the composition root;
- ``engine`` imports ``forms`` and ``config`` only (it knows no CRM and no API);
- ``crm``, ``forms`` and ``config`` import no other room of ours.

Migration scripts are the schema's, run by the one environment of the composition root, and may use the
engine's migration helpers. No module imports itself through others (``from pkg import sub`` imports the
submodule ``pkg.sub``; a name that is no submodule, the package)."""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROOMS = ("api", "web", "engine", "crm", "processes", "forms", "config")
MAY_IMPORT = {
    "api": set(ROOMS), "web": set(ROOMS), "processes": {"processes", "crm", "engine", "config"},
    "engine": {"engine", "forms", "config"}, "crm": {"crm"}, "forms": {"forms"}, "config": {"config"},
}


def _modules() -> dict[str, Path]:
    found = {}
    for room in ROOMS:
        for path in (ROOT / room).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imported(module: str, path: Path) -> Iterator[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            yield from (f"{base}.{alias.name}" for alias in node.names)  # a submodule, else (stripped) its package


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in modules.items():
        for name in _imported(module, path):
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != module:
                graph[module].add(name)
    return graph


def _circles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.add(frozenset(component))
    return found


def test_each_room_imports_only_what_it_may() -> None:
    broken = sorted(f"{module} imports {target}" for module, targets in _graph().items() for target in targets
                    if ".migrations.versions." not in module
                    and target.split(".")[0] not in MAY_IMPORT[module.split(".")[0]])
    assert broken == []


def test_no_circles() -> None:
    assert _circles(_graph()) == set()
