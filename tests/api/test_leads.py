"""Leads and opportunities over HTTP as each role: a lead typed in Persian, its calls on GET /leads/{id}, a
correction that routes the waiting call again, an upsell opened for an existing customer, and closing
someone's deal only as its owner, a manager or an administrator."""

from __future__ import annotations

from typing import Any

import processes
from api.composition import ravand_ctx
from crm.customers import create_customer
from tests.api.conftest import Api
from tests.api.test_crm_records import V1, ok, problem


def _customer(api: Api) -> int:
    with api.app.extensions["ravand"].sessions() as session:
        customer, _ = create_customer(ravand_ctx(session, "root"), {"person_name": "مریم رضایی",
                                                                    "mobile": "09121110000"})
        session.commit()
        return customer.id


def _tasks(api: Api, instance_id: str) -> list[dict[str, Any]]:
    return ok(api.call("GET", f"{V1}/tasks?process_instance={instance_id}", "admin"))["items"]


def test_a_persian_lead_is_captured_routed_and_rerouted_when_corrected(api: Api):
    ok(api.deploy(processes.files("lead_qualification")), 201)
    lead = ok(api.call("POST", V1 + "/leads", "employee", json={
        "person_name": "سارا احمدی", "mobile": "۰۹۱۲ ۳۴۵ ۶۷۸۹", "source": "فرم وب‌سایت", "product": "سخت افزار",
        "region": "کرمان"}), 201)
    assert (lead["source"], lead["product"], lead["region"]) == ("web_form", "hardware", "kerman")
    [task] = _tasks(api, lead["process_instance_id"])
    assert task["candidate_groups"] == ["sales-regions"]
    problem(api.call("POST", V1 + "/leads", "employee", json={"person_name": "x", "mobile": "09121234567",
                                                             "source": "fax"}), 422)
    corrected = ok(api.call("PATCH", f"{V1}/leads/{lead['id']}", "employee", json={"region": "تهران"}))
    assert (corrected["region"], corrected["sales_group"]) == ("tehran", "sales")
    [moved] = _tasks(api, lead["process_instance_id"])
    assert moved["id"] != task["id"] and moved["candidate_groups"] == ["sales"]
    stale = problem(api.call("POST", f"{V1}/tasks/{task['id']}/claim", "employee"), 409)  # L2: not 404
    assert stale["task_state"] == "cancelled" and stale["open_tasks"] == [{"id": moved["id"], "name": moved["name"]}]
    assert "no longer open (cancelled)" in stale["detail"]
    problem(api.call("POST", f"{V1}/tasks/{task['id']}/complete", "employee", json={"data": {}}), 409)
    problem(api.call("POST", f"{V1}/tasks/{task['id']}/claim", "outsider"), 404)
    ok(api.call("POST", f"{V1}/tasks/{moved['id']}/complete", "employee", json={"data": {
        "outcome": "disqualified", "reason": "no_need", "reason_comment": "has a system", "call_notes": "تماس اول"}}))
    detail = ok(api.call("GET", f"{V1}/leads/{lead['id']}", "employee"))
    assert (detail["status"], detail["disqualify_reason"], detail["disqualify_comment"]) == (
        "disqualified", "no_need", "has a system")
    [call] = detail["calls"]
    assert (call["by"], call["outcome"], call["notes"]) == ("alice", "disqualified", "تماس اول")


def test_an_upsell_and_who_may_close_it(api: Api):
    customer_id = _customer(api)
    upsell = ok(api.call("POST", V1 + "/opportunities", "employee", json={
        "customer_id": customer_id, "kind": "upsell", "title": "طرح پشتیبانی", "amount": "۱۲۰٬۰۰۰٬۰۰۰",
        "expected_close": "۱۴۱۰/۰۱/۰۱"}), 201)
    assert (upsell["kind"], upsell["owner"], upsell["lead_id"]) == ("upsell", "alice", None)
    bad = problem(api.call("POST", V1 + "/opportunities", "employee", json={
        "customer_id": customer_id, "title": "x", "amount": 1, "expected_close": "1400-01-01"}), 422)
    assert "expected_close" in bad["errors"]
    problem(api.call("POST", V1 + "/opportunities", "auditor", json={"customer_id": customer_id, "title": "x",
                                                                      "amount": 1}), 403)
    path = f"{V1}/opportunities/{upsell['id']}/stage"
    refused = problem(api.call("POST", path, "outsider", json={"stage": "lost", "reason": "price"}), 403)
    assert "alice" in refused["detail"]
    problem(api.call("PATCH", f"{V1}/opportunities/{upsell['id']}", "employee2", json={"owner": "bob"}), 403)
    assert "reason" in problem(api.call("POST", path, "employee", json={"stage": "lost"}), 422)["errors"]
    lost = ok(api.call("POST", path, "employee", json={"stage": "lost", "reason": "قیمت", "comment": "گران"}))
    assert (lost["stage"], lost["loss_reason"], lost["loss_comment"]) == ("lost", "price", "گران")
    other = ok(api.call("POST", V1 + "/opportunities", "employee", json={
        "customer_id": customer_id, "kind": "renewal", "title": "Renewal", "amount": 5}), 201)
    won = ok(api.call("POST", f"{V1}/opportunities/{other['id']}/stage", "admin", json={"stage": "won"}))
    assert won["stage"] == "won"
    customer = ok(api.call("GET", f"{V1}/customers/{customer_id}", "employee"))
    assert customer["status"] == "actual"
