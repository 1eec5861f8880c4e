"""Opportunities: the list, one opportunity with its stage history, plain corrections, and moving it
through the funnel (``POST /opportunities/{id}/stage``)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.context import db
from api.guard import BEARER, requires
from api.resources.common import ID, PageArgs, page, page_schema
from api.resources.crm.shared import READ, WRITE, Amount, act
from crm import opportunities
from crm.funnel import STAGES

blp = Blueprint("crm_opportunities", __name__, url_prefix="/api/v1/opportunities", description="Opportunities")


class OpportunitySchema(Schema):
    id = fields.Integer()
    customer_id = fields.Integer()
    lead_id = fields.Integer(allow_none=True)
    title = fields.String()
    stage = fields.String(metadata={"enum": list(STAGES)})
    amount = fields.Integer(metadata={"description": "rials"})
    probability = fields.Integer(metadata={"description": "percent"})
    expected_close = fields.Date(allow_none=True)
    owner = fields.String(allow_none=True)
    stage_entered_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)
    updated_at = fields.DateTime()
    updated_by = fields.String(allow_none=True)


class VisitSchema(Schema):
    stage = fields.String()
    entered_at = fields.DateTime()
    left_at = fields.DateTime(allow_none=True)


class OpportunityDetail(OpportunitySchema):
    visits = fields.List(fields.Nested(VisitSchema), metadata={"description": "every stay in a stage, oldest first"})


class OpportunityArgs(PageArgs):
    stage = fields.String(validate=validate.OneOf(STAGES))
    owner = fields.String(validate=validate.Length(1, 150))
    customer_id = fields.Integer(validate=validate.Range(1, ID))


class OpportunityPatch(Schema):
    title = fields.String(validate=validate.Length(1, 255))
    amount = Amount()
    expected_close = fields.Date(allow_none=True)
    owner = fields.String(allow_none=True, validate=validate.Length(max=150))


class StageIn(Schema):
    stage = fields.String(required=True, validate=validate.OneOf(STAGES))
    probability = fields.Integer(validate=validate.Range(0, 100),
                                 metadata={"description": "percent; the stage's default when left out"})


OpportunityPage = page_schema(OpportunitySchema, "OpportunityPage")
OPPORTUNITY_FIELDS = tuple(OpportunitySchema().fields)


def _detail(opportunity: object, visits: list) -> dict:
    return {**{name: getattr(opportunity, name) for name in OPPORTUNITY_FIELDS}, "visits": visits}


@blp.route("")
class Opportunities(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(OpportunityArgs, location="query")
    @blp.response(200, OpportunityPage)
    @requires(*READ)
    def get(self, args: dict) -> object:
        """Opportunities, newest first."""
        return page(opportunities.list_opportunities(
            db(), stage=args.get("stage"), owner=args.get("owner"), customer_id=args.get("customer_id"),
            limit=args["limit"], offset=args["offset"]), args)


@blp.route("/<int:opportunity_id>")
class Opportunity(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, OpportunityDetail)
    @requires(*READ)
    def get(self, opportunity_id: int) -> object:
        """One opportunity with its stays in each stage."""
        session = db()
        opportunity = opportunities.get_opportunity(session, opportunity_id)
        return _detail(opportunity, opportunities.stage_visits(session, opportunity_id))

    @blp.doc(security=BEARER)
    @blp.arguments(OpportunityPatch)
    @blp.response(200, OpportunitySchema)
    @blp.alt_response(409, description="The opportunity is won or lost and no longer changes")
    @requires(*WRITE)
    def patch(self, body: dict, opportunity_id: int) -> object:
        """Correct the title, amount, expected close or owner of an open opportunity."""
        return act(lambda ctx: opportunities.update_opportunity(ctx, opportunity_id, body))


@blp.route("/<int:opportunity_id>/stage")
class Stage(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(StageIn)
    @blp.response(200, OpportunitySchema)
    @blp.alt_response(409, description="The opportunity is won or lost: it stays there")
    @requires(*WRITE)
    def post(self, body: dict, opportunity_id: int) -> object:
        """Move the opportunity to another stage of the funnel (``won`` and ``lost`` close it)."""
        return act(lambda ctx: opportunities.move_stage(ctx, opportunity_id, body["stage"],
                                                        probability=body.get("probability")))
