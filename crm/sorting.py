"""The order of the record lists: ``sort`` names one whitelisted field, ``-`` before it for descending
("-created_at"); the id breaks ties in the same direction, so paging never repeats or skips a row. Empty
values come last either way, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, case

from crm.errors import InvalidRecord
from crm.models import Complaint, Contract, Customer, Lead, Opportunity, Referral

_STAMPS = ("id", "created_at", "updated_at")

SORTABLE: dict[str, dict[str, Any]] = {
    "customers": {name: getattr(Customer, name) for name in (
        *_STAMPS, "kind", "company_name", "person_name", "status", "region", "segment", "owner")},
    "leads": {name: getattr(Lead, name) for name in (
        *_STAMPS, "person_name", "company_name", "status", "source", "product", "region", "score",
        "estimated_revenue", "sales_group")},
    "opportunities": {name: getattr(Opportunity, name) for name in (
        *_STAMPS, "title", "stage", "kind", "amount", "probability", "expected_close", "owner", "stage_entered_at",
        "closed_at")},
    "complaints": {name: getattr(Complaint, name) for name in (
        *_STAMPS, "tracking_code", "kind", "category", "severity", "tier", "status", "team", "assignee", "sla_due",
        "breaches", "resolved_at", "closed_at")},
    "contracts": {name: getattr(Contract, name) for name in (
        *_STAMPS, "title", "amount", "discount_percent", "status", "rounds", "sent_at", "signed_at", "expires_at")},
    "referrals": {name: getattr(Referral, name) for name in (
        *_STAMPS, "referred_name", "status", "reward_value", "purchase_total", "qualified_at", "rewarded_at")},
}


# fixed values sort by their rank, not by how their keys are spelled
_RANKS = {"severity": ("low", "medium", "high", "critical"),
          "status": ("received", "in_progress", "escalated", "waiting_customer", "resolved", "closed")}
for _name, _order in _RANKS.items():
    SORTABLE["complaints"][_name] = case({value: rank for rank, value in enumerate(_order)},
                                         value=getattr(Complaint, _name), else_=len(_order))


for _list, _model in (("customers", Customer), ("leads", Lead)):
    SORTABLE[_list]["name"] = _model.name_key  # the name the list shows first, normalised (Persian letters, case)


def sort_problem(list_name: str, sort: str | None) -> str | None:
    """Why ``sort`` cannot order ``list_name`` (in English and Persian), or None when it can."""
    if not sort:
        return None
    fields = SORTABLE[list_name]
    if sort.removeprefix("-") in fields:
        return None
    known = ", ".join(sorted(fields))
    return (f"cannot sort by {sort!r}; sortable fields: {known} (a leading - sorts descending) / "
            f"مرتب‌سازی بر اساس «{sort}» ممکن نیست؛ فیلدهای قابل مرتب‌سازی: {known}")


def ordered(query: Select[Any], list_name: str, sort: str | None, *, columns: Mapping[str, Any] | None = None
            ) -> Select[Any]:
    """``query`` ordered by ``sort`` (newest first when none), ties broken by id in the same direction."""
    fields = columns or SORTABLE[list_name]
    problem = sort_problem(list_name, sort)
    if problem:
        raise InvalidRecord(problem, {"sort": [problem]})
    name = (sort or "-id").removeprefix("-")
    descending = (sort or "-id").startswith("-")
    column, tiebreak = fields[name], fields["id"]
    first = column.desc() if descending else column.asc()
    if getattr(column, "nullable", True):  # blanks last either way; a NOT NULL column keeps its index usable
        first = first.nulls_last()
    if name == "id":
        return query.order_by(None).order_by(first)
    return query.order_by(None).order_by(first, tiebreak.desc() if descending else tiebreak.asc())


__all__ = ["SORTABLE", "ordered", "sort_problem"]
