"""form-js ``validate.pattern`` runs on employees' input in bounded time (a catastrophic pattern is a
field error, not a held server) and keeps JavaScript's meaning."""

from __future__ import annotations

import time

import pytest

from forms import FormDataInvalid, load_form
from forms.patterns import TIMEOUT_MESSAGE, PatternTimeout, compile_js_pattern, pattern_budget, pattern_matches

EVIL = "^(a|aa)+$"  # catastrophic for the regex module too (it now fails ^(a+)+$ quickly)


def _form(pattern: str, *keys: str) -> object:
    components = [{"type": "textfield", "key": key, "label": key, "validate": {"pattern": pattern}} for key in keys]
    return load_form({"id": "f", "type": "default", "components": components})


def _errors(form: object, data: dict) -> dict[str, list[str]]:
    with pytest.raises(FormDataInvalid) as info:
        form.validate(data)  # type: ignore[attr-defined]
    return info.value.field_errors


def test_catastrophic_pattern_on_a_long_value_is_a_field_error():
    form = _form(EVIL, "code")
    started = time.monotonic()
    errors = _errors(form, {"code": "a" * 5_000 + "b"})
    elapsed = time.monotonic() - started
    assert errors == {"code": [TIMEOUT_MESSAGE]}
    assert elapsed < 1.0, elapsed  # Python's re takes hours on this value


def test_the_same_pattern_still_decides_short_values():
    form = _form(EVIL, "code")
    assert form.validate({"code": "aaaa"}) == {"code": "aaaa"}
    assert "Must match the pattern" in _errors(form, {"code": "aab"})["code"][0]


def test_many_evil_fields_share_one_budget():
    keys = [f"k{i}" for i in range(40)]
    form = _form(EVIL, *keys)
    started = time.monotonic()
    errors = _errors(form, {key: "a" * 3_000 + "b" for key in keys})
    elapsed = time.monotonic() - started
    assert set(errors) == set(keys) and all(messages == [TIMEOUT_MESSAGE] for messages in errors.values())
    assert elapsed < 2.0, elapsed  # 40 fields x the per-value timeout would be more; the budget stops it


def test_a_spent_budget_refuses_at_once_and_is_scoped():
    compiled = compile_js_pattern("^[0-9]+$")
    with pattern_budget(0.0), pytest.raises(PatternTimeout):
        pattern_matches(compiled, "123")
    assert pattern_matches(compiled, "123")  # outside the block: only the per-value timeout


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("^[0-9]{10}$", "0912345678", True),
        ("^[0-9]{10}$", "0912345678\n", False),  # JavaScript's $ is the very end
        ("b", "abc", True),  # a search, not a full match
        ("^[^]+$", "a\nb", True),
        ("^(?<x>a)\\k<x>$", "aa", True),
        ("^\\d+$", "۱۲۳", False),  # \d is ASCII only, as in JavaScript without the u flag
        ("^(?=.*[0-9])(?=.*[a-z]).{6,}$", "abc123", True),  # lookaheads work
    ],
)
def test_javascript_meaning_is_kept(pattern, text, expected):
    assert pattern_matches(compile_js_pattern(pattern), text) is expected


def test_invalid_pattern_is_refused_at_load():
    with pytest.raises(ValueError):
        compile_js_pattern("(")
