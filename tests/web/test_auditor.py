"""An auditor in the browser: find the instance in the journal, read its timeline, verify the chain, and
see where a tampered chain breaks."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect
from sqlalchemy import text

from tests.web import diagrams
from tests.web.conftest import Server, shot


def completed_instance(server: Server) -> tuple[str, str]:
    key = f"audit_{uuid.uuid4().hex[:6]}"
    server.deploy(diagrams.quote(key, form_id=f"{key}-form"))
    business_key = f"A-{uuid.uuid4().hex[:6]}"
    instance = server.call("POST", f"/api/v1/process-definitions/key/{key}/start", "employee",
                           json={"business_key": business_key}).get_json()
    task = server.call("GET", "/api/v1/tasks", "employee", query_string={"business_key": business_key}).get_json()
    task_id = task["items"][0]["id"]
    done = server.call("POST", f"/api/v1/tasks/{task_id}/complete", "employee", json={"data": {"amount": 7}})
    assert done.status_code == 200, done.get_json()
    return instance["id"], business_key


def test_auditor_finds_the_instance_and_verifies_the_chain(server: Server, page_for):
    instance_id, business_key = completed_instance(server)
    page = page_for("auditor")
    expect(page).to_have_url(re.compile(rf"{server.url}/app/journal(\?order=newest)?$"))  # newest first by default
    page.fill("input[name=business_key]", business_key)
    page.click("[data-testid=journal-search]")
    results = page.locator("[data-testid=journal-results]")
    expect(results.locator("tbody tr")).to_have_count(len(server.call(
        "GET", "/api/v1/journal", "auditor", query_string={"business_key": business_key}).get_json()["items"]))
    expect(results).to_contain_text("Task completed")
    csv = page.locator("[data-testid=csv]").get_attribute("href")
    assert "format=csv" in csv and business_key in csv
    answer = page.request.get(csv)
    assert answer.ok and "task.completed" in answer.text()

    results.locator(f"a[href='/app/instances/{instance_id}']").first.click()
    timeline = page.locator("[data-testid=timeline]")
    expect(timeline.locator("li[data-kind='instance.completed']")).to_have_count(1)
    expect(timeline).to_contain_text("Task completed")
    page.go_back()
    page.click("[data-testid=verify]")
    expect(page.locator("[data-testid=chain-ok]")).to_contain_text("The chain is intact")
    shot(page, "auditor-verified")


def test_the_auditor_sees_where_a_tampered_chain_breaks(server: Server, page_for):
    completed_instance(server)
    page = page_for("auditor")
    page.goto("/app/journal?order=oldest")  # the journal shows the newest first; row #2 is on the oldest page
    page.wait_for_selector("#main:not([aria-busy])")
    page.click("[data-testid=verify]")
    expect(page.locator("[data-testid=chain-ok]")).to_be_visible()
    database = server.ravand.database
    with database.begin() as conn:  # someone with database access rewrites history
        trigger = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'journal_no_update'")).scalar_one()
        actor = conn.execute(text("SELECT actor FROM journal WHERE seq = 2")).scalar_one()
        conn.execute(text("DROP TRIGGER journal_no_update"))
        conn.execute(text("UPDATE journal SET actor = 'mallory' WHERE seq = 2"))
    try:
        page.click("[data-testid=verify]")
        expect(page.locator("[data-testid=chain-broken]")).to_contain_text("#2")
        expect(page.locator("tr[data-seq='2']")).to_have_class("row-broken")
        shot(page, "auditor-broken-chain")
    finally:  # put history back as it was, for the other tests on this server
        with database.begin() as conn:
            conn.execute(text("UPDATE journal SET actor = :actor WHERE seq = 2"), {"actor": actor})
            conn.execute(text(trigger))
    page.click("[data-testid=verify]")
    expect(page.locator("[data-testid=chain-ok]")).to_be_visible()
