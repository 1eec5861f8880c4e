"""Contract documents: escaped HTML in Persian (right to left, Persian digits, Jalali dates, rials and toman)
and English, and a real PDF (WeasyPrint) whose Persian text can be read back."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from crm.documents import document_fonts, money, render_contract_html, render_pdf
from crm.errors import InvalidRecord
from crm.models import Contract, Customer


def contract() -> Contract:
    return Contract(id=12, customer_id=1, title="پشتیبانی سالانه <نسخه ۲>", amount=125_000_005, discount_percent=10,
                    terms="پرداخت در دو قسط.\n\n<script>alert('x')</script> & تحویل در تهران.",
                    standard_terms=False, status="draft", rounds=1, revision=3,
                    expires_at=datetime(2026, 11, 30, 21, 0, tzinfo=UTC))  # 1 December in Tehran


def customer() -> Customer:
    return Customer(id=1, kind="company", company_name="شرکت بازرگانی البرز", person_name="سارا احمدی",
                    mobile="+989121234567", email="sara@alborz.example", address="تهران، خیابان آزادی", locale="fa")


def test_persian_contract_is_right_to_left_with_persian_digits_and_jalali_dates() -> None:
    html = render_contract_html(contract(), customer(), locale="fa", seller="روند", issued_on=date(2026, 11, 23))
    assert '<html dir="rtl" lang="fa">' in html
    assert "۲ آذر ۱۴۰۵" in html and "۱۰ آذر ۱۴۰۵" in html  # issued; valid until (in Tehran's time)
    assert "۱۲۵٬۰۰۰٬۰۰۵ ریال" in html and "۱۲٬۵۰۰٬۰۰۰٫۵ تومان" in html
    assert "۱۱۲٬۵۰۰٬۰۰۵ ریال" in html  # payable after the 10% discount
    assert "۱۰٪" in html and "شرکت بازرگانی البرز" in html and "به نمایندگی" in html and "روند" in html
    assert '<bdi dir="ltr">۰۹۱۲ ۱۲۳ ۴۵۶۷</bdi>' in html  # written nationally, not +98…


def test_everything_is_escaped() -> None:
    html = render_contract_html(contract(), customer(), locale="fa", issued_on=date(2026, 11, 23))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; تحویل" in html
    assert "پشتیبانی سالانه &lt;نسخه ۲&gt;" in html
    assert re.search(r"<style>[^<]*font-family: \"Ravand Document\"", html)  # the stylesheet itself is not escaped


def test_english_contract_is_left_to_right_with_gregorian_dates() -> None:
    html = render_contract_html(contract(), customer(), locale="en", issued_on=date(2026, 11, 23))
    assert '<html dir="ltr" lang="en">' in html
    assert "23 November 2026" in html and "1 December 2026" in html
    assert "125,000,005 rials" in html and "12,500,000.5 toman" in html and "10%" in html
    with pytest.raises(InvalidRecord):
        render_contract_html(contract(), customer(), locale="de")


SELLER = {"name": "شرکت روند افزار", "national_id": "10101234567", "economic_code": "411111111111",
          "registration_number": "123456", "address": "تهران، خیابان ولیعصر", "phone": "+982188776655"}


def _full_contract() -> Contract:
    signed = contract()
    signed.start_date, signed.end_date = date(2026, 4, 21), date(2027, 3, 20)
    signed.instalments = [{"due": "2026-04-21", "amount": 60_000_000}, {"due": "2026-10-23", "amount": 63_750_005}]
    return signed


def test_the_document_carries_both_parties_legal_details_vat_the_period_and_the_instalments() -> None:
    buyer = customer()
    buyer.national_id, buyer.economic_code, buyer.phone = "10320876543", "411234567890", "+982144556677"
    html = render_contract_html(_full_contract(), buyer, locale="fa", seller=SELLER, vat_percent=10,
                                issued_on=date(2026, 11, 23))
    for shown in ("شرکت روند افزار", "۱۰۱۰۱۲۳۴۵۶۷", "۴۱۱۱۱۱۱۱۱۱۱۱", "۱۲۳۴۵۶", "خیابان ولیعصر", "۰۲۱ ۸۸۷۷ ۶۶۵۵",
                  "۱۰۳۲۰۸۷۶۵۴۳", "۴۱۱۲۳۴۵۶۷۸۹۰", "۰۲۱ ۴۴۵۵ ۶۶۷۷", "کد اقتصادی", "شماره ثبت"):
        assert shown in html, shown
    assert "مالیات بر ارزش افزوده (۱۰٪)" in html and "۱۱٬۲۵۰٬۰۰۱ ریال" in html  # VAT on the net, rounded half up
    assert "۱۲۳٬۷۵۰٬۰۰۶ ریال" in html  # payable: net + VAT
    assert "۱ اردیبهشت ۱۴۰۵" in html and "۲۹ اسفند ۱۴۰۵" in html and "اقساط" in html and "۶۰٬۰۰۰٬۰۰۰ ریال" in html
    assert "________________" not in html
    english = render_contract_html(_full_contract(), buyer, locale="en", seller=SELLER, vat_percent=10,
                                   issued_on=date(2026, 11, 23))
    assert "VAT (10%)" in english and "123,750,006 rials" in english and "21 April 2026" in english
    assert "Economic code" in english and "021 8877 6655" in english


def test_without_vat_or_seller_details_the_seller_line_stays_blank() -> None:
    html = render_contract_html(contract(), customer(), locale="en", issued_on=date(2026, 11, 23))
    assert "________________" in html and "VAT" not in html


def test_money_in_rials_and_toman() -> None:
    assert money(1_250_000, "en") == {"rial": "1,250,000", "toman": "125,000"}
    assert money(1_250_000, "fa") == {"rial": "۱٬۲۵۰٬۰۰۰", "toman": "۱۲۵٬۰۰۰"}


def test_persian_pdf_carries_the_persian_words() -> None:
    assert document_fonts() is not None
    html = render_contract_html(contract(), customer(), locale="fa", seller="روند", issued_on=date(2026, 11, 23))
    pdf = render_pdf(html)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    for word in ("قرارداد", "فروشنده", "خریدار", "تومان", "ریال", "البرز", "پرداخت"):
        assert word in text, word
    fonts = {str(font.get("/BaseFont")) for page in reader.pages
             for font in page["/Resources"]["/Font"].values() for font in [font.get_object()]}
    assert any(name.endswith("+Ravand-Document") for name in fonts), fonts  # our @font-face file is embedded


def test_pdf_rendering_reads_no_other_files(tmp_path: Path) -> None:
    from PIL import Image

    picture = tmp_path / "secret.png"
    Image.new("RGB", (20, 20), "red").save(picture)
    html = f'<html><body><p>hello</p><img src="{picture.as_uri()}"></body></html>'
    import weasyprint

    assert b"/Subtype /Image" in weasyprint.HTML(string=html).write_pdf()  # WeasyPrint alone would embed it
    pdf = render_pdf(html)
    assert pdf.startswith(b"%PDF") and b"/Subtype /Image" not in pdf
