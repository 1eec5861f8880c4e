"""Groups: the named teams a task is offered to (``camunda:candidateGroups``) and a user belongs to.

A group is a key (``sales``, ``support-1``) with a Persian and an English label. Users and assignment rules
pick from these keys, so a typo never creates a new group. A group that a deployed diagram names or a user
belongs to cannot be removed, only deactivated (it then is offered no longer for new users)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.errors import Conflict, InvalidData, NotFound
from engine.store.models import Base, ProcessDefinition

KEY = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
KEY_ERROR = ("lower-case Latin letters, digits and dashes, e.g. support-2 / "
             "فقط حروف کوچک لاتین، رقم و خط تیره، مثلاً support-2")
# the groups the shipped processes and the demo users name: key, Persian label, English label
SHIPPED = (
    ("sales", "فروش", "Sales"),
    ("sales-enterprise", "فروش سازمانی", "Enterprise sales"),
    ("sales-regions", "فروش استان‌ها", "Regional sales"),
    ("managers", "مدیران", "Managers"),
    ("support-1", "پشتیبانی سطح ۱", "Support tier 1"),
    ("support-2", "پشتیبانی سطح ۲", "Support tier 2"),
    ("support-leads", "سرپرستان پشتیبانی", "Support leads"),
    ("finance", "مالی", "Finance"),
    ("finance-leads", "سرپرستان مالی", "Finance leads"),
    ("legal", "حقوقی", "Legal"),
    ("ceo", "مدیرعامل", "CEO"),
)


def shipped_group_rows(now: datetime) -> list[dict[str, Any]]:
    """The shipped groups as rows of ``app_group`` (the migration inserts them)."""
    return [{"key": key, "label_fa": fa, "label_en": en, "description": None, "active": True,
             "created_at": now, "updated_at": now} for key, fa, en in SHIPPED]


class Group(Base):
    __tablename__ = "app_group"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    label_fa: Mapped[str] = mapped_column(String(255))
    label_en: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(String(1000))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


def literal_groups(raw: Any) -> list[str]:
    """The group keys a diagram names as such (``"sales, managers"``); expressions (``${sales_group}``) are
    resolved when the task is made and are not keys."""
    if isinstance(raw, list):
        raw = ",".join(str(part) for part in raw)
    if not isinstance(raw, str) or "{" in raw:
        return []
    return [part.strip() for part in raw.split(",") if part.strip()]


def groups_named_by(elements: dict[str, Any]) -> set[str]:
    """Every literal candidate group of a definition's elements."""
    return {g for meta in elements.values() if isinstance(meta, dict)
            for g in literal_groups(meta.get("candidate_groups"))}


def diagram_uses(session: Session) -> dict[str, list[str]]:
    """group key → the process keys of deployed definitions naming it."""
    found: dict[str, set[str]] = {}
    for key, elements in session.execute(select(ProcessDefinition.key, ProcessDefinition.elements)):
        for group in groups_named_by(elements or {}):
            found.setdefault(group, set()).add(key)
    return {group: sorted(keys) for group, keys in found.items()}


def user_uses(session: Session) -> dict[str, int]:
    """group key → how many users belong to it."""
    from api.identity.models import User

    counts: dict[str, int] = {}
    for groups in session.scalars(select(User.groups)):
        for group in groups or ():
            counts[group] = counts.get(group, 0) + 1
    return counts


def known_groups(session: Session, *, active_only: bool = False) -> dict[str, Group]:
    query = select(Group)
    if active_only:
        query = query.where(Group.active.is_(True))
    return {group.key: group for group in session.scalars(query)}


def check_groups(session: Session, groups: Iterable[str], *, keep: Iterable[str] = ()) -> list[str]:
    """The keys given, each a known active group (or one the user already had: ``keep``); ``InvalidData`` on
    ``groups`` naming the others, in English and Persian."""
    wanted = sorted({g.strip() for g in groups if isinstance(g, str) and g.strip()})
    known = known_groups(session)
    kept = set(keep)
    unknown = [g for g in wanted if g not in known]
    inactive = [g for g in wanted if g in known and not known[g].active and g not in kept]
    errors = []
    if unknown:
        names = ", ".join(unknown)
        errors.append(f"no such group: {names}; pick one of the groups list / گروهی با این نام نیست: {names}")
    if inactive:
        names = ", ".join(inactive)
        errors.append(f"group no longer in use: {names} / این گروه غیرفعال است: {names}")
    if errors:
        raise InvalidData({"groups": errors}, "; ".join(errors))
    return wanted


def unknown_groups(session: Session, elements: dict[str, Any]) -> list[str]:
    known = known_groups(session)
    return sorted(g for g in groups_named_by(elements) if g not in known)


def _clean(body: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in ("label_fa", "label_en"):
        if name in body:
            value = " ".join(str(body[name] or "").split())
            if not value:
                errors[name] = ["required / لازم است"]
            found[name] = value
    if "description" in body:
        found["description"] = (str(body["description"] or "").strip() or None)
    if "active" in body:
        found["active"] = bool(body["active"])
    return found


def create_group(session: Session, body: dict[str, Any], now: datetime) -> Group:
    errors: dict[str, list[str]] = {}
    key = str(body.get("key") or "").strip()
    if not KEY.match(key):
        errors["key"] = [KEY_ERROR]
    values = _clean({"label_fa": body.get("label_fa"), "label_en": body.get("label_en"),
                     "description": body.get("description"), "active": body.get("active", True)}, errors)
    if errors:
        raise InvalidData(errors, "; ".join(f"{k}: {v[0]}" for k, v in errors.items()))
    if session.get(Group, key) is not None:
        raise InvalidData({"key": [f"a group {key} exists / گروه {key} هست"]}, f"a group {key} exists")
    group = Group(key=key, created_at=now, updated_at=now, **values)
    session.add(group)
    session.flush()
    return group


def update_group(session: Session, group: Group, body: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Change labels, description or active; the changed fields as {name: [before, after]}."""
    errors: dict[str, list[str]] = {}
    values = _clean(body, errors)
    if errors:
        raise InvalidData(errors, "; ".join(f"{k}: {v[0]}" for k, v in errors.items()))
    changes = {name: [getattr(group, name), value] for name, value in values.items() if getattr(group, name) != value}
    for name, (_before, after) in changes.items():
        setattr(group, name, after)
    if changes:
        group.updated_at = now
    session.flush()
    return changes


def get_group(session: Session, key: str) -> Group:
    group = session.get(Group, key)
    if group is None:
        raise NotFound(f"no group {key}")
    return group


def remove_group(session: Session, key: str) -> None:
    """Delete a group no diagram and no user names; ``Conflict`` saying who uses it otherwise."""
    group = get_group(session, key)
    processes = diagram_uses(session).get(key, [])
    users = user_uses(session).get(key, 0)
    if processes or users:
        where = ", ".join([*(f"process {p}" for p in processes), *([f"{users} user(s)"] if users else [])])
        raise Conflict(f"group {key} is in use ({where}); deactivate it instead / "
                       f"گروه {key} در حال استفاده است؛ به جای حذف غیرفعالش کنید")
    session.delete(group)
    session.flush()


def group_warnings(session: Session, elements: dict[str, Any], file: str | None = None) -> list[Any]:
    """A deployment warning for each task naming a candidate group no one has made, or a candidate user or
    assignee no account has (a typo, most often): such a task would be offered to nobody."""
    from api.identity.models import User
    from engine.errors import Problem

    known = known_groups(session)
    users = set(session.scalars(select(User.username)))
    found = []
    for element_id, meta in elements.items():
        if not isinstance(meta, dict):
            continue
        for group in literal_groups(meta.get("candidate_groups")):
            if group not in known:
                found.append(Problem(f"candidate group {group!r} is not a known group: the task is offered to nobody "
                                     f"until an administrator creates it / گروه {group} شناخته نیست",
                                     file, element_id))
        names = [*literal_groups(meta.get("candidate_users")), *literal_groups(meta.get("assignee"))]
        for name in dict.fromkeys(names):
            if name not in users:
                found.append(Problem(f"user {name!r} has no account: the task waits for nobody until an administrator "
                                     f"creates it / کاربری با نام {name} نیست", file, element_id))
    return found
