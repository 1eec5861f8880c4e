"""Leads: someone who may buy, captured from a web form, a call, a visit, a referral or a campaign.

A lead is scored (``qualifying``), then either qualified into a customer and an opportunity,
disqualified with a reason, or put to nurture until a recontact date. A lead that looks like an
existing customer is still captured; ``duplicate_of`` names that customer and qualifying links to it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from crm.clock import as_utc, utcnow
from crm.customer_fields import customer_name_key
from crm.customers import create_customer, find_duplicates, get_customer
from crm.errors import InvalidRecord, RecordNotFound
from crm.models import Customer, Lead, Opportunity
from crm.opportunities import open_opportunity
from crm.text import ascii_digits, name_key
from crm.unit import Ctx
from crm.validation import Form, fetch, fetch_in, only, page, required_text

SOURCES = ("web_form", "phone", "walk_in", "referral", "campaign")
NEEDS = ("low", "medium", "high")
TIMELINES = ("now", "quarter", "year", "unknown")
STATUSES = ("new", "qualifying", "qualified", "disqualified", "nurture")
OPEN = ("new", "qualifying")  # still being worked: may be scored, qualified, disqualified or nurtured
EDITABLE = ("person_name", "company_name", "phone", "mobile", "email", "product", "region", "estimated_revenue",
            "budget_confirmed", "authority", "need", "timeline")


def get_lead(session: Session, lead_id: int, *, lock: bool = False) -> Lead:
    return fetch(session, Lead, lead_id, "lead", lock=lock)


def _read(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """The lead's own fields from a submission (for ``partial`` only those given), normalised."""
    form = Form(data)
    values: dict[str, Any] = {
        "person_name": form.text("person_name"), "company_name": form.text("company_name"),
        "phone": form.phone("phone"), "mobile": form.phone("mobile", mobile=True), "email": form.email("email"),
        "product": form.text("product", max_len=120), "region": form.text("region", max_len=120),
        "estimated_revenue": form.amount("estimated_revenue"),
        "budget_confirmed": form.flag("budget_confirmed"), "authority": form.flag("authority"),
        "need": form.choice("need", NEEDS), "timeline": form.choice("timeline", TIMELINES, default="unknown"),
    }
    if not partial:
        values["source"] = form.choice("source", SOURCES, required=True)
        values["referral_id"] = form.record_id("referral_id")
        values["process_instance_id"] = form.text("process_instance_id", max_len=36)
    else:
        values = {k: v for k, v in values.items() if k in data}
    form.check("the lead is not valid")
    return values


def _require_identity(values: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if not (values.get("person_name") or values.get("company_name")):
        errors["person_name"] = ["give a person's name or a company name"]
    if not (values.get("phone") or values.get("mobile") or values.get("email")):
        errors["mobile"] = ["give a mobile, a phone number or an email address to reach the lead by"]
    if errors:
        raise InvalidRecord("the lead is not valid", errors)


def _name(values: Mapping[str, Any]) -> str | None:
    return values.get("company_name") or values.get("person_name")


def _key(values: Mapping[str, Any]) -> str:
    """As a customer's: the own name's key (the company's, if any), then ``|`` and the other name's."""
    kind = "company" if values.get("company_name") else "person"
    return customer_name_key(kind, values.get("person_name"), values.get("company_name"))


def capture_lead(ctx: Ctx, data: Mapping[str, Any]) -> Lead:
    """Record a new lead (status ``new``); a likely existing customer is named in ``duplicate_of``."""
    values = _read(data)
    _require_identity(values)
    duplicates = find_duplicates(ctx.session, name=_name(values), phone=values["phone"], mobile=values["mobile"],
                                 email=values["email"])
    lead = Lead(**values, name_key=_key(values), status="new",
                duplicate_of=duplicates[0].id if duplicates else None)
    return ctx.add(lead, "lead")


def update_lead(ctx: Ctx, lead_id: int, changes: Mapping[str, Any]) -> Lead:
    """Correct the lead's own fields (names, contacts, product, BANT answers) while it is open or nurtured."""
    only(changes, EDITABLE, "these fields cannot be changed here")
    lead = _in(ctx.session, lead_id, (*OPEN, "nurture"), "corrected")
    values = _read(changes, partial=True)
    merged = {field: values.get(field, getattr(lead, field)) for field in ("person_name", "company_name", "phone",
                                                                            "mobile", "email")}
    _require_identity(merged)
    ctx.change(lead, "lead", {**values, "name_key": _key(merged)})
    return lead


def _in(session: Session, lead_id: int, statuses: tuple[str, ...], action: str) -> Lead:
    return fetch_in(session, Lead, lead_id, "lead", statuses, action)


def set_score(ctx: Ctx, lead_id: int, *, score: int, grade: str, sales_group: str) -> Lead:
    """Store the scoring decision's result; the lead is now ``qualifying``."""
    form = Form({"score": score, "grade": grade, "sales_group": sales_group})
    values = {"score": form.integer("score", 0, 1000), "grade": form.text("grade", required=True, max_len=8),
              "sales_group": form.text("sales_group", required=True, max_len=80)}
    form.check("the score is not valid")
    lead = _in(ctx.session, lead_id, OPEN, "scored")
    ctx.change(lead, "lead", {**values, "status": "qualifying"})
    return lead


def _customer_for(ctx: Ctx, lead: Lead, owner: str | None) -> Customer:
    if lead.customer_id is not None:
        return get_customer(ctx.session, lead.customer_id)
    if lead.duplicate_of is not None:
        try:
            return get_customer(ctx.session, lead.duplicate_of)
        except RecordNotFound:
            pass
    customer, _ = create_customer(ctx, {
        "kind": "company" if lead.company_name else "person", "company_name": lead.company_name,
        "person_name": lead.person_name, "phone": lead.phone, "mobile": lead.mobile, "email": lead.email,
        "region": lead.region, "channel": lead.source, "owner": owner,
        "interests": [lead.product] if lead.product else [],
    })
    return customer


def qualify(ctx: Ctx, lead_id: int, *, title: str, amount: int, expected_close: date | None = None,
            owner: str | None = None) -> tuple[Customer, Opportunity]:
    """Turn the lead into a customer (the duplicate it names, else a new potential one) and an opportunity
    at the ``qualification`` stage."""
    lead = _in(ctx.session, lead_id, OPEN, "qualified")
    customer = _customer_for(ctx, lead, owner)
    opportunity = open_opportunity(ctx, customer_id=customer.id, title=title, amount=amount, stage="qualification",
                                   lead_id=lead.id, owner=owner, expected_close=expected_close)
    ctx.change(lead, "lead", {"status": "qualified", "customer_id": customer.id})
    return customer, opportunity


def disqualify(ctx: Ctx, lead_id: int, reason: str) -> Lead:
    """Close the lead as not a fit; the reason is required and kept."""
    text = required_text(reason, "reason")
    lead = _in(ctx.session, lead_id, (*OPEN, "nurture"), "disqualified")
    ctx.change(lead, "lead", {"status": "disqualified", "disqualify_reason": text})
    return lead


def nurture(ctx: Ctx, lead_id: int, recontact_at: datetime) -> Lead:
    """Not now: keep the lead warm and contact it again at ``recontact_at`` (in the future)."""
    if not isinstance(recontact_at, datetime) or as_utc(recontact_at) <= utcnow():
        raise InvalidRecord("the recontact time must be in the future", {"recontact_at": ["a future date and time"]})
    lead = _in(ctx.session, lead_id, OPEN, "nurtured")
    ctx.change(lead, "lead", {"status": "nurture", "recontact_at": as_utc(recontact_at)})
    return lead


def reopen(ctx: Ctx, lead_id: int) -> Lead:
    """The recontact time came: the nurtured lead is worked again (``qualifying``)."""
    lead = _in(ctx.session, lead_id, ("nurture",), "reopened")
    ctx.change(lead, "lead", {"status": "qualifying", "recontact_at": None})
    return lead


def _search(q: str) -> Any:
    """Match the normalised name, the email, or the digits of a phone number (with or without its 0)."""
    conditions = [Lead.email.contains(q.strip().lower(), autoescape=True)]
    key = name_key(q)
    if key:
        conditions.append(Lead.name_key.contains(key, autoescape=True))
    digits = "".join(c for c in ascii_digits(q) if c.isdigit()).lstrip("0")
    if len(digits) >= 4:
        conditions += [Lead.mobile.contains(digits, autoescape=True), Lead.phone.contains(digits, autoescape=True)]
    return or_(*conditions)


def list_leads(session: Session, *, status: str | None = None, source: str | None = None,
               sales_group: str | None = None, q: str | None = None, limit: int = 50,
               offset: int = 0) -> tuple[list[Lead], int]:
    """Leads, newest first, filtered; ``q`` searches names (Persian or English, normalised), email and phone."""
    query = select(Lead)
    for column, value in ((Lead.status, status), (Lead.source, source), (Lead.sales_group, sales_group)):
        if value:
            query = query.where(column == value)
    if q and q.strip():
        query = query.where(_search(q))
    return page(session, query.order_by(Lead.id.desc()), limit, offset)
