"""Sandbox layer 1, compile side: refuse unsafe syntax, then rewrite risky operations.

The checker works on an allow-list of node types. The rewriter routes every operation that can
build a huge value in one C-level step (``**``, ``*``, ``+``, ``<<``, ``%``, a few string and
list methods, format specs, unpacking) through size-checked helpers of ``sandbox_runtime``, and
makes each loop iteration, comprehension item and function call tick the run's budget.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from types import CodeType

from engine.errors import SandboxViolation, ScriptError
from engine.sandbox.fast import FastCode, plan
from engine.sandbox.helpers import check_printf_format

FILENAME = "<script>"
MAX_SOURCE_CHARS = 100_000
HELPER_PREFIX = "__sb_"

BLOCKED_PREFIXES = ("_", "gi_", "cr_", "ag_", "f_", "tb_", "co_", "func_", "im_")
BLOCKED_ATTRIBUTES = frozenset({"format", "format_map", "mro", "translate", "send", "throw"})
# Methods that can build a huge value in one step: allowed only when called directly.
CHECKED_METHODS = frozenset(
    {"ljust", "rjust", "center", "zfill", "expandtabs", "replace", "join", "extend", "to_bytes"}
)

# Calls to these builtins cannot run long; any other call first checks the run's deadline, so
# that a chain of slow C-level calls (sorting a million strings...) cannot outlast the time limit.
CHEAP_CALLS = frozenset(
    {"len", "isinstance", "abs", "bool", "int", "float", "str", "chr", "ord", "date", "datetime", "timedelta"}
)
# Direct calls of these builtins go through a checked helper (``int`` of a huge Decimal).
CHECKED_CALLS = frozenset({"int"})

_ASYNC = "async code is not allowed"
REFUSED_NODES: dict[type, str] = {
    ast.Import: "'import' is not allowed",
    ast.ImportFrom: "'import' is not allowed",
    ast.Global: "'global' is not allowed",
    ast.Nonlocal: "'nonlocal' is not allowed",
    ast.ClassDef: "class definitions are not allowed",
    ast.With: "'with' is not allowed",
    ast.AsyncWith: _ASYNC,
    ast.AsyncFor: _ASYNC,
    ast.AsyncFunctionDef: _ASYNC,
    ast.Await: _ASYNC,
    ast.Yield: "'yield' is not allowed",
    ast.YieldFrom: "'yield' is not allowed",
    ast.AnnAssign: "type annotations are not allowed",
    ast.Match: "'match' is not allowed",
    ast.TryStar: "'except*' is not allowed",
}

_ALLOWED_NAMES = (
    "Module Expression Expr Assign AugAssign For While If Break Continue Pass Delete Return "
    "FunctionDef Lambda Try ExceptHandler Raise Assert arguments arg keyword "
    "BoolOp BinOp UnaryOp IfExp Dict Set List Tuple ListComp SetComp DictComp GeneratorExp "
    "comprehension Compare Call Constant Attribute Subscript Slice Starred Name NamedExpr "
    "JoinedStr FormattedValue Load Store Del And Or Add Sub Mult Div FloorDiv Mod Pow LShift "
    "RShift BitOr BitXor BitAnd MatMult Invert Not UAdd USub Eq NotEq Lt LtE Gt GtE Is IsNot In NotIn"
)
ALLOWED_NODES = frozenset(getattr(ast, name) for name in _ALLOWED_NAMES.split())


@dataclass(frozen=True)
class Compiled:
    """A checked, rewritten and compiled piece of source.

    For an expression, ``fast`` is its fast-path version (None if it is outside the fast subset)
    and ``names`` the variable names it may read.
    """

    source: str
    code: CodeType
    needs_budget: bool
    fast: FastCode | None = None
    names: frozenset[str] = frozenset()


def compile_checked(source: str, mode: str) -> Compiled:
    """Parse, check, rewrite and compile ``source`` (``mode`` is 'eval' or 'exec')."""
    if not isinstance(source, str):
        raise ScriptError(f"a script must be text, not {type(source).__name__}")
    if len(source) > MAX_SOURCE_CHARS:
        raise SandboxViolation(f"script is too long ({len(source):,} characters, limit {MAX_SOURCE_CHARS:,})")
    try:
        tree = ast.parse(source, filename=FILENAME, mode=mode)
        _Checker(tree).visit(tree, 1)
        fast = plan(tree, FILENAME) if isinstance(tree, ast.Expression) else None
        names = frozenset(n.id for n in ast.walk(tree) if isinstance(n, ast.Name))
        rewriter = _Rewriter()
        tree = ast.fix_missing_locations(rewriter.visit(tree))
        code = compile(tree, FILENAME, mode, dont_inherit=True)
    except SyntaxError as err:
        line = err.lineno or 1
        raise ScriptError(f"line {line}: syntax error: {err.msg}", line=line) from None
    except ValueError as err:  # e.g. an integer literal longer than Python accepts
        raise ScriptError(f"syntax error: {err}") from None
    except (RecursionError, MemoryError):
        raise SandboxViolation("script is too deeply nested") from None
    return Compiled(source, code, rewriter.needs_budget, fast, names)


def refuse(line: int, message: str) -> SandboxViolation:
    return SandboxViolation(f"line {line}: {message}", line=line)


def name_allowed(name: str) -> bool:
    return name == "_" or not name.startswith("_")


def attribute_problem(attr: str) -> str | None:
    if attr.startswith(BLOCKED_PREFIXES) or attr in BLOCKED_ATTRIBUTES:
        return f"attribute '{attr}' is not allowed"
    return None


class _Checker:
    """Walks the tree and raises SandboxViolation at the first refused construct."""

    def __init__(self, tree: ast.AST) -> None:
        self._called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}

    def visit(self, node: ast.AST, line: int) -> None:
        line = getattr(node, "lineno", line)
        kind = type(node)
        if kind not in ALLOWED_NODES:
            raise refuse(line, REFUSED_NODES.get(kind, f"'{kind.__name__}' is not allowed"))
        for child in ast.iter_child_nodes(node):  # children first: report the innermost problem
            self.visit(child, line)
        problem = self._problem(node)
        if problem:
            raise refuse(line, problem)
        if isinstance(node, ast.Try) and node.finalbody:
            _check_finally(node.finalbody)

    def _problem(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Name | ast.arg | ast.FunctionDef | ast.ExceptHandler):
            name = getattr(node, "id", None) or getattr(node, "arg", None) or getattr(node, "name", None)
            if name and not name_allowed(name):
                return f"name '{name}' is not allowed"
        if isinstance(node, ast.Attribute):
            return self._attribute_problem(node)
        if isinstance(node, ast.FunctionDef | ast.Lambda):
            return _function_problem(node)
        if isinstance(node, ast.arg) and node.annotation is not None:
            return "type annotations are not allowed"
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            return _constant_format_problem(node.left)
        return None

    def _attribute_problem(self, node: ast.Attribute) -> str | None:
        problem = attribute_problem(node.attr)
        if problem is None and node.attr in CHECKED_METHODS and id(node) not in self._called:
            problem = f"method '{node.attr}' may only be called directly, as in x.{node.attr}(...)"
        return problem


_LEAVE = {ast.Return: "return", ast.Break: "break", ast.Continue: "continue"}


def _check_finally(body: list[ast.stmt]) -> None:
    """``return``/``break``/``continue`` in a ``finally:`` block would discard a sandbox violation
    (a time, size or iteration limit) raised in its ``try:``, so they are refused there. In a
    function of its own, or (``break``/``continue``) in a loop of its own, within the block, they
    do not leave it and are allowed."""
    for statement in body:
        _check_leaving(statement, in_loop=False)


def _check_leaving(node: ast.AST, in_loop: bool) -> None:
    kind = _LEAVE.get(type(node))
    if kind and (kind == "return" or not in_loop):
        raise refuse(node.lineno, f"'{kind}' inside a 'finally:' block is not allowed (it would hide errors)")
    if isinstance(node, ast.FunctionDef | ast.Lambda):
        return
    if isinstance(node, ast.For | ast.While):
        for child in node.body:
            _check_leaving(child, in_loop=True)
        for child in node.orelse:  # a loop's else: belongs to the enclosing block
            _check_leaving(child, in_loop)
        return
    for child in ast.iter_child_nodes(node):
        _check_leaving(child, in_loop)


def _function_problem(node: ast.FunctionDef | ast.Lambda) -> str | None:
    if node.args.vararg or node.args.kwarg:
        return "'*args' and '**kwargs' parameters are not allowed"
    if isinstance(node, ast.FunctionDef) and (node.decorator_list or node.returns):
        return "decorators and return annotations are not allowed"
    return None


def _constant_format_problem(left: ast.expr) -> str | None:
    if isinstance(left, ast.Constant) and isinstance(left.value, str | bytes):
        try:
            check_printf_format(left.value)
        except SandboxViolation as err:
            return err.detail
    return None


def _helper(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(id=HELPER_PREFIX + name, ctx=ast.Load()), args=list(args), keywords=[])


def _tick() -> ast.stmt:
    return ast.Expr(value=_helper("tick"))


_BINOP_HELPERS = {ast.Pow: "pow", ast.Mult: "mul", ast.Add: "add", ast.LShift: "lshift", ast.Mod: "mod"}


class _Rewriter(ast.NodeTransformer):
    """Route risky operations through checked helpers and add budget ticks."""

    def __init__(self) -> None:
        self.needs_budget = False
        self._temps = 0

    def _budget(self) -> None:
        self.needs_budget = True

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        helper = _BINOP_HELPERS.get(type(node.op))
        if helper is None or _cheap_binop(node.op, node.left, node.right):
            return node
        return ast.copy_location(_helper(helper, node.left, node.right), node)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.stmt | list[ast.stmt]:
        self.generic_visit(node)
        helper = _BINOP_HELPERS.get(type(node.op))
        if helper is None or _cheap_binop(node.op, node.target, node.value):
            return node
        target = node.target
        setup: list[ast.stmt] = []
        if isinstance(target, ast.Subscript):
            obj, key = self._temp(target.value, setup), self._temp(target.slice, setup)
            store, load = (ast.Subscript(value=obj(), slice=key(), ctx=c) for c in (ast.Store(), ast.Load()))
        elif isinstance(target, ast.Attribute):
            obj = self._temp(target.value, setup)
            store, load = (ast.Attribute(value=obj(), attr=target.attr, ctx=c) for c in (ast.Store(), ast.Load()))
        else:
            store, load = target, ast.Name(id=target.id, ctx=ast.Load())
        assign = ast.Assign(targets=[store], value=_helper(helper, load, node.value))
        return [ast.copy_location(stmt, node) for stmt in [*setup, assign]]

    def _temp(self, value: ast.expr, setup: list[ast.stmt]) -> Callable[[], ast.Name]:
        self._temps += 1
        name = f"{HELPER_PREFIX}t{self._temps}"
        setup.append(ast.Assign(targets=[ast.Name(id=name, ctx=ast.Store())], value=value))
        return lambda: ast.Name(id=name, ctx=ast.Load())

    def visit_Call(self, node: ast.Call) -> ast.expr:
        """Checked methods go through a helper; other calls check the deadline first."""
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in CHECKED_METHODS:
            node.args = [func.value, ast.Constant(value=func.attr), *node.args]
            node.func = func = _helper("method").func
        if isinstance(func, ast.Name) and func.id in CHECKED_CALLS:
            node.func = _helper(func.id).func
            return node
        if not (isinstance(func, ast.Name) and func.id in CHEAP_CALLS):
            self._budget()
            node.func = _helper("clock", func)
        return node

    def _loop(self, node: ast.For | ast.While) -> ast.stmt:
        self.generic_visit(node)
        self._budget()
        node.body.insert(0, _tick())
        return node

    visit_For = _loop
    visit_While = _loop

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.stmt:
        self.generic_visit(node)
        self._budget()
        node.body.insert(0, _tick())
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.expr:
        self.generic_visit(node)
        self._budget()
        node.body = ast.BoolOp(op=ast.Or(), values=[_helper("tick"), node.body])
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.comprehension:
        self.generic_visit(node)
        self._budget()
        node.ifs.insert(0, ast.UnaryOp(op=ast.Not(), operand=_helper("tick")))
        return node

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.ExceptHandler:
        self.generic_visit(node)
        node.body.insert(0, ast.Expr(value=_helper("reraise")))
        return node

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.expr:
        self.generic_visit(node)
        if node.format_spec is None:
            return node
        call = _helper("format", node.value, ast.Constant(value=node.conversion), node.format_spec)
        return ast.copy_location(ast.FormattedValue(value=call, conversion=-1, format_spec=None), node)

    def visit_Starred(self, node: ast.Starred) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.ctx, ast.Load):
            node.value = _helper("sized", node.value)
        return node

    def visit_Assign(self, node: ast.Assign) -> ast.stmt:
        self.generic_visit(node)
        if any(isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Slice) for t in node.targets):
            node.value = _helper("sized", node.value)
        return node


def _cheap_binop(op: ast.operator, left: ast.expr, right: ast.expr) -> bool:
    """True when the operation cannot build a large value (keeps common code helper-free)."""
    if isinstance(op, ast.Mod):  # a constant format string was checked by _Checker
        return isinstance(left, ast.Constant)
    if isinstance(op, ast.Add):
        return _is_number(left) or _is_number(right)
    if isinstance(op, ast.Mult):
        return any(isinstance(side, ast.Constant) and type(side.value) is float for side in (left, right))
    if isinstance(op, ast.Pow) and _is_number(left) and _is_number(right):
        base, exp = abs(left.value), right.value  # type: ignore[attr-defined]
        return isinstance(exp, int | float) and base <= 2**64 and exp <= 64
    return False


def _is_number(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) in (int, float, complex)
