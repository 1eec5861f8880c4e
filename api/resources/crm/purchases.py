"""A customer's purchases and loyalty account, and the ranking run (administrators) that recomputes
every customer's score, tier and lifetime value."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.context import db, ravand
from api.guard import BEARER, INTEGRATION, requires
from api.intake import purchase_recorded
from api.record_access import editable
from api.resources.common import PageArgs, as_dict
from api.resources.crm.shared import READ, WRITE, Amount, act
from crm import loyalty, purchases, ranking
from crm.money import parse_amount

blp = Blueprint("crm_purchases", __name__, url_prefix="/api/v1/customers",
                description="Purchases, loyalty and ranking")
MAX_REPORTED_CHANGES = 200


class PurchaseSchema(Schema):
    id = fields.Integer()
    customer_id = fields.Integer()
    amount = fields.Integer(metadata={"description": "rials"})
    purchased_at = fields.DateTime()
    channel = fields.String(metadata={"enum": list(purchases.CHANNELS)})
    paid_on_time = fields.Boolean()
    reference = fields.String(allow_none=True)
    created_by = fields.String(allow_none=True)
    discount = fields.Integer(metadata={"description": "rials a voucher took off; amount is what was paid"})
    voucher_id = fields.Integer(allow_none=True)
    product = fields.String(allow_none=True, metadata={"description": "a key of the managed list product"})


class PurchaseIn(Schema):
    amount = Amount(required=True)
    purchased_at = fields.DateTime(metadata={"description": "default: now; without a zone, UTC"})
    channel = fields.String(load_default="store", validate=validate.OneOf(purchases.CHANNELS))
    paid_on_time = fields.Boolean(load_default=True)
    reference = fields.String(allow_none=True, validate=validate.Length(max=80))
    voucher_code = fields.String(allow_none=True, validate=validate.Length(max=32), metadata={
        "description": "a voucher of this customer's to spend: checked (theirs, unused, not expired), the "
                       "amount reduced by its discount"})
    product = fields.String(allow_none=True, validate=validate.Length(max=255), metadata={
        "description": "what was bought: a key or label (Persian or English) of the managed list product"})


class EntrySchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    points = fields.Integer(metadata={"description": "positive: credited; negative: debited"})
    reason = fields.String()
    referral_id = fields.Integer(allow_none=True)
    by = fields.String(allow_none=True)
    kind = fields.String(metadata={"enum": ["earn", "credit", "debit", "redeem", "expire", "refund"]})
    purchase_id = fields.Integer(allow_none=True, metadata={"description": "the purchase that earned them"})


class LoyaltySchema(Schema):
    customer_id = fields.Integer()
    tier = fields.String(metadata={"enum": list(loyalty.TIERS)})
    points = fields.Integer()
    score = fields.Float(metadata={"description": "0-100, from the last ranking run"})
    lifetime_value = fields.Integer(metadata={"description": "estimated, rials"})
    ranked_at = fields.DateTime(allow_none=True)
    ledger = fields.List(fields.Nested(EntrySchema), metadata={"description": "newest first"})


def _numbers(description: str) -> fields.Dict:
    return fields.Dict(keys=fields.String(validate=validate.Length(1, 64)), values=fields.Float(allow_nan=False),
                       metadata={"description": description})


class RankingIn(Schema):
    weights = _numbers("overrides of crm.ranking.DEFAULT_WEIGHTS (amount, count, on_time, channel, amount_full, "
                       "count_full, channel_<name>)")
    thresholds = _numbers("minimal scores (0-100) of silver, gold, platinum")
    lifetime = _numbers("margin, lifespan_years, min_years")


class TierChangeSchema(Schema):
    customer_id = fields.Integer()
    before = fields.String()
    after = fields.String()
    score = fields.Float()


class RankingSchema(Schema):
    ranked = fields.Integer()
    accounts_created = fields.Integer()
    changed = fields.Integer(metadata={"description": "customers whose tier changed"})
    changes = fields.List(fields.Nested(TierChangeSchema), metadata={
        "description": f"the first {MAX_REPORTED_CHANGES} tier changes (all are in the journal)"})
    tiers = fields.Dict(keys=fields.String(), values=fields.Integer())
    weights = fields.Dict(keys=fields.String(), values=fields.Float())
    thresholds = fields.Dict(keys=fields.String(), values=fields.Float())
    lifetime = fields.Dict(keys=fields.String(), values=fields.Float())
    ran_at = fields.DateTime()


@blp.route("/<int:customer_id>/purchases")
class Purchases(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, PurchaseSchema(many=True))
    @requires(*READ)
    def get(self, args: dict, customer_id: int) -> object:
        """The customer's purchases, newest first."""
        return purchases.purchases_of(db(), customer_id, limit=args["limit"], offset=args["offset"])

    @blp.doc(security=BEARER)
    @blp.arguments(PurchaseIn)
    @blp.response(201, PurchaseSchema)
    @requires(*WRITE, INTEGRATION)  # a web shop records its sales with an integration token
    def post(self, body: dict, customer_id: int) -> object:
        """Record a purchase (amount in rials, or as typed: "۱٬۲۵۰٬۰۰۰", "125,000 تومان"); a potential
        customer becomes actual. With ``voucher_code`` the voucher is spent and the amount reduced (422 naming
        ``voucher_code`` if it is unknown, another customer's, used or expired). A referral waiting for this
        customer's purchases hears of it (by the purchase's id)."""
        editable("customer", customer_id)  # record access: 404 unless readable, 403 unless editable
        app = ravand()

        def record(ctx: Any) -> object:
            purchase = purchases.record_purchase(ctx, customer_id, **{**body, "amount": parse_amount(body["amount"])})
            purchase_recorded(app, ctx.session, customer_id, purchase.id, purchase.amount, ctx.actor)
            return purchase

        return act(record)


@blp.route("/<int:customer_id>/loyalty")
class Loyalty(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, LoyaltySchema)
    @requires(*READ)
    def get(self, args: dict, customer_id: int) -> object:
        """The loyalty account (tier, points, score, lifetime value) and a page of its ledger."""
        session = db()
        account = loyalty.account(session, customer_id)
        entries = loyalty.ledger(session, customer_id, limit=args["limit"], offset=args["offset"])
        return {**{f: getattr(account, f) for f in ("customer_id", "tier", "points", "score", "lifetime_value",
                                                    "ranked_at")}, "ledger": entries}


@blp.route("/ranking/run")
class RankingRun(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(RankingIn)
    @blp.response(200, RankingSchema)
    @requires("admin")
    def post(self, body: dict) -> object:
        """Rank every customer: score, tier and lifetime value from their purchases. Parameters not given
        come from the settings (``[ravand.ranking]``), then ``crm.ranking``'s documented defaults."""
        configured = ravand().settings.extra.get("ranking")
        configured = configured if isinstance(configured, dict) else {}
        params = {name: {**(configured.get(name) or {}), **(body.get(name) or {})}
                  for name in ("weights", "thresholds", "lifetime")}
        report = act(lambda ctx: ranking.rank_all(ctx, **params))
        return {**as_dict(report), "changed": len(report.changes), "changes": as_dict(
            report.changes[:MAX_REPORTED_CHANGES])}
