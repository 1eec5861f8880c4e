"""``conditional.hide``: read from a component at load time, applied to submitted data.

At load time ``read_hide`` turns a component's ``conditional.hide`` into nothing (never hidden),
a parsed FEEL expression (see ``forms.feel`` for the subset), or a problem: an expression outside
the subset, a string without the leading ``=``, a non-string value.  A component with a problem
keeps the old, lenient meaning "maybe hidden": it is optional and checked only when a value is
sent; the loader lists it in ``Form.unevaluated_conditions``.

At validation time ``mark_hidden`` walks the form's tree alongside the submitted data and puts
``HIDDEN`` in place of the value of every field and dynamic list hidden by its conditions; the
schema drops those (form-js does not submit hidden fields) and requires nothing of them, while a
shown field is checked in full (required, lengths, pattern, min/max...).

The expressions see what form-js gives them: the submitted data over the caller's context (the
process variables), values as submitted (not yet cleaned), plus ``this`` (the current object:
the data itself, or the item inside a dynamic list), ``parent`` (the enclosing one) and ``i``
(the 1-based indexes of the enclosing list items); ``_this_``, ``_parent_`` and ``_i_`` too.
Conditions read the data as submitted, before any value is dropped.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from forms import feel
from forms.fieldtypes import MAX_ITEMS
from forms.model import HIDDEN, FieldSpec, ListNode, ObjectNode, PrunedObject, needs_object

_ABSENT: Any = object()


@dataclass(frozen=True)
class Hide:
    """A component's ``conditional.hide``: an ``expression``, or the ``problem`` that stops it."""

    expression: feel.Expression | None = None
    problem: str | None = None


def read_hide(comp: dict[str, Any]) -> Hide | None:
    """The component's hide condition; None when it is never hidden."""
    conditional = comp.get("conditional")
    if not isinstance(conditional, dict):
        return None
    hide = conditional.get("hide")
    if isinstance(hide, str):
        return _read_text(hide)
    if isinstance(hide, bool) and hide:
        return Hide(problem="'hide' is the boolean true, not a FEEL expression ('=true')")
    if not hide:
        return None
    return Hide(problem=f"'hide' is a {type(hide).__name__}, not a FEEL expression")


def _read_text(text: str) -> Hide | None:
    body = text.strip()
    if not body.startswith("="):
        if body.lower() in ("", "false"):
            return None
        return Hide(problem=f"'hide' {text[:200]!r} is not a FEEL expression (no leading '=')")
    if not body[1:].strip():
        return None
    try:
        expression = feel.parse(body)
    except feel.FeelError as exc:
        return Hide(problem=f"'hide' {text[:200]!r} is outside the FEEL subset understood here: {exc}")
    if not expression.names and feel.evaluate(expression, {}) is not True:
        return None  # "=false" and the like: never hidden
    return Hide(expression=expression)


def mark_hidden(root: ObjectNode, data: Mapping[str, Any], context: Mapping[str, Any] | None) -> Any:
    """``data`` with ``HIDDEN`` in place of hidden values (copied where changed, never modified)."""
    merged: Mapping[str, Any] = ChainMap(dict(data), dict(context or {}))
    scope = _Scope(merged, merged, None, ())
    return _object(root, data, scope, droppable=False)


@dataclass(frozen=True)
class _Scope:
    """Where conditions are evaluated: the form's root, or one item of a dynamic list."""

    root: Mapping[str, Any]  # the submitted data over the context
    this: Any
    parent: Any
    indexes: tuple[int, ...]

    def names(self) -> Mapping[str, Any]:
        indexes = list(self.indexes)
        specials = {"this": self.this, "parent": self.parent, "i": indexes}
        wrapped = {"_this_": self.this, "_parent_": self.parent, "_i_": indexes}
        return ChainMap(wrapped, self.root, specials)  # form-js: data over this/parent/i

    def item(self, value: Any, index: int) -> _Scope:
        return _Scope(self.root, value, self.this, (*self.indexes, index + 1))

    def hides(self, conditions: tuple[feel.Expression, ...]) -> bool:
        if not conditions:
            return False
        names = self.names()
        return any(feel.evaluate(condition, names) is True for condition in conditions)


def _object(node: ObjectNode, value: Any, scope: _Scope, droppable: bool) -> Any:
    if isinstance(value, Mapping):
        source: Mapping[str, Any] = value
    elif (value is None or value is _ABSENT) and needs_object(node):
        source = {}  # the schema fills the object in: mark what is hidden inside it
    else:
        return value  # absent, null or not an object: the schema decides
    changes: dict[str, Any] = {}
    for key, child in node.children.items():
        current = source.get(key, _ABSENT)
        new = _child(child, current, scope)
        if new is not current:
            changes[key] = new
    if not changes:
        return value
    # left out if nothing is left in it: an object we filled in, or one whose sent values were hidden
    emptied = value is not source or any(
        key in source and (new is HIDDEN or isinstance(new, PrunedObject)) for key, new in changes.items()
    )
    marked = PrunedObject(source) if droppable and emptied else dict(source)
    marked.update(changes)
    return marked


def _child(child: FieldSpec | ObjectNode | ListNode, current: Any, scope: _Scope) -> Any:
    if isinstance(child, FieldSpec):
        return HIDDEN if not child.ignored and scope.hides(child.hide) else current
    if isinstance(child, ListNode):
        return HIDDEN if scope.hides(child.hide) else _items(child, current, scope)
    return _object(child, current, scope, droppable=True)


def _items(node: ListNode, current: Any, scope: _Scope) -> Any:
    if not isinstance(current, list | tuple) or len(current) > MAX_ITEMS:
        return current  # not a list the schema accepts: it says so
    items = [
        _object(node.item, item, scope.item(item, index), droppable=False) if isinstance(item, Mapping) else item
        for index, item in enumerate(current)
    ]
    return items if any(new is not old for new, old in zip(items, current)) else current
