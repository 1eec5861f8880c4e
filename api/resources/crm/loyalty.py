"""Spending loyalty points and a customer's vouchers.

A redemption takes points from the customer's balance with a ledger entry (the reason says what they were
spent on); the balance never goes below zero, also when two redemptions race (the account's row is locked).
Vouchers are issued by the referral process (a discount reward) and spent on a purchase
(``POST /customers/{id}/purchases`` with ``voucher_code``)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.context import db
from api.guard import BEARER, INTEGRATION, current_principal, requires
from api.record_access import editable
from api.resources.crm.opportunities import MANAGERS
from api.resources.crm.purchases import EntrySchema
from api.resources.crm.shared import READ, WRITE, act
from crm import loyalty, vouchers
from engine.errors import Forbidden

blp = Blueprint("crm_loyalty", __name__, url_prefix="/api/v1/customers", description="Points redemption, vouchers")


class RedemptionIn(Schema):
    points = fields.Integer(required=True, strict=True, validate=validate.Range(1, loyalty.MAX_POINTS))
    reason = fields.String(required=True, validate=validate.Length(1, 255),
                           metadata={"description": "what the points are spent on, e.g. an invoice number"})


class RedemptionSchema(Schema):
    entry = fields.Nested(EntrySchema, metadata={"description": "the ledger entry (negative points)"})
    balance = fields.Integer(metadata={"description": "points left"})


class VoucherSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    customer_id = fields.Integer()
    kind = fields.String(metadata={"enum": list(vouchers.KINDS)})
    value = fields.Integer(metadata={"description": "percent, or rials"})
    expires_at = fields.DateTime()
    referral_id = fields.Integer(allow_none=True)
    redeemed_at = fields.DateTime(allow_none=True)
    purchase_id = fields.Integer(allow_none=True)
    discount = fields.Integer(allow_none=True, metadata={"description": "rials taken off when it was spent"})
    created_at = fields.DateTime()


@blp.route("/<int:customer_id>/loyalty/redemptions")
class Redemptions(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(RedemptionIn)
    @blp.response(201, RedemptionSchema)
    @blp.alt_response(422, description="Not enough points (the balance is named), or invalid fields")
    @requires(*WRITE, INTEGRATION)
    def post(self, body: dict, customer_id: int) -> object:
        """Spend points: a ledger entry of minus ``points`` with the reason; refused beyond the balance."""
        editable("customer", customer_id)  # record access: 404 unless readable, 403 unless editable
        def spend(ctx: Any) -> dict:
            entry, balance = loyalty.redeem(ctx, customer_id, body["points"], body["reason"])
            return {"entry": entry, "balance": balance}

        return act(spend)


class AdjustmentIn(Schema):
    points = fields.Integer(required=True, strict=True, validate=[
        validate.Range(-loyalty.MAX_POINTS, loyalty.MAX_POINTS),
        validate.NoneOf([0], error="a whole number other than 0 / عددی صحیح جز صفر")],
        metadata={"description": "positive: credited; negative: taken"})
    reason = fields.String(required=True, validate=validate.Length(1, 255),
                           metadata={"description": "why, e.g. a goodwill gesture for complaint X (required)"})


@blp.route("/<int:customer_id>/loyalty/adjustments")
class Adjustments(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(AdjustmentIn)
    @blp.response(201, RedemptionSchema)
    @blp.alt_response(403, description="Only an administrator or a member of the managers group")
    @blp.alt_response(422, description="Invalid fields, or more points taken than the balance holds")
    @requires(*WRITE)
    def post(self, body: dict, customer_id: int) -> object:
        """Correct a balance by hand (administrators and the ``managers`` group): a ledger entry of
        ``points`` with the required reason and the employee's name, journaled; never below zero."""
        editable("customer", customer_id)  # record access: 404 unless readable, 403 unless editable
        principal = current_principal()
        if principal.role != "admin" and MANAGERS not in principal.groups:
            raise Forbidden("only an administrator or a manager may adjust points / "
                            "فقط مدیر سامانه یا مدیران می‌توانند امتیاز را اصلاح کنند")

        def adjust(ctx: Any) -> dict:
            move = loyalty.credit if body["points"] > 0 else loyalty.debit
            entry = move(ctx, customer_id, abs(body["points"]), body["reason"])
            return {"entry": entry, "balance": loyalty.account(ctx, customer_id).points}

        return act(adjust)


@blp.route("/<int:customer_id>/vouchers")
class Vouchers(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, VoucherSchema(many=True))
    @requires(*READ)
    def get(self, customer_id: int) -> object:
        """The customer's vouchers, newest first (spent and expired ones too)."""
        return vouchers.vouchers_of(db(), customer_id)
