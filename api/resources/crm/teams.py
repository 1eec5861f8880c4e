"""Branches, teams, access rules and a record's owner, team and branch (``crm.teams``, ``crm.access``).

Every signed-in person reads the branches and teams (forms name them); administrators add and change them
(deactivate with ``active: false``; keys never change) and set what each role or group reads and edits. A
record's owner, team and branch are read by whoever may read it and changed by whoever may edit it."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from api.commands import command
from api.context import db
from api.guard import ANYONE, BEARER, current_principal, requires
from api.identity.groups import known_groups
from api.identity.models import ROLES, User
from api.record_access import editable, readable
from api.resources.common import ID, storable
from api.resources.crm.shared import WRITE, act
from crm import access, teams
from crm.errors import InvalidRecord, RecordNotFound
from crm.models import Complaint, Contract, Customer, Lead, Opportunity, Referral
from engine import journal

blp = Blueprint("crm_teams", __name__, url_prefix="/api/v1", description="Branches, teams and record access")
KINDS: dict[str, type[Any]] = {"customers": Customer, "leads": Lead, "opportunities": Opportunity,
                               "complaints": Complaint, "contracts": Contract, "referrals": Referral}
KEY = fields.String(validate=validate.Length(1, 80))


def _name(**kwargs: Any) -> fields.String:
    return fields.String(validate=[validate.Length(1, 255), storable], **kwargs)


class BranchSchema(Schema):
    key = fields.String(required=True, validate=validate.Length(1, 80),
                        metadata={"description": "lower-case letters, digits, - and _; never changes"})
    name_fa = _name(required=True)
    name_en = _name(required=True)
    kind = fields.String(load_default="provincial", validate=validate.OneOf(teams.BRANCH_KINDS))
    active = fields.Boolean(dump_only=True)


class BranchChange(Schema):
    name_fa = _name()
    name_en = _name()
    kind = fields.String(validate=validate.OneOf(teams.BRANCH_KINDS))
    active = fields.Boolean(metadata={"description": "false withdraws it from forms; records keep it"})


class TeamSchema(Schema):
    key = fields.String(required=True, validate=validate.Length(1, 80),
                        metadata={"description": "lower-case letters, digits, - and _; never changes"})
    name_fa = _name(required=True)
    name_en = _name(required=True)
    branch_key = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=80))
    managers = fields.List(fields.String(validate=validate.Length(1, 150)), load_default=list,
                           metadata={"description": "user names: they read and edit the team's records"})
    active = fields.Boolean(dump_only=True)


class TeamChange(Schema):
    name_fa = _name()
    name_en = _name()
    branch_key = fields.String(allow_none=True, validate=validate.Length(max=80))
    managers = fields.List(fields.String(validate=validate.Length(1, 150)))
    active = fields.Boolean()


class RuleSchema(Schema):
    subject_kind = fields.String(dump_only=True)
    subject = fields.String(dump_only=True)
    read_scope = fields.String(required=True, validate=validate.OneOf(teams.SCOPES))
    edit_scope = fields.String(required=True, validate=validate.OneOf(teams.SCOPES))


class UserPlacement(Schema):
    team_key = fields.String(required=True, allow_none=True, validate=validate.Length(1, 80),
                             metadata={"description": "an active team's key; null: no team"})
    branch_key = fields.String(allow_none=True, validate=validate.Length(1, 80),
                               metadata={"description": "an active branch's key; default: the team's branch"})


class PlacementSchema(Schema):
    owner = fields.String(allow_none=True, validate=validate.Length(1, 150))
    team_key = fields.String(allow_none=True, validate=validate.Length(1, 80))
    branch_key = fields.String(allow_none=True, validate=validate.Length(1, 80))


def _users() -> set[str]:
    return set(db().scalars(select(User.username).where(User.active.is_(True))))


@blp.route("/branches")
class Branches(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, BranchSchema(many=True))
    @requires(*ANYONE)
    def get(self) -> object:
        """Every branch (head office and provincial centres), active or not."""
        return teams.branches(db())

    @blp.doc(security=BEARER)
    @blp.arguments(BranchSchema)
    @blp.response(201, BranchSchema)
    @requires("admin")
    def post(self, body: dict) -> object:
        """Add a branch."""
        return act(lambda ctx: teams.add_branch(ctx, body))


@blp.route("/branches/<string:key>")
class BranchItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(BranchChange)
    @blp.response(200, BranchSchema)
    @requires("admin")
    def patch(self, body: dict, key: str) -> object:
        """Rename a branch, change its kind, or deactivate it."""
        return act(lambda ctx: teams.change_branch(ctx, key, body))


@blp.route("/teams")
class Teams(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, TeamSchema(many=True))
    @requires(*ANYONE)
    def get(self) -> object:
        """Every team, with its branch and managers, active or not."""
        return teams.teams(db())

    @blp.doc(security=BEARER)
    @blp.arguments(TeamSchema)
    @blp.response(201, TeamSchema)
    @requires("admin")
    def post(self, body: dict) -> object:
        """Add a team in a branch, with its managers (existing users)."""
        known = _users()
        return act(lambda ctx: teams.add_team(ctx, body, known))


@blp.route("/teams/<string:key>")
class TeamItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(TeamChange)
    @blp.response(200, TeamSchema)
    @requires("admin")
    def patch(self, body: dict, key: str) -> object:
        """Rename a team, move it to another branch, change its managers, or deactivate it."""
        known = _users()
        return act(lambda ctx: teams.change_team(ctx, key, body, known))


@blp.route("/access-rules")
class Rules(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, RuleSchema(many=True))
    @requires("admin")
    def get(self) -> object:
        """What each role and group reads and edits (own, team, branch, all). A role without a rule reads and
        edits all records; a group's rule widens its people's role's scopes."""
        return teams.rules(db())


def _known_subject(subject_kind: str, subject: str) -> None:
    name = subject.strip()
    if subject_kind == "role" and name not in ROLES:
        problem = f"no such role: {name}; one of {', '.join(ROLES)} / نقشی با این نام نیست: {name}"
    elif subject_kind == "group" and name not in known_groups(db()):
        problem = f"no such group: {name}; pick one of the groups list / گروهی با این نام نیست: {name}"
    else:
        return
    raise InvalidRecord(problem, {"subject": [problem]})


@blp.route("/access-rules/<string:subject_kind>/<string:subject>")
class RuleItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(RuleSchema)
    @blp.response(200, RuleSchema)
    @requires("admin")
    def put(self, body: dict, subject_kind: str, subject: str) -> object:
        """Set the read and edit scopes of a role (``role/employee``) or a group (``group/sales``); a role or
        group Ravand does not know is refused, so a mistyped name never makes a rule that applies to no one."""
        _known_subject(subject_kind, subject)
        return act(lambda ctx: teams.set_rule(ctx, subject_kind, subject, body["read_scope"], body["edit_scope"]))

    @blp.doc(security=BEARER)
    @blp.response(204)
    @requires("admin")
    def delete(self, subject_kind: str, subject: str) -> None:
        """Remove a rule (a role then reads and edits all; a group adds nothing)."""
        act(lambda ctx: teams.remove_rule(ctx, subject_kind, subject))


def _model(kind: str) -> type[Any]:
    if kind not in KINDS:
        raise RecordNotFound(f"no record kind {kind!r}")
    return KINDS[kind]


def _check(body: dict[str, Any]) -> None:
    session, errors = db(), {}
    if body.get("owner") and body["owner"] not in _users():
        errors["owner"] = ["no such active user / کاربر فعالی با این نام نیست"]
    for field, found in (("team_key", teams.teams(session, include_inactive=False)),
                         ("branch_key", teams.branches(session, include_inactive=False))):
        if body.get(field) and body[field] not in {entry.key for entry in found}:
            errors[field] = ["no such active entry / چنین موردی فعال نیست"]
    if errors:
        raise InvalidRecord("the owner, team or branch is unknown", errors)


@blp.route("/records/<string:kind>/<int:record_id>/placement")
class Placement(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, PlacementSchema)
    @requires(*ANYONE)
    def get(self, kind: str, record_id: int) -> object:
        """A record's owner, team and branch (404 when the caller may not read the record)."""
        return readable(_model(kind), min(record_id, ID))

    @blp.doc(security=BEARER)
    @blp.arguments(PlacementSchema)
    @blp.response(200, PlacementSchema)
    @requires(*WRITE)
    def patch(self, body: dict, kind: str, record_id: int) -> object:
        """Give a record another owner, team or branch (``null`` clears); journaled like every change."""
        model = _model(kind)
        editable(model, min(record_id, ID))
        _check(body)
        name = model.__tablename__
        return act(lambda ctx: _change(ctx, model, record_id, name, body))


def _change(ctx: Any, model: type[Any], record_id: int, name: str, body: dict[str, Any]) -> Any:
    record = ctx.session.get(model, record_id)
    ctx.change(record, name, body)
    return record


@blp.route("/users/<int:user_id>/placement")
class UserTeam(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(UserPlacement)
    @blp.response(200, UserPlacement)
    @requires("admin")
    def put(self, body: dict, user_id: int) -> object:
        """Put a user in a team and a branch (the records they make are placed there; a team scope reads
        them); the records they own that have no team yet move there too. Journaled as ``admin.user.changed``
        with the values before and after and how many records of each kind were placed."""
        if "branch_key" not in body and body["team_key"]:
            found = {t.key: t for t in teams.teams(db())}.get(body["team_key"])
            body["branch_key"] = found.branch_key if found is not None else None
        _check(body)
        actor = current_principal().username
        return command(lambda session: _place_user(session, min(user_id, ID), body, actor))


def _place_user(session: Any, user_id: int, body: dict[str, Any], actor: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise RecordNotFound(f"no user {user_id}")
    before = {"team_key": user.team_key, "branch_key": user.branch_key}
    user.team_key, user.branch_key = body["team_key"], body.get("branch_key")
    after = {"team_key": user.team_key, "branch_key": user.branch_key}
    changed = [name for name in before if before[name] != after[name]]
    if changed:
        session.flush()
        adopted = access.adopt(session, user.username, user.team_key, user.branch_key)
        journal.record(session, "admin.user.changed", actor, data={
            "user": user.username, "before": {n: before[n] for n in changed}, "after": {n: after[n] for n in changed},
            "records_placed": adopted})
    return user
