"""Outside events: ``POST /api/v1/messages`` (correlate one message) and ``POST /api/v1/signals``.

Sending is a permission per name, declared in the diagram: the catch event (or its ``bpmn:message`` /
``bpmn:signal``) names who may send it with ``ravand:senders``, and what its payload may set with
``ravand:variables``. A name without senders is internal (403 here); a payload naming anything
undeclared, or a correlation key, is a 422 that names it. A message that starts a CRM process (a lead, a
complaint, a referral) has its payload checked first (``api.message_checks``): invalid is a 422 with field
errors and nothing starts."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session

from api.commands import command
from api.context import ravand
from api.guard import BEARER, START, caller, current_principal, requires
from api.resources.common import as_dict
from engine.events.messages import Delivery

blp = Blueprint("messages", __name__, url_prefix="/api/v1", description="Messages and signals")


class MessageSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 255))
    business_key = fields.String(allow_none=True, validate=validate.Length(1, 255))
    correlation = fields.Dict(keys=fields.String(validate=validate.Length(1, 200)), load_default=dict,
                              metadata={"description": "variable values the receiving instance must hold"})
    variables = fields.Dict(keys=fields.String(validate=validate.Length(1, 200)), load_default=dict)


class SignalSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 255))
    variables = fields.Dict(keys=fields.String(validate=validate.Length(1, 200)), load_default=dict)


class DeliverySchema(Schema):
    instance_ids = fields.List(fields.String())
    started = fields.Boolean(metadata={"description": "the message started a new instance"})
    buffered = fields.Boolean(metadata={"description": "kept until an instance waits for it"})


@blp.route("/messages")
class Messages(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(MessageSchema)
    @blp.response(200, DeliverySchema)
    @blp.alt_response(403, description="The message is internal, or its senders do not include you")
    @blp.alt_response(404, description="No instance waits for the message and no process starts with it")
    @blp.alt_response(409, description="More than one instance matches; narrow the correlation")
    @blp.alt_response(422, description="The variables name something the catch event does not declare, a checked "
                      "payload (lead_received, complaint_received, referral_received) is invalid, or a "
                      "correlation value is of another type than the waiting instances hold")
    @requires(*START)
    def post(self, body: dict) -> object:
        """Deliver a message by business key and/or correlation values, or start the process it starts."""
        actor, engine, me, checks = current_principal().username, ravand().engine, caller(), ravand().message_checks

        def deliver(session: Session) -> Delivery:
            checks.vet(session, engine, body["name"], body["variables"], me)
            return engine.correlate(session, body["name"], body.get("business_key"), body["correlation"],
                                    body["variables"], actor, caller=me)

        delivery = command(deliver)
        ravand().nudge()
        return as_dict(delivery)


@blp.route("/signals")
class Signals(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(SignalSchema)
    @blp.response(200, DeliverySchema)
    @blp.alt_response(403, description="The signal is internal, or its senders do not include you")
    @blp.alt_response(404, description="No deployed process catches the signal")
    @blp.alt_response(422, description="The variables name something a catch event does not declare")
    @requires(*START)
    def post(self, body: dict) -> object:
        """Broadcast a signal to every instance waiting for it and every process it starts."""
        actor, engine, me = current_principal().username, ravand().engine, caller()
        delivery = command(lambda s: engine.signal(s, body["name"], body["variables"], actor, caller=me))
        ravand().nudge()
        return as_dict(delivery)
