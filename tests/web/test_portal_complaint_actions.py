"""The customer's own moves on the portal's tracking page: while the complaint waits for them, they read the
question the support desk asked and answer it (in Persian, right to left); after the resolution they ask to
reopen it (in English), within the reopening window and not after it. The staff's side goes through the
complaint's process over the API, as the support desk's task form does."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from playwright.sync_api import expect

from crm import complaints
from tests.web.conftest import Server, shot

QUESTION = "شمارهٔ سفارش شما چیست؟ روی فاکتور نوشته شده است."
REPLY = "شمارهٔ سفارش ۴۵۶۷۸ است."
DESCRIPTION = "بستهٔ من ناقص رسید؛ یکی از کالاها در آن نبود."


def tier_task(server: Server, code: str) -> dict[str, Any]:
    tasks = server.call("GET", "/api/v1/tasks", "admin", query_string={"business_key": code}).get_json()["items"]
    assert [t["element_id"] for t in tasks] == ["tier1"], tasks
    return tasks[0]


def work(server: Server, code: str, data: dict[str, Any]) -> None:
    """The support desk completes the complaint's tier-1 task with ``data`` (its form's fields)."""
    task = tier_task(server, code)
    if task["assignee"] is None:
        assert server.call("POST", f"/api/v1/tasks/{task['id']}/claim", "admin").status_code == 200
    done = server.call("POST", f"/api/v1/tasks/{task['id']}/complete", "admin", json={"data": data})
    assert done.status_code == 200, done.get_json()


def staff_view(server: Server, code: str) -> dict[str, Any]:
    found = server.call("GET", "/api/v1/complaints", "admin", query_string={"limit": 200}).get_json()["items"]
    complaint_id = next(c["id"] for c in found if c["tracking_code"] == code)
    return server.call("GET", f"/api/v1/complaints/{complaint_id}", "admin").get_json()


def file_in_persian(page: Any) -> str:
    page.goto("/portal")
    page.fill("[data-field=name] input", "نرگس کاظمی")
    page.fill("[data-field=mobile] input", "۰۹۱۲ ۷۶۵ ۴۳۲۱")
    page.select_option("[data-field=category] select", "delivery")
    page.locator("[data-field=severity] label", has_text="متوسط").click()
    page.fill("[data-field=description] textarea", DESCRIPTION)
    page.click("[data-testid=portal-submit]")
    code_box = page.locator("[data-testid=portal-filed] [data-testid=tracking-code]")
    expect(code_box).to_have_text(re.compile(r"^RC-[A-Z0-9]{10}$"))
    return code_box.inner_text()


def answer_in_persian(crm: Server, page_for: Any, code: str) -> None:
    page = page_for(None, locale="fa-IR")
    stale = page_for(None, locale="en-GB")  # a second tab, opened while we wait; it answers too late
    stale.goto(f"/portal/complaints/{code}?lang=en")
    page.goto(f"/portal/complaints/{code}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("[data-testid=portal-status]")).to_have_attribute("data-status", "waiting_customer")
    expect(page.locator("[data-testid=portal-status-text]")).to_have_text("در انتظار پاسخ شما")
    expect(page.locator("[data-testid=portal-steps] [aria-current=step]")).to_contain_text("در انتظار پاسخ شما")
    expect(page.locator("[data-testid=portal-question]")).to_have_text(QUESTION)
    expect(page.locator("[data-testid=portal-description]")).to_have_text(DESCRIPTION)  # what they wrote
    expect(page.locator("[data-testid=portal-reopen]")).to_have_count(0)
    page.click("[data-testid=reply-submit]")  # nothing written: a Persian sentence under the box, no English
    error = page.locator("[data-testid=reply-form] [data-field=text] .field-error")
    expect(error).to_have_text("پاسخ خود را بنویسید (حداکثر ۲٬۰۰۰ نویسه).")
    expect(page.locator("[data-testid=reply-form] textarea")).to_be_focused()
    page.fill("[data-testid=reply-form] textarea", REPLY)
    shot(page, "portal-fa-waiting-reply")
    page.click("[data-testid=reply-submit]")
    expect(page.locator("[data-testid=portal-reply-thanks]")).to_contain_text("پاسخ شما رسید")
    expect(page.locator("[data-testid=portal-status]")).to_have_attribute("data-status", "in_progress")
    expect(page.locator("[data-testid=portal-status-text]")).to_have_text("در حال رسیدگی")
    expect(page.locator("[data-testid=portal-waiting]")).to_have_count(0)
    expect(page.locator("[data-testid=portal-updates]")).to_contain_text(REPLY)
    shot(page, "portal-fa-replied")

    stale.fill("[data-testid=reply-form] textarea", "Order 45678")  # the wait is over: told so, page redrawn
    stale.click("[data-testid=reply-submit]")
    expect(stale.locator("[data-testid=portal-action-refused]")).to_have_text(re.compile(
        "We are no longer waiting for an answer on this complaint"))
    expect(stale.locator("[data-testid=portal-status]")).to_have_attribute("data-status", "in_progress")
    expect(stale.locator("[data-testid=reply-form]")).to_have_count(0)


def reopen_in_english(page: Any, code: str) -> None:
    page.goto(f"/portal/complaints/{code}?lang=en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("[data-testid=portal-status-text]")).to_have_text("Resolved")
    card = page.locator("[data-testid=portal-reopen]")
    expect(card.locator("h2")).to_have_text("Still a problem? Ask to reopen")
    expect(card).to_contain_text("You can ask until")
    page.click("[data-testid=reopen-submit]")
    expect(card.locator("[data-field=text] .field-error")).to_have_text(
        "Write what is still wrong (at most 2,000 characters).")
    page.fill("[data-testid=reopen-form] textarea", "The missing item never came; the courier says it was not sent.")
    shot(page, "portal-en-reopen")
    page.click("[data-testid=reopen-submit]")
    expect(page.locator("[data-testid=portal-reopen-thanks]")).to_have_text(re.compile("Your complaint is open again"))
    expect(page.locator("[data-testid=portal-status]")).to_have_attribute("data-status", "in_progress")
    expect(page.locator("[data-testid=portal-status-text]")).to_have_text("Being handled")
    expect(page.locator("[data-testid=portal-reopen]")).to_have_count(0)
    expect(page.locator("[data-testid=survey]")).to_have_count(0)


def test_the_customer_answers_our_question_in_persian_then_asks_to_reopen_in_english(crm: Server, page_for):
    code = file_in_persian(page_for(None, locale="fa-IR"))
    work(crm, code, {"outcome": "wait", "question": QUESTION, "internal_note": "انبار را هم بپرس"})
    assert staff_view(crm, code)["status"] == "waiting_customer"

    answer_in_persian(crm, page_for, code)
    record = staff_view(crm, code)
    assert record["status"] == "in_progress"
    assert [(u["text"], u["public"]) for u in record["updates"] if u["text"] == REPLY] == [(REPLY, True)]
    assert tier_task(crm, code)["element_id"] == "tier1"  # back with the support desk, its clock running again

    work(crm, code, {"outcome": "resolve", "resolution": "Courier report checked.",
                     "public_update": "The missing item was sent today."})
    page = page_for(None, locale="en-GB")
    reopen_in_english(page, code)
    record = staff_view(crm, code)
    assert (record["status"], record["tier"], record["reopened"]) == ("in_progress", 1, 1)
    assert any(u["text"].startswith("The missing item never came") and not u["public"] for u in record["updates"])
    assert tier_task(crm, code)["assignee"] is None  # a new tier-1 task for the desk

    work(crm, code, {"outcome": "resolve", "resolution": "Sent by express.", "public_update": "Sent by express."})
    with crm.ravand.sessions() as session:  # the resolution was 20 days ago: past the 14-day window
        complaint = complaints.by_tracking_code(session, code)
        complaint.resolved_at = complaint.resolved_at - timedelta(days=20)
        session.commit()
    page.goto(f"/portal/complaints/{code}?lang=en")
    expect(page.locator("[data-testid=portal-status-text]")).to_have_text("Resolved")
    expect(page.locator("[data-testid=portal-reopen]")).to_have_count(0)
    expect(page.locator("[data-testid=portal-reopen-expired]")).to_contain_text("file a new complaint")
    expect(page.locator("[data-testid=survey]")).to_be_visible()  # the survey as before
    shot(page, "portal-en-reopen-expired")
