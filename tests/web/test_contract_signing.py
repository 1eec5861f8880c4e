"""The customer signs a contract in the browser, from the link the SMS gave: no account, the page in the
customer's language (Persian right to left, Jalali dates, Persian digits), the figures, the document links,
a one-time code by SMS, the acceptance; an expired link says so."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from api.contract_settings import link_key
from crm.contract_signing import link_token
from crm.models import Contract, Notification
from crm.text import ascii_digits
from tests.web.conftest import Server, shot

SECRET = "web-tests-secret-key-not-for-production"
TERMS = {"title": "قرارداد نگهداری سالانه", "amount": 2_000_000_000, "discount_percent": 10, "standard_terms": True,
         "start_date": "1405-02-01", "end_date": "1406-01-31"}


def _latest(server: Server, template: str) -> str:
    with server.ravand.sessions() as session:
        return session.scalars(select(Notification.body).where(Notification.template == template)
                               .order_by(Notification.id.desc())).first()


def _work(server: Server, contract_id: int, element: str, data: dict) -> None:
    tasks = server.call("GET", "/api/v1/tasks", "admin", query_string={"business_key": f"contract-{contract_id}"})
    [task] = [t for t in tasks.get_json()["items"] if t["element_id"] == element]
    done = server.call("POST", f"/api/v1/tasks/{task['id']}/complete", "admin", json={"data": data})
    assert done.status_code == 200, done.get_json()


def _sent_contract(server: Server) -> tuple[int, str]:
    customer = server.call("POST", "/api/v1/customers", "employee", json={
        "kind": "company", "company_name": "شرکت پارس", "mobile": "09121119876", "locale": "fa"}).get_json()
    contract = server.call("POST", "/api/v1/contracts", "employee",
                           json={"customer_id": customer["customer"]["id"], **TERMS}).get_json()
    _work(server, contract["id"], "edit", TERMS)  # as the administrator, for alice
    _work(server, contract["id"], "approve_manager", {"decision": "approve"})  # not alice: she drafted it
    token = re.search(r"/portal/contracts/([0-9.a-f]+)", _latest(server, "contract_sent")).group(1)
    return contract["id"], token


def test_a_persian_customer_reads_and_signs_with_the_code_from_the_sms(crm: Server, page_for) -> None:
    contract_id, token = _sent_contract(crm)
    page = page_for(None, locale="fa-IR")
    page.goto(f"/portal/contracts/{token}?lang=fa")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("[data-testid=contract-title]")).to_contain_text("قرارداد نگهداری سالانه")
    payable = page.locator("[data-testid=contract-payable]")
    expect(payable).to_contain_text("۱٬۹۸۰٬۰۰۰٬۰۰۰")  # 2 bn less 10 %, plus 10 % VAT, in Persian digits
    period = page.locator("[data-testid=contract-period]").inner_text()
    assert "۱۴۰۵" in period and not re.search(r"[0-9]", period), period  # Jalali, Persian digits
    expect(page.locator("[data-testid=contract-read]")).to_have_attribute("href", re.compile(r"/document$"))
    expect(page.locator("[data-testid=contract-pdf]")).to_have_attribute("href", re.compile(r"/document\.pdf$"))
    page.click("[data-testid=contract-send-code]")
    expect(page.locator("[data-testid=contract-code-sent]")).to_contain_text("\u2066••••۹۸۷۶\u2069")
    code = re.findall(r"(?<![\d,])\d{6}(?![\d,])", ascii_digits(_latest(crm, "contract_code")))[0]
    page.fill("[data-testid=contract-code]", "000000" if code != "000000" else "111111")
    page.click("[data-testid=contract-accept]")
    expect(page.locator("[data-testid=contract-error]")).to_be_visible()
    page.fill("[data-testid=contract-code]", code)
    shot(page, "contract-sign-fa")
    page.click("[data-testid=contract-accept]")
    expect(page.locator("[data-testid=contract-signed]")).to_contain_text("امضا شد")
    with crm.ravand.sessions() as session:
        contract = session.get(Contract, contract_id)
        assert contract.status == "signed" and contract.signed_via == "code"
        assert contract.signed_mobile == "+989121119876"


def test_an_expired_link_gets_a_clear_page_in_english(crm: Server, page_for) -> None:
    contract_id, _ = _sent_contract(crm)
    with crm.ravand.sessions() as session:
        revision = session.get(Contract, contract_id).revision
    expired = link_token(link_key(SECRET), contract_id, revision, datetime.now(UTC) - timedelta(minutes=1))
    page = page_for(None, locale="en-GB")
    page.goto(f"/portal/contracts/{expired}?lang=en")
    gone = page.locator("[data-testid=contract-gone]")
    expect(gone).to_have_attribute("data-reason", "expired")
    expect(gone).to_contain_text("This link has expired")
    page.goto("/portal/contracts/1.1.1.nonsense?lang=fa")
    expect(page.locator("[data-testid=contract-gone]")).to_contain_text("این پیوند قراردادی را باز نمی‌کند")


def test_whoever_drafted_a_contract_is_told_in_persian_why_they_may_not_approve_it(crm: Server, page_for) -> None:
    """The claim is refused (four eyes) and the page says why in the reader's language, not "someone was quicker"."""
    customer = crm.call("POST", "/api/v1/customers", "sales_manager", json={
        "kind": "company", "company_name": "شرکت البرز", "mobile": "09121119877", "locale": "fa"}).get_json()
    contract = crm.call("POST", "/api/v1/contracts", "sales_manager",
                        json={"customer_id": customer["customer"]["id"], **TERMS}).get_json()
    _work(crm, contract["id"], "edit", TERMS)
    tasks = crm.call("GET", "/api/v1/tasks", "admin", query_string={"business_key": f"contract-{contract['id']}"})
    [task] = [t for t in tasks.get_json()["items"] if t["element_id"] == "approve_manager"]
    page = page_for("sales_manager", locale="fa-IR")
    page.goto(f"/app/tasks/{task['id']}")
    page.get_by_test_id("claim").click()
    toast = page.locator(".toast").last
    expect(toast).to_contain_text("پیش‌نویس یا آخرین ویرایش این قرارداد با شماست")
    expect(toast).not_to_contain_text("drafted")
    assert crm.call("GET", f"/api/v1/tasks/{task['id']}", "admin").get_json()["assignee"] is None
    shot(page, "four-eyes-refusal-fa")
