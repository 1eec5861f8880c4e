"""Who a task may be handed to (``POST /tasks/{id}/assign`` and ``/delegate``).

The user must be an active account that works tasks (an employee or an administrator): an unknown name, a
disabled account, an auditor, a designer or an integration account is refused with a 422 on ``user``, so a
task never goes to someone who cannot see or do it. The user must also be one of the task's candidates (a
candidate user, or in a candidate group; a task without candidates may go to anyone who works tasks). An
administrator may hand a task outside its candidates, but only by saying so (``override: true``); the journal
records the assignment either way. Messages are in English and Persian."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.identity.models import User
from engine.errors import InvalidData
from engine.views import TaskView

WORKERS = ("admin", "employee")


def _refuse(field: str, message: str) -> InvalidData:
    return InvalidData({field: [message]}, message)


def is_candidate(task: TaskView, user: User) -> bool:
    """Is ``user`` offered ``task`` (a candidate user or in a candidate group; anyone when it names none)?"""
    if not task.candidate_users and not task.candidate_groups:
        return True
    return user.username in task.candidate_users or bool(set(user.groups or ()) & set(task.candidate_groups))


def check_assignee(session: Session, task: TaskView, username: str, *, admin: bool, override: bool) -> User:
    """The account ``username`` names, if the task may be handed to it; ``InvalidData`` saying why not."""
    name = username.strip()
    user = session.scalars(select(User).where(User.username == name)).first()
    if user is None:
        raise _refuse("user", f"no user {name!r} / کاربری با نام {name!r} نیست")
    if not user.active:
        raise _refuse("user", f"{name} is disabled / حساب {name} غیرفعال است")
    if user.role not in WORKERS:
        raise _refuse("user", f"{name} is an {user.role} account and does not work tasks / "
                              f"حساب {name} ({user.role}) کار انجام نمی‌دهد")
    if override and not admin:
        raise _refuse("override", "only an administrator may assign outside the task's candidates / "
                                  "فقط مدیر سامانه می‌تواند کار را بیرون از نامزدهایش بسپارد")
    if not is_candidate(task, user) and not override:
        offered = ", ".join([*task.candidate_users, *(f"group {g}" for g in task.candidate_groups)])
        hint = "; an administrator may send override: true" if admin else ""
        raise _refuse("user", f"{name} is not among the task's candidates ({offered}){hint} / "
                              f"{name} از نامزدهای این کار نیست")
    return user
