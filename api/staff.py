"""The staff directory the processes' notices use (``call.settings["staff_directory"]``): employees by user
name or ``group:<name>``, from the user accounts.

An employee's notices go to the e-mail address or mobile number on their account (``User.email``,
``User.mobile``); a user name that is an e-mail address stands for an e-mail address the account lacks. Every
notice also lands in their in-app inbox (see ``processes.notices.tell_staff``)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.identity.models import User
from crm.validation import EMAIL
from processes.notices import StaffMember


def _member(user: User) -> StaffMember:
    email = user.email or (user.username if EMAIL.fullmatch(user.username) else None)
    return StaffMember(username=user.username, display_name=user.display_name or user.username,
                       locale=user.locale or "en", email=email, mobile=user.mobile,
                       channel=user.notice_channel or "auto")


def directory(session: Session, names: Iterable[str]) -> list[StaffMember]:
    """The active users named (``sara``) or in the groups named (``group:managers``), each once, in the order
    asked; unknown names are left out."""
    wanted = [name.strip() for name in names if name and name.strip()]
    users = list(session.scalars(select(User).where(User.active.is_(True)).order_by(User.username)))
    found: dict[str, StaffMember] = {}
    for name in wanted:
        group = name.removeprefix("group:") if name.startswith("group:") else None
        for user in users:
            if (user.username == name if group is None else group in (user.groups or [])) \
                    and user.username not in found:
                found[user.username] = _member(user)
    return list(found.values())
