"""Customer import in the browser: an employee sends a CSV from the customers page, follows the job's
progress to its end and reads each rejected row with its row number and why, in English and Persian."""

from __future__ import annotations

import random

from playwright.sync_api import expect

from tests.web.conftest import Server, shot


def _csv(tag: str) -> bytes:
    good = "".join(f"Import {tag} {i},0935{random.randrange(10**7):07d}\n" for i in range(120))
    return f"name,mobile\n{good}Bad {tag},12345\n".encode()


def _import(page, content: bytes, name: str) -> None:
    page.locator("[data-testid=import-file]").set_input_files({"name": name, "mimeType": "text/csv",
                                                               "buffer": content})
    page.locator("[data-testid=import-send]").click()
    expect(page.locator("[data-testid=import-job]")).to_have_attribute("data-state", "done", timeout=60_000)


def test_an_employee_follows_an_import_and_reads_the_rejected_rows(crm: Server, page_for):
    page = page_for("employee")
    page.goto("/app/customers")
    page.locator("[data-testid=import-customers]").click()
    expect(page).to_have_url("/app/customers/import")
    _import(page, _csv(str(random.randrange(10**6))), "people.csv")
    expect(page.locator("[data-testid=import-state]")).to_have_text("Done")
    expect(page.locator("[data-testid=import-progress]")).to_have_attribute("value", "121")
    rejected = page.locator("[data-testid=import-rejected-row]")
    expect(rejected).to_have_count(1)
    expect(rejected.first).to_have_attribute("data-row", "122")
    expect(rejected.first).to_contain_text("mobile")
    expect(page.locator("[data-testid=import-rejected-csv]")).to_be_visible()
    shot(page, "customer-import-done")
    assert "job=" in page.url  # the job can be reopened from its address


def test_the_import_page_in_persian(crm: Server, page_for):
    page = page_for("persian", locale="fa-IR")
    page.goto("/app/customers/import")
    expect(page.locator("h1")).to_have_text("ورود مشتریان از فایل")
    _import(page, _csv(str(random.randrange(10**6))), "people.csv")
    expect(page.locator("[data-testid=import-state]")).to_have_text("انجام شد")
    expect(page.locator("[data-testid=import-rejected] h3")).to_have_text("ردیف‌های نپذیرفته")
    shot(page, "customer-import-fa")
