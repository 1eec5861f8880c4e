"""The notification outbox: what was sent to whom, what failed and why (auditors), and sending now (admins)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.context import db, ravand
from api.guard import AUDIT, BEARER, current_principal, requires
from api.outbox import dispatch_outbox
from api.resources.common import ID, PageArgs, as_dict, page, page_schema
from crm import notify

blp = Blueprint("crm_notifications", __name__, url_prefix="/api/v1/notifications",
                description="The outbox of e-mail and SMS messages")


class NotificationSchema(Schema):
    id = fields.Integer()
    channel = fields.String()
    recipient = fields.String()
    subject = fields.String(allow_none=True)
    body = fields.String()
    template = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "pending | sent | failed | kept"})
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    next_attempt_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
    customer_id = fields.Integer(allow_none=True)
    process_instance_id = fields.String(allow_none=True)
    link = fields.String(allow_none=True, metadata={"description": "app: the page of the web app it leads to"})
    read_at = fields.DateTime(allow_none=True, metadata={"description": "app: when the employee read it"})


class NotificationArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(notify.STATUSES))
    channel = fields.String(validate=validate.OneOf(notify.CHANNELS))
    customer_id = fields.Integer(validate=validate.Range(1, ID))
    process_instance = fields.String(validate=validate.Length(1, 36))


class DispatchArgs(Schema):
    batch = fields.Integer(load_default=100, validate=validate.Range(1, 1000),
                           metadata={"description": "at most this many messages"})


class DispatchReportSchema(Schema):
    sent = fields.Integer()
    retrying = fields.Integer(metadata={"description": "failed this time, tried again later"})
    failed = fields.Integer(metadata={"description": "failed for good (too many attempts)"})
    kept = fields.Integer(metadata={"description": "no sender configured for the channel: kept in the outbox"})


NotificationPage = page_schema(NotificationSchema, "NotificationPage")


@blp.route("")
class Notifications(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(NotificationArgs, location="query")
    @blp.response(200, NotificationPage)
    @requires(*AUDIT)
    def get(self, args: dict) -> object:
        """The outbox, newest first."""
        return page(notify.list_notifications(
            db(), status=args.get("status"), channel=args.get("channel"), customer_id=args.get("customer_id"),
            process_instance_id=args.get("process_instance"), limit=args["limit"], offset=args["offset"]), args)


@blp.route("/dispatch")
class Dispatch(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(DispatchArgs, location="query")
    @blp.response(200, DispatchReportSchema)
    @requires("admin")
    def post(self, args: dict) -> object:
        """Send the messages that are due now (the scheduler does this periodically too)."""
        return as_dict(dispatch_outbox(ravand(), batch=args["batch"], actor=current_principal().username))
