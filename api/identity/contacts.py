"""An employee's own addresses, where their notices go: an e-mail address (its syntax checked, lower case)
and a mobile number (written any way ``crm.phones`` reads, kept as E.164). Blank means none."""

from __future__ import annotations

from typing import Any

from crm.errors import InvalidRecord
from crm.phones import normalise_mobile
from crm.validation import parse_email
from engine.errors import InvalidData

EMAIL_ERROR = "not an e-mail address, e.g. sara@example.com / نشانی ایمیل درست نیست"
MOBILE_ERROR = "شمارهٔ همراه درست نیست، مثلاً ۰۹۱۲۱۲۳۴۵۶۷"


def _email(value: Any, errors: dict[str, list[str]]) -> str | None:
    try:
        return parse_email(value)
    except ValueError:
        errors["email"] = [EMAIL_ERROR]
        return None


def _mobile(value: Any, errors: dict[str, list[str]]) -> str | None:
    if value is not None and not isinstance(value, str):
        errors["mobile"] = [f"must be text / {MOBILE_ERROR}"]
        return None
    try:
        return normalise_mobile(value, "mobile")
    except InvalidRecord as exc:
        errors["mobile"] = [f"{reason} / {MOBILE_ERROR}" for reason in exc.field_errors.get("mobile", [exc.message])]
        return None


def clean_contacts(**given: Any) -> dict[str, str | None]:
    """The ``email`` and ``mobile`` given, checked and normalised (blank → None); both fields' problems at once
    as ``InvalidData``."""
    errors: dict[str, list[str]] = {}
    readers = {"email": _email, "mobile": _mobile}
    if unknown := sorted(set(given) - set(readers)):
        raise TypeError(f"unexpected: {', '.join(unknown)}")
    cleaned = {name: readers[name](value, errors) for name, value in given.items()}
    if errors:
        raise InvalidData(errors, "; ".join(f"{name}: {', '.join(found)}" for name, found in errors.items()))
    return cleaned
