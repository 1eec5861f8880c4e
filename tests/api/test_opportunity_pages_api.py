"""What the opportunities pages read over HTTP: GET /opportunities searched by title or by the customer's name
however its letters were typed, each row with its customer's name, one opportunity with its customer's name,
and GET /opportunities/stages giving the pipeline's stages (``crm.pipeline``) with their chances and labels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.api.conftest import Api, make_api
from tests.api.test_crm_records import V1, ok, problem


def opened(api: Api, company: str, title: str) -> dict:
    customer = ok(api.call("POST", V1 + "/customers", "employee", json={"kind": "company", "company_name": company}),
                  201)["customer"]
    return ok(api.call("POST", V1 + "/opportunities", "employee", json={
        "customer_id": customer["id"], "title": title, "amount": 1_000_000}), 201)


def test_opportunities_are_found_by_title_or_customer_name_and_name_their_customer(api: Api):
    kaveh = opened(api, "پارس کاوه", "نرم‌افزار انبار")
    arya = opened(api, "Arya Soft", "POS terminals")
    found = ok(api.call("GET", V1 + "/opportunities", "employee", query_string={"q": "كاوه"}))  # Arabic kaf
    assert [(o["id"], o["customer_name"]) for o in found["items"]] == [(kaveh["id"], "پارس کاوه")]
    by_title = ok(api.call("GET", V1 + "/opportunities", "employee", query_string={"q": "pos"}))
    assert [o["id"] for o in by_title["items"]] == [arya["id"]]
    both = ok(api.call("GET", V1 + "/opportunities", "employee", query_string={"q": "soft terminals"}))
    assert both["total"] == 1
    assert ok(api.call("GET", V1 + "/opportunities", "employee", query_string={"q": "nobody"}))["total"] == 0
    assert "q" in problem(api.call("GET", V1 + "/opportunities", "employee", query_string={"q": "x" * 201}),
                          422)["errors"]
    assert ok(api.call("GET", f"{V1}/opportunities/{arya['id']}", "employee"))["customer_name"] == "Arya Soft"


def test_the_stages_are_the_pipeline_then_won_and_lost(sqlite_db: Any, tmp_path: Path):
    api = make_api(sqlite_db.url, tmp_path, funnel_stages=("contact:10", "demo:40"))  # the table wins once seeded
    stages = ok(api.call("GET", V1 + "/opportunities/stages", "employee"))
    assert [(s["stage"], s["probability"], s["open"]) for s in stages] == [
        ("prospecting", 10, True), ("qualification", 25, True), ("proposal", 50, True), ("negotiation", 75, True),
        ("won", 100, False), ("lost", 0, False)]
    assert stages[0]["label"] == "Prospecting"
    assert api.call("GET", V1 + "/opportunities/stages", None).status_code == 401
