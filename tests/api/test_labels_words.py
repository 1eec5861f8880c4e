"""Words, not keys, from the server: the customers export names the region by its label in the file's language,
and the journal's entries carry their kind in words and their data as labelled fields (api.journal_words)."""

from __future__ import annotations

import csv
import io

from tests.api.conftest import Api


def test_the_customers_export_names_the_region_in_the_files_language(sqlite_api: Api):
    api = sqlite_api
    answer = api.call("POST", "/api/v1/customers", "employee", json={
        "company_name": "پارس واژه", "kind": "company", "mobile": "09121110091", "region": "east_azerbaijan"})
    assert answer.status_code == 201, answer.get_json()
    for lang, region, status in (("fa", "آذربایجان شرقی", "بالقوه"), ("en", "East Azerbaijan", "Potential")):
        text = api.call("GET", f"/api/v1/exports/customers?lang={lang}", "employee").get_data().decode()
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        row = next(r for r in rows[1:] if r[0] == "پارس واژه")
        assert region in row and status in row and "east_azerbaijan" not in row, row


def test_journal_entries_carry_their_kind_in_words_and_labelled_data(sqlite_api: Api):
    api = sqlite_api
    answer = api.call("POST", "/api/v1/customers", "employee", json={
        "company_name": "دفتر واژه", "kind": "company", "mobile": "09121110092", "region": "tehran"})
    assert answer.status_code == 201, answer.get_json()
    page = api.call("GET", "/api/v1/journal?kind=crm.customer.created&order=newest&limit=5", "admin").get_json()
    entry = next(e for e in page["items"] if e["data"]["fields"].get("company_name") == "دفتر واژه")
    assert entry["kind_text"] == {"fa": "مشتری ایجاد شد", "en": "Customer created"}
    fields = {d["name"]: d for d in entry["details"]}
    assert fields["region"]["label"]["fa"] == "استان" and fields["region"]["text"]["value"]["fa"] == "تهران"
    assert fields["kind"]["text"]["value"] == {"fa": "حقوقی", "en": "Company"}
    assert fields["record"]["text"]["value"]["fa"].startswith("مشتری #")
    assert entry["data"]["fields"]["region"] == "tehran"  # the raw data stays for auditors


def test_every_message_template_has_words_in_both_languages():
    import tomllib
    from pathlib import Path

    from crm.record_labels import VALUES

    labels = VALUES[("notification", "template")]
    for language in ("fa", "en"):
        shipped = tomllib.loads((Path("crm/templates/messages") / f"{language}.toml").read_text(encoding="utf-8"))
        assert set(shipped) == set(labels), language
    assert all(label["fa"] != label["en"] and label["fa"] for label in labels.values())


def test_every_journaled_field_and_record_has_words_in_both_languages():
    """A record's history and the journal show each field a record's journal entry carries (its table's columns,
    crm.unit.plain) by its label: none is left to show its column name."""
    import importlib

    for module in ("crm.saved_filters", "crm.teams"):  # their tables join the registry
        importlib.import_module(module)
    from crm.models import Base
    from crm.record_labels import FIELDS, HIDDEN, RECORDS

    internal = {"import_job", "import_row", "import_upload", "journal_record", "contract_pdf"}  # never journaled
    tables = {mapper.local_table for mapper in Base.registry.mappers} - {None}
    unnamed = sorted(t.name for t in tables if t.name not in internal and t.name not in RECORDS)
    unlabelled = sorted(f"{t.name}.{c.name}" for t in tables if t.name not in internal for c in t.columns
                        if c.name not in HIDDEN and c.name not in FIELDS)
    assert unnamed == [] and unlabelled == []
    assert all(label["fa"] != label["en"] and label["fa"] != name for name, label in {**RECORDS, **FIELDS}.items())


def test_a_records_history_names_people_messages_and_an_activitys_fields_in_words(sqlite_api: Api):
    import processes
    from api.identity.service import create_user
    from tests.api.conftest import PASSWORD

    api = sqlite_api
    with api.app.extensions["ravand"].sessions() as session:
        create_user(session, "nasrin", PASSWORD, "employee", ["sales"], "نسرین صالحی", "fa")
        session.commit()
    api.tokens["nasrin"] = api.client.post("/api/v1/auth/token", json={
        "username": "nasrin", "password": PASSWORD}).get_json()["access_token"]
    assert api.deploy(processes.files("lead_qualification")).status_code == 201
    lead = api.call("POST", "/api/v1/leads", "nasrin", json={
        "person_name": "کامران یزدی", "mobile": "09121110093", "source": "web_form", "product": "hardware"}).get_json()
    corrected = api.call("PATCH", f"/api/v1/leads/{lead['id']}", "nasrin", json={"company_name": "یزد نو"})
    assert corrected.status_code == 200
    assert api.call("POST", f"/api/v1/records/lead/{lead['id']}/activities", "nasrin", json={
        "kind": "call", "direction": "outbound", "outcome": "no_answer", "duration_minutes": 3}).status_code == 201

    items = api.call("GET", f"/api/v1/records/lead/{lead['id']}/history?limit=50", "nasrin").get_json()["items"]
    mine = [i for i in items if i["actor"] == "nasrin"]
    assert mine and all(i["actor_text"] == {"fa": "نسرین صالحی", "en": "نسرین صالحی"} for i in mine)
    # the correction reached the waiting call as a message: named by the event that waits for it, not its key
    message = next(i for i in items if i["kind"] == "message.correlated")
    assert "lead_corrected" not in message["title"]["fa"] and "«" in message["title"]["fa"]
    activity = next(i for i in items if i["kind"] == "crm.activity.created")
    changes = {c["name"]: c for c in activity["changes"]}
    assert changes["direction"]["label"]["fa"] == "سوی تماس" and changes["direction"]["text"]["after"]["fa"] == "خروجی"
    assert changes["record_type"]["text"]["after"]["fa"] == "سرنخ"
    assert changes["owner"]["text"]["after"]["fa"] == "نسرین صالحی"
    assert all(c["label"]["fa"] != c["name"] for c in activity["changes"])

    journal = api.call("GET", "/api/v1/journal?actor=nasrin&limit=20", "admin").get_json()["items"]
    assert journal and all(e["actor_text"]["fa"] == "نسرین صالحی" for e in journal)
    correlated = api.call("GET", "/api/v1/journal?kind=message.correlated&limit=5", "admin").get_json()["items"]
    named = {d["name"]: d for d in correlated[0]["details"]}["name"]
    assert named["value"] == "lead_corrected" and named["text"]["value"]["en"] != "lead_corrected"


def test_a_contract_card_names_the_approvers_who_decided_by_their_names():
    from crm.models import ContractDecision
    from crm.record_cards import _level_words

    decided = [ContractDecision(level="manager", decision="approve", by="reza")]
    said = _level_words(["finance"], decided, lambda name: {"fa": "رضا محمدی", "en": "Reza Mohammadi"})
    assert said is not None and "(رضا محمدی)" in said["fa"] and "(Reza Mohammadi)" in said["en"]
    assert "reza" not in said["fa"]
