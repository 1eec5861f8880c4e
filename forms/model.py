"""The component model: what a form-js form means for the data a user submits.

A form becomes a tree of data nodes.  ``ObjectNode`` is a JSON object (the form itself, a group
with a ``path``, an intermediate segment of a dotted key); ``ListNode`` is a dynamic list of
objects; ``FieldSpec`` is one keyed field.  Groups without a ``path`` and display-only
components leave no trace in the tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# What a field's value is, whatever component drew it.
TEXT = "text"  # textfield, textarea
NUMBER = "number"  # number
BOOLEAN = "boolean"  # checkbox
CHOICE = "choice"  # radio, select: one value
MULTI_CHOICE = "multi"  # checklist, taglist: a list of values
DATE = "date"  # datetime, subtype date
TIME = "time"  # datetime, subtype time
DATETIME = "datetime"  # datetime, subtype datetime
ANY_JSON = "any"  # expression: computed in the browser, any JSON value

NO_DEFAULT: Any = object()


@dataclass(frozen=True)
class Rules:
    """The ``validate`` block (and the number attributes) of one component, already checked."""

    min_length: int | None = None
    max_length: int | None = None
    pattern: re.Pattern[str] | None = None
    pattern_source: str | None = None
    validation_type: str | None = None  # "email" | "phone" | None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    decimal_digits: int | None = None
    increment: Decimal | None = None
    serialize_to_string: bool = False


@dataclass(frozen=True)
class FieldSpec:
    """One keyed field.  ``options`` is None when the options are dynamic (valuesKey/valuesExpression)."""

    name: str  # the last segment of its key
    full_path: str  # dotted path from the form's root (list items without index)
    kind: str
    component_type: str
    required: bool = False
    ignored: bool = False  # readonly/disabled: a submitted value is dropped
    default: Any = NO_DEFAULT
    rules: Rules = field(default_factory=Rules)
    options: tuple[Any, ...] | None = None


@dataclass
class ObjectNode:
    """A JSON object: children by name, in form order."""

    full_path: str = ""
    children: dict[str, FieldSpec | ObjectNode | ListNode] = field(default_factory=dict)


@dataclass
class ListNode:
    """A dynamic list: every item is an object shaped by ``item``."""

    full_path: str
    item: ObjectNode
