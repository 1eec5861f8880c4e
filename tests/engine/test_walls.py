"""The engine's two walls, read from the source:

- ``engine/spiff/`` is the only code of Ravand's that imports SpiffWorkflow (the benchmark's raw baseline and
  the tests aside);
- no private name of SQLAlchemy or SpiffWorkflow is used outside ``engine/spiff/`` (the store, ``engine/store/``,
  reads and writes its rows through SQLAlchemy's public API);
- the private names ``engine/spiff/`` does use are the ones listed in ``test_library_contracts``, no more."""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROOMS = ("api", "web", "engine", "crm", "processes", "forms", "config")
WALLED = ("engine/spiff",)
LIBRARIES = ("SpiffWorkflow", "sqlalchemy")
PUBLIC_UNDERSCORED = {"_asdict", "_mapping", "_make", "_fields", "_replace", "_t", "_tuple"}  # documented API


@cache
def _sources() -> tuple[tuple[str, ast.Module], ...]:
    found = []
    for room in ROOMS:
        for path in sorted((ROOT / room).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/versions/" not in relative and "node_modules" not in path.parts:
                found.append((relative, ast.parse(path.read_text(encoding="utf-8"))))
    return tuple(found)


def _walled(relative: str) -> bool:
    return relative.startswith(tuple(f"{room}/" for room in WALLED))


@cache
def _library_privates() -> frozenset[str]:
    """Every single-underscore name SQLAlchemy's or SpiffWorkflow's source defines: functions, classes, module
    and class names, and attributes it sets (``self._children = ...``)."""
    names: set[str] = set()
    for library in LIBRARIES:
        folder = Path(importlib.util.find_spec(library).origin).parent
        for path in folder.rglob("*.py"):
            names |= _defined(ast.parse(path.read_text(encoding="utf-8")), own_only=False)
    return frozenset(names) - PUBLIC_UNDERSCORED


def _defined(tree: ast.Module, *, own_only: bool) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and (
                not own_only or _is_own(node.value)):
            names.add(node.attr)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


@cache
def _ours() -> frozenset[str]:
    """Underscored names Ravand defines itself (functions, classes, names, attributes it sets on itself)."""
    return frozenset().union(*(_defined(tree, own_only=True) for _, tree in _sources()))


def _is_own(value: ast.expr) -> bool:
    return isinstance(value, ast.Name) and value.id in {"self", "cls"}


def _private_uses(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """Underscored attributes read or written on objects other than ``self``, ``cls`` and ``super()``,
    and underscored names or modules imported from the two libraries."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            value = node.value
            if _is_own(value) or (isinstance(value, ast.Call) and getattr(value.func, "id", None) == "super"):
                continue
            if node.attr not in PUBLIC_UNDERSCORED:
                yield node.lineno, node.attr
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(LIBRARIES):
            if any(part.startswith("_") for part in (node.module or "").split(".")):
                yield node.lineno, node.module or ""
            yield from ((node.lineno, a.name) for a in node.names if a.name.startswith("_"))


def test_only_the_adapter_imports_spiffworkflow():
    found = []
    for relative, tree in _sources():
        if relative.startswith("engine/spiff/"):
            continue
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{relative}:{node.lineno} {n}" for n in names if n.split(".")[0] == "SpiffWorkflow"]
    assert found == []


def test_no_private_name_of_the_libraries_outside_the_walls():
    privates, ours = _library_privates(), _ours()
    found = [f"{relative}:{line} {name}" for relative, tree in _sources() if not _walled(relative)
             for line, name in _private_uses(tree)
             if (name in privates and name not in ours) or "." in name]
    assert found == []


def test_the_walls_use_only_the_listed_private_names():
    from tests.engine.test_library_contracts import SPIFF_PRIVATES

    privates, listed = _library_privates(), {name for _, name in SPIFF_PRIVATES}
    used = {name for relative, tree in _sources() if _walled(relative)
            for _, name in _private_uses(tree) if name in privates}
    assert used == listed


def test_the_scan_sees_a_private_name(tmp_path):
    """The scan is not blind: a planted use of a private SQLAlchemy name is found."""
    planted = ast.parse("def f(session, state):\n    session.identity_map._add_unpresent(state, state.key)\n")
    assert [name for _, name in _private_uses(planted) if name in _library_privates()] == ["_add_unpresent"]
