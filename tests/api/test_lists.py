"""Managed lists over HTTP on both databases: every signed-in person reads them, administrators add and change
entries (keys never change, entries are deactivated), the portal reads its few lists without an account."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api

V1 = "/api/v1"
PROBLEM = "application/problem+json"


def _json(answer: Any, status: int) -> Any:
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


def test_every_person_reads_the_lists(api: Api):
    for who in ("admin", "designer", "employee", "auditor"):
        names = {row["name"]: row for row in _json(api.call("GET", f"{V1}/lists", who), 200)}
        assert names["province"] == {"name": "province", "entries": 31, "active": 31}
    assert api.call("GET", f"{V1}/lists", None).status_code == 401
    page = _json(api.call("GET", f"{V1}/lists/province/entries?locale=fa", "employee"), 200)
    assert page["total"] == 31 and page["items"][0] == {
        "key": "tehran", "label": "تهران", "label_fa": "تهران", "label_en": "Tehran", "parent_key": None,
        "position": 1, "active": True}
    english = _json(api.call("GET", f"{V1}/lists/product/entries", "employee"), 200)  # alice's language: en
    assert [e["label"] for e in english["items"]][:2] == ["Software", "Hardware"]


def test_cities_by_province_and_search_in_both_languages(api: Api):
    fars = _json(api.call("GET", f"{V1}/lists/city/entries?parent=fars", "employee"), 200)
    assert {"shiraz", "marvdasht", "jahrom"} <= {e["key"] for e in fars["items"]}
    assert {e["parent_key"] for e in fars["items"]} == {"fars"}
    by_persian = _json(api.call("GET", f"{V1}/lists/city/entries", "employee", query_string={"q": "كرمان"}), 200)
    assert {e["key"] for e in by_persian["items"]} == {"kerman", "kermanshah"}
    by_english = _json(api.call("GET", f"{V1}/lists/city/entries?q=bandar%20abbas", "employee"), 200)
    assert [e["key"] for e in by_english["items"]] == ["bandar_abbas"]
    paged = _json(api.call("GET", f"{V1}/lists/city/entries?limit=5&offset=5", "employee"), 200)
    assert len(paged["items"]) == 5 and paged["total"] > 300
    assert _json(api.call("GET", f"{V1}/lists/atlantis/entries", "employee"), 404)["status"] == 404
    bad = api.call("GET", f"{V1}/lists/city/entries?limit=0&locale=de", "employee")
    assert bad.status_code == 422 and bad.content_type == PROBLEM


def test_only_administrators_change_lists(api: Api):
    entry = {"key": "partner", "label_fa": "همکار تجاری", "label_en": "Business partner"}
    for who in ("designer", "employee", "auditor"):
        assert api.call("POST", f"{V1}/lists/lead_source/entries", who, json=entry).status_code == 403
        assert api.call("PATCH", f"{V1}/lists/lead_source/entries/phone", who,
                        json={"active": False}).status_code == 403
    added = _json(api.call("POST", f"{V1}/lists/lead_source/entries", "admin", json=entry), 201)
    assert added["key"] == "partner" and added["active"] is True
    created = _json(api.call("GET", f"{V1}/journal?kind=crm.list_entry.created", "auditor"), 200)
    assert created["total"] == 1
    changed = _json(api.call("PATCH", f"{V1}/lists/lead_source/entries/partner", "admin",
                             json={"label_en": "Partner", "active": False}), 200)
    assert (changed["label_en"], changed["active"]) == ("Partner", False)
    sources = _json(api.call("GET", f"{V1}/lists/lead_source/entries", "employee"), 200)
    assert "partner" not in {e["key"] for e in sources["items"]}
    asked = _json(api.call("GET", f"{V1}/lists/lead_source/entries?include_inactive=true", "employee"), 200)
    assert "partner" not in {e["key"] for e in asked["items"]}  # only administrators see inactive entries
    everything = _json(api.call("GET", f"{V1}/lists/lead_source/entries?include_inactive=true", "admin"), 200)
    assert "partner" in {e["key"] for e in everything["items"]}


def test_bad_changes_are_field_errors(api: Api):
    clash = _json(api.call("POST", f"{V1}/lists/product/entries", "admin",
                           json={"key": "Soft Ware", "label_fa": "نرم افزار", "label_en": "x"}), 422)
    assert {"key", "label_fa"} <= set(clash["errors"])
    duplicate = _json(api.call("POST", f"{V1}/lists/product/entries", "admin",
                               json={"key": "software", "label_fa": "الف", "label_en": "Alef"}), 422)
    assert set(duplicate["errors"]) == {"key"}
    missing = _json(api.call("POST", f"{V1}/lists/product/entries", "admin", json={"key": "x"}), 422)
    assert {"label_fa", "label_en"} <= set(missing["errors"])
    rekey = _json(api.call("PATCH", f"{V1}/lists/product/entries/software", "admin", json={"key": "soft"}), 422)
    assert set(rekey["errors"]) == {"key"}
    unknown = api.call("PATCH", f"{V1}/lists/product/entries/software", "admin", json={"colour": "red"})
    assert unknown.status_code == 422 and unknown.content_type == PROBLEM
    city = _json(api.call("POST", f"{V1}/lists/city/entries", "admin",
                          json={"key": "pardisan", "label_fa": "پردیسان", "label_en": "Pardisan"}), 422)
    assert set(city["errors"]) == {"parent_key"}
    assert _json(api.call("PATCH", f"{V1}/lists/product/entries/nothing", "admin", json={"active": False}),
                 404)["status"] == 404


def test_the_portal_reads_its_lists_without_an_account(api: Api):
    kinds = _json(api.call("GET", f"{V1}/portal/lists/complaint_kind/entries?locale=en", None), 200)
    assert [(e["key"], e["label"]) for e in kinds["items"]] == [
        ("complaint", "Complaint"), ("suggestion", "Suggestion"), ("criticism", "Criticism")]
    cities = _json(api.call("GET", f"{V1}/portal/lists/city/entries?parent=gilan", None), 200)
    assert "rasht" in {e["key"] for e in cities["items"]} and cities["items"][0]["label"] == "رشت"
    for private in ("disqualify_reason", "loss_reason", "contract_level", "lead_source"):
        assert api.call("GET", f"{V1}/portal/lists/{private}/entries", None).status_code == 404
    _json(api.call("PATCH", f"{V1}/lists/complaint_kind/entries/criticism", "admin", json={"active": False}), 200)
    kinds = _json(api.call("GET", f"{V1}/portal/lists/complaint_kind/entries", None), 200)
    assert [e["key"] for e in kinds["items"]] == ["complaint", "suggestion"]


def test_the_portal_lists_are_rate_limited_per_address(api: Api):
    path = f"{V1}/portal/lists/product/entries"
    for _ in range(60):
        assert api.call("GET", path, None, environ_base={"REMOTE_ADDR": "10.7.7.7"}).status_code == 200
    limited = api.call("GET", path, None, environ_base={"REMOTE_ADDR": "10.7.7.7"})
    assert limited.status_code == 429 and limited.content_type == PROBLEM
    assert api.call("GET", path, None, environ_base={"REMOTE_ADDR": "10.7.7.8"}).status_code == 200
