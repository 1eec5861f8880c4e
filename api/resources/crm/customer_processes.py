"""The engine's side of a customer: the process instances about them and their open user tasks.

An instance is about customer 42 when its business key is ``customer-42``, or, while it runs (or
waits on an incident), when its variables hold ``customer_id == 42``. Two indexed queries: instances
by business key or by state, tasks by instance. The API may read the engine's tables; ``crm`` may not."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.models import HumanTask, ProcessInstance
from engine.projections import OPEN_STATES

ACTIVE = ("running", "failed")
LIMIT = 50


def business_key(customer_id: int) -> str:
    return f"customer-{customer_id}"


def process_links(session: Session, customer_id: int) -> dict[str, list[Any]]:
    """``{"instances": [...], "open_tasks": [...]}``, newest first (``LIMIT`` each)."""
    key = business_key(customer_id)
    about = or_(ProcessInstance.business_key == key,
                (ProcessInstance.state.in_(ACTIVE))
                & (ProcessInstance.variables["customer_id"].as_string() == str(customer_id)))
    instances = list(session.scalars(select(ProcessInstance).where(about)
                                     .order_by(ProcessInstance.started_at.desc()).limit(LIMIT)))
    ids = [i.id for i in instances]
    tasks = list(session.scalars(
        select(HumanTask).where(HumanTask.state.in_(OPEN_STATES),
                                or_(HumanTask.business_key == key, HumanTask.process_instance_id.in_(ids)))
        .order_by(HumanTask.created_at.desc()).limit(LIMIT))) if ids else []
    return {"instances": instances, "open_tasks": tasks}
