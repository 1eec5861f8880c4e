"""What every CRM command runs with: the session (the caller commits), who acts, and where record
changes are written (the journal, supplied by the composition root). Every change of a record is
written there with who made it and each field's value before and after."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from crm.clock import utcnow

Audit = Callable[[str, dict[str, Any]], None]


def _nowhere(_kind: str, _data: dict[str, Any]) -> None:
    return None


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def plain(record: Any, exclude: Collection[str] = frozenset()) -> dict[str, Any]:
    """A record's columns as a dict; dates and times as ISO 8601 strings."""
    return {c.key: _plain(getattr(record, c.key)) for c in record.__table__.columns if c.key not in exclude}


@dataclass(frozen=True)
class Ctx:
    session: Session
    actor: str | None
    audit: Audit = field(default=_nowhere)

    def record(self, kind: str, **data: Any) -> None:
        self.audit(kind, data)

    def add(self, record: Any, name: str, **extra: Any) -> Any:
        """Insert a new record (stamped if it has stamps), flush for its id, journal ``crm.NAME.created``."""
        return self.add_all([record], name, **extra)[0]

    def add_all(self, records: Sequence[Any], name: str, **extra: Any) -> Sequence[Any]:
        """``add`` for several records of one kind, inserted in one flush."""
        now = utcnow()
        for record in records:
            for attr, value in (("created_at", now), ("updated_at", now), ("created_by", self.actor),
                                ("updated_by", self.actor)):
                if hasattr(type(record), attr) and getattr(record, attr, None) is None:
                    setattr(record, attr, value)
        self.session.add_all(records)
        self.session.flush()
        for record in records:
            self.record(f"crm.{name}.created", record=name, id=_key(record), fields=plain(record), **extra)
        return records

    def change(self, record: Any, name: str, changes: Mapping[str, Any], **extra: Any) -> dict[str, list[Any]]:
        """Set fields; journal ``crm.NAME.changed`` with ``{field: [before, after]}`` for those that differ."""
        diff: dict[str, list[Any]] = {}
        for attr, value in changes.items():
            before = getattr(record, attr)
            if before != value:
                diff[attr] = [_plain(before), _plain(value)]
                setattr(record, attr, value)
        if diff:
            if hasattr(type(record), "updated_at"):
                record.updated_at = utcnow()
                record.updated_by = self.actor
            self.session.flush()
            self.record(f"crm.{name}.changed", record=name, id=_key(record), changes=diff, **extra)
        return diff


def _key(record: Any) -> Any:
    identity = inspect(record).mapper.primary_key_from_instance(record)
    return identity[0] if len(identity) == 1 else identity
