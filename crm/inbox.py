"""An employee's in-app inbox: the outbox's ``app`` rows addressed to their user name (``processes.notices.
tell_staff`` writes one for every staff notice, whether or not it is also mailed or sent by SMS). Each row is
``sent`` when stored; ``read_at`` says when its owner read it. Nobody reads or marks another's notices: a
notice that is not the caller's is "not found", exactly like one that does not exist."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from crm.clock import utcnow
from crm.errors import RecordNotFound
from crm.models import Notification
from crm.unit import Ctx
from crm.validation import MAX_ID, page

__all__ = ["mark_all_read", "mark_read", "notices", "unread"]

CHANNEL = "app"


def _theirs(username: str) -> Select[tuple[Notification]]:
    return select(Notification).where(Notification.channel == CHANNEL, Notification.recipient == username)


def notices(session: Session, username: str, *, unread_only: bool = False, limit: int = 20,
            offset: int = 0) -> tuple[list[Notification], int]:
    """The employee's notices, newest first, and how many there are (of the unread ones with ``unread_only``)."""
    query = _theirs(username)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return page(session, query.order_by(Notification.id.desc()), limit, offset)


def unread(session: Session, username: str) -> int:
    """How many of the employee's notices are not read yet."""
    return session.scalar(select(func.count(Notification.id)).where(
        Notification.channel == CHANNEL, Notification.recipient == username, Notification.read_at.is_(None))) or 0


def mark_read(ctx: Ctx, username: str, notice_id: int) -> Notification:
    """Mark one of the employee's notices read (once: reading it again changes nothing)."""
    known = isinstance(notice_id, int) and 0 < notice_id <= MAX_ID
    notice = ctx.session.scalar(_theirs(username).where(Notification.id == notice_id)) if known else None
    if notice is None:
        raise RecordNotFound(f"no notification {notice_id}")
    if notice.read_at is None:
        ctx.change(notice, "notification", {"read_at": utcnow()})
    return notice


def mark_all_read(ctx: Ctx, username: str) -> int:
    """Mark every unread notice of the employee read; how many were."""
    now = utcnow()
    rows = list(ctx.session.scalars(_theirs(username).where(Notification.read_at.is_(None))
                                    .order_by(Notification.id)))
    for notice in rows:
        ctx.change(notice, "notification", {"read_at": now})
    return len(rows)
