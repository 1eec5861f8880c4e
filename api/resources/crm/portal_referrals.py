"""The portal's referral form: a customer refers a friend with their own referral code, without an account.

Public (``security: []``) and rate limited per client address like the rest of the portal. The code is the
referrer's only credential, so an unknown code, a self-referral, an existing customer and a person referred
already are refused (422) with the reason in English and Persian; every attempt is recorded with the
channel ``portal``. A refusal names the field it concerns (the friend's mobile, else e-mail, else name) so the
portal's page (``/portal/refer``) shows it there. The answer says only that the referral was received."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.resources.crm.portal import PORTAL_ACTOR, PUBLIC, limited
from api.resources.crm.portal import blp as portal_blp
from api.resources.crm.referrals import refer_recorded
from crm.errors import InvalidRecord
from crm.referrals import NOTE_SIZE, Refusal

blp = Blueprint("crm_portal_referrals", __name__, url_prefix=portal_blp.url_prefix,
                description="The customer portal: referring a friend (public)")
TO_RECORD = {"name": "referred_name", "mobile": "referred_mobile", "email": "referred_email"}
TO_PORTAL = {v: k for k, v in TO_RECORD.items()}
REQUIRED = {"required": "required / لازم است"}


class PortalReferralIn(Schema):
    code = fields.String(required=True, validate=validate.Length(1, 32), error_messages=REQUIRED,
                         metadata={"description": "your referral code"})
    name = fields.String(required=True, validate=validate.Length(1, 255), error_messages=REQUIRED,
                         metadata={"description": "the friend's name"})
    mobile = fields.String(validate=validate.Length(max=40), metadata={"description": "mobile or email is needed"})
    email = fields.String(validate=validate.Length(max=255))
    note = fields.String(validate=validate.Length(max=NOTE_SIZE),
                         metadata={"description": "optional: about the friend, e.g. when to call"})


def _refused_on(body: dict) -> str:
    """The field a refusal (yourself, a customer already, referred already) is about."""
    return next((name for name in ("mobile", "email") if str(body.get(name) or "").strip()), "name")


class ReceivedSchema(Schema):
    status = fields.String(metadata={"description": "received: the friend will be contacted"})


@blp.route("/referrals")
class PortalReferrals(MethodView):
    @limited("write")
    @blp.doc(security=PUBLIC)
    @blp.arguments(PortalReferralIn)
    @blp.response(201, ReceivedSchema)
    @blp.alt_response(422, description="Refused: unknown code, yourself, an existing customer, referred already")
    @blp.alt_response(429, description="Too many requests from this address; see Retry-After")
    def post(self, body: dict) -> object:
        """Refer a friend with your referral code; we contact them and reward you when they buy."""
        record = {TO_RECORD.get(k, k): v for k, v in body.items()}
        try:
            refer_recorded(record, PORTAL_ACTOR, "portal")
        except InvalidRecord as exc:
            raise InvalidRecord(exc.message, {TO_PORTAL.get(k, k): v for k, v in exc.field_errors.items()}) from exc
        except Refusal as exc:
            raise InvalidRecord(exc.message, {_refused_on(body): [exc.message]}) from exc
        return {"status": "received"}
