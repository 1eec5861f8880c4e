"""Outside events: ``POST /api/v1/messages`` (correlate one message) and ``POST /api/v1/signals``."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.context import command, ravand
from api.guard import BEARER, START, current_principal, requires
from api.resources.common import as_dict

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
    @blp.alt_response(404, description="No instance waits for the message and no process starts with it")
    @blp.alt_response(409, description="More than one instance matches; narrow the correlation")
    @requires(*START)
    def post(self, body: dict) -> object:
        """Deliver a message by business key and/or correlation values, or start the process it starts."""
        actor, engine = current_principal().username, ravand().engine
        delivery = command(lambda s: engine.correlate(s, body["name"], body.get("business_key"),
                                                      body["correlation"], body["variables"], actor))
        ravand().nudge()
        return as_dict(delivery)


@blp.route("/signals")
class Signals(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(SignalSchema)
    @blp.response(200, DeliverySchema)
    @requires(*START)
    def post(self, body: dict) -> object:
        """Broadcast a signal to every instance waiting for it and every process it starts."""
        actor, engine = current_principal().username, ravand().engine
        delivery = command(lambda s: engine.signal(s, body["name"], body["variables"], actor))
        ravand().nudge()
        return as_dict(delivery)
