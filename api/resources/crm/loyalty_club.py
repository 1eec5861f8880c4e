"""The loyalty club (``crm.loyalty_rules``, ``crm.loyalty_rewards``, ``crm.loyalty_expiry``): earning rules,
tiers' benefits, the redemption catalogue and the gifts waiting to be handed over (``/loyalty/...``); a
customer's statement, a reward taken on their behalf and their club link sent by SMS
(``/customers/{id}/loyalty/...``).

Every employee and auditor reads; administrators and the ``managers`` and ``marketing`` groups change the
rules, tiers and catalogue; employees who may edit the customer take a reward for them, and the ``managers``
group and administrators settle gifts."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from api.club import LINK_DAYS, expire_all, send_club_link
from api.context import db, ravand
from api.guard import BEARER, current_principal, requires
from api.record_access import editable, readable
from api.resources.crm.shared import READ, WRITE, act
from crm import loyalty_rewards, loyalty_rules, loyalty_statement
from crm.models import Customer

blp = Blueprint("crm_loyalty_club", __name__, url_prefix="/api/v1", description="The loyalty club")
WRITERS_GROUPS = frozenset({"managers", "marketing"})


def _may_write() -> None:
    principal = current_principal()
    if principal.role != "admin" and not WRITERS_GROUPS & set(principal.groups):
        raise Forbidden("only administrators, managers and marketing change the loyalty club / "
                        "فقط مدیر سامانه، مدیران و بازاریابی باشگاه مشتریان را تغییر می‌دهند")


# -- schemas ----------------------------------------------------------------------------------------

class LoyaltyRuleIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(loyalty_rules.RULE_KINDS))
    name = fields.String(required=True, metadata={"description": "what the rule is called, e.g. Nowruz double points"})
    product = fields.String(allow_none=True, metadata={"description": "a product group (managed list ``product``); "
                                                                     "none: every purchase"})
    rials_per_point = fields.Integer(allow_none=True, strict=True, metadata={"description": "earn: rials per point"})
    multiplier = fields.Integer(allow_none=True, strict=True, metadata={"description": "bonus: percent, 200 doubles"})
    campaign_id = fields.Integer(allow_none=True, strict=True,
                                 metadata={"description": "bonus: only for customers this campaign reached"})
    starts_on = fields.String(allow_none=True, metadata={"description": "a day, Jalali or Gregorian"})
    ends_on = fields.String(allow_none=True, metadata={"description": "a day, Jalali or Gregorian"})
    active = fields.Boolean(load_default=True)


class LoyaltyRuleChanges(LoyaltyRuleIn):
    """The fields of a rule to change (any of them)."""


class LoyaltyRuleSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    name = fields.String()
    product = fields.String(allow_none=True)
    rials_per_point = fields.Integer(allow_none=True)
    multiplier = fields.Integer(allow_none=True)
    campaign_id = fields.Integer(allow_none=True)
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    active = fields.Boolean()
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)
    updated_at = fields.DateTime()
    updated_by = fields.String(allow_none=True)


class LoyaltyTierPatch(Schema):
    earn_percent = fields.Integer(strict=True, metadata={"description": "50-1000: the share of a rule's points"})
    points_months = fields.Integer(strict=True, metadata={"description": "0-120; 0: points earned never lapse"})
    perks_fa = fields.String(allow_none=True)
    perks_en = fields.String(allow_none=True)


class LoyaltyTierSchema(Schema):
    tier = fields.String()
    rank = fields.Integer()
    earn_percent = fields.Integer()
    points_months = fields.Integer()
    perks_fa = fields.String()
    perks_en = fields.String()
    updated_at = fields.DateTime(allow_none=True)
    updated_by = fields.String(allow_none=True)


class LoyaltyRewardIn(Schema):
    name_fa = fields.String(required=True)
    name_en = fields.String(required=True)
    points = fields.Integer(required=True, strict=True)
    kind = fields.String(required=True, validate=validate.OneOf(loyalty_rewards.REWARD_KINDS))
    voucher_kind = fields.String(allow_none=True, metadata={"description": "voucher: percent | amount"})
    voucher_value = fields.Integer(allow_none=True, strict=True, metadata={"description": "percent, or rials"})
    valid_days = fields.Integer(allow_none=True, strict=True)
    stock = fields.Integer(allow_none=True, strict=True, metadata={"description": "none: unlimited"})
    active = fields.Boolean(load_default=True)


class LoyaltyRewardChanges(LoyaltyRewardIn):
    """The fields of a reward to change (any of them)."""


class LoyaltyRewardSchema(Schema):
    id = fields.Integer()
    name_fa = fields.String()
    name_en = fields.String()
    points = fields.Integer()
    kind = fields.String()
    voucher_kind = fields.String(allow_none=True)
    voucher_value = fields.Integer(allow_none=True)
    valid_days = fields.Integer(allow_none=True)
    stock = fields.Integer(allow_none=True)
    active = fields.Boolean()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class LoyaltyRewardArgs(Schema):
    include_inactive = fields.Boolean(load_default=False)


class LoyaltyRedemptionSchema(Schema):
    id = fields.Integer()
    customer_id = fields.Integer()
    customer_name = fields.String(allow_none=True)
    reward_id = fields.Integer()
    points = fields.Integer()
    entry_id = fields.Integer()
    voucher_id = fields.Integer(allow_none=True)
    state = fields.String(metadata={"enum": list(loyalty_rewards.STATES)})
    channel = fields.String(metadata={"enum": list(loyalty_rewards.CHANNELS)})
    at = fields.DateTime()
    by = fields.String(allow_none=True)
    settled_at = fields.DateTime(allow_none=True)
    settled_by = fields.String(allow_none=True)


class LoyaltyRedemptionArgs(Schema):
    state = fields.String(validate=validate.OneOf(loyalty_rewards.STATES))
    customer_id = fields.Integer()
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10**9))


class GiftSettled(Schema):
    state = fields.String(required=True, validate=validate.OneOf(("delivered", "cancelled")))


class PointsExpired(Schema):
    customers = fields.Integer()
    points = fields.Integer()


class ClubStatementEntry(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    points = fields.Integer()
    kind = fields.String(metadata={"enum": ["earn", "credit", "debit", "redeem", "expire", "refund"]})
    reason = fields.String()
    purchase_id = fields.Integer(allow_none=True)
    expires_at = fields.DateTime(allow_none=True)
    remaining = fields.Integer(allow_none=True)
    reward_fa = fields.String(allow_none=True)
    reward_en = fields.String(allow_none=True)


class ExpiringPoints(Schema):
    at = fields.DateTime()
    points = fields.Integer()


class OpenVoucher(Schema):
    code = fields.String()
    kind = fields.String()
    value = fields.Integer()
    expires_at = fields.DateTime()


class ClubCatalogueEntry(Schema):
    id = fields.Integer()
    name_fa = fields.String()
    name_en = fields.String()
    points = fields.Integer()
    kind = fields.String()
    voucher_kind = fields.String(allow_none=True)
    voucher_value = fields.Integer(allow_none=True)
    in_stock = fields.Boolean()
    affordable = fields.Boolean()


class StatementRedemption(Schema):
    id = fields.Integer()
    reward_id = fields.Integer()
    name_fa = fields.String()
    name_en = fields.String()
    points = fields.Integer()
    state = fields.String()
    at = fields.DateTime()
    channel = fields.String()
    voucher_id = fields.Integer(allow_none=True)


class ClubStatementSchema(Schema):
    customer_id = fields.Integer()
    name = fields.String(allow_none=True)
    locale = fields.String()
    referral_code = fields.String()
    points = fields.Integer()
    tier = fields.String()
    earn_percent = fields.Integer()
    points_months = fields.Integer()
    perks_fa = fields.String()
    perks_en = fields.String()
    next_tier = fields.String(allow_none=True)
    expiring = fields.List(fields.Nested(ExpiringPoints))
    entries = fields.List(fields.Nested(ClubStatementEntry))
    vouchers = fields.List(fields.Nested(OpenVoucher))
    rewards = fields.List(fields.Nested(ClubCatalogueEntry))
    redemptions = fields.List(fields.Nested(StatementRedemption))


class ClubLinkSent(Schema):
    queued = fields.Boolean(metadata={"description": "false: the number had all the messages it may have today"})
    expires_in_days = fields.Integer()


# -- rules and tiers --------------------------------------------------------------------------------

@blp.route("/loyalty/rules")
class Rules(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, LoyaltyRuleSchema(many=True))
    @requires(*READ)
    def get(self) -> object:
        """Every earning rule and bonus: active ones first."""
        return loyalty_rules.list_rules(db())

    @blp.doc(security=BEARER)
    @blp.arguments(LoyaltyRuleIn)
    @blp.response(201, LoyaltyRuleSchema)
    @blp.alt_response(403, description="Only administrators, managers and marketing")
    @blp.alt_response(422, description="Invalid fields, each named")
    @requires(*WRITE)
    def post(self, body: dict) -> object:
        """A new earning rule (rials per point) or bonus (a multiplier), for a product group or every purchase."""
        _may_write()
        return act(lambda ctx: loyalty_rules.add_rule(ctx, body))


@blp.route("/loyalty/rules/<int:rule_id>")
class Rule(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(LoyaltyRuleChanges(partial=True))
    @blp.response(200, LoyaltyRuleSchema)
    @blp.alt_response(403, description="Only administrators, managers and marketing")
    @blp.alt_response(404, description="No such rule")
    @blp.alt_response(422, description="Invalid fields, each named")
    @requires(*WRITE)
    def patch(self, body: dict, rule_id: int) -> object:
        """Change a rule (e.g. ``{"active": false}`` to stop it); purchases already earned keep their points."""
        _may_write()
        return act(lambda ctx: loyalty_rules.change_rule(ctx, rule_id, body))


@blp.route("/loyalty/tiers")
class Tiers(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, LoyaltyTierSchema(many=True))
    @requires(*READ)
    def get(self) -> object:
        """The tiers, lowest first, with their benefits."""
        return loyalty_rules.list_tiers(db())


@blp.route("/loyalty/tiers/<tier>")
class Tier(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(LoyaltyTierPatch)
    @blp.response(200, LoyaltyTierSchema)
    @blp.alt_response(403, description="Only administrators, managers and marketing")
    @blp.alt_response(404, description="No such tier")
    @blp.alt_response(422, description="Invalid fields, each named")
    @requires(*WRITE)
    def patch(self, body: dict, tier: str) -> object:
        """Change a tier's benefits: the share of points it earns, how long they last, its perks."""
        _may_write()
        return act(lambda ctx: loyalty_rules.change_tier(ctx, tier, body))


# -- the catalogue and redemptions ------------------------------------------------------------------

@blp.route("/loyalty/rewards")
class Rewards(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(LoyaltyRewardArgs, location="query")
    @blp.response(200, LoyaltyRewardSchema(many=True))
    @requires(*READ)
    def get(self, args: dict) -> object:
        """The catalogue, cheapest first (the rewards no longer offered too, with ``include_inactive``)."""
        return loyalty_rewards.list_rewards(db(), include_inactive=args["include_inactive"])

    @blp.doc(security=BEARER)
    @blp.arguments(LoyaltyRewardIn)
    @blp.response(201, LoyaltyRewardSchema)
    @blp.alt_response(403, description="Only administrators, managers and marketing")
    @blp.alt_response(422, description="Invalid fields, each named")
    @requires(*WRITE)
    def post(self, body: dict) -> object:
        """A new reward: a voucher issued at once, or a gift handed over by staff."""
        _may_write()
        return act(lambda ctx: loyalty_rewards.add_reward(ctx, body))


@blp.route("/loyalty/rewards/<int:reward_id>")
class Reward(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(LoyaltyRewardChanges(partial=True))
    @blp.response(200, LoyaltyRewardSchema)
    @blp.alt_response(403, description="Only administrators, managers and marketing")
    @blp.alt_response(404, description="No such reward")
    @blp.alt_response(422, description="Invalid fields, each named")
    @requires(*WRITE)
    def patch(self, body: dict, reward_id: int) -> object:
        """Change a reward (its stock, price in points, or ``{"active": false}`` to withdraw it)."""
        _may_write()
        return act(lambda ctx: loyalty_rewards.change_reward(ctx, reward_id, body))


def _named(rows: list[Any]) -> list[dict[str, Any]]:
    """The redemptions with their customer's name; those of customers the reader may not read left out (the
    read session is scoped to the reader's records)."""
    names = {c.id: c.company_name or c.person_name for c in db().scalars(
        select(Customer).where(Customer.id.in_({r.customer_id for r in rows})))}
    return [{**{c.key: getattr(r, c.key) for c in r.__table__.columns}, "customer_name": names[r.customer_id]}
            for r in rows if r.customer_id in names]


@blp.route("/loyalty/redemptions")
class Redemptions(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(LoyaltyRedemptionArgs, location="query")
    @blp.response(200, LoyaltyRedemptionSchema(many=True))
    @requires(*READ)
    def get(self, args: dict) -> object:
        """Rewards taken, newest first: ``state=requested`` lists the gifts waiting to be handed over."""
        return _named(loyalty_rewards.redemptions(db(), **args))


@blp.route("/loyalty/redemptions/<int:redemption_id>/settle")
class Settle(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(GiftSettled)
    @blp.response(200, LoyaltyRedemptionSchema)
    @blp.alt_response(403, description="Only administrators and the managers group")
    @blp.alt_response(422, description="Not a gift waiting to be handed over")
    @requires(*WRITE)
    def post(self, body: dict, redemption_id: int) -> object:
        """A gift handed over (``delivered``) or called off (``cancelled``: the points go back)."""
        principal = current_principal()
        if principal.role != "admin" and "managers" not in principal.groups:
            raise Forbidden("only an administrator or a manager settles gifts / "
                            "فقط مدیر سامانه یا مدیران تحویل جایزه را ثبت می‌کنند")
        return act(lambda ctx: loyalty_rewards.settle(ctx, redemption_id, body["state"]))


@blp.route("/loyalty/expire")
class Expire(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, PointsExpired)
    @blp.alt_response(403, description="Administrators only")
    @requires("admin")
    def post(self) -> object:
        """Write off the points that have lapsed now (the scheduler does it every hour)."""
        customers, points = expire_all(ravand())
        return {"customers": customers, "points": points}


# -- one customer -----------------------------------------------------------------------------------

@blp.route("/customers/<int:customer_id>/loyalty/statement")
class Statement(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ClubStatementSchema)
    @requires(*READ)
    def get(self, customer_id: int) -> object:
        """The member's statement, as the portal shows it to them."""
        readable("customer", customer_id)
        return loyalty_statement.statement(db(), customer_id)


@blp.route("/customers/<int:customer_id>/loyalty/rewards/<int:reward_id>")
class TakeReward(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(201, LoyaltyRedemptionSchema)
    @blp.alt_response(422, description="Not enough points, out of stock, or no longer offered")
    @requires(*WRITE)
    def post(self, customer_id: int, reward_id: int) -> object:
        """Take a reward for the customer (at the counter or on the phone): its points are redeemed."""
        editable("customer", customer_id)
        return act(lambda ctx: loyalty_rewards.take(ctx, customer_id, reward_id, channel="staff"))


@blp.route("/customers/<int:customer_id>/loyalty/club-link")
class ClubLink(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(202, ClubLinkSent)
    @blp.alt_response(409, description="No mobile number on record")
    @requires(*WRITE)
    def post(self, customer_id: int) -> object:
        """Send the customer their club link by SMS: the statement, and the catalogue to take rewards from."""
        editable("customer", customer_id)
        queued = act(lambda ctx: send_club_link(ctx, ravand(), customer_id))
        return {"queued": queued is not None, "expires_in_days": LINK_DAYS}
