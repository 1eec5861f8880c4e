"""Customers in and out of spreadsheets: import from CSV or Excel (.xlsx), export to CSV.

Columns are found by their header, in English or Persian, written any way (``Mobile``, ``mobile``,
``موبایل``, ``تلفن همراه``, ``شماره موبايل`` …); unknown columns are left out. Each row is checked on
its own: a bad row is reported with its row number (as the spreadsheet numbers it, the header being
row 1) and why, and never stops the import or loses the good rows. A row that looks like a customer
already there (same mobile, telephone, e-mail or name) is skipped, or created anyway with
``on_duplicate="create"``.

Reading streams the file and holds one row at a time, under limits (``Limits``): the file's bytes, its
rows, and for Excel the zip's members (count, unpacked size, compression ratio, from the zip's
directory before anything is unpacked), the XML of every part measured by a streaming scan before
openpyxl opens the workbook (rows of every sheet, cells of a row, shared texts, other parts' size).
A file over a limit is refused with the reason (``InvalidRecord`` on the field ``file``)."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO
from xml.parsers import expat

from openpyxl.utils.cell import column_index_from_string
from sqlalchemy.orm import Session

from crm.customer_fields import customer_values
from crm.customers import NewCustomers, customer_query
from crm.errors import InvalidRecord, invalid
from crm.models import Customer
from crm.text import defuse_formula, name_key, restore_formula
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
SUFFIXES = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx"}
MiB = 1024 * 1024
CHUNK = 64 * 1024
MAX_COLUMNS = 256  # columns read per row (every known column is far to the left of this)
MAX_LINE_CHARS = 128 * 1024  # one line of a CSV file
MAX_SHEET_COLUMNS = 16_384  # Excel's own last column (XFD): a row with cells past it is no sheet
MAX_SHARED_STRINGS = 2_000_000  # the different texts of a workbook (openpyxl holds them all)
MAX_OTHER_PART_BYTES = 8 * MiB  # an XML part openpyxl reads whole (styles, workbook, relations)
MAX_ZIP_MEMBERS = 2_000
MAX_ZIP_DIRECTORY_BYTES = 1 * MiB
RATIO_FLOOR_BYTES = 1 * MiB  # smaller members may compress as well as they like
_EOCD = struct.Struct("<4s4H2LH")  # the zip's end of central directory record

Source = str | Path | bytes | BinaryIO


@dataclass(frozen=True)
class Limits:
    """How much one import may read (``config.Settings``' ``import_*`` keys)."""

    max_bytes: int = 20 * MiB
    max_rows: int = 200_000
    max_unzipped_bytes: int = 200 * MiB
    max_zip_ratio: float = 100.0


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
    text = restore_formula(str(value)).strip()
    return text or None


def _rows_of(table: Iterable[Iterable[Any]], stop_after_header: bool = False) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, {field: text}) for each non-blank row under the first non-blank one (the header);
    blank cells and columns past ``MAX_COLUMNS`` are left out."""
    columns: list[str | None] | None = None
    for number, raw in enumerate(table, start=1):
        cells = [_cell(v) for v in itertools.islice(raw, MAX_COLUMNS)]
        if not any(cells):
            continue
        if columns is None:
            columns = _columns(cells)
            if stop_after_header:
                return
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


class _Source:
    """A file to read as a binary stream: a path, bytes or an open binary file (read from its start)."""

    def __init__(self, source: Source) -> None:
        self.source = source

    def __enter__(self) -> BinaryIO:
        if isinstance(self.source, bytes | bytearray):
            self.stream: BinaryIO = io.BytesIO(self.source)
        elif isinstance(self.source, str | Path):
            self.stream = open(self.source, "rb")  # closed by __exit__
        else:
            self.stream = self.source
            self.stream.seek(0)
        return self.stream

    def __exit__(self, *_exc: object) -> None:
        if isinstance(self.source, str | Path):
            self.stream.close()


def file_kind(filename: str | None) -> str:
    """``csv`` or ``xlsx`` by the file name's suffix; anything else is refused."""
    kind = SUFFIXES.get(Path(filename or "").suffix.lower())
    if kind is None:
        raise invalid("file", "send a .csv or .xlsx file")
    return kind


def _size(stream: BinaryIO, limits: Limits) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size > limits.max_bytes:
        raise invalid("file", f"the file has {size} bytes; an import may hold at most {limits.max_bytes}")
    return size


# -- CSV: decoded and split into rows as it is read -------------------------------------------------------


def _csv_encoding(stream: BinaryIO) -> str:
    """UTF-8 (with or without a byte order mark) if every byte decodes as such, else Windows Arabic
    (Excel's "CSV" on Persian Windows). One pass over the file in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "cp1256"
    finally:
        stream.seek(0)


def _bounded_lines(text: io.TextIOBase) -> Iterator[str]:
    while line := text.readline(MAX_LINE_CHARS + 1):
        if len(line) > MAX_LINE_CHARS:
            raise invalid("file", f"a line is longer than {MAX_LINE_CHARS} characters")
        yield line


def _csv_table(stream: BinaryIO, limits: Limits) -> Iterator[list[str]]:
    encoding = _csv_encoding(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
    try:
        lines = _bounded_lines(text)
        first = next(lines, "")
        delimiter = max((",", ";", "\t"), key=first.count)
        yield from csv.reader(itertools.chain([first], lines), delimiter=delimiter)
    finally:
        if not stream.closed:
            text.detach()  # the stream is the caller's to close


# -- Excel: the zip's directory and every part's XML checked before openpyxl reads anything ------------------


def _refuse_workbook(reason: str) -> InvalidRecord:
    return invalid("file", f"not a workbook Ravand will read: {reason}")


def _zip_directory(stream: BinaryIO) -> None:
    """The zip's end record, read by hand before ``zipfile`` builds an entry per member: too many
    members (or a zip64 count) or a huge directory is refused without reading it."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(max(0, size - _EOCD.size - 0xFFFF))
    tail = stream.read()
    stream.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _EOCD.size:
        raise invalid("file", "not a readable Excel .xlsx workbook")
    members, directory_bytes = _EOCD.unpack_from(tail, at)[4:6]
    if members > MAX_ZIP_MEMBERS or directory_bytes > MAX_ZIP_DIRECTORY_BYTES:
        raise _refuse_workbook(f"its zip holds {members} members ({directory_bytes} bytes of directory)")


def _zip_members(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Each member's unpacked size and compression ratio, from the zip's central directory
    (``zipfile`` never unpacks more than the size written there)."""
    total = 0
    for info in archive.infolist():
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_FLOOR_BYTES and ratio > limits.max_zip_ratio:
            raise _refuse_workbook(f"{info.filename} unpacks {ratio:.0f} times its size ({info.file_size} bytes "
                                   f"from {info.compress_size}); at most {limits.max_zip_ratio:.0f} times")
        total += info.file_size
        if total > limits.max_unzipped_bytes:
            raise _refuse_workbook(f"it unpacks to more than {limits.max_unzipped_bytes} bytes")


@dataclass
class _Part:
    """What a streaming read of one XML part found: rows and cells of a sheet, shared strings."""

    name: str
    root: str = ""
    sheet: bool = False
    rows: int = 0
    columns: int = 0
    strings: int = 0
    cells: int = 0
    column: int = 0


class _PartScan:
    def __init__(self, name: str, limits: Limits, rows_before: int) -> None:
        self.part, self.limits, self.rows_before = _Part(name), limits, rows_before

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition("}")[2]
        part = self.part
        if not part.root:
            part.root = local
        if local == "sheetData":
            part.sheet = True
        elif local == "row":
            part.rows += 1
            part.cells = part.column = 0
            if self.rows_before + part.rows > self.limits.max_rows + 1:
                raise too_many_rows(self.limits)
        elif local == "c":
            self._cell(attrs.get("r"))
        elif local == "si":
            part.strings += 1
            if part.strings > MAX_SHARED_STRINGS:
                raise _refuse_workbook(f"more than {MAX_SHARED_STRINGS} different texts")

    def _cell(self, reference: str | None) -> None:
        part = self.part
        part.cells += 1
        letters = reference.rstrip("0123456789") if reference else ""
        part.column = column_index_from_string(letters) if letters.isalpha() and len(letters) <= 3 else part.column + 1
        if part.cells > MAX_SHEET_COLUMNS or part.column > MAX_SHEET_COLUMNS:
            raise _refuse_workbook(f"a row has cells past column {MAX_SHEET_COLUMNS}")
        part.columns = max(part.columns, part.column)

    def refuse_declarations(self, *_args: object) -> None:
        raise _refuse_workbook(f"{self.part.name} declares a DTD or entities")


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, rows_before: int) -> _Part | None:
    """Stream one member through expat, keeping counts only (no tree); None if it is not XML."""
    scan = _PartScan(info.filename, limits, rows_before)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = scan.start
    parser.StartDoctypeDeclHandler = scan.refuse_declarations
    parser.EntityDeclHandler = scan.refuse_declarations
    with archive.open(info) as member:
        try:
            for chunk in iter(lambda: member.read(CHUNK), b""):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError:
            return None  # not XML (a picture, a printer setting): openpyxl never reads it
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise invalid("file", "not a readable Excel .xlsx workbook (a damaged zip)") from exc
    part = scan.part
    if not part.sheet and part.root != "sst" and info.file_size > MAX_OTHER_PART_BYTES:
        raise _refuse_workbook(f"{info.filename} has {info.file_size} bytes; a workbook's "
                               f"{part.root or 'part'} needs far fewer")
    return part


def _scan_workbook(stream: BinaryIO, limits: Limits) -> dict[str, _Part]:
    """Everything openpyxl would build in memory, measured first: the zip's directory, each member's
    size and ratio, the rows of every sheet (openpyxl reads each sheet once when it opens the workbook),
    the cells of a row, the shared texts, the size of every other XML part."""
    _zip_directory(stream)
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise invalid("file", "not a readable Excel .xlsx workbook") from exc
    parts: dict[str, _Part] = {}
    with archive:
        _zip_members(archive, limits)
        rows = 0
        for info in archive.infolist():
            part = _scan_part(archive, info, limits, rows)
            if part is not None:
                parts[info.filename] = part
                rows += part.rows if part.sheet else 0
    stream.seek(0)
    return parts


def check_workbook(stream: BinaryIO, limits: Limits) -> None:
    """The checks that need no parsing (the zip's directory, sizes and ratios), cheap enough for a request."""
    _zip_directory(stream)
    try:
        with zipfile.ZipFile(stream) as archive:
            _zip_members(archive, limits)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise invalid("file", "not a readable Excel .xlsx workbook") from exc
    finally:
        stream.seek(0)


def _xlsx_table(stream: BinaryIO, limits: Limits) -> Iterator[tuple[Any, ...]]:
    from openpyxl import load_workbook

    parts = _scan_workbook(stream, limits)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise invalid("file", "not a readable Excel .xlsx workbook") from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the <dimension> element is the file's word: rows are read as they come
        scanned = parts.get(str(getattr(sheet, "_worksheet_path", "")).lstrip("/"))
        width = min(scanned.columns, MAX_COLUMNS) if scanned and scanned.columns else MAX_COLUMNS
        yield from sheet.iter_rows(values_only=True, max_col=width)
    finally:
        workbook.close()


def too_many_rows(limits: Limits) -> InvalidRecord:
    return invalid("file", f"the file has more than {limits.max_rows} rows; import it in parts")


def _counted(table: Iterable[Sequence[Any]], limits: Limits) -> Iterator[Sequence[Any]]:
    """Every row as it comes (blank ones too), refused past the row limit (the header is not counted)."""
    for number, row in enumerate(table):
        if number > limits.max_rows:
            raise too_many_rows(limits)
        yield row


def _table(stream: BinaryIO, kind: str, limits: Limits) -> Iterator[Sequence[Any]]:
    reader = _csv_table if kind == "csv" else _xlsx_table
    return _counted(reader(stream, limits), limits)


def read_rows(source: Source, filename: str | None = None, limits: Limits | None = None,
              skip: int = 0) -> Iterator[tuple[int, dict]]:
    """(row number, {field: text}) for each data row of a .csv or .xlsx file (by ``filename``'s suffix,
    else the path's), streamed: nothing but the current row is held. The first ``skip`` data rows are
    read but not given (a job resuming after its committed rows)."""
    limits = limits or Limits()
    if filename is None and isinstance(source, str | Path):
        filename = str(source)
    kind = file_kind(filename)
    with _Source(source) as stream:
        _size(stream, limits)
        table = _table(stream, kind, limits)
        try:
            yield from itertools.islice(_rows_of(table), skip, None)
        except csv.Error as exc:
            raise invalid("file", f"not a readable CSV file ({exc})") from exc
        finally:
            table.close()  # while the stream is open


def check_upload(source: Source, filename: str | None, limits: Limits | None = None) -> str:
    """What can be refused at once, before a job is queued: the size, the kind, a CSV's header, an
    Excel file's zip directory (sizes and ratios: bombs). Returns the kind."""
    limits = limits or Limits()
    kind = file_kind(filename)
    with _Source(source) as stream:
        _size(stream, limits)
        if kind == "xlsx":
            check_workbook(stream, limits)
            return kind
        table = _table(stream, kind, limits)
        try:
            next(_rows_of(table, stop_after_header=True), None)
        except csv.Error as exc:
            raise invalid("file", f"not a readable CSV file ({exc})") from exc
        finally:
            table.close()
    return kind


def count_rows(source: Source, filename: str | None, limits: Limits | None = None) -> int:
    """How many data rows the file gives, reading it through once (every check of ``read_rows`` applies:
    a file over a limit is refused before any row is imported)."""
    return sum(1 for _ in read_rows(source, filename, limits))


def check_on_duplicate(on_duplicate: str) -> None:
    if on_duplicate not in ON_DUPLICATE:
        raise InvalidRecord("on_duplicate: skip or create", {"on_duplicate": ["one of skip, create"]})


Outcome = tuple[str, RowProblem | None, int | None]  # ("created" | "skipped" | "rejected", why, new id)
IMPORT_CHUNK = 500  # rows ``import_customers`` looks up and inserts together


def import_customers(ctx: Ctx, rows: Iterable[tuple[int, Mapping[str, Any]]],
                     progress: Callable[[int], None] | None = None, on_duplicate: str = "skip") -> ImportReport:
    """Create a customer per good row, in the caller's transaction; ``progress(1)`` for each row once its
    chunk is done (fits ``click.progressbar.update``). Large files go through ``crm.import_jobs``
    (batches, a job, a report)."""
    check_on_duplicate(on_duplicate)
    report = ImportReport()
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, IMPORT_CHUNK)):
        for outcome, problem, customer_id in import_batch(ctx, chunk, on_duplicate):
            report.rows += 1
            if outcome == "created" and customer_id is not None:
                report.created += 1
                report.created_ids.append(customer_id)
            elif problem is not None:
                (report.skipped if outcome == "skipped" else report.rejected).append(problem)
            if progress is not None:
                progress(1)
    return report


def import_row(ctx: Ctx, number: int, data: Mapping[str, Any], on_duplicate: str) -> Outcome:
    """One row: ``("created", None, id)``, ``("skipped", problem, None)`` for a likely duplicate (unless
    ``on_duplicate="create"``) or ``("rejected", problem, None)`` with each field's problem."""
    return import_batch(ctx, [(number, data)], on_duplicate)[0]


def _checked(number: int, data: Mapping[str, Any]) -> dict[str, Any] | RowProblem:
    try:
        return customer_values(data)
    except InvalidRecord as exc:
        return RowProblem(number, exc.message, exc.field_errors)


def import_batch(ctx: Ctx, batch: Sequence[tuple[int, Mapping[str, Any]]], on_duplicate: str) -> list[Outcome]:
    """Each row's outcome (``import_row``), the same as importing the rows one after another, a row
    created earlier in the batch being a duplicate of a later one; the batch's stored look-alikes
    are found in one query and its customers inserted together (``NewCustomers``)."""
    checked = [(number, _checked(number, data)) for number, data in batch]
    new = NewCustomers(ctx)
    if on_duplicate == "skip":  # with "create" duplicates change nothing
        new.prepare([values for _, values in checked if not isinstance(values, RowProblem)])
    outcomes: list[Outcome] = []
    added = []
    for number, values in checked:
        if isinstance(values, RowProblem):
            outcomes.append(("rejected", values, None))
            continue
        ids = new.duplicate_ids(values) if on_duplicate == "skip" else []
        if ids:
            outcomes.append(("skipped", RowProblem(number, f"looks like customer {', '.join(map(str, ids))}",
                                                   duplicate_ids=ids), None))
            continue
        added.append((len(outcomes), new.add(values)))
        outcomes.append(("created", None, None))
    new.flush()
    for index, known in added:
        outcomes[index] = ("created", None, known.id)
    return outcomes


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
    csv.writer(buffer).writerow(EXPORT_COLUMNS)
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)  # text quoted: one cell whatever the separator
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
