"""Telephone numbers to E.164 (``+989121234567``).

Without a country code a number is Iranian: ``09121234567``, ``9121234567``, ``021 8877 6655``,
``۰۹۱۲ ۱۲۳ ۴۵۶۷`` (Persian or Arabic-Indic digits), with spaces, dashes, dots, slashes and
parentheses anywhere. Another country's number starts with ``+`` or ``00``. An Iranian number has
ten digits after the country code (a mobile starts with 9, a landline with its area code); a foreign
one 8 to 15 digits in all, country code included (E.164's limit)."""

from __future__ import annotations

import re

from crm.errors import invalid
from crm.text import ascii_digits

SEPARATORS = re.compile(r"[\s\-.()/\u200c\u200e\u200f\u202a-\u202e]+")
_IRAN_MOBILE = re.compile(r"\+989[0-9]{9}")
_IRAN = re.compile(r"\+98[1-9][0-9]{9}")
_FOREIGN = re.compile(r"\+[1-9][0-9]{7,14}")


def _international(digits: str) -> str | None:
    """The number with its country code written as ``+``, or None when none was written."""
    if digits.startswith("+"):
        return digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    return None


def _iranian(digits: str, field: str) -> str:
    if len(digits) == 11 and digits.startswith("0"):
        return "+98" + digits[1:]
    if len(digits) == 10 and not digits.startswith("0"):
        return "+98" + digits
    if len(digits) == 12 and digits.startswith("98"):
        return "+" + digits
    if len(digits) <= 8:
        raise invalid(field, "too short: write the area code (e.g. 021 …) or the whole mobile number (09…)")
    raise invalid(field, "not an Iranian number (11 digits starting with 0); write other countries' numbers "
                         "with + or 00 and the country code")


def normalise_phone(raw: str | None, field: str = "phone") -> str | None:
    """E.164 for a typed telephone number; None for blank. Raises ``InvalidRecord`` on anything that
    cannot be a telephone number, naming ``field``."""
    if raw is None:
        return None
    text = SEPARATORS.sub("", ascii_digits(str(raw)).strip())
    if not text:
        return None
    if not re.fullmatch(r"\+?[0-9]+", text):
        raise invalid(field, "a telephone number holds only digits, spaces, dashes and parentheses "
                             "(and a leading +)")
    number = _international(text) or _iranian(text, field)
    if number.startswith("+98"):
        if not _IRAN.fullmatch(number):
            raise invalid(field, "an Iranian number has 10 digits after +98 (e.g. +98 912 123 4567)")
        return number
    if not _FOREIGN.fullmatch(number):
        raise invalid(field, "an international number has a country code and 8 to 15 digits in all")
    return number


def is_iranian_mobile(e164: str | None) -> bool:
    """True for an Iranian mobile number in E.164 (``+989…``, 12 digits)."""
    return bool(e164) and bool(_IRAN_MOBILE.fullmatch(e164))


def normalise_mobile(raw: str | None, field: str = "mobile") -> str | None:
    """``normalise_phone`` for a mobile number: an Iranian one must be a mobile (09…), not a landline."""
    number = normalise_phone(raw, field)
    if number and number.startswith("+98") and not is_iranian_mobile(number):
        raise invalid(field, "not a mobile number (Iranian mobile numbers start with 09)")
    return number
