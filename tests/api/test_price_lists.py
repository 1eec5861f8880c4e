"""Price lists over HTTP on each database: kept by administrators and managers, for a segment, a tier or every
customer, valid for a while; a quote line of a product takes the lowest price the customer's lists give today
(else the list price) unless a price is typed, and the quote editor is offered those prices."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.api.conftest import Api

V1 = "/api/v1"


def _ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


def _deal(api: Api, segment: str | None, locale: str = "fa") -> int:
    body = {"kind": "company", "company_name": f"شرکت {segment or 'تازه'}", "locale": locale,
            **({"segment": segment} if segment else {})}
    customer = _ok(api.call("POST", f"{V1}/customers", "employee", json=body), 201)["customer"]["id"]
    return _ok(api.call("POST", f"{V1}/opportunities", "employee", json={
        "customer_id": customer, "title": "تجهیز فروشگاه", "amount": "100,000,000"}), 201)["id"]


def test_a_segments_price_list_prices_its_customers_quotes(api: Api) -> None:
    reader = _ok(api.call("POST", f"{V1}/products", "admin", json={
        "code": "POS-1", "name_fa": "کارت‌خوان", "name_en": "Card reader", "unit": "piece", "price": 18_500_000}), 201)
    training = _ok(api.call("POST", f"{V1}/products", "admin", json={
        "code": "TRN-H", "name_fa": "آموزش", "name_en": "Training", "unit": "hour", "price": 3_500_000}), 201)
    wholesale = {"name": "عمده‌فروشان ۱۴۰۵", "segment": "عمده فروش", "valid_from": "1405-01-01",
                 "items": [{"product_id": reader["id"], "price": "۱۵٬۰۰۰٬۰۰۰"}]}
    assert api.call("POST", f"{V1}/price-lists", "employee", json=wholesale).status_code == 403
    made = _ok(api.call("POST", f"{V1}/price-lists", "admin", json=wholesale), 201)
    assert made["items"] == [{"product_id": reader["id"], "price": 15_000_000}] and made["valid_from"] == "2026-03-21"
    assert api.call("POST", f"{V1}/price-lists", "admin", json=wholesale).status_code == 409
    everyone = {"name": "Autumn", "valid_until": (date.today() + timedelta(days=30)).isoformat(),
                "items": [{"product_id": reader["id"], "price": 17_000_000},
                          {"product_id": training["id"], "price": 3_000_000}]}
    _ok(api.call("POST", f"{V1}/price-lists", "admin", json=everyone), 201)
    bad = api.call("POST", f"{V1}/price-lists", "admin", json={
        "name": "x", "tier": "diamond", "valid_from": "2026-05-01", "valid_until": "2026-04-01",
        "items": [{"product_id": 999, "price": 1}]})
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"tier", "valid_until", "items.1.product_id"}

    # a wholesaler (segment typed with Arabic letters and another spacing) gets 15M; anyone else the autumn list
    wholesaler, walk_in = _deal(api, "عمده‌فروش"), _deal(api, None)
    offered = {p["code"]: (p["price"], p["list_price"]) for p in _ok(
        api.call("GET", f"{V1}/opportunities/{wholesaler}/prices", "employee"))}
    assert offered == {"POS-1": (15_000_000, 18_500_000), "TRN-H": (3_000_000, 3_500_000)}
    lines = {"lines": [{"product_id": reader["id"], "quantity": 2}, {"product_id": training["id"]},
                       {"product_id": reader["id"], "unit_price": "16,000,000"}]}
    quote = _ok(api.call("POST", f"{V1}/opportunities/{wholesaler}/quotes", "employee", json=lines), 201)
    assert [line["unit_price"] for line in quote["lines"]] == [15_000_000, 3_000_000, 16_000_000]
    assert [line["description"] for line in quote["lines"]] == ["کارت‌خوان", "آموزش", "کارت‌خوان"]
    english = _deal(api, None, locale="en")  # lines and the editor's offers are in the customer's language
    assert {p["description"] for p in _ok(api.call("GET", f"{V1}/opportunities/{english}/prices", "employee"))} == {
        "Card reader", "Training"}
    written = _ok(api.call("POST", f"{V1}/opportunities/{english}/quotes", "employee", json=lines), 201)
    assert [line["description"] for line in written["lines"]] == ["Card reader", "Training", "Card reader"]
    other = _ok(api.call("POST", f"{V1}/opportunities/{walk_in}/quotes", "employee", json=lines), 201)
    assert [line["unit_price"] for line in other["lines"]] == [17_000_000, 3_000_000, 16_000_000]

    # the autumn list stopped: the walk-in customer is back at list prices; the quote written keeps its prices
    autumn = next(p for p in _ok(api.call("GET", f"{V1}/price-lists", "auditor")) if p["name"] == "Autumn")
    _ok(api.call("PATCH", f"{V1}/price-lists/{autumn['id']}", "admin", json={"active": False}))
    again = _ok(api.call("PATCH", f"{V1}/quotes/{other['id']}", "employee", json=lines))
    assert [line["unit_price"] for line in again["lines"]] == [18_500_000, 3_500_000, 16_000_000]
    assert api.call("PATCH", f"{V1}/price-lists/999", "admin", json={"active": False}).status_code == 404
