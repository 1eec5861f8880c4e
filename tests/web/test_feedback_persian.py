"""Honest feedback in Persian: a retry that fails again says so (an error with the reason, the incident still
listed with its attempts), never a green "done"; the server's field messages reach the lead form and the task
form in Persian only, with no English line under them; the journal's CSV is named by the Jalali day."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.web import diagrams
from tests.web.conftest import Server, shot

LATIN = re.compile(r"[A-Za-z]")


def test_a_retry_that_fails_again_is_said_as_a_failure_in_persian(server: Server, page_for):
    handler = f"down_{uuid.uuid4().hex[:6]}"

    def down(variables: dict) -> dict:
        raise RuntimeError("the customer service did not answer")

    server.ravand.engine.handlers.register(handler, down)
    key = f"down_{uuid.uuid4().hex[:6]}"
    server.deploy(diagrams.flaky(key, handler))
    instance = server.call("POST", f"/api/v1/process-definitions/key/{key}/start", "admin",
                           json={"business_key": f"R-{key}"}).get_json()
    assert instance["state"] == "failed", instance
    page = page_for("admin_fa", locale="fa-IR")
    page.goto(f"/app/instances/{instance['id']}")
    incidents = page.get_by_test_id("incidents")
    expect(incidents).to_contain_text("۱ تلاش")
    page.get_by_test_id("retry").click()
    toast = page.get_by_test_id("toast").last
    expect(toast).to_contain_text("کار باز هم خطا داد (تلاش ۲)")
    expect(toast).to_contain_text("the customer service did not answer")  # the technical reason, after Persian
    expect(toast).to_have_class(re.compile(r"\btoast-error\b"))
    expect(page.locator(".toast-ok")).to_have_count(0)  # no green "the task ran again"
    expect(incidents).to_contain_text("۲ تلاش")  # the incident stays, with its attempts
    expect(incidents.get_by_test_id("retry")).to_be_visible()
    shot(page, "feedback-retry-still-failing-fa")


def test_the_lead_form_says_the_servers_reasons_in_persian_only(crm: Server, page_for):
    page = page_for("persian", locale="fa-IR")
    page.goto("/app/leads/new")
    page.fill("[data-field=person_name] input", "نادیا کریمی")
    page.fill("[data-field=mobile] input", "۱۲۳۴")
    page.fill("[data-field=estimated_revenue] input", "۵ میلیون")
    page.select_option("[data-field=source] select", "phone")
    page.get_by_test_id("lead-submit").click()
    for name in ("mobile", "estimated_revenue"):
        error = page.locator(f"[data-field={name}] .field-error")
        expect(error).to_be_visible()
        text = error.inner_text()
        assert re.search(r"[\u0600-\u06ff]", text) and not LATIN.search(text), f"{name}: {text!r}"
    expect(page.locator("[data-field=estimated_revenue] .field-error")).to_contain_text("ریال یا تومان")
    expect(page.locator(".field-error-detail")).to_have_count(0)  # no English line under the Persian
    shot(page, "feedback-lead-errors-fa")


def _resolution_task(server: Server) -> str:
    key = f"resolve_{uuid.uuid4().hex[:6]}"
    form_id = f"{key}-form"
    process = diagrams.row(key, "Resolve", diagrams.node("startEvent", "start"),
                           diagrams.node("userTask", "resolve", "Resolve", candidateGroups="sales", formRef=form_id),
                           diagrams.node("endEvent", "end"))
    form = diagrams.form(form_id, {"type": "textarea", "key": "resolution", "label": "Resolution",
                                   "validate": {"required": True, "minLength": 5},
                                   "properties": {"label:fa": "نتیجهٔ رسیدگی"}})
    server.deploy([(f"{key}.bpmn", process), (f"{form_id}.form", form)])
    business_key = f"C-{uuid.uuid4().hex[:6]}"
    server.call("POST", f"/api/v1/process-definitions/key/{key}/start", "admin", json={"business_key": business_key})
    found = server.call("GET", "/api/v1/tasks", "admin", query_string={"business_key": business_key}).get_json()
    return found["items"][0]["id"]


def test_a_two_letter_resolution_is_refused_in_persian_only(server: Server, page_for):
    task_id = _resolution_task(server)
    page = page_for("persian", locale="fa-IR")
    page.goto(f"/app/tasks/{task_id}")
    if page.get_by_test_id("claim").count():
        page.get_by_test_id("claim").click()
        expect(page.get_by_test_id("unclaim")).to_be_visible()  # the page is drawn again once claimed
    form = page.get_by_test_id("task-form")
    form.get_by_label("نتیجهٔ رسیدگی").fill("خو")
    with page.expect_response(re.compile(r"/complete$")) as answered:
        page.get_by_test_id("complete").click()
    body = answered.value.json()
    assert answered.value.status == 422 and body["code"] in {"invalid_data", "invalid_request"}, body
    [message] = body["errors"]["resolution"]  # the server's own answer, in the reader's language
    assert message == "دست‌کم ۵ نویسه بنویسید.", message
    assert body["error_codes"] == {"resolution": ["min_length"]}
    errors = form.locator(".fjs-form-field-error")
    expect(errors.first).to_be_visible()
    for text in [*errors.all_inner_texts(), page.get_by_test_id("form-errors").inner_text()]:
        assert not LATIN.search(text), text
    shot(page, "feedback-short-resolution-fa")


def test_the_journal_csv_is_named_by_the_jalali_day(server: Server, page_for):
    page = page_for("admin_fa", locale="fa-IR")
    page.goto("/app/journal")
    link = page.get_by_test_id("csv")
    expect(link).to_have_attribute("href", re.compile(r"format=csv"))
    assert "limit=" not in (link.get_attribute("href") or "")  # no row cap asked for
    with page.expect_download() as downloaded:
        link.click()
    assert re.fullmatch(r"journal-14\d\d-\d\d-\d\d\.csv", downloaded.value.suggested_filename), \
        downloaded.value.suggested_filename
