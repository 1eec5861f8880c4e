"""Contracts: drafted, revised (every change kept as a revision: who, which fields, before and after),
sent through rounds of approval (one decision per level and round; nobody approves what they drafted or last
revised, and one person decides one level a round), then sent to the customer with an expiry, signed or
expired. A signed contract is a sale: the customer becomes actual, the purchase is recorded, the opportunity won.

draft ⇄ changes_requested → in_approval → approved | rejected; approved → sent → signed | expired."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from crm.clock import as_utc, utcnow
from crm.contract_terms import figures, parse_day, parse_instalments
from crm.customers import get_customer
from crm.errors import InvalidRecord, RecordConflict
from crm.list_filters import contract_conditions
from crm.models import Contract, ContractDecision, ContractRevision, Opportunity
from crm.opportunities import get_opportunity, move_stage
from crm.purchases import record_purchase
from crm.sorting import ordered
from crm.unit import Ctx
from crm.validation import Form, fetch, fetch_in, only, page

STATUSES = ("draft", "changes_requested", "in_approval", "approved", "rejected", "sent", "signed", "expired")
EDITING = ("draft", "changes_requested")
LEVELS = ("manager", "finance", "legal", "ceo")
DECISIONS = ("approve", "reject", "changes")
TERMS = ("title", "amount", "discount_percent", "terms", "standard_terms", "start_date", "end_date", "instalments")
SIGNED_VIA = ("code", "integration")
MAX_DOCUMENT = 2_000_000  # characters of HTML


def get_contract(session: Session, contract_id: int, *, lock: bool = False) -> Contract:
    return fetch(session, Contract, contract_id, "contract", lock=lock)


def _read(data: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    form = Form(data)
    values = {
        "title": form.text("title", required=not partial or "title" in data),
        "amount": form.amount("amount", required=not partial or "amount" in data),
        "discount_percent": form.integer("discount_percent", 0, 100, default=0),
        "terms": form.text("terms", max_len=100_000, plain=True) or "",
        "standard_terms": form.flag("standard_terms", default=True),
    }
    for name, read in (("start_date", parse_day), ("end_date", parse_day), ("instalments", parse_instalments)):
        try:
            values[name] = read(data.get(name), name)
        except InvalidRecord as exc:
            values[name] = None
            form.errors.update(exc.field_errors)
    if values["start_date"] and values["end_date"] and values["end_date"] < values["start_date"]:
        form.fail("end_date", "ends on or after the start date / پایان پس از آغاز است")
    if partial:
        values = {k: v for k, v in values.items() if k in data}
    else:
        values["customer_id"] = form.record_id("customer_id")
        values["opportunity_id"] = form.record_id("opportunity_id")
        values["process_instance_id"] = form.text("process_instance_id", max_len=36)
        if values["customer_id"] is None and "customer_id" not in form.errors:
            form.fail("customer_id", "this field is required")
    form.check("the contract is not valid")
    return values


def _plain(value: Any) -> Any:
    """A value as a revision keeps it (JSON): dates as ISO text."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def _require_terms(standard: bool, terms: str) -> None:
    if not standard and not terms:
        raise InvalidRecord("a contract off the standard terms states its terms",
                            {"terms": ["write the terms (or use the standard terms)"]})


def _in(session: Session, contract_id: int, statuses: tuple[str, ...], action: str) -> Contract:
    return fetch_in(session, Contract, contract_id, "contract", statuses, action)


def _revision(ctx: Ctx, contract: Contract, changes: dict[str, list[Any]]) -> ContractRevision:
    return ctx.add(ContractRevision(contract_id=contract.id, number=contract.revision, at=utcnow(), by=ctx.actor,
                                    changes=changes), "contract_revision")


def draft(ctx: Ctx, data: Mapping[str, Any]) -> Contract:
    """A new contract for a customer (``draft``, revision 1, no approval rounds yet)."""
    values = _read(data, partial=False)
    _require_terms(values["standard_terms"], values["terms"])
    get_customer(ctx.session, values["customer_id"])
    if values["opportunity_id"] is not None:
        _check_opportunity(ctx.session, values["opportunity_id"], values["customer_id"])
    contract = ctx.add(Contract(**values, status="draft", revision=1, rounds=0), "contract")
    _revision(ctx, contract, {k: [None, _plain(values[k])] for k in TERMS})
    return contract


def _check_opportunity(session: Session, opportunity_id: int, customer_id: int) -> Opportunity:
    opportunity = get_opportunity(session, opportunity_id)
    if opportunity.customer_id != customer_id:
        raise InvalidRecord("the opportunity is another customer's",
                            {"opportunity_id": ["an opportunity of this customer / فرصتِ همین مشتری"]})
    return opportunity


def revise(ctx: Ctx, contract_id: int, changes: Mapping[str, Any]) -> Contract:
    """Change the terms of a draft (or of a contract sent back for changes); a revision records the diff.
    A change that changes nothing makes no revision. The generated document, now stale, is dropped."""
    only(changes, TERMS, "these fields cannot be revised")
    contract = _in(ctx.session, contract_id, EDITING, "revised")
    values = _read(changes, partial=True)
    _require_terms(values.get("standard_terms", contract.standard_terms), values.get("terms", contract.terms))
    start, end = values.get("start_date", contract.start_date), values.get("end_date", contract.end_date)
    if start and end and end < start:
        raise InvalidRecord("the contract ends before it starts",
                            {"end_date": ["ends on or after the start date / پایان پس از آغاز است"]})
    diff = {k: [_plain(getattr(contract, k)), _plain(v)] for k, v in values.items() if getattr(contract, k) != v}
    if not diff:
        return contract
    ctx.change(contract, "contract", {**values, "revision": contract.revision + 1, "document_html": None})
    _revision(ctx, contract, diff)
    return contract


def submit(ctx: Ctx, contract_id: int) -> Contract:
    """Send the contract into a new round of approval."""
    contract = _in(ctx.session, contract_id, EDITING, "submitted for approval")
    ctx.change(contract, "contract", {"status": "in_approval", "rounds": contract.rounds + 1})
    return contract


def decide(ctx: Ctx, contract_id: int, *, level: str, decision: str, comment: str | None = None) -> ContractDecision:
    """One approver level's decision in the current round; rejecting or asking for changes needs a comment."""
    errors: dict[str, list[str]] = {}
    if level not in LEVELS:
        errors["level"] = [f"one of: {', '.join(LEVELS)}"]
    if decision not in DECISIONS:
        errors["decision"] = [f"one of: {', '.join(DECISIONS)}"]
    text = comment.strip() if isinstance(comment, str) else None
    if decision in ("reject", "changes") and not text:
        errors["comment"] = ["say why (a comment is required to reject or to ask for changes)"]
    if errors:
        raise InvalidRecord("the decision is not valid", errors)
    contract = _in(ctx.session, contract_id, ("in_approval",), "decided on")
    taken = ctx.session.scalar(select(func.count()).where(
        ContractDecision.contract_id == contract_id, ContractDecision.round == contract.rounds,
        ContractDecision.level == level))
    if taken:
        raise RecordConflict(f"the {level} level has already decided in round {contract.rounds}")
    check_decider(ctx.session, contract_id, level, ctx.actor)
    return ctx.add(ContractDecision(contract_id=contract_id, round=contract.rounds, level=level, decision=decision,
                                    comment=text or None, by=ctx.actor, at=utcnow()), "contract_decision")


def last_reviser(session: Session, contract_id: int) -> str | None:
    return session.scalar(select(ContractRevision.by).where(ContractRevision.contract_id == contract_id)
                          .order_by(ContractRevision.number.desc()).limit(1))


def round_decisions(session: Session, contract: Contract) -> list[ContractDecision]:
    """The decisions of the contract's current round, in the order they were taken."""
    return list(session.scalars(select(ContractDecision).where(
        ContractDecision.contract_id == contract.id, ContractDecision.round == contract.rounds)
        .order_by(ContractDecision.id)))


def check_decider(session: Session, contract_id: int, level: str, user: str | None) -> None:
    """The four-eyes rule: whoever drafted the contract or last revised it does not approve it, and one person
    decides at most one level in a round. Refused with RecordConflict; the level stays open for someone else."""
    if not user:
        return
    contract = get_contract(session, contract_id)
    if user in {contract.created_by, last_reviser(session, contract_id)}:
        raise RecordConflict(f"{user} drafted or last revised contract {contract_id} and may not decide on it; "
                             f"another approver of the {level} level decides / پیش‌نویس یا آخرین ویرایش این "
                             "قرارداد با شماست؛ تأیید آن با همکار دیگری است")
    other = [d.level for d in round_decisions(session, contract) if d.by == user and d.level != level]
    if other:
        raise RecordConflict(f"{user} already decided the {other[0]} level in round {contract.rounds}; one person "
                             f"decides one level a round / شما در این دور یک سطح را تصمیم گرفته‌اید")


def request_changes(ctx: Ctx, contract_id: int) -> Contract:
    contract = _in(ctx.session, contract_id, ("in_approval",), "sent back for changes")
    ctx.change(contract, "contract", {"status": "changes_requested"})
    return contract


def approve(ctx: Ctx, contract_id: int) -> Contract:
    contract = _in(ctx.session, contract_id, ("in_approval",), "approved")
    ctx.change(contract, "contract", {"status": "approved"})
    return contract


def reject(ctx: Ctx, contract_id: int) -> Contract:
    contract = _in(ctx.session, contract_id, ("in_approval",), "rejected")
    ctx.change(contract, "contract", {"status": "rejected"})
    return contract


def attach_document(ctx: Ctx, contract_id: int, html: str) -> Contract:
    """Keep the generated document (HTML) of a contract that is not yet sent."""
    if not isinstance(html, str) or not html.strip() or len(html) > MAX_DOCUMENT:
        raise InvalidRecord("the document is empty or too large", {"html": [f"1 to {MAX_DOCUMENT} characters"]})
    contract = _in(ctx.session, contract_id, (*EDITING, "in_approval", "approved"), "given a document")
    ctx.change(contract, "contract", {"document_html": html})
    return contract


def payable(contract: Contract) -> int:
    return figures(contract.amount, contract.discount_percent, contract.vat_percent).payable


def mark_sent(ctx: Ctx, contract_id: int, *, expires_at: datetime, vat_percent: int | None = None) -> Contract:
    """The approved contract, with its document, went to the customer; the offer stands until ``expires_at``."""
    if not isinstance(expires_at, datetime) or as_utc(expires_at) <= utcnow():
        raise InvalidRecord("the offer must expire in the future", {"expires_at": ["a future date and time"]})
    contract = _in(ctx.session, contract_id, ("approved",), "sent")
    if not contract.document_html:
        raise RecordConflict(f"contract {contract_id} has no document yet; attach it before sending")
    ctx.change(contract, "contract", {"status": "sent", "sent_at": utcnow(), "expires_at": as_utc(expires_at),
                                      **({"vat_percent": vat_percent} if vat_percent is not None else {})})
    return contract


def mark_signed(ctx: Ctx, contract_id: int, *, now: datetime | None = None, mobile: str | None = None,
                ip: str | None = None, via: str = "integration") -> Contract:
    """The customer signed a sent offer before it expired: a sale. The customer becomes actual, the payable
    amount is recorded as a purchase, and the contract's opportunity is won."""
    contract = _in(ctx.session, contract_id, ("sent",), "signed")
    at = as_utc(now) if now else utcnow()
    if contract.expires_at is not None and at >= contract.expires_at:
        raise RecordConflict(f"the offer expired at {contract.expires_at.isoformat()}; it can no longer be signed")
    purchase = record_purchase(ctx, contract.customer_id, amount=payable(contract), purchased_at=min(at, utcnow()),
                               channel="online" if via == "code" else "agent", reference=f"contract-{contract.id}")
    ctx.change(contract, "contract", {"status": "signed", "signed_at": at, "signed_mobile": mobile,
                                      "signed_ip": (ip or "")[:64] or None,
                                      "signed_via": via if via in SIGNED_VIA else "integration",
                                      "purchase_id": purchase.id})
    if contract.opportunity_id is not None:
        opportunity = get_opportunity(ctx.session, contract.opportunity_id)
        if opportunity.stage not in ("won", "lost"):
            move_stage(ctx, opportunity.id, "won", details={"contract_id": contract.id, "purchase_id": purchase.id})
    return contract


def mark_expired(ctx: Ctx, contract_id: int) -> Contract:
    contract = _in(ctx.session, contract_id, ("sent",), "expired")
    ctx.change(contract, "contract", {"status": "expired"})
    return contract


def revisions(session: Session, contract_id: int) -> list[ContractRevision]:
    get_contract(session, contract_id)
    return list(session.scalars(select(ContractRevision).where(ContractRevision.contract_id == contract_id)
                                .order_by(ContractRevision.number)))


def decisions(session: Session, contract_id: int) -> list[ContractDecision]:
    get_contract(session, contract_id)
    return list(session.scalars(select(ContractDecision).where(ContractDecision.contract_id == contract_id)
                                .order_by(ContractDecision.id)))


def contract_query(*, status: str | None = None, customer_id: int | None = None, **narrow: Any) -> Select[Any]:
    """The select of the contracts ``list_contracts`` filters; ``narrow`` takes
    ``list_filters.contract_conditions``' filters (a search, amount and period ranges, process instances)."""
    query = select(Contract).where(*contract_conditions(**narrow))
    if status:
        query = query.where(Contract.status == status)
    if customer_id is not None:
        query = query.where(Contract.customer_id == customer_id)
    return query


def list_contracts(session: Session, *, limit: int = 50, offset: int = 0, sort: str | None = None,
                   **filters: Any) -> tuple[list[Contract], int]:
    """A page of contracts (newest first unless ``sort`` says otherwise) and the total."""
    return page(session, ordered(contract_query(**filters), "contracts", sort), limit, offset)
