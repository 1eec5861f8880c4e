"""A small, safe FEEL evaluator for the ``conditional.hide`` expressions of form-js components.

No ``eval``/``exec`` and no external package: a tokenizer, a recursive-descent parser into a
tree of immutable nodes, and an evaluator over plain JSON values.  ``parse`` raises ``FeelError``
for anything outside the subset; ``evaluate`` never raises.

The subset (the leading ``=`` of a form-js expression is stripped):

- literals: ``"text"`` (escapes ``\\" \\\\ \\/ \\' \\n \\r \\t \\b \\f \\uXXXX``), numbers (``12``,
  ``-3``, ``1.5``, ``.5``), ``true``, ``false``, ``null``; list literals ``[a, b]``;
- names (a letter or ``_`` then letters, digits, ``_``) and paths ``a.b.c``;
- comparisons ``= != < <= > >=`` (one per operand pair: ``a = b = c`` is refused);
- ``and``, ``or``, ``not(...)``, parentheses;
- ``x in [a, b]`` / ``x in (a, b)`` (one of), ``x in [1..10]`` with ``[ ] ( )`` ends (``]1..10[``
  works too), ``x in name`` (a list value: one of it; any other value: equal to it).

Semantics, FEEL's three-valued logic (``null`` is Python's None):

- a missing name, or a path through something that is not an object, is null;
- ``=``: null = null is true, null = anything else is false; numbers compare by value (1 = 1.0);
  two values of different kinds (number, string, boolean, list, context) are not comparable and
  give null; lists and contexts compare item by item;
- ``!=`` is the negation of ``=`` (null stays null), so null != "x" is true;
- ``< <= > >=`` compare two numbers or two strings; anything else (null included) gives null;
- ``and``/``or``: false and null = false, true or null = true, otherwise a null or non-boolean
  operand makes the result null; ``not(true)`` = false, ``not(false)`` = true, else null.

A component is hidden only when its expression evaluates to exactly true (as in form-js); false
or null shows it.  Everything else (arithmetic, function calls such as ``is defined(x)``,
``if``/``then``, ``between``, ``some``/``every``, filters ``a[1]``, names with spaces, dates) is
refused by ``parse``.  The form loader is lenient about a refused expression: it does not reject
the form but keeps the component "maybe hidden" (optional, checked only when a value is sent)
and lists it in ``Form.unevaluated_conditions``, so that deploy checks can warn about it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

MAX_LENGTH = 4_000  # characters in one expression
MAX_DEPTH = 50  # nested parentheses / lists / not(...)
MAX_OPERATORS = 200  # and / or in one expression (each one is a level of evaluation)

KEYWORDS = frozenset({"true", "false", "null", "and", "or", "not", "in"})
_TOKEN = re.compile(
    r"""(?P<ws>\s+)
      | (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<number>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)
      | (?P<op>!=|<=|>=|\.\.|[=<>()\[\],.-])
      | (?P<name>[^\W\d]\w*)""",
    re.VERBOSE,
)
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "'": "'", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
_COMPARE = frozenset({"=", "!=", "<", "<=", ">", ">="})
_OPENERS = {"[": True, "(": False, "]": False}  # bracket -> is the range end included
_CLOSERS = {"]": True, ")": False, "[": False}


class FeelError(ValueError):
    """An expression outside the supported FEEL subset, or not valid FEEL at all."""


# --- values ----------------------------------------------------------------------------------------


def kind(value: Any) -> str:
    """The FEEL kind of a JSON-ish value: null, boolean, number, string, list, context or other."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float | Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "context"
    if isinstance(value, list | tuple):
        return "list"
    return "other"


def equal(left: Any, right: Any) -> bool | None:
    """FEEL ``=``: True, False, or None when the two values cannot be compared."""
    left_kind, right_kind = kind(left), kind(right)
    if left_kind == "null" or right_kind == "null":
        return left_kind == right_kind
    if left_kind != right_kind or left_kind == "other":
        return None
    if left_kind == "list":
        if len(left) != len(right):
            return False
        return _all(equal(a, b) for a, b in zip(left, right))
    if left_kind == "context":
        if set(left) != set(right):
            return False
        return _all(equal(left[key], right[key]) for key in left)
    return bool(left == right)


def _all(results: Any) -> bool | None:
    seen_null = False
    for result in results:
        if result is False:
            return False
        seen_null = seen_null or result is None
    return None if seen_null else True


def _order(op: str, left: Any, right: Any) -> bool | None:
    left_kind = kind(left)
    if left_kind not in ("number", "string") or left_kind != kind(right):
        return None
    if op == "<":
        return bool(left < right)
    if op == "<=":
        return bool(left <= right)
    if op == ">":
        return bool(left > right)
    return bool(left >= right)


def _truth(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def both(left: Any, right: Any) -> bool | None:
    """FEEL ``and``: false wins; a null or non-boolean operand otherwise makes it null."""
    left, right = _truth(left), _truth(right)
    if left is False or right is False:
        return False
    return True if left is True and right is True else None


def either(left: Any, right: Any) -> bool | None:
    """FEEL ``or``: true wins; a null or non-boolean operand otherwise makes it null."""
    left, right = _truth(left), _truth(right)
    if left is True or right is True:
        return True
    return False if left is False and right is False else None


# --- nodes ---------------------------------------------------------------------------------------


class Node:
    def eval(self, names: Mapping[str, Any]) -> Any:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError


@dataclass(frozen=True)
class Literal(Node):
    value: Any

    def eval(self, names: Mapping[str, Any]) -> Any:
        return self.value


@dataclass(frozen=True)
class Name(Node):
    name: str

    def eval(self, names: Mapping[str, Any]) -> Any:
        return names.get(self.name)


@dataclass(frozen=True)
class Path(Node):
    target: Node
    name: str

    def eval(self, names: Mapping[str, Any]) -> Any:
        target = self.target.eval(names)
        return target.get(self.name) if isinstance(target, Mapping) else None


@dataclass(frozen=True)
class ListOf(Node):
    items: tuple[Node, ...]

    def eval(self, names: Mapping[str, Any]) -> Any:
        return [item.eval(names) for item in self.items]


@dataclass(frozen=True)
class Compare(Node):
    op: str
    left: Node
    right: Node

    def eval(self, names: Mapping[str, Any]) -> Any:
        left, right = self.left.eval(names), self.right.eval(names)
        if self.op == "=":
            return equal(left, right)
        if self.op == "!=":
            same = equal(left, right)
            return None if same is None else not same
        return _order(self.op, left, right)


@dataclass(frozen=True)
class And(Node):
    left: Node
    right: Node

    def eval(self, names: Mapping[str, Any]) -> Any:
        return both(self.left.eval(names), self.right.eval(names))


@dataclass(frozen=True)
class Or(Node):
    left: Node
    right: Node

    def eval(self, names: Mapping[str, Any]) -> Any:
        return either(self.left.eval(names), self.right.eval(names))


@dataclass(frozen=True)
class Not(Node):
    operand: Node

    def eval(self, names: Mapping[str, Any]) -> Any:
        value = _truth(self.operand.eval(names))
        return None if value is None else not value


@dataclass(frozen=True)
class InList(Node):
    """``x in [a, b]`` / ``x in (a, b)``: x equals one of the items."""

    subject: Node
    items: tuple[Node, ...]

    def eval(self, names: Mapping[str, Any]) -> Any:
        value = self.subject.eval(names)
        return _any(equal(value, item.eval(names)) for item in self.items)


@dataclass(frozen=True)
class InValue(Node):
    """``x in y``: one of y's items when y is a list, else x = y."""

    subject: Node
    target: Node

    def eval(self, names: Mapping[str, Any]) -> Any:
        value, target = self.subject.eval(names), self.target.eval(names)
        if kind(target) == "list":
            return _any(equal(value, item) for item in target)
        return equal(value, target)


@dataclass(frozen=True)
class InRange(Node):
    """``x in [low..high]`` with either end included or not."""

    subject: Node
    low: Node
    high: Node
    low_included: bool
    high_included: bool

    def eval(self, names: Mapping[str, Any]) -> Any:
        value = self.subject.eval(names)
        above = _order(">=" if self.low_included else ">", value, self.low.eval(names))
        below = _order("<=" if self.high_included else "<", value, self.high.eval(names))
        return both(above, below)


def _any(results: Any) -> bool | None:
    seen_null = False
    for result in results:
        if result is True:
            return True
        seen_null = seen_null or result is None
    return None if seen_null else False


# --- parsing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expression:
    """A parsed expression: ``source`` as written, ``names`` the top-level names it reads."""

    source: str
    node: Node
    names: frozenset[str]


def parse(source: str) -> Expression:
    """Parse a FEEL expression of the subset (a leading ``=`` is allowed); raises ``FeelError``."""
    if not isinstance(source, str):
        raise FeelError("not a string")
    if len(source) > MAX_LENGTH:
        raise FeelError(f"longer than {MAX_LENGTH} characters")
    text = source.strip()
    text = text[1:] if text.startswith("=") else text
    parser = _Parser(_tokenize(text))
    try:
        node = parser.expression()
    except RecursionError:
        raise FeelError("nested too deeply") from None
    parser.expect_end()
    return Expression(source, node, frozenset(parser.names))


def evaluate(expression: Expression, names: Mapping[str, Any]) -> Any:
    """The value of ``expression`` with ``names`` bound (a missing name is null); never raises."""
    try:
        return expression.node.eval(names)
    except (RecursionError, TypeError, ValueError, ArithmeticError):
        return None  # a pathological value (very deep data, odd types from a caller): no answer


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens: list[tuple[str, str, int]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise FeelError(f"unexpected character {text[position]!r} at {position}")
        group = match.lastgroup or ""
        if group != "ws":
            tokens.append((group, match.group(), position))
        position = match.end()
    tokens.append(("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str, int]]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0
        self.operators = 0
        self.names: set[str] = set()

    # token helpers

    def peek(self, offset: int = 0) -> tuple[str, str, int]:
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def at(self, text: str, offset: int = 0) -> bool:
        group, value, _ = self.peek(offset)
        return value == text and group in ("op", "name")

    def take(self) -> tuple[str, str, int]:
        token = self.peek()
        self.index += 1
        return token

    def expect(self, text: str) -> None:
        if not self.at(text):
            raise self.error(f"expected {text!r}")
        self.index += 1

    def expect_end(self) -> None:
        if self.peek()[0] != "end":
            raise self.error("unexpected")

    def error(self, message: str) -> FeelError:
        group, value, position = self.peek()
        found = "the end of the expression" if group == "end" else repr(value)
        return FeelError(f"{message}: {found} at {position}")

    def operator(self) -> None:
        self.operators += 1
        if self.operators > MAX_OPERATORS:
            raise self.error(f"more than {MAX_OPERATORS} 'and'/'or'")
        self.take()

    def nested(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FeelError(f"nested more than {MAX_DEPTH} deep")

    # grammar

    def expression(self) -> Node:
        node = self.conjunction()
        while self.at("or"):
            self.operator()
            node = Or(node, self.conjunction())
        return node

    def conjunction(self) -> Node:
        node = self.comparison()
        while self.at("and"):
            self.operator()
            node = And(node, self.comparison())
        return node

    def comparison(self) -> Node:
        left = self.path()
        group, value, _ = self.peek()
        if group == "op" and value in _COMPARE:
            self.take()
            node: Node = Compare(value, left, self.path())
        elif self.at("in"):
            self.take()
            node = self.in_test(left)
        else:
            return left
        group, value, _ = self.peek()
        if (group == "op" and value in _COMPARE) or self.at("in"):
            raise self.error("chained comparisons are not supported (use 'and')")
        return node

    def in_test(self, subject: Node) -> Node:
        opener = self.peek()[1] if self.peek()[0] == "op" else ""
        if opener not in _OPENERS:
            return InValue(subject, self.path())
        self.take()
        self.nested()
        if opener == "[" and self.at("]"):
            self.take()
            self.depth -= 1
            return InList(subject, ())
        first = self.expression()
        if self.at(".."):
            self.take()
            high = self.expression()
            closer = self.take()
            if closer[0] != "op" or closer[1] not in _CLOSERS:
                self.index -= 1
                raise self.error("expected the end of a range (']', ')' or '[')")
            self.depth -= 1
            return InRange(subject, first, high, _OPENERS[opener], _CLOSERS[closer[1]])
        if opener == "]":
            raise self.error("expected '..'")
        items = [first, *self.rest_of_list("]" if opener == "[" else ")")]
        self.depth -= 1
        return InList(subject, tuple(items))

    def rest_of_list(self, closer: str) -> list[Node]:
        items: list[Node] = []
        while self.at(","):
            self.take()
            items.append(self.expression())
        self.expect(closer)
        return items

    def path(self) -> Node:
        node = self.primary()
        while self.at("."):
            self.take()
            group, value, _ = self.peek()
            if group != "name" or value in KEYWORDS:
                raise self.error("expected a name after '.'")
            self.take()
            node = Path(node, value)
        return node

    def primary(self) -> Node:
        group, value, _ = self.peek()
        if group == "string":
            self.take()
            return Literal(_string(value))
        if group == "number":
            self.take()
            return Literal(_number(value))
        if value == "-" and self.peek(1)[0] == "number":
            self.take()
            return Literal(-_number(self.take()[1]))
        if group == "op" and value == "(":
            return self.parenthesised()
        if group == "op" and value == "[":
            return self.list_literal()
        if group == "name":
            return self.name()
        raise self.error("expected a value or a name")

    def parenthesised(self) -> Node:
        self.take()
        self.nested()
        node = self.expression()
        self.expect(")")
        self.depth -= 1
        return node

    def list_literal(self) -> Node:
        self.take()
        self.nested()
        if self.at("]"):
            self.take()
            items: list[Node] = []
        else:
            items = [self.expression(), *self.rest_of_list("]")]
        self.depth -= 1
        return ListOf(tuple(items))

    def name(self) -> Node:
        _, value, _ = self.take()
        literals = {"true": True, "false": False, "null": None}
        if value in literals:
            return Literal(literals[value])
        if value == "not":
            if not self.at("("):
                raise self.error("expected '(' after 'not'")
            return Not(self.parenthesised())
        if value in KEYWORDS:
            self.index -= 1
            raise self.error("expected a value or a name")
        if self.at("("):
            raise self.error(f"function calls such as {value}(...) are not supported")
        if self.peek()[0] == "name" and self.peek()[1] not in KEYWORDS:
            raise self.error(f"a name after {value!r} (names with spaces, 'between'...) is not supported")
        self.names.add(value)
        return Name(value)


def _string(token: str) -> str:
    body, out, index = token[1:-1], [], 0
    while index < len(body):
        char = body[index]
        if char != "\\":
            out.append(char)
            index += 1
            continue
        escape = body[index + 1]
        if escape in _ESCAPES:
            out.append(_ESCAPES[escape])
            index += 2
        elif escape == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", body[index + 2 : index + 6]):
            out.append(chr(int(body[index + 2 : index + 6], 16)))
            index += 6
        else:
            raise FeelError(f"unknown escape \\{escape} in string {token[:50]!r}")
    return "".join(out)


def _number(token: str) -> int | float:
    return float(token) if "." in token else int(token)
