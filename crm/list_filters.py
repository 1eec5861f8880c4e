"""What the contracts and referrals lists narrow by: a search typed however (Persian or Arabic letter forms,
Persian digits, a number with or without "#"), amount and period ranges."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, or_, select, union
from sqlalchemy.sql.elements import ColumnElement

from crm.models import Contract, Customer, Referral
from crm.phones import SEPARATORS as PHONE_SEPARATORS
from crm.text import ascii_digits, clean, name_key, words


def _number(q: str) -> int | None:
    """A record's number as typed: "12", "#12", "۱۲"."""
    text = ascii_digits(q.strip()).lstrip("#").strip()
    return int(text) if text.isdigit() and len(text) <= 9 else None


def _customers(keys: list[str]) -> Select[Any]:
    """Customers whose name holds every one of ``keys`` (one select, so their trigram lookups intersect)."""
    return select(Customer.id).where(*(Customer.name_key.contains(key, autoescape=True) for key in keys))


def contract_search(q: str) -> ColumnElement[bool] | None:
    """The contract numbered ``q`` ("#12" only that one), or every word of ``q`` in the title, or every word in
    the customer's name."""
    number = _number(q)
    if number is not None and ascii_digits(q.strip()).startswith("#"):
        return Contract.id == number
    parts = words(q)
    # the two ways as one union of ids, so each can use its own index (an OR across them scans every contract)
    matched = [Contract.id.in_(union(
        select(Contract.id).where(*(Contract.title_key.contains(word, autoescape=True) for word in parts)),
        select(Contract.id).where(Contract.customer_id.in_(_customers(parts)))))] if parts else []
    if number is not None:
        return or_(Contract.id == number, *matched)
    return matched[0] if matched else None


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
    """A phone-like ``q`` matches either person's number; else every word is in the referred person's name, or
    every word in the referrer's."""
    compact = PHONE_SEPARATORS.sub("", ascii_digits(clean(q) or ""))
    if compact.lstrip("+").isdigit() and len(compact) >= 4:
        digits = compact.lstrip("+").lstrip("0") or compact
        referrers = select(Customer.id).where(or_(Customer.mobile.contains(digits), Customer.phone.contains(digits)))
        return Referral.id.in_(union(select(Referral.id).where(Referral.referred_mobile.contains(digits)),
                                     select(Referral.id).where(Referral.referrer_id.in_(referrers))))
    parts = [part for part in (clean(q) or "").replace("\u200c", " ").split(" ") if part]
    if not parts:
        return None
    patterns = ["%" + part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for part in parts]
    named = and_(*(Referral.referred_name.ilike(pattern, escape="\\") for pattern in patterns))  # stored cleaned
    keys = [key for key in (name_key(part) for part in parts) if key]
    if not keys:
        return named
    return Referral.id.in_(union(select(Referral.id).where(named),
                                 select(Referral.id).where(Referral.referrer_id.in_(_customers(keys)))))


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
