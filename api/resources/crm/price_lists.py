"""Price lists (``crm.price_lists``): ``/price-lists`` (prices of catalogue products for a customer segment or
loyalty tier, valid for a while; kept by administrators and managers like the catalogue) and
``/opportunities/{id}/prices`` (the active catalogue at the prices the opportunity's customer is given today,
named in the customer's language, which the quote editor offers)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from api.context import db
from api.guard import BEARER, WORK, requires
from api.resources.crm.quotes import READ, ProductSchema, catalogue_keeper, company_today, readable_opportunity
from api.resources.crm.shared import act
from crm import price_lists, quotes
from crm.customers import get_customer

blp = Blueprint("crm_price_lists", __name__, url_prefix="/api/v1", description="Price lists")


class PriceItemSchema(Schema):
    product_id = fields.Integer(required=True)
    price = fields.Raw(required=True, metadata={"type": "integer", "description": "rials; any digits, or tomans"})


class PriceListIn(Schema):
    name = fields.String(required=True)
    segment = fields.String(allow_none=True, metadata={"description": "the customers whose segment is this"})
    tier = fields.String(allow_none=True, metadata={"description": "the customers of this loyalty tier"})
    valid_from = fields.String(allow_none=True, metadata={"description": "a day, Jalali or Gregorian"})
    valid_until = fields.String(allow_none=True, metadata={"description": "a day, Jalali or Gregorian"})
    active = fields.Boolean()
    items = fields.List(fields.Nested(PriceItemSchema), metadata={"description": "replaces them all"})


class PriceListChanges(PriceListIn):
    """A price list's fields to change (any of them)."""


class PriceItemShown(Schema):
    product_id = fields.Integer()
    price = fields.Integer(metadata={"description": "rials, before VAT"})


class PriceListSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    segment = fields.String(allow_none=True)
    tier = fields.String(allow_none=True)
    valid_from = fields.Date(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    active = fields.Boolean()
    items = fields.List(fields.Nested(PriceItemShown))
    updated_at = fields.DateTime()
    updated_by = fields.String(allow_none=True)


class CustomerPriceSchema(ProductSchema):
    list_price = fields.Integer(metadata={"description": "the catalogue's price"})
    description = fields.String(metadata={"description": "its name in the customer's language, for the quote line"})
    price_list_id = fields.Integer(allow_none=True, metadata={"description": "the list giving ``price``, if any"})


def _shown(session: Any, price_list: Any) -> dict[str, Any]:
    return {**{c.key: getattr(price_list, c.key) for c in price_list.__table__.columns},
            "items": price_lists.items_of(session, price_list.id)}


@blp.route("/price-lists")
class PriceLists(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, PriceListSchema(many=True))
    @requires(*READ)
    def get(self) -> object:
        """Every price list with its items: active ones first."""
        return [_shown(db(), p) for p in price_lists.list_price_lists(db())]

    @blp.doc(security=BEARER)
    @blp.arguments(PriceListIn)
    @blp.response(201, PriceListSchema)
    @blp.alt_response(403, description="Only administrators and managers")
    @blp.alt_response(409, description="A list of that name exists")
    @blp.alt_response(422, description="Invalid fields, each named")
    @requires(*WORK)
    def post(self, body: dict) -> object:
        """A new price list for a segment, a tier or every customer."""
        catalogue_keeper()

        return act(lambda ctx: _shown(ctx.session, price_lists.create_price_list(ctx, body)))


@blp.route("/price-lists/<int:price_list_id>")
class OnePriceList(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(PriceListChanges(partial=True))
    @blp.response(200, PriceListSchema)
    @blp.alt_response(403, description="Only administrators and managers")
    @blp.alt_response(404, description="No such list")
    @blp.alt_response(422, description="Invalid fields, each named")
    @requires(*WORK)
    def patch(self, body: dict, price_list_id: int) -> object:
        """Change a list (``items`` replaces them all); quotes already written keep their prices."""
        catalogue_keeper()

        return act(lambda ctx: _shown(ctx.session, price_lists.update_price_list(ctx, price_list_id, body)))


@blp.route("/opportunities/<int:opportunity_id>/prices")
class OpportunityPrices(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, CustomerPriceSchema(many=True))
    @requires(*READ)
    def get(self, opportunity_id: int) -> object:
        """The active catalogue at the prices the opportunity's customer is given today."""
        opportunity = readable_opportunity(opportunity_id)
        session = db()
        given = price_lists.prices_for(session, opportunity.customer_id, company_today())
        english = get_customer(session, opportunity.customer_id).locale == "en"
        shown = []
        for product in quotes.list_products(session):
            price, list_id = given.get(product.id, (product.price, None))
            shown.append({**{c.key: getattr(product, c.key) for c in product.__table__.columns},
                          "list_price": product.price, "price": price, "price_list_id": list_id,
                          "description": product.name_en if english else product.name_fa})
        return shown
