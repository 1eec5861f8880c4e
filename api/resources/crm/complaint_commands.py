"""Complaint commands that reach the complaint's process as well as its record, in one transaction: a triage
correction (the process routes the open task again), assigning the complaint and its open task, the customer's
answer that ends a wait, and the customer's request to reopen."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.composition import Ravand
from api.context import ravand
from api.identity.models import User
from api.identity.service import Principal
from crm import complaint_work, complaints
from crm.errors import InvalidRecord, RecordConflict
from crm.models import Complaint
from crm.unit import Ctx
from engine.errors import Forbidden
from engine.tasks import TaskQuery
from engine.views import Actor
from processes import records

PROCESS = "complaint_escalation"
TIER_TASKS = ("tier1", "tier2", "tier3", "follow_up")


def _tell_process(app: Ravand, session: Session, message: str, complaint: Complaint, actor: str | None) -> bool:
    """Deliver ``message`` to the complaint's waiting instance; whether one took it."""
    delivery = app.engine.correlate(session, message, correlation={"tracking_code": complaint.tracking_code},
                                    actor=actor, waiting_only=True)
    return bool(delivery.instance_ids)


def open_task(session: Session, complaint: Complaint) -> dict[str, Any] | None:
    """The complaint's open task (tier or follow-up): who holds it, which groups it is offered to, when due."""
    if not complaint.process_instance_id:
        return None
    found = ravand().engine.tasks(session, TaskQuery(process_instance=complaint.process_instance_id, limit=5))
    task = next((t for t in found.items if t.element_id in TIER_TASKS), None)
    return None if task is None else {"id": task.id, "element_id": task.element_id, "assignee": task.assignee,
                                      "candidate_groups": task.candidate_groups, "due": task.due}


def correct_complaint(session: Session, ctx: Ctx, complaint_id: int, changes: Mapping[str, Any]) -> Complaint:
    complaint, reroute = complaints.update_complaint(ctx, complaint_id, changes)
    if "customer_id" in changes:  # linked to a known customer: its tasks name the customer
        ravand().engine.describe_record(session, records.complaint_record(session, complaint))
    if reroute:
        _tell_process(ravand(), session, "complaint_changed", complaint, ctx.actor)
    return complaint


def _may_assign(session: Session, principal: Principal, complaint: Complaint) -> None:
    """The complaint's team lead group or its managers (from its routing), or an administrator."""
    if principal.role == "admin":
        return
    variables: dict[str, Any] = {}
    if complaint.process_instance_id:
        variables = ravand().engine.instance(session, complaint.process_instance_id).variables
    leads = {variables.get("team_lead"), variables.get("manager_group")} - {None}
    if not leads & principal.groups:
        raise Forbidden("only the complaint's team lead, a manager or an administrator may assign it")


def _employee(session: Session, username: str) -> str:
    user = session.scalars(select(User).where(User.username == username.strip())).first()
    if user is None or not user.active or user.role not in ("employee", "admin"):
        raise InvalidRecord("no such employee", {"user": ["the user name of an active employee"]})
    return user.username


def assign_complaint(session: Session, ctx: Ctx, principal: Principal, complaint_id: int, user: str) -> Complaint:
    complaint = complaints.get_complaint(session, complaint_id)
    _may_assign(session, principal, complaint)
    name = _employee(session, user)
    task = open_task(session, complaint)
    if task is None:
        raise RecordConflict("the complaint has no open task to assign")
    acting = Actor(principal.username, principal.groups, admin=True)  # a lead hands over a task they do not hold
    ravand().engine.assign(session, task["id"], name, acting)
    return complaint_work.assign(ctx, complaint_id, name)


def resume_complaint(session: Session, ctx: Ctx, complaint_id: int, text: str) -> Complaint:
    complaint = complaints.get_complaint(session, complaint_id)
    if complaint.status != "waiting_customer":
        raise RecordConflict("the complaint is not waiting for the customer")
    complaints.add_update(ctx, complaint.id, text, public=False)
    _tell_process(ravand(), session, "complaint_customer_replied", complaint, ctx.actor)
    return complaint


def customer_replied(app: Ravand, session: Session, ctx: Ctx, code: str, text: str) -> Complaint:
    complaint = complaint_work.customer_reply(ctx, code, text)
    _tell_process(app, session, "complaint_customer_replied", complaint, ctx.actor)
    return complaint


def reopen_days(app: Ravand) -> int:
    """How many days after the resolution the customer may ask to reopen (setting ``complaint_reopen_days``)."""
    return int(app.settings.extra.get("complaint_reopen_days", complaint_work.REOPEN_DAYS))


def reopen_requested(app: Ravand, session: Session, ctx: Ctx, code: str, reason: str) -> Complaint:
    """The customer asks to reopen (within the window): the waiting survey hears it; a closed complaint gets a
    new run of the process."""
    complaint = complaints.by_tracking_code(session, code, lock=True)
    complaint_work.reopen(ctx, complaint.id, reason, window_days=reopen_days(app))
    if not _tell_process(app, session, "complaint_reopen_requested", complaint, ctx.actor):
        app.engine.start(session, PROCESS, complaint.tracking_code, {"complaint_id": complaint.id}, ctx.actor,
                         record=records.complaint_record(session, complaint))
    return complaint
