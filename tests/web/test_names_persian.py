"""Process and task names in Persian: the shipped processes' Persian names (name:fa extension properties) on the
Persian tasklist, a task page and an instance page (its heading, where it waits, its timeline and its diagram);
the modeler's "Persian name" entry writes the property a deploy then reads. Screenshots in test-artifacts/."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.web import diagrams
from tests.web.conftest import Server, shot
from tests.web.test_complaints_pages import file_complaint
from tests.web.test_crm_pages import lead_task, surname

ENGLISH = ("Qualification call", "Lead qualification", "lead_qualification", "Handle the complaint",
           "Complaint escalation", "complaint_escalation")


def no_english(text: str) -> None:
    found = [word for word in ENGLISH if word in text]
    assert not found, f"English names on a Persian page: {found}"


def test_the_persian_tasklist_task_and_instance_name_the_lead_qualification_in_persian(crm: Server, page_for):
    name = f"سارا {surname()}"
    lead, task_id = lead_task(crm, person_name=name, mobile="09121110077")
    assert crm.call("POST", f"/api/v1/tasks/{task_id}/assign", "admin",
                    json={"user": "parisa", "override": True}).status_code == 200
    page = page_for("persian", locale="fa-IR")
    page.goto("/app/tasks?tab=mine")
    row = page.locator(f"[data-testid=task-row][data-task-id='{task_id}']")
    expect(row.locator(".task-name")).to_contain_text("تماس ارزیابی")
    expect(row.locator(".process-name")).to_have_text("ارزیابی سرنخ")
    expect(row.locator(".process-name")).to_have_attribute("data-process-key", "lead_qualification")
    no_english(row.inner_text())
    shot(page, "names-persian-tasklist")

    row.locator(".task-link").click()
    page.wait_for_url(re.compile(r"/app/tasks/"))
    expect(page.locator("[data-testid=task-title]")).to_have_text("تماس ارزیابی")
    process = page.locator("dt", has_text="فرایند").locator("xpath=following-sibling::dd[1]")
    expect(process).to_have_text("ارزیابی سرنخ")
    no_english(page.locator("header.page-header").inner_text() + process.inner_text())
    shot(page, "names-persian-task")

    admin = page_for("admin_fa", locale="fa-IR")
    admin.goto(f"/app/instances/{lead['process_instance_id']}")
    expect(admin.locator("[data-testid=instance-title]")).to_contain_text("ارزیابی سرنخ")
    expect(admin.locator("[data-testid=waiting-at]")).to_contain_text("تماس ارزیابی")
    expect(admin.locator("[data-testid=timeline]")).to_contain_text("تماس ارزیابی")
    expect(admin.locator('g[data-element-id="call"] text').first).to_contain_text("تماس")  # the diagram's label
    no_english(admin.locator("[data-testid=instance-title]").inner_text()
               + admin.locator("[data-testid=timeline]").inner_text())
    shot(admin, "names-persian-instance")


def test_a_complaint_instance_and_the_instances_list_name_the_tier_in_persian(crm: Server, page_for):
    filed = file_complaint(crm)
    instance = filed["process_instance_id"]
    page = page_for("admin_fa", locale="fa-IR")
    page.goto(f"/app/instances/{instance}")
    expect(page.locator("[data-testid=instance-title]")).to_contain_text("رسیدگی به شکایت")
    expect(page.locator("[data-testid=waiting-at]")).to_contain_text("رسیدگی به شکایت (سطح ۱)")
    shot(page, "names-persian-complaint-instance")

    page.goto("/app/instances?key=complaint_escalation")
    row = page.locator(f"tr[data-instance='{instance}']")
    expect(row.locator(".process-name")).to_have_text("رسیدگی به شکایت")
    expect(row).to_contain_text("رسیدگی به شکایت (سطح ۱)")
    no_english(row.inner_text())
    shot(page, "names-persian-instances")


def test_the_modeler_sets_the_persian_name_that_the_tasklist_shows(server: Server, page_for):
    key = f"names_{uuid.uuid4().hex[:6]}"
    server.deploy(diagrams.quote(key, form_id=f"{key}-form"))
    page = page_for("designer")
    page.click("a.nav-link[data-nav=processes]")
    page.click(f"tr[data-key={key}] >> text=Open")
    page.click('g[data-element-id="prepare"]')
    panel = page.locator("[data-testid=properties-panel]")
    persian = panel.get_by_label("Persian name")
    if not persian.is_visible():
        panel.locator(".bio-properties-panel-group-header", has_text="General").click()
    persian.fill("تهیهٔ پیش‌فاکتور")
    persian.press("Tab")
    expect(panel.locator("#bio-properties-panel-name")).to_have_value("Prepare the quote")  # English stays
    expect(page.locator("button.file-tab[aria-selected=true]")).to_contain_text("•")  # an unsaved change
    page.click("[data-testid=deploy]")
    expect(page.locator("h1")).to_contain_text("version 2")
    latest = server.call("GET", "/api/v1/process-definitions", query_string={"key": key}).get_json()["items"][0]
    xml = server.call("GET", f"/api/v1/process-definitions/{latest['id']}/xml").get_data(as_text=True)
    assert re.search(r'<camunda:property name="name:fa" value="تهیهٔ پیش‌فاکتور"\s*/>', xml), xml
    assert 'name="Prepare the quote"' in xml
    shot(page, "names-modeler-persian-name")

    started = server.call("POST", f"/api/v1/process-definitions/key/{key}/start", "admin", json={})
    assert started.status_code == 201, started.get_json()
    reader = page_for("persian", locale="fa-IR")
    reader.goto("/app/tasks?tab=groups")
    row = reader.locator("[data-testid=task-row]", has=reader.locator(f".process-name[data-process-key='{key}']"))
    expect(row.first.locator(".task-name")).to_contain_text("تهیهٔ پیش‌فاکتور")
