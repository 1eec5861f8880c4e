"""Every customer's purchases and loyalty accounts, for the employees' lists: ``GET /purchases`` and
``GET /loyalty-accounts``, filtered, searched by the customer's name however typed, sorted, a page at a time
with the total; each row names its customer. One customer's purchases, account and ledger are under
``/customers/{id}``."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.context import db
from api.guard import BEARER, requires
from api.resources.common import ID, Instant, PageArgs, page, page_schema
from api.resources.crm.purchases import PurchaseSchema
from api.resources.crm.shared import READ
from crm import loyalty, purchase_lists, purchases
from crm.opportunities import customer_names

blp = Blueprint("crm_purchase_lists", __name__, url_prefix="/api/v1", description="Purchases and loyalty lists")
MAX_RIALS = 10**18


class PurchaseRow(PurchaseSchema):
    customer_name = fields.String(metadata={"description": "the company's name, else the person's"})


class PurchaseArgs(PageArgs):
    customer_id = fields.Integer(validate=validate.Range(1, ID))
    q = fields.String(validate=validate.Length(1, 200), metadata={
        "description": "words of the customer's name however typed (Persian or English)"})
    reference = fields.String(validate=validate.Length(1, 80), metadata={"description": "the reference as recorded"})
    since = Instant(metadata={"description": "purchased at or after (a date: its midnight UTC)"})
    until = Instant(metadata={"description": "purchased before"})
    min_amount = fields.Integer(validate=validate.Range(0, MAX_RIALS), metadata={"description": "rials"})
    max_amount = fields.Integer(validate=validate.Range(0, MAX_RIALS), metadata={"description": "rials"})
    channel = fields.String(validate=validate.OneOf(purchases.CHANNELS))
    paid_on_time = fields.Boolean()
    product = fields.String(validate=validate.Length(1, 120), metadata={"description": "a product list key"})
    sort = fields.String(load_default="newest", validate=validate.OneOf(purchase_lists.PURCHASE_SORTS))

    @validates_schema
    def _ranges(self, data: dict, **_: object) -> None:
        if data.get("min_amount") is not None and data.get("max_amount") is not None \
                and data["min_amount"] > data["max_amount"]:
            raise ValidationError("not below the smallest amount", "max_amount")
        if data.get("since") and data.get("until") and data["since"] >= data["until"]:
            raise ValidationError("after the start of the period", "until")


class AccountRow(Schema):
    customer_id = fields.Integer()
    customer_name = fields.String()
    tier = fields.String(metadata={"enum": list(loyalty.TIERS)})
    points = fields.Integer()
    score = fields.Float()
    lifetime_value = fields.Integer(metadata={"description": "estimated, rials"})
    ranked_at = fields.DateTime(allow_none=True)


class AccountArgs(PageArgs):
    q = fields.String(validate=validate.Length(1, 200), metadata={"description": "words of the customer's name"})
    tier = fields.String(validate=validate.OneOf(loyalty.TIERS))
    min_points = fields.Integer(validate=validate.Range(0, 2**31 - 1))
    sort = fields.String(load_default="points_desc", validate=validate.OneOf(purchase_lists.ACCOUNT_SORTS))


PurchasePage = page_schema(PurchaseRow, "PurchaseListPage")
AccountPage = page_schema(AccountRow, "LoyaltyAccountPage")
PURCHASE_FIELDS = tuple(PurchaseSchema().fields)
ACCOUNT_FIELDS = ("customer_id", "tier", "points", "score", "lifetime_value", "ranked_at")


@blp.route("/purchases")
class Purchases(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(PurchaseArgs, location="query")
    @blp.response(200, PurchasePage)
    @requires(*READ)
    def get(self, args: dict) -> object:
        """Purchases of every customer (newest first unless sorted), each naming its customer."""
        session = db()
        filters = {k: v for k, v in args.items() if k not in ("limit", "offset")}
        found, total = purchase_lists.list_purchases(session, **filters, limit=args["limit"], offset=args["offset"])
        names = customer_names(session, {p.customer_id for p in found})
        rows = [{**{f: getattr(p, f) for f in PURCHASE_FIELDS}, "customer_name": names.get(p.customer_id, "")}
                for p in found]
        return page((rows, total), args)


@blp.route("/loyalty-accounts")
class Accounts(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(AccountArgs, location="query")
    @blp.response(200, AccountPage)
    @requires(*READ)
    def get(self, args: dict) -> object:
        """Loyalty accounts (most points first unless sorted), each naming its customer."""
        session = db()
        filters = {k: v for k, v in args.items() if k not in ("limit", "offset")}
        found, total = purchase_lists.list_accounts(session, **filters, limit=args["limit"], offset=args["offset"])
        names = customer_names(session, {a.customer_id for a in found})
        rows = [{**{f: getattr(a, f) for f in ACCOUNT_FIELDS}, "customer_name": names.get(a.customer_id, "")}
                for a in found]
        return page((rows, total), args)
