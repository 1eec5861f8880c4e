"""Complaints over HTTP as each role: triage corrections re-route the open task, assigning (team leads,
managers, administrators only), resuming a wait, and the per-employee report from the handling history."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api

FILED = {"contact_name": "فاطمه نوری", "contact_mobile": "۰۹۱۸ ۷۶۵ ۴۳۲۱", "category": "محصول", "severity": "low",
         "channel": "phone", "description": "دستگاه کارت‌خوان روشن نمی‌شود"}


@pytest.fixture
def api(api: Api) -> Api:
    import processes

    assert api.deploy(processes.bundle()).status_code == 201
    return api


def _file(api: Api, **changes: str) -> dict:
    answer = api.call("POST", "/api/v1/complaints", "outsider", json={**FILED, **changes})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def _detail(api: Api, complaint_id: int) -> dict:
    return api.call("GET", f"/api/v1/complaints/{complaint_id}", "outsider").get_json()


def test_a_correction_reroutes_the_open_task(api: Api):
    filed = _file(api)
    before = _detail(api, filed["id"])["task"]
    assert before["element_id"] == "tier1" and before["candidate_groups"] == ["support-1"]
    bad = api.call("PATCH", f"/api/v1/complaints/{filed['id']}", "outsider", json={"severity": "apocalyptic"})
    assert bad.status_code == 422 and "severity" in bad.get_json()["errors"]
    unknown = api.call("PATCH", f"/api/v1/complaints/{filed['id']}", "outsider", json={"category": "weather"})
    assert unknown.status_code == 422 and "category" in unknown.get_json()["errors"]
    changed = api.call("PATCH", f"/api/v1/complaints/{filed['id']}", "outsider",
                       json={"severity": "critical", "kind": "Criticism"})
    assert changed.status_code == 200 and changed.get_json()["severity"] == "critical"
    after = _detail(api, filed["id"])["task"]
    assert after["id"] != before["id"] and after["due"] < before["due"]  # a new task, the shorter SLA
    assert api.call("PATCH", f"/api/v1/complaints/{filed['id']}", "auditor", json={"severity": "low"}).status_code \
        == 403


def test_assigning_is_for_leads_managers_and_administrators(api: Api):
    filed = _file(api)
    path = f"/api/v1/complaints/{filed['id']}/assign"
    assert api.call("POST", path, "outsider", json={"user": "carol"}).status_code == 403
    assert api.call("POST", path, "admin", json={"user": "ali"}).status_code == 422  # no such employee
    assert api.call("POST", path, "admin", json={"user": "audrey"}).status_code == 422  # not an employee
    given = api.call("POST", path, "admin", json={"user": "carol"})
    assert given.status_code == 200 and given.get_json()["assignee"] == "carol"
    detail = _detail(api, filed["id"])
    assert detail["task"]["assignee"] == "carol" and detail["handling"][-1]["action"] == "assigned"


def test_wait_resume_and_the_per_employee_report(api: Api):
    filed = _file(api, contact_name="David Miller", description="The card reader does not switch on.",
                  category="product")
    task = _detail(api, filed["id"])["task"]
    assert api.call("POST", f"/api/v1/complaints/{filed['id']}/resume", "outsider",
                    json={"text": "x"}).status_code == 409
    assert api.call("POST", f"/api/v1/tasks/{task['id']}/claim", "outsider").status_code == 200
    unasked = api.call("POST", f"/api/v1/tasks/{task['id']}/complete", "outsider", json={"data": {"outcome": "wait"}})
    assert unasked.status_code == 422 and "question" in unasked.get_json()["errors"]  # waiting needs the question
    waited = api.call("POST", f"/api/v1/tasks/{task['id']}/complete", "outsider",
                      json={"data": {"outcome": "wait", "question": "Which model?"}})
    assert waited.status_code == 200, waited.get_json()
    assert _detail(api, filed["id"])["status"] == "waiting_customer"
    resumed = api.call("POST", f"/api/v1/complaints/{filed['id']}/resume", "outsider",
                       json={"text": "He called: model X200"})
    assert resumed.status_code == 200
    task = _detail(api, filed["id"])["task"]
    assert task["element_id"] == "tier1"
    done = api.call("POST", f"/api/v1/tasks/{task['id']}/complete", "outsider",
                    json={"data": {"outcome": "resolve", "resolution": "Replaced the adapter",
                                   "public_update": "A new adapter is on its way."}})
    assert done.status_code == 200, done.get_json()
    report = api.call("GET", "/api/v1/reports/complaints", "admin").get_json()
    [carol] = [row for row in report["per_employee"] if row["assignee"] == "carol"]
    assert (carol["handled"], carol["resolved"]) == (1, 1) and carol["avg_handling_hours"] is not None


def test_the_list_finds_a_tracking_code_however_typed_and_the_complainant(api: Api):
    filed = _file(api, contact_name="کاوه یزدانی")
    code = filed["tracking_code"]  # RC-XXXXXXXXXX
    typed = code[3:].lower()[:4] + "-" + code[3:].lower()[4:]  # lower case, without the prefix, a dash inside

    def ids(**query: object) -> list[int]:
        answer = api.call("GET", "/api/v1/complaints", "outsider", query_string=query)
        assert answer.status_code == 200, answer.get_json()
        return [item["id"] for item in answer.get_json()["items"]]

    assert ids(q=typed) == [filed["id"]]
    assert filed["id"] in ids(q="يزدان")  # part of the name, typed with an Arabic yeh
    assert filed["id"] not in ids(q="RC-2222222222")
    assert filed["id"] in ids(tier=1) and filed["id"] not in ids(tier=2)
    assert api.call("GET", "/api/v1/complaints", "outsider", query_string={"tier": 9}).status_code == 422


def test_a_known_customers_complaint_is_listed_and_found_by_the_customers_name(api: Api):
    made = api.call("POST", "/api/v1/customers", "employee", json={"kind": "company", "company_name": "شرکت آریا کاوش",
                                                                   "email": "info@arya.example"})
    assert made.status_code == 201, made.get_json()
    customer_id = made.get_json()["customer"]["id"]
    filed = api.call("POST", "/api/v1/complaints", "outsider", json={
        "customer_id": customer_id, "category": "billing", "severity": "medium", "description": "فاکتور دوبار آمد"})
    assert filed.status_code == 201, filed.get_json()
    items = api.call("GET", "/api/v1/complaints", "outsider", query_string={"q": "كاوش"}).get_json()["items"]
    assert [(i["id"], i["customer_name"]) for i in items] == [(filed.get_json()["id"], "شرکت آریا کاوش")]
    assert _detail(api, filed.get_json()["id"])["customer_name"] == "شرکت آریا کاوش"
