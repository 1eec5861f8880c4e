"""What the lead's page reads and corrects over HTTP: GET /leads filtered by product and province, a lead's
score parts in words, its open task and the opportunity field, and a correction of its source (a list key
or label; an unknown one is a 422 naming the field)."""

from __future__ import annotations

import processes
from tests.api.conftest import Api
from tests.api.test_crm_records import V1, ok, problem


def test_leads_filter_by_product_and_province_and_the_page_reads_why_and_the_task(api: Api):
    ok(api.deploy(processes.files("lead_qualification")), 201)
    first = ok(api.call("POST", V1 + "/leads", "employee", json={
        "person_name": "نگار کاظمی", "mobile": "09121230001", "source": "web_form", "product": "hardware",
        "region": "fars", "budget_confirmed": True}), 201)
    ok(api.call("POST", V1 + "/leads", "employee", json={
        "company_name": "Arya", "mobile": "09121230002", "source": "phone", "product": "software",
        "region": "fars"}), 201)
    by_region = ok(api.call("GET", V1 + "/leads", "employee", query_string={"region": "fars"}))
    assert by_region["total"] == 2
    only = ok(api.call("GET", V1 + "/leads", "employee", query_string={"region": "fars", "product": "hardware"}))
    assert [lead["id"] for lead in only["items"]] == [first["id"]]
    assert ok(api.call("GET", V1 + "/leads", "employee", query_string={"region": "tehran"}))["total"] == 0

    detail = ok(api.call("GET", f"{V1}/leads/{first['id']}", "employee"))
    assert {"why": "budget", "points": detail["score_why"][0]["points"], "fa": "بودجه تأیید شده",
            "en": "budget confirmed"} in detail["score_why"]
    [task] = ok(api.call("GET", f"{V1}/tasks?process_instance={first['process_instance_id']}", "admin"))["items"]
    assert detail["task"]["id"] == task["id"] and detail["task"]["candidate_groups"] == ["sales-regions"]
    assert detail["opportunity_id"] is None and detail["calls"] == []

    assert "source" in problem(api.call("PATCH", f"{V1}/leads/{first['id']}", "employee",
                                        json={"source": "fax"}), 422)["errors"]
    corrected = ok(api.call("PATCH", f"{V1}/leads/{first['id']}", "employee", json={"source": "مراجعه حضوری"}))
    assert corrected["source"] == "walk_in"
    after = ok(api.call("GET", f"{V1}/leads/{first['id']}", "employee"))
    assert "walk_in" in [part["why"] for part in after["score_why"]] and after["score"] > detail["score"]
    assert after["task"]["id"] != task["id"]
