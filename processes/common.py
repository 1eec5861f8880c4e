"""What the handlers share: the CRM context of a service call, and reading variables."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from crm.clock import as_utc
from crm.errors import InvalidRecord
from crm.unit import Ctx
from engine.services import ServiceCall


def ctx_of(call: ServiceCall) -> Ctx:
    """The CRM context of a service call: its session, its actor, record changes journaled on the instance."""
    return Ctx(call.session, call.actor, call.record)


def need(variables: Mapping[str, Any], name: str) -> Any:
    """A variable the diagram must have set before this task; a clear failure if it has not."""
    value = variables.get(name)
    if value is None or value == "":
        raise InvalidRecord(f"the process variable {name!r} is missing", {name: ["missing"]})
    return value


def as_date(value: Any) -> date | None:
    """A date from a form (``2026-12-01``) or nothing."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def as_datetime(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return as_utc(value)
    return as_utc(datetime.fromisoformat(str(value).replace("Z", "+00:00")))
