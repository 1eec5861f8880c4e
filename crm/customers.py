"""Customers and their contacts: create (with a duplicates warning), change, find, search.

A likely duplicate (same mobile, telephone or e-mail, or the same name once normalised) is not a
refusal: the caller gets the customer and the list of look-alikes and shows them as a warning.
Every change goes through ``Ctx`` so the journal holds who changed what from what to what."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from crm.codes import read_referral_code, referral_code, unused
from crm.customer_fields import contact_values, customer_name_key, customer_values
from crm.customer_view import customer_360
from crm.errors import InvalidRecord
from crm.models import Contact, Customer, LoyaltyAccount
from crm.phones import SEPARATORS as PHONE_SEPARATORS
from crm.phones import normalise_phone
from crm.text import ascii_digits, clean, name_key
from crm.unit import Ctx
from crm.validation import fetch, page

_PHONE_QUERY = re.compile(r"\+?[0-9]{3,}")


def get_customer(session: Session, customer_id: int) -> Customer:
    """The customer, or ``RecordNotFound`` (also for ids no row can have)."""
    return fetch(session, Customer, customer_id, "customer")


def find_customer_by_referral_code(session: Session, code: object) -> Customer | None:
    """The customer whose referral code this is, typed leniently (``read_referral_code``: any case, spaces
    or dashes, Persian digits)."""
    canonical = read_referral_code(code)
    if canonical is None:
        return None
    return session.scalars(select(Customer).where(Customer.referral_code == canonical)).first()


def create_customer(ctx: Ctx, data: Mapping[str, Any]) -> tuple[Customer, list[Customer]]:
    """Validate and normalise ``data``, insert the customer, and return it with its likely duplicates."""
    values = customer_values(data)
    duplicates = duplicates_of(ctx.session, values)
    return insert_customer(ctx, values), duplicates


def duplicates_of(session: Session, values: Mapping[str, Any], exclude_id: int | None = None) -> list[Customer]:
    """The likely duplicates of a customer given as normalised values (``customer_values``)."""
    own = (values.get("company_name") if values.get("kind") == "company" else values.get("person_name"))
    return find_duplicates(session, name=own, phone=values.get("phone"), mobile=values.get("mobile"),
                           email=values.get("email"), exclude_id=exclude_id)


def insert_customer(ctx: Ctx, values: Mapping[str, Any]) -> Customer:
    """Insert a customer from normalised values (``customer_values``), with a fresh referral code."""
    customer = Customer(**values, referral_code=unused(ctx.session, Customer.referral_code, referral_code))
    return ctx.add(customer, "customer")


def update_customer(ctx: Ctx, customer_id: int, changes: Mapping[str, Any]) -> Customer:
    """Change fields (validated as on creation); the journal gets each field's before and after."""
    customer = get_customer(ctx.session, customer_id)
    current = {c: getattr(customer, c) for c in ("kind", "person_name", "company_name", "status", "locale")}
    values = customer_values(changes, current)
    ctx.change(customer, "customer", values)
    return customer


def mark_actual(ctx: Ctx, customer_id: int) -> None:
    """A potential customer who bought becomes an actual one (nothing happens if already actual)."""
    customer = get_customer(ctx.session, customer_id)
    if customer.status != "actual":
        ctx.change(customer, "customer", {"status": "actual"})


def _safe_phone(raw: str | None) -> str | None:
    try:
        return normalise_phone(raw)
    except InvalidRecord:
        return None


def _starts_with(session: Session, prefix: str) -> ColumnElement[bool]:
    """``name_key`` starts with ``prefix`` (letters, digits and ``|``). SQLite's LIKE ignores case and so
    its index; a range in its binary order is the same test and uses the index."""
    if session.get_bind().dialect.name == "sqlite":
        return and_(Customer.name_key >= prefix, Customer.name_key < prefix[:-1] + chr(ord(prefix[-1]) + 1))
    return Customer.name_key.startswith(prefix)


def find_duplicates(session: Session, *, name: str | None = None, phone: str | None = None,
                    mobile: str | None = None, email: str | None = None,
                    exclude_id: int | None = None) -> list[Customer]:
    """Customers with the same mobile or telephone number (in either field), the same e-mail, or the
    same own name once normalised (``name_key``: Arabic and Persian letters, ZWNJ, diacritics folded):
    ``name`` is compared with a person's name and a company's name, whichever the customer is."""
    conditions: list[ColumnElement[bool]] = []
    for number in {_safe_phone(phone), _safe_phone(mobile)} - {None}:
        conditions += [Customer.phone == number, Customer.mobile == number]
    if email and clean(email):
        conditions.append(Customer.email == clean(email).lower())
    key = name_key(name)
    if key:
        conditions += [Customer.name_key == key, _starts_with(session, f"{key}|")]
    if not conditions:
        return []
    stmt = select(Customer).where(or_(*conditions))
    if exclude_id is not None:
        stmt = stmt.where(Customer.id != exclude_id)
    return list(session.scalars(stmt.order_by(Customer.id).limit(20)))


def _text_condition(q: str) -> ColumnElement[bool] | None:
    """Phone-like queries match the digits of either number; otherwise every word must match a name,
    an e-mail address or (three digits or more) a number."""
    compact = PHONE_SEPARATORS.sub("", ascii_digits(clean(q) or ""))
    if _PHONE_QUERY.fullmatch(compact):
        digits = compact.lstrip("+").lstrip("0") or compact
        return or_(Customer.phone.contains(digits), Customer.mobile.contains(digits),
                   Customer.name_key.contains(digits))
    parts = []
    for word in (clean(q) or "").replace("\u200c", " ").split(" "):
        key = name_key(word)
        options = [Customer.email.contains(word.lower(), autoescape=True)]
        if key:
            options.append(Customer.name_key.contains(key, autoescape=True))
        if key.isdigit() and len(key) >= 3:
            digits = key.lstrip("0") or key
            options += [Customer.phone.contains(digits), Customer.mobile.contains(digits)]
        parts.append(or_(*options))
    return and_(*parts) if parts else None


def _filters(q: str | None = None, status: str | None = None, segment: str | None = None,
             region: str | None = None, owner: str | None = None, tier: str | None = None) -> list[Any]:
    conditions: list[Any] = []
    if q and clean(q):
        condition = _text_condition(q)
        if condition is not None:
            conditions.append(condition)
    for column, value in ((Customer.status, status), (Customer.segment, segment), (Customer.region, region),
                          (Customer.owner, owner)):
        if value is not None:
            conditions.append(column == clean(value))
    if tier is not None:
        conditions.append(LoyaltyAccount.tier == tier if tier != "bronze" else
                          or_(LoyaltyAccount.tier == tier, LoyaltyAccount.customer_id.is_(None)))
    return conditions


def customer_query(**filters: Any) -> Any:
    """The select of customers matching ``search_customers``' filters, newest first."""
    return (select(Customer).outerjoin(LoyaltyAccount, LoyaltyAccount.customer_id == Customer.id)
            .where(*_filters(**filters)).order_by(Customer.id.desc()))


def search_customers(session: Session, *, q: str | None = None, status: str | None = None,
                     segment: str | None = None, region: str | None = None, owner: str | None = None,
                     tier: str | None = None, limit: int = 50, offset: int = 0) -> tuple[list[Customer], int]:
    """A page of customers and the total. ``q`` matches names whichever way they were typed ("علي كريمي"
    finds "علی کریمی"), telephone digits in any script ("۰۹۱۲۱۲۳" finds +98912123…), and e-mail."""
    stmt = customer_query(q=q, status=status, segment=segment, region=region, owner=owner, tier=tier)
    return page(session, stmt, limit, offset)


def add_contact(ctx: Ctx, customer_id: int, data: Mapping[str, Any]) -> Contact:
    get_customer(ctx.session, customer_id)
    return ctx.add(Contact(customer_id=customer_id, **contact_values(data)), "contact")


def contacts_of(session: Session, customer_id: int) -> list[Contact]:
    get_customer(session, customer_id)
    return list(session.scalars(select(Contact).where(Contact.customer_id == customer_id).order_by(Contact.id)))


__all__ = ["add_contact", "contacts_of", "create_customer", "customer_360", "customer_name_key", "customer_query",
           "duplicates_of", "find_customer_by_referral_code", "find_duplicates", "get_customer",
           "insert_customer", "mark_actual", "search_customers", "update_customer"]
