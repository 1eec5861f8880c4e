"""Amounts: integer rials in, rials or tomans out, in English or Persian."""

from __future__ import annotations

import pytest

from crm.errors import InvalidRecord
from crm.money import MAX_AMOUNT, format_amount, parse_amount


@pytest.mark.parametrize(("rials", "unit", "locale", "shown"), [
    (1_234_500, "rial", "en", "1,234,500 rials"),
    (1_234_500, "toman", "en", "123,450 tomans"),
    (1_234_500, "rial", "fa", "۱٬۲۳۴٬۵۰۰ ریال"),
    (1_234_500, "toman", "fa", "۱۲۳٬۴۵۰ تومان"),
    (1_234_505, "toman", "en", "123,450.5 tomans"),
    (1_234_505, "toman", "fa", "۱۲۳٬۴۵۰٫۵ تومان"),
    (0, "rial", "en", "0 rials"),
    (-2_000, "toman", "en", "-200 tomans"),
])
def test_format_amount(rials, unit, locale, shown):
    assert format_amount(rials, unit, locale) == shown


def test_format_refuses_unknown_unit_or_locale():
    with pytest.raises(ValueError):
        format_amount(10, "dollar")
    with pytest.raises(ValueError):
        format_amount(10, "rial", "de")


@pytest.mark.parametrize(("typed", "rials"), [
    ("1,234,500", 1_234_500), ("۱٬۲۳۴٬۵۰۰", 1_234_500), ("١٬٢٣٤٬٥٠٠", 1_234_500), ("1 234 500", 1_234_500),
    ("1234500 ریال", 1_234_500), ("1,234,500 rials", 1_234_500), ("123,450 تومان", 1_234_500),
    ("۱۲۳٬۴۵۰ تومان", 1_234_500), ("12.5 toman", 125), ("۱۲۳٫۴ تومان", 1_234), ("0", 0), (42, 42),
    ("1000ریال", 1000), ("1_000", 1000),
])
def test_parse_amount(typed, rials):
    assert parse_amount(typed) == rials


@pytest.mark.parametrize("typed", ["-5", -5, "abc", "", "1.5", "12 dollars", True, 1.5, None, "1,2.3.4",
                                   MAX_AMOUNT, "9" * 40])
def test_parse_refuses(typed):
    with pytest.raises(InvalidRecord) as refused:
        parse_amount(typed, "price")
    assert list(refused.value.field_errors) == ["price"]
