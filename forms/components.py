"""One keyed component's attributes -> a ``FieldSpec``: kind, flags, rules and options.

Every attribute is checked here so that a bad form fails at load time with a ``FormError``
naming the component, never later while a user submits data.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from forms.errors import FormError
from forms.feel import Expression
from forms.model import (
    ANY_JSON,
    BOOLEAN,
    CHOICE,
    DATE,
    DATETIME,
    MULTI_CHOICE,
    NO_DEFAULT,
    NUMBER,
    TEXT,
    TIME,
    FieldSpec,
    Rules,
)
from forms.patterns import compile_js_pattern, normalise_number_text

KINDS = {
    "textfield": TEXT,
    "textarea": TEXT,
    "number": NUMBER,
    "checkbox": BOOLEAN,
    "radio": CHOICE,
    "select": CHOICE,
    "checklist": MULTI_CHOICE,
    "taglist": MULTI_CHOICE,
    "datetime": DATE,  # refined by ``subtype``
    "expression": ANY_JSON,
}
LIST_PROPERTY = "ravand:list"  # an option component whose options are the entries of the managed list it names
_SUBTYPES = {"date": DATE, "time": TIME, "datetime": DATETIME}
_VALIDATION_TYPES = {None: None, "": None, "custom": None, "email": "email", "phone": "phone"}


def build_field(
    comp: dict[str, Any],
    name: str,
    full_path: str,
    optional: bool,
    where: str,
    hide: tuple[Expression, ...] = (),
) -> FieldSpec:
    """The spec of a keyed component.

    ``optional`` is True when the component may be hidden by a condition that cannot be evaluated
    (its own or a container's); ``hide`` are the conditions that can, its own and its containers'.
    A field that may be hidden is never required; one with ``hide`` is required only when shown.
    """
    kind = _kind(comp, where)
    validate = comp.get("validate")
    if validate is None:
        validate = {}
    if not isinstance(validate, dict):
        raise FormError(f"{where}: 'validate' must be an object")
    ignored = _flag(comp, "disabled", where) or _flag(comp, "readonly", where)
    maybe_hidden = optional or isinstance(comp.get("readonly"), str)
    required = _flag(validate, "required", where) and not (ignored or maybe_hidden or kind == ANY_JSON)
    default = comp.get("defaultValue", NO_DEFAULT)
    if default is None or ignored or kind == ANY_JSON or (required and _is_empty(default, kind)):
        default = NO_DEFAULT
    return FieldSpec(
        name=name,
        full_path=full_path,
        kind=kind,
        component_type=comp["type"],
        required=required,
        ignored=ignored,
        default=default,
        rules=_rules(comp, validate, kind, where),
        options=_options(comp, where) if kind in (CHOICE, MULTI_CHOICE) else None,
        hide=() if ignored else hide,
    )


def _is_empty(value: Any, kind: str) -> bool:
    """An empty default of a required field is no default: the user must still fill the field in."""
    return value in ("", []) or (kind == BOOLEAN and value is False)


def _kind(comp: dict[str, Any], where: str) -> str:
    kind = KINDS[comp["type"]]
    if comp["type"] != "datetime":
        return kind
    subtype = comp.get("subtype", "date")
    if not isinstance(subtype, str) or subtype not in _SUBTYPES:
        raise FormError(f"{where}: unknown datetime subtype {subtype!r} (expected date, time or datetime)")
    return _SUBTYPES[subtype]


def _flag(attrs: dict[str, Any], name: str, where: str) -> bool:
    """A boolean attribute; a FEEL expression ("=...") counts as False here (it can't be evaluated)."""
    value = attrs.get(name, False)
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.startswith("="):
        return False
    raise FormError(f"{where}: {name!r} must be true or false, not {value!r}")


def _rules(comp: dict[str, Any], validate: dict[str, Any], kind: str, where: str) -> Rules:
    if kind == TEXT:
        return _text_rules(validate, where)
    if kind == NUMBER:
        return _number_rules(comp, validate, where)
    return Rules()


def _text_rules(validate: dict[str, Any], where: str) -> Rules:
    min_length = _count(validate, "minLength", where)
    max_length = _count(validate, "maxLength", where)
    if min_length is not None and max_length is not None and min_length > max_length:
        raise FormError(f"{where}: minLength {min_length} is greater than maxLength {max_length}")
    source = validate.get("pattern")
    if source is not None and not isinstance(source, str):
        raise FormError(f"{where}: 'pattern' must be a string")
    kind = validate.get("validationType")
    if not isinstance(kind, str | None) or kind not in _VALIDATION_TYPES:
        raise FormError(f"{where}: unknown validationType {kind!r} (expected email or phone)")
    return Rules(
        min_length=min_length,
        max_length=max_length,
        pattern=_compile(source, where) if source else None,
        pattern_source=source or None,
        validation_type=_VALIDATION_TYPES[kind],
    )


def _number_rules(comp: dict[str, Any], validate: dict[str, Any], where: str) -> Rules:
    minimum = _decimal(validate, "min", where)
    maximum = _decimal(validate, "max", where)
    if minimum is not None and maximum is not None and minimum > maximum:
        raise FormError(f"{where}: min {minimum} is greater than max {maximum}")
    increment = _decimal(comp, "increment", where)
    if increment is not None and increment <= 0:
        raise FormError(f"{where}: 'increment' must be greater than 0")
    serialize = comp.get("serializeToString", False)
    if not isinstance(serialize, bool):
        raise FormError(f"{where}: 'serializeToString' must be true or false")
    return Rules(
        minimum=minimum,
        maximum=maximum,
        decimal_digits=_count(comp, "decimalDigits", where),
        increment=increment,
        serialize_to_string=serialize,
    )


def _compile(source: str, where: str) -> re.Pattern[str]:
    try:
        return compile_js_pattern(source)
    except (re.error, ValueError, OverflowError, RecursionError) as exc:
        message = f"{where}: 'pattern' {source[:200]!r} is not a valid regular expression: {exc}"
        raise FormError(message) from None


def _count(attrs: dict[str, Any], name: str, where: str) -> int | None:
    """A non-negative integer attribute, None if absent or a FEEL expression."""
    value = attrs.get(name)
    if value is None or value == "" or (isinstance(value, str) and value.startswith("=")):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FormError(f"{where}: {name!r} must be a whole number >= 0, not {value!r}")
    return value


def _decimal(attrs: dict[str, Any], name: str, where: str) -> Decimal | None:
    """A numeric attribute (a number or a numeric string), None if absent or a FEEL expression."""
    value = attrs.get(name)
    if value is None or value == "" or (isinstance(value, str) and value.startswith("=")):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return Decimal(str(value))
    if isinstance(value, str) and len(value) < 100:
        try:
            number = Decimal(normalise_number_text(value))
        except InvalidOperation:
            number = None
        if number is not None and number.is_finite():
            return number
    raise FormError(f"{where}: {name!r} must be a number, not {value!r}")


def _options(comp: dict[str, Any], where: str) -> tuple[Any, ...] | None:
    """The static option values, or None when the options come from data (valuesKey/valuesExpression) or from
    the application's managed list named by the ``ravand:list`` property (filled in and checked where the form
    is served and submitted)."""
    properties = comp.get("properties")
    if isinstance(properties, dict) and isinstance(properties.get(LIST_PROPERTY), str) and \
            properties[LIST_PROPERTY].strip():
        return None
    for dynamic in ("valuesKey", "valuesExpression"):
        if isinstance(comp.get(dynamic), str) and comp[dynamic].strip():
            return None
    values = comp.get("values")
    if values is None:
        raise FormError(f"{where}: no options: give 'values', 'valuesKey' or 'valuesExpression'")
    if not isinstance(values, list):
        raise FormError(f"{where}: 'values' must be a list of {{label, value}} objects")
    return tuple(_option_value(option, index, where) for index, option in enumerate(values))


def _option_value(option: Any, index: int, where: str) -> Any:
    if not isinstance(option, dict) or "value" not in option:
        raise FormError(f"{where}: values[{index}] must be an object with a 'value'")
    value = option["value"]
    if isinstance(value, float) and not math.isfinite(value):
        raise FormError(f"{where}: values[{index}] has a value that is not a finite number")
    if not isinstance(value, str | int | float | bool):
        raise FormError(f"{where}: values[{index}].value must be a string, number or boolean")
    return value
