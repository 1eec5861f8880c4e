"""Complaints, suggestions and criticism: filed by a customer (or by someone with no account, through the
portal), routed to a team, escalated tier by tier (by choice or when the deadline passes), resolved, surveyed,
closed, and reopened when the customer is not satisfied.

The tracking code is the customer's only key to a complaint; ``public_view`` is all the portal ever shows
for it: the public notes and the public answer, never the internal resolution or notes. Lifecycle:
received → in_progress ⇄ escalated ⇄ waiting_customer → resolved → closed (resolved and closed may be
reopened). The handling steps (who worked it, the pause) are in ``crm.complaint_work``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from crm import lists
from crm.clock import as_utc, utcnow
from crm.codes import read_tracking_code, tracking_code, unused
from crm.customers import get_customer
from crm.errors import InvalidRecord, RecordConflict, RecordNotFound
from crm.models import Complaint, ComplaintUpdate, Customer
from crm.sorting import ordered
from crm.text import LOCALES, clean, guess_locale, name_key, persian_digits
from crm.unit import Ctx
from crm.validation import Form, fetch, fetch_in, only, page, parse_int, required_text

SEVERITIES = ("low", "medium", "high", "critical")
SEVERITY_LABELS = {"low": {"fa": "کم", "en": "low"}, "medium": {"fa": "متوسط", "en": "medium"},
                   "high": {"fa": "زیاد", "en": "high"}, "critical": {"fa": "بحرانی", "en": "critical"}}
CHANNELS = ("portal", "api", "phone", "email", "message")
STATUSES = ("received", "in_progress", "escalated", "waiting_customer", "resolved", "closed")
ACTIVE = ("received", "in_progress", "escalated", "waiting_customer")  # being handled
CATEGORY_LIST, KIND_LIST = "complaint_category", "complaint_kind"  # managed lists (crm.lists)
MAX_TEXT = 10_000
UNKNOWN_CODE = "no complaint has this tracking code"


def get_complaint(session: Session, complaint_id: int, *, lock: bool = False) -> Complaint:
    return fetch(session, Complaint, complaint_id, "complaint", lock=lock)


def by_tracking_code(session: Session, code: str, *, lock: bool = False) -> Complaint:
    """The complaint a typed code names; unknown and malformed codes are refused alike."""
    canonical = read_tracking_code(code)
    query = select(Complaint).where(Complaint.tracking_code == canonical)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    complaint = None if canonical is None else session.scalars(query).first()
    if complaint is None:
        raise RecordNotFound(UNKNOWN_CODE)
    return complaint


def _listed(session: Session, form: Form, name: str, field: str, *, default: str | None = None) -> str | None:
    """A managed list's key for what was typed (a key or a Persian/English label), else a field error."""
    if not form.given(field):
        if default is None:
            form.fail(field, "this field is required")
        return default
    try:
        return lists.key_of(session, name, form.data[field], field=field)
    except InvalidRecord as exc:
        for key, messages in (exc.field_errors or {field: [exc.message]}).items():
            form.errors.setdefault(key, []).extend(messages)
        return default


def _read(session: Session, data: Mapping[str, Any]) -> dict[str, Any]:
    form = Form(data)
    values = {
        "customer_id": form.record_id("customer_id"),
        "contact_name": form.text("contact_name"), "contact_mobile": form.phone("contact_mobile", mobile=True),
        "contact_email": form.email("contact_email"),
        "kind": _listed(session, form, KIND_LIST, "kind", default="complaint"),
        "category": _listed(session, form, CATEGORY_LIST, "category"),
        "severity": form.choice("severity", SEVERITIES, required=True),
        "channel": form.choice("channel", CHANNELS, required=True),
        "description": form.text("description", required=True, max_len=MAX_TEXT, plain=True),
        "process_instance_id": form.text("process_instance_id", max_len=36),
    }
    if values["customer_id"] is None and not form.errors.get("customer_id"):
        if not values["contact_name"] and "contact_name" not in form.errors:
            form.fail("contact_name", "give your name (or file for a known customer)")
        if not (values["contact_mobile"] or values["contact_email"]) and not (
                form.errors.get("contact_mobile") or form.errors.get("contact_email")):
            form.fail("contact_mobile", "give a mobile number or an email address so we can answer you")
    form.check("the complaint is not valid")
    if values["customer_id"] is not None:
        get_customer(session, values["customer_id"])
    return values


def check_complaint(session: Session, data: Mapping[str, Any]) -> dict[str, Any]:
    """The values a complaint filed with ``data`` would have; ``InvalidRecord`` (or ``RecordNotFound`` for an
    unknown customer) when it cannot be filed. Writes nothing: for checking a message before answering it."""
    return _read(session, data)


def match_customer(session: Session, mobile: str | None, email: str | None) -> int | None:
    """The one known customer with this mobile (E.164) or e-mail (any case); None when none or several."""
    conditions = []
    if mobile:
        conditions.append(Customer.mobile == mobile)
    if email:
        conditions.append(func.lower(Customer.email) == email.lower())
    if not conditions:
        return None
    found = list(session.scalars(select(Customer.id).where(or_(*conditions)).limit(2)))
    return found[0] if len(found) == 1 else None


def file_complaint(ctx: Ctx, data: Mapping[str, Any]) -> Complaint:
    """Record a complaint (``received``, tier 1) with a fresh, unguessable tracking code. One filed without a
    customer is linked to the known customer with the same mobile or e-mail; its language is the customer's,
    else the one it was written in."""
    values = _read(ctx.session, data)
    if values["customer_id"] is None:
        values["customer_id"] = match_customer(ctx.session, values["contact_mobile"], values["contact_email"])
    values["locale"] = guess_locale(f"{values['contact_name'] or ''} {values['description']}")
    code = unused(ctx.session, Complaint.tracking_code, tracking_code)
    complaint = Complaint(**values, tracking_code=code, status="received", tier=1, breaches=0, reopened=0)
    return ctx.add(complaint, "complaint")


def active(session: Session, complaint_id: int, action: str, statuses: tuple[str, ...] = ACTIVE) -> Complaint:
    return fetch_in(session, Complaint, complaint_id, "complaint", statuses, action)


def _handling(team: str, tier: int, sla_due: datetime | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if not isinstance(team, str) or not team.strip() or len(team) > 80:
        errors["team"] = ["a team name (1 to 80 characters)"]
    if isinstance(tier, bool) or not isinstance(tier, int) or not 1 <= tier <= 9:
        errors["tier"] = ["a tier from 1 to 9"]
    if sla_due is not None and not isinstance(sla_due, datetime):
        errors["sla_due"] = ["a date and time"]
    if errors:
        raise InvalidRecord("the routing is not valid", errors)
    return {"team": team.strip(), "tier": tier, "sla_due": as_utc(sla_due) if sla_due else None}


def route(ctx: Ctx, complaint_id: int, *, team: str, tier: int, sla_due: datetime | None) -> Complaint:
    """Hand the complaint to a team at a tier with a deadline; it is being handled (``in_progress``, or
    ``escalated`` above tier 1)."""
    values = _handling(team, tier, sla_due)
    complaint = active(ctx.session, complaint_id, "routed")
    status = "in_progress" if values["tier"] == 1 else "escalated"
    ctx.change(complaint, "complaint", {**values, "status": status, "paused_at": None})
    return complaint


def escalate(ctx: Ctx, complaint_id: int, *, team: str, tier: int, sla_due: datetime | None,
             breach: bool = True) -> Complaint:
    """One tier up (never down): by a missed deadline (``breach``, counted) or by the handler's choice. The
    customer sees a public note; the record has no assignee until someone takes it at the new tier."""
    values = _handling(team, tier, sla_due)
    complaint = active(ctx.session, complaint_id, "escalated")
    if tier < complaint.tier:
        raise InvalidRecord("an escalation never lowers the tier", {"tier": [f"at least {complaint.tier}"]})
    moved = tier > complaint.tier
    ctx.change(complaint, "complaint", {**values, "status": "escalated", "assignee": None,
                                        "breaches": complaint.breaches + (1 if breach else 0)})
    if moved:
        add_update(ctx, complaint.id, _escalated_text(ctx.session, complaint), public=True)
    return complaint


def count_breach(ctx: Ctx, complaint_id: int, *, sla_due: datetime | None) -> Complaint:
    """A deadline passed where there is no higher tier (managers, or a suggestion): counted, new deadline."""
    complaint = active(ctx.session, complaint_id, "overdue")
    ctx.change(complaint, "complaint", {"breaches": complaint.breaches + 1,
                                        "sla_due": as_utc(sla_due) if sla_due else None})
    return complaint


def assign(ctx: Ctx, complaint_id: int, assignee: str) -> Complaint:
    name = required_text(assignee, "assignee", max_len=150)
    complaint = active(ctx.session, complaint_id, "assigned")
    ctx.change(complaint, "complaint", {"assignee": name})
    return complaint


def add_update(ctx: Ctx, complaint_id: int, text: str, *, public: bool) -> ComplaintUpdate:
    """A note on the complaint; a ``public`` one is shown to the customer in the portal."""
    body = required_text(text, "text", MAX_TEXT)
    active(ctx.session, complaint_id, "noted", (*ACTIVE, "resolved"))
    update = ComplaintUpdate(complaint_id=complaint_id, at=utcnow(), author=ctx.actor, text=body, public=bool(public))
    return ctx.add(update, "complaint_update")


def updates(session: Session, complaint_id: int, *, public_only: bool = False) -> list[ComplaintUpdate]:
    query = select(ComplaintUpdate).where(ComplaintUpdate.complaint_id == complaint_id)
    if public_only:
        query = query.where(ComplaintUpdate.public.is_(True))
    return list(session.scalars(query.order_by(ComplaintUpdate.at, ComplaintUpdate.id)))


def resolve(ctx: Ctx, complaint_id: int, resolution: str, public_message: str | None = None) -> Complaint:
    """Record what was done (internal) and the answer for the customer (public: the portal shows only it)."""
    text = required_text(resolution, "resolution", MAX_TEXT)
    answer = public_message.strip() if isinstance(public_message, str) and public_message.strip() else None
    complaint = active(ctx.session, complaint_id, "resolved")
    ctx.change(complaint, "complaint", {"status": "resolved", "resolution": text, "public_resolution": answer,
                                        "resolved_at": utcnow(), "paused_at": None, "assignee": ctx.actor})
    return complaint


def answer_survey(ctx: Ctx, tracking_code: str, score: int, comment: str | None = None) -> Complaint:
    """The customer's satisfaction (1–5) with a resolved complaint; once only."""
    try:
        value = parse_int(score)
    except ValueError:
        value = 0
    if not 1 <= value <= 5:
        raise InvalidRecord("the score is from 1 to 5", {"score": ["a whole number from 1 to 5"]})
    if comment is not None and (not isinstance(comment, str) or len(comment) > 2000):
        raise InvalidRecord("the comment is too long", {"comment": ["text of at most 2000 characters"]})
    complaint = by_tracking_code(ctx.session, tracking_code, lock=True)
    if complaint.satisfaction is not None:
        raise RecordConflict("the survey for this complaint has already been answered")
    if complaint.status == "closed":
        raise RecordConflict("this complaint is closed and its survey with it; if the problem is back, "
                             "ask to reopen it or file a new complaint quoting its tracking code")
    if complaint.status != "resolved":
        raise RecordConflict("the survey opens once the complaint is resolved; it is still being handled")
    ctx.change(complaint, "complaint", {"satisfaction": value,
                                        "satisfaction_comment": (comment or "").strip() or None})
    return complaint


def close(ctx: Ctx, complaint_id: int, *, handling_seconds: int | None = None,
          now: datetime | None = None) -> Complaint:
    """Close a resolved complaint. ``handling_seconds`` is the working time from filing to resolution without
    the time spent waiting for the customer (the process counts it on the calendar); without it, the wall
    time from filing to resolution."""
    complaint = active(ctx.session, complaint_id, "closed", ("resolved",))
    closed_at = as_utc(now) if now else utcnow()
    if handling_seconds is None:
        resolved_at = complaint.resolved_at or closed_at
        handling_seconds = int((resolved_at - as_utc(complaint.created_at)).total_seconds())
    ctx.change(complaint, "complaint", {"status": "closed", "closed_at": closed_at,
                                        "handling_seconds": max(0, int(handling_seconds))})
    return complaint


def update_complaint(ctx: Ctx, complaint_id: int, changes: Mapping[str, Any]) -> tuple[Complaint, bool]:
    """Triage: correct the kind, category or severity, or link the complaint to a known customer, while it is
    handled. Returns the complaint and whether its routing or SLA must be worked out again."""
    only(changes, ("kind", "category", "severity", "customer_id"), "these fields cannot be changed here")
    complaint = active(ctx.session, complaint_id, "changed", (*ACTIVE, "resolved"))
    form = Form(changes)
    values = {"kind": _listed(ctx.session, form, KIND_LIST, "kind", default=complaint.kind),
              "category": _listed(ctx.session, form, CATEGORY_LIST, "category", default=complaint.category),
              "severity": form.choice("severity", SEVERITIES, default=complaint.severity),
              "customer_id": form.record_id("customer_id", default=complaint.customer_id)}
    if "customer_id" in changes and changes["customer_id"] is None:
        values["customer_id"] = None
    form.check("the change is not valid")
    if values["customer_id"] is not None and values["customer_id"] != complaint.customer_id:
        get_customer(ctx.session, values["customer_id"])
    diff = ctx.change(complaint, "complaint", values)
    return complaint, complaint.status in ACTIVE and bool({"kind", "category", "severity"} & set(diff))


def _search(q: str) -> Any:
    code = read_tracking_code(q)
    if code is not None:
        return Complaint.tracking_code == code
    contact = Complaint.contact_name.icontains(clean(q) or q.strip(), autoescape=True)  # stored cleaned
    key = name_key(q)
    if not key:
        return contact
    customers = select(Customer.id).where(Customer.name_key.contains(key, autoescape=True))
    return or_(contact, Complaint.customer_id.in_(customers))


def complaint_query(*, status: str | None = None, kind: str | None = None, category: str | None = None,
                    severity: str | None = None, team: str | None = None, assignee: str | None = None,
                    customer_id: int | None = None, q: str | None = None, tier: int | None = None,
                    created_from: datetime | None = None, created_to: datetime | None = None,
                    breached: bool | None = None) -> Select[Any]:
    """The select of the complaints ``list_complaints`` filters (its list and its export share it): received from
    ``created_from`` (inclusive) to ``created_to`` (exclusive); ``breached``: that breached their SLA at least
    once (or never, when false)."""
    query = select(Complaint)
    if created_from is not None:
        query = query.where(Complaint.created_at >= created_from)
    if created_to is not None:
        query = query.where(Complaint.created_at < created_to)
    if breached is not None:
        query = query.where(Complaint.breaches > 0 if breached else Complaint.breaches == 0)
    if status == "open":  # any status of those still being handled
        query, status = query.where(Complaint.status.in_(ACTIVE)), None
    if q and q.strip():
        query = query.where(_search(q))
    for column, value in ((Complaint.status, status), (Complaint.kind, kind), (Complaint.category, category),
                          (Complaint.severity, severity), (Complaint.team, team), (Complaint.assignee, assignee),
                          (Complaint.customer_id, customer_id), (Complaint.tier, tier)):
        if value is not None and value != "":
            query = query.where(column == value)
    return query


def list_complaints(session: Session, *, limit: int = 50, offset: int = 0, sort: str | None = None,
                    **filters: Any) -> tuple[list[Complaint], int]:
    """Complaints, newest first unless ``sort`` says otherwise, filtered; ``q`` finds a tracking code however
    typed (case, dashes, digits' script) or the complainant's name (normalised, the contact's or the customer's)."""
    return page(session, ordered(complaint_query(**filters), "complaints", sort), limit, offset)


def customer_names(session: Session, found: list[Complaint]) -> dict[int, str]:
    """The names of the known customers among ``found`` (the company's for a company), by customer id."""
    ids = {c.customer_id for c in found if c.customer_id is not None}
    if not ids:
        return {}
    rows = session.execute(select(Customer.id, Customer.kind, Customer.person_name, Customer.company_name)
                           .where(Customer.id.in_(ids)))
    return {row.id: (row.company_name if row.kind == "company" else row.person_name) or row.person_name
            or row.company_name or "" for row in rows}


# -- what the customer sees ---------------------------------------------------------------------------

TIERS = {"en": {1: "our support desk", 2: "a specialist team", 3: "senior management"},
         "fa": {1: "واحد پشتیبانی", 2: "تیم تخصصی", 3: "مدیریت ارشد"}}
ESCALATED = {"en": "Your complaint has been escalated to tier {tier} ({who}) so that it is handled sooner.",
             "fa": "شکایت شما برای رسیدگی سریع‌تر به سطح {tier} ({who}) ارجاع شد."}


def locale_of(session: Session, complaint: Complaint) -> str:
    """The complainant's language: a known customer's setting, else the one the complaint was written in."""
    if complaint.customer_id is not None:
        customer = session.get(Customer, complaint.customer_id)
        if customer is not None and customer.locale in LOCALES:
            return customer.locale
    return complaint.locale if complaint.locale in LOCALES else guess_locale(complaint.description)


def tier_text(locale: str, tier: int) -> str:
    return TIERS[locale][min(max(tier, 1), 3)]


def _escalated_text(session: Session, complaint: Complaint) -> str:
    locale = locale_of(session, complaint)
    tier = persian_digits(complaint.tier) if locale == "fa" else str(complaint.tier)
    return ESCALATED[locale].format(tier=tier, who=tier_text(locale, complaint.tier))


def public_view(session: Session, tracking_code: str) -> dict[str, Any]:
    """Only what the customer may see: never internal notes or the internal resolution, names of staff,
    contacts or other complaints. ``resolution`` is the public answer given at resolution."""
    complaint = by_tracking_code(session, tracking_code)
    locale = locale_of(session, complaint)
    done = complaint.status in ("resolved", "closed")
    return {
        "tracking_code": complaint.tracking_code, "kind": complaint.kind, "category": complaint.category,
        "status": complaint.status, "tier": tier_text(locale, complaint.tier), "created_at": complaint.created_at,
        "description": complaint.description,
        "updates": [{"at": u.at, "text": u.text} for u in updates(session, complaint.id, public_only=True)],
        "resolution": complaint.public_resolution if done else None,
        "survey_open": complaint.status == "resolved" and complaint.satisfaction is None,
    }
