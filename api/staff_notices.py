"""Telling employees about their tasks, through the outbox, each in their own language and by display name
(``processes.notices.tell_staff`` with the staff directory the composition root supplies).

- A task handed to someone by someone else (assign, delegate) tells them: ``task_assigned``.
- An open task past its due time tells its assignee, or, while nobody has claimed it, its candidate users and
  the members of its candidate groups (at most ``MAX_RECIPIENTS`` people): ``task_overdue``, once per task.
  The scheduler's job (``overdue_job``, beside the outbox's) looks every ``notify_interval_s``; the
  ``task_notice`` table remembers which tasks were told, so a restart or a second worker tells nobody twice."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any

from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy import JSON, String, exists, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from api.composition import Ravand, ravand_ctx
from api.identity.models import User
from api.record_access import viewer_of
from api.record_visibility import MODELS as RECORD_MODELS
from api.staff import directory
from crm import access, activities
from crm.record_cards import url_of
from crm.record_labels import KIND_WORDS
from engine.clock import as_utc, utcnow
from engine.definitions.names import BOOK
from engine.facade import Engine
from engine.runtime.services import ServiceCall
from engine.store.db import is_postgres
from engine.store.models import Base, HumanTask
from engine.store.transactions import transaction
from engine.views import TaskView
from processes.notices import public_url, tell_staff
from processes.records import record_of

log = logging.getLogger("ravand.notices")
ACTOR = "scheduler"
OPEN = ("ready", "claimed")
MAX_RECIPIENTS = 10  # people told of one unclaimed overdue task (its candidates), in directory order
BATCH = 100  # overdue tasks told per run; the next run takes the rest


class TaskNotice(Base):
    """A notice an employee was sent about a task (``kind``: ``overdue``), so it is sent once."""

    __tablename__ = "task_notice"
    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    due_at: Mapped[datetime | None]
    notified_at: Mapped[datetime]
    recipients: Mapped[list[Any]] = mapped_column(JSON)


def _call(engine: Engine, session: Session, task: TaskView | HumanTask, actor: str | None) -> ServiceCall:
    """The task's instance as ``tell_staff`` reads it: the engine's settings and the user accounts' directory."""
    instance = task.process_instance if isinstance(task, TaskView) else task.process_instance_id
    settings = {**engine.ctx.settings, "staff_directory": directory}
    return ServiceCall(session, instance, task.business_key, task.element_id, actor, settings)


def _task_names(session: Session, task: TaskView | HumanTask) -> dict[str, str]:
    """The task's name in every language its diagram gives (``tell_staff`` tells each person theirs)."""
    return BOOK.lookup(session, [task.process_key]).names(task.process_key, task.element_id, task.name)


def _display_name(call: ServiceCall, username: str) -> str:
    found = directory(call.session, [username])
    return found[0].display_name if found else username


def tell_assigned(engine: Engine, session: Session, task: TaskView, actor: str) -> list[str]:
    """The task's new assignee hears who handed it to them (nobody, when they took it themselves)."""
    if not task.assignee or task.assignee == actor:
        return []
    call = _call(engine, session, task, actor)
    params = {"task_name": _task_names(session, task), "by": _display_name(call, actor),
              "task_url": public_url(call, f"/app/tasks/{task.id}")}
    return tell_staff(call, ravand_ctx(session, actor), [task.assignee], template="task_assigned", params=params)


def _recipients(call: ServiceCall, task: HumanTask) -> list[str]:
    """The assignee; for an unclaimed task its candidates, at most ``MAX_RECIPIENTS`` active people."""
    if task.assignee:
        return [task.assignee]
    wanted = [*(task.candidate_users or []), *(f"group:{g}" for g in task.candidate_groups or [])]
    people = [p.username for p in directory(call.session, wanted)]
    if len(people) > MAX_RECIPIENTS:
        log.info("overdue task %s: %d candidates, the first %d told", task.id, len(people), MAX_RECIPIENTS)
    return people[:MAX_RECIPIENTS]


MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9][A-Za-z0-9._-]{0,148}[A-Za-z0-9]|[A-Za-z0-9])")
MAX_MENTIONS = 10  # people one comment may tell
EXCERPT = 300  # characters of the comment in the notice


def mentions(text: str) -> list[str]:
    """The user names a comment mentions (``@sara``), each once, in order."""
    return list(dict.fromkeys(MENTION.findall(text or "")))


def tell_mentioned(engine: Engine, session: Session, task: TaskView, text: str, actor: str) -> list[str]:
    """Everyone a task comment mentions who may see the task (its assignee, its candidate users, the members
    of its candidate groups, administrators), the author aside, hears who wrote what (``mentioned``)."""
    wanted = [name for name in mentions(text) if name != actor][:MAX_MENTIONS]
    if not wanted:
        return []
    call = _call(engine, session, task, actor)
    allowed = {p.username for p in directory(session, [task.assignee or "", *(task.candidate_users or []),
                                                       *(f"group:{g}" for g in task.candidate_groups or [])])}
    allowed |= set(session.scalars(select(User.username).where(User.role == "admin", User.active.is_(True))))
    told = [name for name in wanted if name in allowed]
    if not told:
        return []
    excerpt = text if len(text) <= EXCERPT else text[:EXCERPT - 1] + "…"
    params = {"task_name": _task_names(session, task), "by": _display_name(call, actor),
              "text": excerpt, "task_url": public_url(call, f"/app/tasks/{task.id}")}
    return tell_staff(call, ravand_ctx(session, actor), told, template="mentioned", params=params)


def tell_mentioned_on_record(engine: Engine, session: Session, record_type: str, record_id: int, text: str,
                             actor: str) -> list[str]:
    """Everyone an activity's text on a record mentions (``@sara``) who may read that record (record access:
    their teams, branches and scopes), the author aside, hears who wrote what and where (``mentioned_record``)."""
    wanted = [name for name in mentions(text) if name != actor][:MAX_MENTIONS]
    if not wanted:
        return []
    record = session.get(RECORD_MODELS[record_type], record_id)
    users = session.execute(select(User.username, User.role, User.groups).where(
        User.username.in_(wanted), User.active.is_(True), User.role.in_(("admin", "employee", "auditor")))).all()
    told = [u.username for u in users if record is not None
            and access.may_read(session, record, viewer_of(session, u.username, u.role, u.groups))]
    if not told:
        return []
    settings = {**engine.ctx.settings, "staff_directory": directory}
    call = ServiceCall(session, None, None, None, actor, settings)  # type: ignore[arg-type]  # no instance
    path = url_of(record_type, record_id)
    ref = record_of(session, record_type, str(record_id))
    excerpt = text if len(text) <= EXCERPT else text[:EXCERPT - 1] + "…"
    params = {"record": ref.title if ref is not None else path, "by": _display_name(call, actor), "text": excerpt,
              "record_url": public_url(call, path)}
    return tell_staff(call, ravand_ctx(session, actor), sorted(told, key=wanted.index), template="mentioned_record",
                      params=params, link=path)


def _due(session: Session, kind: str, before: datetime, batch: int, after: datetime | None = None) -> list[HumanTask]:
    """Open tasks due before ``before`` (and not before ``after``) whose people were not told of ``kind``."""
    told = exists().where(TaskNotice.task_id == HumanTask.id, TaskNotice.kind == kind)
    since = [HumanTask.due_at >= after] if after is not None else []
    query = (select(HumanTask).where(HumanTask.state.in_(OPEN), HumanTask.due_at < before, *since, ~told)
             .order_by(HumanTask.due_at, HumanTask.id).limit(batch))
    if is_postgres(session.get_bind()):
        query = query.with_for_update(of=HumanTask, skip_locked=True)  # two workers never tell one task twice
    return list(session.scalars(query))


def _tell_due(engine: Engine, session: Session, tasks: list[HumanTask], kind: str, template: str,
              now: datetime) -> int:
    for task in tasks:
        call = _call(engine, session, task, ACTOR)
        params = {"task_name": _task_names(session, task), "due": as_utc(task.due_at),
                  "task_url": public_url(call, f"/app/tasks/{task.id}")}
        told = tell_staff(call, ravand_ctx(session, ACTOR), _recipients(call, task), template=template,
                          params=params)
        session.add(TaskNotice(task_id=task.id, kind=kind, due_at=task.due_at, notified_at=now, recipients=told))
    session.flush()
    return len(tasks)


def tell_overdue(engine: Engine, session: Session, now: datetime | None = None, batch: int = BATCH) -> int:
    """Tell the people of every open task past its due time that was not told yet; how many tasks."""
    now = now or utcnow()
    return _tell_due(engine, session, _due(session, "overdue", now, batch), "overdue", "task_overdue", now)


def tell_due_soon(engine: Engine, session: Session, now: datetime | None = None, batch: int = BATCH) -> int:
    """Tell the people of every open task due within ``notify_due_soon_s`` (from now) that was not told yet
    (``task_due_soon``, once); none when the setting is 0. How many tasks."""
    window = float(engine.ctx.settings.get("notify_due_soon_s") or 0)
    if window <= 0:
        return 0
    now = now or utcnow()
    tasks = _due(session, "due_soon", now + timedelta(seconds=window), batch, after=now)
    return _tell_due(engine, session, tasks, "due_soon", "task_due_soon", now)


def tell_reminders(engine: Engine, session: Session, now: datetime | None = None, batch: int = BATCH) -> int:
    """Remind the owner of every open activity whose reminder time has come (``activity_reminder``, once: the
    activity keeps when it reminded); how many."""
    now = now or utcnow()
    due = activities.reminders_due(session, now, batch, lock=is_postgres(session.get_bind()))
    settings = {**engine.ctx.settings, "staff_directory": directory}
    for item in due:
        call = ServiceCall(session, None, None, None, ACTOR, settings)  # type: ignore[arg-type]  # no instance
        path = url_of(item.record_type, item.record_id)
        ref = record_of(session, item.record_type, str(item.record_id))
        title = ref.title if ref is not None else path
        params = {"subject_name": {"fa": item.subject or KIND_WORDS[item.kind]["fa"],
                                    "en": item.subject or KIND_WORDS[item.kind]["en"]},
                  "record": title, "due": as_utc(item.due_at or item.remind_at),
                  "record_url": public_url(call, path)}
        tell_staff(call, ravand_ctx(session, ACTOR), [item.owner], template="activity_reminder", params=params,
                   link=path)
        item.reminded_at = now
    session.flush()
    return len(due)


def overdue_job(ravand: Ravand) -> None:
    """The scheduler's job: overdue tasks and activity reminders; never raises (the next run tries again)."""
    for what, tell in (("overdue tasks", tell_overdue), ("tasks due soon", tell_due_soon),
                       ("activity reminders", tell_reminders)):
        try:
            count = transaction(ravand.sessions, lambda s, tell=tell: tell(ravand.engine, s))
        except Exception:  # the database may be briefly away
            log.exception("the %s failed", what)
            continue
        if count:
            log.info("%s: %d told", what, count)


def schedule_overdue(scheduler: BaseScheduler, ravand: Ravand) -> Job:
    return scheduler.add_job(overdue_job, "interval", args=[ravand], seconds=ravand.settings.notify_interval_s,
                             max_instances=1, coalesce=True, id="ravand-overdue-tasks", replace_existing=True)
