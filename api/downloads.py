"""Files the API sends as downloads: named by what they hold and the day they were made (the Jalali day for a
Persian reader), with a Content-Disposition that carries a Persian name too (RFC 6266 / RFC 5987 ``filename*``
beside an ASCII ``filename``), and CSV streamed a chunk at a time, so an export of any length is whole and
never held in memory at once."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Response, stream_with_context

from crm.jalali import jalali
from crm.text import defuse_formula

CHUNK_ROWS = 500
UNSAFE = re.compile(r"[^\w.-]+")  # \w is Unicode: Persian letters and digits stay, separators and marks go
MAX_STEM = 120


def part(value: object) -> str:
    """One piece of a file name: letters, digits, ``.``, ``-`` and ``_`` (runs of anything else become ``_``)."""
    return UNSAFE.sub("_", str(value)).strip("_.")[:40]


def day_stamp(locale: str, zone: str | None = None, now: datetime | None = None) -> str:
    """Today as ``1405-09-16`` (Jalali) for a Persian reader, ``2026-12-07`` otherwise, in the company's zone."""
    where = ZoneInfo(zone) if zone else None
    moment = now.astimezone(where) if now is not None and now.tzinfo is not None else now or datetime.now(where)
    day = moment.date()
    if locale == "fa" and day.year >= 623:  # the Jalali calendar's first years (jdatetime's range)
        shamsi = jalali(day)
        return f"{shamsi.year:04d}-{shamsi.month:02d}-{shamsi.day:02d}"
    return day.isoformat()


def file_name(stem: str, pieces: Iterable[tuple[str, object]], locale: str, extension: str,
              zone: str | None = None, now: datetime | None = None) -> str:
    """``journal-instance-3f2a…-1405-09-16.csv``: the stem, each given ``(label, value)`` filter, and the day."""
    words = [stem] + [f"{label}-{part(value)}" if label else part(value) for label, value in pieces
                      if value not in (None, "")]
    name = "-".join(w for w in words if w)[:MAX_STEM]
    return f"{name}-{day_stamp(locale, zone, now)}.{extension}"


def attachment(name: str, disposition: str = "attachment") -> str:
    """A Content-Disposition value: ``filename`` in ASCII for old clients, ``filename*`` in UTF-8 for a name
    with Persian in it (RFC 6266 section 4.3: a client that knows ``filename*`` takes it)."""
    ascii_name = name.encode("ascii", "ignore").decode() or "download"
    ascii_name = re.sub(r"_{2,}|-{2,}", "-", ascii_name.replace('"', "").replace("\\", ""))
    if ascii_name == name:
        return f'{disposition}; filename="{name}"'
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def cell(value: Any) -> Any:
    """A value as a spreadsheet cell: nested values as JSON, formula-like text made plain."""
    if isinstance(value, dict | list | tuple):
        value = json.dumps(value, ensure_ascii=False)
    return defuse_formula(value)


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV a few hundred rows a chunk: the byte order mark (Excel then reads Persian) and the header first."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer).writerow(header)
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)  # text quoted: one cell whatever the separator
    for count, row in enumerate(rows, start=1):
        writer.writerow([cell(value) for value in row])
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_stream(header: Sequence[str], rows: Iterable[Sequence[Any]], name: str) -> Response:
    """A streamed CSV download named ``name`` (the request stays open while it is read: the database session
    the rows come from with it)."""
    return Response(stream_with_context(csv_chunks(header, rows)), mimetype="text/csv",
                    headers={"Content-Disposition": attachment(name), "Cache-Control": "no-store"})
