"""Import customers from CSV and Excel (headers in English or Persian, a mix of good and bad rows),
and export them to CSV and read the export back."""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Callable, Iterator
from typing import BinaryIO

import pytest
from openpyxl import Workbook

from crm.customers import search_customers
from crm.errors import InvalidRecord
from crm.importing import (
    EXPORT_COLUMNS,
    Limits,
    check_upload,
    count_rows,
    export_customers_csv,
    import_customers,
    read_rows,
)
from tests.conftest import Database
from tests.crm.records import World, open_world

CSV_FA = "\n".join([
    "نام,شرکت,موبایل,تلفن,ایمیل,شهر,نوع,وضعیت,ستون ناشناخته",
    "علي كريمي,,۰۹۱۲ ۱۲۳ ۴۵۶۷,,Ali@Example.com,تهران,شخص,بالقوه,x",  # row 2: good
    ",شرکت پارس,,021-8877-6655,,اصفهان,حقوقی,,",  # row 3: good, a company
    "سارا,,12345,,,,,,",  # row 4: bad mobile
    ",,,,,,,,",  # row 5: blank, skipped silently
    "علی کریمی,,,,,,,,",  # row 6: the same name as row 2: a duplicate
    "رضا,,09351234567,,not-an-email,,,maybe,",  # row 7: two bad fields
    "مریم,,+44 20 7946 0958,,,,,,",  # row 8: good, a foreign mobile
])


@pytest.fixture
def world(crm_db: Database) -> Iterator[World]:
    yield from open_world(crm_db)


def test_csv_with_persian_headers_and_bad_rows(world: World):
    rows = list(read_rows(("\ufeff" + CSV_FA).encode(), "customers.csv"))
    assert [n for n, _ in rows] == [2, 3, 4, 6, 7, 8]
    assert rows[0][1]["kind"] == "person" and "ستون ناشناخته" not in rows[0][1]
    progress: list[int] = []
    report = import_customers(world.ctx(), rows, progress.append)
    world.session.commit()
    assert (report.rows, report.created, sum(progress)) == (6, 3, 6)
    assert [(p.row, sorted(p.errors)) for p in report.rejected] == [(4, ["mobile"]), (7, ["email", "status"])]
    assert [(p.row, p.duplicate_ids) for p in report.skipped] == [(6, [report.created_ids[0]])]
    found, total = search_customers(world.session, q="علی کریمی")
    assert total == 1 and found[0].mobile == "+989121234567" and found[0].email == "ali@example.com"
    assert found[0].region == "تهران"
    company = search_customers(world.session, q="پارس")[0][0]
    assert (company.kind, company.phone) == ("company", "+982188776655")
    assert len(world.entries("crm.customer.created")) == 3  # only what was created is journaled


def test_duplicates_created_when_asked(world: World):
    rows = list(read_rows(CSV_FA.encode(), "c.csv"))
    report = import_customers(world.ctx(), rows, on_duplicate="create")
    assert report.created == 4 and report.skipped == []
    with pytest.raises(InvalidRecord):
        import_customers(world.ctx(), rows, on_duplicate="merge")


def test_a_batch_finds_the_duplicates_a_row_by_row_import_finds(world: World):
    """One batch: stored look-alikes found by number, e-mail, name and own name before ``|`` (at most 20,
    the oldest first), and rows created earlier in the same batch found by the later rows."""
    nimas = [world.customer("Nima", mobile=f"0912000{i:04d}").id for i in range(25)]
    sara = world.customer("سارا", company_name="پارس").id  # name_key "سارا|پارس"
    mailed = world.customer("Mehr", email="mehr@x.example").id
    rows = [(2, {"person_name": "nima"}), (3, {"person_name": "سارا", "mobile": "09351112233"}),
            (4, {"person_name": "Someone", "email": "MEHR@x.example"}),
            (5, {"person_name": "Kian", "mobile": "09127770000"}),  # created
            (6, {"person_name": "Other", "phone": "0912 777 0000"}),  # Kian's mobile as a telephone
            (7, {"person_name": "KIAN"}), (8, {"person_name": "Bad", "mobile": "123"}),
            (9, {"person_name": "Dara", "company_name": "Kian", "kind": "company"}),  # own name Kian
            (10, {"person_name": "Zed", "email": "zed@x.example"}),
            (11, {"person_name": "Yas", "email": "Zed@X.example"}),
            (12, {"person_name": "Kia"})]  # "kia" is no prefix match of "kian": created
    report = import_customers(world.ctx(), rows)
    world.session.commit()
    kian, zed, kia = report.created_ids
    assert [(p.row, p.duplicate_ids) for p in report.skipped] == [
        (2, nimas[:20]), (3, [sara]), (4, [mailed]), (6, [kian]), (7, [kian]), (9, [kian]), (11, [zed])]
    assert [p.row for p in report.rejected] == [8] and report.rows == 11
    created = world.entries("crm.customer.created")[-3:]
    assert [(e["id"], e["fields"]["person_name"]) for e in created] == [(kian, "Kian"), (zed, "Zed"), (kia, "Kia")]
    codes = {e["fields"]["referral_code"] for e in world.entries("crm.customer.created")}
    assert len(codes) == 25 + 2 + 3 and all(len(c) == 8 for c in codes)
    again = import_customers(world.ctx(), rows, on_duplicate="create")
    assert (again.created, again.skipped, [p.row for p in again.rejected]) == (10, [], [8])


def test_semicolons_and_windows_arabic_encoding(world: World):
    content = "Name;Mobile;Interests\nعلي;09121234567;ERP، CRM\n".encode("cp1256")  # Arabic yeh: cp1256 has no other
    (row,) = list(read_rows(content, "legacy.CSV"))
    assert row == (2, {"person_name": "علي", "mobile": "09121234567", "interests": "ERP، CRM"})
    report = import_customers(world.ctx(), [row])
    assert report.created == 1
    (ali,) = search_customers(world.session, q="علی")[0]
    assert (ali.person_name, ali.interests) == ("علی", ["ERP", "CRM"])


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_numbers_for_phones(world: World):
    content = _xlsx([
        ["Company", "Person", "Mobile", "E-mail", "Segment"],
        ["Pars Co", "Sara Ahmadi", 9121234567, "sara@pars.example", "VIP"],  # row 2: the mobile as a number
        [None, None, None, None, None],  # row 3: blank
        [None, "Bad Mail", 9351234567.0, "nope@", None],  # row 4: bad e-mail
        [None, "Reza", "۰۹۱۹ ۸۸۸ ۷۷۶۶", None, None],  # row 5: good
    ])
    rows = list(read_rows(content, "customers.xlsx"))
    assert [n for n, _ in rows] == [2, 4, 5] and rows[0][1]["mobile"] == "9121234567"
    report = import_customers(world.ctx(), rows)
    assert report.created == 2 and [(p.row, list(p.errors)) for p in report.rejected] == [(4, ["email"])]
    sara = search_customers(world.session, q="sara")[0][0]
    assert (sara.mobile, sara.person_name, sara.company_name, sara.segment) == (
        "+989121234567", "Sara Ahmadi", "Pars Co", "VIP")


@pytest.mark.parametrize(("content", "name"), [
    (b"colour,size\nred,big\n", "x.csv"),  # no known column
    (b"not a zip", "x.xlsx"),  # not a workbook
    (b"name\nx\n", "x.pdf"),  # not a kind we read
    (b"", "x.csv"),
])
def test_unreadable_files_refused(content, name):
    with pytest.raises(InvalidRecord) as refused:
        list(read_rows(content, name))
    assert list(refused.value.field_errors) == ["file"]


def test_export_round_trip(world: World):
    ali = world.customer("علی کریمی", mobile="09121234567", phone="+44 20 7946 0958", interests=["ERP", "CRM"],
                         region="تهران", segment="=cmd|' /C calc'!A0")
    pars = world.customer(kind="company", company_name="شرکت پارس", person_name="رضا", email="info@pars.example",
                          locale="en")
    text = "".join(export_customers_csv(world.session))
    assert text.startswith("\ufeff" + ",".join(EXPORT_COLUMNS))
    assert "'+989121234567" in text and "'=cmd" in text  # formula-like cells are guarded
    rows = list(read_rows(text.encode(), "export.csv"))
    assert [n for n, _ in rows] == [2, 3]
    assert rows[0][1]["mobile"] == "+989121234567" and rows[0][1]["segment"] == "=cmd|' /C calc'!A0"
    assert rows[0][1]["interests"] == "ERP, CRM" and rows[1][1]["company_name"] == "شرکت پارس"
    again = import_customers(world.ctx(), rows)
    assert again.created == 0 and [p.duplicate_ids for p in again.skipped] == [[ali.id], [pars.id]]
    report = import_customers(world.ctx(), rows, on_duplicate="create")
    world.session.commit()
    for original, copy_id in zip((ali, pars), report.created_ids):
        copy = world.session.get(type(original), copy_id)
        for column in ("kind", "person_name", "company_name", "mobile", "phone", "email", "interests", "region",
                       "status", "segment", "locale", "name_key"):
            assert getattr(copy, column) == getattr(original, column), column
    only = "".join(export_customers_csv(world.session, q="پارس"))
    assert only.count("\n") == 3  # the header and the two companies named پارس


# -- limits: every attack below is refused while reading, before openpyxl builds anything --------------------

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _with_member(workbook: bytes, member: str, write: Callable[[BinaryIO], None]) -> bytes:
    """The workbook with one member replaced by what ``write`` streams into it (deflated, as Excel does)."""
    source, target = zipfile.ZipFile(io.BytesIO(workbook)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in source.infolist():
            if info.filename != member:
                out.writestr(info.filename, source.read(info.filename))
        with out.open(member, "w") as sink:
            write(sink)
    return target.getvalue()


def _sheet(rows: Iterator[bytes], head: bytes = b"") -> Callable[[BinaryIO], None]:
    def write(sink: BinaryIO) -> None:
        sink.write(f'<?xml version="1.0"?>{head.decode()}<worksheet xmlns="{SHEET_NS}"><sheetData>'.encode())
        sink.write(b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>')
        for chunk in rows:
            sink.write(chunk)
        sink.write(b"</sheetData></worksheet>")
    return write


def test_a_zip_bomb_is_refused_from_the_zip_directory():
    """1 MB that unpacks to 400 MB of sheet XML (the review's attack, which took a worker to 1 GB)."""
    row = b'<row><c t="inlineStr"><is><t>Ali</t></is></c></row>' * 20_000
    bomb = _with_member(_xlsx([["name"], ["x"]]), "xl/worksheets/sheet1.xml", _sheet(itertools.repeat(row, 400)))
    assert len(bomb) < 2 * 1024 * 1024
    for read in (lambda: list(read_rows(bomb, "bomb.xlsx")), lambda: check_upload(bomb, "bomb.xlsx")):
        with pytest.raises(InvalidRecord) as refused:
            read()
        assert "xl/worksheets/sheet1.xml unpacks" in refused.value.message and "times its size" in refused.value.message
    # under the ratio limit, the unpacked total is the limit
    plain = _xlsx([["name"], *([f"customer {i}"] for i in range(3000))])
    with pytest.raises(InvalidRecord, match="unpacks to more than 10000 bytes"):
        check_upload(plain, "plain.xlsx", Limits(max_unzipped_bytes=10_000))


def test_a_workbook_over_the_row_limit_is_refused_by_the_scan():
    """Every sheet counts (openpyxl reads each one when it opens a workbook), the hidden ones too."""
    limits = Limits(max_rows=100)
    rows = (f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>n{i}</t></is></c></row>'.encode() for i in range(2, 103))
    many = _with_member(_xlsx([["name"], ["x"]]), "xl/worksheets/sheet1.xml", _sheet(rows))
    check_upload(many, "many.xlsx", limits)  # the directory alone says nothing of rows
    with pytest.raises(InvalidRecord, match="more than 100 rows"):
        list(read_rows(many, "many.xlsx", limits))
    book = Workbook()
    book.active.append(["name"])
    hidden = book.create_sheet("hidden")
    for i in range(150):
        hidden.append([i])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(InvalidRecord, match="more than 100 rows"):
        list(read_rows(buffer.getvalue(), "hidden.xlsx", limits))
    assert len(list(read_rows(_xlsx([["name"], *([f"n{i}"] for i in range(100))]), "ok.xlsx", limits))) == 100


def test_a_csv_over_the_row_limit_is_refused_while_streaming():
    limits = Limits(max_rows=100)
    ok = "name\n" + "".join(f"n{i}\n" for i in range(100))
    assert count_rows(ok.encode(), "ok.csv", limits) == 100
    with pytest.raises(InvalidRecord, match="more than 100 rows"):
        count_rows((ok + "one more\n").encode(), "big.csv", limits)
    with pytest.raises(InvalidRecord, match="more than 100 rows"):  # blank lines are rows read too
        count_rows(("name\nx\n" + "\n" * 200).encode(), "blank.csv", limits)
    with pytest.raises(InvalidRecord, match="has 395 bytes; an import may hold at most 50"):
        count_rows(ok.encode(), "ok.csv", Limits(max_bytes=50))
    with pytest.raises(InvalidRecord, match="a line is longer than"):
        count_rows(("name\n" + "x" * 200_000 + "\n").encode(), "long.csv")


@pytest.mark.parametrize("attack", ["wide_row", "doctype", "members", "styles"])
def test_workbooks_built_to_exhaust_openpyxl_are_refused(attack: str):
    base = _xlsx([["name"], ["x"]])
    if attack == "wide_row":  # one row of 20,000 cells: openpyxl would build them all at once
        cells = (b'<row r="2">' + b"<c><v>1</v></c>" * 20_000 + b"</row>",)
        content, reason = _with_member(base, "xl/worksheets/sheet1.xml", _sheet(iter(cells))), "past column 16384"
    elif attack == "doctype":  # entity expansion ("billion laughs") in a part
        head = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        content, reason = _with_member(base, "xl/worksheets/sheet1.xml", _sheet(iter(()), head)), "DTD or entities"
    elif attack == "members":  # thousands of empty members: zipfile would build an entry for each first
        target = io.BytesIO()
        with zipfile.ZipFile(target, "w") as out:
            for i in range(3000):
                out.writestr(f"junk/{i}.xml", b"")
        content, reason = target.getvalue(), "its zip holds 3000 members"
    else:  # a 10 MB styles part, read whole by openpyxl
        styles = b"<styleSheet xmlns='" + SHEET_NS.encode() + b"'>" + b"<numFmts/>" * 1_000_000 + b"</styleSheet>"
        content, reason = _with_member(base, "xl/styles.xml", lambda sink: sink.write(styles)), "xl/styles.xml has"
    with pytest.raises(InvalidRecord) as refused:  # no ratio limit: each check is seen on its own
        list(read_rows(content, "attack.xlsx", Limits(max_zip_ratio=10**6)))
    assert reason in refused.value.message
