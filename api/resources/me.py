"""The signed-in employee's own in-app inbox (``crm.inbox``): their notices, newest first, with the unread
count; marking one or all read. Nobody sees or marks another's notices (404, as for one that does not
exist)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.context import command, crm_ctx, db
from api.guard import ANYONE, BEARER, current_principal, requires
from api.resources.common import PageArgs
from crm import inbox

blp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="My notifications (the in-app inbox)")


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
