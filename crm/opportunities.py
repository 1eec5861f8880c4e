"""Opportunities: a possible sale to a customer, moving through the funnel's stages.

Every stay in a stage is a ``StageVisit`` row (entered, left), so conversion between stages and the
time spent in each can be measured. ``won`` and ``lost`` are final: an opportunity never leaves them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.clock import utcnow
from crm.errors import InvalidRecord, RecordConflict
from crm.funnel import CLOSED_STAGES as CLOSED
from crm.funnel import OPEN_STAGES, PROBABILITY, STAGES
from crm.models import Customer, Opportunity, StageVisit
from crm.unit import Ctx
from crm.validation import Form, fetch, only, page

EDITABLE = ("title", "amount", "expected_close", "owner")


def get_opportunity(session: Session, opportunity_id: int, *, lock: bool = False) -> Opportunity:
    return fetch(session, Opportunity, opportunity_id, "opportunity", lock=lock)


def _fields(data: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    form = Form(data)
    values = {
        "title": form.text("title", required=not partial or "title" in data),
        "amount": form.amount("amount", required=not partial or "amount" in data),
        "expected_close": form.day("expected_close"),
        "owner": form.text("owner", max_len=150),
    }
    form.check("the opportunity is not valid")
    return {k: v for k, v in values.items() if not partial or k in data}


def open_opportunity(ctx: Ctx, *, customer_id: int, title: str, amount: int | str, stage: str = "qualification",
                     lead_id: int | None = None, owner: str | None = None, expected_close: date | None = None,
                     probability: int | None = None) -> Opportunity:
    """Open an opportunity at an open stage of the funnel; its probability comes from the stage table."""
    if stage not in OPEN_STAGES:
        raise InvalidRecord("an opportunity opens at an open stage", {"stage": [f"one of: {', '.join(OPEN_STAGES)}"]})
    values = _fields({"title": title, "amount": amount, "owner": owner, "expected_close": expected_close},
                     partial=False)
    fetch(ctx.session, Customer, customer_id, "customer")
    now = utcnow()
    opportunity = ctx.add(Opportunity(
        customer_id=customer_id, lead_id=lead_id, stage=stage, stage_entered_at=now,
        probability=_probability(stage, probability), **values,
    ), "opportunity")
    ctx.add(StageVisit(opportunity_id=opportunity.id, stage=stage, entered_at=now), "opportunity_stage")
    return opportunity


def _probability(stage: str, given: int | None) -> int:
    if given is None:
        return PROBABILITY[stage]
    if isinstance(given, bool) or not isinstance(given, int) or not 0 <= given <= 100:
        raise InvalidRecord("the probability is a percentage", {"probability": ["a whole number from 0 to 100"]})
    return given


def _current_visit(session: Session, opportunity_id: int) -> StageVisit | None:
    return session.scalars(select(StageVisit).where(StageVisit.opportunity_id == opportunity_id,
                                                    StageVisit.left_at.is_(None))
                           .order_by(StageVisit.id.desc()).limit(1)).first()


def move_stage(ctx: Ctx, opportunity_id: int, stage: str, *, probability: int | None = None) -> Opportunity:
    """Move to ``stage``: the current visit ends, the next begins; ``won``/``lost`` close the opportunity
    (its last visit stays open: that is where it rests). Moving to the stage it is in only updates the probability."""
    if stage not in STAGES:
        raise InvalidRecord("unknown stage", {"stage": [f"one of: {', '.join(STAGES)}"]})
    opportunity = get_opportunity(ctx.session, opportunity_id, lock=True)
    if opportunity.stage in CLOSED:
        raise RecordConflict(f"opportunity {opportunity_id} is {opportunity.stage}; a closed opportunity stays closed")
    chance = _probability(stage, probability)
    if stage == opportunity.stage:
        ctx.change(opportunity, "opportunity", {"probability": chance})
        return opportunity
    now = utcnow()
    visit = _current_visit(ctx.session, opportunity_id)
    if visit is not None:
        ctx.change(visit, "opportunity_stage", {"left_at": now})
    ctx.add(StageVisit(opportunity_id=opportunity_id, stage=stage, entered_at=now), "opportunity_stage")
    ctx.change(opportunity, "opportunity", {"stage": stage, "probability": chance, "stage_entered_at": now,
                                            "closed_at": now if stage in CLOSED else None})
    return opportunity


def update_opportunity(ctx: Ctx, opportunity_id: int, changes: Mapping[str, Any]) -> Opportunity:
    """Change plain fields (title, amount, expected close, owner) of an opportunity that is still open."""
    only(changes, EDITABLE, "these fields cannot be changed here")
    opportunity = get_opportunity(ctx.session, opportunity_id, lock=True)
    if opportunity.stage in CLOSED:
        raise RecordConflict(f"opportunity {opportunity_id} is {opportunity.stage} and can no longer change")
    values = _fields(changes, partial=True)
    ctx.change(opportunity, "opportunity", values)
    return opportunity


def stage_visits(session: Session, opportunity_id: int) -> list[StageVisit]:
    get_opportunity(session, opportunity_id)
    return list(session.scalars(select(StageVisit).where(StageVisit.opportunity_id == opportunity_id)
                                .order_by(StageVisit.id)))


def list_opportunities(session: Session, *, stage: str | None = None, owner: str | None = None,
                       customer_id: int | None = None, limit: int = 50,
                       offset: int = 0) -> tuple[list[Opportunity], int]:
    query = select(Opportunity)
    if stage:
        query = query.where(Opportunity.stage == stage)
    if owner:
        query = query.where(Opportunity.owner == owner)
    if customer_id is not None:
        query = query.where(Opportunity.customer_id == customer_id)
    return page(session, query.order_by(Opportunity.id.desc()), limit, offset)
