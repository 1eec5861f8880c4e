"""The pipeline board: one column per stage (``crm.pipeline``) with the count, the total and the weighted total
of its opportunities (summed in SQL, one grouped query), and the first cards of each column (one limited query
a column, in the order of the expected close, undated last). Filters: owner, team, the expected close's
period and words of the title or of the customer's name however typed. A column's further cards are asked
for with its ``cursor`` (the offset of the next card)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from crm.errors import InvalidRecord
from crm.models import Customer, Opportunity, PipelineStage
from crm.text import words

CARD_FIELDS = ("id", "title", "customer_id", "stage", "amount", "probability", "expected_close", "owner",
               "stage_entered_at", "kind")


@dataclass(frozen=True)
class BoardFilter:
    owner: str | None = None
    team: str | None = None
    since: date | None = None
    until: date | None = None
    q: str | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise InvalidRecord("the period ends before it starts / پایان بازه پیش از آغاز آن است",
                                {"until": ["on or after the start / برابر یا پس از آغاز بازه"]})


def team_column() -> Any:
    """The opportunity's team column, when the records carry one (record access adds it)."""
    return getattr(Opportunity, "team_key", None)


def _conditions(filters: BoardFilter) -> tuple[list[ColumnElement[bool]], bool]:
    """The WHERE conditions of the filters, and whether they need the customer joined."""
    found: list[ColumnElement[bool]] = []
    if filters.owner:
        found.append(Opportunity.owner == filters.owner)
    if filters.team:
        column = team_column()
        if column is None:
            raise InvalidRecord("opportunities carry no team yet / فرصت‌ها هنوز تیم ندارند",
                                {"team": ["not available / در دسترس نیست"]})
        found.append(column == filters.team)
    if filters.since:
        found.append(Opportunity.expected_close >= filters.since)
    if filters.until:
        found.append(Opportunity.expected_close <= filters.until)
    keys = words(filters.q)
    found.extend(or_(Opportunity.title_key.contains(word, autoescape=True),
                     Customer.name_key.contains(word, autoescape=True)) for word in keys)
    return found, bool(keys)


def _totals(session: Session, filters: BoardFilter) -> dict[str, tuple[int, int, int]]:
    """Per stage: how many, the sum of the amounts, the sum weighted by each deal's chance (rials)."""
    conditions, joined = _conditions(filters)
    query = select(Opportunity.stage, func.count(), func.coalesce(func.sum(Opportunity.amount), 0),
                   func.coalesce(func.sum(Opportunity.amount * Opportunity.probability), 0))
    if joined:
        query = query.join(Customer, Customer.id == Opportunity.customer_id)
    rows = session.execute(query.where(*conditions).group_by(Opportunity.stage))
    return {stage: (int(count), int(total), int(weighted) // 100) for stage, count, total, weighted in rows}


def cards(session: Session, stage: str, filters: BoardFilter, *, limit: int, offset: int = 0) -> list[dict[str, Any]]:
    """A column's cards from ``offset``: the expected close soonest first, undated last, then the oldest."""
    conditions, _ = _conditions(filters)
    query = (select(Opportunity, func.coalesce(Customer.company_name, Customer.person_name))
             .join(Customer, Customer.id == Opportunity.customer_id)
             .where(Opportunity.stage == stage, *conditions)
             .order_by(Opportunity.expected_close.asc().nulls_last(), Opportunity.id)
             .limit(limit).offset(offset))
    return [{**{name: getattr(o, name) for name in CARD_FIELDS}, "customer_name": name or ""}
            for o, name in session.execute(query)]


def _column(stage: PipelineStage | str) -> dict[str, Any]:
    if isinstance(stage, str):  # a stage opportunities hold that no row describes
        return {"stage": stage, "label_fa": stage, "label_en": stage, "kind": "open", "probability": 0,
                "active": False}
    return {"stage": stage.key, "label_fa": stage.label_fa, "label_en": stage.label_en, "kind": stage.kind,
            "probability": stage.probability, "active": stage.active}


def board(session: Session, stages: list[PipelineStage], filters: BoardFilter, *, limit: int = 20,
          only: str | None = None, offset: int = 0) -> list[dict[str, Any]]:
    """The columns: every active stage, and an inactive or unknown one only while it holds a deal matching the
    filters; each with ``count``, ``total``, ``weighted``, its first ``limit`` cards and ``cursor`` (the
    offset of its next card, or None). ``only``: that column alone, from ``offset``."""
    totals = _totals(session, filters)
    described = {s.key for s in stages}
    shown: list[PipelineStage | str] = [s for s in stages if s.active or s.key in totals]
    extra = sorted(key for key in totals if key not in described)
    closing = [s for s in shown if not isinstance(s, str) and s.kind != "open"]
    shown = [s for s in shown if s not in closing] + extra + closing
    columns = []
    for stage in shown:
        key = stage if isinstance(stage, str) else stage.key
        if only is not None and key != only:
            continue
        count, total, weighted = totals.get(key, (0, 0, 0))
        start = offset if only is not None else 0
        found = cards(session, key, filters, limit=limit, offset=start) if count > start else []
        following = start + len(found)
        columns.append({**_column(stage), "count": count, "total": total,
                        "weighted": weighted, "cards": found, "cursor": following if following < count else None})
    return columns
