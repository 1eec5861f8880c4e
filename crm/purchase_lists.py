"""The purchases and loyalty accounts of every customer, for the employees' lists: filtered, searched by the
customer's name however typed (``crm.text.words``), sorted and a page at a time with the total."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.models import Customer, LoyaltyAccount, Purchase
from crm.text import clean, words
from crm.validation import page

PURCHASE_SORTS = {"newest": (Purchase.purchased_at.desc(), Purchase.id.desc()),
                  "oldest": (Purchase.purchased_at.asc(), Purchase.id.asc()),
                  "amount_desc": (Purchase.amount.desc(), Purchase.id.desc()),
                  "amount_asc": (Purchase.amount.asc(), Purchase.id.asc())}
ACCOUNT_SORTS = {"points_desc": (LoyaltyAccount.points.desc(), LoyaltyAccount.customer_id.asc()),
                 "points_asc": (LoyaltyAccount.points.asc(), LoyaltyAccount.customer_id.asc()),
                 "score_desc": (LoyaltyAccount.score.desc(), LoyaltyAccount.customer_id.asc()),
                 "value_desc": (LoyaltyAccount.lifetime_value.desc(), LoyaltyAccount.customer_id.asc()),
                 "customer": (LoyaltyAccount.customer_id.asc(),)}


def _named(query: Any, column: Any, q: str | None) -> Any:
    """Each word of ``q`` in the customer's name (normalised; a trigram index serves it on PostgreSQL)."""
    found = words(q)
    if not found:
        return query
    named = select(Customer.id)
    for word in found:
        named = named.where(Customer.name_key.contains(word, autoescape=True))
    return query.where(column.in_(named))


def purchase_query(*, customer_id: int | None = None, q: str | None = None, since: datetime | None = None,
                   until: datetime | None = None, min_amount: int | None = None, max_amount: int | None = None,
                   channel: str | None = None, paid_on_time: bool | None = None, product: str | None = None,
                   reference: str | None = None, sort: str = "newest") -> Any:
    """The ordered select of the purchases ``list_purchases`` pages through (its list and its export share it)."""
    query = _named(select(Purchase), Purchase.customer_id, q)
    for column, operator, value in ((Purchase.customer_id, "__eq__", customer_id),
                                    (Purchase.purchased_at, "__ge__", since), (Purchase.purchased_at, "__lt__", until),
                                    (Purchase.amount, "__ge__", min_amount), (Purchase.amount, "__le__", max_amount),
                                    (Purchase.channel, "__eq__", channel or None),
                                    (Purchase.product, "__eq__", product or None),
                                    (Purchase.reference, "__eq__", clean(reference) or None),
                                    (Purchase.paid_on_time, "__eq__", paid_on_time)):
        if value is not None:
            query = query.where(getattr(column, operator)(value))
    return query.order_by(*PURCHASE_SORTS.get(sort, PURCHASE_SORTS["newest"]))


def list_purchases(session: Session, *, limit: int = 50, offset: int = 0,
                   **filters: Any) -> tuple[list[Purchase], int]:
    """A page of purchases and the total: ``since`` inclusive, ``until`` exclusive, amounts in rials, the
    reference as it was recorded."""
    return page(session, purchase_query(**filters), limit, offset)


def account_query(*, q: str | None = None, tier: str | None = None, min_points: int | None = None,
                  sort: str = "points_desc") -> Any:
    """The ordered select of the loyalty accounts ``list_accounts`` pages through (its list and its export)."""
    query = _named(select(LoyaltyAccount), LoyaltyAccount.customer_id, q)
    if tier:
        query = query.where(LoyaltyAccount.tier == tier)
    if min_points is not None:
        query = query.where(LoyaltyAccount.points >= min_points)
    return query.order_by(*ACCOUNT_SORTS.get(sort, ACCOUNT_SORTS["points_desc"]))


def list_accounts(session: Session, *, limit: int = 50, offset: int = 0,
                  **filters: Any) -> tuple[list[LoyaltyAccount], int]:
    """A page of loyalty accounts (customers who have one: every customer after a ranking run) and the total."""
    return page(session, account_query(**filters), limit, offset)
