"""A task form's read-only fields that a process wrote in both languages show the reader's half; editable
fields and plain values are left as they are."""

from __future__ import annotations

from api.form_lists import shown_data
from crm.text import in_language

FORM = {"components": [
    {"type": "textfield", "key": "kind_label", "readonly": True},
    {"type": "group", "components": [{"type": "textfield", "key": "severity_label", "disabled": True}]},
    {"type": "textfield", "key": "note"},
]}
DATA = {"kind_label": "شکایت / Complaint", "severity_label": "متوسط / medium", "note": "بله / yes",
        "plain": "تهران / Tehran", "amount": 5}


def test_read_only_fields_show_the_readers_half():
    assert shown_data(FORM, DATA, "fa") == {**DATA, "kind_label": "شکایت", "severity_label": "متوسط"}
    assert shown_data(FORM, DATA, "en") == {**DATA, "kind_label": "Complaint", "severity_label": "medium"}
    assert shown_data(None, DATA, "fa") == DATA


def test_either_order_and_slashes_inside_a_half():
    assert in_language("1405/13/45 is not a Jalali date / این تاریخ شمسی وجود ندارد", "fa") == \
        "این تاریخ شمسی وجود ندارد"
    assert in_language("1405/13/45 is not a Jalali date / این تاریخ شمسی وجود ندارد", "en") == \
        "1405/13/45 is not a Jalali date"
    assert in_language("a / b", "fa") == "a / b"  # not written in both languages


def test_a_text_of_bilingual_lines_shows_each_line_in_the_readers_half():
    form = {"components": [{"type": "textarea", "key": "revision_changes", "readonly": True}]}
    text = "تخفیف: ۱۸ ← ۱۰ / Discount: 18 → 10\nمبلغ: ۳۰۰ ← ۴۰۰ / Amount: 300 → 400"
    assert shown_data(form, {"revision_changes": text}, "fa")["revision_changes"] == "تخفیف: ۱۸ ← ۱۰\nمبلغ: ۳۰۰ ← ۴۰۰"
    assert shown_data(form, {"revision_changes": text}, "en")["revision_changes"] == \
        "Discount: 18 → 10\nAmount: 300 → 400"
