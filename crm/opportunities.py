"""Opportunities: a possible sale to a customer, moving through the funnel's stages.

An opportunity comes from a qualified lead, or is opened for an existing customer directly (``kind``:
``new``, ``upsell`` or ``renewal``). Every stay in a stage is a ``StageVisit`` row (entered, left), so
conversion between stages and the time spent in each can be measured. ``won`` and ``lost`` are final: an
opportunity never leaves them. Won makes the customer actual and may name the contract or purchase it
became; lost takes a reason (a key of the ``loss_reason`` list) and an optional comment. The stages and
their chances come from the funnel (``crm.funnel``: a setting). Only the owner, a manager or an
administrator may change someone's opportunity (``may_change``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from crm import lists
from crm.clock import utcnow
from crm.customers import mark_actual
from crm.dates import parse_day
from crm.errors import InvalidRecord, RecordConflict
from crm.funnel import CLOSED_STAGES as CLOSED
from crm.funnel import DEFAULT, Funnel
from crm.models import Contract, Customer, Opportunity, Purchase, StageVisit
from crm.sorting import ordered
from crm.text import words
from crm.unit import Ctx
from crm.validation import Form, fetch, only, page

EDITABLE = ("title", "amount", "expected_close", "owner")
KINDS = ("new", "upsell", "renewal")


def get_opportunity(session: Session, opportunity_id: int, *, lock: bool = False) -> Opportunity:
    return fetch(session, Opportunity, opportunity_id, "opportunity", lock=lock)


def may_change(opportunity: Opportunity, who: str | None, *, manager: bool = False, admin: bool = False) -> bool:
    """The owner, a manager or an administrator may change an opportunity; anyone working sales may change
    one nobody owns."""
    return admin or manager or opportunity.owner in (None, who)


def _close_day(form: Form, today: date | None) -> date | None:
    value = form.data.get("expected_close")
    try:
        return parse_day(value, field="expected_close", earliest=today)
    except InvalidRecord as exc:
        for message in exc.field_errors.get("expected_close", [exc.message]):
            form.fail("expected_close", message)
        return None


def _fields(data: Mapping[str, Any], *, partial: bool, today: date | None = None) -> dict[str, Any]:
    """The plain fields; a typed expected close (Jalali or Gregorian) must not lie before ``today``."""
    form = Form(data)
    values = {
        "title": form.text("title", required=not partial or "title" in data),
        "amount": form.amount("amount", required=not partial or "amount" in data),
        "expected_close": _close_day(form, today),
        "owner": form.text("owner", max_len=150),
    }
    form.check("the opportunity is not valid")
    return {k: v for k, v in values.items() if not partial or k in data}


def open_opportunity(ctx: Ctx, *, customer_id: int, title: str, amount: int | str, stage: str | None = None,
                     lead_id: int | None = None, owner: str | None = None, expected_close: date | str | None = None,
                     probability: int | None = None, kind: str = "new", funnel: Funnel = DEFAULT) -> Opportunity:
    """Open an opportunity at an open stage of the funnel (a qualified lead's: its entry stage); its
    probability comes from the funnel unless given."""
    stage = stage or funnel.entry
    if stage not in funnel.open_stages:
        raise InvalidRecord("an opportunity opens at an open stage",
                            {"stage": [f"one of: {', '.join(funnel.open_stages)}"]})
    if kind not in KINDS:
        raise InvalidRecord("unknown kind of opportunity", {"kind": [f"one of: {', '.join(KINDS)}"]})
    values = _fields({"title": title, "amount": amount, "owner": owner, "expected_close": expected_close},
                     partial=False)
    fetch(ctx.session, Customer, customer_id, "customer")
    now = utcnow()
    opportunity = ctx.add(Opportunity(
        customer_id=customer_id, lead_id=lead_id, stage=stage, stage_entered_at=now, kind=kind,
        probability=_probability(stage, probability, funnel), **values,
    ), "opportunity")
    ctx.add(StageVisit(opportunity_id=opportunity.id, stage=stage, entered_at=now), "opportunity_stage")
    return opportunity


def create_opportunity(ctx: Ctx, data: Mapping[str, Any], *, today: date, funnel: Funnel = DEFAULT) -> Opportunity:
    """An opportunity for an existing customer, without a lead (an upsell, a renewal, a new sale): owned by
    whoever opens it unless another owner is named; the expected close must not lie before ``today``."""
    form = Form(data)
    customer_id = form.record_id("customer_id")
    if customer_id is None and "customer_id" not in form.errors:
        form.fail("customer_id", "this field is required")
    kind = form.choice("kind", KINDS, default="new")
    stage = form.choice("stage", funnel.open_stages, default=funnel.open_stages[0])
    probability = form.integer("probability", 0, 100)
    form.check("the opportunity is not valid")
    values = _fields(data, partial=False, today=today)
    return open_opportunity(ctx, customer_id=customer_id, title=values["title"], amount=values["amount"],
                            stage=stage, owner=values["owner"] or ctx.actor, expected_close=values["expected_close"],
                            probability=probability, kind=kind or "new", funnel=funnel)


def _probability(stage: str, given: int | None, funnel: Funnel = DEFAULT) -> int:
    if given is None:
        return funnel.probability(stage)
    if isinstance(given, bool) or not isinstance(given, int) or not 0 <= given <= 100:
        raise InvalidRecord("the probability is a percentage", {"probability": ["a whole number from 0 to 100"]})
    return given


def _current_visit(session: Session, opportunity_id: int) -> StageVisit | None:
    return session.scalars(select(StageVisit).where(StageVisit.opportunity_id == opportunity_id,
                                                    StageVisit.left_at.is_(None))
                           .order_by(StageVisit.id.desc()).limit(1)).first()


def _closing(ctx: Ctx, opportunity: Opportunity, stage: str, details: Mapping[str, Any]) -> dict[str, Any]:
    """What closing as ``won`` (the contract or purchase it became) or ``lost`` (reason, comment) records."""
    form = Form(details)
    if stage == "lost":
        reason = form.text("reason", required=True, max_len=120)
        form.check("say why the opportunity was lost")
        return {"loss_reason": lists.key_of(ctx.session, "loss_reason", reason, field="reason"),
                "loss_comment": form.text("comment", max_len=2000, plain=True)}
    if stage != "won":
        return {}
    links = {"contract_id": form.record_id("contract_id"), "purchase_id": form.record_id("purchase_id")}
    form.check("the won opportunity's links are not valid")
    for name, model in (("contract_id", Contract), ("purchase_id", Purchase)):
        if links[name] is not None and fetch(ctx.session, model, links[name], name[:-3]).customer_id \
                != opportunity.customer_id:
            raise InvalidRecord(f"the {name[:-3]} is another customer's", {name: ["one of this customer's"]})
    mark_actual(ctx, opportunity.customer_id)
    return {name: value for name, value in links.items() if value is not None}


def move_stage(ctx: Ctx, opportunity_id: int, stage: str, *, probability: int | None = None,
               details: Mapping[str, Any] | None = None, funnel: Funnel = DEFAULT) -> Opportunity:
    """Move to ``stage``: the current visit ends, the next begins; ``won``/``lost`` close the opportunity
    (its last visit stays open: that is where it rests). ``details``: for ``lost`` the ``reason`` (required)
    and ``comment``; for ``won`` the ``contract_id`` or ``purchase_id`` it became. Moving to the stage it is
    in only updates the probability."""
    if stage not in funnel.stages:
        raise InvalidRecord("unknown stage", {"stage": [f"one of: {', '.join(funnel.stages)}"]})
    opportunity = get_opportunity(ctx.session, opportunity_id, lock=True)
    if opportunity.stage in CLOSED:
        raise RecordConflict(f"opportunity {opportunity_id} is {opportunity.stage}; a closed opportunity stays closed")
    chance = _probability(stage, probability, funnel)
    if stage == opportunity.stage:
        ctx.change(opportunity, "opportunity", {"probability": chance})
        return opportunity
    closing = _closing(ctx, opportunity, stage, details or {})
    now = utcnow()
    visit = _current_visit(ctx.session, opportunity_id)
    if visit is not None:
        ctx.change(visit, "opportunity_stage", {"left_at": now})
    ctx.add(StageVisit(opportunity_id=opportunity_id, stage=stage, entered_at=now), "opportunity_stage")
    ctx.change(opportunity, "opportunity", {"stage": stage, "probability": chance, "stage_entered_at": now,
                                            "closed_at": now if stage in CLOSED else None, **closing})
    return opportunity


def update_opportunity(ctx: Ctx, opportunity_id: int, changes: Mapping[str, Any], *,
                       today: date | None = None) -> Opportunity:
    """Change plain fields (title, amount, expected close, owner) of an opportunity that is still open."""
    only(changes, EDITABLE, "these fields cannot be changed here")
    opportunity = get_opportunity(ctx.session, opportunity_id, lock=True)
    if opportunity.stage in CLOSED:
        raise RecordConflict(f"opportunity {opportunity_id} is {opportunity.stage} and can no longer change")
    values = _fields(changes, partial=True, today=today)
    ctx.change(opportunity, "opportunity", values)
    return opportunity


def stage_visits(session: Session, opportunity_id: int) -> list[StageVisit]:
    get_opportunity(session, opportunity_id)
    return list(session.scalars(select(StageVisit).where(StageVisit.opportunity_id == opportunity_id)
                                .order_by(StageVisit.id)))


def customer_names(session: Session, customer_ids: set[int]) -> dict[int, str]:
    """The company's name, else the person's, of each customer."""
    rows = session.execute(select(Customer.id, Customer.company_name, Customer.person_name)
                           .where(Customer.id.in_(customer_ids))) if customer_ids else []
    return {row[0]: row[1] or row[2] or "" for row in rows}


def opportunity_query(*, stage: str | None = None, owner: str | None = None, customer_id: int | None = None,
                      kind: str | None = None, q: str | None = None, created_from: datetime | None = None,
                      created_to: datetime | None = None, reached: ColumnElement[bool] | None = None) -> Select[Any]:
    """The select of the opportunities ``list_opportunities`` filters (its list and its export share it):
    ``created_from`` inclusive, ``created_to`` exclusive; ``reached`` a condition such as ``crm.reports.reached``
    (the dashboards' funnel bar a manager clicked)."""
    query = select(Opportunity)
    if created_from is not None:
        query = query.where(Opportunity.created_at >= created_from)
    if created_to is not None:
        query = query.where(Opportunity.created_at < created_to)
    if reached is not None:
        query = query.where(reached)
    if words(q):
        query = query.join(Customer, Customer.id == Opportunity.customer_id)
    for word in words(q):
        query = query.where(or_(Opportunity.title_key.contains(word, autoescape=True),
                                Customer.name_key.contains(word, autoescape=True)))
    if stage == "open":  # any stage of the funnel, neither won nor lost
        query, stage = query.where(Opportunity.stage.notin_(CLOSED)), None
    for column, value in ((Opportunity.stage, stage), (Opportunity.owner, owner), (Opportunity.kind, kind)):
        if value:
            query = query.where(column == value)
    if customer_id is not None:
        query = query.where(Opportunity.customer_id == customer_id)
    return query


def list_opportunities(session: Session, *, limit: int = 50, offset: int = 0, sort: str | None = None,
                       **filters: Any) -> tuple[list[Opportunity], int]:
    """A page of opportunities, newest first unless ``sort`` says otherwise, and the total. Each word of ``q``
    must appear in the title or in the customer's name (however its letters and digits were typed)."""
    return page(session, ordered(opportunity_query(**filters), "opportunities", sort), limit, offset)
