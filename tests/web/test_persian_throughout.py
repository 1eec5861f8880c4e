"""A Persian employee, auditor and designer never read English or a raw code where they work: the tasklist,
a task page, the instance page, the journal and the modeler are checked for a fixed list of English interface
strings and internal keys that Ravand (or the libraries it embeds) showed in Persian before. Screenshots of
each page are kept."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.conftest import Server, shot
from tests.web.test_crm_pages import lead_task, surname

# What a Persian reader met before: the shipped processes' English names, process keys, group keys, status
# codes, journal kinds and message templates; form-js's own messages and the embedded editors' headings.
NAMES = ["Lead qualification", "Qualification call", "Draft the contract", "Approve (finance)", "Handle the complaint",
         "lead_qualification", "contract_approval", "complaint_escalation"]
INTERFACE = [
    "sales-enterprise", "support-1", "changes_requested", "in_progress", "claimed", "running", "completed",
    "task_assigned", "task_overdue",
    "crm.customer.created", "crm.lead.created", "crm.contract.changed", "task.completed", "instance.started",
    "Field is required", "This field is required", "Must be at least",
    "Expected close", "Select a date",
    "USER TASK", "Toggle section", "Open pop-up editor", "Section contains edits", "Create Task",
    "General", "Documentation", "Extension properties", "Inputs", "Outputs",
]
KNOWN_ENGLISH = NAMES + INTERFACE


def english_seen(page, known: list[str] = KNOWN_ENGLISH) -> list[str]:
    """The known English strings in the page's visible text (hidden panels and tooltips are not read)."""
    # identifiers set in code (an instance id, a process key beside its name, a hash) are not words to read
    text = page.evaluate("""() => { const body = document.body.cloneNode(true);
        body.querySelectorAll('code').forEach((c) => c.remove()); document.documentElement.append(body);
        const text = body.innerText; body.remove(); return text; }""")
    return [phrase for phrase in known if re.search(rf"(?<![\w.-]){re.escape(phrase)}(?![\w.-])", text)]


def test_persian_staff_read_no_english_on_the_tasklist_task_and_instance(crm: Server, page_for):
    family = surname()
    lead, task_id = lead_task(crm, company_name=f"آریا {family}", person_name="علی رضایی", mobile="09121230001")
    assert crm.call("POST", f"/api/v1/tasks/{task_id}/assign", "admin",
                    json={"user": "parisa", "override": True}).status_code == 200
    page = page_for("persian", locale="fa-IR")

    page.goto(f"/app/tasks?tab=mine&q={family}")
    row = page.get_by_test_id("task-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("تماس ارزیابی")
    shot(page, "fa-throughout-tasklist")
    assert english_seen(page) == []

    page.goto(f"/app/tasks/{task_id}")
    expect(page.locator("[data-testid=task-form]")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("تماس ارزیابی")
    shot(page, "fa-throughout-task")
    assert english_seen(page) == []

    page = page_for("admin_fa", locale="fa-IR")  # instance pages are for administrators and designers
    page.goto(f"/app/instances/{lead['process_instance_id']}")
    expect(page.locator("h1")).to_contain_text("ارزیابی سرنخ")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("سرنخ تغییر کرد")  # a CRM record's change in words, not crm.lead.changed
    shot(page, "fa-throughout-instance")
    assert english_seen(page) == []


def test_a_persian_auditor_reads_the_journal_in_words(crm: Server, page_for):
    lead_task(crm, company_name=f"پارس {surname()}", person_name="مینا کریمی", mobile="09121230002")
    page = page_for("auditor_fa", locale="fa-IR")
    page.goto("/app/journal")
    expect(page.locator("tr[data-seq]").first).to_be_visible()
    shot(page, "fa-throughout-journal")
    assert english_seen(page) == []
    expect(page.locator("tr[data-seq]").filter(has_text="ایجاد کار").first).to_contain_text("تماس ارزیابی")

    # the period filters are Jalali: typed in Persian digits, or picked from the Jalali month
    expect(page.locator("input[type=datetime-local]")).to_have_count(0)
    after = page.get_by_test_id("after-date")
    after.fill("۱۴۰۵/۰۲/۳۱")  # Ordibehesht has 31 days: 21 May 2026
    expect(page.get_by_test_id("after-preview")).to_contain_text("اردیبهشت ۱۴۰۵")
    after.fill("۱۴۰۵/۰۷/۳۱")  # Mehr has 30
    expect(page.get_by_test_id("after-preview")).to_contain_text("تاریخ درست نیست")
    after.fill("")
    page.get_by_test_id("before-calendar").click()
    calendar = page.get_by_test_id("jalali-calendar")
    expect(calendar.get_by_test_id("calendar-month")).to_contain_text("۱۴۰۵")
    calendar.locator("button.ravand-day[data-today]").click()
    before = page.get_by_test_id("before-date")
    expect(before).to_have_value(re.compile(r"^۱۴۰۵/[۰-۹]{2}/[۰-۹]{2}$"))
    page.get_by_test_id("journal-search").click()
    expect(page).to_have_url(re.compile(r"before=%DB%B1%DB%B4%DB%B0%DB%B5"))  # the Jalali day as typed
    expect(page.locator("tr[data-seq]").first).to_be_visible()  # today's entries are up to the end of today
    shot(page, "fa-throughout-journal-period")


def test_a_persian_designer_reads_the_modeler_in_persian(crm: Server, page_for):
    definitions = crm.call("GET", "/api/v1/process-definitions", "admin", query_string={"key": "lead_qualification"})
    newest = definitions.get_json()["items"][0]
    page = page_for("designer_fa", locale="fa-IR")
    page.goto(f"/app/definitions/{newest['id']}/edit")
    canvas = page.get_by_test_id("bpmn-canvas")
    expect(canvas.locator(".djs-element").first).to_be_visible()
    expect(page.locator("h1")).to_contain_text("ارزیابی سرنخ")  # the page names the process in Persian
    expect(page.locator(".crumbs")).not_to_contain_text("lead_qualification")
    # the qualification call (a user task); a flow's line crosses its middle, so the click goes to the shape itself
    canvas.locator('g[data-element-id="call"] .djs-hit').first.dispatch_event("click")
    panel = page.get_by_test_id("properties-panel")
    expect(panel.locator(".bio-properties-panel-header")).to_contain_text("کار کاربر")
    persian = panel.get_by_label("نام فارسی")
    if not persian.is_visible():
        panel.locator(".bio-properties-panel-group-header").first.click()
    expect(persian).to_have_value("تماس ارزیابی")
    shot(page, "fa-throughout-modeler")
    # the diagram's own names are the designer's to edit (its English name beside the Persian one): only the
    # modeler's own words are checked here
    assert english_seen(page, INTERFACE) == []
