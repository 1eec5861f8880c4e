"""Dates as people type them: Jalali (Solar Hijri) or Gregorian, stored Gregorian.

``parse_day`` reads ``1405-11-15``, ``۱۴۰۵/۱۱/۱۵`` (Jalali: years 1300–1499) and ``2027-02-04`` (Gregorian:
years 1900–2100), in Latin, Persian or Arabic-Indic digits, with ``-`` or ``/`` between the parts. A year in
neither range is implausible (a Jalali year typed into a Gregorian field would otherwise be stored 621 years
early) and refused, as is a date that does not exist (Esfand 30 in a common year, month 13) or one outside
the caller's ``earliest``/``latest``. Every refusal is an ``InvalidRecord`` naming the field, its message in
English and Persian. ``parse_moment`` does the same for a date and time."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jdatetime

from crm.errors import InvalidRecord
from crm.text import ascii_digits, persian_digits

__all__ = ["GREGORIAN_YEARS", "JALALI_YEARS", "parse_day", "parse_moment"]

JALALI_YEARS = (1300, 1499)
GREGORIAN_YEARS = (1900, 2100)
_DAY = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?", re.IGNORECASE)
_EXAMPLE = "e.g. 1405-11-15 (Jalali) or 2027-02-04 (Gregorian) / مثلاً ۱۴۰۵/۱۱/۱۵ یا 2027-02-04"


def _refuse(field: str, reason: str) -> InvalidRecord:
    return InvalidRecord(f"{field}: {reason}", {field: [reason]})


def _shown(day: date) -> str:
    """``2027-02-04 (۱۴۰۵/۱۱/۱۵)``: the Gregorian date with its Jalali twin, for messages."""
    shamsi = jdatetime.date.fromgregorian(date=day)
    return f"{day.isoformat()} ({persian_digits(f'{shamsi.year:04d}/{shamsi.month:02d}/{shamsi.day:02d}')})"


def _from_parts(year: int, month: int, day: int, field: str) -> date:
    if JALALI_YEARS[0] <= year <= JALALI_YEARS[1]:
        try:
            return jdatetime.date(year, month, day).togregorian()
        except ValueError:
            raise _refuse(field, f"{year}/{month}/{day} is not a Jalali date / این تاریخ شمسی وجود ندارد") from None
    if GREGORIAN_YEARS[0] <= year <= GREGORIAN_YEARS[1]:
        try:
            return date(year, month, day)
        except ValueError:
            raise _refuse(field, f"{year}-{month}-{day} is not a date / این تاریخ میلادی وجود ندارد") from None
    raise _refuse(field, f"the year {year} is implausible: a Jalali year is 1300–1499, a Gregorian one 1900–2100 "
                         f"/ سال {persian_digits(year)} پذیرفتنی نیست")


def _checked(day: date, field: str, earliest: date | None, latest: date | None) -> date:
    if not GREGORIAN_YEARS[0] <= day.year <= GREGORIAN_YEARS[1]:
        raise _refuse(field, f"the year {day.year} is implausible / سال {persian_digits(day.year)} پذیرفتنی نیست")
    if earliest is not None and day < earliest:
        raise _refuse(field, f"must be on or after {_shown(earliest)} / نباید پیش از این تاریخ باشد")
    if latest is not None and day > latest:
        raise _refuse(field, f"must be on or before {_shown(latest)} / نباید پس از این تاریخ باشد")
    return day


def _split(value: Any, field: str) -> tuple[date, str]:
    """The day a text names (Jalali or Gregorian) and what follows it."""
    text = ascii_digits(str(value)).strip()
    found = _DAY.match(text)
    if not found:
        raise _refuse(field, f"not a date: {_EXAMPLE}")
    year, month, day = (int(part) for part in found.groups())
    return _from_parts(year, month, day, field), text[found.end():].strip()


def parse_day(value: Any, *, field: str, earliest: date | None = None, latest: date | None = None) -> date | None:
    """The Gregorian date of ``value`` (text in either calendar, or a date); None for nothing."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return _checked(value.date(), field, earliest, latest)
    if isinstance(value, date):
        return _checked(value, field, earliest, latest)
    if not isinstance(value, str):
        raise _refuse(field, f"not a date: {_EXAMPLE}")
    day, rest = _split(value, field)
    if rest and not _TIME.fullmatch(rest[1:] if rest.upper().startswith("T") else rest):
        raise _refuse(field, f"not a date: {_EXAMPLE}")
    return _checked(day, field, earliest, latest)


def _zone(zone: str | None) -> ZoneInfo | Any:
    if not zone or zone.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {zone!r}") from None


def parse_moment(value: Any, *, field: str, zone: str | None = None, earliest: datetime | None = None,
                 latest: datetime | None = None) -> datetime | None:
    """An aware UTC date-time from ``value``: ``2027-02-04T10:30:00Z``, ``۱۴۰۵/۱۱/۱۵ ۱۴:۳۰`` or a day alone (its
    midnight). A time without an offset is read in ``zone`` (UTC unless given); a datetime passes (naive: in
    ``zone``). Refusals as in ``parse_day``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=_zone(zone))
    elif isinstance(value, date):
        moment = datetime.combine(value, time(0), _zone(zone))
    elif isinstance(value, str):
        moment = _moment_of_text(value, field, zone)
    else:
        raise _refuse(field, f"not a date and time: {_EXAMPLE}")
    moment = moment.astimezone(UTC)
    _checked(moment.date(), field, None, None)
    if earliest is not None and moment < earliest.astimezone(UTC):
        raise _refuse(field, f"must be at or after {earliest.isoformat()} / نباید پیش از این زمان باشد")
    if latest is not None and moment > latest.astimezone(UTC):
        raise _refuse(field, f"must be at or before {latest.isoformat()} / نباید پس از این زمان باشد")
    return moment


def _moment_of_text(value: str, field: str, zone: str | None) -> datetime:
    day, rest = _split(value, field)
    rest = rest[1:] if rest.upper().startswith("T") else rest
    if not rest:
        return datetime.combine(day, time(0), _zone(zone))
    found = _TIME.fullmatch(rest)
    hour, minute, second, offset = found.groups() if found else (99, 0, 0, None)
    try:
        clock = time(int(hour), int(minute), int(second or 0))
    except ValueError:
        raise _refuse(field, f"not a time of day: write e.g. 14:30 / ساعت نامعتبر است ({rest})") from None
    if offset is None:
        return datetime.combine(day, clock, _zone(zone))
    text = "+00:00" if offset.upper() == "Z" else offset if ":" in offset else f"{offset[:3]}:{offset[3:]}"
    return datetime.fromisoformat(f"{day.isoformat()}T{clock.isoformat()}{text}")
