"""What a lead's page adds to the lead: its calls, the score's parts in words, the open qualification call
(a task of its process) and the opportunity it became."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.context import ravand
from crm import lead_calls
from crm.models import Lead, Opportunity
from engine.tasks import TaskQuery
from processes.lead_qualification.handlers import WHY


def score_why(lead: Lead) -> list[dict[str, Any]]:
    """The score's parts, each with its reason in Persian and English (the key when the table has no words)."""
    return [{**part, "fa": WHY.get(part.get("why"), (part.get("why"),) * 2)[0],
             "en": WHY.get(part.get("why"), (part.get("why"),) * 2)[1]}
            for part in lead.score_parts or [] if isinstance(part, dict)]


def open_task(session: Session, lead: Lead) -> dict[str, Any] | None:
    """The lead's waiting qualification call: who holds it, which groups it is offered to, when due."""
    if not lead.process_instance_id:
        return None
    found = ravand().engine.tasks(session, TaskQuery(process_instance=lead.process_instance_id, limit=5))
    task = next(iter(found.items), None)
    return None if task is None else {"id": task.id, "element_id": task.element_id, "assignee": task.assignee,
                                      "candidate_groups": task.candidate_groups, "due": task.due}


def detail(session: Session, lead: Lead) -> dict[str, Any]:
    opportunity = session.scalar(select(Opportunity.id).where(Opportunity.lead_id == lead.id)
                                 .order_by(Opportunity.id).limit(1))
    return {"calls": lead_calls.calls_of(session, lead.id), "score_why": score_why(lead),
            "task": open_task(session, lead), "opportunity_id": opportunity}
