"""What the handlers share: the CRM context of a service call, and reading variables."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from crm.dates import parse_day, parse_moment
from crm.errors import InvalidRecord
from crm.unit import Ctx
from engine.runtime.services import ServiceCall


def ctx_of(call: ServiceCall) -> Ctx:
    """The CRM context of a service call: its session, its actor, record changes journaled on the instance."""
    return Ctx(call.session, call.actor, call.record)


def need(variables: Mapping[str, Any], name: str) -> Any:
    """A variable the diagram must have set before this task; a clear failure if it has not."""
    value = variables.get(name)
    if value is None or value == "":
        raise InvalidRecord(f"the process variable {name!r} is missing", {name: ["missing"]})
    return value


def as_date(value: Any, *, field: str = "date", earliest: date | None = None,
            latest: date | None = None) -> date | None:
    """A date from a form or variable (Jalali ``1405-11-15`` / ``۱۴۰۵/۱۱/۱۵`` or Gregorian ``2027-02-04``), or
    nothing; an impossible or implausible date, or one outside [earliest, latest], is an ``InvalidRecord``
    naming ``field`` (see ``crm.dates.parse_day``)."""
    return parse_day(value, field=field, earliest=earliest, latest=latest)


def as_datetime(value: Any, *, field: str = "time", zone: str | None = None) -> datetime | None:
    """An aware UTC date-time (ISO 8601, or a Jalali/Gregorian date and time; without an offset it is read in
    ``zone``, UTC unless given), or nothing."""
    return parse_moment(value, field=field, zone=zone)
