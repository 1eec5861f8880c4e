"""User administration (administrators only)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from api.context import command, db
from api.guard import BEARER, requires
from api.identity.models import LOCALES, ROLES, User
from api.identity.service import create_user, update_user
from api.resources.common import PageArgs, page, page_schema
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


def _user(session: object, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


@blp.route("")
class Users(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, UserPage)
    @requires("admin")
    def get(self, args: dict) -> object:
        """List users."""
        session = db()
        items = session.scalars(select(User).order_by(User.username).limit(args["limit"]).offset(args["offset"]))
        return page((list(items), session.scalar(select(func.count(User.id)))), args)

    @blp.doc(security=BEARER)
    @blp.arguments(UserSchema)
    @blp.response(201, UserSchema)
    @requires("admin")
    def post(self, body: dict) -> object:
        """Create a user."""
        return command(lambda s: create_user(s, body["username"], body["password"], body["role"], body["groups"],
                                             body.get("display_name"), body["locale"], email=body["email"],
                                             mobile=body["mobile"]))


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
        access tokens and API tokens (which stay revoked; new ones may be created)."""
        return command(lambda s: update_user(s, _user(s, user_id), **body))
