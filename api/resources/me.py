"""The signed-in employee's own in-app inbox (``crm.inbox``): their notices, newest first, with the unread
count; marking one or all read. Nobody sees or marks another's notices (404, as for one that does not
exist). And their own preferences for task forms: the unit amounts are shown and typed in (rial or toman;
amounts are stored in rials either way)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.commands import command, crm_ctx
from api.context import db
from api.guard import ANYONE, BEARER, current_principal, requires
from api.identity.models import AMOUNT_UNITS, NOTICE_CHANNELS, User
from api.resources.common import PageArgs
from crm import inbox

blp = Blueprint("me", __name__, url_prefix="/api/v1/me",
                description="My notifications (the in-app inbox) and my preferences for task forms")


class NoticeSchema(Schema):
    id = fields.Integer()
    template = fields.String(allow_none=True, metadata={"description": "what kind of notice (task_assigned, …)"})
    subject = fields.String(allow_none=True, metadata={"description": "in my language, as it was written to me"})
    body = fields.String()
    link = fields.String(allow_none=True, metadata={"description": "the page of the web app it leads to"})
    process_instance_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class InboxArgs(PageArgs):
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100))
    unread = fields.Boolean(load_default=False, metadata={"description": "only the unread ones"})


class InboxPage(Schema):
    items = fields.List(fields.Nested(NoticeSchema))
    total = fields.Integer(metadata={"description": "how many match (all mine, or the unread ones)"})
    unread = fields.Integer(metadata={"description": "how many of mine are unread"})
    limit = fields.Integer()
    offset = fields.Integer()


class ReadAll(Schema):
    marked = fields.Integer(metadata={"description": "how many were marked read now"})
    unread = fields.Integer()


def _me() -> str:
    return current_principal().username


@blp.route("/notifications")
class MyNotifications(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(InboxArgs, location="query")
    @blp.response(200, InboxPage)
    @requires(*ANYONE)
    def get(self, args: dict) -> object:
        """My notices, newest first, a page at a time, with how many are unread."""
        session, me = db(), _me()
        items, total = inbox.notices(session, me, unread_only=args["unread"], limit=args["limit"],
                                     offset=args["offset"])
        return {"items": items, "total": total, "unread": inbox.unread(session, me), "limit": args["limit"],
                "offset": args["offset"]}


@blp.route("/notifications/<int:notice_id>/read")
class ReadOne(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, NoticeSchema)
    @blp.alt_response(404, description="No such notice of mine")
    @requires(*ANYONE)
    def post(self, notice_id: int) -> object:
        """Mark one of my notices read."""
        me = _me()
        return command(lambda s: inbox.mark_read(crm_ctx(s), me, notice_id))


@blp.route("/notifications/read-all")
class ReadEverything(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ReadAll)
    @requires(*ANYONE)
    def post(self) -> object:
        """Mark all my notices read."""
        me = _me()
        return command(lambda s: {"marked": inbox.mark_all_read(crm_ctx(s), me), "unread": inbox.unread(s, me)})


class PreferencesSchema(Schema):
    amount_unit = fields.String(metadata={"description": "how task forms show and take amounts: rial or toman "
                                                         "(stored in rials either way)"})
    notice_channel = fields.String(metadata={"enum": list(NOTICE_CHANNELS), "description": (
        "how notices reach me beside the in-app inbox: auto (e-mail if I have an address, else SMS), email, sms, "
        "or app (the inbox only)")})


class PreferencesPatch(Schema):
    amount_unit = fields.String(validate=validate.OneOf(AMOUNT_UNITS), metadata={"description": "rial or toman"})
    notice_channel = fields.String(validate=validate.OneOf(NOTICE_CHANNELS),
                                   metadata={"description": "auto, email, sms or app"})


def _unit(user: User | None) -> str:
    unit = user.amount_unit if user else None
    return unit if unit in AMOUNT_UNITS else "rial"


def _preferences(user: User | None) -> dict[str, str]:
    channel = user.notice_channel if user else None
    return {"amount_unit": _unit(user), "notice_channel": channel if channel in NOTICE_CHANNELS else "auto"}


@blp.route("/preferences")
class MyPreferences(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, PreferencesSchema)
    @requires(*ANYONE)
    def get(self) -> object:
        """My preferences: the unit of amounts in task forms (rial unless I chose toman) and how notices reach
        me beside the inbox."""
        return _preferences(db().get(User, current_principal().user_id))

    @blp.doc(security=BEARER)
    @blp.arguments(PreferencesPatch)
    @blp.response(200, PreferencesSchema)
    @requires(*ANYONE)
    def patch(self, body: dict) -> object:
        """Change my preferences, those given (422 with the field's error for an unknown value)."""
        user_id = current_principal().user_id

        def change(session: object) -> dict:
            user = session.get(User, user_id)
            for name in ("amount_unit", "notice_channel"):
                if name in body:
                    setattr(user, name, body[name])
            return _preferences(user)

        return command(change)
