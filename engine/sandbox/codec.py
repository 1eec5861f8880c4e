"""The JSON wire format between the engine and its script worker processes (never pickle).

Plain JSON values travel as themselves. A few other types travel as one-key objects:
``{"$date": "2024-01-31"}``, ``{"$datetime": "2024-01-31T10:00:00+00:00"}``,
``{"$timedelta": [days, seconds, microseconds]}``, ``{"$decimal": "12.50"}``. A dict that
itself has exactly one key starting with ``$`` travels as ``{"$dict": [[key, value], ...]}``.
Tuples become lists.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_DECIMAL_EXPONENT = 999_999  # the default decimal context's Emax


class UnsupportedValue(ValueError):
    """A value that the wire format cannot carry; ``path`` says where it is."""

    def __init__(self, path: str, type_name: str) -> None:
        super().__init__(f"{path}: values of type {type_name} are not supported")
        self.path = path
        self.type_name = type_name


_PLAIN = (str, int, float, bool, type(None))


def encode(value: Any, path: str = "") -> Any:
    """Turn ``value`` into plain JSON data, tagging dates, times and decimals."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, dict):
        return _encode_dict(value, path)
    if isinstance(value, list | tuple):
        return [encode(item, f"{path}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$timedelta": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    raise UnsupportedValue(path, type(value).__name__)


def _encode_dict(value: dict, path: str) -> Any:
    for key in value:
        if not isinstance(key, str):
            raise UnsupportedValue(f"{path}[{key!r}]", f"{type(key).__name__} (as a dictionary key)")
    items = {key: encode(item, f"{path}.{key}" if path else key) for key, item in value.items()}
    if len(items) == 1 and next(iter(items)).startswith("$"):
        return {"$dict": [[key, item] for key, item in items.items()]}
    return items


def _decode_decimal(text: Any) -> Decimal:
    number = Decimal(_text(text))
    if number.is_finite() and abs(number.adjusted()) > MAX_DECIMAL_EXPONENT:
        raise ValueError("decimal exponent out of range")
    return number


def _decode_timedelta(parts: Any) -> timedelta:
    if not (isinstance(parts, list) and len(parts) == 3 and all(type(p) is int for p in parts)):
        raise ValueError("malformed timedelta")
    return timedelta(days=parts[0], seconds=parts[1], microseconds=parts[2])


def _decode_dict(pairs: Any) -> dict:
    if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 for p in pairs):
        raise ValueError("malformed $dict")
    return {_text(key): item for key, item in pairs}


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "$date": lambda text: date.fromisoformat(_text(text)),
    "$datetime": lambda text: datetime.fromisoformat(_text(text)),
    "$timedelta": _decode_timedelta,
    "$decimal": _decode_decimal,
    "$dict": _decode_dict,
}


def _decode_object(obj: dict) -> Any:
    if len(obj) == 1:
        key = next(iter(obj))
        decoder = _DECODERS.get(key)
        if decoder is not None:
            return decoder(obj[key])
    return obj


def to_line(message: Any) -> bytes:
    """One line of ASCII JSON (no newline inside) for an already :func:`encode`-d message."""
    return json.dumps(message, separators=(",", ":")).encode("ascii") + b"\n"


def loads(data: bytes) -> Any:
    """Parse one line written by :func:`to_line`, decoding tagged values; ValueError if malformed."""
    try:
        return json.loads(data.decode("utf-8"), object_hook=_decode_object)
    except (RecursionError, InvalidOperation, OverflowError, TypeError) as err:
        raise ValueError(f"malformed message: {err}") from None
