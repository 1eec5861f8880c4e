"""Contract documents: an HTML page (Jinja2, everything escaped) and its PDF (WeasyPrint).

Persian documents are right-to-left (``<html dir="rtl" lang="fa">``), with Persian digits, Jalali dates and
amounts in rials and toman; English ones use Gregorian dates. The PDF embeds the Vazirmatn font when the
web app's ``web/node_modules/vazirmatn`` is installed, else DejaVu Sans from ``/usr/share/fonts`` (it has
the Persian letters too); pango and harfbuzz shape the Persian text. Only those font files and ``data:`` URLs
are ever fetched while rendering: a document cannot make the server read other files or call the network.

Rendering costs about a second of CPU, so a PDF is kept with the SHA-256 of the document it was rendered from
(``kept_pdf``/``keep_pdf``): each revision's document is rendered once."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy.orm import Session

from crm.clock import utcnow
from crm.contract_terms import figures
from crm.jalali import long_date
from crm.models import Contract, ContractPdf, Customer
from crm.money import format_figure
from crm.text import persian_digits, read_locale

DOCUMENTS = Path(__file__).parent / "templates" / "documents"
ROOT = Path(__file__).resolve().parents[1]
VAZIRMATN = ROOT / "web" / "node_modules" / "vazirmatn"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
FONT_FAMILY = "Ravand Document"
SELLER_FIELDS = ("name", "national_id", "economic_code", "registration_number", "address", "phone")

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "contract": "Contract", "number": "Contract number", "revision": "Revision", "date": "Date",
        "valid_until": "Valid until", "parties": "Parties", "seller": "Seller", "customer": "Customer",
        "seller_default": "________________", "represented_by": "Represented by", "phone": "Phone", "mobile": "Mobile",
        "email": "E-mail", "address": "Address", "price": "Price", "amount": "Amount", "rial": "rials",
        "toman": "toman", "discount": "Discount", "payable": "Payable", "terms": "Terms",
        "standard": "standard terms", "for_seller": "For the Seller", "for_customer": "For the Customer",
        "national_id": "National ID", "economic_code": "Economic code", "registration_number": "Registration no.",
        "postal_code": "Postal code", "net": "Net after discount", "vat": "VAT", "period": "Term of the contract",
        "start": "From", "end": "to", "instalments": "Instalments", "due": "Due", "row": "No.",
    },
    "fa": {
        "contract": "قرارداد", "number": "شماره قرارداد", "revision": "ویرایش", "date": "تاریخ",
        "valid_until": "معتبر تا", "parties": "طرفین قرارداد", "seller": "فروشنده", "customer": "خریدار",
        "seller_default": "________________", "represented_by": "به نمایندگی", "phone": "تلفن", "mobile": "تلفن همراه",
        "email": "ایمیل", "address": "نشانی", "price": "مبلغ قرارداد", "amount": "مبلغ", "rial": "ریال",
        "toman": "تومان", "discount": "تخفیف", "payable": "مبلغ قابل پرداخت", "terms": "شرایط",
        "standard": "شرایط استاندارد", "for_seller": "از طرف فروشنده", "for_customer": "از طرف خریدار",
        "national_id": "شناسه/کد ملی", "economic_code": "کد اقتصادی", "registration_number": "شماره ثبت",
        "postal_code": "کد پستی", "net": "مبلغ پس از تخفیف", "vat": "مالیات بر ارزش افزوده", "period": "مدت قرارداد",
        "start": "از", "end": "تا", "instalments": "اقساط", "due": "سررسید", "row": "ردیف",
    },
}


@cache
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(DOCUMENTS), autoescape=select_autoescape(default=True),
                       trim_blocks=True, lstrip_blocks=True)


def money(rials: int, locale: str) -> dict[str, str]:
    """An amount in rials and in toman (ten rials; a tenth shown only when there is one)."""
    return {unit: format_figure(rials, unit, locale) for unit in ("rial", "toman")}


def _day(value: datetime | None, tz: ZoneInfo) -> date | None:
    return None if value is None else value.astimezone(tz).date()


def national_phone(e164: str | None, locale: str) -> str | None:
    """An Iranian number as people write it (``0912 123 4567``, ``021 8888 1234``); others as stored (E.164)."""
    if not e164:
        return None
    if not (e164.startswith("+98") and len(e164) == 13 and e164[1:].isdigit()):
        return e164
    national = "0" + e164[3:]
    text = f"{national[:4]} {national[4:7]} {national[7:]}" if national.startswith("09") else \
        f"{national[:3]} {national[3:7]} {national[7:]}"
    return persian_digits(text) if locale == "fa" else text


def _digits(value: str | None, locale: str) -> str | None:
    return None if not value else persian_digits(value) if locale == "fa" else value


def customer_lines(customer: Customer, t: dict[str, str], locale: str) -> list[tuple[str, str, str]]:
    """(label, value, direction): numbers and addresses of the internet always read left to right."""
    lines = []
    if customer.kind == "company" and customer.person_name:
        lines.append((t["represented_by"], customer.person_name, "auto"))
    for field in ("national_id", "economic_code"):
        if getattr(customer, field, None):
            lines.append((t[field], _digits(getattr(customer, field), locale), "ltr"))
    for field in ("phone", "mobile"):
        if getattr(customer, field):
            lines.append((t[field], national_phone(getattr(customer, field), locale), "ltr"))
    for field in ("email", "address", "postal_code"):
        value = getattr(customer, field, None)
        if value:
            lines.append((t[field], _digits(value, locale) if field == "postal_code" else value,
                          "ltr" if field != "address" else "auto"))
    return lines


def seller_lines(seller: dict[str, str], t: dict[str, str], locale: str) -> list[tuple[str, str, str]]:
    lines = []
    for field in ("national_id", "economic_code", "registration_number", "phone", "address"):
        value = seller.get(field)
        if value:
            shown = national_phone(value, locale) if field == "phone" and value.startswith("+") else \
                value if field == "address" else _digits(value, locale)
            lines.append((t[field], shown, "auto" if field == "address" else "ltr"))
    return lines


def _instalments(contract: Contract, locale: str) -> list[tuple[str, str, dict[str, str]]]:
    digits = persian_digits if locale == "fa" else str
    return [(digits(n), long_date(date.fromisoformat(i["due"]), locale), money(int(i["amount"]), locale))
            for n, i in enumerate(contract.instalments or [], 1)]


def _context(contract: Contract, customer: Customer, locale: str, seller: dict[str, str], issued: date,
             tz: ZoneInfo, vat_percent: int) -> dict[str, Any]:
    t = LABELS[locale]
    digits = persian_digits if locale == "fa" else str
    numbers = figures(contract.amount, contract.discount_percent, vat_percent)
    discount = numbers.discount_percent
    expires = _day(contract.expires_at, tz)
    start, end = getattr(contract, "start_date", None), getattr(contract, "end_date", None)
    return {
        "seller_lines": seller_lines(seller, t, locale), "net": money(numbers.net, locale),
        "vat": money(numbers.vat, locale) if numbers.vat_percent else None,
        "vat_percent": f"{digits(numbers.vat_percent)}٪" if locale == "fa" else f"{numbers.vat_percent}%",
        "start": long_date(start, locale) if start else None, "end": long_date(end, locale) if end else None,
        "instalments": _instalments(contract, locale),
        "t": t, "lang": locale, "dir": "rtl" if locale == "fa" else "ltr", "contract": contract,
        "css": Markup((DOCUMENTS / "contract.css").read_text(encoding="utf-8")),  # noqa: S704 (our own file)
        "number": digits(contract.id), "revision": digits(contract.revision or 1),
        "issued": long_date(issued, locale), "expires": long_date(expires, locale) if expires else None,
        "seller": seller.get("name") or t["seller_default"],
        "customer_name": customer.company_name or customer.person_name or "",
        "customer_lines": customer_lines(customer, t, locale), "amount": money(contract.amount, locale),
        "discount": f"{digits(discount)}٪" if locale == "fa" else f"{discount}%",
        "payable": money(numbers.payable, locale),
        "terms": [line.strip() for line in (contract.terms or "").splitlines() if line.strip()],
    }


def render_contract_html(contract: Contract, customer: Customer, *, locale: str = "fa",
                         seller: str | dict[str, str] | None = None, vat_percent: int | None = None,
                         issued_on: date | None = None, timezone: str = "Asia/Tehran") -> str:
    """The contract as a complete HTML document in ``locale`` (``fa`` or ``en``, also as ``fa-IR`` …):
    the seller's legal details (``seller``: a name, or the fields of ``SELLER_FIELDS``), VAT at
    ``vat_percent`` (default: the contract's own rate, else none); ``issued_on`` defaults to today in ``timezone``."""
    locale = read_locale(locale)
    tz = ZoneInfo(timezone)
    issued = issued_on or utcnow().astimezone(tz).date()
    details = {"name": seller} if isinstance(seller, str) else dict(seller or {})
    rate = vat_percent if vat_percent is not None else (contract.vat_percent or 0)
    return environment().get_template("contract.html").render(
        _context(contract, customer, locale, details, issued, tz, rate))


# -- PDF ------------------------------------------------------------------------------------------

def document_fonts() -> tuple[Path, Path | None] | None:
    """(regular, bold) font files for PDFs: Vazirmatn if the web app installed it, else DejaVu Sans."""
    if VAZIRMATN.is_dir():
        regular = sorted(VAZIRMATN.glob("**/Vazirmatn-Regular.ttf"), key=lambda p: len(p.parts))
        if regular:
            bold = regular[0].with_name("Vazirmatn-Bold.ttf")
            return regular[0], bold if bold.exists() else None
    if (DEJAVU / "DejaVuSans.ttf").exists():
        bold = DEJAVU / "DejaVuSans-Bold.ttf"
        return DEJAVU / "DejaVuSans.ttf", bold if bold.exists() else None
    return None


def font_css(fonts: tuple[Path, Path | None] | None) -> str:
    if fonts is None:
        return ""
    regular, bold = fonts
    rules = [f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: normal; src: url("{regular.as_uri()}"); }}']
    if bold is not None:
        rules.append(f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: bold; src: url("{bold.as_uri()}"); }}')
    rules.append(f'body {{ font-family: "{FONT_FAMILY}", sans-serif; }}')
    return "\n".join(rules)


def _fetcher(allowed: set[str]) -> Any:
    from weasyprint import URLFetcher

    class FontsOnly(URLFetcher):
        """Fetch the document's font files and ``data:`` URLs, nothing else."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not (url.startswith("data:") or url in allowed):
                raise ValueError(f"documents may not load {url[:80]}")
            return super().fetch(url, headers)

    return FontsOnly(allowed_protocols={"file", "data"}, allow_redirects=False)


def render_pdf(html: str) -> bytes:
    """The PDF of an HTML document (A4), with the document font embedded."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = document_fonts()
    allowed = {p.as_uri() for p in fonts or () if p is not None}
    fetcher = _fetcher(allowed)
    config = FontConfiguration()
    stylesheet = CSS(string=font_css(fonts), font_config=config, url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet], font_config=config)


def _digest(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def kept_pdf(session: Session, contract_id: int, html: str) -> bytes | None:
    """The PDF rendered earlier from exactly this document, if one is kept."""
    kept = session.get(ContractPdf, contract_id)
    return kept.content if kept is not None and kept.document_sha256 == _digest(html) else None


def keep_pdf(session: Session, contract_id: int, html: str, pdf: bytes) -> None:
    """Keep ``pdf`` as the rendering of ``html`` (replacing the rendering of an earlier revision)."""
    kept = session.get(ContractPdf, contract_id)
    if kept is None:
        session.add(ContractPdf(contract_id=contract_id, document_sha256=_digest(html), content=pdf,
                                rendered_at=utcnow()))
    else:
        kept.document_sha256, kept.content, kept.rendered_at = _digest(html), pdf, utcnow()
    session.flush()
