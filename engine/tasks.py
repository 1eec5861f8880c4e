"""Human-task commands (claim, unclaim, assign, delegate, complete) and task queries, answered
from the ``human_task`` projection alone."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import Select

from engine import journal, records
from engine.clock import utcnow
from engine.errors import Conflict, Forbidden, InvalidData, NotFound, TaskNotOpen
from engine.runtime import guards
from engine.runtime import unit_of_work as runtime
from engine.store import instances
from engine.store.instances import InstanceRow
from engine.store.models import OPEN_STATES, HumanTask, ProcessInstance, Resource, TaskCandidate, TaskComment
from engine.store.prepared import Prepared
from engine.store.rows import held, held_or_attached, load_row, split_row
from engine.views import Actor, Page, RecordView, TaskView
from forms import FormDataInvalid, load_form
from forms.display import for_display

SORTS = {
    "created": HumanTask.created_at, "due": HumanTask.due_at, "priority": HumanTask.priority,
    "name": HumanTask.name,
}


_TASK_ROWS, _INSTANCE_ROWS = HumanTask.__table__, ProcessInstance.__table__
# The task row is locked until the command commits (PostgreSQL; SQLite's writer already holds the database),
# so a claim committed between this read and the completion's write waits and then finds the task closed, and
# a claim committed before it is seen here: a claim answered 200 is never overridden.
_TASK_AND_INSTANCE = Prepared(select(_TASK_ROWS, _INSTANCE_ROWS)
                              .join(_INSTANCE_ROWS, _INSTANCE_ROWS.c.id == _TASK_ROWS.c.process_instance_id)
                              .where(_TASK_ROWS.c.id == bindparam("pk"))
                              .with_for_update(of=_TASK_ROWS))
_LOCK_TASK = Prepared(select(_TASK_ROWS.c.assignee, _TASK_ROWS.c.state)
                      .where(_TASK_ROWS.c.id == bindparam("pk")).with_for_update())


def is_candidate(row: HumanTask, actor: Actor) -> bool:
    return actor.name in row.candidate_users or bool(actor.groups.intersection(row.candidate_groups))


def can_see(row: HumanTask, actor: Actor) -> bool:
    return actor.admin or actor.name in {row.assignee, row.owner} or is_candidate(row, actor)


def get_visible(session: Session, task_id: str, actor: Actor) -> HumanTask:
    row = load_row(session, HumanTask, task_id)
    if row is None or not can_see(row, actor):
        raise NotFound(f"no task {task_id!r}")  # a task you may not see does not exist for you
    return row


def _not_open(session: Session, row: HumanTask, actor: Actor) -> TaskNotOpen:
    """Why a task that exists cannot be worked any more, and where its instance's work now waits for the actor."""
    query = select(HumanTask.id, HumanTask.name).where(
        HumanTask.process_instance_id == row.process_instance_id, HumanTask.state.in_(OPEN_STATES),
        HumanTask.id != row.id)
    if not actor.admin:
        query = query.where(visible_to(actor))
    moved = [{"id": task_id, "name": name} for task_id, name in session.execute(query.order_by(HumanTask.created_at))]
    why = {"cancelled": "the process moved on without it, e.g. its record was corrected and the work routed again",
           "completed": "someone already completed it"}.get(row.state, "it was closed")
    named = ", ".join(f"{task['name']!r} ({task['id']})" for task in moved)
    then = f"its work is now {named}" if moved else "there is nothing left to do on it; reload your task list"
    fa = {"cancelled": "لغو شده", "completed": "انجام شده"}.get(row.state, "بسته شده")
    return TaskNotOpen(f"this task is no longer open ({row.state}): {why}; {then} / "
                       f"این کار دیگر باز نیست ({fa})؛ فهرست کارهای خود را دوباره بخوانید", row.state, moved)


def actionable(session: Session, task_id: str, actor: Actor) -> HumanTask:
    """The task to claim or complete. One that is no longer open answers 409 saying so (and where the work went)
    to whoever could see it, or can see where its work went; to anyone else it does not exist (404)."""
    row = load_row(session, HumanTask, task_id)
    if row is not None and row.state not in OPEN_STATES:
        error = _not_open(session, row, actor)
        if can_see(row, actor) or error.open_tasks:
            raise error
    if row is None or not can_see(row, actor):
        raise NotFound(f"no task {task_id!r}")
    return row


def _event(session: Session, row: HumanTask, kind: str, actor: Actor, **data: Any) -> None:
    journal.record(session, kind, actor.name, instance_id=row.process_instance_id, business_key=row.business_key,
                   element_id=row.element_id, data={"task_id": row.id, **data})


def claim(session: Session, task_id: str, actor: Actor) -> HumanTask:
    row = actionable(session, task_id, actor)
    if not (is_candidate(row, actor) or actor.admin):
        raise Forbidden("you are not a candidate for this task")
    now = utcnow()
    won = session.execute(
        update(HumanTask).where(HumanTask.id == task_id, HumanTask.state == "ready", HumanTask.assignee.is_(None))
        .values(state="claimed", assignee=actor.name, claimed_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if not won:
        session.refresh(row)
        if row.state not in OPEN_STATES:
            raise _not_open(session, row, actor)
        raise Conflict(f"the task is already claimed by {row.assignee}")
    for name, value in (("state", "claimed"), ("assignee", actor.name), ("claimed_at", now)):
        set_committed_value(row, name, value)  # what the UPDATE wrote, without reading the row again
    _event(session, row, "task.claimed", actor)
    return row


def _open(row: HumanTask) -> None:
    if row.state not in OPEN_STATES:
        raise TaskNotOpen(f"this task is no longer open ({row.state}) / این کار دیگر باز نیست", row.state)


def unclaim(session: Session, task_id: str, actor: Actor) -> HumanTask:
    row = get_visible(session, task_id, actor)
    _open(row)
    if row.assignee is None:
        raise Conflict("the task is not claimed")
    if row.assignee != actor.name and not actor.admin:
        raise Forbidden("only the assignee or an administrator can release this task")
    _event(session, row, "task.unclaimed", actor, previous=row.assignee)
    row.assignee, row.owner, row.state, row.claimed_at = None, None, "ready", None
    session.flush()
    return row


def assign(session: Session, task_id: str, user: str, actor: Actor, *, delegate: bool = False) -> HumanTask:
    """Hand the task to ``user``. Its assignee (or an administrator) may; a delegation keeps the
    delegating user as the owner, who still sees the task."""
    row = get_visible(session, task_id, actor)
    _open(row)
    if not actor.admin and row.assignee != actor.name:
        raise Forbidden("only the assignee or an administrator can hand this task over")
    if not user or not user.strip():
        raise InvalidData({"user": ["a user name is required"]})
    previous = row.assignee
    if delegate:
        row.owner = row.owner or previous or actor.name
    row.assignee, row.state, row.claimed_at = user.strip(), "claimed", utcnow()
    session.flush()
    _event(session, row, "task.delegated" if delegate else "task.assigned", actor, user=row.assignee,
           previous=previous, owner=row.owner)
    return row


@lru_cache(maxsize=512)
def _form(content: str) -> Any:
    return load_form(content)


_form_contents: dict[str, str | None] = {}  # resource hash → form JSON (None: not a form); never changes


def _form_content(session: Session, row: HumanTask) -> str | None:
    """The task's form, read once per process: resources are stored by the hash of their content."""
    if not row.form_key:
        return None
    if row.form_key not in _form_contents:
        resource = session.get(Resource, row.form_key)
        if resource is None:
            return None  # not cached: a later deployment may still add it
        _form_contents[row.form_key] = resource.content if resource.kind == "form" else None
    return _form_contents[row.form_key]


def form_schema(session: Session, row: HumanTask) -> dict[str, Any] | None:
    """The task's form as the person working it sees it: the designer's markup made harmless."""
    content = _form_content(session, row)
    return for_display(json.loads(content)) if content is not None else None


def validate_form(session: Session, row: HumanTask, data: Mapping[str, Any],
                  variables: Mapping[str, Any] | None) -> dict[str, Any]:
    """The data checked against the task's form; ``variables`` (the instance's) feed conditional.hide."""
    content = _form_content(session, row)
    if content is None:
        return dict(data)
    try:
        return _form(content).validate(data, variables)
    except FormDataInvalid as exc:
        raise InvalidData(exc.field_errors) from exc


def _lock_held(session: Session, row: HumanTask) -> None:
    """A task row this session read earlier without a lock: lock it now and refuse if another command changed
    who holds it or closed it meanwhile (PostgreSQL; on SQLite the statement is a plain read)."""
    locked = _LOCK_TASK.first(session, {"pk": row.id})
    if locked is None or (locked.assignee, locked.state) != (row.assignee, row.state):
        raise Conflict("the task was changed by someone else meanwhile; reload it")


def _read_task_and_instance(session: Session, task_id: str) -> tuple[HumanTask, InstanceRow] | None:
    found = _TASK_AND_INSTANCE.first(session, {"pk": task_id})
    if found is None:
        return None
    task, instance = split_row(found, _TASK_ROWS, _INSTANCE_ROWS)
    return held_or_attached(session, HumanTask, task), instances.taken(session, instance)


def complete(ctx: runtime.Context, session: Session, task_id: str, data: Mapping[str, Any],
             actor: Actor) -> HumanTask:
    # the task and its instance in one read; the task's object is kept referenced until it is taken (the
    # session holds objects weakly)
    joined = None if held(session, HumanTask, task_id) else _read_task_and_instance(session, task_id)
    row = actionable(session, task_id, actor)
    if joined is None:
        _lock_held(session, row)
    _open(row)
    if row.assignee is not None and row.assignee != actor.name and not actor.admin:
        raise Forbidden(f"the task is claimed by {row.assignee}")
    if row.assignee is None and not (is_candidate(row, actor) or actor.admin):
        raise Forbidden("you are not a candidate for this task")
    if not isinstance(data, Mapping):
        raise InvalidData({"data": ["must be an object"]})
    loaded = runtime.load(ctx, session, row.process_instance_id)
    del joined
    guards.check_loaded(ctx, session, row, loaded.instance, actor.name)
    cleaned = validate_form(session, row, data, loaded.instance.variables)
    if row.assignee is None:
        row.assignee, row.claimed_at = actor.name, utcnow()
        _event(session, row, "task.claimed", actor, implicit=True)
    _event(session, row, "task.completed", actor, data=cleaned)
    runtime.complete_task(ctx, session, loaded, task_id, cleaned, actor.name)
    return row


@dataclass(frozen=True)
class TaskQuery:
    assignee: str | None = None
    candidate: Actor | None = None
    unassigned: bool = False
    process_instance: str | None = None
    process_key: str | None = None
    business_key: str | None = None
    due_before: datetime | None = None
    record_type: str | None = None
    record_id: str | None = None
    search: tuple[str, ...] = ()  # words (folded as the records' search text is) that must all be found in it
    state: str = "open"
    visible_to: Actor | None = None
    sort: str = "created"
    descending: bool = False
    limit: int = 50
    offset: int = 0


def _offered_to(actor: Actor) -> Any:
    offered = or_(and_(TaskCandidate.kind == "user", TaskCandidate.name == actor.name),
                  and_(TaskCandidate.kind == "group", TaskCandidate.name.in_(sorted(actor.groups))))
    return HumanTask.id.in_(select(TaskCandidate.task_id).where(offered))


def _filtered(query: TaskQuery) -> Select:
    stmt = select(HumanTask)
    if query.state == "open":
        stmt = stmt.where(HumanTask.state.in_(OPEN_STATES))
    elif query.state != "all":
        stmt = stmt.where(HumanTask.state == query.state)
    conditions = [
        (query.assignee is not None, lambda: HumanTask.assignee == query.assignee),
        (query.candidate is not None, lambda: _offered_to(query.candidate)),
        (query.unassigned, lambda: HumanTask.assignee.is_(None)),
        (query.process_instance is not None, lambda: HumanTask.process_instance_id == query.process_instance),
        (query.process_key is not None, lambda: HumanTask.process_key == query.process_key),
        (query.business_key is not None, lambda: HumanTask.business_key == query.business_key),
        (query.due_before is not None, lambda: HumanTask.due_at < query.due_before),
    ]
    stmt = stmt.where(*[make() for wanted, make in conditions if wanted])
    about = [(query.record_type is not None, lambda: ProcessInstance.record_type == query.record_type),
             (query.record_id is not None, lambda: ProcessInstance.record_id == query.record_id),
             (bool(query.search), lambda: records.matching(records.search_words(query.search)))]
    if any(wanted for wanted, _ in about):
        stmt = stmt.join(ProcessInstance, ProcessInstance.id == HumanTask.process_instance_id).where(
            *[make() for wanted, make in about if wanted])
    viewer = query.visible_to
    implied = viewer is not None and (query.candidate == viewer or query.assignee == viewer.name)
    if viewer is not None and not viewer.admin and not implied:  # the viewer's own tasks need no second check
        stmt = stmt.where(visible_to(viewer))
    return stmt


def visible_to(viewer: Actor) -> Any:
    """The tasklist's rule as a condition on tasks: assigned to, delegated by, or offered to the viewer
    or the viewer's groups (``can_see`` without the admin case)."""
    return or_(HumanTask.assignee == viewer.name, HumanTask.owner == viewer.name, _offered_to(viewer))


def find(session: Session, query: TaskQuery) -> Page[TaskView]:
    stmt = _filtered(query)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    column = SORTS.get(query.sort, HumanTask.created_at)
    order = column.desc() if query.descending else column.asc()
    rows = session.scalars(stmt.order_by(order, HumanTask.id).limit(query.limit).offset(query.offset)).all()
    described = _records(session, {row.process_instance_id for row in rows})
    return Page([TaskView.of(r, described.get(r.process_instance_id)) for r in rows], total or 0, query.limit,
                query.offset)


def _records(session: Session, instance_ids: set[str]) -> dict[str, RecordView | None]:
    """The record each instance serves, read by primary key for one page of tasks."""
    if not instance_ids:
        return {}
    found = session.execute(select(ProcessInstance.id, ProcessInstance.record_type, ProcessInstance.record_id,
                                   ProcessInstance.record_title).where(ProcessInstance.id.in_(sorted(instance_ids))))
    return {row.id: RecordView.of(row.record_type, row.record_id, row.record_title) for row in found}


def add_comment(session: Session, task_id: str, text: str, actor: Actor) -> TaskComment:
    row = get_visible(session, task_id, actor)
    if not text or not text.strip():
        raise InvalidData({"text": ["must not be empty"]})
    comment = TaskComment(task_id=row.id, author=actor.name, text=text.strip(), created_at=utcnow())
    session.add(comment)
    session.flush()
    _event(session, row, "task.commented", actor, comment_id=comment.id, text=comment.text)
    return comment


def comments(session: Session, task_id: str, actor: Actor) -> list[TaskComment]:
    get_visible(session, task_id, actor)
    return list(session.scalars(select(TaskComment).where(TaskComment.task_id == task_id).order_by(TaskComment.id)))
