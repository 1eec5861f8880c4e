"""Marshmallow fields for form-js values.  Each one checks the rules of its ``FieldSpec``.

All of them return plain JSON values (str, int, float, bool, list, dict, None) and raise
nothing but ``ValidationError``.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

import jdatetime
from marshmallow import ValidationError, fields, missing

from forms.model import HIDDEN, NO_DEFAULT, FieldSpec
from forms.patterns import is_email, normalise_digits, normalise_number_text, normalise_phone, pattern_matches

REQUIRED = "This field is required."
BAD_CHARACTERS = "Contains characters that cannot be stored (NUL or an unpaired surrogate)."
MAX_TEXT = 100_000  # characters in one value
MAX_ITEMS = 1_000  # items in one list value
MAX_JSON = 1_000_000  # characters of an expression value once serialised
_MAX_EXPONENT = 300  # numbers beyond 1e300 (or below 1e-300) are refused, like a float would
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DATE = re.compile(r"([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})")
JALALI_YEARS = range(1300, 1500)  # a year in this range is Jalali (Solar Hijri)
GREGORIAN_YEARS = range(1900, 2101)  # a Gregorian year outside it is a typing slip, not a date
_TIME = re.compile(r"[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?")
_TRUE = frozenset({"true", "1", "on", "yes"})
_FALSE = frozenset({"false", "0", "off", "no"})


def text_value(value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationError("Not a valid string.")
    if len(value) > MAX_TEXT:
        raise ValidationError(f"Longer than the {MAX_TEXT} characters allowed.")
    if not storable(value):
        raise ValidationError(BAD_CHARACTERS)
    return value


def storable(text: str) -> bool:
    """False for NUL characters and lone surrogates, which PostgreSQL (and UTF-8) cannot store."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class SpecField(fields.Field):
    """Base: required/None/default handling shared by every form field.

    A field hidden by its conditions receives ``HIDDEN`` (see ``forms.conditions``): it is left
    out of the result, with neither a check nor a default.
    """

    def __init__(self, spec: FieldSpec) -> None:
        has_default = spec.default is not NO_DEFAULT
        kwargs: dict[str, Any] = {
            "required": spec.required and not has_default,
            "allow_none": not spec.required,
            "error_messages": {"required": REQUIRED, "null": REQUIRED},
        }
        if has_default:
            kwargs["load_default"] = lambda: copy.deepcopy(spec.default)
        super().__init__(**kwargs)
        self.spec = spec

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        if value is HIDDEN:
            return missing
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return self.clean(value)

    def clean(self, value: Any) -> Any:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def is_empty(self, value: Any) -> bool:
        return value == ""

    def check(self, value: Any) -> Any:
        """Turn an empty value into None (or a required error); otherwise clean it."""
        if self.is_empty(value):
            if self.spec.required:
                raise ValidationError(REQUIRED)
            return None
        return self.clean(value)


class TextField(SpecField):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        value = text_value(value)
        if value == "" and self.spec.required:
            raise ValidationError(REQUIRED)
        return self.clean(value) if value else value

    def clean(self, value: str) -> str:
        rules, errors = self.spec.rules, []
        length = len(value.strip())
        if rules.min_length is not None and length < rules.min_length:
            errors.append(f"Must be at least {rules.min_length} characters long.")
        if rules.max_length is not None and length > rules.max_length:
            errors.append(f"Must be at most {rules.max_length} characters long.")
        if rules.pattern is not None and not pattern_matches(rules.pattern, value):
            errors.append(f"Must match the pattern {rules.pattern_source}.")
        if rules.validation_type == "email" and not is_email(value.strip()):
            errors.append("Not a valid email address.")
        if rules.validation_type == "phone":
            phone = normalise_phone(value)
            if phone is None:
                errors.append("Not a valid international phone number (e.g. +989121234567).")
            value = phone or value
        if errors:
            raise ValidationError(errors)
        return value


class NumberField(SpecField):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return self.check(value.strip() if isinstance(value, str) else value)

    def clean(self, value: Any) -> int | float | str:
        number = parse_number(value)
        self._check_rules(number)
        if self.spec.rules.serialize_to_string:
            return format(number, "f")
        if number == number.to_integral_value():
            return int(number)
        return float(number)

    def _check_rules(self, number: Decimal) -> None:
        rules, errors = self.spec.rules, []
        if rules.minimum is not None and number < rules.minimum:
            errors.append(f"Must be greater than or equal to {rules.minimum}.")
        if rules.maximum is not None and number > rules.maximum:
            errors.append(f"Must be less than or equal to {rules.maximum}.")
        if rules.decimal_digits is not None and _decimals(number) > rules.decimal_digits:
            errors.append(
                "Must be a whole number."
                if rules.decimal_digits == 0
                else f"Must have at most {rules.decimal_digits} decimal digit(s)."
            )
        if rules.increment is not None and not _is_multiple(number, rules.increment):
            errors.append(f"Must be a multiple of {rules.increment}.")
        if errors:
            raise ValidationError(errors)


def parse_number(value: Any) -> Decimal:
    """A finite Decimal from a JSON number or a numeric string (Persian/Arabic digits allowed)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValidationError("Not a valid number.")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError("Not a valid number.")
    if isinstance(value, str):
        value = normalise_number_text(value) if len(value) <= 1000 else "too long"
        if not _NUMBER.fullmatch(value):
            raise ValidationError("Not a valid number.")
    number = Decimal(str(value)) if isinstance(value, float) else _exact(value)
    if number and abs(number.adjusted()) > _MAX_EXPONENT:
        raise ValidationError("Number out of range.")
    return number


def _exact(value: int | str) -> Decimal:
    try:
        return Decimal(value)
    except (InvalidOperation, ValueError):
        raise ValidationError("Not a valid number.") from None


def _decimals(number: Decimal) -> int:
    """Digits after the point once trailing zeros are dropped (1.50 has one, like JavaScript's 1.5)."""
    _, digits, exponent = number.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0:
        return 0
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -exponent - trailing_zeros)


def _is_multiple(number: Decimal, increment: Decimal) -> bool:
    with localcontext() as ctx:
        ctx.prec = 2 * _MAX_EXPONENT + 100  # exact for every number parse_number lets through
        try:
            return number % increment == 0
        except InvalidOperation:
            return False


class BooleanField(SpecField):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        flag = to_bool(value)
        if self.spec.required and not flag:
            raise ValidationError(REQUIRED)
        return flag


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and len(value) <= 10:
        word = normalise_digits(value).strip().lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
    raise ValidationError("Not a valid boolean.")


class TemporalField(SpecField):
    """ISO date ``YYYY-MM-DD``, time ``HH:MM[:SS][Z|±HH:MM]`` or ``<date>T<time>``; returned as text."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return self.check(normalise_digits(text_value(value)).strip())

    def clean(self, value: str) -> str:
        kind = self.spec.kind
        date_part, _, time_part = value.partition("T") if kind == "datetime" else (value, "", value)
        day = None if kind == "time" else gregorian_day(date_part)
        ok = (kind == "time" or day is not None) and (kind == "date" or _valid_time(time_part))
        if not ok or (kind == "datetime" and "T" not in value):
            raise ValidationError(_TEMPORAL_MESSAGES[kind])
        if kind == "date":
            return day.isoformat()
        return f"{day.isoformat()}T{time_part}" if day is not None else value


_TEMPORAL_MESSAGES = {
    "date": "Not a valid date (expected YYYY-MM-DD, Jalali like 1405-11-15 or Gregorian like 2027-02-04).",
    "time": "Not a valid time (expected HH:MM, optionally with seconds and a UTC offset).",
    "datetime": "Not a valid date and time (expected YYYY-MM-DDTHH:MM, Jalali or Gregorian, optionally with a UTC "
                "offset).",
}


def gregorian_day(text: str) -> dt.date | None:
    """The day ``text`` names: ``YYYY-MM-DD`` or ``YYYY/MM/DD``, Jalali when the year is 1300–1499 (``1405-11-15``
    is 2027-02-04), else Gregorian between 1900 and 2100; None for anything else (an impossible day included)."""
    match = _DATE.fullmatch(text)
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    try:
        if year in JALALI_YEARS:
            return jdatetime.date(year, month, day).togregorian()
        return dt.date(year, month, day) if year in GREGORIAN_YEARS else None
    except ValueError:
        return None


def _valid_time(text: str) -> bool:
    if not _TIME.fullmatch(text):
        return False
    try:
        dt.time.fromisoformat(text)
    except ValueError:
        return False
    return True


class AnyJsonField(SpecField):
    """An expression's computed value: any JSON value, checked only for being plain, finite JSON."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        try:
            text = json.dumps(value, allow_nan=False, ensure_ascii=False)
            if len(text) > MAX_JSON:
                raise ValidationError("Value too large.")
            if "\\u0000" in text or not storable(text):
                raise ValidationError(BAD_CHARACTERS)
            return json.loads(text)
        except (TypeError, ValueError, RecursionError):
            raise ValidationError("Not a JSON value.") from None
