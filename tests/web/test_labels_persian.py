"""Persian readers meet words, not codes: the journal names each event's kind and labels its data in Persian
(newest first, the raw JSON behind «جزئیات فنی»), a customer's page, the customers list and a record's history
show regions, states and kinds in Persian and processes by their Persian names; an English comment inside a
Persian page keeps its full stop at its end; code and ids fall back to Vazirmatn for Persian letters."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect
from sqlalchemy import text

from tests.web import diagrams
from tests.web.conftest import Server, shot
from tests.web.test_complaints_pages import file_complaint
from tests.web.test_crm_pages import surname

# Codes the crawl of the Persian pages found shown as they are stored (before this change) and words of the
# English interface; none may be what a Persian reader reads on these pages.
CODES = ["crm.customer.created", "crm.customer.changed", "crm.complaint.created", "crm.complaint.changed",
         "task.created", "instance.started", "tehran", "alborz", "east-azerbaijan", "potential", "actual",
         "company", "complaint_escalation", "in_progress", "received", "company_name", "region", "Customer created",
         "Process started", "Task opened", "Handle the complaint", "Technical details", "Newest first"]


def visible_codes(text: str) -> list[str]:
    return [code for code in CODES if code in text]


def _customer(server: Server, name: str) -> dict:
    answer = server.call("POST", "/api/v1/customers", "employee", json={
        "kind": "company", "company_name": name, "mobile": "09121110088", "region": "tehran"})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["customer"]


def test_the_persian_journal_names_kinds_and_labels_data_newest_first(crm: Server, page_for):
    name = f"آینده {surname()}"
    _customer(crm, name)
    page = page_for("auditor_fa", locale="fa-IR")
    page.goto("/app/journal?kind=crm.customer.&actor=alice")
    results = page.locator("[data-testid=journal-results]")
    expect(results.locator("tbody tr").first).to_be_visible()
    expect(results).to_contain_text("مشتری ایجاد شد")
    row = results.locator("tbody tr", has_text=name).first
    expect(row).to_contain_text("استان")  # the field's label
    expect(row).to_contain_text("تهران")  # the region's word, not its key
    expect(row).to_contain_text("حقوقی")
    assert visible_codes(results.inner_text()) == [], visible_codes(results.inner_text())
    seqs = [int(s) for s in results.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.seq)")]
    assert seqs == sorted(seqs, reverse=True) and len(seqs) >= 1  # newest first
    raw = row.locator("[data-testid=journal-raw]")
    expect(raw.locator("summary")).to_contain_text("جزئیات فنی")
    expect(raw.locator("pre")).to_be_hidden()
    raw.locator("summary").click()
    expect(raw.locator("pre")).to_contain_text('"region": "tehran"')  # the auditor still reads what was stored
    expect(raw.locator("pre")).to_have_attribute("dir", "ltr")
    fonts = page.locator("table code, table pre").evaluate_all(
        "els => els.map(e => getComputedStyle(e).fontFamily)")
    assert fonts and all("Vazirmatn" in f for f in fonts), fonts
    shot(page, "labels-persian-journal")

    page.select_option("[data-testid=journal-order]", "oldest")
    page.click("[data-testid=journal-search]")
    expect(page).to_have_url(re.compile(r"order=oldest"))
    if len(seqs) > 1:  # the table drawn again, oldest first
        expect(results.locator("tbody tr").first).not_to_have_attribute("data-seq", str(seqs[0]))
    expect(results.locator("tbody tr").first).to_be_visible()
    oldest = [int(s) for s in results.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.seq)")]
    assert oldest == sorted(oldest)


def test_persian_record_pages_show_words_and_persian_process_names(crm: Server, page_for):
    name = f"فردا {surname()}"
    customer = _customer(crm, name)
    page = page_for("persian", locale="fa-IR")
    page.goto(f"/app/customers/{customer['id']}")
    expect(page.locator("h1")).to_contain_text(name)
    history = page.locator("[data-testid=record-history]")
    expect(history.locator("[data-testid=history-entry]").first).to_be_visible()
    main = page.locator("#main")
    expect(main).to_contain_text("تهران")
    assert visible_codes(main.inner_text()) == [], visible_codes(main.inner_text())
    shot(page, "labels-persian-customer")

    page.goto(f"/app/customers?q={name}")
    expect(page.locator("tbody tr", has_text=name)).to_contain_text("تهران")
    assert visible_codes(page.locator("#main").inner_text()) == []

    filed = file_complaint(crm)
    page.goto(f"/app/complaints/{filed['id']}")
    history = page.locator("[data-testid=record-history]")
    expect(history.locator("li[data-kind='instance.started']")).to_have_count(1)
    started = history.locator("li[data-kind='instance.started'] .history-title").inner_text()
    assert "complaint_escalation" not in started and "«" in started, started
    assert visible_codes(history.inner_text()) == [], visible_codes(history.inner_text())
    shot(page, "labels-persian-complaint-history")


def test_an_english_comment_in_a_persian_page_keeps_its_full_stop_at_its_end(server: Server, page_for):
    key = f"labels_{uuid.uuid4().hex[:6]}"
    server.deploy(diagrams.quote(key, form_id=f"{key}-form"))
    started = server.call("POST", f"/api/v1/process-definitions/key/{key}/start", "persian", json={})
    assert started.status_code == 201, started.get_json()
    tasks = server.call("GET", "/api/v1/tasks", "persian",
                        query_string={"process_instance": started.get_json()["id"]}).get_json()["items"]
    task_id = tasks[0]["id"]
    said = server.call("POST", f"/api/v1/tasks/{task_id}/comments", "persian", json={"text": "legal (nima): ok."})
    assert said.status_code == 201, said.get_json()

    page = page_for("persian", locale="fa-IR")
    page.goto(f"/app/tasks/{task_id}")
    comment = page.locator(".comment-text", has_text="legal (nima)")
    expect(comment).to_be_visible()
    isolated = comment.evaluate("""el => el.dir === 'auto' || !!el.closest('bdi,[dir=auto]')
        || ['plaintext', 'isolate'].includes(getComputedStyle(el).unicodeBidi)""")
    assert isolated
    # where the letters are drawn: the full stop right of the "l" of "legal" (in a mirrored paragraph it would
    # stand left of it, ".legal (nima): ok")
    first_x, stop_x = comment.evaluate("""el => {
        const text = el.firstChild; const at = (i) => { const r = document.createRange();
          r.setStart(text, i); r.setEnd(text, i + 1); return r.getBoundingClientRect().left; };
        const s = text.textContent; return [at(s.indexOf('l')), at(s.lastIndexOf('.'))]; }""")
    assert stop_x > first_x, (first_x, stop_x)
    assert page.locator("html").get_attribute("dir") == "rtl"
    shot(page, "labels-persian-english-comment")


def test_people_are_named_by_their_display_name_not_their_user_name(crm: Server, page_for):
    """Records, tasks and the journal keep a user name (``kaveh``); a Persian page names the person."""
    from api.identity.service import create_user
    from tests.web.conftest import PASSWORD
    from tests.web.test_opportunities_pages import deal

    with crm.ravand.sessions() as session:
        if not session.execute(text("select 1 from app_user where username = 'kaveh'")).first():
            create_user(session, "kaveh", PASSWORD, "employee", ["sales"], display_name="کاوه رستمی", locale="fa")
            session.commit()
    title = f"سامانهٔ انبار {surname()}"
    opportunity = deal(crm, f"انبار {surname()}", "09121110094", title=title, amount=5_000_000, owner="kaveh")
    page = page_for("persian", locale="fa-IR")
    page.goto(f"/app/opportunities?q={title}")
    row = page.locator("tbody tr", has_text=title)
    expect(row).to_contain_text("کاوه رستمی")
    assert "kaveh" not in row.inner_text()
    expect(row.locator("bdi.person")).to_have_attribute("title", "kaveh")  # the user name stays in the tooltip

    page.goto(f"/app/opportunities/{opportunity['id']}")
    expect(page.locator("#main")).to_contain_text("کاوه رستمی")
    history = page.locator("[data-testid=record-history]")
    expect(history.locator("[data-testid=history-entry]").first).to_be_visible()
    assert "kaveh" not in page.locator("#main").inner_text()
    shot(page, "labels-persian-people")

    page = page_for("auditor_fa", locale="fa-IR")
    page.goto("/app/journal?actor=root&kind=crm.opportunity.created")
    results = page.locator("[data-testid=journal-results]")
    expect(results.locator("tbody tr").first).to_be_visible()
    owner = results.locator("tbody tr", has_text=title).first
    expect(owner).to_contain_text("کاوه رستمی")  # the owner field, in words


def test_the_journal_keeps_an_english_texts_digits_and_gives_persian_text_persian_digits(crm: Server, page_for):
    """The message an English customer was sent reads as sent («due on 6 December 2026»), not «۶ December ۲۰۲۶»."""
    tag = surname()
    for name in (f"Acme Store 24 {tag}", f"فروشگاه 24 {tag}"):
        answer = crm.call("POST", "/api/v1/customers", "employee", json={
            "kind": "company", "company_name": name, "mobile": "09121110095"})
        assert answer.status_code == 201, answer.get_json()
    page = page_for("auditor_fa", locale="fa-IR")
    page.goto("/app/journal?kind=crm.customer.created&actor=alice")
    results = page.locator("[data-testid=journal-results]")
    english = results.locator("tbody tr", has_text="Acme Store").filter(has_text=tag).first
    expect(english.locator("[data-field=company_name]")).to_contain_text(f"Acme Store 24 {tag}")
    persian = results.locator("tbody tr", has_text="فروشگاه").filter(has_text=tag).first
    expect(persian.locator("[data-field=company_name]")).to_contain_text(f"فروشگاه ۲۴ {tag}")
