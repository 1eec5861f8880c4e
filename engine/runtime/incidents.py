"""Incidents: a token stopped by a failure (script, service handler, expression) that a person can
retry. The failed task stays in the workflow (ERROR state); nothing is lost."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import journal
from engine.store import instances
from engine.store.instances import InstanceRow
from engine.store.models import Incident

TIMER_INCIDENT = "timer"  # a timer whose firing failed timer_max_failures times: it stops until retried


def open_incidents(session: Session, instance_id: str) -> list[Incident]:
    return list(session.scalars(select(Incident).where(
        Incident.process_instance_id == instance_id, Incident.resolved_at.is_(None)).order_by(Incident.id)))


def raise_incident(session: Session, instance: InstanceRow, task_id: str, element_id: str, kind: str,
                   message: str, actor: str | None, now: datetime) -> Incident:
    """Open an incident for the task, or count one more failed attempt on the open one."""
    if instance.stored is None:  # a new instance failing on its first steps
        instances.add(session, instance)
    existing = session.scalars(select(Incident).where(
        Incident.process_instance_id == instance.id, Incident.task_id == task_id,
        Incident.resolved_at.is_(None))).first()
    if existing is not None:
        existing.attempts += 1
        existing.message, existing.updated_at = message, now
        incident = existing
    else:
        incident = Incident(process_instance_id=instance.id, task_id=task_id, element_id=element_id,
                            kind=kind, message=message, attempts=1, created_at=now, updated_at=now)
        session.add(incident)
        session.flush()
    journal.record(session, "incident.raised", actor, instance_id=instance.id,
                   business_key=instance.business_key, element_id=element_id,
                   data={"incident_id": incident.id, "kind": kind, "message": message,
                         "attempts": incident.attempts})
    return incident


def resolve_incident(session: Session, incident: Incident, instance: InstanceRow, actor: str | None,
                     now: datetime) -> None:
    incident.resolved_at, incident.resolved_by = now, actor
    journal.record(session, "incident.resolved", actor, instance_id=instance.id,
                   business_key=instance.business_key, element_id=incident.element_id,
                   data={"incident_id": incident.id, "attempts": incident.attempts})
