"""Customers in and out of spreadsheets: import from CSV or Excel (.xlsx), export to CSV.

Columns are found by their header, in English or Persian, written any way (``Mobile``, ``mobile``,
``موبایل``, ``تلفن همراه``, ``شماره موبايل`` …); unknown columns are left out. Each row is checked on
its own: a bad row is reported with its row number (as the spreadsheet numbers it, the header being
row 1) and why, and never stops the import or loses the good rows. A row that looks like a customer
already there (same mobile, telephone, e-mail or name) is skipped, or created anyway with
``on_duplicate="create"``."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from crm.customer_fields import customer_values
from crm.customers import customer_query, duplicates_of, insert_customer
from crm.errors import InvalidRecord, invalid
from crm.models import Customer
from crm.text import FORMULA_STARTS, defuse_formula, name_key
from crm.unit import Ctx

ALIASES: dict[str, tuple[str, ...]] = {
    "company_name": ("company", "company_name", "company name", "organisation", "organization", "شرکت",
                     "نام شرکت", "سازمان", "نام سازمان"),
    "person_name": ("person", "person_name", "name", "full name", "contact", "نام", "نام و نام خانوادگی",
                    "نام شخص", "مشتری", "نام مشتری"),
    "phone": ("phone", "telephone", "tel", "landline", "تلفن", "تلفن ثابت", "شماره تلفن"),
    "mobile": ("mobile", "cell", "cellphone", "mobile phone", "موبایل", "همراه", "تلفن همراه", "شماره همراه",
               "شماره موبایل"),
    "email": ("email", "e-mail", "mail", "ایمیل", "پست الکترونیک", "رایانامه"),
    "address": ("address", "نشانی", "آدرس"),
    "industry": ("industry", "صنعت", "حوزه فعالیت"),
    "interests": ("interests", "interest", "علایق", "علاقه‌مندی", "علاقه‌مندی‌ها"),
    "region": ("region", "area", "city", "منطقه", "شهر", "استان"),
    "channel": ("channel", "source", "کانال", "منبع", "شیوه آشنایی"),
    "status": ("status", "وضعیت"),
    "segment": ("segment", "بخش", "سگمنت", "گروه مشتری"),
    "owner": ("owner", "account manager", "مسئول", "کارشناس"),
    "kind": ("kind", "type", "نوع", "نوع مشتری"),
    "locale": ("locale", "language", "زبان"),
}
HEADERS: dict[str, str] = {name_key(alias): fld for fld, aliases in ALIASES.items() for alias in aliases}
# values written in Persian (or other words) for the fields that take a fixed set
VALUES: dict[str, dict[str, str]] = {
    "kind": {name_key(k): v for k, v in (("شخص", "person"), ("حقیقی", "person"), ("فرد", "person"),
                                         ("شرکت", "company"), ("حقوقی", "company"), ("سازمان", "company"))},
    "status": {name_key(k): v for k, v in (("بالقوه", "potential"), ("احتمالی", "potential"),
                                           ("بالفعل", "actual"), ("فعلی", "actual"), ("قطعی", "actual"))},
    "locale": {name_key(k): v for k, v in (("فارسی", "fa"), ("persian", "fa"), ("farsi", "fa"),
                                           ("انگلیسی", "en"), ("english", "en"))},
}
EXPORT_COLUMNS = ("id", "kind", "person_name", "company_name", "mobile", "phone", "email", "address", "industry",
                  "interests", "region", "channel", "status", "segment", "owner", "locale", "referral_code",
                  "created_at")
ON_DUPLICATE = ("skip", "create")


@dataclass(frozen=True)
class RowProblem:
    row: int
    reason: str
    errors: dict[str, list[str]] = field(default_factory=dict)
    duplicate_ids: list[int] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    created_ids: list[int] = field(default_factory=list)
    skipped: list[RowProblem] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)


def _cell(value: Any) -> str | None:
    """A cell as text: whole floats without ".0" (Excel keeps phone numbers as numbers), dates in ISO,
    a leading apostrophe that guarded a formula-like value (``'+98…``) removed."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS:
        text = text[1:]
    return text or None


def _rows_of(table: Iterable[Iterable[Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, {field: text}) for each non-blank row under the first non-blank one (the header);
    blank cells are left out."""
    columns: list[str | None] | None = None
    for number, raw in enumerate(table, start=1):
        cells = [_cell(v) for v in raw]
        if not any(cells):
            continue
        if columns is None:
            columns = _columns(cells)
            continue
        row = {}
        for column, value in zip(columns, cells):
            if column is not None and value is not None:  # a blank cell says nothing
                row[column] = VALUES.get(column, {}).get(name_key(value), value)
        yield number, row
    if columns is None:
        raise invalid("file", "the file is empty")


def _columns(headers: list[str | None]) -> list[str | None]:
    columns, seen = [], set()
    for header in headers:
        column = HEADERS.get(name_key(header))
        columns.append(column if column not in seen else None)
        seen.add(column)
    if not seen - {None}:
        raise invalid("file", "no known column in the first row; expected e.g. person, company, mobile, phone, "
                              "email (or نام، شرکت، موبایل، تلفن، ایمیل)")
    return columns


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1256", errors="replace")  # Excel's "CSV" on Persian Windows


def _csv_table(content: bytes) -> Iterator[list[str]]:
    text = _decode(content)
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_table(content: bytes) -> Iterator[tuple[Any, ...]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise invalid("file", "not a readable Excel .xlsx workbook") from exc
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def read_rows(path_or_bytes: str | Path | bytes, filename: str | None = None) -> Iterator[tuple[int, dict]]:
    """(row number, {field: text}) for each data row of a .csv or .xlsx file (by ``filename``'s suffix)."""
    if isinstance(path_or_bytes, bytes):
        content = path_or_bytes
    else:
        content = Path(path_or_bytes).read_bytes()
        filename = filename or str(path_or_bytes)
    suffix = Path(filename or "").suffix.lower()
    readers = {".csv": _csv_table, ".txt": _csv_table, ".xlsx": _xlsx_table}
    if suffix not in readers:
        raise invalid("file", "send a .csv or .xlsx file")
    try:
        yield from _rows_of(readers[suffix](content))
    except csv.Error as exc:
        raise invalid("file", f"not a readable CSV file ({exc})") from exc


def import_customers(ctx: Ctx, rows: Iterable[tuple[int, Mapping[str, Any]]],
                     progress: Callable[[int], None] | None = None, on_duplicate: str = "skip") -> ImportReport:
    """Create a customer per good row; ``progress(1)`` after each row (fits ``click.progressbar.update``)."""
    if on_duplicate not in ON_DUPLICATE:
        raise InvalidRecord("on_duplicate: skip or create", {"on_duplicate": ["one of skip, create"]})
    report = ImportReport()
    for number, data in rows:
        report.rows += 1
        _import_row(ctx, report, number, data, on_duplicate)
        if progress is not None:
            progress(1)
    return report


def _import_row(ctx: Ctx, report: ImportReport, number: int, data: Mapping[str, Any], on_duplicate: str) -> None:
    try:
        values = customer_values(data)
    except InvalidRecord as exc:
        report.rejected.append(RowProblem(number, exc.message, exc.field_errors))
        return
    duplicates = duplicates_of(ctx.session, values)
    if duplicates and on_duplicate == "skip":
        ids = [d.id for d in duplicates]
        report.skipped.append(RowProblem(number, f"looks like customer {', '.join(map(str, ids))}",
                                         duplicate_ids=ids))
        return
    customer = insert_customer(ctx, values)
    report.created += 1
    report.created_ids.append(customer.id)


def _export_cell(customer: Any, column: str) -> Any:
    value = getattr(customer, column)
    if column == "interests":
        value = ", ".join(value or [])
    elif isinstance(value, datetime):
        value = value.isoformat(timespec="seconds")
    return defuse_formula(value)  # the import removes the guard


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


EXPORT_BATCH = 500


def export_customers_csv(session: Session, **filters: Any) -> Iterator[str]:
    """The customers matching ``filters`` (those of ``search_customers``) as CSV text chunks, oldest first:
    UTF-8 with a byte order mark so Excel reads Persian, and a header of field names the import reads back."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    prefix, last = "\ufeff", 0
    query = customer_query(**filters).order_by(None).order_by(Customer.id)
    while True:  # pages by id: no server-side cursor, so it works in any session
        page = session.scalars(query.where(Customer.id > last).limit(EXPORT_BATCH)).all()
        for customer in page:
            writer.writerow([_export_cell(customer, c) for c in EXPORT_COLUMNS])
        yield prefix + _drain(buffer)
        prefix = ""
        if len(page) < EXPORT_BATCH:
            return
        last = page[-1].id
        session.expunge_all()  # a large export keeps one page in memory, not every customer
