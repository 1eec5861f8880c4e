"""forms: loading form-js forms, and validating submitted data against them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forms import Form, FormDataInvalid, FormError, load_form, validate_data

CORPUS = Path("/work/shared/corpus/camunda-examples/usertask/task-camunda-forms/src/main/webapp")


def make_form(*components: dict, **extra) -> Form:
    return load_form({"type": "default", "id": "f", "components": list(components), **extra})


def errors_of(form: Form, data, context=None) -> dict[str, list[str]]:
    with pytest.raises(FormDataInvalid) as info:
        form.validate(data, context)
    return info.value.field_errors


def text(key: str, **attrs) -> dict:
    return {"type": "textfield", "key": key, **attrs}


# --- the corpus ----------------------------------------------------------------------------------


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not available")
@pytest.mark.parametrize("name", ["start-form.form", "task-form.form"])
def test_corpus_forms_load_and_validate(name):
    form = load_form((CORPUS / name).read_bytes(), filename=name)
    assert form.id == name.removesuffix(".form")
    assert form.fields[:3] == ("creditor", "amount", "invoiceNumber")
    assert form.schema["id"] == form.id  # filled in, so the stored schema reloads without its file name
    assert load_form(json.dumps(form.schema)) == form
    good = {"creditor": "ACME", "amount": "300", "invoiceNumber": "C-123"}
    if name == "task-form.form":
        good |= {"approved": "true", "approvedBy": "Mina"}
    assert form.validate(good) == good
    found = errors_of(form, {"amount": "12a", "invoiceNumber": "X-1"})
    assert found["creditor"] == ["This field is required."]
    assert found["amount"] == ["Must match the pattern ^[0-9]+$."]
    assert found["invoiceNumber"] == ["Must match the pattern ^C-[0-9]+$."]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not available")
def test_corpus_form_without_filename_has_no_id():
    with pytest.raises(FormError, match="no 'id'"):
        load_form((CORPUS / "start-form.form").read_text())


# --- loading -------------------------------------------------------------------------------------


def test_load_accepts_bytes_str_and_dict_and_copies_the_dict():
    raw = {"type": "default", "id": "x", "components": [text("a")], "schemaVersion": 16}
    for source in (raw, json.dumps(raw), json.dumps(raw).encode("utf-8-sig")):
        form = load_form(source)
        assert (form.id, form.fields) == ("x", ("a",))
    form = load_form(raw)
    raw["components"].append(text("b"))
    assert form.schema["components"] == [text("a")]
    assert validate_data(form, {"a": "1"}) == {"a": "1"}


def test_id_in_the_document_wins_over_filename():
    assert load_form({"id": "Form_1", "components": []}, filename="x/other.form").id == "Form_1"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\xff\xfe not utf8", "not UTF-8"),
        ("{not json", "not valid JSON"),
        ('{"id": "x", "components": [], "n": NaN}', "not valid JSON"),
        ("[1, 2]", "no 'components'"),
        ({"id": "x"}, "no 'components'"),
        ({"id": "x", "components": {}}, "no 'components'"),
        ({"id": "x", "type": "bpmn", "components": []}, "type is 'bpmn'"),
        ({"components": []}, "no 'id'"),
        ({"id": "", "components": []}, "no 'id'"),
        ({"id": 5, "components": []}, "no 'id'"),
        ({"id": "x", "components": [], "bad": {1, 2}}, "not a JSON document"),
        (42, "expected JSON text"),
        (None, "expected JSON text"),
    ],
)
def test_unusable_documents(raw, message):
    with pytest.raises(FormError, match=message):
        load_form(raw)


@pytest.mark.parametrize(
    ("components", "message"),
    [
        ([text("a"), text("a")], "duplicate key/path 'a'"),
        ([text("a"), text("a.b")], "'a' is already used"),
        ([text("a.b"), text("a")], "duplicate key/path 'a'"),
        ([{"type": "textfield"}], "needs a 'key'"),
        ([text("a..b")], "not a valid dotted name"),
        ([text(" a")], "not a valid dotted name"),
        ([{"type": "mystery", "key": "m"}], "unknown component type 'mystery'"),
        ([{"type": "filepicker", "key": "f"}], "not supported"),
        (["textfield"], "must be an object"),
        ([{"key": "a"}], "needs a 'type'"),
        ([text("a", id="F1"), text("b", id="F1")], "duplicate component id 'F1'"),
        ([text("a", validate={"pattern": "([a-z"})], "key='a'.*not a valid regular expression"),
        ([text("a", validate="yes")], "'validate' must be an object"),
        ([text("a", validate={"required": "yes"})], "'required' must be true or false"),
        ([text("a", validate={"minLength": -1})], "'minLength' must be a whole number"),
        ([text("a", validate={"minLength": 5, "maxLength": 2})], "greater than maxLength"),
        ([text("a", validate={"validationType": "url"})], "unknown validationType"),
        ([{"type": "number", "key": "n", "validate": {"min": "abc"}}], "'min' must be a number"),
        ([{"type": "number", "key": "n", "validate": {"min": 5, "max": 1}}], "greater than max"),
        ([{"type": "number", "key": "n", "increment": 0}], "'increment' must be greater than 0"),
        ([{"type": "number", "key": "n", "decimalDigits": 1.5}], "'decimalDigits'"),
        ([{"type": "select", "key": "s"}], "no options"),
        ([{"type": "radio", "key": "s", "values": "a,b"}], "'values' must be a list"),
        ([{"type": "radio", "key": "s", "values": [{"label": "A"}]}], r"values\[0\]"),
        ([{"type": "radio", "key": "s", "values": [{"value": {"x": 1}}]}], r"values\[0\].value"),
        ([{"type": "datetime", "key": "d", "subtype": "week"}], "unknown datetime subtype"),
        ([{"type": "dynamiclist", "components": [text("a")]}], "needs a 'path'"),
        ([{"type": "group", "components": "oops"}], "'components' must be a list"),
        ([{"type": "dynamiclist", "path": "a", "components": []}, text("a")], "duplicate key/path 'a'"),
        (
            [{"type": "select", "key": "s", "values": [{"value": "x"}], "defaultValue": "y"}],
            "bad defaultValue",
        ),
        ([{"type": "number", "key": "n", "defaultValue": "many"}], "key='n': bad defaultValue"),
    ],
)
def test_unusable_components(components, message):
    with pytest.raises(FormError, match=message):
        make_form(*components)


def test_form_error_names_the_file():
    with pytest.raises(FormError, match=r"^invoice\.form: .*duplicate key"):
        load_form({"components": [text("a"), text("a")]}, filename="invoice.form")


def test_display_components_are_ignored_and_carry_no_data():
    form = make_form(
        {"type": "text", "text": "# Hello"},
        {"type": "html", "content": "<b>x</b>"},
        {"type": "image", "source": "x.png"},
        {"type": "spacer", "height": 30},
        {"type": "separator"},
        {"type": "button", "action": "submit", "key": "submit"},
        {"type": "table", "dataSource": "=rows"},
        {"type": "iframe", "url": "https://example.org"},
        {"type": "futureDecoration"},
        text("a"),
    )
    assert form.fields == ("a",)
    assert errors_of(form, {"submit": True}) == {"submit": ["Unknown field."]}


def test_deep_nesting_is_a_form_error_not_a_crash():
    comp: dict = text("leaf")
    for _ in range(200):
        comp = {"type": "group", "components": [comp]}
    with pytest.raises(FormError, match="nested"):
        make_form(comp)
    with pytest.raises(FormError):
        load_form('{"id": "x", "components": ' + "[" * 100_000 + "]" * 100_000 + "}")


def test_form_is_hashable_and_schema_built_once():
    form = make_form(text("a"))
    assert hash(form) == hash(make_form(text("a")))
    assert form._compiled is not None
    compiled = form._compiled
    form.validate({"a": "x"})
    assert form._compiled is compiled
    built_directly = Form(id="f", schema=form.schema, fields=form.fields)
    assert built_directly.validate({"a": "x"}) == {"a": "x"}


# --- text ----------------------------------------------------------------------------------------


def test_required_text():
    form = make_form(text("name", validate={"required": True}))
    for bad in ({}, {"name": None}, {"name": ""}):
        assert errors_of(form, bad) == {"name": ["This field is required."]}
    assert form.validate({"name": "Ali"}) == {"name": "Ali"}


def test_optional_text_keeps_empty_and_none_and_absence():
    form = make_form(text("note"), {"type": "textarea", "key": "long"})
    assert form.validate({}) == {}
    assert form.validate({"note": "", "long": None}) == {"note": "", "long": None}
    assert form.validate({"long": "line 1\nline 2"}) == {"long": "line 1\nline 2"}


def test_text_is_not_coerced():
    form = make_form(text("t"))
    for bad in (5, True, ["a"], {"a": 1}):
        assert errors_of(form, {"t": bad}) == {"t": ["Not a valid string."]}


def test_lengths_are_counted_on_trimmed_text():
    form = make_form(text("t", validate={"minLength": 3, "maxLength": 5}))
    assert form.validate({"t": " abc "}) == {"t": " abc "}
    assert errors_of(form, {"t": "ab   "}) == {"t": ["Must be at least 3 characters long."]}
    assert errors_of(form, {"t": "abcdef"}) == {"t": ["Must be at most 5 characters long."]}
    assert form.validate({"t": "سلام"}) == {"t": "سلام"}


def test_pattern_is_a_search_like_javascript_test():
    form = make_form(
        text("anchored", validate={"pattern": "^[0-9]+$"}), text("loose", validate={"pattern": "[0-9]"})
    )
    assert form.validate({"anchored": "123", "loose": "abc1"}) == {"anchored": "123", "loose": "abc1"}
    found = errors_of(form, {"anchored": "123\n", "loose": "abc"})
    assert set(found) == {"anchored", "loose"}
    assert errors_of(form, {"anchored": "۱۲۳"}) == {"anchored": ["Must match the pattern ^[0-9]+$."]}


def test_empty_optional_text_skips_the_rules():
    form = make_form(text("t", validate={"pattern": "^x$", "minLength": 2, "validationType": "email"}))
    assert form.validate({"t": ""}) == {"t": ""}


def test_email():
    form = make_form(text("mail", validate={"validationType": "email"}))
    assert form.validate({"mail": "sara@example.ir"}) == {"mail": "sara@example.ir"}
    for bad in ("sara", "sara@", "@example.ir", "sa ra@example.ir", "sara@-x.ir"):
        assert errors_of(form, {"mail": bad}) == {"mail": ["Not a valid email address."]}


def test_phone_is_international_and_normalised():
    form = make_form(text("tel", validate={"validationType": "phone"}))
    assert form.validate({"tel": "+98 912 123-4567"}) == {"tel": "+989121234567"}
    assert form.validate({"tel": "۰۰۹۸۹۱۲۱۲۳۴۵۶۷"}) == {"tel": "00989121234567"}
    for bad in ("09121234567", "+0123456789", "+98", "call me"):
        assert list(errors_of(form, {"tel": bad})) == ["tel"]


def test_several_rule_errors_are_all_reported():
    form = make_form(text("t", validate={"pattern": "^[a-z]+$", "maxLength": 2}))
    assert errors_of(form, {"t": "ABC"}) == {
        "t": ["Must be at most 2 characters long.", "Must match the pattern ^[a-z]+$."]
    }


# --- number --------------------------------------------------------------------------------------


def number(key: str = "n", **attrs) -> dict:
    return {"type": "number", "key": key, **attrs}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (5, 5),
        (2.5, 2.5),
        ("42", 42),
        (" -3.25 ", -3.25),
        ("۱۲۳", 123),
        ("٤٥", 45),
        ("۱۲٫۵", 12.5),
        ("۱٬۲۳۴", 1234),
        ("1e3", 1000),
        ("10.0", 10),
        ("", None),
        (None, None),
    ],
)
def test_number_coercion(given, expected):
    result = make_form(number()).validate({"n": given})
    assert result == {"n": expected}
    assert type(result["n"]) is type(expected)


@pytest.mark.parametrize(
    "bad", ["abc", "1,5", "1.2.3", True, [1], {"a": 1}, "NaN", "inf", "1e999999", "9" * 2000]
)
def test_number_refuses(bad):
    found = errors_of(make_form(number()), {"n": bad})
    assert list(found) == ["n"]
    assert found["n"][0] in ("Not a valid number.", "Number out of range.")


def test_number_refuses_non_finite_floats():
    assert errors_of(make_form(number()), {"n": float("nan")}) == {"n": ["Not a valid number."]}


def test_number_min_max_required():
    form = make_form(number(validate={"required": True, "min": 1, "max": "10"}))
    assert form.validate({"n": "10"}) == {"n": 10}
    assert errors_of(form, {"n": 0}) == {"n": ["Must be greater than or equal to 1."]}
    assert errors_of(form, {"n": "۱۱"}) == {"n": ["Must be less than or equal to 10."]}
    assert errors_of(form, {"n": ""}) == {"n": ["This field is required."]}
    assert errors_of(form, {}) == {"n": ["This field is required."]}


def test_decimal_digits_and_increment():
    form = make_form(number("whole", decimalDigits=0), number("money", decimalDigits=2, increment="0.05"))
    assert form.validate({"whole": "7", "money": "1.50"}) == {"whole": 7, "money": 1.5}
    found = errors_of(form, {"whole": 7.5, "money": "1.234"})
    assert found["whole"] == ["Must be a whole number."]
    assert found["money"] == ["Must have at most 2 decimal digit(s).", "Must be a multiple of 0.05."]
    assert errors_of(form, {"money": "1.01"}) == {"money": ["Must be a multiple of 0.05."]}


def test_serialize_to_string_keeps_precision():
    form = make_form(number(serializeToString=True))
    assert form.validate({"n": "۰٫۱۰"}) == {"n": "0.10"}
    assert form.validate({"n": 12345678901234567890}) == {"n": "12345678901234567890"}


def test_feel_expressions_in_rules_are_skipped():
    form = make_form(number(validate={"min": "=minimum", "max": 3}))
    assert form.validate({"n": -100}) == {"n": -100}
    assert list(errors_of(form, {"n": 4})) == ["n"]


# --- checkbox ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [(True, True), (False, False), ("true", True), ("False", False), (1, True), (0, False), ("۱", True)],
)
def test_checkbox_coercion(given, expected):
    assert make_form({"type": "checkbox", "key": "ok"}).validate({"ok": given}) == {"ok": expected}


@pytest.mark.parametrize("bad", ["maybe", 2, [], "", {}])
def test_checkbox_refuses(bad):
    assert errors_of(make_form({"type": "checkbox", "key": "ok"}), {"ok": bad}) == {
        "ok": ["Not a valid boolean."]
    }


def test_required_checkbox_must_be_ticked():
    form = make_form({"type": "checkbox", "key": "agree", "validate": {"required": True}})
    assert form.validate({"agree": True}) == {"agree": True}
    for bad in ({"agree": False}, {"agree": "false"}, {}, {"agree": None}):
        assert errors_of(form, bad) == {"agree": ["This field is required."]}


# --- options -------------------------------------------------------------------------------------

OPTIONS = [
    {"label": "Gold", "value": "gold"},
    {"label": "Silver", "value": "silver"},
    {"label": "One", "value": 1},
]


@pytest.mark.parametrize("ctype", ["radio", "select"])
def test_single_choice_static(ctype):
    form = make_form({"type": ctype, "key": "tier", "values": OPTIONS, "validate": {"required": True}})
    assert form.validate({"tier": "gold"}) == {"tier": "gold"}
    assert form.validate({"tier": 1.0}) == {"tier": 1}
    for bad in ("bronze", "1", True, ["gold"], "GOLD"):
        assert errors_of(form, {"tier": bad}) == {"tier": ["Not one of the allowed values."]}
    assert errors_of(form, {"tier": ""}) == {"tier": ["This field is required."]}


def test_single_choice_empty_string_can_be_an_option():
    form = make_form({"type": "select", "key": "s", "values": [{"label": "None", "value": ""}]})
    assert form.validate({"s": ""}) == {"s": ""}
    optional = make_form({"type": "select", "key": "s", "values": OPTIONS})
    assert optional.validate({"s": ""}) == {"s": None}


@pytest.mark.parametrize("source", [{"valuesKey": "tiers"}, {"valuesExpression": "=tiers"}])
def test_dynamic_options_accept_any_scalar(source):
    form = make_form({"type": "select", "key": "s", **source}, {"type": "taglist", "key": "t", **source})
    assert form.validate({"s": "anything", "t": ["x", 2, True]}) == {"s": "anything", "t": ["x", 2, True]}
    found = errors_of(form, {"s": {"a": 1}, "t": [None]})
    assert set(found) == {"s", "t.0"}


@pytest.mark.parametrize("ctype", ["checklist", "taglist"])
def test_multi_choice(ctype):
    form = make_form({"type": ctype, "key": "m", "values": OPTIONS, "validate": {"required": True}})
    assert form.validate({"m": ["silver", "gold"]}) == {"m": ["silver", "gold"]}
    assert errors_of(form, {"m": []}) == {"m": ["This field is required."]}
    assert errors_of(form, {"m": "gold"}) == {"m": ["Not a valid list."]}
    assert errors_of(form, {"m": ["gold", "tin", "gold"]}) == {
        "m.1": ["Not one of the allowed values."],
        "m.2": ["Duplicate value."],
    }
    assert errors_of(form, {"m": ["gold"] * 5000}) == {"m": ["More than the 1000 items allowed."]}


def test_multi_choice_default_is_filled_and_not_shared():
    form = make_form({"type": "checklist", "key": "m", "values": OPTIONS, "defaultValue": ["gold"]})
    first = form.validate({})
    first["m"].append("silver")
    assert form.validate({}) == {"m": ["gold"]}


# --- datetime ------------------------------------------------------------------------------------


def when(subtype: str, **attrs) -> dict:
    return {"type": "datetime", "key": "w", "subtype": subtype, **attrs}


@pytest.mark.parametrize(
    ("subtype", "good"),
    [
        ("date", "2024-02-29"),
        ("time", "09:30"),
        ("time", "09:30Z"),
        ("time", "23:59:59+03:30"),
        ("datetime", "2024-03-20T09:30"),
        ("datetime", "2024-03-20T09:30:15.250+03:30"),
        ("datetime", "2024-03-20T06:00Z"),
    ],
)
def test_datetime_good(subtype, good):
    result = make_form(when(subtype)).validate({"w": good})
    assert result["w"] == good.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
    json.dumps(result)


@pytest.mark.parametrize(
    ("subtype", "bad"),
    [
        ("date", "2023-02-29"),
        ("date", "1405-12-30"),  # 1405 is not a Jalali leap year
        ("date", "1650-01-01"),  # neither a Jalali year nor a plausible Gregorian one
        ("date", "2150-01-01"),
        ("date", "20240101"),
        ("date", "2024-01-01T10:00"),
        ("date", 20240101),
        ("time", "25:00"),
        ("time", "9:30"),
        ("time", "09:30 PM"),
        ("datetime", "2024-03-20"),
        ("datetime", "2024-03-20 09:30"),
        ("datetime", "2024-03-20T09:30+3"),
    ],
)
def test_datetime_bad(subtype, bad):
    assert list(errors_of(make_form(when(subtype)), {"w": bad})) == ["w"]


@pytest.mark.parametrize(
    ("subtype", "typed", "stored"),
    [
        ("date", "۱۴۰۳-۰۱-۰۱", "2024-03-20"),  # Nowruz 1403, in Persian digits
        ("date", "1405/11/15", "2027-02-04"),
        ("date", "۱۴۰۵/۱/۲", "2026-03-22"),
        ("date", "2027/2/4", "2027-02-04"),
        ("datetime", "1405-01-01T09:30+03:30", "2026-03-21T09:30+03:30"),
    ],
)
def test_a_typed_jalali_or_gregorian_date_is_stored_gregorian(subtype, typed, stored):
    assert make_form(when(subtype)).validate({"w": typed})["w"] == stored


def test_datetime_default_subtype_is_date_and_required_works():
    form = make_form({"type": "datetime", "key": "w", "validate": {"required": True}})
    assert form.validate({"w": "2024-01-01"}) == {"w": "2024-01-01"}
    assert errors_of(form, {"w": ""}) == {"w": ["This field is required."]}


# --- expression ----------------------------------------------------------------------------------


def test_expression_value_is_any_json_and_never_required():
    form = make_form(
        {"type": "expression", "key": "total", "expression": "=a * b", "validate": {"required": True}}
    )
    assert form.validate({}) == {}
    assert form.validate({"total": {"sum": [1, 2.5, None]}}) == {"total": {"sum": [1, 2.5, None]}}
    assert errors_of(form, {"total": {1, 2}}) == {"total": ["Not a JSON value."]}
    assert errors_of(form, {"total": float("inf")}) == {"total": ["Not a JSON value."]}
    assert errors_of(form, {"total": "x" * 1_000_001}) == {"total": ["Value too large."]}


# --- details -------------------------------------------------------------------------------------


def test_required_field_with_an_empty_default_is_still_required():
    form = make_form(
        {"type": "checkbox", "key": "agree", "defaultValue": False, "validate": {"required": True}},
        text("name", defaultValue="", validate={"required": True}),
        {"type": "checkbox", "key": "news", "defaultValue": False},
    )
    assert errors_of(form, {}) == {"agree": ["This field is required."], "name": ["This field is required."]}
    assert form.validate({"agree": True, "name": "N"}) == {"agree": True, "name": "N", "news": False}


def test_text_that_cannot_be_stored_is_refused():
    form = make_form(text("t"), {"type": "expression", "key": "e"})
    message = "Contains characters that cannot be stored (NUL or an unpaired surrogate)."
    assert errors_of(form, {"t": "a\x00b"}) == {"t": [message]}
    assert errors_of(form, {"t": "\ud800"}) == {"t": [message]}
    assert errors_of(form, {"e": {"k": ["\x00"]}}) == {"e": [message]}
    assert errors_of(form, {"t": "x" * 100_001}) == {"t": ["Longer than the 100000 characters allowed."]}


def test_decimal_rules_are_exact_beyond_float_precision():
    form = make_form(
        number(decimalDigits=40, increment="0.000000000000000000000000000001", serializeToString=True)
    )
    value = "1.000000000000000000000000000001"
    assert form.validate({"n": value}) == {"n": value}
    assert list(errors_of(form, {"n": value + "5"})) == ["n"]


@pytest.mark.parametrize(
    ("pattern", "good", "bad"),
    [
        (r"^\d{3}$", "123", "۱۲۳"),  # \d is ASCII-only, as in JavaScript
        ("^a[^]b$", "a\nb", "ab"),  # [^] is any character in JavaScript
        (r"^(?<x>[a-z])\k<x>$", "aa", "ab"),  # JavaScript named groups and back-references
        ("^[$]+$", "$$", "a"),  # $ inside a class stays a dollar
        ("^ok$", "ok", "ok\n"),  # $ is the very end of the text
    ],
)
def test_javascript_pattern_dialect(pattern, good, bad):
    form = make_form(text("t", validate={"pattern": pattern}))
    assert form.validate({"t": good}) == {"t": good}
    assert list(errors_of(form, {"t": bad})) == ["t"]


def test_error_summary_message():
    with pytest.raises(
        FormDataInvalid, match=r"invalid form data in 1 field\(s\): a: This field is required\."
    ):
        make_form(text("a", validate={"required": True})).validate({})
    assert issubclass(FormDataInvalid, FormError)


def test_trailing_zeros_do_not_count_as_decimal_digits():
    form = make_form(number(decimalDigits=1), number("w", decimalDigits=0))
    assert form.validate({"n": "2.50", "w": "3.000"}) == {"n": 2.5, "w": 3}


def test_literal_boolean_conditional_hide():
    form = make_form(
        text("hidden", validate={"required": True}, conditional={"hide": True}),
        text("shown", validate={"required": True}, conditional={"hide": False}),
    )
    assert errors_of(form, {}) == {"shown": ["This field is required."]}


def test_generated_schemas_stay_out_of_marshmallows_class_registry():
    from marshmallow import class_registry

    before = len(class_registry._registry)
    for _ in range(5):
        make_form(text("a"), {"type": "group", "path": "g", "components": [text("b")]}).validate({})
    assert len(class_registry._registry) == before
