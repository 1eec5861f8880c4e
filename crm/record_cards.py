"""A record's card: the few fields that matter when working on it (beside a task's form, atop its history),
each with its label in Persian and English and, where the value is a key of a list or a state, its words too.

A card is ``{"type", "id", "label", "title", "url", "status", "fields": [...]}``; a field is ``{"name", "label",
"kind", "value"}`` plus ``"text"`` (``{"fa", "en"}``) for listed values, ``"href"`` for links and ``"items"`` for
lists (the score's reasons, a contract's changes). ``kind`` tells the reader how to show ``value``: text,
longtext, phone, email, money, percent, number, date, datetime, label, link, score (with its ``grade``), why,
changes, counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm import lists
from crm.complaints import ACTIVE as COMPLAINT_ACTIVE
from crm.complaints import CATEGORY_LIST, KIND_LIST, SEVERITY_LABELS
from crm.contract_terms import figures
from crm.errors import RecordNotFound
from crm.leads import OPEN as LEAD_OPEN
from crm.models import (
    Complaint,
    Contract,
    ContractDecision,
    ContractRevision,
    Customer,
    Lead,
    LoyaltyAccount,
    Opportunity,
    Referral,
)
from crm.record_labels import Label, field_label, record_label, status_label
from crm.text import persian_digits

MODELS: dict[str, type[Any]] = {"customer": Customer, "lead": Lead, "opportunity": Opportunity,
                                "complaint": Complaint, "contract": Contract, "referral": Referral}
PAGES = {"customer": "customers", "lead": "leads", "opportunity": "opportunities", "complaint": "complaints",
         "contract": "contracts", "referral": "referrals"}
CLOSED_STAGES = ("won", "lost")
SETTLED_CONTRACTS = ("signed", "rejected", "expired")
NOT_FOUND = {"fa": "{what} شمارهٔ {id} پیدا نشد", "en": "{what} {id} was not found"}
Why = Callable[[Lead], list[dict[str, Any]]]
LEVELS = {"manager": ("مدیر فروش", "Sales manager"), "finance": ("مالی", "Finance"), "legal": ("حقوقی", "Legal"),
          "ceo": ("مدیرعامل", "CEO")}
DECISIONS = {"approve": ("تأیید کرد", "approved"), "reject": ("رد کرد", "rejected"),
             "changes": ("اصلاح خواست", "asked for changes")}


def url_of(record_type: str, record_id: int | str) -> str:
    """The web address of the record's page."""
    return f"/app/{PAGES[record_type]}/{record_id}"


def not_found(record_type: str, record_id: Any, locale: str) -> RecordNotFound:
    """The record is unknown (or out of the reader's sight): said in the reader's language."""
    lang = "fa" if locale == "fa" else "en"
    return RecordNotFound(NOT_FOUND[lang].format(what=record_label(record_type)[lang], id=record_id))


def load(session: Session, record_type: str, record_id: int, locale: str) -> Any:
    """The record, or ``RecordNotFound`` in the reader's language."""
    model = MODELS.get(record_type)
    found = session.get(model, record_id) if model is not None else None
    if found is None:
        raise not_found(record_type, record_id, locale)
    return found


def _field(name: str, value: Any, kind: str = "text", *, label: Label | None = None, text: Label | None = None,
           href: str | None = None, items: list[Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "label": label or field_label(name), "kind": kind, "value": value}
    if text is not None:
        out["text"] = text
    if href is not None:
        out["href"] = href
    if items is not None:
        out["items"] = items
    return out


def _listed(session: Session, list_name: str, key: str | None) -> Label | None:
    if not key:
        return None
    return {"fa": lists.label(session, list_name, key, "fa"), "en": lists.label(session, list_name, key, "en")}


def customer_name(customer: Customer | None) -> str | None:
    if customer is None:
        return None
    own = customer.company_name if customer.kind == "company" else customer.person_name
    return own or customer.person_name or customer.company_name


def _customer_link(session: Session, customer_id: int | None, name: str = "customer") -> dict[str, Any]:
    customer = session.get(Customer, customer_id) if customer_id is not None else None
    if customer is None:
        return _field(name, None, "link")
    return _field(name, customer_name(customer) or f"#{customer_id}", "link", href=url_of("customer", customer.id))


def _status(record_type: str, value: Any) -> dict[str, Any]:
    return {"value": value, "label": status_label(record_type, value) or {"fa": str(value), "en": str(value)}}


def _lead(session: Session, lead: Lead, why: Why | None) -> tuple[str, list[dict[str, Any]]]:
    phone = lead.mobile or lead.phone
    owner = getattr(lead, "owner", None)
    fields = [
        _field("person_name", lead.person_name), _field("company_name", lead.company_name),
        _field("mobile", lead.mobile, "phone"), _field("phone", lead.phone, "phone"),
        _field("source", lead.source, "label", text=_listed(session, "lead_source", lead.source)),
        _field("product", lead.product, "label", text=_listed(session, "product", lead.product)),
        {**_field("score", lead.score, "score"), "grade": lead.grade},
        _field("why", None, "why", items=why(lead) if why else []),
        _field("status", lead.status, "label", text=status_label("lead", lead.status)),
        # a person who holds it, else the sales group it was routed to (named as such, not as its owner)
        _field("owner", owner) if owner else _field("sales_group", lead.sales_group),
    ]
    title = " — ".join(part for part in (lead.company_name or lead.person_name, phone) if part) or f"#{lead.id}"
    return title, fields


def _complaint(session: Session, complaint: Complaint) -> tuple[str, list[dict[str, Any]]]:
    severity = SEVERITY_LABELS.get(complaint.severity)
    fields = [
        _field("tracking_code", complaint.tracking_code),
        _customer_link(session, complaint.customer_id),
        _field("contact_name", complaint.contact_name),
        _field("contact_mobile", complaint.contact_mobile, "phone"),
        _field("kind", complaint.kind, "label", text=_listed(session, KIND_LIST, complaint.kind)),
        _field("category", complaint.category, "label", text=_listed(session, CATEGORY_LIST, complaint.category)),
        _field("severity", complaint.severity, "label", text=dict(severity) if severity else None),
        _field("tier", complaint.tier, "number"),
        _field("sla_due", complaint.sla_due, "datetime"),
        _field("status", complaint.status, "label", text=status_label("complaint", complaint.status)),
        _field("description", complaint.description, "longtext"),
    ]
    return f"{complaint.tracking_code} — {complaint.contact_name or ''}".rstrip(" —"), fields


def _contract_changes(session: Session, contract: Contract) -> list[dict[str, Any]]:
    """What changed in the contract since the previous approval round was decided: each field's value then and
    now (every revision since the draft when it has had one round or none)."""
    since = None
    if contract.rounds > 1:
        since = session.scalar(select(func.max(ContractDecision.at)).where(
            ContractDecision.contract_id == contract.id, ContractDecision.round == contract.rounds - 1))
    stmt = select(ContractRevision).where(ContractRevision.contract_id == contract.id)
    if since is None and contract.rounds <= 1:
        stmt = stmt.where(ContractRevision.number > 1)
    elif since is not None:
        stmt = stmt.where(ContractRevision.at > since)
    merged: dict[str, list[Any]] = {}
    for revision in session.scalars(stmt.order_by(ContractRevision.number)):
        for name, pair in (revision.changes or {}).items():
            if isinstance(pair, list) and len(pair) == 2 and name != "document_html":
                merged[name] = [merged[name][0] if name in merged else pair[0], pair[1]]
    return [{"name": name, "label": field_label(name), "before": pair[0], "after": pair[1]}
            for name, pair in merged.items() if pair[0] != pair[1]]


def levels_in_words(levels: list[str]) -> Label:
    """Approval levels in words, in both languages («مالی، حقوقی», "Finance, Legal")."""
    return {"fa": "، ".join(LEVELS.get(key, (key, key))[0] for key in levels),
            "en": ", ".join(LEVELS.get(key, (key, key))[1] for key in levels)}


def _level_words(waiting: list[str], decided: list[ContractDecision],
                 person: Callable[[str], Label] | None = None) -> Label | None:
    """Which approval levels the contract waits for, and who decided what this round (each approver named by
    ``person``: their display name; the user name without it), in both languages."""
    def level(key: str, lang: int) -> str:
        return LEVELS.get(key, (key, key))[lang]

    awaited = levels_in_words(waiting)
    out = {}
    for lang, code in ((0, "fa"), (1, "en")):
        parts = [("در انتظار: " if code == "fa" else "Awaiting: ") + awaited[code]] if waiting else []
        parts += [f"{level(d.level, lang)} {DECISIONS.get(d.decision, (d.decision, d.decision))[lang]}"
                  + (f" ({person(d.by)[code] if person else d.by})" if d.by else "") for d in decided]
        out[code] = "؛ ".join(parts) if code == "fa" else "; ".join(parts)
    return out if out["en"] else None


def _contract(session: Session, contract: Contract, waiting: list[str], vat_percent: int | None,
              person: Callable[[str], Label] | None = None) -> tuple[str, list[dict[str, Any]]]:
    # the rate fixed when it was sent, else the one it would be sent with now
    sums = figures(contract.amount, contract.discount_percent,
                   contract.vat_percent if contract.vat_percent is not None else vat_percent)
    decided = list(session.scalars(select(ContractDecision).where(
        ContractDecision.contract_id == contract.id, ContractDecision.round == contract.rounds)
        .order_by(ContractDecision.id)))
    fields = [
        _field("title", contract.title),
        _customer_link(session, contract.customer_id),
        _field("amount", contract.amount, "money"),
        _field("discount_percent", contract.discount_percent, "percent"),
        _field("discount", sums.discount, "money"),
        _field("vat", sums.vat, "money",
               label={"fa": f"مالیات ({persian_digits(sums.vat_percent)}٪)", "en": f"VAT ({sums.vat_percent}%)"}),
        _field("payable", sums.payable, "money"),
        _field("status", contract.status, "label", text=status_label("contract", contract.status)),
        _field("level", waiting or None, "label", text=_level_words(waiting, decided, person)),
        _field("rounds", contract.rounds, "number"),
        _field("changes", None, "changes", items=_contract_changes(session, contract)),
    ]
    return f"#{contract.id} — {contract.title}", fields


def _referral(session: Session, referral: Referral) -> tuple[str, list[dict[str, Any]]]:
    reward = None
    if referral.reward_kind and referral.reward_value is not None:
        reward = {"points": {"fa": f"{referral.reward_value} امتیاز", "en": f"{referral.reward_value} points"},
                  "discount": {"fa": f"{referral.reward_value}٪ تخفیف", "en": f"{referral.reward_value}% discount"},
                  }.get(referral.reward_kind)
    fields = [
        _customer_link(session, referral.referrer_id, "referrer"),
        _field("referred_name", referral.referred_name),
        _field("referred_mobile", referral.referred_mobile, "phone"),
        _field("status", referral.status, "label", text=status_label("referral", referral.status)),
        _field("reward", referral.reward_value, "label" if reward else "text", text=reward),
    ]
    return f"{referral.referred_name} ({referral.code})", fields


def _opportunity(session: Session, opportunity: Opportunity) -> tuple[str, list[dict[str, Any]]]:
    stage = status_label("opportunity", opportunity.stage)
    fields = [
        _field("title", opportunity.title),
        _customer_link(session, opportunity.customer_id),
        _field("stage", opportunity.stage, "label", text=stage or {"fa": opportunity.stage, "en": opportunity.stage}),
        _field("amount", opportunity.amount, "money"),
        _field("probability", opportunity.probability, "percent"),
        _field("expected_close", opportunity.expected_close, "date"),
        _field("owner", opportunity.owner),
    ]
    return opportunity.title, fields


def _count(session: Session, model: type[Any], *where: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _customer(session: Session, customer: Customer) -> tuple[str, list[dict[str, Any]]]:
    account = session.get(LoyaltyAccount, customer.id)
    tiers = {"bronze": ("برنزی", "Bronze"), "silver": ("نقره‌ای", "Silver"), "gold": ("طلایی", "Gold"),
             "platinum": ("پلاتینی", "Platinum")}
    tier = account.tier if account else None
    tier_text = {"fa": tiers[tier][0], "en": tiers[tier][1]} if tier in tiers else None
    cid = customer.id
    items = [
        {"name": "open_leads", "label": field_label("open_leads"),
         "count": _count(session, Lead, Lead.customer_id == cid, Lead.status.in_(LEAD_OPEN))},
        {"name": "open_opportunities", "label": field_label("open_opportunities"),
         "count": _count(session, Opportunity, Opportunity.customer_id == cid,
                         Opportunity.stage.not_in(CLOSED_STAGES))},
        {"name": "open_complaints", "label": field_label("open_complaints"),
         "count": _count(session, Complaint, Complaint.customer_id == cid, Complaint.status.in_(COMPLAINT_ACTIVE))},
        {"name": "open_contracts", "label": field_label("open_contracts"),
         "count": _count(session, Contract, Contract.customer_id == cid, Contract.status.not_in(SETTLED_CONTRACTS))},
    ]
    fields = [
        _field("name", customer_name(customer)),
        _field("mobile", customer.mobile, "phone"), _field("phone", customer.phone, "phone"),
        _field("email", customer.email, "email"),
        _field("tier", tier, "label" if tier_text else "text", text=tier_text),
        _field("status", customer.status, "label", text=status_label("customer", customer.status)),
        _field("owner", customer.owner),
        _field("open_items", sum(item["count"] for item in items), "counts", items=items),
    ]
    phone = customer.mobile or customer.phone
    return " — ".join(part for part in (customer_name(customer), phone) if part) or f"#{cid}", fields


def card(session: Session, record_type: str, record: Any, *, why: Why | None = None,
         waiting: list[str] | None = None, vat_percent: int | None = None,
         person: Callable[[str], Label] | None = None) -> dict[str, Any]:
    """The card of ``record`` (of ``record_type``, one of MODELS); ``why`` gives a lead's score in words,
    ``waiting`` the approval levels a contract waits for (its process's open approval tasks), ``vat_percent``
    the VAT rate a contract not yet sent would be sent with (the setting), ``person`` who a user name is in
    words ({fa, en}: the approvers who decided)."""
    build: dict[str, Callable[[], tuple[str, list[dict[str, Any]]]]] = {
        "lead": lambda: _lead(session, record, why), "complaint": lambda: _complaint(session, record),
        "contract": lambda: _contract(session, record, waiting or [], vat_percent, person),
        "referral": lambda: _referral(session, record),
        "opportunity": lambda: _opportunity(session, record), "customer": lambda: _customer(session, record),
    }
    title, fields = build[record_type]()
    state = record.stage if record_type == "opportunity" else record.status
    return {"type": record_type, "id": record.id, "label": record_label(record_type), "title": title,
            "url": url_of(record_type, record.id), "status": _status(record_type, state), "fields": fields,
            "process_instance_id": getattr(record, "process_instance_id", None)}
