"""An employee in the browser: find the task, claim it, submit an invalid form and see the server's
field error in place, then complete it; comments beside."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.web import diagrams
from tests.web.conftest import Server, shot


def start_quote(server: Server) -> tuple[str, str]:
    key = f"quote_{uuid.uuid4().hex[:6]}"
    server.deploy(diagrams.quote(key, form_id=f"{key}-form"))
    business_key = f"Q-{uuid.uuid4().hex[:6]}"
    started = server.call("POST", f"/api/v1/process-definitions/key/{key}/start", "admin",
                          json={"business_key": business_key, "variables": {"note": "first contact"}})
    assert started.status_code == 201, started.get_json()
    return started.get_json()["id"], business_key


def test_employee_claims_a_task_fixes_the_form_and_completes_it(server: Server, page_for):
    instance_id, business_key = start_quote(server)
    page = page_for("employee")
    page.click("[data-tab=unassigned]")
    page.fill("[data-testid=task-search]", business_key)
    row = page.locator("[data-testid=task-row]", has_text=business_key)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Prepare the quote")
    row.locator("[data-testid=claim]").click()
    page.wait_for_url(re.compile(r"/app/tasks/[^/]+$"))
    expect(page.locator("[data-testid=toast]").last).to_contain_text("The task is yours")
    expect(page.locator("[data-testid=unclaim]")).to_be_visible()

    page.fill("[data-testid=comment-text]", "Called the customer; waiting for the figures.")
    page.click("text=Add comment")
    expect(page.locator("[data-testid=comments]")).to_contain_text("waiting for the figures")

    amount = page.get_by_label("Amount")
    amount.fill("-5")
    page.click("[data-testid=complete]")
    field = page.locator(".fjs-form-field", has=page.get_by_label("Amount"))
    expect(field.locator(".fjs-form-field-error")).to_contain_text("Must be greater than or equal to 0")
    expect(page.locator("[data-testid=form-errors]")).to_be_visible()
    shot(page, "employee-field-error")
    task_id = page.url.rsplit("/", 1)[-1]
    assert server.call("GET", f"/api/v1/tasks/{task_id}").get_json()["state"] == "claimed"

    amount.fill("1250")
    page.click("[data-testid=complete]")
    page.wait_for_url(re.compile(r"/app/tasks(\?.*)?$"))  # the list then writes its tab into the query
    expect(page.locator("[data-testid=toast]").last).to_contain_text("Task completed")
    instance = server.call("GET", f"/api/v1/process-instances/{instance_id}").get_json()
    assert instance["state"] == "completed" and instance["variables"]["amount"] == 1250


def test_tasklist_marks_overdue_and_due_soon(server: Server, page_for):
    key = f"late_{uuid.uuid4().hex[:6]}"
    server.deploy(diagrams.quote(key, form_id=f"{key}-form", due="2020-01-01T09:00:00Z"))
    server.call("POST", f"/api/v1/process-definitions/key/{key}/start", "admin", json={"business_key": f"L-{key}"})
    soon = f"soon_{uuid.uuid4().hex[:6]}"
    server.deploy(diagrams.quote(soon, form_id=f"{soon}-form", due="PT3H"))
    server.call("POST", f"/api/v1/process-definitions/key/{soon}/start", "admin", json={"business_key": f"S-{soon}"})
    page = page_for("employee2")
    page.select_option("[data-testid=task-sort]", "due")
    late_row = page.locator("[data-testid=task-row]", has_text=f"L-{key}")
    expect(late_row.locator("[data-due=overdue]")).to_contain_text("Overdue")
    expect(page.locator("[data-testid=task-row]", has_text=f"S-{soon}").locator("[data-due=soon]")).to_be_visible()
    first = page.locator("[data-testid=task-row]").first
    expect(first).to_contain_text(f"L-{key}")  # the oldest due date first
    page.keyboard.press("/")
    expect(page.locator("[data-testid=task-search]")).to_be_focused()
