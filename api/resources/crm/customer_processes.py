"""The engine's side of a customer: the process instances about them and their open user tasks, as the
caller may see them.

An instance is about customer 42 when its business key is ``customer-42``, or, while it runs (or
waits on an incident), when its variables hold ``customer_id == 42``. No stored value can make this
fail: the database never parses an instance's variables (a value stored before the checks of
``engine.values``, such as ``NaN``, nesting 2,000 deep or ``\\u0000``, makes SQLite's and
PostgreSQL's JSON functions raise). The variables are matched as text with ``LIKE``, and the few
candidates are read in Python, where a value that does not parse simply does not match.

Who sees what: the instances only callers who may read instances (``READ_PROCESSES``); the open tasks
filtered with the tasklist's own rule (an employee sees the tasks assigned to them, delegated by them,
or offered to them or their groups). The API may read the engine's tables; ``crm`` may not."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Text, cast, or_, select
from sqlalchemy.orm import Session

from api import names as naming
from api.guard import READ_PROCESSES, current_principal
from api.identity.service import Principal
from engine.store.models import OPEN_STATES, HumanTask, ProcessInstance
from engine.tasks import visible_to
from engine.views import Actor

ACTIVE = ("running", "failed")
LIMIT = 50
CANDIDATES = 4 * LIMIT  # instances whose variables' text names the customer, read to confirm
_TASK_BRIEF = ("id", "name", "element_id", "process_key", "process_instance_id", "state", "assignee",
               "candidate_groups", "due_at", "created_at")
_INSTANCE_BRIEF = (ProcessInstance.id, ProcessInstance.process_key, ProcessInstance.business_key,
                   ProcessInstance.state, ProcessInstance.started_at, ProcessInstance.ended_at)


def business_key(customer_id: int) -> str:
    return f"customer-{customer_id}"


def process_links(session: Session, customer_id: int, principal: Principal | None = None) -> dict[str, list[Any]]:
    """``{"instances": [...], "open_tasks": [...]}``, newest first (``LIMIT`` each), as ``principal`` (the
    signed-in caller by default) may see them."""
    principal = principal or current_principal()
    key = business_key(customer_id)
    ids = _instance_ids(session, customer_id, key)
    reads_instances = principal.role in READ_PROCESSES
    instances = [dict(row) for row in session.execute(
        select(*_INSTANCE_BRIEF).where(ProcessInstance.id.in_(ids)).order_by(ProcessInstance.started_at.desc()))
        .mappings()] if ids and reads_instances else []
    viewer = Actor(principal.actor.name, principal.actor.groups, admin=reads_instances)
    tasks = [{name: getattr(task, name) for name in _TASK_BRIEF} for task in _open_tasks(session, key, ids, viewer)] \
        if ids else []
    # processes and tasks named in the reader's language, as the tasklist names them
    return {"instances": naming.instances(session, instances), "open_tasks": naming.tasks(session, tasks)}


def _instance_ids(session: Session, customer_id: int, key: str) -> list[str]:
    by_key = session.execute(select(ProcessInstance.id, ProcessInstance.started_at)
                             .where(ProcessInstance.business_key == key)
                             .order_by(ProcessInstance.started_at.desc()).limit(LIMIT)).all()
    text = cast(ProcessInstance.variables, Text)
    candidates = session.execute(
        select(ProcessInstance.id, ProcessInstance.started_at, text)
        .where(ProcessInstance.state.in_(ACTIVE), or_(*(text.like(p, escape="\\") for p in _patterns(customer_id))))
        .order_by(ProcessInstance.started_at.desc()).limit(CANDIDATES)).all()
    by_variable = [(row[0], row[1]) for row in candidates if _names_customer(row[2], customer_id)]
    newest = sorted({*by_key, *by_variable}, key=lambda row: row[1], reverse=True)
    return [row[0] for row in newest[:LIMIT]]


def _patterns(customer_id: int) -> list[str]:
    """``LIKE`` patterns for ``"customer_id": 42`` (or ``"42"``), followed by the end of the value, with
    or without the space Python's JSON puts after the colon."""
    return [f'%"customer\\_id":{space}{value}{end}%'
            for space in ("", " ") for value in (str(customer_id), f'"{customer_id}"') for end in (",", "}")]


def _names_customer(raw: str | None, customer_id: int) -> bool:
    """The variables (JSON text) hold ``customer_id`` equal to the customer's id (a number or its digits);
    text that does not parse names nobody."""
    try:
        variables = json.loads(raw or "null")
    except (ValueError, RecursionError):
        return False
    value = variables.get("customer_id") if isinstance(variables, dict) else None
    return not isinstance(value, bool) and (value == customer_id or value == str(customer_id))


def _open_tasks(session: Session, key: str, ids: list[str], viewer: Actor) -> list[HumanTask]:
    about = or_(HumanTask.business_key == key, HumanTask.process_instance_id.in_(ids))
    stmt = select(HumanTask).where(HumanTask.state.in_(OPEN_STATES), about)
    if not viewer.admin:
        stmt = stmt.where(visible_to(viewer))
    return list(session.scalars(stmt.order_by(HumanTask.created_at.desc()).limit(LIMIT)))
