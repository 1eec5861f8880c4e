"""The export's files, written row by row as the records stream in: CSV (UTF-8 with a byte order mark, so
Excel reads Persian) as text chunks, and Excel (.xlsx) through openpyxl's write-only mode (rows go to a
temporary file, never all in memory), right to left for Persian. Days are Jalali in Persian and ISO 8601
in English; amounts and counts stay numbers; text that a spreadsheet would run as a formula is kept text."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from api.resources.crm.export_columns import Column
from crm.jalali import jalali

CHUNK_ROWS = 500
READ_BYTES = 64 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@lru_cache(maxsize=4096)  # an export's rows share few days; the Jalali conversion is the costly part of a row
def _day(value: date, locale: str) -> str:
    if locale == "fa":
        shamsi = jalali(value)
        return f"{shamsi.year:04d}-{shamsi.month:02d}-{shamsi.day:02d}"
    return value.isoformat()


def shown(value: Any, kind: str, locale: str, zone: ZoneInfo) -> Any:
    """A value as the file holds it: a number stays a number, a day or moment becomes text in the reader's
    calendar (moments in the working time zone), anything else text."""
    if value is None or value == "":
        return None
    if kind in ("number", "amount"):
        return int(value)
    if kind == "decimal":
        return round(float(value), 1)
    if kind == "moment" and isinstance(value, datetime):
        local = value.astimezone(zone)
        return f"{_day(local.date(), locale)} {local:%H:%M}"
    if kind in ("date", "moment") and isinstance(value, date):
        day = value.astimezone(zone).date() if isinstance(value, datetime) else value
        return _day(day, locale)
    return str(value)


def _safe(value: Any) -> Any:
    """Text a spreadsheet would read as a formula (=, +, -, @ first) gets a leading apostrophe; a telephone
    number in E.164 (+989…) is data, not a formula, and stays as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not value[1:].isdigit():
        return "'" + value
    return value


def _text_cell(sheet: Any, value: str) -> WriteOnlyCell:
    """A cell that holds ``value`` as text: openpyxl would write text starting with = as a formula."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def csv_chunks(columns: Sequence[Column], rows: Iterable[Sequence[Any]], locale: str) -> Iterator[str]:
    """The CSV, a few hundred rows a chunk, the byte order mark and the header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([column.header(locale) for column in columns])
    for count, row in enumerate(rows, start=1):
        writer.writerow([_safe(value) for value in row])
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_chunks(columns: Sequence[Column], rows: Iterable[Sequence[Any]], locale: str, title: str
                ) -> Iterator[bytes]:
    """The workbook: one sheet (right to left in Persian), the header row frozen, written in write-only mode
    to a temporary file that is then sent in pieces and removed."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.sheet_view.rightToLeft = locale == "fa"
    sheet.freeze_panes = "A2"
    sheet.append([column.header(locale) for column in columns])
    for row in rows:
        sheet.append([_text_cell(sheet, value) if isinstance(value, str) and value.startswith("=") else value
                      for value in row])
    handle, path = tempfile.mkstemp(prefix="ravand-export-", suffix=".xlsx")
    os.close(handle)
    try:
        book.save(path)
        with open(path, "rb") as file:
            while piece := file.read(READ_BYTES):
                yield piece
    finally:
        os.unlink(path)


__all__ = ["csv_chunks", "shown", "xlsx_chunks"]
