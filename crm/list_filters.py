"""What the contracts and referrals lists narrow by: a search typed however (Persian or Arabic letter forms,
Persian digits, a number with or without "#"), amount and period ranges."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from crm.models import Contract, Customer, Referral
from crm.phones import SEPARATORS as PHONE_SEPARATORS
from crm.text import ascii_digits, clean, name_key, words


def _number(q: str) -> int | None:
    """A record's number as typed: "12", "#12", "۱۲"."""
    text = ascii_digits(q.strip()).lstrip("#").strip()
    return int(text) if text.isdigit() and len(text) <= 9 else None


def _customers(word: str) -> Select[Any]:
    return select(Customer.id).where(Customer.name_key.contains(word, autoescape=True))


def contract_search(q: str) -> ColumnElement[bool] | None:
    """The contract numbered ``q``, or every word of it in the title or the customer's name."""
    parts = words(q)
    matched = [or_(Contract.title.ilike(f"%{word}%"), Contract.customer_id.in_(_customers(word))) for word in parts]
    number = _number(q)
    if number is not None and ascii_digits(q.strip()).startswith("#"):
        return Contract.id == number  # "#12" names the contract
    if number is not None:
        return or_(Contract.id == number, *matched) if matched else Contract.id == number
    return and_(*matched) if matched else None


def contract_conditions(*, q: str | None = None, amount_min: int | None = None, amount_max: int | None = None,
                        created_from: datetime | None = None, created_to: datetime | None = None,
                        instances: Select[Any] | None = None) -> list[ColumnElement[bool]]:
    """The conditions of the contracts list; ``instances`` selects process instance ids (e.g. those waiting
    for one approval level)."""
    found: list[Any] = []
    if q and clean(q):
        condition = contract_search(q)
        if condition is not None:
            found.append(condition)
    found += _ranges(Contract, amount_min, amount_max, created_from, created_to)
    if instances is not None:
        found.append(Contract.process_instance_id.in_(instances))
    return found


def _ranges(model: Any, low: int | None, high: int | None, start: datetime | None,
            end: datetime | None) -> list[ColumnElement[bool]]:
    found = []
    if low is not None:
        found.append(model.amount >= low)
    if high is not None:
        found.append(model.amount <= high)
    if start is not None:
        found.append(model.created_at >= start)
    if end is not None:
        found.append(model.created_at < end)
    return found


def referral_search(q: str) -> ColumnElement[bool] | None:
    """A phone-like ``q`` matches either person's number; else every word is in the referred person's name or
    the referrer's."""
    compact = PHONE_SEPARATORS.sub("", ascii_digits(clean(q) or ""))
    if compact.lstrip("+").isdigit() and len(compact) >= 4:
        digits = compact.lstrip("+").lstrip("0") or compact
        referrers = select(Customer.id).where(or_(Customer.mobile.contains(digits), Customer.phone.contains(digits)))
        return or_(Referral.referred_mobile.contains(digits), Referral.referrer_id.in_(referrers))
    matched = []
    for part in (clean(q) or "").replace("\u200c", " ").split(" "):
        pattern = "%" + part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        named = Referral.referred_name.ilike(pattern, escape="\\")  # stored cleaned, as ``part`` is
        key = name_key(part)
        matched.append(or_(named, Referral.referrer_id.in_(_customers(key))) if key else named)
    return and_(*matched) if matched else None


def referral_conditions(*, q: str | None = None, created_from: datetime | None = None,
                        created_to: datetime | None = None) -> list[ColumnElement[bool]]:
    found: list[Any] = []
    if q and clean(q):
        condition = referral_search(q)
        if condition is not None:
            found.append(condition)
    if created_from is not None:
        found.append(Referral.created_at >= created_from)
    if created_to is not None:
        found.append(Referral.created_at < created_to)
    return found
