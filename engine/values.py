"""Values from outside (start variables, a task's data, a message's correlation and variables, a
signal's variables) are plain, bounded JSON: the engine checks them at every command that takes them.

Refused, with the path of the bad value (``variables.items[2].name``):
- numbers that are not finite (``NaN``, ``Infinity``, ``1e999``) and integers beyond ±(2^63 - 1)
  (amounts in rials, bounded by ``crm.money.MAX_AMOUNT`` = 10^15, fit with room to spare);
- nesting deeper than ``MAX_DEPTH`` levels;
- text (strings and keys) holding NUL or a lone UTF-16 surrogate, which no database column can store;
  strings longer than ``MAX_TEXT`` characters, keys longer than ``MAX_KEY``;
- more than about ``MAX_SIZE`` characters of JSON in all (text counted exactly, numbers roughly).

The walk is iterative (no value, however deep, can exhaust the stack), dispatches on exact types first
(what JSON gives) and builds a value's path only when it refuses it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, TypeAlias

from engine.errors import InvalidValue

MAX_DEPTH = 32
MAX_TEXT = 100_000
MAX_KEY = 200
MAX_INTEGER = 2**63 - 1
MAX_SIZE = 1_000_000

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # a surrogate left in a str is a lone one
_SCALAR_SIZE = 8  # what a number, true, false or null adds to the size, roughly
Trail: TypeAlias = "tuple[Trail, str | int] | None"  # the keys and indexes from the top, innermost last


def text_problem(text: str, limit: int | None = MAX_TEXT) -> str | None:
    """Why ``text`` cannot be stored (NUL, a lone surrogate, too long), else None."""
    if limit is not None and len(text) > limit:
        return f"longer than {limit} characters"
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    return "holds a NUL character" if found.group() == "\x00" else "holds a lone UTF-16 surrogate"


def _bad_text(text: str, limit: int | None) -> bool:
    """``text_problem(text, limit) is not None``, fast for the usual short ASCII text."""
    return ((limit is not None and len(text) > limit) or "\x00" in text
            or (not text.isascii() and _has_surrogate(text)))


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")  # several times faster than a search for the surrogates' range
    except UnicodeEncodeError:
        return True
    return False


def number_problem(value: int | float) -> str | None:
    if isinstance(value, float):
        return None if math.isfinite(value) else "is not a finite number (NaN and Infinity are not JSON)"
    if isinstance(value, bool) or -MAX_INTEGER <= value <= MAX_INTEGER:
        return None
    return "is a number beyond ±(2^63 - 1)"


def check_text(text: str | None, path: str, limit: int | None = MAX_TEXT) -> None:
    """Raise ``InvalidValue`` if ``text`` (a name, a business key) cannot be stored."""
    if text is not None:
        problem = text_problem(text, limit) if isinstance(text, str) else "must be text"
        if problem:
            raise InvalidValue(path, problem)


def check_plain(value: Any, path: str = "variables", *, max_size: int | None = MAX_SIZE,
                max_text: int | None = MAX_TEXT, max_depth: int = MAX_DEPTH) -> None:
    """Raise ``InvalidValue`` naming a value under ``path`` that is not plain, bounded JSON.
    ``max_size``/``max_text`` None: no bound on the total size / on a string's length (the HTTP body
    check, where the request's size is bounded already and each field's schema bounds its text)."""
    walk = _Walk(path, max_text, max_depth)
    stack: list[tuple[Any, int, Trail]] = [(value, 0, None)]
    while stack:
        item, depth, trail = stack.pop()
        walk.size += walk.one(item, depth, trail, stack)
        if max_size is not None and walk.size > max_size:
            raise InvalidValue(path, f"is larger than {max_size} characters of JSON")


class _Walk:
    def __init__(self, path: str, max_text: int | None, max_depth: int) -> None:
        self.path, self.max_text, self.max_depth, self.size = path, max_text, max_depth, 0

    def one(self, item: Any, depth: int, trail: Trail, stack: list[tuple[Any, int, Trail]]) -> int:
        """Check one value and push its children; the characters it adds to the JSON text."""
        kind = type(item)
        if item is None or kind is bool:
            return _SCALAR_SIZE
        if kind is str:
            if _bad_text(item, self.max_text):
                self.refuse(trail, text_problem(item, self.max_text) or "")
            return len(item) + 2
        if kind is int or kind is float:
            if (kind is float and not math.isfinite(item)) or (kind is int and not -MAX_INTEGER <= item <= MAX_INTEGER):
                self.refuse(trail, number_problem(item) or "")
            return _SCALAR_SIZE
        if kind is dict or kind is list:
            return self.container(item, depth, trail, stack)
        return self.other(item, depth, trail, stack)

    def container(self, item: dict | list, depth: int, trail: Trail, stack: list[tuple[Any, int, Trail]]) -> int:
        if depth >= self.max_depth:
            self.refuse(trail, f"is nested deeper than {self.max_depth} levels")
        if type(item) is list:
            stack.extend((child, depth + 1, (trail, index)) for index, child in enumerate(item))
            return 2 + len(item)
        size = 2
        for key, child in item.items():
            if type(key) is not str:
                self.refuse(trail, "has a key that is not text")
            if _bad_text(key, MAX_KEY):
                self.refuse((trail, _Shown(f"[{key[:40]!a}]")), f"key {text_problem(key, MAX_KEY)}")
            stack.append((child, depth + 1, (trail, key)))
            size += len(key) + 4
        return size

    def other(self, item: Any, depth: int, trail: Trail, stack: list[tuple[Any, int, Trail]]) -> int:
        """Subclasses of JSON's types, tuples, and what is not JSON (a date, a decimal from a Python caller:
        stored as its text)."""
        if isinstance(item, str):
            return self.one(str(item), depth, trail, stack)
        if isinstance(item, int | float):
            return self.one(float(item) if isinstance(item, float) else int(item), depth, trail, stack)
        if isinstance(item, Mapping):
            return self.container(dict(item), depth, trail, stack)
        if isinstance(item, list | tuple):
            return self.container(list(item), depth, trail, stack)
        return self.one(str(item), depth, trail, stack)

    def refuse(self, trail: Trail, problem: str) -> None:
        raise InvalidValue(_render(self.path, trail), problem)


class _Shown(str):
    """A refused key as the path shows it (escaped, in brackets)."""

    __slots__ = ()


def _render(path: str, trail: Trail) -> str:
    """``variables`` + ((None, "items"), 2) → ``variables.items[2]``."""
    steps: list[str | int] = []
    while trail is not None:
        trail, step = trail
        steps.append(step)
    for step in reversed(steps):
        if isinstance(step, int):
            path += f"[{step}]"
        elif isinstance(step, _Shown):
            path += step
        else:
            path = f"{path}.{step}" if path else step
    return path
