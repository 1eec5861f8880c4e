"""Price lists: prices of catalogue products for a customer group, valid for a while.

A list is for the customers of one ``segment`` (the customer's segment field, compared as names are: case,
spaces and Arabic/Persian letter forms aside), or of one loyalty ``tier``, or for every customer when it names
neither; it holds from ``valid_from`` to ``valid_until`` (either may be open) while active. A customer entitled
to several lists gets the lowest price any of them gives a product on the day, and the product's list price
when none prices it: a quote line of that product is priced so unless another price is typed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from crm import loyalty
from crm.dates import parse_day
from crm.errors import InvalidRecord, RecordConflict, RecordNotFound, refuse_fields
from crm.models import Customer, PriceList, PriceListItem, Product
from crm.money import parse_amount
from crm.text import clean, name_key
from crm.unit import Ctx, plain

MAX_ITEMS = 500


def _list_values(data: Mapping[str, Any], current: PriceList | None, errors: dict[str, list[str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "name" in data or current is None:
        name = clean(data.get("name")) if isinstance(data.get("name"), str) else None
        if not name or len(name) > 120:
            errors["name"] = ["a text of 1 to 120 characters / متنی از ۱ تا ۱۲۰ نویسه"]
        values["name"] = name
    if "segment" in data or current is None:
        segment = clean(data.get("segment")) if isinstance(data.get("segment"), str) else None
        if segment is not None and len(segment) > 80:
            errors["segment"] = ["at most 80 characters"]
        values.update(segment=segment, segment_key=name_key(segment) if segment else None)
    if "tier" in data or current is None:
        if data.get("tier") not in (None, "", *loyalty.TIERS):
            errors["tier"] = [f"one of: {', '.join(loyalty.TIERS)}"]
        values["tier"] = data.get("tier") or None
    values.update(_validity(data, current, errors))
    if "active" in data or current is None:
        if not isinstance(data.get("active", True), bool):
            errors["active"] = ["must be true or false"]
        values["active"] = data.get("active", True)
    return values


def _validity(data: Mapping[str, Any], current: PriceList | None, errors: dict[str, list[str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in ("valid_from", "valid_until"):
        if field in data or current is None:
            try:
                values[field] = parse_day(data.get(field), field=field)
            except InvalidRecord as exc:
                errors.update(exc.field_errors)
    start = values.get("valid_from", current.valid_from if current else None)
    end = values.get("valid_until", current.valid_until if current else None)
    if start and end and end < start and "valid_until" not in errors:
        errors["valid_until"] = ["ends on or after the day it starts / پایان پیش از آغاز نیست"]
    return values


def _items(session: Session, raw: Any, errors: dict[str, list[str]]) -> dict[int, int]:
    """``[{product_id, price}]`` checked: {product id: rials}."""
    if not isinstance(raw, list) or len(raw) > MAX_ITEMS:
        errors["items"] = [f"a list of at most {MAX_ITEMS} products and prices"]
        return {}
    known = set(session.scalars(select(Product.id)))
    prices: dict[int, int] = {}
    for number, item in enumerate(raw, 1):
        product = item.get("product_id") if isinstance(item, dict) else None
        if not isinstance(product, int) or isinstance(product, bool) or product not in known:
            errors[f"items.{number}.product_id"] = ["not a product"]
            continue
        if product in prices:
            errors[f"items.{number}.product_id"] = ["the product is priced twice / این کالا دو بار آمده است"]
            continue
        try:
            prices[product] = parse_amount(item.get("price", ""), f"items.{number}.price")
        except InvalidRecord as exc:
            errors.update(exc.field_errors)
    return prices


def _write_items(ctx: Ctx, price_list: PriceList, prices: dict[int, int]) -> None:
    ctx.session.execute(delete(PriceListItem).where(PriceListItem.price_list_id == price_list.id))
    ctx.session.add_all([PriceListItem(price_list_id=price_list.id, product_id=p, price=v) for p, v in prices.items()])
    ctx.session.flush()
    ctx.record("crm.price_list.items", record="price_list", id=price_list.id,
               items=[plain(i) for i in items_of(ctx.session, price_list.id)])


def _unique(session: Session, name: str, other_than: int | None = None) -> None:
    query = select(PriceList.id).where(PriceList.name == name)
    if session.scalar(query if other_than is None else query.where(PriceList.id != other_than)):
        raise RecordConflict(f"a price list named {name!r} exists already / فهرست قیمتی به این نام هست")


def create_price_list(ctx: Ctx, data: Mapping[str, Any]) -> PriceList:
    """A new list with its ``items`` (journaled)."""
    errors: dict[str, list[str]] = {}
    values = _list_values(data, None, errors)
    prices = _items(ctx.session, data.get("items", []), errors)
    refuse_fields(errors)
    _unique(ctx.session, values["name"])
    price_list = ctx.add(PriceList(**values), "price_list")
    _write_items(ctx, price_list, prices)
    return price_list


def update_price_list(ctx: Ctx, price_list_id: int, data: Mapping[str, Any]) -> PriceList:
    """Change the fields given; ``items`` replaces them all. Quotes already written keep their prices."""
    price_list = get_price_list(ctx.session, price_list_id)
    errors: dict[str, list[str]] = {}
    values = _list_values(data, price_list, errors)
    prices = _items(ctx.session, data["items"], errors) if "items" in data else None
    refuse_fields(errors)
    if "name" in values:
        _unique(ctx.session, values["name"], price_list.id)
    ctx.change(price_list, "price_list", {**values, "updated_by": ctx.actor})
    if prices is not None:
        _write_items(ctx, price_list, prices)
    return price_list


def get_price_list(session: Session, price_list_id: int) -> PriceList:
    found = session.get(PriceList, price_list_id)
    if found is None:
        raise RecordNotFound(f"price list {price_list_id} not found")
    return found


def items_of(session: Session, price_list_id: int) -> list[PriceListItem]:
    return list(session.scalars(select(PriceListItem).where(PriceListItem.price_list_id == price_list_id)
                                .order_by(PriceListItem.product_id)))


def list_price_lists(session: Session) -> list[PriceList]:
    """Every list: active ones first, by name."""
    return list(session.scalars(select(PriceList).order_by(PriceList.active.desc(), PriceList.name)))


def prices_for(session: Session, customer_id: int, day: date) -> dict[int, tuple[int, int]]:
    """The products the customer's lists price on ``day``: {product id: (lowest price, the list giving it)}."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise RecordNotFound(f"customer {customer_id} not found")
    tier = loyalty.account(session, customer_id).tier
    segment = name_key(customer.segment) if customer.segment else None
    whom = or_(PriceList.segment_key.is_(None) & PriceList.tier.is_(None), PriceList.tier == tier,
               *((PriceList.segment_key == segment,) if segment else ()))
    rows = session.execute(select(PriceListItem.product_id, PriceListItem.price, PriceList.id)
                           .join(PriceList, PriceList.id == PriceListItem.price_list_id)
                           .where(PriceList.active.is_(True), whom,
                                  or_(PriceList.valid_from.is_(None), PriceList.valid_from <= day),
                                  or_(PriceList.valid_until.is_(None), PriceList.valid_until >= day)))
    best: dict[int, tuple[int, int]] = {}
    for product_id, price, list_id in rows:
        if product_id not in best or price < best[product_id][0]:
            best[product_id] = (int(price), list_id)
    return best
