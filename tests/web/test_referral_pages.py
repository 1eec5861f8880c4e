"""Registering a referral from the web app and the referrals pages: an English employee registers, from the
referrer's page, a person the customer refers (the server's field error shows beside the mobile until one is
given), lands on the referral's page with both people, and finds it in the list by the referrer's name; a
Persian employee types a referral code for someone already referred and is told why in Persian, then reads
the list and the referral's page in Persian."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.conftest import Server, shot
from tests.web.test_crm_pages import surname


def _customer(server: Server, name: str, mobile: str) -> dict:
    answer = server.call("POST", "/api/v1/customers", "employee", json={"kind": "company", "company_name": name,
                                                                       "mobile": mobile})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["customer"]


def test_an_employee_registers_a_referral_for_a_customer(crm: Server, page_for):
    family = surname()
    referrer = _customer(crm, f"Nasrin Store {family}", "09121110081")
    page = page_for("employee")
    page.goto(f"/app/customers/{referrer['id']}")
    page.get_by_test_id("new-referral-link").click()
    expect(page.get_by_test_id("referral-input-code")).to_have_value(referrer["referral_code"])
    page.get_by_test_id("referral-input-referred_name").fill(f"Sara {family}")
    page.get_by_test_id("referral-save").click()  # neither mobile nor e-mail: refused beside the mobile
    expect(page.locator("[data-field=referred_mobile].has-error")).to_be_visible()
    shot(page, "english-referral-new-error")
    page.get_by_test_id("referral-input-referred_mobile").fill("0935 111 0082")
    page.get_by_test_id("referral-input-note").fill("Call after 5 pm")
    page.get_by_test_id("referral-save").click()
    expect(page).to_have_url(re.compile(r"/app/referrals/\d+$"))
    expect(page.get_by_test_id("referral-referred")).to_have_text(f"Sara {family}")
    expect(page.get_by_test_id("referral-referrer")).to_have_text(f"Nasrin Store {family}")
    expect(page.get_by_test_id("referral-mobile")).to_have_text("+989351110082")
    expect(page.get_by_test_id("referral-note")).to_have_text("Call after 5 pm")
    expect(page.locator("[data-testid=referral-attempt][data-outcome=accepted]")).to_have_count(1)
    expect(page.get_by_test_id("record-history")).to_be_visible()
    shot(page, "english-referral-page")

    page.goto("/app/referrals")
    page.get_by_test_id("referral-search").fill(f"Nasrin Store {family}")
    row = page.get_by_test_id("referral-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"Sara {family}")
    page.get_by_test_id("referral-filter-created_from").fill("not a day")
    expect(page.get_by_test_id("filter-errors")).to_be_visible()
    page.get_by_test_id("referral-filter-created_from").fill("2020-01-01")
    expect(row).to_have_count(1)
    shot(page, "english-referrals-list")


def test_a_persian_employee_is_told_why_a_referral_is_refused(crm: Server, page_for):
    family = surname()
    referrer = _customer(crm, f"فروشگاه {family}", "09121110083")
    first = crm.call("POST", "/api/v1/referrals", "employee", json={
        "code": referrer["referral_code"], "referred_name": f"علی {family}", "referred_mobile": "09351110084"})
    assert first.status_code == 201, first.get_json()
    page = page_for("persian", locale="fa-IR")
    page.goto("/app/referrals/new")
    page.get_by_test_id("referral-input-code").fill(referrer["referral_code"])
    page.get_by_test_id("referral-input-referred_name").fill(f"علي {family}")
    page.get_by_test_id("referral-input-referred_mobile").fill("۰۹۳۵ ۱۱۱ ۰۰۸۴")
    page.get_by_test_id("referral-save").click()
    expect(page.get_by_test_id("referral-refused")).to_have_text("این فرد پیش‌تر معرفی شده و آن معرفی هنوز باز است")
    shot(page, "persian-referral-refused")

    page.goto("/app/referrals")
    expect(page.locator("nav a[href='/app/referrals']")).to_have_text("معرفی‌ها")
    page.get_by_test_id("referral-search").fill(f"فروشگاه {family}")
    row = page.get_by_test_id("referral-row")
    expect(row).to_have_count(1)
    shot(page, "persian-referrals-list")
    row.get_by_test_id("referral-link").click()
    expect(page.get_by_test_id("referral-referrer")).to_have_text(f"فروشگاه {family}")
    expect(page.locator("[data-testid=referral-attempt][data-outcome=refused]")).to_contain_text("پیش‌تر معرفی شده")
    shot(page, "persian-referral-page")
