"""The notification outbox: what was sent to whom, what failed and why (auditors), and sending now (admins)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.context import db, ravand
from api.guard import AUDIT, BEARER, current_principal, requires
from api.outbox import dispatch_outbox, track_deliveries
from api.resources.common import ID, PageArgs, as_dict, page, page_schema
from crm import notify
from crm.record_labels import value_label
from crm.send_errors import error_words
from crm.sms_panels import DELIVERY

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
    last_error = fields.String(allow_none=True, metadata={"description": "why it did not go out, as the sender said"})
    error_text = fields.Function(lambda m: error_words(m.last_error), allow_none=True, metadata={
        "description": "last_error in words: {fa, en} (en is last_error as it is)"})
    next_attempt_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
    customer_id = fields.Integer(allow_none=True)
    process_instance_id = fields.String(allow_none=True)
    campaign_id = fields.Integer(allow_none=True, metadata={"description": "the campaign that sent it"})
    link = fields.String(allow_none=True, metadata={"description": "app: the page of the web app it leads to"})
    read_at = fields.DateTime(allow_none=True, metadata={"description": "app: when the employee read it"})
    provider = fields.String(allow_none=True, metadata={"description": "sms: the panel it went through"})
    provider_ref = fields.String(allow_none=True, metadata={"description": "sms: the panel's id for the message"})
    cost_rial = fields.Integer(allow_none=True, metadata={"description": "sms: what the panel charged, in rials"})
    delivery = fields.String(allow_none=True, metadata={
        "description": "sms: the panel's delivery report: " + " | ".join(DELIVERY)})
    delivery_at = fields.DateTime(allow_none=True, metadata={"description": "when the panel was last asked"})
    template_label = fields.Function(lambda m: value_label("notification", "template", m.template), allow_none=True,
                                     metadata={"description": "the template's name: {fa, en}"})


class NotificationArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(notify.STATUSES))
    delivery = fields.String(validate=validate.OneOf(DELIVERY))
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
            db(), status=args.get("status"), channel=args.get("channel"), delivery=args.get("delivery"),
            customer_id=args.get("customer_id"),
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


class DeliveriesSchema(Schema):
    changed = fields.Integer(metadata={"description": "messages whose delivery report changed"})


@blp.route("/deliveries")
class Deliveries(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, DeliveriesSchema)
    @blp.alt_response(502, description="The SMS panel could not be asked")
    @requires("admin")
    def post(self) -> object:
        """Ask the SMS panel now how the messages it took fared (the scheduler does this after each dispatch)."""
        return {"changed": track_deliveries(ravand(), actor=current_principal().username)}
