"""The working calendar, quiet hours and public_url are settings: checked at start-up with a clear error, the
calendar handed to the engine by the composition root."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from api.composition import SettingsError, build, public_url_warning, work_calendar
from config import load_settings
from engine.events import calendar
from engine.events.calendar import calendars, working_time


@pytest.fixture
def restore_calendar():
    before = calendars()["work"]
    yield
    calendar.configure(before)


def test_the_calendar_comes_from_the_settings(tmp_path: Path, restore_calendar) -> None:
    settings = load_settings(environ={
        "RAVAND_DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite'}", "RAVAND_WORK_ZONE": "Europe/Berlin",
        "RAVAND_WORK_WEEK": "mon-fri 09:00-17:00", "RAVAND_WORK_HOLIDAYS_COUNTRY": "DE",
        "RAVAND_WORK_HOLIDAYS": "2026-11-24, ۱۴۰۵/۰۹/۰۴"})  # the second is 2026-11-25, written in Jalali
    ravand = build(settings)
    work = calendars()["work"]
    assert work.zone == "Europe/Berlin" and sorted(work.hours) == [0, 1, 2, 3, 4] and work.country == "DE"
    assert {d.isoformat() for d in work.extra_holidays} == {"2026-11-24", "2026-11-25"}
    # Monday 16:00 Berlin + 2 working hours: 1 on Monday, Tuesday and Wednesday off, 1 on Thursday
    assert working_time("PT2H", start="2026-11-23T16:00:00+01:00") == "2026-11-26T09:00:00+00:00"
    assert ravand.engine.ctx.settings["notify_quiet_hours"] == "21:00-08:00"
    assert callable(ravand.engine.ctx.settings["staff_directory"])
    ravand.database.dispose()


@pytest.mark.parametrize(("name", "value", "says"), [
    ("work_week", "sat-wed 8-16", "work_week: 'sat-wed 8-16' is not"),
    ("work_zone", "Tehran", "work_zone: unknown time zone 'Tehran'"),
    ("work_holidays_country", "XX", "work_holidays_country: no public holidays are known for the country 'XX'"),
    ("work_holidays", ("1405-12-31",), "work_holidays: 1405/12/31 is not a Jalali date"),
    ("notify_quiet_hours", "9pm-8am", "notify_quiet_hours: quiet hours '9pm-8am' are not"),
])
def test_a_wrong_setting_stops_the_start_with_a_clear_error(name: str, value: object, says: str) -> None:
    settings = load_settings(environ={}, **{name: value})
    with pytest.raises(SettingsError) as refused:
        work_calendar(settings) if name != "notify_quiet_hours" else build(settings)
    assert str(refused.value).startswith(says)


def test_the_command_names_the_wrong_setting(tmp_path: Path) -> None:
    config = tmp_path / "ravand.toml"
    config.write_text(f'database_url = "sqlite:///{tmp_path / "r.sqlite"}"\nwork_week = "weekdays"\n')
    result = CliRunner().invoke(main, ["--config", str(config), "init"])
    assert result.exit_code == 1 and "invalid setting work_week: 'weekdays' is not" in result.output


def test_a_loopback_public_url_is_warned_about() -> None:
    assert "public_url is http://127.0.0.1:8000" in public_url_warning(load_settings(environ={}))
    assert public_url_warning(load_settings(environ={"RAVAND_PUBLIC_URL": "http://localhost:8000"})) is not None
    assert public_url_warning(load_settings(environ={"RAVAND_PUBLIC_URL": "https://crm.example.ir"})) is None
