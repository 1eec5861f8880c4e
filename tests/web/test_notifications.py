"""An employee's notifications in the browser, in Persian: the bell in the top bar counts the unread notices
(Persian digits), its page lists them newest first, right to left, addressed by name; a task notice opens
its task and is then read; one or all can be marked read, and the bell follows."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.web import diagrams
from tests.web.conftest import PASSWORD, Server, shot


def _assigned_tasks(server: Server, username: str, count: int) -> list[str]:
    """``count`` quote tasks an administrator hands to ``username`` (each tells them: task_assigned)."""
    key = f"inbox_{uuid.uuid4().hex[:6]}"
    server.deploy(diagrams.quote(key, form_id=f"{key}-form"))
    tasks = []
    for _ in range(count):
        started = server.call("POST", f"/api/v1/process-definitions/key/{key}/start", "admin", json={})
        assert started.status_code == 201, started.get_json()
        [task] = server.call("GET", f"/api/v1/tasks?process_instance={started.get_json()['id']}").get_json()["items"]
        assigned = server.call("POST", f"/api/v1/tasks/{task['id']}/assign", "admin", json={"user": username})
        assert assigned.status_code == 200, assigned.get_json()
        tasks.append(task["id"])
    return tasks


def _sign_in(page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/app/"))
    page.wait_for_selector("#main:not([aria-busy])")


def test_the_bell_counts_unread_notices_and_the_page_lists_them_in_persian(server: Server, page_for):
    username = f"shirin_{uuid.uuid4().hex[:5]}"
    created = server.call("POST", "/api/v1/users", "admin", json={
        "username": username, "password": PASSWORD, "role": "employee", "groups": ["sales"], "locale": "fa",
        "display_name": "شیرین کاظمی", "email": f"{username}@ravand.example"})
    assert created.status_code == 201, created.get_json()
    tasks = _assigned_tasks(server, username, 3)

    page = page_for(None, locale="fa-IR")
    _sign_in(page, username)
    bell, count = page.locator("[data-testid=bell]"), page.locator("[data-testid=bell-count]")
    expect(count).to_have_text("۳")
    expect(bell).to_have_attribute("aria-label", "اعلان‌ها: ۳ خوانده‌نشده")
    assert bell.bounding_box()["x"] < page.locator(".brand").bounding_box()["x"]  # the bar reads from the right

    bell.click()
    page.wait_for_url(re.compile(r"/app/notifications$"))
    expect(page.locator("h1")).to_have_text("اعلان‌ها")
    expect(page.locator("[data-testid=inbox-summary]")).to_have_text("۳ خوانده‌نشده از ۳")
    notices = page.locator("[data-testid=notice]")
    expect(notices).to_have_count(3)
    expect(notices.first).to_contain_text("شیرین کاظمی گرامی")  # addressed by name, in her language
    expect(notices.first).to_contain_text("Prepare the quote")
    assert page.evaluate("getComputedStyle(document.querySelector('.notices')).direction") == "rtl"
    first = notices.first.bounding_box()
    badge, when = notices.first.locator(".badge").bounding_box(), notices.first.locator("time").bounding_box()
    assert badge["x"] > when["x"] and badge["x"] + badge["width"] > first["x"] + first["width"] * 0.8  # starts right
    stripe = page.evaluate("getComputedStyle(document.querySelector('.notice.unread')).borderRightWidth")
    assert stripe == "4px"  # the unread mark is on the reading side
    shot(page, "notifications-fa")

    notices.nth(1).locator("[data-testid=notice-read]").click()
    expect(count).to_have_text("۲")
    expect(notices.nth(1)).to_have_attribute("data-unread", "false")

    notices.first.locator("[data-testid=notice-link]").click()  # the newest: the last task handed to her
    page.wait_for_url(re.compile(rf"/app/tasks/{tasks[-1]}$"))
    expect(count).to_have_text("۱")

    bell.click()
    page.wait_for_url(re.compile(r"/app/notifications$"))
    page.click("[data-testid=inbox-read-all]")
    expect(count).to_be_hidden()
    expect(bell).to_have_attribute("aria-label", "اعلان‌ها")
    expect(page.locator("[data-testid=inbox-summary]")).to_have_text("۰ خوانده‌نشده از ۳")
    page.check("[data-testid=inbox-unread-only]")
    expect(page.locator("[data-testid=empty]")).to_have_text("اعلان خوانده‌نشده‌ای نیست.")
