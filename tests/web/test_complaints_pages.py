"""The Complaints list and a complaint's page in the browser: a Persian support agent finds a complaint by its
tracking code typed in lower case, reads what the complainant wrote (labels from the managed lists, never
keys), adds an internal note and corrects the severity (the open task is routed again); the list in English
shows English labels, filters by the managed lists and the tier, and marks a passed SLA deadline overdue."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from crm.models import Complaint
from tests.web.conftest import Server, shot
from tests.web.test_crm_pages import surname


def file_complaint(server: Server, **changes: object) -> dict:
    body = {"contact_name": f"مریم {surname()}", "contact_mobile": "09187654321", "category": "product",
            "severity": "low", "channel": "phone", "description": "دستگاه کارت‌خوان روشن نمی‌شود", **changes}
    answer = server.call("POST", "/api/v1/complaints", "admin", json=body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_a_persian_agent_finds_reads_notes_and_corrects_a_complaint(crm: Server, page_for):
    filed = file_complaint(crm)
    before = crm.call("GET", f"/api/v1/complaints/{filed['id']}", "admin").get_json()["task"]
    page = page_for("persian", locale="fa-IR")
    page.goto("/app/complaints")
    expect(page.locator("nav a[href='/app/complaints']")).to_have_text("شکایت‌ها")
    page.get_by_test_id("complaint-search").fill(filed["tracking_code"].lower())
    expect(page).to_have_url(re.compile(r"\?q=rc-"))  # the search has been sent
    row = page.get_by_test_id("complaint-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(filed["tracking_code"])
    expect(row).to_contain_text("محصول")
    expect(row).to_contain_text(filed["contact_name"])
    expect(row).not_to_contain_text("product")
    expect(page.get_by_test_id("complaint-summary")).to_have_text("۱ از ۱ شکایت")
    shot(page, "persian-complaints-list")

    row.get_by_test_id("complaint-link").click()
    expect(page).to_have_url(re.compile(rf"/app/complaints/{filed['id']}$"))
    expect(page.get_by_test_id("complaint-description")).to_have_text("دستگاه کارت‌خوان روشن نمی‌شود")
    expect(page.get_by_test_id("complaint-complainant")).to_have_text(filed["contact_name"])
    expect(page.get_by_test_id("complaint-category")).to_have_text("محصول")
    expect(page.get_by_test_id("complaint-severity")).to_have_text("کم")
    expect(page.get_by_test_id("complaint-task")).to_have_attribute("href", f"/app/tasks/{before['id']}")

    note = page.get_by_test_id("complaint-note")
    note.get_by_test_id("note-save").click()  # an empty note: the server's field error beside the field
    expect(note.locator("[data-field=text].has-error")).to_be_visible()
    note.get_by_test_id("note-text").fill("با مشتری تماس گرفتم؛ دستگاه جایگزین می‌خواهد")
    note.get_by_test_id("note-save").click()
    item = page.get_by_test_id("complaint-note-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("دستگاه جایگزین")
    expect(item).to_contain_text("داخلی")
    expect(item).to_have_attribute("data-public", "false")

    form = page.get_by_test_id("complaint-edit")
    form.get_by_test_id("edit-severity").select_option("critical")
    form.get_by_test_id("complaint-save").click()
    expect(page.get_by_test_id("complaint-severity")).to_have_text("بحرانی")
    detail = crm.call("GET", f"/api/v1/complaints/{filed['id']}", "admin").get_json()
    assert detail["severity"] == "critical" and detail["task"]["id"] != before["id"]
    assert [(u["public"], u["author"]) for u in detail["updates"]] == [(False, "parisa")]
    expect(page.get_by_test_id("complaint-task")).to_have_attribute("href", f"/app/tasks/{detail['task']['id']}")
    shot(page, "persian-complaint-page")


def test_the_complaints_list_in_english_filters_by_the_lists_and_tier(crm: Server, page_for):
    filed = file_complaint(crm, category="billing", kind="suggestion", severity="high")
    page = page_for("employee")
    page.goto("/app/complaints")
    page.get_by_test_id("complaint-filter-tier").select_option("1")
    page.get_by_test_id("complaint-filter-category").select_option("billing")
    page.get_by_test_id("complaint-search").fill(filed["contact_name"].split(" ")[1])
    expect(page).to_have_url(re.compile(r"[?&]q="))
    row = page.get_by_test_id("complaint-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Billing")
    expect(row).to_contain_text("Suggestion")
    expect(row).to_contain_text("High")
    expect(row).to_contain_text("Being handled")
    expect(page.get_by_test_id("complaint-summary")).to_have_text("1 of 1 complaints")
    assert "category=billing" in page.url and "tier=1" in page.url
    expect(row.get_by_test_id("complaint-sla")).to_be_visible()
    with crm.ravand.sessions() as session:  # its answer is a day late
        session.get(Complaint, filed["id"]).sla_due = datetime.now(UTC) - timedelta(days=1)
        session.commit()
    page.reload()
    expect(page.get_by_test_id("complaint-row").get_by_test_id("complaint-overdue")).to_contain_text("Overdue")
    shot(page, "english-complaints-list")
    page.get_by_test_id("complaint-filter-category").select_option("delivery")
    expect(page.get_by_test_id("complaints")).to_contain_text("No complaint matches")
