"""Customers and their contacts: create (with a duplicates warning), change, find, search.

A likely duplicate (same mobile, telephone or e-mail, or the same name once normalised) is not a
refusal: the caller gets the customer and the list of look-alikes and shows them as a warning.
Every change goes through ``Ctx`` so the journal holds who changed what from what to what."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, text
from sqlalchemy.orm import Session

from crm.codes import read_referral_code, referral_code, unused
from crm.customer_fields import contact_values, customer_name_key, customer_values
from crm.customer_view import customer_360
from crm.errors import InvalidRecord, RecordConflict
from crm.models import Contact, Customer, LoyaltyAccount
from crm.phones import SEPARATORS as PHONE_SEPARATORS
from crm.phones import normalise_phone
from crm.sorting import ordered
from crm.text import ascii_digits, clean, name_key
from crm.unit import Ctx
from crm.validation import fetch, page

_PHONE_QUERY = re.compile(r"\+?[0-9]{3,}")
MAX_DUPLICATES = 20  # look-alikes given per customer
CODE_TRIES = 5


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
    return find_duplicates(session, name=_own_name(values), phone=values.get("phone"), mobile=values.get("mobile"),
                           email=values.get("email"), exclude_id=exclude_id)


def _own_name(values: Mapping[str, Any]) -> str | None:
    return values.get("company_name") if values.get("kind") == "company" else values.get("person_name")


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


@dataclass(frozen=True)
class LookAlike:
    """What a customer is compared on (``find_duplicates``): numbers, e-mail, own name's key."""

    numbers: frozenset[str]
    email: str | None
    key: str

    @classmethod
    def of(cls, *, name: str | None = None, phone: str | None = None, mobile: str | None = None,
           email: str | None = None) -> LookAlike:
        numbers = frozenset(n for n in (_safe_phone(phone), _safe_phone(mobile)) if n is not None)
        address = clean(email).lower() if email and clean(email) else None
        return cls(numbers, address, name_key(name))

    @classmethod
    def of_values(cls, values: Mapping[str, Any]) -> LookAlike:
        return cls.of(name=_own_name(values), phone=values.get("phone"), mobile=values.get("mobile"),
                      email=values.get("email"))

    def matches(self, phone: str | None, mobile: str | None, email: str | None, key: str) -> bool:
        """The test of ``conditions`` on a stored customer's columns, in Python."""
        return bool(phone in self.numbers or mobile in self.numbers or (self.email and email == self.email)
                    or (self.key and (key == self.key or key.startswith(f"{self.key}|"))))


def _conditions(session: Session, wanted: Sequence[LookAlike]) -> list[ColumnElement[bool]]:
    """Customers looking like any of ``wanted``: the same number (in either field), e-mail, or own name."""
    numbers = sorted(set().union(*(w.numbers for w in wanted)))
    emails = sorted({w.email for w in wanted if w.email})
    keys = sorted({w.key for w in wanted if w.key})
    conditions: list[ColumnElement[bool]] = []
    if numbers:
        conditions += [Customer.phone.in_(numbers), Customer.mobile.in_(numbers)]
    if emails:
        conditions.append(Customer.email.in_(emails))
    if keys:
        conditions.append(Customer.name_key.in_(keys))
        conditions += [_starts_with(session, f"{key}|") for key in keys]
    return conditions


def find_duplicates(session: Session, *, name: str | None = None, phone: str | None = None,
                    mobile: str | None = None, email: str | None = None,
                    exclude_id: int | None = None) -> list[Customer]:
    """Customers with the same mobile or telephone number (in either field), the same e-mail, or the
    same own name once normalised (``name_key``: Arabic and Persian letters, ZWNJ, diacritics folded):
    ``name`` is compared with a person's name and a company's name, whichever the customer is."""
    conditions = _conditions(session, [LookAlike.of(name=name, phone=phone, mobile=mobile, email=email)])
    if not conditions:
        return []
    stmt = select(Customer).where(or_(*conditions))
    if exclude_id is not None:
        stmt = stmt.where(Customer.id != exclude_id)
    return list(session.scalars(stmt.order_by(Customer.id).limit(MAX_DUPLICATES)))


@dataclass
class _Known:
    """A customer as duplicates compare it; ``customer`` while its row is not flushed yet (no id)."""

    id: int | None
    phone: str | None
    mobile: str | None
    email: str | None
    key: str
    customer: Customer | None = None


class NewCustomers:
    """Many customers created in one transaction, with what ``create_customer`` does for each one
    (duplicates, a fresh referral code, the journal's ``crm.customer.created``) in a few statements:
    the stored look-alikes of the whole batch in one query (``prepare``), the referral codes drawn and
    checked together, the rows inserted together. A customer added earlier in the batch is a
    look-alike of a later one, exactly as if each had been inserted before the next was looked up."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.known: list[_Known] = []
        self.pending: list[_Known] = []

    def prepare(self, batch: Sequence[Mapping[str, Any]]) -> None:
        """Load the stored customers looking like any of ``batch`` (normalised values)."""
        conditions = _conditions(self.ctx.session, [LookAlike.of_values(v) for v in batch])
        if not conditions:
            return
        columns = (Customer.id, Customer.phone, Customer.mobile, Customer.email, Customer.name_key)
        # sorted here: an ORDER BY id makes SQLite walk the whole table in id order instead of the indexes
        with _indexes_only(self.ctx.session):
            rows = self.ctx.session.execute(select(*columns).where(or_(*conditions))).all()
        self.known += sorted((_Known(*row) for row in rows), key=lambda known: known.id or 0)

    def duplicate_ids(self, values: Mapping[str, Any]) -> list[int]:
        """The ids of the first ``MAX_DUPLICATES`` look-alikes of ``values`` (``find_duplicates``' answer)
        among the prepared customers and those added since; pending rows are inserted first if needed."""
        wanted = LookAlike.of_values(values)
        found = [k for k in self.known if wanted.matches(k.phone, k.mobile, k.email, k.key)][:MAX_DUPLICATES]
        if any(k.id is None for k in found):
            self.flush()
        return [k.id for k in found if k.id is not None]

    def add(self, values: Mapping[str, Any]) -> _Known:
        """Queue a new customer (inserted by ``flush``); it is a look-alike candidate from now on."""
        customer = Customer(**values, referral_code="")  # stamped as it is inserted (Ctx.add_all)
        known = _Known(None, customer.phone, customer.mobile, customer.email, customer.name_key, customer)
        self.known.append(known)
        self.pending.append(known)
        return known

    def flush(self) -> list[Customer]:
        """Insert the queued customers (one statement), each with an unused referral code, and journal them."""
        pending, self.pending = self.pending, []
        if not pending:
            return []
        customers = [k.customer for k in pending if k.customer is not None]
        for customer, code in zip(customers, _unused_referral_codes(self.ctx.session, len(customers)), strict=True):
            customer.referral_code = code
        self.ctx.add_all(customers, "customer")
        for known, customer in zip(pending, customers, strict=True):
            known.id, known.customer = customer.id, None
        return customers


@contextmanager
def _indexes_only(session: Session) -> Iterator[None]:
    """PostgreSQL prices a batch's hundreds of index probes above a scan of the whole table (at 40,000
    customers a look-up took 174 ms scanning, 3 ms probing, and the scan grows with the table): the
    scan is turned off for this one statement of the transaction."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    session.execute(text("SET LOCAL enable_seqscan = off"))
    try:
        yield
    finally:
        session.execute(text("SET LOCAL enable_seqscan = on"))


def _unused_referral_codes(session: Session, count: int) -> list[str]:
    """``count`` different referral codes no customer holds, checked in one query per draw
    (``crm.codes.unused`` for many)."""
    codes: list[str] = []
    for _ in range(CODE_TRIES):
        drawn = {referral_code() for _ in range(count - len(codes))} - set(codes)
        taken = set(session.scalars(select(Customer.referral_code).where(Customer.referral_code.in_(drawn))))
        codes += sorted(drawn - taken)
        if len(codes) == count:
            return codes
    raise RecordConflict("could not draw an unused referral code; try again")


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
                     tier: str | None = None, limit: int = 50, offset: int = 0,
                     sort: str | None = None) -> tuple[list[Customer], int]:
    """A page of customers and the total, newest first unless ``sort`` says otherwise. ``q`` matches names
    whichever way they were typed ("علي كريمي" finds "علی کریمی"), telephone digits in any script ("۰۹۱۲۱۲۳"
    finds +98912123…), and e-mail."""
    stmt = customer_query(q=q, status=status, segment=segment, region=region, owner=owner, tier=tier)
    return page(session, ordered(stmt, "customers", sort), limit, offset)


def add_contact(ctx: Ctx, customer_id: int, data: Mapping[str, Any]) -> Contact:
    get_customer(ctx.session, customer_id)
    return ctx.add(Contact(customer_id=customer_id, **contact_values(data)), "contact")


def contacts_of(session: Session, customer_id: int) -> list[Contact]:
    get_customer(session, customer_id)
    return list(session.scalars(select(Contact).where(Contact.customer_id == customer_id).order_by(Contact.id)))


__all__ = ["LookAlike", "NewCustomers", "add_contact", "contacts_of", "create_customer", "customer_360",
           "customer_name_key", "customer_query", "duplicates_of", "find_customer_by_referral_code",
           "find_duplicates", "get_customer", "insert_customer", "mark_actual", "search_customers",
           "update_customer"]
