"""forms: the FEEL subset of conditional.hide, and forms whose fields are shown or hidden by it."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from forms import Form, load_form, validate_data
from forms.feel import FeelError, evaluate, parse
from tests.forms.test_forms import errors_of, make_form, number, text

REQUIRED = ["This field is required."]
LEAD_CALL = Path(__file__).resolve().parents[2] / "processes" / "lead_qualification" / "lead-call.form"


def feel(source: str, **names):
    return evaluate(parse(source), names)


# --- the evaluator -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('="text"', "text"),
        (r'="a \"quoted\" \\ word\n\u0041"', 'a "quoted" \\ word\nA'),
        ("=12", 12),
        ("=-3", -3),
        ("=1.5", 1.5),
        ("=.5", 0.5),
        ("=true", True),
        ("=false", False),
        ("=null", None),
        ("  =  (true)  ", True),
        ("true", True),  # the leading "=" is optional here
        ('=[1, "a", null]', [1, "a", None]),
        ("=[]", []),
    ],
)
def test_literals(source, expected):
    assert feel(source) == expected


def test_names_and_dotted_paths():
    data = {"a": {"b": {"c": 7}}, "x": 1, "n": None, "s": "text", "l": [1]}
    assert feel("=x", **data) == 1
    assert feel("=a.b.c", **data) == 7
    assert feel("=a.b", **data) == {"c": 7}
    assert feel("=missing", **data) is None
    assert feel("=a.missing.c", **data) is None  # through a missing entry
    assert feel("=s.length", **data) is None  # through something that is not an object
    assert feel("=n.x", **data) is None
    assert feel("=l.x", **data) is None
    assert feel("=(a).b.c", **data) == 7
    assert parse("=a.b = x and not(y) or z.w in [1]").names == frozenset({"a", "x", "y", "z"})


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # numbers, by value
        ("=1 = 1", True),
        ("=1 = 1.0", True),
        ("=1 = 2", False),
        ("=1 != 2", True),
        ("=1 != 1", False),
        ("=1 < 2", True),
        ("=2 < 2", False),
        ("=2 <= 2", True),
        ("=3 <= 2", False),
        ("=3 > 2", True),
        ("=2 > 2", False),
        ("=2 >= 2", True),
        ("=1 >= 2", False),
        ("=-1.5 < 0", True),
        # strings
        ('="a" = "a"', True),
        ('="a" = "A"', False),
        ('="a" != "b"', True),
        ('="a" < "b"', True),
        ('="b" <= "a"', False),
        # booleans, lists, contexts
        ("=true = true", True),
        ("=true != false", True),
        ("=true < false", None),  # booleans have no order
        ("=[1, 2] = [1, 2]", True),
        ("=[1, 2] = [1, 2, 3]", False),
        ("=[1, 2] = [2, 1]", False),
        ("=[1, null] = [1, null]", True),
        ('=[1, "2"] = [1, 2]', None),
        # different kinds are not comparable: null (so neither hidden nor "not hidden")
        ('=1 = "1"', None),
        ('=1 != "1"', None),
        ("=true = 1", None),
        ('=1 < "2"', None),
        ("=[1] = 1", None),
    ],
)
def test_comparisons(source, expected):
    assert feel(source) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("=null = null", True),
        ("=x = null", True),  # a missing name is null
        ("=x != null", False),
        ('=x = "a"', False),
        ('="a" = x', False),
        ('=x != "a"', True),
        ('="a" != x', True),
        ("=x = 0", False),
        ("=x != 0", True),
        ("=x = false", False),
        ("=x = []", False),
        ("=x < 1", None),
        ("=x <= 1", None),
        ("=x > 1", None),
        ("=1 >= x", None),
        ("=x < null", None),
        ("=not(x)", None),
        ("=x", None),
        ("=x.y = null", True),
    ],
)
def test_null_and_missing_names(source, expected):
    assert feel(source) is expected


def test_a_name_bound_to_null_is_null_and_compares_like_missing():
    assert feel("=x = null", x=None) is True
    assert feel('=x != "a"', x=None) is True
    assert feel('=x = "a"', x="a") is True


# FEEL's three-valued logic; "n" is null, "s" is a string (not a boolean: counts as null)
LOGIC = [
    ("true", "true", True, True),
    ("true", "false", False, True),
    ("false", "false", False, False),
    ("true", "n", None, True),
    ("false", "n", False, None),
    ("n", "n", None, None),
    ("s", "true", None, True),
    ("s", "false", False, None),
]


@pytest.mark.parametrize(("left", "right", "conjunction", "disjunction"), LOGIC)
def test_and_or(left, right, conjunction, disjunction):
    names = {"n": None, "s": "yes"}
    for a, b in ((left, right), (right, left)):
        assert feel(f"={a} and {b}", **names) is conjunction
        assert feel(f"={a} or {b}", **names) is disjunction


def test_not_and_precedence():
    assert feel("=not(true)") is False
    assert feel("=not(false)") is True
    assert feel("=not(null)") is None
    assert feel('=not("x")') is None
    assert feel("=not(not(true))") is True
    assert feel("=not(x = 1)", x=1) is False
    # and binds tighter than or; comparisons tighter than both
    assert feel("=true or false and false") is True
    assert feel("=(true or false) and false") is False
    assert feel("=x = 1 or x = 2 and y = 3", x=1, y=0) is True
    assert feel("=(x = 1 or x = 2) and y = 3", x=1, y=0) is False


@pytest.mark.parametrize(
    ("source", "x", "expected"),
    [
        ('=x in ["a", "b"]', "b", True),
        ('=x in ["a", "b"]', "c", False),
        ('=x in ("a", "b")', "a", True),
        ('=x in ("a")', "a", True),
        ("=x in []", "a", False),
        ('=x in ["a", 1]', 1, True),
        ('=x in ["a", 1]', "1", None),  # not equal to "a", not comparable with 1
        ("=x in [null]", None, True),
        ('=x in ["a"]', None, False),
        ("=x in [1..10]", 1, True),
        ("=x in [1..10]", 10, True),
        ("=x in [1..10]", 10.5, False),
        ("=x in (1..10)", 1, False),
        ("=x in (1..10)", 10, False),
        ("=x in ]1..10[", 5, True),
        ("=x in ]1..10]", 10, True),
        ("=x in [1..10)", 10, False),
        ("=x in [1..10]", None, None),
        ("=x in [1..10]", "5", None),
        ('=x in ["a".."c"]', "b", True),
        ("=x in [-5..-1]", -3, True),
        ("=x in allowed", "b", True),  # a list variable
        ("=x in allowed.missing", "b", False),  # null: x = null
        ("=x in 3", 3, True),  # a single value: equality
    ],
)
def test_in(source, x, expected):
    assert feel(source, x=x, allowed=["a", "b"]) is expected


@pytest.mark.parametrize(
    "source",
    [
        "=",
        "   ",
        "=x +1",
        "=x + 1",
        "=-x",
        "=a = b = c",
        "=a < b < c",
        "=a in [1] in [2]",
        "=is defined(x)",
        "=count(x) > 1",
        "=x between 1 and 2",
        "=first name = 1",
        "=if x then true else false",
        "=some x in l satisfies x > 1",
        "=l[1] = 2",
        '=date("2024-01-01") < d',
        "='single quotes'",
        '="unterminated',
        r'="bad \q escape"',
        "=a.",
        "=a.1",
        "=a.and",
        "=(a",
        "=a)",
        "=[1, 2",
        "=x in ]1, 2[",
        "=x in [1..2",
        "=x in [1..2)x",
        "=not x",
        "=and",
        "=in",
        "=1 2",
        "=x ?",
        '=@"2024-01-01"',
        "=" + "(" * 60 + "x" + ")" * 60,
        "=" + "x = 1 or " * 1000 + "true",  # too long
        "=" + "a or " * 201 + "b",  # too many operators to evaluate safely
    ],
)
def test_outside_the_subset_is_refused(source):
    with pytest.raises(FeelError):
        parse(source)


def test_parse_refuses_non_strings():
    with pytest.raises(FeelError):
        parse(None)  # type: ignore[arg-type]


def test_random_text_only_ever_raises_feel_error():
    rng = random.Random(7)
    alphabet = 'ab x1.5"\\=!<>()[],-andornotinnulltrue_.'
    for _ in range(3000):
        source = "=" + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        try:
            expression = parse(source)
        except FeelError:
            continue
        evaluate(expression, {"a": rng.choice([None, 1, "a", [1], {"b": 2}]), "x": rng.choice([True, 0, ""])})


def test_long_chains_within_the_limits_evaluate():
    assert feel("=" + "a or " * 200 + "b", b=True) is True
    assert feel("=" + " and ".join(["(((a)))"] * 150), a=True) is True


def test_evaluate_never_raises_on_odd_values():
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    assert feel("=x = y", x=deep, y=deep) is None  # too deep to compare: no answer
    assert feel("=x = y", x=object(), y=object()) is None
    assert feel("=x < 1", x=float("nan")) is False


# --- forms: the lead qualification call ---------------------------------------------------------


@pytest.fixture(scope="module")
def lead_call() -> Form:
    return load_form(LEAD_CALL.read_bytes(), filename=LEAD_CALL.name)


def test_lead_call_loads_with_every_condition_understood(lead_call):
    assert lead_call.unevaluated_conditions == ()


def test_qualified_requires_title_and_amount(lead_call):
    assert errors_of(lead_call, {"outcome": "qualified"}) == {"opportunity_title": REQUIRED, "amount": REQUIRED}
    good = {"outcome": "qualified", "opportunity_title": "ERP for ACME", "amount": 1000, "expected_close": ""}
    assert lead_call.validate(good) == {**good, "expected_close": None}


def test_disqualified_requires_reason(lead_call):
    assert errors_of(lead_call, {"outcome": "disqualified"}) == {"reason": REQUIRED}
    assert errors_of(lead_call, {"outcome": "disqualified", "reason": ""}) == {"reason": REQUIRED}
    assert errors_of(lead_call, {"outcome": "disqualified", "reason": None}) == {"reason": REQUIRED}
    assert lead_call.validate({"outcome": "disqualified", "reason": "No budget"}) == {
        "outcome": "disqualified",
        "reason": "No budget",
    }


def test_shown_fields_are_checked_in_full(lead_call):
    data = {"outcome": "qualified", "opportunity_title": "x" * 256, "amount": -5, "expected_close": "1405-12-30"}
    assert errors_of(lead_call, data) == {
        "opportunity_title": ["Must be at most 255 characters long."],
        "amount": ["Must be greater than or equal to 0."],
        "expected_close": ["Not a valid date (expected YYYY-MM-DD, Jalali like 1405-11-15 or Gregorian like "
                           "2027-02-04)."],
    }
    assert errors_of(lead_call, {"outcome": "nurture", "recontact_days": 400}) == {
        "recontact_days": ["Must be less than or equal to 365."]
    }


def test_hidden_values_are_dropped_unchecked(lead_call):
    data = {
        "outcome": "disqualified",
        "reason": "Went with a competitor",
        "opportunity_title": "stale",
        "amount": "not a number",  # hidden: not checked, not kept
        "expected_close": "garbage",
        "recontact_days": 999,
        "call_notes": "call was short",
    }
    assert lead_call.validate(data) == {
        "outcome": "disqualified",
        "reason": "Went with a competitor",
        "call_notes": "call was short",
    }
    assert lead_call.validate({"outcome": "nurture"}) == {"outcome": "nurture"}  # recontact_days optional


def test_without_an_outcome_every_conditional_field_is_hidden(lead_call):
    # outcome missing: null != "qualified" is true, so all of them are hidden; outcome is required
    assert errors_of(lead_call, {"amount": -1, "reason": ""}) == {"outcome": REQUIRED}
    assert errors_of(lead_call, {"outcome": None}) == {"outcome": REQUIRED}


def test_an_invalid_outcome_does_not_show_anything_extra(lead_call):
    assert errors_of(lead_call, {"outcome": "maybe"}) == {"outcome": ["Not one of the allowed values."]}


def test_the_callers_data_is_not_modified(lead_call):
    data = {"outcome": "disqualified", "reason": "No budget", "amount": 5}
    before = json.dumps(data)
    lead_call.validate(data)
    assert json.dumps(data) == before


# --- forms: context, groups, lists, defaults -----------------------------------------------------


def test_context_variables_are_seen_and_submitted_data_wins():
    form = make_form(
        text("vip_note", validate={"required": True}, conditional={"hide": '=tier != "gold"'}),
        text("tier"),
    )
    assert form.validate({}) == {}  # no tier anywhere: hidden
    assert form.validate({}, context={"tier": "silver"}) == {}
    assert errors_of(form, {}, context={"tier": "gold"}) == {"vip_note": REQUIRED}
    assert form.validate({"vip_note": "hi"}, {"tier": "gold"}) == {"vip_note": "hi"}
    # the submitted value wins over the process variable, both ways
    assert form.validate({"tier": "silver", "vip_note": "x"}, {"tier": "gold"}) == {"tier": "silver"}
    assert errors_of(form, {"tier": "gold"}, {"tier": "silver"}) == {"vip_note": REQUIRED}
    # submitted null wins too (it is a value: null)
    assert form.validate({"tier": None}, {"tier": "gold"}) == {"tier": None}
    assert validate_data(form, {"vip_note": "x"}, {"tier": "gold"}) == {"vip_note": "x"}


def test_context_must_be_a_mapping():
    form = make_form(text("a", conditional={"hide": "=x"}))
    with pytest.raises(TypeError, match="context must be a mapping"):
        form.validate({}, context=["x"])  # type: ignore[arg-type]


def test_context_with_dotted_paths():
    form = make_form(
        number("discount", validate={"required": True, "max": 50}, conditional={"hide": "=customer.tier.level < 3"})
    )
    assert form.validate({"discount": 80}, {"customer": {"tier": {"level": 1}}}) == {}
    assert errors_of(form, {"discount": 80}, {"customer": {"tier": {"level": 3}}}) == {
        "discount": ["Must be less than or equal to 50."]
    }
    # missing path: null < 3 is null, not true: shown
    assert errors_of(form, {}, {"customer": {}}) == {"discount": REQUIRED}


def group(components, hide=None, path=None) -> dict:
    comp: dict = {"type": "group", "components": components}
    if path is not None:
        comp["path"] = path
    if hide is not None:
        comp["conditional"] = {"hide": hide}
    return comp


def test_a_group_with_a_path_hides_its_children_and_its_object():
    form = make_form(
        {"type": "checkbox", "key": "has_address"},
        group([text("city", validate={"required": True}), text("street")], hide="=not(has_address)", path="address"),
    )
    assert errors_of(form, {}) == {"address.city": REQUIRED}  # not(null) is null: shown
    assert errors_of(form, {"has_address": True}) == {"address.city": REQUIRED}
    assert form.validate({"has_address": False}) == {"has_address": False}
    assert form.validate({"has_address": False, "address": {"city": "", "street": "x"}}) == {"has_address": False}
    assert form.validate({"has_address": True, "address": {"city": "Tehran"}}) == {
        "has_address": True,
        "address": {"city": "Tehran"},
    }


def test_a_group_shown_because_its_condition_is_null_still_requires():
    form = make_form(group([text("city", validate={"required": True})], hide="=flag", path="g"))
    assert errors_of(form, {}) == {"g.city": REQUIRED}
    assert form.validate({}, {"flag": True}) == {}
    assert form.validate({"g": {"city": "x"}}, {"flag": True}) == {}
    assert form.validate({"g": None}, {"flag": True}) == {}


def test_nested_groups_hide_what_is_inside_them():
    inner = group(
        [text("b", validate={"required": True}), text("c", validate={"required": True}, conditional={"hide": "=z"})],
        hide="=y",
    )
    outer = group([text("a", validate={"required": True}), inner], hide="=x", path="o")
    form = make_form(outer)
    both = {"a": REQUIRED, "b": REQUIRED, "c": REQUIRED}
    assert errors_of(form, {}) == {f"o.{key}": value for key, value in both.items()}
    assert form.validate({}, {"x": True}) == {}
    assert form.validate({"o": {"a": "1", "b": "2", "c": "3"}}, {"x": True}) == {}
    assert errors_of(form, {}, {"y": True}) == {"o.a": REQUIRED}
    assert form.validate({"o": {"a": "1", "b": "", "c": None}}, {"y": True}) == {"o": {"a": "1"}}
    assert errors_of(form, {"o": {"a": "1"}}, {"z": True}) == {"o.b": REQUIRED}
    assert form.validate({"o": {"a": "1", "b": "2"}}, {"z": True}) == {"o": {"a": "1", "b": "2"}}


def test_a_group_without_path_shares_its_object_with_shown_fields():
    form = make_form(
        text("g.shown"),
        group([text("g.hidden", validate={"required": True})], hide="=true"),
    )
    assert form.validate({"g": {"shown": "x", "hidden": "y"}}) == {"g": {"shown": "x"}}
    assert form.validate({"g": {"shown": "", "hidden": "y"}}) == {"g": {"shown": ""}}
    assert form.validate({"g": {"hidden": "y"}}) == {}  # left empty by hiding: left out
    assert form.validate({"g": {}}) == {"g": {}}  # sent empty: stays
    assert form.validate({}) == {}
    assert errors_of(form, {"g": {"nope": 1}}) == {"g.nope": ["Unknown field."]}


def test_an_empty_group_that_was_sent_empty_stays():
    form = make_form(group([text("a"), text("b", conditional={"hide": "=true"})], path="g"))
    assert form.validate({"g": {}}) == {"g": {}}
    assert form.validate({"g": {"a": ""}}) == {"g": {"a": ""}}


def test_defaults_of_hidden_fields_are_not_filled_in():
    form = make_form(
        text("mode"),
        text("hidden_default", defaultValue="d1", conditional={"hide": '=mode = "short"'}),
        group([text("x", defaultValue="d2", conditional={"hide": '=mode = "short"'})], path="g"),
    )
    assert form.validate({}) == {"hidden_default": "d1", "g": {"x": "d2"}}
    assert form.validate({"mode": "short"}) == {"mode": "short"}


def test_required_field_with_a_default_when_shown():
    form = make_form(
        {
            "type": "select",
            "key": "s",
            "values": [{"value": "a"}, {"value": "b"}],
            "defaultValue": "a",
            "validate": {"required": True},
            "conditional": {"hide": "=off"},
        }
    )
    assert form.validate({}) == {"s": "a"}
    assert form.validate({}, {"off": True}) == {}
    assert errors_of(form, {"s": None}) == {"s": REQUIRED}


def test_required_checkbox_and_checklist_when_shown():
    options = [{"value": "a"}, {"value": "b"}]
    form = make_form(
        {"type": "checkbox", "key": "agree", "validate": {"required": True}, "conditional": {"hide": "=off"}},
        {
            "type": "checklist",
            "key": "picks",
            "values": options,
            "validate": {"required": True},
            "conditional": {"hide": "=off"},
        },
    )
    assert errors_of(form, {"agree": False, "picks": []}) == {"agree": REQUIRED, "picks": REQUIRED}
    assert form.validate({"agree": False, "picks": []}, {"off": True}) == {}
    assert form.validate({"agree": True, "picks": ["a"]}) == {"agree": True, "picks": ["a"]}


def test_conditions_read_other_fields_values_as_submitted():
    form = make_form(
        number("amount"),
        text("approval", validate={"required": True}, conditional={"hide": "=amount <= 1000"}),
        {"type": "checklist", "key": "tags", "values": [{"value": "x"}, {"value": "y"}]},
        text("why_y", validate={"required": True}, conditional={"hide": '=not("y" in tags)'}),
    )
    assert form.validate({"amount": 500}) == {"amount": 500}
    assert errors_of(form, {"amount": 5000}) == {"approval": REQUIRED}
    # null <= 1000 is null: shown
    assert errors_of(form, {}) == {"approval": REQUIRED}
    # a number sent as text is compared as text: not comparable with 1000, so shown (stricter)
    assert errors_of(form, {"amount": "500"}) == {"approval": REQUIRED}
    # "y" in tags: tags is a list, so "y" equals one of its items
    assert errors_of(form, {"amount": 1, "tags": ["y"]}) == {"why_y": REQUIRED}
    assert form.validate({"amount": 1, "tags": ["x"]}) == {"amount": 1, "tags": ["x"]}


def test_a_hidden_dynamic_list_is_dropped():
    form = make_form(
        {"type": "checkbox", "key": "has_contacts"},
        {
            "type": "dynamiclist",
            "path": "contacts",
            "conditional": {"hide": "=has_contacts != true"},
            "components": [text("email", validate={"required": True, "validationType": "email"})],
        },
    )
    assert form.validate({"contacts": [{"email": "bad"}]}) == {}
    assert form.validate({"has_contacts": False, "contacts": "garbage"}) == {"has_contacts": False}
    assert errors_of(form, {"has_contacts": True, "contacts": [{"email": "bad"}, {}]}) == {
        "contacts.0.email": ["Not a valid email address."],
        "contacts.1.email": REQUIRED,
    }


def test_conditions_inside_a_dynamic_list_are_evaluated_per_item():
    form = make_form(
        text("country"),
        {
            "type": "dynamiclist",
            "path": "people",
            "components": [
                {"type": "radio", "key": "kind", "values": [{"value": "person"}, {"value": "company"}]},
                text("national_id", validate={"required": True}, conditional={"hide": '=this.kind != "person"'}),
                text("tax_id", validate={"required": True}, conditional={"hide": '=this.kind != "company"'}),
                text("iran_only", validate={"required": True}, conditional={"hide": '=country != "IR"'}),
                group([text("second", validate={"required": True})], hide="=i[1] = 1"),
            ],
        },
    )
    data = {
        "people": [
            {"kind": "person", "national_id": "123", "tax_id": "dropped"},
            {"kind": "company", "national_id": "dropped", "tax_id": "T-9"},
            {"kind": "person"},
            {},
        ]
    }
    assert errors_of(form, data) == {"people.2.national_id": REQUIRED}
    data["people"][2]["national_id"] = "456"
    assert form.validate(data) == {
        "people": [
            {"kind": "person", "national_id": "123"},
            {"kind": "company", "tax_id": "T-9"},
            {"kind": "person", "national_id": "456"},
            {},
        ]
    }
    # top-level names are the form's data, for every item
    assert errors_of(form, {"country": "IR", "people": [{}]}) == {"people.0.iran_only": REQUIRED}
    # "i[1]" is outside the subset: that group is maybe hidden (optional), and reported
    assert len(form.unevaluated_conditions) == 1
    assert "group at components[1].components[4]" in form.unevaluated_conditions[0]


def test_this_and_parent_in_nested_lists():
    form = make_form(
        {
            "type": "dynamiclist",
            "path": "orders",
            "components": [
                text("currency"),
                {
                    "type": "dynamiclist",
                    "path": "lines",
                    "components": [
                        number(
                            "rial_price", validate={"required": True}, conditional={"hide": '=parent.currency != "IRR"'}
                        ),
                        number("qty", validate={"required": True}, conditional={"hide": "=this.free = true"}),
                        {"type": "checkbox", "key": "free"},
                    ],
                },
            ],
        }
    )
    data = {"orders": [{"currency": "IRR", "lines": [{"free": True}, {"qty": 1}]}, {"lines": [{"free": False}]}]}
    assert errors_of(form, data) == {
        "orders.0.lines.0.rial_price": REQUIRED,
        "orders.0.lines.1.rial_price": REQUIRED,
        "orders.1.lines.0.qty": REQUIRED,
    }


# --- forms: conditions that cannot be evaluated --------------------------------------------------


@pytest.mark.parametrize(
    ("hide", "reason"),
    [
        ("=is defined(x)", "outside the FEEL subset"),
        ("=amount + 1 > 2", "outside the FEEL subset"),
        ("=x = ", "outside the FEEL subset"),
        ("approved", "no leading '='"),
        (True, "the boolean true"),
        (1, "not a FEEL expression"),
        ({"x": 1}, "not a FEEL expression"),
    ],
)
def test_unevaluated_conditions_keep_the_field_optional_and_are_listed(hide, reason):
    form = make_form(text("a", validate={"required": True, "minLength": 3}, conditional={"hide": hide}), text("b"))
    assert len(form.unevaluated_conditions) == 1
    assert form.unevaluated_conditions[0].startswith("textfield key='a' at components[0]: ")
    assert reason in form.unevaluated_conditions[0]
    assert form.validate({}) == {}  # maybe hidden: optional, as before
    assert form.validate({"a": "abc"}) == {"a": "abc"}  # sent: kept and checked
    assert errors_of(form, {"a": "ab"}) == {"a": ["Must be at least 3 characters long."]}


@pytest.mark.parametrize("hide", [None, False, "", "=", "  = ", "false", "FALSE", "=false", "=null", "=1 = 2", 0, []])
def test_conditions_that_never_hide(hide):
    form = make_form(text("a", validate={"required": True}, conditional={"hide": hide}))
    assert form.unevaluated_conditions == ()
    assert errors_of(form, {}) == {"a": REQUIRED}


def test_an_unevaluated_container_condition_makes_everything_inside_optional():
    form = make_form(
        group(
            [
                text("a", validate={"required": True}),
                text("b", validate={"required": True}, conditional={"hide": "=x"}),
            ],
            hide="=is defined(y)",
            path="g",
        )
    )
    assert [entry.split(":")[0] for entry in form.unevaluated_conditions] == ["group path='g' at components[0]"]
    assert form.validate({}) == {}
    # an evaluable condition still hides: b's value is dropped when x is true
    assert form.validate({"g": {"a": "1", "b": "2"}}, {"x": True}) == {"g": {"a": "1"}}
    assert form.validate({"g": {"a": "1", "b": "2"}}) == {"g": {"a": "1", "b": "2"}}


def test_unevaluated_conditions_survive_a_reload_and_direct_construction():
    form = make_form(text("a", conditional={"hide": "=f(x)"}))
    again = load_form(json.dumps(form.schema))
    assert again.unevaluated_conditions == form.unevaluated_conditions
    direct = Form(form.id, form.schema, form.fields)
    assert direct.unevaluated_conditions == form.unevaluated_conditions
    assert direct == form


def test_readonly_or_disabled_fields_ignore_conditions():
    form = make_form(text("locked", readonly=True, conditional={"hide": "=x"}), text("b", conditional={"hide": "=x"}))
    assert form.validate({"locked": "forged", "b": "kept"}) == {"b": "kept"}
    assert form.validate({"locked": "forged", "b": "dropped"}, {"x": True}) == {}
