"""Leads: someone who may buy, captured from a web form, a call, a visit, a referral or a campaign.

A lead is scored (``qualifying``), then either qualified into a customer and an opportunity,
disqualified with a reason, or put to nurture until a recontact date. A lead that looks like an
existing customer is still captured; ``duplicate_of`` names that customer and qualifying links to it.

Product, region (a province) and source are keys of the managed lists ``product``, ``province`` and
``lead_source``: a key or its Persian or English label is accepted (``نرم‌افزار`` → ``software``), so the
decision tables that route and score a lead compare keys whatever language it was typed in."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from crm import lists
from crm.clock import as_utc, utcnow
from crm.customer_fields import customer_name_key
from crm.customers import create_customer, find_duplicates, get_customer
from crm.errors import InvalidRecord, RecordNotFound
from crm.funnel import DEFAULT, Funnel
from crm.models import Customer, Lead, Opportunity
from crm.opportunities import open_opportunity
from crm.sorting import ordered
from crm.text import ascii_digits, name_key
from crm.unit import Ctx
from crm.validation import Form, fetch, fetch_in, only, page, required_text

LISTED = {"product": "product", "region": "province", "source": "lead_source"}  # field → managed list
NEEDS = ("low", "medium", "high")
TIMELINES = ("now", "quarter", "year", "unknown")
STATUSES = ("new", "qualifying", "qualified", "disqualified", "nurture")
OPEN = ("new", "qualifying")  # still being worked: may be scored, qualified, disqualified or nurtured
EDITABLE = ("person_name", "company_name", "phone", "mobile", "email", "source", "product", "region",
            "estimated_revenue", "budget_confirmed", "authority", "need", "timeline")


def get_lead(session: Session, lead_id: int, *, lock: bool = False) -> Lead:
    return fetch(session, Lead, lead_id, "lead", lock=lock)


def _listed(session: Session, form: Form, field: str, *, required: bool = False) -> str | None:
    """The managed-list key a field names (given as a key or a Persian/English label), else a field error."""
    value = form.data.get(field)
    if value in (None, ""):
        if required:
            form.fail(field, "this field is required")
        return None
    try:
        return lists.key_of(session, LISTED[field], value, field=field)
    except InvalidRecord as exc:
        for message in exc.field_errors.get(field) or [exc.message]:
            form.fail(field, message)
        return None


def _read(session: Session, data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """The lead's own fields from a submission (for ``partial`` only those given), normalised."""
    form = Form(data)
    values: dict[str, Any] = {
        "person_name": form.text("person_name"), "company_name": form.text("company_name"),
        "phone": form.phone("phone"), "mobile": form.phone("mobile", mobile=True), "email": form.email("email"),
        "product": _listed(session, form, "product"), "region": _listed(session, form, "region"),
        "estimated_revenue": form.amount("estimated_revenue"),
        "budget_confirmed": form.flag("budget_confirmed"), "authority": form.flag("authority"),
        "need": form.choice("need", NEEDS), "timeline": form.choice("timeline", TIMELINES, default="unknown"),
    }
    if not partial:
        values["source"] = _listed(session, form, "source", required=True)
        values["referral_id"] = form.record_id("referral_id")
        values["process_instance_id"] = form.text("process_instance_id", max_len=36)
    else:
        values = {k: v for k, v in values.items() if k in data}
        if "source" in data:
            values["source"] = _listed(session, form, "source", required=True)
    form.check("the lead is not valid")
    return values


def _identity_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (values.get("person_name") or values.get("company_name")):
        errors["person_name"] = ["give a person's name or a company name"]
    if not (values.get("phone") or values.get("mobile") or values.get("email")):
        errors["mobile"] = ["give a mobile, a phone number or an email address to reach the lead by"]
    return errors


def _require_identity(values: Mapping[str, Any]) -> None:
    errors = _identity_errors(values)
    if errors:
        raise InvalidRecord("the lead is not valid", errors)


def _name(values: Mapping[str, Any]) -> str | None:
    return values.get("company_name") or values.get("person_name")


def _key(values: Mapping[str, Any]) -> str:
    """As a customer's: the own name's key (the company's, if any), then ``|`` and the other name's."""
    kind = "company" if values.get("company_name") else "person"
    return customer_name_key(kind, values.get("person_name"), values.get("company_name"))


def check_lead(session: Session, data: Mapping[str, Any]) -> dict[str, Any]:
    """A lead's submission checked and normalised without writing anything (the ``lead_received`` message is
    checked with it before it is answered); ``InvalidRecord`` with every field's problem otherwise."""
    try:
        values = _read(session, data)
    except InvalidRecord as exc:  # every problem at once: the identity's too
        raw = data if isinstance(data, Mapping) else {}
        identity = _identity_errors({k: raw.get(k) for k in ("person_name", "company_name", "phone", "mobile",
                                                              "email")})
        raise InvalidRecord(exc.message, {**identity, **exc.field_errors}) from None
    _require_identity(values)
    return values


def capture_lead(ctx: Ctx, data: Mapping[str, Any]) -> Lead:
    """Record a new lead (status ``new``); a likely existing customer is named in ``duplicate_of``."""
    values = check_lead(ctx.session, data)
    duplicates = find_duplicates(ctx.session, name=_name(values), phone=values["phone"], mobile=values["mobile"],
                                 email=values["email"])
    lead = Lead(**values, name_key=_key(values), status="new",
                duplicate_of=duplicates[0].id if duplicates else None)
    return ctx.add(lead, "lead")


def update_lead(ctx: Ctx, lead_id: int, changes: Mapping[str, Any]) -> Lead:
    """Correct the lead's own fields (names, contacts, source, product, BANT answers) while it is open or nurtured."""
    only(changes, EDITABLE, "these fields cannot be changed here")
    lead = _in(ctx.session, lead_id, (*OPEN, "nurture"), "corrected")
    values = _read(ctx.session, changes, partial=True)
    merged = {field: values.get(field, getattr(lead, field)) for field in ("person_name", "company_name", "phone",
                                                                            "mobile", "email")}
    _require_identity(merged)
    ctx.change(lead, "lead", {**values, "name_key": _key(merged)})
    return lead


def _in(session: Session, lead_id: int, statuses: tuple[str, ...], action: str) -> Lead:
    return fetch_in(session, Lead, lead_id, "lead", statuses, action)


def score_parts(points: Any, why: Any) -> list[dict[str, Any]]:
    """The score's parts from the scoring table's collected outputs: ``[{"why": key, "points": n}]``
    (rules giving no points left out)."""
    points = points if isinstance(points, list) else [points] if points is not None else []
    why = why if isinstance(why, list) else [why] * len(points)
    return [{"why": str(reason or "other"), "points": int(n)} for n, reason in zip(points, why)
            if isinstance(n, int) and not isinstance(n, bool) and n]


def set_score(ctx: Ctx, lead_id: int, *, score: int, grade: str, sales_group: str,
              parts: list[dict[str, Any]] | None = None) -> Lead:
    """Store the scoring decision's result (and its parts); the lead is now ``qualifying``."""
    form = Form({"score": score, "grade": grade, "sales_group": sales_group})
    values = {"score": form.integer("score", 0, 1000), "grade": form.text("grade", required=True, max_len=8),
              "sales_group": form.text("sales_group", required=True, max_len=80)}
    form.check("the score is not valid")
    lead = _in(ctx.session, lead_id, OPEN, "scored")
    ctx.change(lead, "lead", {**values, "status": "qualifying", "score_parts": parts})
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
            owner: str | None = None, funnel: Funnel = DEFAULT) -> tuple[Customer, Opportunity]:
    """Turn the lead into a customer (the duplicate it names, else a new potential one) and an opportunity
    at the funnel's entry stage (``qualification``)."""
    lead = _in(ctx.session, lead_id, OPEN, "qualified")
    customer = _customer_for(ctx, lead, owner)
    opportunity = open_opportunity(ctx, customer_id=customer.id, title=title, amount=amount, stage=funnel.entry,
                                   lead_id=lead.id, owner=owner, expected_close=expected_close, funnel=funnel)
    ctx.change(lead, "lead", {"status": "qualified", "customer_id": customer.id})
    return customer, opportunity


def disqualify(ctx: Ctx, lead_id: int, reason: str, comment: str | None = None) -> Lead:
    """Close the lead as not a fit: ``reason`` is a key (or label) of the ``disqualify_reason`` list, the
    comment is optional; both are kept."""
    key = lists.key_of(ctx.session, "disqualify_reason", required_text(reason, "reason", 120), field="reason")
    note = comment.strip() or None if isinstance(comment, str) else None
    lead = _in(ctx.session, lead_id, (*OPEN, "nurture"), "disqualified")
    ctx.change(lead, "lead", {"status": "disqualified", "disqualify_reason": key, "disqualify_comment": note})
    return lead


def nurture(ctx: Ctx, lead_id: int, recontact_at: datetime, *, by: str | None = None) -> Lead:
    """Not now: keep the lead warm and contact it again at ``recontact_at`` (in the future); the call then
    comes back to ``by`` (who nurtured it)."""
    if not isinstance(recontact_at, datetime) or as_utc(recontact_at) <= utcnow():
        raise InvalidRecord("the recontact time must be in the future", {"recontact_at": ["a future date and time"]})
    lead = _in(ctx.session, lead_id, OPEN, "nurtured")
    ctx.change(lead, "lead", {"status": "nurture", "recontact_at": as_utc(recontact_at), "recontact_by": by})
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


def lead_query(*, status: str | None = None, source: str | None = None, sales_group: str | None = None,
               q: str | None = None, product: str | None = None, region: str | None = None,
               created_from: datetime | None = None) -> Select[Any]:
    """The select of the leads ``list_leads`` filters (its list and its export share it), unordered."""
    query = select(Lead)
    if created_from is not None:
        query = query.where(Lead.created_at >= created_from)
    for column, value in ((Lead.status, status), (Lead.source, source), (Lead.sales_group, sales_group),
                          (Lead.product, product), (Lead.region, region)):
        if value:
            query = query.where(column == value)
    if q and q.strip():
        query = query.where(_search(q))
    return query


def list_leads(session: Session, *, limit: int = 50, offset: int = 0, sort: str | None = None,
               **filters: Any) -> tuple[list[Lead], int]:
    """Leads, newest first unless ``sort`` says otherwise, filtered; ``q`` searches names (Persian or English,
    normalised), email and phone."""
    return page(session, ordered(lead_query(**filters), "leads", sort), limit, offset)
