"""The fields of customers and contacts: what each may hold, and how what people type is normalised
(names cleaned, telephone numbers to E.164, e-mail in lower case, interests as a list of tags).

Each field has one normaliser in a registry; ``customer_values`` and ``contact_values`` run them and
gather every field's problem into one ``InvalidRecord`` instead of stopping at the first."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from crm.errors import InvalidRecord, invalid, refuse_fields
from crm.phones import normalise_mobile, normalise_phone
from crm.text import LOCALES, ascii_digits, clean, name_key
from crm.validation import parse_email

KINDS = ("person", "company")
STATUSES = ("potential", "actual")
_TAG_SPLIT = re.compile(r"[,،;؛\n]")

Normaliser = Callable[[Any, str], Any]


def _text(limit: int) -> Normaliser:
    def normalise(value: Any, field: str) -> str | None:
        if (value is not None and not isinstance(value, str | int | float)) or isinstance(value, bool):
            raise invalid(field, "must be text")
        text = clean(None if value is None else str(value))
        if text is not None and len(text) > limit:
            raise invalid(field, f"at most {limit} characters")
        return text

    return normalise


def _choice(options: tuple[str, ...]) -> Normaliser:
    def normalise(value: Any, field: str) -> str | None:
        text = clean(value) if isinstance(value, str) else value
        if text is None:
            return None
        if not isinstance(text, str) or text.lower() not in options:
            raise invalid(field, f"one of {', '.join(options)}")
        return text.lower()

    return normalise


def _number_text(value: Any, field: str) -> str | None:
    if (value is not None and not isinstance(value, str | int)) or isinstance(value, bool):
        raise invalid(field, "must be text")
    return None if value is None else str(value)


def _phone(value: Any, field: str) -> str | None:
    return normalise_phone(_number_text(value, field), field)


def _mobile(value: Any, field: str) -> str | None:
    return normalise_mobile(_number_text(value, field), field)


def _email(value: Any, field: str) -> str | None:
    try:
        return parse_email(value)
    except ValueError as exc:
        raise invalid(field, str(exc)) from None


def _tags(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    items = _TAG_SPLIT.split(value) if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
        raise invalid(field, "a list of words, or words separated by commas")
    tags: list[str] = []
    for item in (clean(i) for i in items):
        if item and item not in tags:
            tags.append(item)
    if len(tags) > 50 or any(len(t) > 80 for t in tags):
        raise invalid(field, "at most 50 interests of at most 80 characters")
    return tags


def _digits_id(lengths: tuple[int, ...], what: str) -> Normaliser:
    """An identifier of digits only (Persian or Latin, spaces and dashes dropped) of one of ``lengths``."""
    def normalise(value: Any, field: str) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise invalid(field, "must be text")
        digits = re.sub(r"[\s\-]", "", ascii_digits(str(value)))
        if not digits.isdigit() or len(digits) not in lengths:
            raise invalid(field, f"{what}: {' or '.join(map(str, lengths))} digits")
        return digits

    return normalise


CUSTOMER_FIELDS: dict[str, Normaliser] = {
    "kind": _choice(KINDS), "company_name": _text(255), "person_name": _text(255),
    "phone": _phone, "mobile": _mobile, "email": _email, "address": _text(2000), "industry": _text(120),
    "interests": _tags, "region": _text(120), "channel": _text(40), "status": _choice(STATUSES),
    "segment": _text(80), "owner": _text(150), "locale": _choice(LOCALES),
    "national_id": _digits_id((10, 11), "a person's national code (10) or a company's national ID (11)"),
    "economic_code": _digits_id((11, 12, 14), "an economic code"), "postal_code": _digits_id((10,), "a postal code"),
}
CONTACT_FIELDS: dict[str, Normaliser] = {
    "name": _text(255), "role": _text(120), "phone": _phone, "mobile": _mobile, "email": _email,
}
CUSTOMER_DEFAULTS: dict[str, Any] = {"status": "potential", "locale": "fa", "interests": []}


def _collect(data: Mapping[str, Any], fields: Mapping[str, Normaliser]) -> tuple[dict[str, Any], dict[str, list]]:
    """The given fields normalised, and the problems of the unknown and bad ones."""
    if not isinstance(data, Mapping):
        raise InvalidRecord("expected an object of fields", {"_": ["expected an object of fields"]})
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field, value in data.items():
        if field not in fields:
            errors.setdefault(str(field), []).append("unknown field")
            continue
        try:
            values[field] = fields[field](value, field)
        except InvalidRecord as exc:
            for name, messages in exc.field_errors.items():
                errors.setdefault(name, []).extend(messages)
    return values, errors


def customer_values(data: Mapping[str, Any], current: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The normalised values of a new customer (``current`` None) or of a change to one; the kind is
    inferred when not given (a company name alone makes a company) and its name is required. Every
    problem is reported in one ``InvalidRecord``."""
    values, errors = _collect(data, CUSTOMER_FIELDS)
    if current is None:
        values = {**CUSTOMER_DEFAULTS, **values}
        if values.get("kind") is None and "kind" not in errors:
            only_company = values.get("company_name") and not values.get("person_name")
            values["kind"] = "company" if only_company else "person"
    merged = {**(current or {}), **values}
    for field in ("status", "locale", "kind"):
        if merged.get(field) is None and field not in errors:
            errors[field] = ["required"]
    required = "company_name" if merged.get("kind") == "company" else "person_name"
    if merged.get("kind") and not merged.get(required) and required not in errors:
        errors[required] = [f"required for a {merged['kind']}"]
    refuse_fields(errors)
    values["name_key"] = customer_name_key(merged["kind"], merged.get("person_name"), merged.get("company_name"))
    return values


def customer_name_key(kind: str, person_name: str | None, company_name: str | None) -> str:
    """``name_key`` of the customer's own name (the company's for a company), then ``|`` and the key of
    the other name when there is one: duplicates compare the part before ``|``, search looks at both."""
    own, other = (company_name, person_name) if kind == "company" else (person_name, company_name)
    key = name_key(own)
    return f"{key}|{name_key(other)}" if other and name_key(other) else key


def contact_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """A contact's normalised values; its name is required."""
    values, errors = _collect(data, CONTACT_FIELDS)
    if not values.get("name") and "name" not in errors:
        errors["name"] = ["required"]
    refuse_fields(errors)
    return values
