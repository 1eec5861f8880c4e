"""User administration (administrators only)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session

from api.commands import command
from api.context import db
from api.guard import BEARER, current_principal, requires
from api.identity.groups import check_groups
from api.identity.models import LOCALES, ROLES, User
from api.identity.service import create_user, update_user
from api.resources.common import PageArgs, page, page_schema
from api.user_admin import find_users, journal_change, journal_created, reset_password
from engine.errors import NotFound

blp = Blueprint("users", __name__, url_prefix="/api/v1/users", description="Users, roles and groups")


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    username = fields.String(required=True, validate=validate.Length(1, 150))
    display_name = fields.String(allow_none=True, validate=validate.Length(max=255))
    password = fields.String(load_only=True, required=True, validate=validate.Length(8, 1024))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    groups = fields.List(fields.String(validate=validate.Length(1, 100)), load_default=list)
    locale = fields.String(load_default="en", validate=validate.OneOf(LOCALES))
    email = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=255),
                          metadata={"description": "where the employee's notices are mailed"})
    mobile = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=40),
                           metadata={"description": "SMS for their notices when no e-mail is set; kept as E.164"})
    active = fields.Boolean(dump_only=True)
    team_key = fields.String(dump_only=True, allow_none=True,
                             metadata={"description": "set with PUT /users/{id}/placement"})
    branch_key = fields.String(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class UserPatch(Schema):
    display_name = fields.String(allow_none=True, validate=validate.Length(max=255))
    password = fields.String(load_only=True, validate=validate.Length(8, 1024))
    role = fields.String(validate=validate.OneOf(ROLES))
    groups = fields.List(fields.String(validate=validate.Length(1, 100)))
    locale = fields.String(validate=validate.OneOf(LOCALES))
    email = fields.String(allow_none=True, validate=validate.Length(max=255), metadata={"description": "null clears"})
    mobile = fields.String(allow_none=True, validate=validate.Length(max=40), metadata={"description": "null clears"})
    active = fields.Boolean()


UserPage = page_schema(UserSchema, "UserPage")


class UserArgs(PageArgs):
    q = fields.String(validate=validate.Length(max=100), metadata={
        "description": "part of the user name or the display name, however typed (Persian letter forms, ZWNJ)"})
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean()


class ResetIn(Schema):
    password = fields.String(load_only=True, allow_none=True, load_default=None, validate=validate.Length(8, 1024),
                             metadata={"description": "the temporary password; none: one is made and shown once"})


class ResetOut(Schema):
    password = fields.String(allow_none=True, metadata={"description": "the password made, shown this once"})
    generated = fields.Boolean()


def _user(session: object, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


@blp.route("")
class Users(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(UserArgs, location="query")
    @blp.response(200, UserPage)
    @requires("admin")
    def get(self, args: dict) -> object:
        """List users by user name: ``q`` finds part of the user name or the display name however it is typed
        (Arabic or Persian letter forms, ZWNJ, case); ``role`` and ``active`` filter."""
        return page(find_users(db(), args), args)

    @blp.doc(security=BEARER)
    @blp.arguments(UserSchema)
    @blp.response(201, UserSchema)
    @requires("admin")
    def post(self, body: dict) -> object:
        """Create a user; ``groups`` are keys of active groups (``/api/v1/groups``), an unknown one is refused."""
        actor = current_principal().username

        def run(s: Session) -> User:
            groups = check_groups(s, body["groups"])
            user = create_user(s, body["username"], body["password"], body["role"], groups, body.get("display_name"),
                               body["locale"], email=body["email"], mobile=body["mobile"])
            journal_created(s, user, actor)
            return user

        return command(run)


@blp.route("/<int:user_id>")
class UserItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, UserSchema)
    @requires("admin")
    def get(self, user_id: int) -> object:
        """One user."""
        return _user(db(), user_id)

    @blp.doc(security=BEARER)
    @blp.arguments(UserPatch)
    @blp.response(200, UserSchema)
    @requires("admin")
    def patch(self, body: dict, user_id: int) -> object:
        """Change a user's role, groups, password, language, e-mail and mobile (``null`` clears them), or disable
        them (``active: false``). A new password or a disable ends everything the user held: web sessions,
        access tokens and API tokens (which stay revoked; new ones may be created). ``groups`` are keys of known
        groups; each change is journaled with its value before and after (a password only as changed)."""
        actor = current_principal().username

        def run(s: Session) -> User:
            user = _user(s, user_id)
            if "groups" in body:
                body["groups"] = check_groups(s, body["groups"], keep=user.groups or ())
            with journal_change(s, user, actor, body):
                update_user(s, user, **body)
            return user

        return command(run)


@blp.route("/<int:user_id>/reset-password")
class ResetPassword(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ResetIn)
    @blp.response(200, ResetOut)
    @requires("admin")
    def post(self, body: dict, user_id: int) -> object:
        """Give the user a temporary password: the one sent, or one made here and answered this once (never
        stored in the clear, never shown again). Their web sessions, access tokens and API tokens end."""
        actor = current_principal().username
        return command(lambda s: reset_password(s, _user(s, user_id), body["password"], actor))
