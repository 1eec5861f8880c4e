"""What the contract and referral pages and lists share: a day typed in either calendar for a period filter,
the open tasks of a record's process, and the process instances waiting at one of a process's user tasks."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from marshmallow import Schema, ValidationError, fields
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from api import names as naming
from api.context import ravand
from api.resources.common import as_dict
from crm.dates import parse_day
from crm.errors import InvalidRecord
from engine.store.models import OPEN_STATES, HumanTask
from engine.tasks import TaskQuery


class Day(fields.Field):
    """A day typed in either calendar (1405-09-16, ۱۴۰۵/۰۹/۱۶, 2026-12-07)."""

    def __init__(self, description: str, **kwargs: Any) -> None:
        super().__init__(metadata={"type": "string", "maxLength": 20, "description": f"{description}: Jalali "
                                   "(1405-09-16, ۱۴۰۵/۰۹/۱۶) or Gregorian (2026-12-07)"}, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if not isinstance(value, str) or len(value) > 20:
            raise ValidationError("a day such as 1405-09-16 or 2026-12-07 / روزی مانند ۱۴۰۵/۰۹/۱۶")
        try:
            day = parse_day(value, field=attr or "day")
        except InvalidRecord as exc:
            raise ValidationError([m for ms in exc.field_errors.values() for m in ms] or [exc.message]) from exc
        if day is None:
            raise ValidationError("a day such as 1405-09-16 or 2026-12-07 / روزی مانند ۱۴۰۵/۰۹/۱۶")
        return day


class PeriodArgs(Schema):
    created_from = Day("created on or after this day (the company's time zone)")
    created_to = Day("created on or before this day")


def period(args: dict[str, Any]) -> dict[str, datetime]:
    """The period filter's days as moments: from the first day's start to the last day's end, in the company's
    time zone."""
    zone = ZoneInfo(ravand().settings.timezone)
    found = {}
    if args.get("created_from"):
        found["created_from"] = datetime.combine(args["created_from"], time(), zone)
    if args.get("created_to"):
        found["created_to"] = datetime.combine(args["created_to"] + timedelta(days=1), time(), zone)
    return found


class RecordTask(Schema):
    id = fields.String()
    name = fields.String()
    element_id = fields.String()
    assignee = fields.String(allow_none=True)
    candidate_groups = fields.List(fields.String())
    due = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


def open_tasks(session: Session, instance_id: str | None) -> list[Any]:
    """The open tasks of the record's process instance, oldest first, named in the reader's language."""
    if not instance_id:
        return []
    found = ravand().engine.tasks(session, TaskQuery(process_instance=instance_id, limit=20)).items
    return naming.tasks(session, [as_dict(task) for task in found])  # each named in the reader's language


def waiting_at(process_key: str, element_id: str) -> Select[Any]:
    """The ids of the ``process_key`` instances with an open task at ``element_id``."""
    return select(HumanTask.process_instance_id).where(
        HumanTask.process_key == process_key, HumanTask.element_id == element_id, HumanTask.state.in_(OPEN_STATES))


def open_steps(session: Session, instance_ids: set[str]) -> dict[str, list[str]]:
    """The element ids of the open tasks of each of these process instances (one query for a page)."""
    found: dict[str, list[str]] = {}
    if instance_ids:
        for instance_id, element_id in session.execute(
                select(HumanTask.process_instance_id, HumanTask.element_id).where(
                    HumanTask.process_instance_id.in_(instance_ids), HumanTask.state.in_(OPEN_STATES))
                .order_by(HumanTask.created_at)):
            found.setdefault(instance_id, []).append(element_id)
    return found
