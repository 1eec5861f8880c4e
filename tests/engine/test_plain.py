"""``journal.plain``: what is hashed and stored is exactly what JSON gives back, and never shares a
container with the caller's value."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from decimal import Decimal
from enum import IntEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.journal import plain


def _through_json(value):
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


class Level(IntEnum):
    HIGH = 3


SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text() | \
    st.sampled_from([Level.HIGH, Decimal("1.50"), datetime(2026, 12, 6, tzinfo=UTC)])
KEYS = st.text() | st.integers() | st.booleans() | st.none()
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                      | st.dictionaries(KEYS, inner, max_size=4), max_leaves=25)


def _shares_a_container(a, b) -> bool:
    if isinstance(a, dict | list) and a is b:
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return any(_shares_a_container(a[k], b[k]) for k in a.keys() & b.keys())
    if isinstance(a, list | tuple) and isinstance(b, list):
        return any(_shares_a_container(x, y) for x, y in zip(a, b))
    return False


@given(VALUES)
def test_plain_is_the_json_round_trip(value):
    expected = _through_json(value)
    copied = plain(value)
    assert copied == expected
    assert json.dumps(copied, sort_keys=False) == json.dumps(expected, sort_keys=False)  # same types, same order
    assert not _shares_a_container(value, copied)


def test_special_floats_and_subclasses_come_back_as_json_gives_them():
    copied = plain({"nan": math.nan, "level": Level.HIGH, "when": (1, 2)})
    assert math.isnan(copied["nan"]) and type(copied["level"]) is int and copied["when"] == [1, 2]


def test_circular_values_are_refused_as_json_refuses_them():
    loop: list = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular"):
        plain({"loop": loop})
