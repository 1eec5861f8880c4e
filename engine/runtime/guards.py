"""Task guards: a user task may name a guard (extension property ``ravand:guard`` = a handler name). Before
anyone claims or completes the task, or is given it, the guard is called like a service handler with the
instance's variables and a ``ServiceCall`` whose actor is that person; it refuses by raising (the error
reaches the caller, e.g. a 403 or 409) and changes nothing. The task stays open for someone else.

A four-eyes rule is such a guard: "who drafted the contract may not approve it"."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.runtime.services import ServiceCall
from engine.runtime.unit_of_work import Context
from engine.store import instances
from engine.store.instances import InstanceRow
from engine.store.models import HumanTask
from engine.store.rows import load_row


def check(ctx: Context, session: Session, task_id: str, user: str) -> None:
    """Ask the task's guard, if it has one, whether ``user`` may work the task."""
    row = load_row(session, HumanTask, task_id)
    if row is None:
        return  # the command itself says there is no such task
    instance = instances.read(session, row.process_instance_id)
    if instance is not None:
        check_loaded(ctx, session, row, instance, user)


def check_loaded(ctx: Context, session: Session, row: HumanTask, instance: InstanceRow, user: str) -> None:
    """``check`` for a task whose row and instance the command has read already (completing reads them once)."""
    meta = ctx.specs.definition(session, instance.definition_id).elements.get(row.element_id, {})
    name = meta.get("guard")
    if not name:
        return
    call = ServiceCall(session, instance.id, instance.business_key, row.element_id, user, ctx.settings)
    ctx.handlers.call(name, dict(instance.variables or {}), call)
