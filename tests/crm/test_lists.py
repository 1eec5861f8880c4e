"""Managed lists: the shipped entries, reading keys from labels however typed, labels by language, and the
administrator's changes (keys stable, deactivate instead of delete, journaled); on both databases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crm import lists
from crm.errors import InvalidRecord, RecordNotFound
from crm.list_data import shipped
from crm.text import name_key
from tests.conftest import Database
from tests.crm.records import World, open_world


@pytest.fixture
def world(crm_db: Database) -> Iterator[World]:
    yield from open_world(crm_db)


def test_the_shipped_lists_are_in_a_new_database(world: World):
    counts = {row["name"]: row["entries"] for row in lists.names(world.session)}
    assert counts["province"] == 31 and counts["city"] >= 300
    assert set(counts) >= {"product", "province", "city", "lead_source", "complaint_category", "complaint_kind",
                           "disqualify_reason", "loss_reason", "contract_level"}
    provinces = [e.key for e in lists.entries(world.session, "province")]
    assert provinces[:4] == ["tehran", "alborz", "isfahan", "fars"] and "khorasan_razavi" in provinces
    assert [e.key for e in lists.entries(world.session, "complaint_kind")] == ["complaint", "suggestion", "criticism"]
    every_province = {e.parent_key for e in lists.entries(world.session, "city")}
    assert every_province == set(provinces)
    isfahan = {e.key for e in lists.entries(world.session, "city", parent="isfahan")}
    assert {"isfahan", "kashan", "najafabad"} <= isfahan and "shiraz" not in isfahan


def test_shipped_labels_name_one_entry_each_and_are_persian():
    for name, entries in shipped().items():
        seen: dict[str, str] = {}
        for entry in entries:
            for text in {entry["key"], entry["label_fa"], entry["label_en"]}:
                assert seen.setdefault(name_key(text), entry["key"]) == entry["key"], (name, text)
            assert not set(entry["label_fa"]) & {"ي", "ك"}, entry  # Persian letter forms, not Arabic


@pytest.mark.parametrize(("typed", "key"), [
    ("software", "software"), ("نرم‌افزار", "software"), ("نرم افزار", "software"), ("نرمافزار", "software"),
    ("  SOFTWARE ", "software"), ("POS terminal", "pos_terminal"), ("دستگاه کارتخوان", "pos_terminal"),
])
def test_key_of_reads_keys_and_labels_however_typed(world: World, typed: str, key: str):
    assert lists.key_of(world.session, "product", typed) == key


def test_key_of_folds_arabic_letters_and_digits(world: World):
    assert lists.key_of(world.session, "province", "تهران") == "tehran"
    assert lists.key_of(world.session, "province", "Razavi Khorasan") == "khorasan_razavi"
    assert lists.key_of(world.session, "city", "كرمانشاه") == "kermanshah"  # Arabic kaf
    assert lists.key_of(world.session, "city", "علي‌آباد كتول") == "aliabad_katul"  # Arabic yeh and kaf
    lists.add_entry(world.ctx(), "product", key="plan_2", label_fa="طرح ۲", label_en="Plan 2")
    assert lists.key_of(world.session, "product", "طرح 2") == "plan_2"
    assert lists.key_of(world.session, "product", "plan ٢") == "plan_2"


def test_key_of_refuses_unknown_values_naming_the_field(world: World):
    for value in ("fax machine", "", None, True, 12.5, ["software"]):
        with pytest.raises(InvalidRecord) as refused:
            lists.key_of(world.session, "product", value, field="interest")
        assert list(refused.value.field_errors) == ["interest"]
    with pytest.raises(InvalidRecord) as default_field:
        lists.key_of(world.session, "province", "Atlantis")
    assert list(default_field.value.field_errors) == ["province"]
    with pytest.raises(InvalidRecord):
        lists.key_of(world.session, "no_such_list", "software")


def test_label_in_each_language(world: World):
    assert lists.label(world.session, "province", "isfahan", "fa") == "اصفهان"
    assert lists.label(world.session, "province", "isfahan", "en") == "Isfahan"
    assert lists.label(world.session, "province", "isfahan", "en-GB") == "Isfahan"
    assert lists.label(world.session, "province", "atlantis", "fa") == "atlantis"
    assert lists.labels(world.session, "complaint_kind", "fa") == {
        "complaint": "شکایت", "suggestion": "پیشنهاد", "criticism": "انتقاد"}


def test_add_entry_is_journaled_and_placed_last(world: World):
    entry = lists.add_entry(world.ctx(), "lead_source", key="partner", label_fa=" همکار  تجاری ",
                            label_en="Business partner")
    world.session.commit()
    assert (entry.label_fa, entry.active, entry.created_by) == ("همکار تجاری", True, "alice")
    assert [e.key for e in lists.entries(world.session, "lead_source")][-1] == "partner"
    created = world.entries("crm.list_entry.created")
    assert created[0]["fields"]["key"] == "partner" and created[0]["list_name"] == "lead_source"
    assert lists.key_of(world.session, "lead_source", "همکار تجاری") == "partner"


def test_add_entry_refuses_bad_keys_clashing_labels_and_bad_parents(world: World):
    cases = [
        ({"key": "Software X", "label_fa": "x", "label_en": "x"}, {"key"}),
        ({"key": "software", "label_fa": "دیگر", "label_en": "Other one"}, {"key"}),
        ({"key": "soft2", "label_fa": "نرم افزار", "label_en": "SOFTWARE"}, {"label_fa", "label_en"}),
        ({"key": "x1", "label_fa": "", "label_en": "x" * 256}, {"label_fa", "label_en"}),
        ({"key": "x2", "label_fa": "ایکس", "label_en": "X", "parent_key": "tehran"}, {"parent_key"}),
        ({"key": "x3", "label_fa": "ایکس", "label_en": "X", "position": -1}, {"position"}),
    ]
    for data, fields in cases:
        with pytest.raises(InvalidRecord) as refused:
            lists.add_entry(world.ctx(), "product", **data)
        assert set(refused.value.field_errors) == fields, data
    with pytest.raises(InvalidRecord) as no_province:
        lists.add_entry(world.ctx(), "city", key="atlantis", label_fa="آتلانتیس", label_en="Atlantis",
                        parent_key="nowhere")
    assert set(no_province.value.field_errors) == {"parent_key"}
    with pytest.raises(InvalidRecord) as bad_name:
        lists.add_entry(world.ctx(), "Bad Name", key="x", label_fa="ایکس", label_en="X")
    assert "name" in bad_name.value.field_errors
    assert world.entries("crm.list_entry.created") == []


def test_a_city_is_added_under_a_province_given_by_label(world: World):
    city = lists.add_entry(world.ctx(), "city", key="pardisan", label_fa="پردیسان", label_en="Pardisan",
                           parent_key="قم")
    assert city.parent_key == "qom"
    assert "pardisan" in {e.key for e in lists.entries(world.session, "city", parent="qom")}


def test_change_entry_edits_labels_and_deactivates_but_never_rekeys(world: World):
    entry = lists.change_entry(world.ctx("root"), "product", "training", {"label_en": "Training courses"})
    assert entry.label_en == "Training courses" and entry.updated_by == "root"
    assert world.changes("list_entry", entry.id) == [{"label_en": ["Training", "Training courses"]}]
    lists.change_entry(world.ctx("root"), "product", "training", {"active": False})
    world.session.commit()
    assert "training" not in {e.key for e in lists.entries(world.session, "product")}
    assert "training" in {e.key for e in lists.entries(world.session, "product", include_inactive=True)}
    with pytest.raises(InvalidRecord) as retired:
        lists.key_of(world.session, "product", "Training courses", field="product")
    assert list(retired.value.field_errors) == ["product"]
    assert lists.key_of(world.session, "product", "training", active_only=False) == "training"
    assert lists.label(world.session, "product", "training", "fa") == "آموزش"  # old records keep their label
    with pytest.raises(InvalidRecord) as rekey:
        lists.change_entry(world.ctx(), "product", "training", {"key": "courses", "colour": "red"})
    assert set(rekey.value.field_errors) == {"key", "colour"}
    with pytest.raises(InvalidRecord) as clash:
        lists.change_entry(world.ctx(), "product", "training", {"label_fa": "سخت افزار", "active": "yes"})
    assert set(clash.value.field_errors) == {"label_fa", "active"}
    with pytest.raises(RecordNotFound):
        lists.change_entry(world.ctx(), "product", "nothing", {"active": True})
