"""Strict JSON in and out of the API.

In: every JSON request body is read once before its route, whatever the route's schema parses:
bytes that are not JSON (bad syntax, bad UTF-8, nesting too deep to parse) answer 400; JSON holding
values ``engine.values`` refuses (``NaN``, ``Infinity``, ``1e999``, integers past ±(2^63 - 1), NUL or lone surrogates in
text, a body nested deeper than ``BODY_DEPTH`` levels) answers 422 with the path of the value.
Neither depth nor the number of digits can raise anything but these answers.

Out: responses are strict JSON. A value stored before these checks (``NaN``, ``Infinity``, nesting
deeper than ``BODY_DEPTH``) goes out as ``null``, so every client's ``JSON.parse`` reads the page.
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask import Response, g, has_request_context, request
from flask.json.provider import DefaultJSONProvider

from api.errors import problem
from engine.values import MAX_DEPTH, MAX_INTEGER, check_plain

BODY_DEPTH = 2 * MAX_DEPTH  # a body's own levels around the values; the engine bounds the values themselves
_DIGITS = 40  # more digits than this cannot be within the bound: not even converted
_TOO_LARGE = MAX_INTEGER + 1
_READ = "ravand_json_body"  # (the body's bytes, their value), kept on ``g`` for the route's own parse


class BadJson(ValueError):
    """The bytes are not JSON."""


def _integer(text: str) -> int:
    return int(text) if len(text) <= _DIGITS else _TOO_LARGE


def loads(raw: str | bytes) -> Any:
    """Parse JSON text or bytes (UTF-8, -16 or -32) and check its values; ``BadJson`` (400) if it is not
    JSON, ``InvalidValue`` (422) if a value is not plain, bounded JSON."""
    try:
        value = json.loads(raw, parse_constant=float, parse_int=_integer)
    except RecursionError:  # past the parser's own depth: well formed or not, it cannot be read
        raise BadJson(f"the body is nested too deeply to be read (at most {BODY_DEPTH} levels)") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        raise BadJson(f"the body is not valid JSON: {_reason(exc)}") from None
    check_plain(value, "", max_size=None, max_text=None, max_depth=BODY_DEPTH)
    return value


def _reason(exc: ValueError) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text ({exc.reason} at byte {exc.start})"
    return str(exc)[:200]


def finite(value: Any, max_depth: int = BODY_DEPTH) -> Any:
    """A copy of ``value`` with NaN and infinities as None, and containers deeper than ``max_depth`` as
    None (what came in before they were refused); iterative, so any depth can be copied."""
    holder = [value]
    stack: list[tuple[Any, Any, Any, int]] = [(holder, 0, value, 0)]
    while stack:
        parent, key, item, depth = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            parent[key] = None
        elif isinstance(item, dict | list | tuple):
            if depth > max_depth:
                parent[key] = None
                continue
            copy: Any = dict(item) if isinstance(item, dict) else list(item)
            parent[key] = copy
            members = copy.items() if isinstance(copy, dict) else enumerate(copy)
            stack.extend((copy, k, v, depth + 1) for k, v in list(members))
    return holder[0]


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON with ``loads`` as above and ``dumps`` that never writes NaN or Infinity."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("allow_nan", False)
        try:
            return super().dumps(obj, **kwargs)
        except (ValueError, RecursionError):  # NaN or nesting stored before the checks: rare, so copy only then
            return super().dumps(finite(obj), **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if has_request_context():  # the body ``check_json_body`` read already: not parsed a second time
            read = g.get(_READ)
            if read is not None and read[0] is s:
                return read[1]
        return loads(s)


def check_json_body() -> Response | None:
    """``before_request``: read a JSON body as ``loads`` does (the routes' parser then finds it valid)."""
    if not request.is_json:
        return None
    raw = request.get_data(cache=True)
    if not raw.strip():
        return None
    try:
        g.setdefault(_READ, (raw, loads(raw)))
    except BadJson as exc:
        return problem(400, "Bad Request", str(exc))
    return None
