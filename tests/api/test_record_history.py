"""A record's card and its own history over HTTP: an edit shows up with each field's before and after and who
made it, newest first and paged, with the steps of the record's process; cards of every record type with
their page's address; unknown records are 404 in the reader's language, roles that may not open a type's
pages get 403; the journal's chain is untouched and the index can be rebuilt from it (the migration's
backfill)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import processes
from api.composition import ravand_ctx
from api.identity.service import create_user
from crm import contracts
from crm.models import JournalRecord
from crm.record_history import backfill
from crm.unit import Ctx
from tests.api.conftest import PASSWORD, Api
from tests.api.test_contract_referral_lists import _sign_in, _work
from tests.api.test_crm_records import V1, _records, ok, problem
from tests.api.test_record_access import _organise
from tests.api.test_record_access import _records as _placed_records

TYPES = ("customer", "lead", "opportunity", "complaint", "contract", "referral")


def _persian_reader(api: Api) -> str:
    with api.app.extensions["ravand"].sessions() as session:
        create_user(session, "parisa", PASSWORD, "employee", ["sales"], locale="fa")
        session.commit()
    answer = api.client.post(V1 + "/auth/token", json={"username": "parisa", "password": PASSWORD})
    api.tokens["parisa"] = answer.get_json()["access_token"]
    return "parisa"


def test_an_edit_shows_in_the_history_with_before_after_and_editor_newest_first_and_paged(api: Api):
    ok(api.deploy(processes.files("lead_qualification")), 201)
    lead = ok(api.call("POST", V1 + "/leads", "employee", json={
        "person_name": "نگار کاظمی", "mobile": "09121230001", "source": "web_form", "product": "hardware",
        "budget_confirmed": True}), 201)
    ok(api.call("PATCH", f"{V1}/leads/{lead['id']}", "employee2", json={"source": "phone", "company_name": "آریا"}))
    path = f"{V1}/records/lead/{lead['id']}/history"

    history = ok(api.call("GET", path, "employee"))
    edits = [item for item in history["items"] if item["kind"] == "crm.lead.changed" and item["actor"] == "bob"]
    assert edits, [item["kind"] for item in history["items"]]
    changes = {change["name"]: change for change in edits[0]["changes"]}
    assert changes["source"]["before"] == "web_form" and changes["source"]["after"] == "phone"
    assert changes["source"]["label"] == {"fa": "منبع", "en": "Source"}
    assert changes["source"]["text"]["before"]["fa"] == "فرم وب‌سایت"  # the managed list's words
    assert changes["company_name"]["before"] is None and changes["company_name"]["after"] == "آریا"
    assert edits[0]["title"]["en"] == "changed" and edits[0]["category"] == "record"
    created = [item for item in history["items"] if item["kind"] == "crm.lead.created"]
    assert created and created[0]["actor"] == "alice"
    assert {"person_name", "mobile", "source"} <= {change["name"] for change in created[0]["changes"]}
    assert "name_key" not in {change["name"] for change in created[0]["changes"]}
    steps = [item for item in history["items"] if item["category"] == "process"]
    assert any(item["kind"] == "task.created" for item in steps)  # the lead's qualification call
    seqs = [item["seq"] for item in history["items"]]
    assert seqs == sorted(seqs, reverse=True) and history["total"] == len(seqs)

    first = ok(api.call("GET", path, "employee", query_string={"limit": 1}))
    second = ok(api.call("GET", path, "employee", query_string={"limit": 1, "offset": 1}))
    assert first["total"] == history["total"] and [first["items"][0]["seq"], second["items"][0]["seq"]] == seqs[:2]
    only_record = ok(api.call("GET", path, "employee", query_string={"processes": "false"}))
    assert {item["category"] for item in only_record["items"]} == {"record"}

    card = ok(api.call("GET", f"{V1}/records/lead/{lead['id']}/card", "employee"))
    assert card["url"] == f"/app/leads/{lead['id']}" and card["title"].startswith("آریا")
    by_name = {field["name"]: field for field in card["fields"]}
    assert by_name["source"]["value"] == "phone" and set(by_name["source"]["text"]) == {"fa", "en"}
    assert by_name["mobile"]["value"] == "+989121230001" and by_name["why"]["items"]
    assert ok(api.call("GET", V1 + "/journal/verify", "auditor"))["ok"] is True


def test_cards_of_every_type_and_who_may_read_them(api: Api):
    made = _records(api)
    for kind in TYPES:
        card = ok(api.call("GET", f"{V1}/records/{kind}/{made[kind]}/card", "employee"))
        assert card["type"] == kind and card["id"] == made[kind] and card["url"].endswith(f"/{made[kind]}")
        assert card["fields"] and all(set(f["label"]) == {"fa", "en"} for f in card["fields"])
        assert ok(api.call("GET", f"{V1}/records/{kind}/{made[kind]}/history", "employee"))["total"] >= 1
    customer = ok(api.call("GET", f"{V1}/records/customer/{made['customer']}/card", "auditor"))
    open_items = next(f for f in customer["fields"] if f["name"] == "open_items")
    assert {i["name"]: i["count"] for i in open_items["items"]}["open_complaints"] == 1
    # the customer's history also tells of the records opened for it
    told = ok(api.call("GET", f"{V1}/records/customer/{made['customer']}/history", "employee"))["items"]
    assert {"complaint", "contract", "referral"} <= {item["record"]["type"] for item in told if item["record"]}

    with api.app.extensions["ravand"].sessions() as session:  # a revision after a round: the card shows it
        contracts.revise(contracts_ctx(api, session), made["contract"], {"amount": 8_000_000})
        session.commit()
    contract = ok(api.call("GET", f"{V1}/records/contract/{made['contract']}/card", "employee"))
    fields = {f["name"]: f for f in contract["fields"]}
    assert fields["payable"]["value"] >= 8_000_000
    assert fields["vat"]["label"] == {"fa": "مالیات (۱۰٪)", "en": "VAT (10%)"} and fields["vat"]["value"] > 0
    assert {"name": "amount", "before": 9_000_000, "after": 8_000_000} in [
        {k: c[k] for k in ("name", "before", "after")} for c in fields["changes"]["items"]]

    signed = ok(api.call("GET", f"{V1}/records/contract/{made['signed']}/card", "employee"))
    level = next(f for f in signed["fields"] if f["name"] == "level")
    assert level["text"] == {"fa": "مدیر فروش تأیید کرد (mina)", "en": "Sales manager approved (mina)"}

    designer = problem(api.call("GET", f"{V1}/records/lead/{made['lead']}/history", "designer"), 403)
    assert "designer" in designer["detail"]
    problem(api.call("GET", f"{V1}/records/complaint/{made['complaint']}/card", "auditor"), 403)
    problem(api.call("GET", f"{V1}/records/lead/{made['lead']}/card", None), 401)

    missing = problem(api.call("GET", f"{V1}/records/lead/999999/card", "employee"), 404)
    assert missing["detail"] == "Lead 999999 was not found"
    reader = _persian_reader(api)
    persian = problem(api.call("GET", f"{V1}/records/complaint/999999/history", reader), 404)
    assert persian["detail"] == "شکایت شمارهٔ 999999 پیدا نشد"
    problem(api.call("GET", f"{V1}/records/planet/1/card", "employee"), 404)
    problem(api.call("GET", f"{V1}/records/lead/99999999999/card", "employee"), 404)
    assert "limit" in problem(api.call("GET", f"{V1}/records/lead/{made['lead']}/history", "employee",
                                       query_string={"limit": 0}), 422)["errors"]


def test_a_record_out_of_the_readers_sight_is_not_found(api: Api):
    ok(api.deploy(processes.files("lead_qualification")), 201)
    _organise(api)
    mine = _placed_records(api, "employee", "سارا احمدی", "09121110001")
    theirs = _placed_records(api, "employee2", "Reza Karimi", "09121110002")
    deal = ok(api.call("POST", V1 + "/opportunities", "employee2", json={  # team B's deal for team A's customer
        "customer_id": mine["customer"], "title": "Bob's upsell", "amount": 2_000_000}), 201)
    ok(api.call("PUT", V1 + "/access-rules/role/employee", json={"read_scope": "team", "edit_scope": "team"}))
    told = ok(api.call("GET", f"{V1}/records/customer/{mine['customer']}/history", "employee"))["items"]
    [hidden] = [item for item in told if item["record"] and item["record"]["id"] == deal["id"]
                and item["record"]["type"] == "opportunity"]
    assert hidden["redacted"] is True and hidden["changes"] == []
    assert "Bob's upsell" not in str(told)
    for kind, key in (("lead", "lead"), ("customer", "customer"), ("opportunities", "deal")):
        for part in ("card", "history"):
            problem(api.call("GET", f"{V1}/records/{kind}/{theirs[key]}/{part}", "employee"), 404)
            ok(api.call("GET", f"{V1}/records/{kind}/{theirs[key]}/{part}", "employee2"))
            ok(api.call("GET", f"{V1}/records/{kind}/{mine[key]}/{part}", "employee"))
    assert ok(api.call("GET", f"{V1}/records/leads/{mine['lead']}/card", "employee"))["type"] == "lead"


def contracts_ctx(api: Api, session: Session) -> Ctx:
    return ravand_ctx(session, "alice")


def test_the_index_is_rebuilt_from_the_journal_as_the_migration_does(api: Api):
    made = _records(api)
    sessions = api.app.extensions["ravand"].sessions
    with sessions() as session:  # the rows the rules treat apart, and rows that name no record
        ctx = ravand_ctx(session, "root")
        ctx.record("crm.contract_code.sent", contract_id=made["contract"], code_id=3, mobile="+989121110000")
        ctx.record("crm.loyalty_account.changed", record="loyalty_account", id=made["customer"],
                   changes={"tier": ["bronze", "silver"]})
        ctx.record("crm.odd.changed", record=7, id=1.5, customer_id=True, fields=["x"], lead_id="")
        ctx.record("crm.odd.created", record="x" * 40, id="1", fields={"referrer_id": made["customer"]})
        ctx.record("referral.refused", referral_id=made["referral"], reason="self")
        ctx.record("task.note", lead_id=made["lead"])  # not a kind that speaks of records
        session.commit()
    with sessions() as session:
        written = set(session.execute(select(JournalRecord.record_type, JournalRecord.record_id,
                                             JournalRecord.seq)).all())
        session.execute(delete(JournalRecord))
        assert backfill(session.connection(), batch=7) == len(written)
        assert set(session.execute(select(JournalRecord.record_type, JournalRecord.record_id,
                                          JournalRecord.seq)).all()) == written
        session.rollback()
    assert written and {kind for kind, _, _ in written} >= set(TYPES)
    assert ("contract", str(made["contract"])) in {(kind, key) for kind, key, _ in written}
    assert {"loyalty_account", "x" * 40} & {kind for kind, _, _ in written} == {"loyalty_account"}


def test_an_approvers_contract_card_names_the_levels_awaited_and_the_changes(api: Api):
    ok(api.deploy(processes.bundle()), 201)
    _sign_in(api, "reza", ["sales"])
    customer = ok(api.call("POST", V1 + "/customers", "employee", json={
        "kind": "company", "company_name": "پارس کاوه", "mobile": "09121110051"}), 201)["customer"]
    contract = ok(api.call("POST", V1 + "/contracts", "reza", json={
        "customer_id": customer["id"], "title": "POS terminals", "amount": "۹۰۰٬۰۰۰٬۰۰۰"}), 201)
    _work(api, contract["process_instance_id"], "edit", "reza", {"title": "POS terminals", "amount": 900_000_000,
                                                                 "discount_percent": 20, "standard_terms": True})
    card = ok(api.call("GET", f"{V1}/records/contract/{contract['id']}/card", "employee"))
    fields = {f["name"]: f for f in card["fields"]}
    assert sorted(fields["level"]["value"]) == ["finance", "manager"]
    assert fields["level"]["text"]["en"].startswith("Awaiting: ") and "Finance" in fields["level"]["text"]["en"]
    assert "مالی" in fields["level"]["text"]["fa"]
    assert {"name": "discount_percent", "before": 0, "after": 20} in [
        {k: c[k] for k in ("name", "before", "after")} for c in fields["changes"]["items"]]
    assert fields["payable"]["value"] < 900_000_000 * 1.2 and card["url"] == f"/app/contracts/{contract['id']}"
    # awaiting approval, not sent: the VAT it would be sent with (the setting, 10 % unless changed), not 0
    assert (fields["vat"]["value"], fields["payable"]["value"]) == (72_000_000, 792_000_000)
    assert fields["vat"]["label"]["fa"] == "مالیات (۱۰٪)"
    steps = ok(api.call("GET", f"{V1}/records/contract/{contract['id']}/history", "employee"))["items"]
    assert {"task.completed", "crm.contract.changed"} <= {item["kind"] for item in steps}
