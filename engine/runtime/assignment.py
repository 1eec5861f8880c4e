"""Resolving a user task's assignment attributes (literal or ``${expression}``) against its data."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from engine import sandbox
from engine.clock import as_utc
from engine.definitions.dialect import expression_body, split_names
from engine.errors import ScriptError
from engine.expressions import to_python
from engine.spiff import iso


def resolve(raw: str | None, data: Mapping[str, Any], box: sandbox.Sandbox = sandbox.DEFAULT) -> Any:
    """The value of an attribute: literal text, or the result of its expression (evaluated in ``box``)."""
    if raw is None:
        return None
    body = expression_body(raw)
    return raw if body is None else sandbox.compile_expression(to_python(body)).evaluate(data, box)


def resolve_names(raw: str | None, data: Mapping[str, Any], box: sandbox.Sandbox = sandbox.DEFAULT) -> list[str]:
    value = resolve(raw, data, box)
    if value is None:
        return []
    if isinstance(value, str):
        return split_names(value)
    if isinstance(value, list | tuple | set):
        return [str(v).strip() for v in value if str(v).strip()]
    raise ScriptError(f"expected a name or a list of names, got {type(value).__name__}")


def resolve_due(raw: str | None, data: Mapping[str, Any], now: datetime,
                box: sandbox.Sandbox = sandbox.DEFAULT) -> datetime | None:
    """A date (ISO 8601), a duration from now (``P2D``, ``PT4H``), or an expression giving either."""
    value = resolve(raw, data, box)
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, timedelta):
        return now + value
    text = str(value).strip()
    try:
        if text.upper().startswith(("P", "+P")):
            duration = iso.duration_parts(text.lstrip("+"))
            return now + iso.duration_after(duration, now)
        return as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except (ValueError, TypeError) as exc:
        raise ScriptError(f"{text!r} is neither an ISO 8601 date nor a duration") from exc


def resolve_priority(raw: str | None, data: Mapping[str, Any], box: sandbox.Sandbox = sandbox.DEFAULT) -> int:
    value = resolve(raw, data, box)
    if value is None or value == "":
        return 50
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ScriptError(f"priority {value!r} is not a whole number") from exc
