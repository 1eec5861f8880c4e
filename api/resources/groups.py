"""Groups (administrators change them; every signed-in person may read them, to pick one): the keys tasks are
offered to and users belong to. One in use by a deployed diagram or a user is deactivated, never removed."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session

from api.commands import command
from api.context import db
from api.guard import ANYONE, BEARER, current_principal, requires
from api.identity import groups as service
from api.names import process_names
from engine import journal
from engine.clock import utcnow

blp = Blueprint("groups", __name__, url_prefix="/api/v1/groups", description="Groups tasks are offered to")


class GroupSchema(Schema):
    key = fields.String(required=True, validate=validate.Length(1, 100))
    label_fa = fields.String(required=True, validate=validate.Length(max=255))
    label_en = fields.String(required=True, validate=validate.Length(max=255))
    description = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=1000))
    active = fields.Boolean(load_default=True)
    users = fields.Integer(dump_only=True, metadata={"description": "how many users belong to it"})
    processes = fields.List(fields.String(), dump_only=True,
                            metadata={"description": "deployed processes whose diagrams name it"})
    process_names = fields.Dict(keys=fields.String(), values=fields.String(), dump_only=True, metadata={
        "description": "each of those processes by key: its name in the reader's language"})


class GroupPatch(Schema):
    label_fa = fields.String(validate=validate.Length(max=255))
    label_en = fields.String(validate=validate.Length(max=255))
    description = fields.String(allow_none=True, validate=validate.Length(max=1000))
    active = fields.Boolean()


class GroupArgs(Schema):
    active = fields.Boolean(metadata={"description": "only active (true) or inactive (false) groups"})


class GroupList(Schema):
    items = fields.List(fields.Nested(GroupSchema))
    total = fields.Integer()


def _shown(session: Session, group: service.Group, users: dict[str, int] | None = None,
           uses: dict[str, list[str]] | None = None, named: dict[str, str] | None = None) -> dict[str, Any]:
    users = service.user_uses(session) if users is None else users
    uses = service.diagram_uses(session) if uses is None else uses
    processes = uses.get(group.key, [])
    named = process_names(session, processes) if named is None else named
    return {"key": group.key, "label_fa": group.label_fa, "label_en": group.label_en,
            "description": group.description, "active": group.active, "users": users.get(group.key, 0),
            "processes": processes, "process_names": {key: named.get(key, key) for key in processes}}


@blp.route("")
class Groups(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(GroupArgs, location="query")
    @blp.response(200, GroupList)
    @requires(*ANYONE)
    def get(self, args: dict) -> object:
        """Every group (a few dozen at most), by key, with how many users and which processes use it."""
        session = db()
        users, uses = service.user_uses(session), service.diagram_uses(session)
        found = [g for g in sorted(service.known_groups(session).values(), key=lambda g: g.key)
                 if args.get("active") is None or g.active == args["active"]]
        named = process_names(session, (key for keys in uses.values() for key in keys))
        return {"items": [_shown(session, g, users, uses, named) for g in found], "total": len(found)}

    @blp.doc(security=BEARER)
    @blp.arguments(GroupSchema)
    @blp.response(201, GroupSchema)
    @requires("admin")
    def post(self, body: dict) -> object:
        """Create a group; its key is lower-case Latin letters, digits and dashes, and never changes."""
        actor = current_principal().username

        def run(session: Session) -> dict[str, Any]:
            group = service.create_group(session, body, utcnow())
            journal.record(session, "admin.group.created", actor, data={"group": group.key, "after": {
                "label_fa": group.label_fa, "label_en": group.label_en, "description": group.description,
                "active": group.active}})
            return _shown(session, group)

        return command(run)


@blp.route("/<key>")
class GroupItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, GroupSchema)
    @requires(*ANYONE)
    def get(self, key: str) -> object:
        """One group."""
        return _shown(db(), service.get_group(db(), key))

    @blp.doc(security=BEARER)
    @blp.arguments(GroupPatch)
    @blp.response(200, GroupSchema)
    @requires("admin")
    def patch(self, body: dict, key: str) -> object:
        """Change the labels or the description, or deactivate (``active: false``) or reactivate the group."""
        actor = current_principal().username

        def run(session: Session) -> dict[str, Any]:
            group = service.get_group(session, key)
            changes = service.update_group(session, group, body, utcnow())
            if changes:
                journal.record(session, "admin.group.changed", actor, data={
                    "group": key, "before": {k: v[0] for k, v in changes.items()},
                    "after": {k: v[1] for k, v in changes.items()}})
            return _shown(session, group)

        return command(run)

    @blp.doc(security=BEARER)
    @blp.response(204)
    @blp.alt_response(409, description="A deployed diagram or a user names the group: deactivate it instead")
    @requires("admin")
    def delete(self, key: str) -> None:
        """Remove a group nobody uses."""
        actor = current_principal().username

        def run(session: Session) -> None:
            service.remove_group(session, key)
            journal.record(session, "admin.group.removed", actor, data={"group": key})

        command(run)
