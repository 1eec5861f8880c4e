"""Values from outside (start variables, a task's data, a message's correlation and variables, a
signal's variables) are plain, bounded JSON: the engine checks them at every command that takes them.

Refused, with the path of the bad value (``variables.items[2].name``):
- numbers that are not finite (``NaN``, ``Infinity``, ``1e999``) and integers beyond ±(2^63 - 1)
  (amounts in rials, bounded by ``crm.money.MAX_AMOUNT`` = 10^15, fit with room to spare);
- nesting deeper than ``MAX_DEPTH`` levels;
- text (strings and keys) holding NUL or a lone UTF-16 surrogate, which no database column can store;
  strings longer than ``MAX_TEXT`` characters, keys longer than ``MAX_KEY``;
- more than ``MAX_SIZE`` characters of JSON in all.

The walk is iterative: no value, however deep, can exhaust the stack.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from engine.errors import InvalidValue

MAX_DEPTH = 32
MAX_TEXT = 100_000
MAX_KEY = 200
MAX_INTEGER = 2**63 - 1
MAX_SIZE = 1_000_000

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # a surrogate left in a str is a lone one


def text_problem(text: str, limit: int | None = MAX_TEXT) -> str | None:
    """Why ``text`` cannot be stored (NUL, a lone surrogate, too long), else None."""
    if limit is not None and len(text) > limit:
        return f"longer than {limit} characters"
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    return "holds a NUL character" if found.group() == "\x00" else "holds a lone UTF-16 surrogate"


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
    size = 0
    stack: list[tuple[Any, str, int]] = [(value, path, 0)]
    while stack:
        item, where, depth = stack.pop()
        size += _check_one(item, where, depth, stack, max_text, max_depth)
        if max_size is not None and size > max_size:
            raise InvalidValue(path, f"is larger than {max_size} characters of JSON")


def _check_one(item: Any, where: str, depth: int, stack: list[tuple[Any, str, int]], max_text: int | None,
               max_depth: int) -> int:
    """Check one value, push its children; the characters it adds to the JSON text."""
    if item is None or isinstance(item, bool):
        return 5
    if isinstance(item, str):
        _raise_if(text_problem(item, max_text), where)
        return len(item) + 2
    if isinstance(item, int | float):
        _raise_if(number_problem(item), where)
        return len(repr(item))
    if isinstance(item, Mapping | list | tuple):
        if depth >= max_depth:
            raise InvalidValue(where, f"is nested deeper than {max_depth} levels")
        if isinstance(item, Mapping):
            return 2 + _push_members(item, where, depth, stack)
        stack.extend((child, f"{where}[{index}]", depth + 1) for index, child in enumerate(item))
        return 2 + len(item)
    # not JSON (a date, a decimal from a Python caller): stored as its text
    return _check_one(str(item), where, depth, stack, max_text, max_depth)


def _push_members(item: Mapping[Any, Any], where: str, depth: int, stack: list[tuple[Any, str, int]]) -> int:
    """Check the keys and push the values; the characters the keys add (quotes, colon, comma)."""
    size = 0
    for key, child in item.items():
        if not isinstance(key, str):
            raise InvalidValue(where, "has a key that is not text")
        problem = text_problem(key, MAX_KEY)
        if problem:
            raise InvalidValue(f"{where}[{key[:40]!a}]", f"key {problem}")
        stack.append((child, f"{where}.{key}" if where else key, depth + 1))
        size += len(key) + 4
    return size


def _raise_if(problem: str | None, where: str) -> None:
    if problem:
        raise InvalidValue(where, problem)
