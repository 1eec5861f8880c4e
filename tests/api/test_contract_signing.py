"""The contract over HTTP as each role: the four-eyes refusal, the customer's signed link (no account: the
figures, the HTML document, the PDF), the one-time code by SMS and the acceptance that signs the contract and
records the sale, links that no longer open it, and the e-signature callback with the id as text."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

import processes
from api.context import ravand
from api.contract_settings import link_key
from api.identity.service import create_user
from crm.contract_signing import link_token
from crm.models import Contract, ContractCode, Customer, Notification
from crm.text import ascii_digits
from tests.api.conftest import PASSWORD, Api
from tests.api.test_messages import add_integration, ok, refused

DRAFT = {"title": "قرارداد پشتیبانی سالانه", "amount": 1_000_000_000, "discount_percent": 10,
         "standard_terms": True, "terms": "", "start_date": "۱۴۰۵/۰۲/۰۱", "end_date": "1406-01-31"}


@pytest.fixture
def crm(api: Api) -> Api:
    ok(api.deploy(processes.bundle()), 201)
    with api.app.app_context(), ravand().sessions() as session:
        for name, groups in (("reza", ["sales", "managers"]), ("mina", ["managers"]), ("nima", ["finance"])):
            create_user(session, name, PASSWORD, "employee", groups)
        session.commit()
    for name in ("reza", "mina", "nima"):
        api.tokens[name] = ok(api.client.post("/api/v1/auth/token", json={"username": name, "password": PASSWORD}
                                              ))["access_token"]
    add_integration(api)
    return api


def _read(api: Api, fn: Any) -> Any:
    with api.app.app_context(), ravand().sessions() as session:
        return fn(session)


def _task(api: Api, instance_id: str, element: str) -> dict:
    items = ok(api.call("GET", f"/api/v1/tasks?process_instance={instance_id}", "admin"))["items"]
    return next(t for t in items if t["element_id"] == element)


def _work(api: Api, instance_id: str, element: str, who: str, data: dict) -> None:
    task = _task(api, instance_id, element)
    if task["assignee"] is None:
        ok(api.call("POST", f"/api/v1/tasks/{task['id']}/claim", who))
    ok(api.call("POST", f"/api/v1/tasks/{task['id']}/complete", who, json={"data": data}))


def _sent(api: Api, drafter: str = "reza", locale: str = "fa") -> tuple[int, str, str]:
    """A contract drafted by ``drafter``, approved by mina (the drafter may not) and sent: (id, instance, link)."""
    customer = ok(api.call("POST", "/api/v1/customers", "employee", json={
        "kind": "company", "company_name": "شرکت آریا", "mobile": "09121112233", "locale": locale}), 201)["customer"]
    contract = ok(api.call("POST", "/api/v1/contracts", drafter, json={"customer_id": customer["id"], **DRAFT}), 201)
    instance_id = contract["process_instance_id"]
    _work(api, instance_id, "edit", drafter, DRAFT)
    task = _task(api, instance_id, "approve_manager")
    refusal = refused(api.call("POST", f"/api/v1/tasks/{task['id']}/claim", drafter), 409)
    assert "drafted or last revised" in refusal["detail"]
    assert _task(api, instance_id, "approve_manager")["assignee"] is None  # still open for someone else
    _work(api, instance_id, "approve_manager", "mina", {"decision": "approve", "comment": "موافقم"})
    body = _read(api, lambda s: s.scalars(select(Notification.body).where(
        Notification.template == "contract_sent").order_by(Notification.id.desc())).first())
    link = re.search(r"/portal/contracts/([0-9.a-f]+)", body).group(1)
    return contract["id"], instance_id, link


def _code(api: Api) -> str:
    body = _read(api, lambda s: s.scalars(select(Notification.body).where(
        Notification.template == "contract_code").order_by(Notification.id.desc())).first())
    return re.findall(r"(?<![\d,])\d{6}(?![\d,])", ascii_digits(body))[0]


def test_the_customer_reads_and_signs_with_a_one_time_code_and_the_sale_is_recorded(crm: Api) -> None:
    contract_id, instance_id, link = _sent(crm)
    view = ok(crm.call("GET", f"/api/v1/contract-links/{link}", None))
    assert (view["status"], view["net"], view["vat"], view["payable"]) == ("sent", 900_000_000, 90_000_000,
                                                                          990_000_000)
    assert view["start_date"] == "2026-04-21" and view["mobile"] == "••••2233" and view["can_sign"] is True
    page = crm.call("GET", f"/api/v1/contract-links/{link}/document", None)
    assert page.status_code == 200 and 'dir="rtl"' in page.get_data(as_text=True)
    assert "sandbox" in page.headers["Content-Security-Policy"]
    pdf = crm.call("GET", f"/api/v1/contract-links/{link}/document.pdf", None)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    sent = ok(crm.call("POST", f"/api/v1/contract-links/{link}/code", None), 202)
    assert sent == {"sent_to": "••••2233", "expires_in_s": 300}
    again = refused(crm.call("POST", f"/api/v1/contract-links/{link}/code", None), 429)
    assert "moment" in again["detail"]
    code = _code(crm)
    wrong = refused(crm.call("POST", f"/api/v1/contract-links/{link}/accept", None,
                             json={"code": "000000" if code != "000000" else "111111"}), 422)
    assert "code" in wrong["errors"]
    assert _read(crm, lambda s: s.scalars(select(ContractCode.attempts)).first()) == 1  # the wrong try counted
    refused(crm.call("POST", f"/api/v1/contract-links/{link}/accept", None, json={}), 422)
    signed = ok(crm.call("POST", f"/api/v1/contract-links/{link}/accept", None,
                         json={"code": "".join("۰۱۲۳۴۵۶۷۸۹"[int(d)] for d in code)}))  # typed in Persian digits
    assert signed["status"] == "signed"
    contract = ok(crm.call("GET", f"/api/v1/contracts/{contract_id}", "auditor"))
    assert (contract["signed_via"], contract["signed_mobile"], contract["payable"]) == ("code", "+989121112233",
                                                                                       990_000_000)
    assert contract["purchase_id"] and contract["signed_ip"]
    customer_id = contract["customer_id"]
    assert _read(crm, lambda s: s.get(Customer, customer_id).status) == "actual"
    assert ok(crm.call("GET", f"/api/v1/process-instances/{instance_id}", "admin"))["state"] == "completed"
    journal = ok(crm.call("GET", "/api/v1/journal?kind=contract.signature", "auditor"))["items"]
    assert journal[0]["data"]["signer"] == "+989121112233" and journal[0]["data"]["via"] == "code"
    assert ok(crm.call("GET", f"/api/v1/contract-links/{link}", None))["status"] == "signed"
    refused(crm.call("POST", f"/api/v1/contract-links/{link}/code", None), 409)


def test_links_that_do_not_hold_expired_or_for_an_older_revision_answer_clearly(crm: Api) -> None:
    contract_id, _, link = _sent(crm, locale="en")
    key = link_key("test-secret-key-for-tests-only")
    tampered = link[:-2] + ("11" if link.endswith("00") else "00")  # never the link itself
    for bad in (tampered, "12.1.99.abc", "nonsense"):
        assert refused(crm.call("GET", f"/api/v1/contract-links/{bad}", None), 404)["reason"] == "invalid"
    revision = _read(crm, lambda s: s.get(Contract, contract_id).revision)
    expired = link_token(key, contract_id, revision, datetime.now(UTC) - timedelta(minutes=1))
    assert refused(crm.call("GET", f"/api/v1/contract-links/{expired}", None), 410)["reason"] == "expired"
    older = link_token(key, contract_id, revision - 1, datetime.now(UTC) + timedelta(days=1))
    assert refused(crm.call("GET", f"/api/v1/contract-links/{older}/document", None), 410)["reason"] == "outdated"
    refused(crm.call("POST", f"/api/v1/contract-links/{older}/accept", None, json={"code": "123456"}), 410)


def test_the_e_signature_callback_takes_the_id_as_text_and_employees_cannot_sign(crm: Api) -> None:
    contract_id, instance_id, _ = _sent(crm)
    message = {"name": "contract_signed", "correlation": {"contract_id": str(contract_id)},
               "variables": {"signer": "provider:4711"}}
    refused(crm.call("POST", "/api/v1/messages", "reza", json=message), 403)
    delivered = ok(crm.call("POST", "/api/v1/messages", "esign", json=message))
    assert delivered["instance_ids"] == [instance_id]
    contract = ok(crm.call("GET", f"/api/v1/contracts/{contract_id}", "employee"))
    assert contract["status"] == "signed" and contract["signed_via"] == "integration"


def test_one_person_decides_one_level_a_round_over_http(crm: Api) -> None:
    with crm.app.app_context(), ravand().sessions() as session:
        create_user(session, "omid", PASSWORD, "employee", ["finance", "legal"])
        session.commit()
    crm.tokens["omid"] = ok(crm.client.post("/api/v1/auth/token", json={"username": "omid", "password": PASSWORD}
                                            ))["access_token"]
    customer = ok(crm.call("POST", "/api/v1/customers", "employee", json={
        "kind": "company", "company_name": "Big Deal", "mobile": "09121110000"}), 201)["customer"]
    terms = {**DRAFT, "amount": 20_000_000_000, "standard_terms": False, "custom_terms": "Net 30"}
    contract = ok(crm.call("POST", "/api/v1/contracts", "employee", json={
        "customer_id": customer["id"], **{k: v for k, v in terms.items() if k != "custom_terms"}, "terms": "Net 30"}),
        201)
    instance_id = contract["process_instance_id"]
    _work(crm, instance_id, "edit", "employee", terms)
    _work(crm, instance_id, "approve_finance", "omid", {"decision": "approve"})
    legal = _task(crm, instance_id, "approve_legal")
    assert "one level a round" in refused(crm.call("POST", f"/api/v1/tasks/{legal['id']}/claim", "omid"),
                                          409)["detail"]
    answer = crm.call("POST", f"/api/v1/tasks/{legal['id']}/complete", "omid", json={"data": {"decision": "approve"}})
    assert answer.status_code == 409
    _work(crm, instance_id, "approve_manager", "mina", {"decision": "reject", "reason": "too risky"})
    assert ok(crm.call("GET", f"/api/v1/contracts/{contract['id']}", "employee"))["status"] == "rejected"
    assert ok(crm.call("GET", f"/api/v1/tasks/{legal['id']}", "admin"))["state"] == "cancelled"


def test_no_code_is_made_when_the_mobile_had_its_messages_for_the_day(crm: Api) -> None:
    """A code the daily cap would hold back is never created: the customer hears why instead of waiting for it."""
    _contract_id, _instance_id, link = _sent(crm)
    with crm.app.app_context(), ravand().sessions() as session:
        held = session.scalar(select(Notification).where(Notification.template == "contract_sent"))
        for _ in range(5):
            session.add(Notification(channel="sms", recipient=held.recipient, body="-", template="contract_sent",
                                     status="sent", attempts=1, created_at=datetime.now(UTC)))
        session.commit()
    refusal = refused(crm.call("POST", f"/api/v1/contract-links/{link}/code", None), 429)
    assert "today" in refusal["detail"]
    assert _read(crm, lambda s: s.scalars(select(ContractCode)).all()) == []
