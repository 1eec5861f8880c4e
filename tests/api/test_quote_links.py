"""A quote sent to the customer over HTTP on each database: the link goes by SMS to the number on record, opens
the quote (never a draft) and its PDF without an account, and the customer's acceptance there issues the invoice;
forged links open nothing, a second answer is refused, and staff can give or send the link again."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from api.context import ravand
from crm.models import Notification
from tests.api.conftest import Api
from tests.api.test_quotes_api import deal

V1 = "/api/v1"


def _ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


def _sent_link(api: Api) -> str:
    with api.app.app_context(), ravand().sessions() as session:
        body = session.scalars(select(Notification.body).where(Notification.template == "quote_sent",
                                                               Notification.channel == "sms")
                               .order_by(Notification.id.desc())).first()
    return body.split("/portal/quotes/")[1].split()[0]


def _code_sent(api: Api) -> str:
    with api.app.app_context(), ravand().sessions() as session:
        body = session.scalars(select(Notification.body).where(Notification.template == "quote_code")
                               .order_by(Notification.id.desc())).first()
    return re.search(r"\b(\d{6})\b", body).group(1)


def _quote(api: Api) -> dict:
    opportunity = deal(api)
    return _ok(api.call("POST", f"{V1}/opportunities/{opportunity}/quotes", "employee", json={"lines": [
        {"description": "مجوز نرم‌افزار انبار", "unit": "licence", "quantity": "2", "unit_price": "120,000,000"}]}),
        201)


def test_the_customer_opens_the_sent_quote_and_accepts_it(api: Api) -> None:
    quote = _quote(api)
    assert api.call("POST", f"{V1}/quotes/{quote['id']}/link", "employee", json={}).status_code == 409  # a draft
    _ok(api.call("POST", f"{V1}/quotes/{quote['id']}/send", "employee"))
    token = _sent_link(api)
    shown = _ok(api.call("GET", f"{V1}/quote-links/{token}", None))
    assert (shown["state"], shown["customer_name"], shown["totals"]["payable"]) == ("sent", "پارس افزار", 264_000_000)
    assert shown["lines"][0]["description"] == "مجوز نرم‌افزار انبار" and shown["invoice_due_on"] is None
    pdf = api.call("GET", f"{V1}/quote-links/{token}/document.pdf", None)
    assert pdf.status_code == 200 and pdf.content_type == "application/pdf" and pdf.data.startswith(b"%PDF")

    missing = api.call("POST", f"{V1}/quote-links/{token}/answer", None, json={"answer": "accepted"})
    assert missing.status_code == 422 and "code" in missing.get_json()["errors"]  # accepting needs the SMS code
    sent = _ok(api.call("POST", f"{V1}/quote-links/{token}/code", None), 202)
    assert sent == {"sent_to": "••••4567", "expires_in_s": 300}
    assert api.call("POST", f"{V1}/quote-links/{token}/code", None).status_code == 429  # a moment ago
    code = _code_sent(api)
    wrong = api.call("POST", f"{V1}/quote-links/{token}/answer", None,
                     json={"answer": "accepted", "code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 422 and "4" in wrong.get_json()["errors"]["code"][0]  # the attempt was counted
    accepted = _ok(api.call("POST", f"{V1}/quote-links/{token}/answer", None,
                            json={"answer": "accepted", "code": code.translate(str.maketrans("0123456789",
                                                                                             "۰۱۲۳۴۵۶۷۸۹"))}))
    assert accepted["state"] == "accepted" and accepted["invoice_due_on"]
    again = api.call("POST", f"{V1}/quote-links/{token}/answer", None, json={"answer": "rejected"})
    assert again.status_code == 409
    staff = _ok(api.call("GET", f"{V1}/quotes/{quote['id']}", "employee"))
    assert staff["state"] == "accepted" and staff["invoice"]["amount"] == 264_000_000
    journal = _ok(api.call("GET", f"{V1}/journal?kind=crm.quote.answered_by_link", "auditor"))
    assert journal["items"][0]["actor"] == "customer" and journal["items"][0]["data"]["mobile"] == "+989121234567"


def test_links_that_do_not_hold_and_the_link_given_again(api: Api) -> None:
    quote = _quote(api)
    _ok(api.call("POST", f"{V1}/quotes/{quote['id']}/send", "employee"))
    token = _sent_link(api)
    number, expiry, mac = token.split(".")
    for bad in (f"{number}.{expiry}.{'0' * 32}", f"{int(number) + 1}.{expiry}.{mac}", "nonsense"):
        answer = api.call("GET", f"{V1}/quote-links/{bad}", None)
        assert answer.status_code == 404 and answer.get_json()["reason"] == "invalid"
    given = _ok(api.call("POST", f"{V1}/quotes/{quote['id']}/link", "employee", json={"send": False}))
    assert given["queued"] == 0 and given["url"].endswith(token)
    assert _ok(api.call("POST", f"{V1}/quotes/{quote['id']}/link", "employee", json={}))["queued"] == 1
    assert api.call("POST", f"{V1}/quotes/{quote['id']}/link", "employee2", json={}).status_code == 403
    declined = _ok(api.call("POST", f"{V1}/quote-links/{token}/answer", None, json={"answer": "rejected"}))
    assert declined["state"] == "rejected" and declined["invoice_due_on"] is None


def test_a_large_discount_waits_for_a_managers_approval_before_the_customer_gets_it(api: Api) -> None:
    opportunity = deal(api)
    quote = _ok(api.call("POST", f"{V1}/opportunities/{opportunity}/quotes", "employee", json={
        "discount_percent": 20, "lines": [{"description": "مجوز", "unit": "licence", "unit_price": "100,000,000"}]}),
        201)
    pending = _ok(api.call("POST", f"{V1}/quotes/{quote['id']}/send", "employee"))
    assert pending["state"] == "pending"
    assert api.call("POST", f"{V1}/quotes/{quote['id']}/send", "employee").status_code == 409
    assert api.call("POST", f"{V1}/quotes/{quote['id']}/link", "employee", json={}).status_code == 409
    with api.app.app_context(), ravand().sessions() as session:
        assert not session.scalars(select(Notification.id).where(Notification.template == "quote_sent")).first()
    tasks = _ok(api.call("GET", f"{V1}/tasks?key=quote_approval", "admin"))["items"]
    assert [t["element_id"] for t in tasks] == ["approve"]
    done = api.call("POST", f"{V1}/tasks/{tasks[0]['id']}/complete", "admin", json={"data": {"decision": "approve"}})
    assert done.status_code == 200, done.get_json()
    assert _ok(api.call("GET", f"{V1}/quotes/{quote['id']}", "employee"))["state"] == "sent"
    assert _sent_link(api)
