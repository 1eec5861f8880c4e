"""What the purchases, loyalty and start-an-instance pages read and send over HTTP: GET /purchases filtered by
customer, period, amount range and channel, searched by the customer's name however typed, sorted and paged;
GET /loyalty-accounts; a manual points adjustment (managers and administrators, a reason required, never below
zero, in the ledger); a process's start form served and the values of a start checked against it."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api
from tests.api.test_crm_records import V1, ok, problem
from tests.engine import bpmn

ORDER_FORM = bpmn.form("order-start",
                       {"type": "textfield", "key": "customer", "label": "Customer", "validate": {"required": True}},
                       {"type": "number", "key": "quantity", "label": "Quantity",
                        "validate": {"required": True, "min": 1}})
ORDER = bpmn.diagram("order", "\n".join([
    '<bpmn:startEvent id="start" camunda:formRef="order-start"/>', bpmn.user("pack", "Pack the order"),
    bpmn.end(), bpmn.chain("start", "pack", "end")]), name="Order")


def customer(api: Api, name: str) -> int:
    body = {"kind": "company", "company_name": name}
    return ok(api.call("POST", V1 + "/customers", "employee", json=body), 201)["customer"]["id"]


def bought(api: Api, customer_id: int, amount: Any, when: str, channel: str = "store") -> dict:
    return ok(api.call("POST", f"{V1}/customers/{customer_id}/purchases", "employee",
                       json={"amount": amount, "purchased_at": when, "channel": channel}), 201)


def listed(api: Api, **query: Any) -> dict:
    return ok(api.call("GET", V1 + "/purchases", "employee", query_string=query))


def test_purchases_are_filtered_searched_sorted_and_paged(api: Api):
    kaveh, arya = customer(api, "پارس کاوه"), customer(api, "Arya Soft")
    small = bought(api, kaveh, 1_000_000, "2026-01-05T10:00:00Z")
    big = bought(api, kaveh, "۲۵٬۰۰۰٬۰۰۰", "2026-02-10T10:00:00Z", "online")
    other = bought(api, arya, 5_000_000, "2026-03-01T10:00:00Z")
    assert [p["id"] for p in listed(api)["items"]] == [other["id"], big["id"], small["id"]]  # newest first
    found = listed(api, q="كاوه")  # an Arabic kaf finds the Persian name
    assert [(p["id"], p["customer_name"]) for p in found["items"]] == [(big["id"], "پارس کاوه"),
                                                                     (small["id"], "پارس کاوه")]
    assert [p["id"] for p in listed(api, customer_id=arya)["items"]] == [other["id"]]
    assert [p["id"] for p in listed(api, since="2026-02-01", until="2026-03-01")["items"]] == [big["id"]]
    assert [p["id"] for p in listed(api, min_amount=2_000_000, max_amount=10_000_000)["items"]] == [other["id"]]
    assert [p["id"] for p in listed(api, channel="online")["items"]] == [big["id"]]
    training = ok(api.call("POST", f"{V1}/customers/{arya}/purchases", "employee", json={
        "amount": 700_000, "purchased_at": "2026-03-02T10:00:00Z", "product": "آموزش", "reference": "F-1001"}),
        201)  # the product by its label
    assert training["product"] == "training"
    assert [p["id"] for p in listed(api, product="training")["items"]] == [training["id"]]
    assert [p["id"] for p in listed(api, reference="F-1001")["items"]] == [training["id"]]
    assert "product" in problem(api.call("POST", f"{V1}/customers/{arya}/purchases", "employee", json={
        "amount": 700_000, "product": "spaceship"}), 422)["errors"]
    training_id = training["id"]
    assert [p["id"] for p in listed(api, sort="amount_asc")["items"]] == [training_id, small["id"], other["id"],
                                                                         big["id"]]
    paged = listed(api, sort="amount_desc", limit=1, offset=1)
    assert (paged["total"], [p["id"] for p in paged["items"]]) == (4, [other["id"]])
    for query, field in (({"min_amount": 5, "max_amount": 1}, "max_amount"), ({"channel": "fax"}, "channel"),
                         ({"since": "2026-02-01", "until": "2026-01-01"}, "until"), ({"sort": "x"}, "sort"),
                         ({"since": "yesterday"}, "since")):
        assert field in str(problem(api.call("GET", V1 + "/purchases", "employee", query_string=query), 422))
    assert api.call("GET", V1 + "/purchases", None).status_code == 401


def test_loyalty_accounts_and_a_managers_adjustment_with_its_reason(api: Api):
    kaveh, arya = customer(api, "پارس کاوه"), customer(api, "Arya Soft")
    path = f"{V1}/customers/{kaveh}/loyalty/adjustments"
    given = ok(api.call("POST", path, "admin", json={"points": 120, "reason": "جبران تأخیر ارسال"}), 201)
    assert (given["balance"], given["entry"]["points"], given["entry"]["by"]) == (120, 120, "root")
    ok(api.call("POST", f"{V1}/customers/{arya}/loyalty/adjustments", "admin", json={"points": 5, "reason": "x"}),
       201)
    taken = ok(api.call("POST", path, "admin", json={"points": -20, "reason": "corrected"}), 201)
    assert taken["balance"] == 100
    assert problem(api.call("POST", path, "employee", json={"points": 5, "reason": "gift"}), 403)
    for body, field in (({"points": 5}, "reason"), ({"points": 5, "reason": ""}, "reason"),
                        ({"points": 0, "reason": "r"}, "points"), ({"points": "5", "reason": "r"}, "points")):
        assert field in problem(api.call("POST", path, "admin", json=body), 422)["errors"]
    assert "موجودی" in problem(api.call("POST", path, "admin", json={"points": -101, "reason": "r"}), 422)["detail"]
    account = ok(api.call("GET", f"{V1}/customers/{kaveh}/loyalty", "employee"))
    assert (account["points"], [e["reason"] for e in account["ledger"]]) == (100, ["corrected", "جبران تأخیر ارسال"])
    accounts = ok(api.call("GET", V1 + "/loyalty-accounts", "employee"))
    assert [(a["customer_name"], a["points"]) for a in accounts["items"]] == [("پارس کاوه", 100), ("Arya Soft", 5)]
    assert [a["customer_id"] for a in ok(api.call("GET", V1 + "/loyalty-accounts", "employee", query_string={
        "q": "arya", "sort": "points_asc"}))["items"]] == [arya]
    assert ok(api.call("GET", V1 + "/loyalty-accounts", "employee", query_string={"tier": "gold"}))["total"] == 0
    assert "tier" in problem(api.call("GET", V1 + "/loyalty-accounts", "employee",
                                      query_string={"tier": "tin"}), 422)["errors"]


def test_a_start_form_is_served_and_a_start_checked_against_it(api: Api):
    assert api.deploy([("order.bpmn", ORDER), ("order.form", ORDER_FORM)]).status_code == 201
    served = ok(api.call("GET", V1 + "/process-definitions/key/order/start-form", "designer"))
    assert [c["key"] for c in served["form"]["components"]] == ["customer", "quantity"]
    start = V1 + "/process-definitions/key/order/start"
    refused = problem(api.call("POST", start, "designer", json={"variables": {"quantity": 0}}), 422)
    assert {"customer", "quantity"} <= set(refused["errors"])
    assert problem(api.call("POST", start, "designer", json={"variables": []}), 422)
    assert problem(api.call("POST", start, "designer", data="{not json", content_type="application/json"), 400)
    assert "extra" in problem(api.call("POST", start, "designer", json={
        "variables": {"customer": "Arya", "quantity": 3, "extra": 1}}), 422)["errors"]
    started = ok(api.call("POST", start, "designer", json={
        "business_key": "order-1", "variables": {"customer": "Arya", "quantity": 3}}), 201)
    variables = ok(api.call("GET", f"{V1}/process-instances/{started['id']}", "designer"))["variables"]
    assert (variables["customer"], variables["quantity"], started["business_key"]) == ("Arya", 3, "order-1")
    assert api.deploy(bpmn.approval_files()).status_code == 201  # no start form: any variables
    assert ok(api.call("GET", V1 + "/process-definitions/key/approval/start-form", "designer"))["form"] is None
    assert problem(api.call("GET", V1 + "/process-definitions/key/nothing/start-form", "designer"), 404)
    assert api.call("GET", V1 + "/process-definitions/key/order/start-form", "auditor").status_code == 403


def test_a_generated_start_form_and_a_missing_one(api: Api):
    fields = ('<bpmn:extensionElements><camunda:formData><camunda:formField id="city" label="City" type="string">'
              '<camunda:validation><camunda:constraint name="required"/></camunda:validation></camunda:formField>'
              '</camunda:formData></bpmn:extensionElements>')
    visit = bpmn.diagram("visit", "\n".join([f'<bpmn:startEvent id="start">{fields}</bpmn:startEvent>',
                                              bpmn.user("go", "Visit"), bpmn.end(), bpmn.chain("start", "go", "end")]))
    assert api.deploy([("visit.bpmn", visit)]).status_code == 201
    form = ok(api.call("GET", V1 + "/process-definitions/key/visit/start-form", "admin"))["form"]
    assert [(c["key"], c["type"]) for c in form["components"]] == [("city", "textfield")]
    start = V1 + "/process-definitions/key/visit/start"
    assert "city" in problem(api.call("POST", start, "admin", json={"variables": {}}), 422)["errors"]
    assert ok(api.call("POST", start, "admin", json={"variables": {"city": "Tabriz"}}), 201)["state"] == "running"
    lost = bpmn.diagram("lost", "\n".join(['<bpmn:startEvent id="start" camunda:formRef="nowhere"/>', bpmn.end(),
                                            bpmn.chain("start", "end")]))
    refused = problem(api.deploy([("lost.bpmn", lost)]), 422)
    assert "nowhere" in str(refused["problems"])

