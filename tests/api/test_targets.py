"""Sales targets through the API: managers set a person's and a team's target for a Jalali month, the same
again changes it, others may not; the performance report sets beside each target what was won, the calls made
and the complaints resolved in the period, per person and per team. SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import jdatetime

from crm.clock import utcnow
from tests.api.conftest import PASSWORD, Api


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, (answer.status_code, answer.get_data(as_text=True)[:600])
    return answer.get_json()


def _this_jalali_month() -> tuple[str, str]:
    today = jdatetime.date.fromgregorian(date=utcnow().date())
    first = jdatetime.date(today.year, today.month, 1)
    last = jdatetime.date(today.year + (today.month == 12), today.month % 12 + 1, 1) - jdatetime.timedelta(days=1)
    return f"{first.year}/{first.month:02d}/{first.day:02d}", f"{last.year}/{last.month:02d}/{last.day:02d}"


def test_managers_set_targets_and_the_report_sets_won_deals_beside_them(api: Api):
    ok(api.call("POST", "/api/v1/users", "admin", json={"username": "mahsa", "password": PASSWORD,
                                                         "role": "employee", "groups": ["sales", "managers"]}), 201)
    token = api.client.post("/api/v1/auth/token", json={"username": "mahsa", "password": PASSWORD}).get_json()
    api.tokens["manager"] = token["access_token"]
    ok(api.call("POST", "/api/v1/teams", "admin", json={"key": "east", "name_fa": "شرق", "name_en": "East"}), 201)
    users = ok(api.call("GET", "/api/v1/users", "admin", query_string={"limit": 100}))["items"]
    for user in (u for u in users if u["username"] in ("alice", "bob")):
        ok(api.call("PUT", f"/api/v1/users/{user['id']}/placement", "admin", json={"team_key": "east"}))
    first, last = _this_jalali_month()

    assert api.call("POST", "/api/v1/targets", "employee", json={
        "owner": "alice", "first_day": first, "last_day": last, "amount": 1}).status_code == 403
    made = ok(api.call("POST", "/api/v1/targets", "manager", json={
        "owner": "alice", "first_day": first, "last_day": last, "amount": "۱۰۰٬۰۰۰٬۰۰۰"}), 201)
    again = ok(api.call("POST", "/api/v1/targets", "manager", json={
        "owner": "alice", "first_day": first, "last_day": last, "amount": 200_000_000}), 201)
    assert again["id"] == made["id"] and again["amount"] == 200_000_000  # the same person and days: changed
    ok(api.call("POST", "/api/v1/targets", "admin", json={"team": "east", "first_day": first, "last_day": last,
                                                           "amount": 500_000_000}), 201)
    refused = api.call("POST", "/api/v1/targets", "admin", json={"owner": "alice", "team": "east", "first_day": last,
                                                                  "last_day": first, "amount": 0})
    assert refused.status_code == 422 and {"owner", "last_day", "amount"} <= set(refused.get_json()["errors"])
    assert api.call("POST", "/api/v1/targets", "admin", json={"owner": "nobody", "first_day": first,
                                                               "last_day": last, "amount": 5}).status_code == 422

    customer = ok(api.call("POST", "/api/v1/customers", "employee", json={
        "kind": "company", "company_name": "پارس", "mobile": "09121112233"}), 201)["customer"]["id"]
    deal = ok(api.call("POST", "/api/v1/opportunities", "employee", json={
        "customer_id": customer, "title": "ERP", "amount": 150_000_000}), 201)
    ok(api.call("POST", f"/api/v1/opportunities/{deal['id']}/stage", "employee", json={"stage": "won"}))
    ok(api.call("POST", f"/api/v1/records/customer/{customer}/activities", "employee",
                json={"kind": "call", "outcome": "reached"}), 201)

    report = ok(api.call("GET", "/api/v1/reports/targets", "employee2", query_string={"from": first, "to": last}))
    alice = next(r for r in report["people"] if r["username"] == "alice")
    assert (alice["target"], alice["won_amount"], alice["won_count"], alice["percent"], alice["calls"]) == (
        200_000_000, 150_000_000, 1, 75.0, 1)
    bob = next(r for r in report["people"] if r["username"] == "bob")
    assert (bob["target"], bob["won_amount"], bob["percent"]) == (None, 0, None)
    [east] = [t for t in report["teams"] if t["team"] == "east"]
    assert (east["target"], east["won_amount"], east["members"], east["percent"]) == (500_000_000, 150_000_000, 2,
                                                                                     30.0)
    assert len(report["targets"]) == 2

    last_month = api.call("GET", "/api/v1/reports/targets", "employee", query_string={"from": "1400/01/01",
                                                                                       "to": "1400/01/31"})
    assert next(r for r in last_month.get_json()["people"] if r["username"] == "alice")["won_amount"] == 0
    assert api.call("GET", "/api/v1/reports/targets", "employee", query_string={
        "from": last, "to": first}).status_code == 422
    assert api.call("DELETE", f"/api/v1/targets/{made['id']}", "employee").status_code == 403
    assert api.call("DELETE", f"/api/v1/targets/{made['id']}", "manager").status_code == 204
    assert len(ok(api.call("GET", "/api/v1/targets", "employee", query_string={"from": first, "to": last}))) == 1
