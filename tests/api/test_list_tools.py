"""The record lists' tools over HTTP, on SQLite and PostgreSQL: sorting (both ways, ties by id, an unknown field
refused in both languages), saved filters (create, rename, delete, unique names, each person's own, an
administrator's shared ones, the built-in ones a new user has) and exports (CSV and Excel of every row the
list would page through, with its filters, search and sort; Persian headers, Jalali days, numbers)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

from openpyxl import load_workbook
from sqlalchemy import insert

from crm.models import Complaint, Lead
from crm.sorting import SORTABLE
from tests.api.conftest import Api

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def _leads(api: Api, count: int, **fixed: object) -> None:
    """``count`` leads written straight to the database (the export reads what the list reads)."""
    rows = [{"person_name": f"سرنخ {i:05d}", "name_key": f"سرنخ {i:05d}", "source": "web_form" if i % 3 else "phone",
             "estimated_revenue": 1_000_000 * (i % 7), "budget_confirmed": False, "authority": False,
             "status": "new" if i % 2 else "qualifying", "score": i % 10, "mobile": f"+98912{i:07d}",
             "created_at": START + timedelta(minutes=i), "updated_at": START, **fixed} for i in range(count)]
    with api.app.extensions["ravand"].sessions() as session:
        session.execute(insert(Lead), rows)
        session.commit()


def _complaints(api: Api, rows: list[dict]) -> None:
    base = {"category": "product", "severity": "low", "channel": "phone", "description": "—", "tier": 1,
            "breaches": 0, "status": "received", "created_at": START, "updated_at": START, "reopened": 0}
    with api.app.extensions["ravand"].sessions() as session:
        session.execute(insert(Complaint), [{**base, "tracking_code": f"RC-T{i:04d}", **row}
                                            for i, row in enumerate(rows)])
        session.commit()


def test_sorting_both_ways_ties_by_id_and_unknown_fields_refused(api: Api):
    severities = ["high", "low", "high", "medium"]
    _complaints(api, [{"severity": s, "contact_name": f"c{i}"} for i, s in enumerate(severities)])
    asc = api.call("GET", "/api/v1/complaints?sort=severity", "employee").get_json()["items"]
    assert [(c["severity"], c["contact_name"]) for c in asc] == [("low", "c1"), ("medium", "c3"), ("high", "c0"),
                                                                 ("high", "c2")]  # by rank, ties by id
    desc = api.call("GET", "/api/v1/complaints?sort=-severity", "employee").get_json()["items"]
    assert [(c["severity"], c["contact_name"]) for c in desc] == [("high", "c2"), ("high", "c0"), ("medium", "c3"),
                                                                  ("low", "c1")]
    assert [c["contact_name"] for c in api.call("GET", "/api/v1/complaints", "employee").get_json()["items"]] \
        == ["c3", "c2", "c1", "c0"]  # newest first without a sort
    for path in ("complaints", "leads", "customers", "opportunities"):
        bad = api.call("GET", f"/api/v1/{path}?sort=-password", "employee")
        assert bad.status_code == 422, (path, bad.get_json())
        message = bad.get_json()["errors"]["sort"][0]
        assert "cannot sort by '-password'" in message and "مرتب‌سازی" in message
        assert api.call("GET", f"/api/v1/{path}?sort=-{sorted(SORTABLE[path])[0]}", "employee").status_code == 200
    paged = [api.call("GET", f"/api/v1/complaints?sort=severity&limit=1&offset={n}", "employee").get_json()
             ["items"][0]["contact_name"] for n in range(4)]
    assert paged == ["c1", "c3", "c0", "c2"]  # paging through equal values neither repeats nor skips


def test_saved_filters_are_each_persons_own_unless_an_administrator_shares_one(api: Api):
    def mine(who: str, list_name: str = "complaints") -> list[dict]:
        answer = api.call("GET", f"/api/v1/saved-filters?list={list_name}", who)
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()["items"]

    built = [f for f in mine("employee") if f["builtin"]]
    assert [f["id"] for f in built] == ["builtin:my_open_complaints", "builtin:open_complaints"]
    assert parse_qs(built[0]["query"]) == {"status": ["open"], "assignee": ["alice"], "sort": ["sla_due"]}
    assert parse_qs(mine("employee2")[0]["query"])["assignee"] == ["bob"]  # computed for each person
    web = next(f for f in mine("employee", "leads") if f["id"] == "builtin:web_leads_this_week")
    since = datetime.fromisoformat(parse_qs(web["query"])["created_from"][0].replace("Z", "+00:00"))
    assert timedelta(0) <= datetime.now(UTC) - since < timedelta(days=7)
    assert web["names"] == {"fa": "سرنخ‌های وب در این هفته", "en": "Leads from the web this week"}

    made = api.call("POST", "/api/v1/saved-filters", "employee",
                    json={"list": "complaints", "name": "  بحرانی‌های من ", "query": "?severity=critical&offset=50"})
    assert made.status_code == 201, made.get_json()
    saved = made.get_json()
    assert (saved["name"], saved["query"], saved["mine"], saved["shared"]) == \
        ("بحرانی‌های من", "severity=critical", True, False)
    again = api.call("POST", "/api/v1/saved-filters", "employee",
                     json={"list": "complaints", "name": "بحرانی‌های من", "query": ""})
    assert again.status_code == 422 and "فیلتری با همین نام" in again.get_json()["errors"]["name"][0]
    assert api.call("POST", "/api/v1/saved-filters", "employee2",  # another person may use the same name
                    json={"list": "complaints", "name": "بحرانی‌های من"}).status_code == 201
    for body, field in (({"list": "nonsense", "name": "x"}, "list"), ({"list": "leads", "name": ""}, "name"),
                        ({"list": "leads", "name": "x", "query": "a" * 2001}, "query"),
                        ({"list": "leads", "name": "x", "shared": True}, "shared")):
        refused = api.call("POST", "/api/v1/saved-filters", "employee", json=body)
        assert refused.status_code == 422 and field in refused.get_json()["errors"], (body, refused.get_json())

    assert [f["name"] for f in mine("employee") if not f["builtin"]] == ["بحرانی‌های من"]
    assert [f["owner"] for f in mine("employee2") if not f["builtin"]] == ["bob"]
    path = f"/api/v1/saved-filters/{saved['id']}"
    assert api.call("PATCH", path, "employee2", json={"name": "mine now"}).status_code == 404
    assert api.call("DELETE", path, "employee2").status_code == 404
    renamed = api.call("PATCH", path, "employee", json={"name": "Critical ones"})
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Critical ones"

    shared = api.call("POST", "/api/v1/saved-filters", "admin",
                      json={"list": "complaints", "name": "Tier 3", "query": "tier=3", "shared": True}).get_json()
    seen = [f for f in mine("employee2") if not f["builtin"]]
    assert {(f["name"], f["mine"]) for f in seen} == {("بحرانی‌های من", True), ("Tier 3", False)}
    assert api.call("DELETE", f"/api/v1/saved-filters/{shared['id']}", "employee2").status_code == 403
    assert api.call("DELETE", path, "employee").status_code == 204
    assert [f["name"] for f in mine("employee") if not f["builtin"]] == ["Tier 3"]
    journal = api.call("GET", "/api/v1/journal?limit=500", "auditor").get_json()
    kinds = [e.get("kind") or e.get("type") for e in journal.get("items", journal)]
    assert {"crm.saved_filter.created", "crm.saved_filter.changed", "crm.saved_filter.deleted"} <= set(kinds)


def test_an_export_holds_every_row_in_the_lists_order_with_its_filters(api: Api):
    _leads(api, 3000)
    listed = api.call("GET", "/api/v1/leads?source=web_form&sort=score&limit=5", "employee").get_json()
    assert listed["total"] == 2000

    answer = api.call("GET", "/api/v1/exports/leads?format=csv&lang=en&source=web_form&sort=score", "employee")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="leads-20')
    text = answer.get_data().decode("utf-8")
    assert text.startswith("\ufeffName,Mobile,Source")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 2001  # the header and every row: no cap
    assert [r[0] for r in rows[1:6]] == [item["person_name"] for item in listed["items"]]
    assert rows[1][2] == "Website form" and rows[1][-1].startswith("2026-12-01")

    whole = api.call("GET", "/api/v1/exports/leads?format=xlsx&lang=fa", "employee")
    assert whole.status_code == 200 and whole.mimetype.endswith("spreadsheetml.sheet")
    assert whole.headers["Content-Disposition"].startswith('attachment; filename="leads-1405-')
    book = load_workbook(io.BytesIO(whole.get_data()))
    sheet = book.active
    assert sheet.sheet_view.rightToLeft
    table = list(sheet.iter_rows(values_only=True))
    assert len(table) == 3001 and table[0][:3] == ("نام", "همراه", "منبع")
    assert table[1][0] == "سرنخ 02999" and table[1][2] == "فرم وب‌سایت"  # newest first, the list's label
    assert table[1][5] == 9 and table[1][6] is None  # a score is a number, nothing is empty
    assert table[-1][-1] == "1405-09-10"  # 1 December 2026, Jalali

    searched = api.call("GET", "/api/v1/exports/leads?q=02998&lang=en", "employee").get_data().decode()
    assert searched.count("\r\n") == 2 and "02998" in searched
    bad = api.call("GET", "/api/v1/exports/leads?sort=secret", "employee")
    assert bad.status_code == 422 and "sort" in bad.get_json()["errors"]
    assert api.call("GET", "/api/v1/exports/leads?format=pdf", "employee").status_code == 422
    assert api.call("GET", "/api/v1/exports/leads", None).status_code == 401


def test_opportunity_exports_keep_amounts_as_numbers(sqlite_api: Api):
    customer = sqlite_api.call("POST", "/api/v1/customers", "employee",
                               json={"company_name": "آریا نرم‌افزار", "kind": "company"}).get_json()["customer"]
    made = sqlite_api.call("POST", "/api/v1/opportunities", "employee", json={
        "customer_id": customer["id"], "title": "تمدید سالانه", "amount": "۱۲٬۵۰۰٬۰۰۰", "expected_close": "1405-12-20"})
    assert made.status_code == 201, made.get_json()
    path = "/api/v1/exports/opportunities?format=xlsx&lang=fa&stage=open"
    book = load_workbook(io.BytesIO(sqlite_api.call("GET", path, "employee").get_data()))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("عنوان", "مشتری") and len(rows) == 2
    assert rows[1][:2] == ("تمدید سالانه", "آریا نرم‌افزار")
    assert rows[1][4] == 12_500_000 and isinstance(rows[1][5], int) and rows[1][6] == "1405-12-20"
    english = sqlite_api.call("GET", "/api/v1/exports/opportunities?lang=en", "employee").get_data().decode()
    assert ",12500000," in english and "2027-03-11" in english


def test_complaint_exports_name_the_complainant_and_keep_formulas_as_text(sqlite_api: Api):
    _complaints(sqlite_api, [{"contact_name": "=HYPERLINK(\"x\")", "status": "closed"},
                             {"contact_name": "مریم", "assignee": "alice", "sla_due": START + timedelta(days=1)}])
    mine = sqlite_api.call("GET", "/api/v1/exports/complaints?status=open&assignee=alice&lang=fa&format=csv",
                           "employee").get_data().decode()
    rows = list(csv.reader(io.StringIO(mine.lstrip("\ufeff"))))
    assert rows[0][0] == "کد پیگیری" and len(rows) == 2
    assert rows[1][1] == "مریم" and rows[1][6] == "دریافت شد" and rows[1][8] == "1405-09-11 11:30"
    every = sqlite_api.call("GET", "/api/v1/exports/complaints?lang=en", "employee").get_data().decode()
    assert "'=HYPERLINK" in every
    book = load_workbook(io.BytesIO(sqlite_api.call("GET", "/api/v1/exports/complaints?format=xlsx&lang=en",
                                                    "employee").get_data()))
    assert book.active["B3"].value == '=HYPERLINK("x")' and book.active["B3"].data_type == "s"


def test_contract_and_referral_exports_follow_their_lists(sqlite_api: Api):
    import processes

    api = sqlite_api
    assert api.deploy(processes.bundle()).status_code == 201
    customer = api.call("POST", "/api/v1/customers", "employee", json={
        "company_name": "پارس کاوه", "kind": "company", "mobile": "09121110051"}).get_json()["customer"]
    made = [api.call("POST", "/api/v1/contracts", "employee", json={
        "customer_id": customer["id"], "title": title, "amount": amount, "discount_percent": 10}).get_json()
        for title, amount in (("پشتیبانی", 100_000_000), ("POS terminals", 900_000_000), ("Cards", 5_000_000))]
    listed = api.call("GET", "/api/v1/contracts?amount_min=50000000&sort=-amount", "employee").get_json()["items"]
    assert [c["id"] for c in listed] == [made[1]["id"], made[0]["id"]]
    text = api.call("GET", "/api/v1/exports/contracts?amount_min=50000000&sort=-amount&lang=fa",
                    "employee").get_data().decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["شماره", "عنوان", "مشتری"] and len(rows) == 3
    assert [int(r[0]) for r in rows[1:]] == [c["id"] for c in listed]
    assert rows[1][2] == "پارس کاوه" and rows[1][3] == "900000000" and rows[1][4] == "10"
    assert rows[1][5] == {"draft": "پیش‌نویس"}.get(listed[0]["status"], rows[1][5])

    code = customer["referral_code"]
    for name, mobile in (("Sara Ahmadi", "09351230001"), ("مینا رضایی", "09351230002")):
        answer = api.call("POST", "/api/v1/referrals", "employee",
                          json={"code": code, "referred_name": name, "referred_mobile": mobile})
        assert answer.status_code == 201, answer.get_json()
    english = api.call("GET", "/api/v1/exports/referrals?sort=referred_name&lang=en&format=xlsx", "employee")
    sheet = load_workbook(io.BytesIO(english.get_data())).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:4] == ("No.", "Referred person", "Contact", "Referred by")
    assert [r[1] for r in table[1:]] == ["Sara Ahmadi", "مینا رضایی"] and table[1][3] == "پارس کاوه"
    assert not sheet.sheet_view.rightToLeft
    assert api.call("GET", "/api/v1/exports/contracts?sort=nonsense", "employee").status_code == 422


def test_purchase_and_loyalty_exports_follow_their_lists(sqlite_api: Api):
    api = sqlite_api
    customer = api.call("POST", "/api/v1/customers", "employee", json={
        "person_name": "علی کریمی", "kind": "person", "mobile": "09121110061"}).get_json()["customer"]
    for amount, when, on_time in ((2_000_000, "2026-11-01T10:00:00", True), (9_000_000, "2026-11-20T10:00:00", False),
                                  (500_000, "2026-11-25T10:00:00", True)):
        answer = api.call("POST", f"/api/v1/customers/{customer['id']}/purchases", "employee", json={
            "amount": amount, "purchased_at": when, "paid_on_time": on_time, "channel": "online"})
        assert answer.status_code == 201, answer.get_json()
    listed = api.call("GET", "/api/v1/purchases?sort=amount_desc&min_amount=1000000", "employee").get_json()
    text = api.call("GET", "/api/v1/exports/purchases?sort=amount_desc&min_amount=1000000&lang=fa",
                    "employee").get_data().decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1 + listed["total"] == 3
    assert [int(r[2]) for r in rows[1:]] == [p["amount"] for p in listed["items"]] == [9_000_000, 2_000_000]
    assert rows[1][:2] == ["1405-08-29", "علی کریمی"] and rows[1][4:6] == ["آنلاین", "با تأخیر"]
    adjusted = api.call("POST", f"/api/v1/customers/{customer['id']}/loyalty/adjustments", "admin",
                        json={"points": 120, "reason": "welcome gift"})
    assert adjusted.status_code in (200, 201), adjusted.get_json()
    assert api.call("GET", "/api/v1/loyalty-accounts", "employee").get_json()["total"] == 1
    accounts = api.call("GET", "/api/v1/exports/loyalty?format=xlsx&lang=en", "employee")
    table = list(load_workbook(io.BytesIO(accounts.get_data())).active.iter_rows(values_only=True))
    assert table[0][:3] == ("Customer", "Tier", "Points") and table[1][0] == "علی کریمی"
    assert table[1][2] == 120 and len(table) == 2
    assert api.call("GET", "/api/v1/exports/purchases?sort=cheapest", "employee").status_code == 422


def test_an_unknown_list_is_not_found(sqlite_api: Api):
    answer = sqlite_api.call("GET", "/api/v1/exports/passwords?format=csv", "employee")
    assert answer.status_code == 404 and "فهرستی" in answer.get_json()["detail"]


def test_customers_and_leads_sort_by_the_name_they_show(sqlite_api: Api):
    for body in ({"kind": "company", "company_name": "ماهان", "person_name": "الف"},
                 {"kind": "person", "person_name": "بهرام"}, {"kind": "person", "person_name": "آرش"}):
        assert sqlite_api.call("POST", "/api/v1/customers", "employee", json=body).status_code == 201
    items = sqlite_api.call("GET", "/api/v1/customers?sort=name", "employee").get_json()["items"]
    assert [c["company_name"] or c["person_name"] for c in items] == ["آرش", "بهرام", "ماهان"]
    items = sqlite_api.call("GET", "/api/v1/customers?sort=-name", "employee").get_json()["items"]
    assert [c["company_name"] or c["person_name"] for c in items] == ["ماهان", "بهرام", "آرش"]
