"""The component model: what a form-js form means for the data a user submits.

A form becomes a tree of data nodes.  ``ObjectNode`` is a JSON object (the form itself, a group
with a ``path``, an intermediate segment of a dotted key); ``ListNode`` is a dynamic list of
objects; ``FieldSpec`` is one keyed field.  Groups without a ``path`` and display-only
components leave no trace in the tree, except that their ``conditional.hide`` expressions are
copied onto the fields and lists below them (``hide``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from forms.feel import Expression

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


class _Hidden:
    def __repr__(self) -> str:
        return "HIDDEN"


HIDDEN: Any = _Hidden()  # put in place of the value of a field or list hidden by its conditions


class PrunedObject(dict):
    """An object of submitted data emptied by hiding (or filled in to mark hidden values inside it):
    left out of the result if nothing is left in it."""


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
    required: bool = False  # when shown: a field with ``hide`` is required only while not hidden
    ignored: bool = False  # readonly/disabled: a submitted value is dropped
    default: Any = NO_DEFAULT
    rules: Rules = field(default_factory=Rules)
    options: tuple[Any, ...] | None = None
    # conditional.hide of the component and of its containers up to the nearest dynamic list:
    # the field is hidden (its value dropped, nothing required) when one of them is true
    hide: tuple[Expression, ...] = ()


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
    hide: tuple[Expression, ...] = ()  # the list's own conditions and its containers', as for a field


def needs_object(node: ObjectNode) -> bool:
    """True if an absent object would hide a required field or a default value."""
    for child in node.children.values():
        if isinstance(child, FieldSpec):
            if not child.ignored and (child.required or child.default is not NO_DEFAULT):
                return True
        elif isinstance(child, ObjectNode) and needs_object(child):
            return True
    return False
