"""forms: groups, dynamic lists, readonly/disabled, conditionals, unknown keys and garbage input."""

from __future__ import annotations

import json
import random

import pytest

from forms import FormDataInvalid, FormError, load_form
from tests.forms.test_forms import errors_of, make_form, number, text

REQ = {"required": True}


def customer_form():
    return make_form(
        text("name", validate=REQ),
        {
            "type": "group",
            "label": "Address",
            "path": "address",
            "components": [text("city", validate=REQ), text("street"), text("geo.lat")],
        },
        {"type": "group", "label": "No path: flat", "components": [text("phone")]},
        {
            "type": "dynamiclist",
            "path": "contacts",
            "isRepeating": True,
            "components": [
                text("email", validate={"required": True, "validationType": "email"}),
                {
                    "type": "dynamiclist",
                    "path": "notes",
                    "components": [number("stars", validate={"max": 5})],
                },
            ],
        },
        text("meta.source"),
    )


def test_fields_are_dotted_paths_in_form_order():
    assert customer_form().fields == (
        "name",
        "address.city",
        "address.street",
        "address.geo.lat",
        "phone",
        "contacts.email",
        "contacts.notes.stars",
        "meta.source",
    )


def test_nested_data_round_trips():
    data = {
        "name": "Reza",
        "address": {"city": "Tabriz", "geo": {"lat": "38.08"}},
        "phone": "+98411",
        "contacts": [{"email": "a@b.ir", "notes": [{"stars": "۵"}]}, {"email": "c@d.ir"}],
        "meta": {"source": "web"},
    }
    result = customer_form().validate(data)
    assert result["contacts"][0]["notes"] == [{"stars": 5}]
    assert result["address"] == {"city": "Tabriz", "geo": {"lat": "38.08"}}
    assert json.loads(json.dumps(result)) == result


def test_nested_errors_have_dotted_paths():
    found = errors_of(
        customer_form(),
        {
            "name": "R",
            "address": {"street": "x", "zip": "1"},
            "contacts": [{"email": "bad", "notes": [{"stars": 9}, "junk"]}, None, {"emial": "x"}],
        },
    )
    assert found == {
        "address.city": ["This field is required."],
        "address.zip": ["Unknown field."],
        "contacts.0.email": ["Not a valid email address."],
        "contacts.0.notes.0.stars": ["Must be less than or equal to 5."],
        "contacts.0.notes.1": ["Not a valid object."],
        "contacts.1": ["Not a valid object."],
        "contacts.2.email": ["This field is required."],
        "contacts.2.emial": ["Unknown field."],
    }


def test_missing_group_still_reports_its_required_fields():
    assert errors_of(customer_form(), {"name": "R"}) == {"address.city": ["This field is required."]}
    assert errors_of(customer_form(), {"name": "R", "address": None}) == {
        "address.city": ["This field is required."]
    }


def test_missing_optional_group_stays_absent():
    form = make_form({"type": "group", "path": "extra", "components": [text("a")]})
    assert form.validate({}) == {}
    assert form.validate({"extra": None}) == {"extra": None}
    assert errors_of(form, {"extra": "x"}) == {"extra": ["Not a valid object."]}


def test_group_defaults_are_filled_when_the_group_is_absent():
    form = make_form({"type": "group", "path": "g", "components": [number("n", defaultValue=3)]})
    assert form.validate({}) == {"g": {"n": 3}}


def test_groups_with_the_same_path_merge():
    form = make_form(
        {"type": "group", "path": "a", "components": [text("x")]},
        {"type": "group", "path": "a", "components": [text("y")]},
    )
    assert form.validate({"a": {"x": "1", "y": "2"}}) == {"a": {"x": "1", "y": "2"}}


def test_dynamic_list_shape_errors():
    form = customer_form()
    base = {"name": "R", "address": {"city": "T"}}
    assert errors_of(form, {**base, "contacts": {"email": "a@b.ir"}}) == {"contacts": ["Not a valid list."]}
    assert errors_of(form, {**base, "contacts": [{}] * 1001}) == {
        "contacts": ["More than the 1000 items allowed."]
    }
    assert form.validate({**base, "contacts": []})["contacts"] == []


def test_unknown_fields_are_refused_at_every_level():
    form = make_form(text("customerName"))
    assert errors_of(form, {"customerNmae": "typo"}) == {"customerNmae": ["Unknown field."]}
    assert errors_of(form, {"customerName": "x", 7: "int key"}) == {"7": ["Unknown field."]}


def test_readonly_and_disabled_values_are_dropped_and_never_required():
    form = make_form(
        text("locked", readonly=True, validate=REQ),
        text("off", disabled=True, validate=REQ, defaultValue="d"),
        text("free"),
    )
    assert form.fields == ("locked", "off", "free")
    assert form.validate({}) == {}
    assert form.validate({"locked": "forged", "off": {"any": "garbage"}, "free": "ok"}) == {"free": "ok"}


def test_readonly_expression_means_editable_but_not_required():
    form = make_form(text("maybe", readonly="=isManager", validate=REQ))
    assert form.validate({}) == {}
    assert form.validate({"maybe": "x"}) == {"maybe": "x"}


def test_conditional_fields_are_required_when_shown_and_dropped_when_hidden():
    # (see tests/forms/test_conditions.py for the details)
    form = make_form(
        text("reason", validate={"required": True, "minLength": 5}, conditional={"hide": "=approved"}),
        text("always", validate=REQ, conditional={"hide": "=false"}),
        {
            "type": "group",
            "path": "g",
            "conditional": {"hide": "=x = 1"},
            "components": [text("inner", validate=REQ)],
        },
    )
    required = ["This field is required."]
    assert errors_of(form, {}) == {"always": required, "reason": required, "g.inner": required}
    hidden = {"approved": True, "x": 1}
    assert form.validate({"always": "a", "reason": "no", "g": {"inner": ""}}, hidden) == {"always": "a"}
    assert errors_of(form, {"always": "a", "reason": "no"}, {"x": 1}) == {
        "reason": ["Must be at least 5 characters long."]
    }


def test_required_with_default_is_filled_but_null_is_refused():
    form = make_form(
        {"type": "select", "key": "s", "values": [{"value": "a"}], "defaultValue": "a", "validate": REQ}
    )
    assert form.validate({}) == {"s": "a"}
    assert errors_of(form, {"s": None}) == {"s": ["This field is required."]}


# --- garbage ------------------------------------------------------------------------------------


def everything_form():
    options = [{"label": "A", "value": "a"}, {"label": "B", "value": "b"}]
    return make_form(
        text("t", validate={"required": True, "pattern": "^(a|b)+$", "maxLength": 50}),
        {"type": "textarea", "key": "ta"},
        number("n", decimalDigits=2, increment=0.5, validate={"min": -10, "max": 10}),
        {"type": "checkbox", "key": "c"},
        {"type": "checklist", "key": "cl", "values": options},
        {"type": "radio", "key": "r", "values": options},
        {"type": "select", "key": "s", "valuesKey": "opts"},
        {"type": "taglist", "key": "tl", "values": options},
        {"type": "datetime", "key": "d", "subtype": "datetime"},
        {"type": "expression", "key": "e", "expression": "=1"},
        {"type": "group", "path": "g", "components": [text("x", validate=REQ)]},
        {"type": "dynamiclist", "path": "dl", "components": [number("y", validate=REQ)]},
    )


GARBAGE = [
    None,
    True,
    0,
    -1,
    1.5,
    float("nan"),
    float("-inf"),
    "",
    " ",
    "x" * 200_000,
    "۱" * 5000,
    "\x00",
    [],
    [None],
    [[[]]],
    {},
    {"": None},
    {"a": {"b": {"c": []}}},
    {1, 2},
    b"bytes",
    object(),
    10**5000,
    "1e400",
    "-0",
    "٫",
    "++1",
    "2024-13-45T99:99",
    "\ud800",
]


def random_value(rng: random.Random, depth: int = 0):
    if depth > 3 or rng.random() < 0.5:
        return rng.choice(GARBAGE)
    if rng.random() < 0.5:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    keys = ["t", "n", "x", "y", "zz", 3]
    return {rng.choice(keys): random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}


@pytest.mark.parametrize("data", [None, [], [("t", "a")], "t=a", 5, b"{}", object()])
def test_non_mapping_submissions(data):
    assert errors_of(everything_form(), data) == {"_schema": ["Expected an object of field values."]}


def test_garbage_values_only_ever_raise_form_data_invalid():
    form = everything_form()
    keys = ["t", "ta", "n", "c", "cl", "r", "s", "tl", "d", "e", "g", "dl"]
    rng = random.Random(1234)
    for key in keys:
        for value in GARBAGE:
            _validate_or_invalid(form, {"t": "ab", key: value})
    for _ in range(1500):
        data = {rng.choice([*keys, "unknown"]): random_value(rng) for _ in range(rng.randint(0, 6))}
        _validate_or_invalid(form, data)


def _validate_or_invalid(form, data):
    try:
        result = form.validate(data)
    except FormDataInvalid as exc:
        assert exc.field_errors
        assert all(
            isinstance(k, str) and v and all(isinstance(m, str) for m in v)
            for k, v in exc.field_errors.items()
        )
    else:
        json.dumps(result, allow_nan=False)


def test_deeply_nested_garbage_value():
    deep: list = []
    for _ in range(10_000):
        deep = [deep]
    with pytest.raises(FormDataInvalid):
        everything_form().validate({"t": "ab", "e": deep, "cl": deep, "dl": deep})


def random_component(rng: random.Random, depth: int = 0):
    choice = rng.random()
    if choice < 0.3:
        return rng.choice([*GARBAGE[:-8], {"type": "group"}, {"type": "dynamiclist", "path": "p"}])
    comp = {
        "type": rng.choice(
            [
                "textfield",
                "number",
                "select",
                "checklist",
                "datetime",
                "group",
                "dynamiclist",
                "text",
                "bogus",
                "expression",
                "checkbox",
            ]
        )
    }
    for attr in (
        "key",
        "path",
        "validate",
        "values",
        "defaultValue",
        "subtype",
        "readonly",
        "conditional",
        "id",
    ):
        if rng.random() < 0.4:
            comp[attr] = random_value(rng, 2) if rng.random() < 0.5 else rng.choice(["a", "b.c", "=x", "x"])
    if comp["type"] in ("group", "dynamiclist") and depth < 3:
        comp["components"] = [random_component(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return comp


def test_garbage_forms_only_ever_raise_form_error():
    rng = random.Random(99)
    loaded = 0
    for _ in range(1500):
        document = {"id": "g", "components": [random_component(rng) for _ in range(rng.randint(0, 4))]}
        try:
            raw = json.dumps(document)
        except (TypeError, ValueError):
            raw = document
        try:
            form = load_form(raw)
        except FormError:
            continue
        loaded += 1
        _validate_or_invalid(form, {"a": "x", "b": {"c": 1}, "p": [{}]})
    assert loaded > 50
