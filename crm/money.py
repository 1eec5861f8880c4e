"""Amounts: stored as integer rials, shown in rials or tomans (1 toman = 10 rials), in English or
Persian (Persian digits, the Arabic thousands separator ٬ and the words ریال / تومان)."""

from __future__ import annotations

import re

from crm.errors import invalid
from crm.text import ascii_digits, persian_digits

UNITS = ("rial", "toman")
RIALS_PER_TOMAN = 10
_WORDS = {"en": {"rial": "rials", "toman": "tomans"}, "fa": {"rial": "ریال", "toman": "تومان"}}
_UNIT_WORDS = {"rial": "rial", "rials": "rial", "irr": "rial", "ریال": "rial", "ريال": "rial",
               "toman": "toman", "tomans": "toman", "تومان": "toman", "تومن": "toman"}
# what people put between groups of digits: spaces, commas (also ٬ and ،), apostrophes, underscores, ZWNJ
SEPARATORS = re.compile(r"[\s,'’_٬،\u200c]+")
_NUMBER = re.compile(r"([0-9]+)(?:[.٫]([0-9]))?")
_WITH_UNIT = re.compile(r"(.*?)\s*([^\W\d_]+)?")
MAX_AMOUNT = 10**15  # a quadrillion rials: far above any sale, far below the database's 64-bit limit


def format_number(value: int, locale: str = "en") -> str:
    """``1234500`` → "1,234,500"; in Persian "۱٬۲۳۴٬۵۰۰" (Persian digits, the Arabic thousands separator)."""
    return _localised(f"{value:,}", locale)


def format_figure(rials: int, unit: str = "rial", locale: str = "en") -> str:
    """The number of ``format_amount`` without the unit's word: "123,450.5" / "۱۲۳٬۴۵۰٫۵" tomans."""
    if unit not in UNITS:
        raise ValueError(f"unit is one of {UNITS}, not {unit!r}")
    if locale not in _WORDS:
        raise ValueError(f"locale is one of {tuple(_WORDS)}, not {locale!r}")
    sign, value = ("-" if rials < 0 else ""), abs(int(rials))
    whole, tenth = (divmod(value, RIALS_PER_TOMAN) if unit == "toman" else (value, 0))
    return sign + _localised(f"{whole:,}" + (f".{tenth}" if tenth else ""), locale)


def format_amount(rials: int, unit: str = "rial", locale: str = "en") -> str:
    """``1234500`` → "1,234,500 rials" / "123,450 tomans" / "۱٬۲۳۴٬۵۰۰ ریال" / "۱۲۳٬۴۵۰ تومان".
    A toman amount that is not a whole number of tomans keeps its one decimal (123,450.5 tomans)."""
    return f"{format_figure(rials, unit, locale)} {_WORDS[locale][unit]}"


def _localised(number: str, locale: str) -> str:
    """An English-written number ("1,234.5") as ``locale`` writes it: Persian digits, ٬ and ٫ in Persian."""
    return persian_digits(number.replace(",", "٬").replace(".", "٫")) if locale == "fa" else number


def parse_amount(text: str | int, field: str = "amount") -> int:
    """Rials from what a person typed: ``"1,234,500"``, ``"۱٬۲۳۴٬۵۰۰"``, ``"1 234 500 ریال"``,
    ``"123,450 تومان"`` (tomans become rials). Never negative, below ``MAX_AMOUNT``; raises
    ``InvalidRecord`` naming ``field``."""
    if isinstance(text, bool) or not isinstance(text, int | str):
        raise invalid(field, "not an amount")
    if isinstance(text, int):
        return check_amount(text, field)
    found = _WITH_UNIT.fullmatch(ascii_digits(text).strip().lower())
    number, word = found.groups() if found else (text, None)
    if word is not None and word not in _UNIT_WORDS and number.strip():
        raise invalid(field, f"unknown unit {word!r}: write rials or tomans (ریال / تومان)")
    unit = _UNIT_WORDS.get(word or "rial", "rial")
    value = SEPARATORS.sub("", number) if word in _UNIT_WORDS or word is None else text
    if value.startswith("-"):
        raise invalid(field, "an amount is never negative")
    digits = _NUMBER.fullmatch(value)
    if not digits:
        raise invalid(field, "write the amount in digits, e.g. 1,250,000 or ۱٬۲۵۰٬۰۰۰")
    whole, tenth = digits.groups()
    if tenth and unit == "rial":
        raise invalid(field, "rials have no fractions")
    if len(whole) > 18:
        raise invalid(field, "too large")
    rials = int(whole) * RIALS_PER_TOMAN + int(tenth or 0) if unit == "toman" else int(whole)
    return check_amount(rials, field)


def check_amount(rials: int, field: str = "amount") -> int:
    """``rials`` if it is a whole, non-negative amount below ``MAX_AMOUNT``."""
    if isinstance(rials, bool) or not isinstance(rials, int):
        raise invalid(field, "not an amount")
    if rials < 0:
        raise invalid(field, "an amount is never negative")
    if rials >= MAX_AMOUNT:
        raise invalid(field, f"an amount is below {MAX_AMOUNT:,} rials")
    return rials
