"""Products and quotes over HTTP on each database: the catalogue kept by administrators and managers, a quote
written on an opportunity by whoever may change it, its figures, its life, and its PDF in Persian and English."""

from __future__ import annotations

import io
from datetime import date, timedelta

from pypdf import PdfReader

import processes
from tests.api.conftest import Api


def deal(api: Api, who: str = "employee") -> int:
    """An opportunity of a new customer, with the quote_approval process deployed (sending goes through it)."""
    deployed = api.deploy(processes.files("quote_approval"))
    assert deployed.status_code == 201, deployed.get_json()
    customer = api.call("POST", "/api/v1/customers", who, json={
        "kind": "company", "company_name": "پارس افزار", "mobile": "09121234567", "locale": "fa"}).get_json()
    answer = api.call("POST", "/api/v1/opportunities", who, json={
        "customer_id": customer["customer"]["id"], "title": "نرم‌افزار انبار", "amount": "500,000,000"})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def test_the_catalogue_is_kept_by_administrators_and_managers(api: Api) -> None:
    body = {"code": "WMS-L", "name_fa": "مجوز نرم‌افزار انبار", "name_en": "Warehouse software licence",
            "unit": "licence", "price": "۱۲۰٬۰۰۰٬۰۰۰"}
    assert api.call("POST", "/api/v1/products", "employee", json=body).status_code == 403
    created = api.call("POST", "/api/v1/products", "admin", json=body)
    assert created.status_code == 201 and created.get_json()["price"] == 120_000_000
    assert api.call("POST", "/api/v1/products", "admin", json=body).status_code == 409
    bad = api.call("POST", "/api/v1/products", "admin", json={**body, "code": "X", "unit": "crate", "price": "-1"})
    assert bad.status_code == 422 and {"unit", "price"} <= set(bad.get_json()["errors"])
    product_id = created.get_json()["id"]
    assert api.call("PATCH", f"/api/v1/products/{product_id}", "admin", json={"active": False}).status_code == 200
    assert api.call("GET", "/api/v1/products", "employee").get_json() == []
    assert len(api.call("GET", "/api/v1/products?include_inactive=true", "auditor").get_json()) == 1


def test_a_quote_on_an_opportunity_its_life_and_its_pdf(api: Api) -> None:
    product = api.call("POST", "/api/v1/products", "admin", json={
        "code": "TRN-H", "name_fa": "آموزش", "name_en": "Training", "unit": "hour", "price": 3_500_000,
        "taxable": False}).get_json()
    opportunity = deal(api)
    body = {"discount_percent": "۵", "notes": "تحویل دو هفته پس از پیش‌پرداخت.", "lines": [
        {"description": "مجوز نرم‌افزار انبار", "unit": "licence", "quantity": "3", "unit_price": "120,000,000",
         "discount_percent": 10},
        {"product_id": product["id"], "quantity": "۱٫۵"}]}
    assert api.call("POST", f"/api/v1/opportunities/{opportunity}/quotes", "employee2", json=body).status_code == 403
    created = api.call("POST", f"/api/v1/opportunities/{opportunity}/quotes", "employee", json=body)
    assert created.status_code == 201, created.get_json()
    quote = created.get_json()
    assert quote["state"] == "draft" and quote["vat_percent"] == 10
    assert [line["quantity"] for line in quote["lines"]] == ["3", "1.5"]
    assert quote["lines"][1]["description"] == "آموزش" and quote["lines"][1]["taxable"] is False
    assert quote["totals"] == {"subtotal": 329_250_000, "discount_percent": 5, "discount": 16_462_500,
                               "net": 312_787_500, "taxable_net": 307_800_000, "vat_percent": 10, "vat": 30_780_000,
                               "payable": 343_567_500}
    listed = api.call("GET", f"/api/v1/opportunities/{opportunity}/quotes", "admin").get_json()
    assert [q["id"] for q in listed] == [quote["id"]]
    assert api.call("GET", f"/api/v1/opportunities/{opportunity}/quotes", "employee2").status_code == 200
    assert api.call("GET", f"/api/v1/opportunities/{opportunity}/quotes", "designer").status_code == 403

    persian = api.call("GET", f"/api/v1/quotes/{quote['id']}/document.pdf", "employee")
    assert persian.status_code == 200 and persian.content_type == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(persian.data)).pages)
    for words in ("فاکتور", "پارس افزار", "آموزش", "بدون مالیات", "مبلغ قابل پرداخت", "تومان"):  # no ZWNJ in the text
        assert words in text, words
    assert "343" not in text and not any(d in text for d in "0123456789")  # Persian digits only
    english = api.call("GET", f"/api/v1/quotes/{quote['id']}/document.pdf?lang=en", "employee")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(english.data)).pages)
    assert "Quote" in text and "343,567,500" in text and "Training" not in text  # the line as written

    changed = api.call("PATCH", f"/api/v1/quotes/{quote['id']}", "employee", json={"discount_percent": 0})
    assert changed.status_code == 200 and changed.get_json()["totals"]["discount"] == 0
    assert api.call("POST", f"/api/v1/quotes/{quote['id']}/answer", "employee",
                    json={"answer": "accepted"}).status_code == 409  # not sent yet
    assert api.call("POST", f"/api/v1/quotes/{quote['id']}/send", "employee").get_json()["state"] == "sent"
    assert api.call("PATCH", f"/api/v1/quotes/{quote['id']}", "employee", json={"notes": "x"}).status_code == 409
    answered = api.call("POST", f"/api/v1/quotes/{quote['id']}/answer", "employee", json={"answer": "accepted"})
    assert answered.status_code == 200 and answered.get_json()["state"] == "accepted"
    journal = api.call("GET", "/api/v1/journal?kind=crm.quote.changed", "auditor").get_json()
    assert journal["total"] == 4  # the discount, pending (its approval let it through), sent, accepted

    invoice = answered.get_json()["invoice"]  # the accepted quote is the order: its invoice is issued
    assert invoice["state"] == "open" and invoice["amount"] == 361_650_000 and invoice["paid"] == 0
    assert date.fromisoformat(invoice["due_on"]) - date.fromisoformat(invoice["issued_on"]) == timedelta(days=30)
    pay = f"/api/v1/invoices/{invoice['id']}/payments"
    assert api.call("POST", pay, "employee2", json={"amount": 1}).status_code == 403  # not their deal
    part = api.call("POST", pay, "employee", json={"amount": "۲۰۰٬۰۰۰٬۰۰۰", "method": "transfer",
                                                   "reference": "پیگیری ۷۷۱۲"})
    assert part.status_code == 201 and part.get_json()["paid"] == 200_000_000 and part.get_json()["state"] == "open"
    too_much = api.call("POST", pay, "employee", json={"amount": 200_000_000})
    assert too_much.status_code == 422 and "amount" in too_much.get_json()["errors"]
    assert api.call("POST", pay, "employee", json={"amount": 1, "paid_on": "2099-01-01"}).status_code == 422
    done = api.call("POST", pay, "employee", json={"amount": "16,165,000 تومان", "method": "cheque"})
    assert done.status_code == 201, done.get_json()
    paid = done.get_json()
    assert paid["state"] == "paid" and paid["paid"] == paid["amount"] and len(paid["payments"]) == 2
    purchases = api.call("GET", f"/api/v1/customers/{quote['customer_id']}/purchases", "employee").get_json()
    [purchase] = purchases["items"] if isinstance(purchases, dict) else purchases
    assert purchase["id"] == paid["purchase_id"] and purchase["amount"] == 361_650_000 and purchase["paid_on_time"]
    assert api.call("POST", pay, "employee", json={"amount": 1}).status_code == 409
    persian = api.call("GET", f"/api/v1/invoices/{invoice['id']}/document.pdf", "employee")
    assert persian.status_code == 200 and persian.content_type == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(persian.data)).pages)
    for words in ("فاکتور فروش", "مهلت پرداخت", "پرداخت‌های دریافت‌شده".replace("\u200c", ""), "تسویه شده", "چک"):
        assert words in text, words
    english = api.call("GET", f"/api/v1/invoices/{invoice['id']}/document.pdf?lang=en", "employee")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(english.data)).pages)
    assert "Invoice" in text and "Paid in full" in text and "200,000,000" in text and "bank transfer" in text
    assert api.call("GET", f"/api/v1/invoices/{invoice['id']}/document.pdf", "designer").status_code == 403
    assert api.call("GET", "/api/v1/invoices", "employee").status_code == 403
    listed = api.call("GET", "/api/v1/invoices?state=paid", "auditor").get_json()
    assert [i["id"] for i in listed["items"]] == [invoice["id"]]
    assert api.call("GET", "/api/v1/invoices?overdue=true", "admin").get_json()["total"] == 0
    assert api.call("GET", f"/api/v1/quotes/{quote['id']}", "designer").status_code == 403
