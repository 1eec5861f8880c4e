"""Branches, teams and the access rules (who reads and edits which records): what administrators keep.

A branch is the head office or a provincial centre; a team belongs to a branch and has managers (user names)
who see its records. A key never changes and nothing is deleted: an entry is deactivated, so records that hold
its key keep their meaning. An access rule gives a role or a group a read scope and an edit scope (own, team,
branch or all records); ``crm.access`` applies them. Every change is journaled through ``Ctx``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from crm.errors import RecordNotFound, refuse_fields
from crm.models import Base, Stamped
from crm.text import clean
from crm.unit import Ctx

__all__ = ["SCOPES", "AccessRule", "Branch", "Team", "add_branch", "add_team", "branches", "change_branch",
           "change_team", "remove_rule", "rules", "set_rule", "teams"]

SCOPES = ("own", "team", "branch", "all")  # narrowest first
BRANCH_KINDS = ("head_office", "provincial")
SUBJECT_KINDS = ("role", "group")
KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")
KEY_ERROR = "lower-case Latin letters, digits, - and _ / فقط حروف کوچک لاتین، رقم، - و _"


class Branch(Stamped, Base):
    __tablename__ = "branch"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name_fa: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))  # head_office | provincial
    active: Mapped[bool] = mapped_column(Boolean)


class Team(Stamped, Base):
    __tablename__ = "team"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name_fa: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255))
    branch_key: Mapped[str | None] = mapped_column(String(80), index=True)
    managers: Mapped[list[Any]] = mapped_column(JSON)  # user names
    active: Mapped[bool] = mapped_column(Boolean)


class AccessRule(Stamped, Base):
    """What the people of a role or a group read and edit. No rule for a role means all records (the one-team
    shop); a person's scopes are the widest of their role's and their groups' rules."""

    __tablename__ = "access_rule"
    __table_args__ = (UniqueConstraint("subject_kind", "subject", name="uq_access_rule_subject_kind_subject"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(8))  # role | group
    subject: Mapped[str] = mapped_column(String(100))
    read_scope: Mapped[str] = mapped_column(String(8))
    edit_scope: Mapped[str] = mapped_column(String(8))


def branches(session: Session, *, include_inactive: bool = True) -> list[Branch]:
    query = select(Branch).order_by(Branch.key)
    return list(session.scalars(query if include_inactive else query.where(Branch.active.is_(True))))


def teams(session: Session, *, include_inactive: bool = True) -> list[Team]:
    query = select(Team).order_by(Team.key)
    return list(session.scalars(query if include_inactive else query.where(Team.active.is_(True))))


def rules(session: Session) -> list[AccessRule]:
    return list(session.scalars(select(AccessRule).order_by(AccessRule.subject_kind, AccessRule.subject)))


def _names(values: Mapping[str, Any], errors: dict[str, list[str]], partial: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in ("name_fa", "name_en"):
        if field in values or not partial:
            text = clean(values.get(field))
            if not text:
                errors[field] = ["required / لازم است"]
            else:
                out[field] = text
    return out


def _new_key(session: Session, model: type[Branch] | type[Team], key: Any, errors: dict[str, list[str]]) -> str:
    text = key.strip() if isinstance(key, str) else ""
    if not KEY.fullmatch(text):
        errors["key"] = [KEY_ERROR]
    elif session.scalar(select(model.id).where(model.key == text)) is not None:
        errors["key"] = ["already taken / این کلید پیش‌تر به کار رفته است"]
    return text


def _branch_key(session: Session, value: Any, errors: dict[str, list[str]]) -> str | None:
    if value in (None, ""):
        return None
    found = session.scalar(select(Branch).where(Branch.key == value))
    if found is None or not found.active:
        errors["branch_key"] = ["no such active branch / چنین شعبهٔ فعالی نیست"]
    return value


def _managers(value: Any, errors: dict[str, list[str]], known: set[str] | None) -> list[str]:
    names = sorted({str(name).strip() for name in value or () if str(name).strip()})
    unknown = [name for name in names if known is not None and name not in known]
    if unknown:
        errors["managers"] = [f"no such user: {', '.join(unknown)} / کاربری با این نام نیست"]
    return names


def _find(session: Session, model: type[Branch] | type[Team], key: str) -> Any:
    found = session.scalar(select(model).where(model.key == key))
    if found is None:
        raise RecordNotFound(f"no {model.__tablename__} {key!r}")
    return found


def add_branch(ctx: Ctx, data: Mapping[str, Any]) -> Branch:
    errors: dict[str, list[str]] = {}
    key = _new_key(ctx.session, Branch, data.get("key"), errors)
    names = _names(data, errors, partial=False)
    kind = data.get("kind") or "provincial"
    if kind not in BRANCH_KINDS:
        errors["kind"] = [f"one of {', '.join(BRANCH_KINDS)}"]
    refuse_fields(errors)
    return ctx.add(Branch(key=key, kind=kind, active=True, **names), "branch")


def change_branch(ctx: Ctx, key: str, data: Mapping[str, Any]) -> Branch:
    branch = _find(ctx.session, Branch, key)
    errors: dict[str, list[str]] = {}
    changes = _names(data, errors, partial=True)
    if "kind" in data:
        if data["kind"] not in BRANCH_KINDS:
            errors["kind"] = [f"one of {', '.join(BRANCH_KINDS)}"]
        changes["kind"] = data["kind"]
    if "active" in data:
        changes["active"] = bool(data["active"])
    refuse_fields(errors)
    ctx.change(branch, "branch", changes)
    return branch


def add_team(ctx: Ctx, data: Mapping[str, Any], known_users: set[str] | None = None) -> Team:
    errors: dict[str, list[str]] = {}
    key = _new_key(ctx.session, Team, data.get("key"), errors)
    names = _names(data, errors, partial=False)
    branch_key = _branch_key(ctx.session, data.get("branch_key"), errors)
    managers = _managers(data.get("managers"), errors, known_users)
    refuse_fields(errors)
    return ctx.add(Team(key=key, branch_key=branch_key, managers=managers, active=True, **names), "team")


def change_team(ctx: Ctx, key: str, data: Mapping[str, Any], known_users: set[str] | None = None) -> Team:
    team = _find(ctx.session, Team, key)
    errors: dict[str, list[str]] = {}
    changes = _names(data, errors, partial=True)
    if "branch_key" in data:
        changes["branch_key"] = _branch_key(ctx.session, data["branch_key"], errors)
    if "managers" in data:
        changes["managers"] = _managers(data["managers"], errors, known_users)
    if "active" in data:
        changes["active"] = bool(data["active"])
    refuse_fields(errors)
    ctx.change(team, "team", changes)
    return team


def set_rule(ctx: Ctx, subject_kind: str, subject: str, read_scope: str, edit_scope: str) -> AccessRule:
    """Give a role or a group its scopes (made or changed); the edit scope may not be wider than the read one."""
    errors: dict[str, list[str]] = {}
    if subject_kind not in SUBJECT_KINDS:
        errors["subject_kind"] = [f"one of {', '.join(SUBJECT_KINDS)}"]
    if not subject.strip():
        errors["subject"] = ["required / لازم است"]
    for field, value in (("read_scope", read_scope), ("edit_scope", edit_scope)):
        if value not in SCOPES:
            errors[field] = [f"one of {', '.join(SCOPES)} / یکی از {', '.join(SCOPES)}"]
    if not errors and SCOPES.index(edit_scope) > SCOPES.index(read_scope):
        errors["edit_scope"] = ["may not be wider than the read scope / نباید از دامنهٔ خواندن گسترده‌تر باشد"]
    refuse_fields(errors)
    rule = ctx.session.scalar(select(AccessRule).where(AccessRule.subject_kind == subject_kind,
                                                       AccessRule.subject == subject.strip()))
    if rule is None:
        return ctx.add(AccessRule(subject_kind=subject_kind, subject=subject.strip(), read_scope=read_scope,
                                  edit_scope=edit_scope), "access_rule")
    ctx.change(rule, "access_rule", {"read_scope": read_scope, "edit_scope": edit_scope})
    return rule


def remove_rule(ctx: Ctx, subject_kind: str, subject: str) -> None:
    """Drop a rule: a role falls back to all records, a group adds nothing to its people's role."""
    rule = ctx.session.scalar(select(AccessRule).where(AccessRule.subject_kind == subject_kind,
                                                       AccessRule.subject == subject))
    if rule is None:
        raise RecordNotFound(f"no access rule for the {subject_kind} {subject!r}")
    ctx.record("crm.access_rule.removed", record="access_rule", id=rule.id, subject_kind=subject_kind,
               subject=subject, read_scope=rule.read_scope, edit_scope=rule.edit_scope)
    ctx.session.delete(rule)
    ctx.session.flush()
