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
