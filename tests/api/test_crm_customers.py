"""The customer routes over HTTP on both databases: roles, duplicates as a warning, search across
spellings, the journal's who and before/after, the 360 view with tasks and instances, import and
export, purchases, loyalty and the ranking run."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from engine.store.models import JournalEntry
from tests.api.conftest import Api
from tests.engine import bpmn

V1 = "/api/v1/customers"
PROBLEM = "application/problem+json"
ROLES = ("auditor", "designer", "employee", "admin")


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, (answer.status_code, answer.get_data(as_text=True)[:800])
    return answer.get_json()


def problem(answer: Any, status: int) -> dict:
    assert answer.status_code == status, (answer.status_code, answer.get_data(as_text=True)[:800])
    assert answer.content_type == PROBLEM
    return answer.get_json()


def journal(api: Api, kind: str) -> list[JournalEntry]:
    with api.app.extensions["ravand"].sessions() as session:
        return list(session.scalars(select(JournalEntry).where(JournalEntry.kind == kind).order_by(JournalEntry.seq)))


def create(api: Api, who: str = "employee", **data: Any) -> dict:
    return ok(api.call("POST", V1, who, json=data), 201)


def upload(api: Api, content: bytes, name: str, who: str = "employee", query: str = "") -> Any:
    return api.call("POST", f"{V1}/import{query}", who, data={"file": (io.BytesIO(content), name)},
                    content_type="multipart/form-data")


def imported(api: Api, content: bytes, name: str, who: str = "employee", query: str = "") -> dict:
    """Queue the import (202 with the job's address), follow the job until it ends, and give its counts
    with every skipped and rejected row."""
    answer = upload(api, content, name, who, query)
    job = ok(answer, 202)
    assert answer.headers["Location"] == f"{V1}/imports/{job['id']}" == job["links"]["self"]
    for _ in range(600):
        job = ok(api.call("GET", answer.headers["Location"], who))
        if job["state"] in ("done", "failed"):
            break
        time.sleep(0.05)
    for outcome in ("rejected", "skipped"):
        job[f"{outcome}_rows"] = ok(api.call("GET", f"{V1}/imports/{job['id']}/rows?outcome={outcome}", who))["items"]
    return job


def test_roles(api: Api):
    customer = create(api, person_name="Role Test")["customer"]
    cid = customer["id"]
    reads = [f"{V1}", f"{V1}/{cid}", f"{V1}/{cid}/contacts", f"{V1}/{cid}/360", f"{V1}/export",
             f"{V1}/{cid}/purchases", f"{V1}/{cid}/loyalty"]
    for path in reads:
        for role in ROLES:
            assert api.call("GET", path, role).status_code == 200, (path, role)
        assert api.call("GET", path, None).status_code == 401
    writes = [("POST", V1, {"person_name": "New"}, 201), ("PATCH", f"{V1}/{cid}", {"segment": "VIP"}, 200),
              ("POST", f"{V1}/{cid}/contacts", {"name": "Maryam"}, 201),
              ("POST", f"{V1}/{cid}/purchases", {"amount": 1000}, 201)]
    for method, path, body, status in writes:
        for role in ROLES:
            expected = status if role in ("employee", "admin") else 403
            answer = api.call(method, path, role, json=body)
            assert answer.status_code == expected, (method, path, role, answer.get_json())
    for role in ("auditor", "designer"):
        problem(upload(api, b"name\nx\n", "a.csv", role), 403)
    for role, status in (("auditor", 403), ("designer", 403), ("employee", 403), ("admin", 200)):
        assert api.call("POST", f"{V1}/ranking/run", role, json={}).status_code == status


def test_create_duplicates_and_journal(api: Api):
    first = create(api, person_name="علی کریمی", mobile="۰۹۱۲ ۱۲۳ ۴۵۶۷", email="Ali@Example.com")
    assert first["duplicates"] == []
    customer = first["customer"]
    assert (customer["person_name"], customer["mobile"], customer["status"], customer["locale"]) == (
        "علی کریمی", "+989121234567", "potential", "fa")
    second = create(api, "admin", person_name="علي كريمي")  # Arabic letters: the same name
    assert [d["id"] for d in second["duplicates"]] == [customer["id"]]
    (created, _) = journal(api, "crm.customer.created")
    assert created.actor == "alice" and created.data["id"] == customer["id"]
    changed = ok(api.call("PATCH", f"{V1}/{customer['id']}", "employee2",
                          json={"mobile": "0935-123-4567", "segment": "VIP"}))
    assert changed["mobile"] == "+989351234567" and changed["updated_by"] == "bob"
    (entry,) = journal(api, "crm.customer.changed")
    assert entry.actor == "bob"
    assert entry.data["changes"]["mobile"] == ["+989121234567", "+989351234567"]
    assert entry.data["changes"]["segment"] == [None, "VIP"]


def test_bad_input_is_a_problem(api: Api):
    body = problem(api.call("POST", V1, "employee", json={"person_name": "x", "mobile": "12", "email": "no"}), 422)
    assert set(body["errors"]) == {"mobile", "email"}
    body = problem(api.call("POST", V1, "employee", json={"kind": "company", "person_name": "x"}), 422)
    assert list(body["errors"]) == ["company_name"]
    problem(api.call("POST", V1, "employee", json={"person_name": "x", "colour": "red"}), 422)
    problem(api.call("GET", f"{V1}/999999", "employee"), 404)
    problem(api.call("GET", f"{V1}/99999999999999999999/360", "employee"), 404)
    problem(api.call("PATCH", f"{V1}/999999", "employee", json={"segment": "x"}), 404)
    problem(api.call("GET", f"{V1}?tier=diamond", "employee"), 422)
    cid = create(api, person_name="Sara")["customer"]["id"]
    problem(api.call("POST", f"{V1}/{cid}/purchases", "employee", json={"amount": "-5"}), 422)
    problem(api.call("POST", f"{V1}/{cid}/purchases", "employee", json={"amount": 5, "channel": "fax"}), 422)
    problem(api.call("POST", f"{V1}/ranking/run", "admin", json={"weights": {"speed": 1}}), 422)


def test_search_and_pages(api: Api):
    ali = create(api, person_name="علی کریمی", mobile="09121234567", region="تهران")["customer"]
    create(api, kind="company", company_name="شرکت پارس", region="تهران")
    create(api, person_name="Sara Ahmadi", email="sara@example.com")
    found = ok(api.call("GET", f"{V1}?q=علي كريمي", "auditor"))
    assert found["total"] == 1 and found["items"][0]["id"] == ali["id"]
    assert ok(api.call("GET", f"{V1}?q=۰۹۱۲۱۲۳", "designer"))["items"][0]["id"] == ali["id"]
    assert ok(api.call("GET", f"{V1}?q=sara@", "employee"))["total"] == 1
    page = ok(api.call("GET", f"{V1}?region=تهران&limit=1", "employee"))
    assert page["total"] == 2 and len(page["items"]) == 1 and page["limit"] == 1


def test_contacts(api: Api):
    cid = create(api, kind="company", company_name="Pars Co")["customer"]["id"]
    contact = ok(api.call("POST", f"{V1}/{cid}/contacts", "employee", json={"name": "مريم", "mobile": "09120001122"}),
                 201)
    assert (contact["name"], contact["mobile"]) == ("مریم", "+989120001122")
    assert [c["id"] for c in ok(api.call("GET", f"{V1}/{cid}/contacts", "auditor"))] == [contact["id"]]
    problem(api.call("POST", f"{V1}/{cid}/contacts", "employee", json={"name": "x", "email": "nope"}), 422)
    assert journal(api, "crm.contact.created")[0].actor == "alice"


def test_360_with_tasks_and_instances(api: Api):
    cid = create(api, person_name="Reza")["customer"]["id"]
    other = create(api, person_name="Someone else")["customer"]["id"]
    ok(api.deploy(bpmn.approval_files()), 201)
    start = "/api/v1/process-definitions/key/approval/start"
    by_key = ok(api.call("POST", start, "employee", json={"business_key": f"customer-{cid}"}), 201)
    by_variable = ok(api.call("POST", start, "employee", json={"variables": {"customer_id": cid}}), 201)
    ok(api.call("POST", start, "employee", json={"variables": {"customer_id": other}}), 201)
    ok(api.call("POST", f"{V1}/{cid}/purchases", "employee", json={"amount": "۱٬۰۰۰٬۰۰۰"}), 201)
    view = ok(api.call("GET", f"{V1}/{cid}/360", "auditor"))
    assert view["customer"]["status"] == "actual" and view["purchases"]["total"] == 1_000_000
    assert {i["id"] for i in view["instances"]} == {by_key["id"], by_variable["id"]}
    assert {t["process_instance_id"] for t in view["open_tasks"]} == {by_key["id"], by_variable["id"]}
    assert view["loyalty"]["tier"] == "bronze" and view["contacts"] == []


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_import_export(api: Api):
    create(api, person_name="علی کریمی", mobile="09121234567")
    csv_text = "نام,موبایل,ایمیل\nعلي كريمي,,\nسارا,12345,\nرضا,09351234567,reza@example.com\n"
    job = imported(api, csv_text.encode(), "people.csv")
    assert (job["state"], job["rows_read"], job["imported"]) == ("done", 3, 1)
    assert [(r["row"], list(r["errors"])) for r in job["rejected_rows"]] == [(3, ["mobile"])]
    assert [r["row"] for r in job["skipped_rows"]] == [2]
    xlsx = _xlsx([["Company", "Phone"], ["Pars Co", 2188776655], ["", "not a phone"]])
    job = imported(api, xlsx, "companies.xlsx", "admin")
    assert job["imported"] == 1 and job["rejected_rows"][0]["row"] == 3
    assert imported(api, csv_text.encode(), "people.csv", query="?on_duplicate=create")["imported"] == 2
    problem(upload(api, b"colour\nred\n", "x.csv"), 422)
    problem(upload(api, b"PK\x03\x04 broken", "x.xlsx"), 422)
    problem(api.call("POST", f"{V1}/import", "employee", data={}, content_type="multipart/form-data"), 400)
    exported = api.call("GET", f"{V1}/export", "auditor")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    text = exported.get_data(as_text=True)
    assert text.startswith("\ufeff") and text.count("\n") == 6  # the header and five customers
    again = imported(api, text.encode(), "customers.csv")
    assert again["imported"] == 0 and again["skipped"] == 5  # every exported customer is recognised
    only = api.call("GET", f"{V1}/export?q=pars", "employee").get_data(as_text=True)
    assert only.count("\n") == 2


def test_purchases_loyalty_and_ranking(api: Api):
    cid = create(api, person_name="Big Buyer")["customer"]["id"]
    idle = create(api, person_name="Idle")["customer"]["id"]
    for amount in ("۵۰٬۰۰۰٬۰۰۰ تومان", 600_000_000, "600,000,000"):
        ok(api.call("POST", f"{V1}/{cid}/purchases", "employee",
                    json={"amount": amount, "channel": "online", "purchased_at": "2025-01-01T10:00:00Z"}), 201)
    assert len(ok(api.call("GET", f"{V1}/{cid}/purchases?limit=2", "auditor"))) == 2
    every = ok(api.call("GET", f"{V1}/{cid}/purchases", "auditor"))
    assert sorted(p["amount"] for p in every) == [500_000_000, 600_000_000, 600_000_000]
    assert ok(api.call("GET", f"{V1}/{cid}", "auditor"))["status"] == "actual"
    strict = {"silver": 90, "gold": 95, "platinum": 99}
    ran = ok(api.call("POST", f"{V1}/ranking/run", "admin", json={"thresholds": strict}))
    assert ran["ranked"] == 2 and ran["accounts_created"] == 2 and ran["tiers"]["bronze"] == 2
    assert ran["changes"] == [] and ran["weights"]["amount"] == 0.4
    before = ok(api.call("GET", f"{V1}/{cid}/loyalty", "designer"))
    assert before["tier"] == "bronze" and before["score"] > 50 and before["lifetime_value"] > 0
    assert before["ledger"] == [] and before["points"] == 0
    ran = ok(api.call("POST", f"{V1}/ranking/run", "admin", json={"thresholds": {"silver": 1, "gold": 2,
                                                                                  "platinum": 3}}))
    assert [(c["customer_id"], c["before"], c["after"]) for c in ran["changes"]] == [(cid, "bronze", "platinum")]
    assert ok(api.call("GET", f"{V1}/{cid}/loyalty", "auditor"))["tier"] == "platinum"
    assert ok(api.call("GET", f"{V1}/{idle}/loyalty", "auditor"))["tier"] == "bronze"
    runs = journal(api, "crm.ranking.completed")
    assert len(runs) == 2 and runs[-1].actor == "root" and runs[-1].data["thresholds"]["platinum"] == 3
    tier_changes = [e for e in journal(api, "crm.loyalty_account.changed") if e.data["id"] == cid]
    assert tier_changes[-1].data["changes"]["tier"][1] == "platinum"
    assert journal(api, "crm.purchase.created")[0].actor == "alice"


@pytest.mark.parametrize("path", [f"{V1}/1/loyalty", f"{V1}/1/purchases", f"{V1}/1/360", f"{V1}/1/contacts"])
def test_unknown_customer_is_404(api: Api, path: str):
    problem(api.call("GET", path, "employee"), 404)


def test_the_cli_imports_and_exports(tmp_path):
    from click.testing import CliRunner

    from api.cli import main

    config = tmp_path / "ravand.toml"
    config.write_text(f'[ravand]\ndatabase_url = "sqlite:///{tmp_path}/ravand.sqlite"\nscript_isolation = false\n'
                      'scheduler_enabled = false\n')
    sheet = tmp_path / "people.csv"
    sheet.write_text("نام,موبایل\nعلي كريمي,09121234567\nسارا,12345\nعلی کریمی,\n", encoding="utf-8")
    runner = CliRunner()
    run = runner.invoke(main, ["--config", str(config), "customers", "import", str(sheet)], obj={}, env={})
    assert run.exit_code == 0, run.output
    assert "3 row(s): 1 created, 1 skipped as duplicates, 1 rejected" in run.output
    assert "row 3: rejected, mobile:" in run.output and "row 4: skipped" in run.output
    out = tmp_path / "out.csv"
    exported = runner.invoke(main, ["--config", str(config), "customers", "export", "--out", str(out)], obj={}, env={})
    assert exported.exit_code == 0, exported.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("\ufeffid,") and "علی کریمی" in text and "'+989121234567" in text
    printed = runner.invoke(main, ["--config", str(config), "customers", "export", "--status", "potential"], obj={},
                            env={})
    assert printed.exit_code == 0 and "علی کریمی" in printed.output
    again = runner.invoke(main, ["--config", str(config), "customers", "import", str(out), "--on-duplicate",
                                 "create", "--actor", "migration"], obj={}, env={})
    assert "1 row(s): 1 created" in again.output
    bad = tmp_path / "bad.txt.pdf"
    bad.write_bytes(b"%PDF")
    refused = runner.invoke(main, ["--config", str(config), "customers", "import", str(bad)], obj={}, env={})
    assert refused.exit_code == 1 and "send a .csv or .xlsx file" in refused.output
