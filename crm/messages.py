"""Message templates (``crm/templates/messages/{fa,en}.toml``), rendered in the recipient's language, and
what an SMS costs in parts.

A template has a ``subject`` (e-mail only), a ``body`` and, for SMS, an optional shorter ``sms``. Parameters
are written ``{name}``; an amount (integer rials) is written ``{amount:toman}`` or ``{amount:rial}`` and
shown in that unit with its word. A parameter given as ``{"fa": ..., "en": ...}`` is shown in the reader's
language (staff notices go to several people at once). Numbers get thousands separators, dates are written
out (Jalali in Persian), a date-time is shown with its local time in the zone given to ``render``; Persian texts get
Persian digits for all of these."""

from __future__ import annotations

import math
import re
import string
import tomllib
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from crm.errors import InvalidRecord
from crm.jalali import long_date
from crm.money import format_amount, format_number
from crm.quiet import zone_of
from crm.text import persian_digits, read_locale

__all__ = ["AUDIENCES", "render", "sms_parts", "templates"]

TEMPLATES = Path(__file__).parent / "templates" / "messages"
AUDIENCES = ("customer", "staff")
UNITS = ("", "toman", "rial")
TEXTS = ("subject", "body", "sms")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?")

# GSM 03.38: the basic set (one septet each) and its extension (two septets: escape + character)
_GSM_BASIC = frozenset("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                       "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
_GSM_EXTENDED = frozenset("^{}\\[~]|€\f")


def sms_parts(text: str) -> int:
    """How many billed parts an SMS takes: GSM 7-bit text 160 characters alone, 153 a part when split;
    anything else (Persian) is UCS-2, 70 alone and 67 a part (counted in UTF-16 units)."""
    if not text:
        return 0
    if all(ch in _GSM_BASIC or ch in _GSM_EXTENDED for ch in text):
        length, single, part = sum(2 if ch in _GSM_EXTENDED else 1 for ch in text), 160, 153
    else:
        length, single, part = len(text.encode("utf-16-le")) // 2, 70, 67
    return 1 if length <= single else math.ceil(length / part)


@cache
def templates(locale: str) -> dict[str, dict[str, str]]:
    """The message templates of a language: ``{name: {"subject", "body", "sms", "audience"}}`` (``sms`` is the
    body when the template has no shorter text for SMS; audience ``staff`` or ``customer``)."""
    with open(TEMPLATES / f"{locale}.toml", "rb") as handle:
        loaded = tomllib.load(handle)
    for name, parts in loaded.items():
        if parts.get("audience", "customer") not in AUDIENCES:
            raise ValueError(f"template {name} ({locale}) has audience {parts['audience']!r}, not one of {AUDIENCES}")
        for key in TEXTS:
            fields = _fields(parts.get(key, ""))
            bad = [f for f, unit in fields if not f.isidentifier() or unit not in UNITS]
            if bad:
                raise ValueError(f"template {name} ({locale}) has parameters that are not plain names or name:unit "
                                 f"(toman, rial): {bad}")
    return {name: {"subject": parts.get("subject", ""), "body": parts["body"].strip(),
                   "sms": parts.get("sms", parts["body"]).strip(), "audience": parts.get("audience", "customer")}
            for name, parts in loaded.items()}


def _fields(text: str) -> list[tuple[str, str]]:
    return [(name, spec or "") for _, name, spec, _ in string.Formatter().parse(text) if name is not None]


def _moment(value: datetime, locale: str, zone: str | None) -> str:
    local = value.astimezone(zone_of(zone)) if zone and value.tzinfo else value
    if locale == "fa":
        return f"{long_date(local.date(), 'fa')}، ساعت {persian_digits(local.strftime('%H:%M'))}"
    return f"{long_date(local.date(), 'en')}, {local.strftime('%H:%M')}"


def _display(value: Any, locale: str, unit: str, zone: str | None) -> str:
    """One parameter as the reader reads it (see the module's text)."""
    if isinstance(value, Mapping) and locale in value:  # {"fa": ..., "en": ...}: each reader's language
        value = value[locale]
    if isinstance(value, str) and _ISO_MOMENT.fullmatch(value):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    elif isinstance(value, str) and _ISO_DAY.fullmatch(value):
        value = date.fromisoformat(value)
    if unit and isinstance(value, int) and not isinstance(value, bool):
        return format_amount(value, unit, locale)
    if isinstance(value, datetime):
        return _moment(value, locale, zone)
    if isinstance(value, date):
        return long_date(value, locale)
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value, locale)
    return str(value)


def _fill(text: str, params: Mapping[str, Any], locale: str, zone: str | None) -> str:
    out = []
    for literal, name, spec, _ in string.Formatter().parse(text):
        out.append(literal)
        if name is not None:
            out.append(_display(params[name], locale, spec or "", zone))
    return "".join(out)


def render(template: str, params: Mapping[str, Any], locale: str = "fa", *, channel: str = "email",
           zone: str | None = None) -> tuple[str, str]:
    """(subject, text) of a template in a language, the SMS text for ``channel="sms"``; a missing parameter
    (of any of the template's texts) is an ``InvalidRecord``. Date-times are shown in ``zone``."""
    locale = read_locale(locale)
    parts = templates(locale).get(template)
    if parts is None:
        raise InvalidRecord("unknown message template", {"template": [f"one of: {', '.join(templates(locale))}"]})
    needed = dict.fromkeys(name for key in TEXTS for name, _ in _fields(parts[key]))
    missing = [name for name in needed if name not in params]
    if missing:
        raise InvalidRecord(f"template {template} needs: {', '.join(missing)}",
                            {f"params.{name}": ["missing"] for name in missing})
    text = parts["sms"] if channel == "sms" else parts["body"]
    return " ".join(_fill(parts["subject"], params, locale, zone).split()), _fill(text, params, locale, zone)
