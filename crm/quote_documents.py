"""A quote (پیش‌فاکتور) as a document: HTML from ``templates/documents/quote.html`` (Jinja2, everything escaped)
in the customer's language, right to left with Persian digits and Jalali dates in Persian, amounts in rials
and toman; ``crm.documents.render_pdf`` makes its PDF with the same fonts and fetch rules as a contract's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from crm.clock import utcnow
from crm.documents import DOCUMENTS, customer_lines, environment, money, seller_lines
from crm.jalali import long_date
from crm.models import Customer, Quote, QuoteLine
from crm.money import format_figure
from crm.quotes import line_figures, totals
from crm.text import persian_digits, read_locale

WORDS: dict[str, dict[str, str]] = {
    "en": {"quote": "Quote", "number": "Quote number", "date": "Date", "valid_until": "Valid until",
           "seller": "Seller", "customer": "Customer", "row": "No.", "description": "Description",
           "quantity": "Quantity", "unit_price": "Unit price", "discount": "Discount", "line_net": "Amount",
           "no_vat": "no VAT", "in_rials": "Amounts in rials.", "subtotal": "Subtotal", "vat": "VAT",
           "payable": "Payable", "rial": "rials", "toman": "toman", "seller_default": "________________"},
    "fa": {"quote": "پیش‌فاکتور", "number": "شمارهٔ پیش‌فاکتور", "date": "تاریخ", "valid_until": "معتبر تا",
           "seller": "فروشنده", "customer": "خریدار", "row": "ردیف", "description": "شرح کالا یا خدمت",
           "quantity": "مقدار", "unit_price": "بهای واحد", "discount": "تخفیف", "line_net": "مبلغ",
           "no_vat": "بدون مالیات", "in_rials": "مبلغ‌ها به ریال است.", "subtotal": "جمع",
           "vat": "مالیات بر ارزش افزوده", "payable": "مبلغ قابل پرداخت", "rial": "ریال", "toman": "تومان",
           "seller_default": "________________"},
}
UNITS = {"en": {"piece": "pcs", "hour": "h", "day": "days", "month": "months", "year": "years",
                "licence": "licences", "service": ""},
         "fa": {"piece": "عدد", "hour": "ساعت", "day": "روز", "month": "ماه", "year": "سال", "licence": "مجوز",
                "service": ""}}
LABELS = {"en": {"represented_by": "Represented by", "phone": "Phone", "mobile": "Mobile", "email": "E-mail",
                 "address": "Address", "national_id": "National ID", "economic_code": "Economic code",
                 "registration_number": "Registration no.", "postal_code": "Postal code"},
          "fa": {"represented_by": "به نمایندگی", "phone": "تلفن", "mobile": "تلفن همراه", "email": "ایمیل",
                 "address": "نشانی", "national_id": "شناسه/کد ملی", "economic_code": "کد اقتصادی",
                 "registration_number": "شماره ثبت", "postal_code": "کد پستی"}}


def _quantity(milli: int, locale: str) -> str:
    whole, rest = divmod(milli, 1000)
    text = f"{whole:,}" if not rest else f"{whole:,}.{rest:03d}".rstrip("0")
    return persian_digits(text.replace(",", "٬").replace(".", "٫")) if locale == "fa" else text


def _percent(value: int, locale: str) -> str:
    return f"{persian_digits(str(value))}٪" if locale == "fa" else f"{value}%"


def render_quote_html(quote: Quote, lines: Sequence[QuoteLine], customer: Customer, *, locale: str = "fa",
                      seller: dict[str, str] | None = None, timezone: str = "Asia/Tehran") -> str:
    """The quote as a complete HTML document in ``locale`` (``fa`` or ``en``), issued today in ``timezone``."""
    locale = read_locale(locale)
    t, labels = WORDS[locale], LABELS[locale]
    figures = totals(quote, lines)
    details = dict(seller or {})
    digits = persian_digits if locale == "fa" else str
    shown_lines = []
    for number, line in enumerate(lines, 1):
        each = line_figures(line)
        shown_lines.append({
            "row": digits(str(number)), "description": line.description, "taxable": line.taxable,
            "quantity": _quantity(line.quantity_milli, locale), "unit": UNITS[locale].get(line.unit, line.unit),
            "unit_price": format_figure(line.unit_price, "rial", locale),
            "discount": _percent(line.discount_percent, locale) if line.discount_percent else "—",
            "net": format_figure(each.net, "rial", locale)})
    context: dict[str, Any] = {
        "t": t, "lang": locale, "dir": "rtl" if locale == "fa" else "ltr", "number": digits(str(quote.id)),
        "css": Markup((DOCUMENTS / "contract.css").read_text(encoding="utf-8")),  # noqa: S704 (our own file)
        "issued": long_date(utcnow().astimezone(ZoneInfo(timezone)).date(), locale),
        "valid_until": long_date(quote.valid_until, locale),
        "seller": details.get("name") or t["seller_default"], "seller_lines": seller_lines(details, labels, locale),
        "customer_name": customer.company_name or customer.person_name or "",
        "customer_lines": customer_lines(customer, labels, locale), "lines": shown_lines,
        "subtotal": money(figures.subtotal, locale), "discount": money(figures.discount, locale),
        "discount_percent": _percent(figures.discount_percent, locale) if figures.discount_percent else None,
        "vat": money(figures.vat, locale) if figures.vat_percent else None,
        "vat_percent": _percent(figures.vat_percent, locale), "payable": money(figures.payable, locale),
        "notes": [p.strip() for p in (quote.notes or "").splitlines() if p.strip()],
    }
    return environment().get_template("quote.html").render(context)
