"""Marshmallow fields for option components (radio, select, checklist, taglist) and dynamic lists.

With static ``values`` a submitted value must equal one of the option values (a number never
equals a string, a boolean never equals a number); with dynamic options (``valuesKey`` /
``valuesExpression``, known only at run time) any string, finite number or boolean is accepted.
"""

from __future__ import annotations

import math
from typing import Any

from marshmallow import ValidationError, fields, missing

from forms.fieldtypes import MAX_ITEMS, REQUIRED, SpecField, text_value
from forms.model import HIDDEN

NOT_ALLOWED = "Not one of the allowed values."
_MISSING = object()


class ChoiceField(SpecField):
    """One value among the options (radio, select)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return self.check(value)

    def is_empty(self, value: Any) -> bool:
        return isinstance(value, str) and value == "" and _match(value, self.spec.options) is _MISSING

    def clean(self, value: Any) -> Any:
        return option_value(value, self.spec.options)


class MultiChoiceField(SpecField):
    """A list of distinct values among the options (checklist, taglist)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        items = list_value(value)
        if not items and self.spec.required:
            raise ValidationError(REQUIRED)
        cleaned: list[Any] = []
        errors: dict[int, list[str]] = {}
        for index, item in enumerate(items):
            try:
                chosen = option_value(item, self.spec.options)
            except ValidationError as exc:
                errors[index] = exc.messages if isinstance(exc.messages, list) else [str(exc.messages)]
                continue
            if any(_same(chosen, earlier) for earlier in cleaned):
                errors[index] = ["Duplicate value."]
            cleaned.append(chosen)
        if errors:
            raise ValidationError(errors)
        return cleaned


class ItemListField(fields.List):
    """A dynamic list of objects (dynamiclist), at most ``MAX_ITEMS`` long."""

    def __init__(self, item: fields.Field) -> None:
        super().__init__(item, allow_none=True, error_messages={"invalid": "Not a valid list."})

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        if value is HIDDEN:  # the list is hidden by its conditions: left out
            return missing
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        return super()._deserialize(list_value(value), attr, data, **kwargs)


def list_value(value: Any) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise ValidationError("Not a valid list.")
    if len(value) > MAX_ITEMS:
        raise ValidationError(f"More than the {MAX_ITEMS} items allowed.")
    return list(value)


def option_value(value: Any, options: tuple[Any, ...] | None) -> Any:
    """The option equal to ``value`` (the option's own spelling), or any scalar when options are dynamic."""
    if options is None:
        return _scalar(value)
    chosen = _match(value, options)
    if chosen is _MISSING:
        raise ValidationError(NOT_ALLOWED)
    return chosen


def _scalar(value: Any) -> Any:
    if isinstance(value, str):
        return text_value(value)
    if isinstance(value, bool | int) or (isinstance(value, float) and math.isfinite(value)):
        return value
    raise ValidationError("Not a valid option value (expected a string, number or boolean).")


def _match(value: Any, options: tuple[Any, ...] | None) -> Any:
    for option in options or ():
        if _same(value, option):
            return option
    return _MISSING


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    return type(left) is type(right) and left == right
