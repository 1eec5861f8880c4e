"""Dates people type: Jalali or Gregorian, stored Gregorian; implausible ones refused naming the field."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crm.dates import parse_day, parse_moment
from crm.errors import InvalidRecord
from processes.common import as_date, as_datetime


@pytest.mark.parametrize("typed", ["1405-11-15", "۱۴۰۵/۱۱/۱۵", "١٤٠٥-١١-١٥", "1405/11/15", " 1405-11-15 ",
                                   "2027-02-04", "2027/02/04", "۲۰۲۷-۰۲-۰۴", "2027-02-04T00:00:00",
                                   "2027-02-04T10:30:00Z", date(2027, 2, 4), datetime(2027, 2, 4, 9, 0)])
def test_jalali_and_gregorian_give_one_day(typed):
    assert parse_day(typed, field="expected_close") == date(2027, 2, 4)


def test_nothing_is_none():
    assert parse_day(None, field="x") is None
    assert parse_day("  ", field="x") is None


def test_jalali_leap_years():
    assert parse_day("1403-12-30", field="d") == date(2025, 3, 20)  # 1403 is a leap year
    with pytest.raises(InvalidRecord) as refused:
        parse_day("1405-12-30", field="d")  # 1405 is not
    assert "d" in refused.value.field_errors


@pytest.mark.parametrize("typed", ["1405-12-31", "1405-13-01", "1405-00-10", "2027-02-30", "2027-13-01",
                                   "abc", "15/11/1405", "1405-11-15 tomorrow", "2027-02-04Tnoon", "1234",
                                   "1299-01-01", "1500-01-01", "1899-12-31", "2101-01-01", "3026-01-01",
                                   12, 20270204.0, ["2027-02-04"], date(1405, 11, 15), date(2200, 1, 1)])
def test_impossible_or_implausible_dates_are_refused_naming_the_field(typed):
    with pytest.raises(InvalidRecord) as refused:
        parse_day(typed, field="expected_close")
    assert list(refused.value.field_errors) == ["expected_close"]
    message = refused.value.field_errors["expected_close"][0]
    assert message.isascii() is False  # English and Persian
    assert refused.value.message.startswith("expected_close:")


def test_bounds_in_either_calendar():
    today = date(2026, 12, 1)
    assert parse_day("1405-09-10", field="close", earliest=today) == date(2026, 12, 1)
    with pytest.raises(InvalidRecord) as refused:
        parse_day("1405-09-09", field="close", earliest=today)
    assert "2026-12-01" in refused.value.field_errors["close"][0]
    with pytest.raises(InvalidRecord):
        parse_day("2027-02-05", field="close", latest=date(2027, 2, 4))
    assert parse_day("2027-02-04", field="close", latest=date(2027, 2, 4)) == date(2027, 2, 4)


def test_moments():
    assert parse_moment("۱۴۰۵/۱۱/۱۵ ۱۴:۳۰", field="at", zone="Asia/Tehran") == datetime(2027, 2, 4, 11, 0, tzinfo=UTC)
    assert parse_moment("2027-02-04T10:30:00Z", field="at") == datetime(2027, 2, 4, 10, 30, tzinfo=UTC)
    assert parse_moment("2027-02-04T14:00:00+03:30", field="at") == datetime(2027, 2, 4, 10, 30, tzinfo=UTC)
    assert parse_moment("1405-11-15", field="at") == datetime(2027, 2, 4, tzinfo=UTC)
    assert parse_moment(datetime(2027, 2, 4, 10, 30), field="at") == datetime(2027, 2, 4, 10, 30, tzinfo=UTC)
    for bad in ("1405-11-15 25:00", "1405-11-15 noon", "1405-12-31 10:00", 7):
        with pytest.raises(InvalidRecord) as refused:
            parse_moment(bad, field="at")
        assert list(refused.value.field_errors) == ["at"]


def test_process_helpers_use_it():
    assert as_date("۱۴۰۵/۱۱/۱۵", field="expected_close") == date(2027, 2, 4)
    with pytest.raises(InvalidRecord) as refused:
        as_date("1405-11-15", field="expected_close", earliest=date(2027, 3, 1))
    assert "expected_close" in refused.value.field_errors
    assert as_date("") is None
    assert as_datetime("2026-12-01T10:00:00Z") == datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert as_datetime(None) is None
