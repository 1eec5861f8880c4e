"""Calendars for reports and documents: Gregorian or Jalali (Solar Hijri) months and dates."""

from __future__ import annotations

from datetime import date

import jdatetime

from crm.errors import InvalidRecord
from crm.text import persian_digits

__all__ = ["CALENDARS", "check_calendar", "jalali", "long_date", "month_of"]
CALENDARS = ("gregorian", "jalali")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


def check_calendar(calendar: str) -> str:
    if calendar not in CALENDARS:
        raise InvalidRecord("unknown calendar", {"calendar": [f"one of: {', '.join(CALENDARS)}"]})
    return calendar


def jalali(day: date) -> jdatetime.date:
    return jdatetime.date.fromgregorian(date=day)


def month_of(day: date, calendar: str = "gregorian") -> str:
    """``2026-11`` (Gregorian) or ``1405-09`` (Jalali) for a date."""
    if check_calendar(calendar) == "jalali":
        shamsi = jalali(day)
        return f"{shamsi.year:04d}-{shamsi.month:02d}"
    return f"{day.year:04d}-{day.month:02d}"


def long_date(day: date, locale: str) -> str:
    """``۲ آذر ۱۴۰۵`` in Persian (Jalali, Persian digits), ``23 November 2026`` otherwise."""
    if locale == "fa":
        shamsi = jalali(day)
        return persian_digits(f"{shamsi.day} {jdatetime.date.j_months_fa[shamsi.month - 1]} {shamsi.year}")
    return f"{day.day} {EN_MONTHS[day.month - 1]} {day.year}"
