"""The record lists' tools in the browser, in English and Persian: an employee opens the built-in "my open
complaints", sorts the complaints by severity with the mouse and with the keyboard (the order kept in the
address), saves that as a filter of their own, opens it again from another page, exports it as CSV (the
download holds their complaints in the list's order, in their language) and deletes the saved filter."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.web.conftest import USERS, Server, shot
from tests.web.test_complaints_pages import file_complaint

WORDS = {
    "en": {"mine": "My open complaints", "saved": "Mine by severity", "tracking": "Tracking code",
           "critical": "Critical"},
    "fa": {"mine": "شکایت‌های باز من", "saved": "بازهای من به ترتیب شدت", "tracking": "کد پیگیری",
           "critical": "بحرانی"},
}


def _assigned(crm: Server, username: str, severities: list[str]) -> list[dict]:
    filed = []
    for severity in severities:
        complaint = file_complaint(crm, severity=severity)
        answer = crm.call("POST", f"/api/v1/complaints/{complaint['id']}/assign", "admin", json={"user": username})
        assert answer.status_code == 200, answer.get_json()
        filed.append(complaint)
    return filed


@pytest.mark.parametrize(("who", "lang"), [("employee", "en"), ("persian", "fa")])
def test_an_employee_sorts_saves_reopens_and_exports_their_open_complaints(crm: Server, page_for, who, lang):
    words = WORDS[lang]
    mine = _assigned(crm, USERS[who][0], ["low", "critical", "medium"])
    file_complaint(crm, severity="high")  # someone else's: never in "mine"
    page = page_for(who, locale="fa-IR" if lang == "fa" else "en-GB")
    page.goto("/app/complaints")

    picker = page.get_by_test_id("saved-filter")
    expect(picker.locator("option", has_text=words["mine"])).to_have_count(1)
    picker.select_option(label=words["mine"])
    expect(page).to_have_url(re.compile(r"status=open"))
    rows = page.get_by_test_id("complaint-row")
    expect(rows).to_have_count(3)
    expect(page.get_by_test_id("complaint-chip-assignee")).to_contain_text(USERS[who][0])

    severity = page.get_by_test_id("sort-severity")
    severity.click()
    expect(page).to_have_url(re.compile(r"sort=severity"))
    header = page.locator("th", has=page.get_by_test_id("sort-severity"))
    expect(header).to_have_attribute("aria-sort", "ascending")
    page.get_by_test_id("sort-severity").focus()
    page.keyboard.press("Enter")  # the keyboard sorts too, and keeps the focus on the header
    expect(page).to_have_url(re.compile(r"sort=-severity"))
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(page.get_by_test_id("sort-severity")).to_be_focused()
    codes = [mine[1]["tracking_code"], mine[2]["tracking_code"], mine[0]["tracking_code"]]
    expect(rows.get_by_test_id("complaint-link")).to_have_text(codes)  # critical, medium, low: by rank
    expect(rows.first).to_contain_text(words["critical"])

    page.get_by_test_id("saved-filter-save").click()
    page.get_by_test_id("saved-filter-name").fill(words["saved"])
    page.locator("dialog button[type=submit]").click()
    expect(page.get_by_test_id("toast").last).to_contain_text(words["saved"])
    shot(page, f"{lang}-complaints-saved-filter")

    page.goto("/app/leads")
    page.goto("/app/complaints")
    expect(page).not_to_have_url(re.compile(r"sort="))
    page.get_by_test_id("saved-filter").select_option(label=words["saved"])
    expect(page).to_have_url(re.compile(r"sort=-severity"))
    expect(page.locator("th", has=page.get_by_test_id("sort-severity"))).to_have_attribute("aria-sort", "descending")
    expect(page.get_by_test_id("complaint-row").get_by_test_id("complaint-link")).to_have_text(codes)
    page.reload()  # the address keeps it all
    expect(page.get_by_test_id("complaint-row").get_by_test_id("complaint-link")).to_have_text(codes)
    expect(page.get_by_test_id("saved-filter")).to_have_value(re.compile(r"^\d+$"))

    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    got = download.value
    assert re.fullmatch(r"complaints-(1405|20\d\d)-\d\d-\d\d\.csv", got.suggested_filename)
    assert got.suggested_filename.startswith("complaints-1405" if lang == "fa" else "complaints-20")
    text = Path(got.path()).read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[0][0] == words["tracking"]
    assert [row[0] for row in table[1:]] == codes
    assert words["critical"] in table[1]

    page.get_by_test_id("saved-filter-delete").click()
    page.locator("dialog button[type=submit]").click()
    expect(page.get_by_test_id("saved-filter").locator("option", has_text=words["saved"])).to_have_count(0)
    shot(page, f"{lang}-complaints-sorted")


@pytest.mark.parametrize(("who", "lang"), [("employee", "en"), ("persian", "fa")])
def test_a_sales_rep_opens_this_weeks_web_leads_and_exports_them_to_excel(crm: Server, page_for, who, lang):
    name = {"en": "Leads from the web this week", "fa": "سرنخ‌های وب در این هفته"}[lang]
    page = page_for(who, locale="fa-IR" if lang == "fa" else "en-GB")
    page.goto("/app/leads")
    page.get_by_test_id("saved-filter").select_option(label=name)
    expect(page).to_have_url(re.compile(r"source=web_form"))
    expect(page.get_by_test_id("lead-chip-since")).to_be_visible()
    expect(page.get_by_test_id("lead-filter-source")).to_have_value("web_form")
    href = page.get_by_test_id("export-xlsx").get_attribute("href") or ""
    assert "format=xlsx" in href and "source=web_form" in href and "created_from=" in href and f"lang={lang}" in href
    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    shot(page, f"{lang}-leads-web-this-week")
    page.get_by_test_id("lead-chip-since").get_by_role("button").click()  # dropping the "since" filter
    expect(page).not_to_have_url(re.compile(r"created_from="))
