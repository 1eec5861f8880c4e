"""Telephone numbers to E.164: Iranian by default, other countries with + or 00, digits in any script."""

from __future__ import annotations

import pytest

from crm.errors import InvalidRecord
from crm.phones import is_iranian_mobile, normalise_phone


@pytest.mark.parametrize("typed", [
    "09121234567", "9121234567", "+989121234567", "+98 912 123 4567", "0098 912 123 4567", "989121234567",
    "0912-123-4567", "(0912) 123 45 67", "0912.123.4567", "۰۹۱۲۱۲۳۴۵۶۷", "٠٩١٢١٢٣٤٥٦٧", "۰۹۱۲ ۱۲۳ ۴۵ ۶۷",
    " +۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷ ",
])
def test_iranian_mobile_every_way(typed):
    assert normalise_phone(typed) == "+989121234567"
    assert is_iranian_mobile(normalise_phone(typed))


@pytest.mark.parametrize(("typed", "expected"), [
    ("021 8877 6655", "+982188776655"),
    ("(021) 88776655", "+982188776655"),
    ("۰۳۱-۳۲۲۲۴۴۵۵", "+983132224455"),
    ("+1 (415) 555-0100", "+14155550100"),
    ("001 415 555 0100", "+14155550100"),
    ("+44 20 7946 0958", "+442079460958"),
    ("+49 30 123456", "+4930123456"),
])
def test_landlines_and_foreign(typed, expected):
    assert normalise_phone(typed) == expected
    assert not is_iranian_mobile(expected)


@pytest.mark.parametrize("blank", [None, "", "   ", "- ( )"])
def test_blank_is_none(blank):
    assert normalise_phone(blank) is None


@pytest.mark.parametrize("typed", [
    "12345",  # a local number without area code
    "88776655",
    "091212345678",  # one digit too many
    "0912123456",  # too few for a mobile written with 0... and not ten without it
    "+98 912 123",  # Iranian, too short
    "+98 0912 123 4567",  # a 0 after the country code
    "+0123456789",  # no country starts with 0
    "+1234567890123456",  # longer than E.164 allows
    "0912 123 45x7", "call me", "0912+1234567", "+", "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩",
])
def test_refused_with_the_field_named(typed):
    with pytest.raises(InvalidRecord) as refused:
        normalise_phone(typed, "mobile")
    assert list(refused.value.field_errors) == ["mobile"] and refused.value.field_errors["mobile"][0]


def test_is_iranian_mobile():
    assert is_iranian_mobile("+989351234567")
    assert not is_iranian_mobile("+982188776655")
    assert not is_iranian_mobile("09121234567")
    assert not is_iranian_mobile(None)
