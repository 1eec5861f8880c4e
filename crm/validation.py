"""Reading submitted fields into record values: every problem is collected, then refused at once
with field errors (``InvalidRecord``). Numbers may be typed with Persian or Arabic-Indic digits and
thousands separators; amounts are whole rials (``crm.money.parse_amount``: tomans are converted)."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from crm.errors import InvalidRecord, RecordConflict, RecordNotFound
from crm.money import SEPARATORS, parse_amount
from crm.phones import normalise_mobile, normalise_phone
from crm.text import ascii_digits, clean

EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")  # fullmatch: a local part, @, a dotted domain
TRUE, FALSE = {"true", "yes", "1", "on"}, {"false", "no", "0", "off", ""}
MISSING = "this field is required"
MAX_ID = 2**31 - 1  # ids are 32-bit integers
T = TypeVar("T")


def parse_int(value: Any) -> int:
    """An int from an int or a typed number (Persian digits, separators); ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = SEPARATORS.sub("", ascii_digits(value.strip()))
        if re.fullmatch(r"[+-]?\d{1,20}", text):
            return int(text)
    raise ValueError("not a whole number")


def parse_email(value: Any) -> str | None:
    text = clean(value) if isinstance(value, str) else None
    if text is None:
        if value not in (None, ""):
            raise ValueError("must be text")
        return None
    text = text.lower()
    if len(text) > 255 or not EMAIL.fullmatch(text):
        raise ValueError("is not an email address")
    return text


def required_text(value: Any, field: str, max_len: int = 10_000) -> str:
    """A single required text argument (a reason, a resolution), stripped; InvalidRecord otherwise."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InvalidRecord(f"{field} is required", {field: [MISSING]})
    if len(text) > max_len:
        raise InvalidRecord(f"{field} is too long", {field: [f"at most {max_len} characters"]})
    return text


def fetch(session: Session, model: type[T], record_id: Any, label: str, *, lock: bool = False) -> T:
    """The record with this id, else ``RecordNotFound`` (also for ids no key can hold: never a database
    error); ``lock`` holds its row until the transaction ends, so a change racing this one waits."""
    known = isinstance(record_id, int) and not isinstance(record_id, bool) and 0 < record_id <= MAX_ID
    record = session.get(model, record_id, with_for_update=lock or None, populate_existing=lock) if known else None
    if record is None:
        raise RecordNotFound(f"no {label} {record_id}")
    return record


def fetch_in(session: Session, model: type[T], record_id: Any, label: str, statuses: Collection[str],
             action: str) -> T:
    """``fetch`` with its row locked, refused (``RecordConflict``) unless its ``status`` is one of ``statuses``."""
    record = fetch(session, model, record_id, label, lock=True)
    if record.status not in statuses:
        raise RecordConflict(f"{label} {record_id} is {record.status}; only a {label} that is "
                             f"{' or '.join(statuses)} can be {action}")
    return record


COUNT_LIMIT = 2_000  # a list's total is counted up to this many records past the page asked for


class Total(int):
    """How many records a list holds; ``exact`` is False when counting stopped at a bound (there are
    more than this many), so a list of a million rows answers its first page without counting them all."""

    exact: bool

    def __new__(cls, value: int, exact: bool = True) -> Total:
        total = super().__new__(cls, value)
        total.exact = exact
        return total


def page(session: Session, query: Select[Any], limit: int, offset: int) -> tuple[list[Any], Total]:
    """A page of an ordered select's records, and how many records the whole select holds: exactly up to
    ``COUNT_LIMIT`` records past the page's start, beyond that a lower bound (``Total.exact`` False)."""
    bound = offset + limit + COUNT_LIMIT
    counted = session.scalar(select(func.count()).select_from(
        query.order_by(None).limit(bound + 1).subquery())) or 0
    total = Total(bound, exact=False) if counted > bound else Total(counted)
    return list(session.scalars(query.limit(limit).offset(offset))), total


def only(changes: Mapping[str, Any], allowed: Collection[str], message: str) -> None:
    """Refuse a change that names fields outside ``allowed``."""
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise InvalidRecord(message, {name: ["this field cannot be changed here"] for name in unknown})


def _tidy(value: str | None, plain: bool) -> str | None:
    if value is None or not plain:
        return clean(value)
    return value.strip() or None


class Form:
    """Reads the fields of one submission; ``check`` raises once with everything that was wrong."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data if isinstance(data, Mapping) else {}
        self.errors: dict[str, list[str]] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def given(self, field: str) -> bool:
        return self.data.get(field) not in (None, "")

    def _take(self, error: InvalidRecord, field: str) -> None:
        for name, messages in (error.field_errors or {field: [error.message]}).items():
            self.errors.setdefault(name, []).extend(messages)

    def check(self, message: str) -> None:
        if self.errors:
            raise InvalidRecord(message, self.errors)

    def text(self, field: str, *, required: bool = False, max_len: int = 255, plain: bool = False) -> str | None:
        """Cleaned text (letters normalised); ``plain`` only strips (long free text keeps its lines)."""
        value = self.data.get(field)
        if value is not None and not isinstance(value, str):
            self.fail(field, "must be text")
            return None
        text = _tidy(value, plain)
        if text is None:
            if required:
                self.fail(field, MISSING)
            return None
        if len(text) > max_len:
            self.fail(field, f"at most {max_len} characters")
        return text

    def choice(self, field: str, options: Collection[str], *, required: bool = False,
               default: str | None = None) -> str | None:
        value = self.data.get(field)
        if value in (None, ""):
            if required and default is None:
                self.fail(field, MISSING)
            return default
        if value not in options:
            self.fail(field, f"must be one of: {', '.join(options)}")
            return default
        return value

    def amount(self, field: str, *, required: bool = False, default: int = 0) -> int:
        if not self.given(field):
            if required:
                self.fail(field, MISSING)
            return default
        try:
            return parse_amount(self.data[field], field)
        except InvalidRecord as exc:
            self._take(exc, field)
            return default

    def integer(self, field: str, low: int, high: int, *, default: int | None = None) -> int | None:
        if not self.given(field):
            return default
        try:
            number = parse_int(self.data[field])
        except ValueError as exc:
            self.fail(field, str(exc))
            return default
        if not low <= number <= high:
            self.fail(field, f"must be between {low} and {high}")
        return number

    def record_id(self, field: str, *, default: int | None = None) -> int | None:
        """The id of another record (a whole number a key can hold)."""
        return self.integer(field, 1, MAX_ID, default=default)

    def flag(self, field: str, *, default: bool = False) -> bool:
        value = self.data.get(field)
        if value is None or isinstance(value, bool):
            return default if value is None else value
        if isinstance(value, str) and value.strip().lower() in TRUE | FALSE:
            return value.strip().lower() in TRUE
        self.fail(field, "must be true or false")
        return default

    def phone(self, field: str, *, mobile: bool = False) -> str | None:
        """E.164; a ``mobile`` that is Iranian must be a mobile number (09…), not a landline."""
        value = self.data.get(field)
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            self.fail(field, "must be text")
            return None
        try:
            return (normalise_mobile if mobile else normalise_phone)(value, field)
        except InvalidRecord as exc:
            self._take(exc, field)
            return None

    def email(self, field: str) -> str | None:
        try:
            return parse_email(self.data.get(field))
        except ValueError as exc:
            self.fail(field, str(exc))
            return None

    def day(self, field: str) -> date | None:
        value = self.data.get(field)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, str) and value.strip():
            try:
                return date.fromisoformat(ascii_digits(value.strip()))
            except ValueError:
                self.fail(field, "must be a date (YYYY-MM-DD)")
                return None
        if value in (None, "") or isinstance(value, date):
            return value or None
        self.fail(field, "must be a date")
        return None
