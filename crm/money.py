"""Amounts: stored as integer rials, shown in rials or tomans (1 toman = 10 rials), in English or
Persian (Persian digits, the Arabic thousands separator ٬ and the words ریال / تومان)."""

from __future__ import annotations

import re

from crm.errors import InvalidRecord
from crm.text import ascii_digits, persian_digits

UNITS = ("rial", "toman")
RIALS_PER_TOMAN = 10
_WORDS = {"en": {"rial": "rials", "toman": "tomans"}, "fa": {"rial": "ریال", "toman": "تومان"}}
_UNIT_WORDS = {"rial": "rial", "rials": "rial", "irr": "rial", "ریال": "rial", "ريال": "rial",
               "toman": "toman", "tomans": "toman", "تومان": "toman", "تومن": "toman"}
_SEPARATORS = re.compile(r"[\s,'_٬،\u200c\u066c]+")
_NUMBER = re.compile(r"([0-9]+)(?:[.٫]([0-9]))?")
_WITH_UNIT = re.compile(r"(.*?)\s*([^\W\d_]+)?")
MAX_AMOUNT = 10**15  # a quadrillion rials: far above any sale, far below the database's 64-bit limit


def format_amount(rials: int, unit: str = "rial", locale: str = "en") -> str:
    """``1234500`` → "1,234,500 rials" / "123,450 tomans" / "۱٬۲۳۴٬۵۰۰ ریال" / "۱۲۳٬۴۵۰ تومان".
    A toman amount that is not a whole number of tomans keeps its one decimal (123,450.5 tomans)."""
    if unit not in UNITS:
        raise ValueError(f"unit is one of {UNITS}, not {unit!r}")
    if locale not in _WORDS:
        raise ValueError(f"locale is one of {tuple(_WORDS)}, not {locale!r}")
    sign, value = ("-" if rials < 0 else ""), abs(int(rials))
    whole, tenth = (divmod(value, RIALS_PER_TOMAN) if unit == "toman" else (value, 0))
    text = f"{whole:,}" + (f".{tenth}" if tenth else "")
    if locale == "fa":
        text = persian_digits(text.replace(",", "٬").replace(".", "٫"))
    return f"{sign}{text} {_WORDS[locale][unit]}"


def parse_amount(text: str | int, field: str = "amount") -> int:
    """Rials from what a person typed: ``"1,234,500"``, ``"۱٬۲۳۴٬۵۰۰"``, ``"1 234 500 ریال"``,
    ``"123,450 تومان"`` (tomans become rials). Never negative, below ``MAX_AMOUNT``; raises
    ``InvalidRecord`` naming ``field``."""
    if isinstance(text, bool) or not isinstance(text, int | str):
        raise _refuse(field, "not an amount")
    if isinstance(text, int):
        return check_amount(text, field)
    found = _WITH_UNIT.fullmatch(ascii_digits(text).strip().lower())
    number, word = found.groups() if found else (text, None)
    if word is not None and word not in _UNIT_WORDS and number.strip():
        raise _refuse(field, f"unknown unit {word!r}: write rials or tomans (ریال / تومان)")
    unit = _UNIT_WORDS.get(word or "rial", "rial")
    value = _SEPARATORS.sub("", number) if word in _UNIT_WORDS or word is None else text
    if value.startswith("-"):
        raise _refuse(field, "an amount is never negative")
    digits = _NUMBER.fullmatch(value)
    if not digits:
        raise _refuse(field, "write the amount in digits, e.g. 1,250,000 or ۱٬۲۵۰٬۰۰۰")
    whole, tenth = digits.groups()
    if tenth and unit == "rial":
        raise _refuse(field, "rials have no fractions")
    if len(whole) > 18:
        raise _refuse(field, "too large")
    rials = int(whole) * RIALS_PER_TOMAN + int(tenth or 0) if unit == "toman" else int(whole)
    return check_amount(rials, field)


def check_amount(rials: int, field: str = "amount") -> int:
    """``rials`` if it is a whole, non-negative amount below ``MAX_AMOUNT``."""
    if isinstance(rials, bool) or not isinstance(rials, int):
        raise _refuse(field, "not an amount")
    if rials < 0:
        raise _refuse(field, "an amount is never negative")
    if rials >= MAX_AMOUNT:
        raise _refuse(field, f"an amount is below {MAX_AMOUNT:,} rials")
    return rials


def _refuse(field: str, reason: str) -> InvalidRecord:
    return InvalidRecord(f"{field}: {reason}", {field: [reason]})
