"""Sign-in (``POST /api/v1/auth/token``), the caller's profile, and long-lived API tokens."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from api.commands import command
from api.context import db
from api.errors import problem
from api.guard import BEARER, SIGNED_IN, TooManyAttempts, check_password, current_principal, requires
from api.identity.models import LOCALES, ApiToken, User
from api.identity.service import Principal, create_api_token, principal_of, revoke_api_token, update_user

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign-in and API tokens")


class Credentials(Schema):
    username = fields.String(required=True, validate=validate.Length(1, 150))
    password = fields.String(required=True, validate=validate.Length(1, 1024), load_only=True)


class TokenSchema(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


class MeSchema(Schema):
    username = fields.String()
    role = fields.String()
    groups = fields.List(fields.String())
    locale = fields.String()
    email = fields.String(allow_none=True)
    mobile = fields.String(allow_none=True)


class MePatch(Schema):
    locale = fields.String(validate=validate.OneOf(LOCALES),
                           metadata={"description": "the interface language: en, or fa (Persian, right-to-left)"})
    email = fields.String(allow_none=True, validate=validate.Length(max=255),
                          metadata={"description": "where my notices are mailed; null clears it"})
    mobile = fields.String(allow_none=True, validate=validate.Length(max=40),
                           metadata={"description": "SMS for my notices when no e-mail is set; null clears it"})

    @validates_schema
    def _something(self, data: dict, **_: object) -> None:
        if not data:
            raise ValidationError("give locale, email or mobile")


class ApiTokenIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 255))


class ApiTokenOut(Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String()
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    token = fields.String(metadata={"description": "shown once, at creation"})


@blp.route("/token")
class Token(MethodView):
    @blp.arguments(Credentials)
    @blp.response(200, TokenSchema)
    @blp.alt_response(401, description="Wrong user name or password")
    @blp.alt_response(429, description="Too many failed attempts from this address (for this user name, or for "
                                        "any); wait a minute")
    def post(self, body: dict) -> object:
        """Exchange a user name and password for a bearer access token."""
        try:
            user = check_password(body["username"], body["password"])
        except TooManyAttempts:
            return problem(429, "Too Many Requests", "too many failed sign-in attempts; wait a minute")
        if user is None:
            return problem(401, "Unauthorized", "wrong user name or password")
        tokens = current_app.extensions["ravand.tokens"]
        return {"access_token": tokens.issue(user), "token_type": "Bearer", "expires_in": tokens.ttl_s}


def _profile(p: Principal, user: User | None) -> dict:
    return {"username": p.username, "role": p.role, "groups": sorted(p.groups), "locale": p.locale,
            "email": user.email if user else None, "mobile": user.mobile if user else None}


@blp.route("/me")
class Me(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, MeSchema)
    @requires(*SIGNED_IN)
    def get(self) -> object:
        """Who am I?"""
        principal = current_principal()
        return _profile(principal, db().get(User, principal.user_id))

    @blp.doc(security=BEARER)
    @blp.arguments(MePatch)
    @blp.response(200, MeSchema)
    @requires(*SIGNED_IN)
    def patch(self, body: dict) -> object:
        """Change my own preferences: the interface language, and the e-mail address and mobile number my
        notices go to (each checked; 422 with field errors)."""
        user_id = current_principal().user_id

        def change(session: object) -> dict:
            user = update_user(session, session.get(User, user_id), **body)
            return _profile(principal_of(user), user)

        return command(change)


@blp.route("/api-tokens")
class ApiTokens(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ApiTokenOut(many=True))
    @requires(*SIGNED_IN)
    def get(self) -> object:
        """My API tokens (the secrets are never shown again)."""
        user_id = current_principal().user_id
        return db().scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)).all()

    @blp.doc(security=BEARER)
    @blp.arguments(ApiTokenIn)
    @blp.response(201, ApiTokenOut)
    @requires(*SIGNED_IN)
    def post(self, body: dict) -> object:
        """Create a long-lived token for an integration; it acts as me, with my role, until revoked or until my
        password changes or my account is disabled."""
        user_id = current_principal().user_id

        def create(session: object) -> dict:
            row, secret = create_api_token(session, session.get(User, user_id), body["name"])
            return {"id": row.id, "name": row.name, "prefix": row.prefix, "created_at": row.created_at,
                    "revoked_at": None, "token": secret}

        return command(create)


@blp.route("/api-tokens/<int:token_id>")
class ApiTokenItem(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ApiTokenOut)
    @requires(*SIGNED_IN)
    def delete(self, token_id: int) -> object:
        """Revoke a token (mine, or anyone's for an administrator)."""
        principal = current_principal()
        return command(lambda s: revoke_api_token(s, s.get(User, principal.user_id), token_id,
                                                  principal.role == "admin"))
