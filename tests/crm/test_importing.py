"""Import customers from CSV and Excel (headers in English or Persian, a mix of good and bad rows),
and export them to CSV and read the export back."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from openpyxl import Workbook

from crm.customers import search_customers
from crm.errors import InvalidRecord
from crm.importing import EXPORT_COLUMNS, export_customers_csv, import_customers, read_rows
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
