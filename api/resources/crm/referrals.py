"""Referrals: the list and one referral. Referring, linking the lead, the purchase and the reward are
the referral process's steps."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.context import db
from api.guard import BEARER, requires
from api.intake import start_referral
from api.resources.common import ID, PageArgs, page, page_schema
from api.resources.crm.shared import READ, WRITE, start
from crm import referrals

blp = Blueprint("crm_referrals", __name__, url_prefix="/api/v1/referrals", description="Referrals")


class ReferralSchema(Schema):
    id = fields.Integer()
    code = fields.String(metadata={"description": "the referrer's referral code"})
    referrer_id = fields.Integer()
    referred_name = fields.String()
    referred_mobile = fields.String(allow_none=True)
    referred_email = fields.String(allow_none=True)
    referred_customer_id = fields.Integer(allow_none=True)
    lead_id = fields.Integer(allow_none=True)
    status = fields.String(metadata={"enum": list(referrals.STATUSES)})
    reject_reason = fields.String(allow_none=True, metadata={"description": "why it expired"})
    reward_kind = fields.String(allow_none=True)
    reward_value = fields.Integer(allow_none=True, metadata={"description": "points, or a discount in percent"})
    purchase_id = fields.Integer(allow_none=True)
    rewarded_at = fields.DateTime(allow_none=True)
    process_instance_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)
    updated_at = fields.DateTime()
    updated_by = fields.String(allow_none=True)


class ReferralArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(referrals.STATUSES))
    referrer_id = fields.Integer(validate=validate.Range(1, ID))


class ReferralIn(Schema):
    code = fields.String(required=True, validate=validate.Length(1, 32),
                         metadata={"description": "the referrer's code"})
    referred_name = fields.String(required=True, validate=validate.Length(1, 255))
    referred_mobile = fields.String(validate=validate.Length(1, 40))
    referred_email = fields.String(validate=validate.Length(1, 255))


ReferralPage = page_schema(ReferralSchema, "ReferralPage")


@blp.route("")
class Referrals(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ReferralArgs, location="query")
    @blp.response(200, ReferralPage)
    @requires(*READ)
    def get(self, args: dict) -> object:
        """Referrals, newest first."""
        return page(referrals.list_referrals(db(), status=args.get("status"), referrer_id=args.get("referrer_id"),
                                             limit=args["limit"], offset=args["offset"]), args)

    @blp.doc(security=BEARER)
    @blp.arguments(ReferralIn)
    @blp.response(201, ReferralSchema)
    @requires(*WRITE)
    def post(self, body: dict) -> object:
        """A customer refers someone: refused (422, with the reason) for a self-referral, an existing
        customer, or a person already referred; else ``referral_rewards`` starts."""
        return start(start_referral, body)


@blp.route("/<int:referral_id>")
class Referral(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ReferralSchema)
    @requires(*READ)
    def get(self, referral_id: int) -> object:
        """One referral."""
        return referrals.get_referral(db(), referral_id)
