"""Sandbox fast path: expressions whose cost is linear in the size of their variables.

Most diagram expressions are conditions such as ``amount > 1000 and approved`` or
``status == "gold"``. Running each in a worker process would cost a round trip, so an
expression made only of the nodes below runs in-process, without a budget:

    names, constants, comparisons (any operator), ``and``/``or``, ``not``/``-``/``+``, ``x if c else y``,
    attribute and subscript loads (slices included), tuple/list/set/dict displays without ``*``,
    ``+ - * / // %`` and calls of a few builtins and methods that are linear in their argument,

with at most ``MAX_NODES`` nodes. Without loops, comprehensions, ``**``, ``<<``, unpacking,
f-strings or assignment, every value an expression builds is at most a node-count multiple of
its variables. Operations whose cost depends on the *values* are checked when they run, and
escalate (``Escalate``) to the full sandbox instead of running here: ``+`` of two sequences
longer than ``MAX_FAST_ITEMS`` in all, ``*``, ``/``, ``//`` and ``%`` on anything but numbers
(sequence repetition, %-formatting) or on integers longer than ``MAX_FAST_INT_BITS``, and a
call whose name a variable shadows.
"""

from __future__ import annotations

import ast
import copy
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import CodeType
from typing import Any

from engine.sandbox.helpers import checked_int, checked_round

MAX_NODES = 64
MAX_FAST_ITEMS = 100_000  # characters or items of a sequence built by one fast '+'
MAX_FAST_INT_BITS = 4_096  # bits of an integer operand of a fast '*', '/', '//', '%', '+', '-'
FAST_PREFIX = "__fast_"

_NODES = (
    "Expression Name Load Constant Compare BoolOp And Or UnaryOp Not USub UAdd IfExp Attribute Subscript "
    "Slice Tuple List Set Dict BinOp Add Sub Mult Div FloorDiv Mod Call keyword "
    "Eq NotEq Lt LtE Gt GtE Is IsNot In NotIn"
)
FAST_NODES = frozenset(getattr(ast, name) for name in _NODES.split())
_NUMBERS = (int, float, Decimal)  # bool is an int
_SEQUENCES = (str, bytes, list, tuple)


class Escalate(Exception):
    """The fast path declines this run: evaluate the expression in the full sandbox instead."""


def _int_ok(value: Any) -> bool:
    return not isinstance(value, int) or value.bit_length() <= MAX_FAST_INT_BITS


def _numbers(left: Any, right: Any) -> bool:
    return (isinstance(left, _NUMBERS) and isinstance(right, _NUMBERS) and _int_ok(left) and _int_ok(right))


def _arithmetic(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def run(left: Any, right: Any) -> Any:
        if not _numbers(left, right):
            raise Escalate
        return op(left, right)

    return run


def _add(left: Any, right: Any) -> Any:
    if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
        if len(left) + len(right) > MAX_FAST_ITEMS:
            raise Escalate
    elif not (_int_ok(left) and _int_ok(right)):
        raise Escalate
    return left + right


def _sub(left: Any, right: Any) -> Any:
    if not (_int_ok(left) and _int_ok(right)):
        raise Escalate
    return left - right


_BINOPS: dict[type, tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Add: ("add", _add),
    ast.Sub: ("sub", _sub),
    ast.Mult: ("mul", _arithmetic(operator.mul)),
    ast.Div: ("truediv", _arithmetic(operator.truediv)),
    ast.FloorDiv: ("floordiv", _arithmetic(operator.floordiv)),
    ast.Mod: ("mod", _arithmetic(operator.mod)),
}

# Builtins whose cost is at most linear in their arguments' size. ``int`` and ``round`` calls go
# through their checked versions (a Decimal of a million digits, a huge ``ndigits``), so those two
# names may only be called, not passed around as values.
FAST_CALLS: dict[str, Any] = {
    "len": len, "str": str, "int": int, "float": float, "abs": abs, "bool": bool, "min": min, "max": max,
    "round": checked_round, "isinstance": isinstance, "date": date, "datetime": datetime, "timedelta": timedelta,
}
_CHECKED_CALLS = {"int": checked_int, "round": checked_round}
# Methods (called directly on a value) whose cost is at most linear in the value's size.
FAST_METHODS = frozenset(
    {"lower", "upper", "strip", "lstrip", "rstrip", "startswith", "endswith", "get", "keys", "values", "items",
     "isdigit", "casefold"}
)
FAST_GLOBALS: dict[str, Any] = {"__builtins__": dict(FAST_CALLS)}
FAST_GLOBALS.update({FAST_PREFIX + name: run for name, run in _BINOPS.values()})
FAST_GLOBALS.update({FAST_PREFIX + name: run for name, run in _CHECKED_CALLS.items()})


@dataclass(frozen=True)
class FastCode:
    """An expression that may run on the fast path; ``calls`` are the builtin names it calls."""

    code: CodeType
    calls: frozenset[str]

    def evaluate(self, context: Mapping[str, Any]) -> Any:
        """Evaluate with ``context`` as the variables; raises Escalate to decline."""
        if self.calls and not self.calls.isdisjoint(context.keys()):
            raise Escalate  # a variable shadows a builtin: let the full sandbox resolve it
        return eval(self.code, FAST_GLOBALS, context)  # noqa: S307 - checked fast-path subset, no other builtins


def plan(tree: ast.Expression, filename: str) -> FastCode | None:
    """A fast-path version of an already checked expression tree, or None if it is outside the subset."""
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES or not all(_fast_node(node) for node in nodes):
        return None
    called = {id(n.func) for n in nodes if isinstance(n, ast.Call)}
    if any(isinstance(n, ast.Name) and n.id in _CHECKED_CALLS and id(n) not in called for n in nodes):
        return None
    calls = frozenset(n.func.id for n in nodes if isinstance(n, ast.Call) and isinstance(n.func, ast.Name))
    rewritten = ast.fix_missing_locations(_Arithmetic().visit(copy.deepcopy(tree)))
    return FastCode(compile(rewritten, filename, "eval", dont_inherit=True), calls)


def _fast_node(node: ast.AST) -> bool:
    if type(node) not in FAST_NODES:
        return False
    if isinstance(node, ast.Call):
        return _fast_call(node)
    if isinstance(node, ast.keyword):
        return node.arg is not None  # no **kwargs
    if isinstance(node, ast.Constant):
        return not isinstance(node.value, int) or isinstance(node.value, bool) or _int_ok(node.value)
    return True


def _fast_call(node: ast.Call) -> bool:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id in FAST_CALLS
    return isinstance(func, ast.Attribute) and func.attr in FAST_METHODS


class _Arithmetic(ast.NodeTransformer):
    """``a * b`` becomes ``__fast_mul(a, b)`` and so on, ``int(x)`` becomes ``__fast_int(x)``: the
    operand checks run first."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        name = _BINOPS[type(node.op)][0]
        call = ast.Call(func=ast.Name(id=FAST_PREFIX + name, ctx=ast.Load()), args=[node.left, node.right],
                        keywords=[])
        return ast.copy_location(call, node)

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in _CHECKED_CALLS:
            node.func = ast.Name(id=FAST_PREFIX + node.func.id, ctx=ast.Load())
        return node
