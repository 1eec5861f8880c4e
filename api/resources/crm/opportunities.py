"""Opportunities: the list, opening one for an existing customer (new sale, upsell, renewal), one opportunity
with its stage history, plain corrections, and moving it through the funnel (``POST /opportunities/{id}/stage``:
won names the contract or purchase it became, lost a reason from the ``loss_reason`` list). Only the owner, a
member of the ``managers`` group or an administrator may change someone's opportunity. The stages and their
chances are the pipeline's stages (``crm.pipeline``, set by an administrator)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import Forbidden

from api.context import db, ravand
from api.form_lists import viewer_locale
from api.guard import BEARER, current_principal, requires
from api.record_access import editable, readable
from api.resources.common import ID, PageArgs, page, page_schema
from api.resources.crm.listtools import sort_arg
from api.resources.crm.record_pages import PeriodArgs, period
from api.resources.crm.shared import READ, WRITE, Amount, act
from crm import opportunities, pipeline, reports
from crm.funnel import STAGES, Funnel, funnel_of
from crm.unit import Ctx

MANAGERS = "managers"  # the group whose members may change any opportunity

blp = Blueprint("crm_opportunities", __name__, url_prefix="/api/v1/opportunities", description="Opportunities")


class OpportunitySchema(Schema):
    id = fields.Integer()
    customer_id = fields.Integer()
    lead_id = fields.Integer(allow_none=True)
    title = fields.String()
    stage = fields.String(metadata={"description": "a stage of the pipeline (GET /pipeline/stages), won or lost",
                                    "example": STAGES[1]})
    kind = fields.String(metadata={"enum": list(opportunities.KINDS)})
    loss_reason = fields.String(allow_none=True, metadata={"description": "a key of the loss_reason list"})
    loss_comment = fields.String(allow_none=True)
    contract_id = fields.Integer(allow_none=True)
    purchase_id = fields.Integer(allow_none=True)
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
    customer_name = fields.String(allow_none=True,
                                  metadata={"description": "the company's name, else the person's (lists, one)"})


class VisitSchema(Schema):
    stage = fields.String()
    entered_at = fields.DateTime()
    left_at = fields.DateTime(allow_none=True)


class OpportunityDetail(OpportunitySchema):
    visits = fields.List(fields.Nested(VisitSchema), metadata={"description": "every stay in a stage, oldest first"})


class OpportunityArgs(PageArgs, PeriodArgs):
    stage = fields.String(validate=validate.Length(1, 20))
    kind = fields.String(validate=validate.OneOf(opportunities.KINDS))
    owner = fields.String(validate=validate.Length(1, 150))
    customer_id = fields.Integer(validate=validate.Range(1, ID))
    q = fields.String(validate=validate.Length(max=200),
                      metadata={"description": "words of the title or the customer's name"})
    reached = fields.String(validate=validate.Length(1, 20), metadata={
        "description": "that reached this stage of the funnel or a later one (lost: that were lost), as the "
                       "dashboards' funnel counts them"})
    sort = sort_arg("opportunities")


OPPORTUNITY_FILTERS = ("stage", "owner", "customer_id", "kind", "q")


def opportunity_filters(args: dict[str, Any]) -> dict[str, Any]:
    """The list's arguments as ``opportunities.opportunity_query`` takes them (the list and its export share
    this): the period's days as moments in the company's time zone, ``reached`` as its condition."""
    found = {**{k: args.get(k) for k in OPPORTUNITY_FILTERS}, **period(args)}
    if args.get("reached"):
        found["reached"] = reports.reached(args["reached"], _funnel())
    return found


class StageOut(Schema):
    stage = fields.String()
    probability = fields.Integer(metadata={"description": "percent: the stage's chance (won 100, lost 0)"})
    open = fields.Boolean()
    label = fields.String(metadata={"description": "the stage's label in the caller's language"})


DAY = {"description": "Jalali (1405-11-15, ۱۴۰۵/۱۱/۱۵) or Gregorian (2027-02-04); not in the past"}


class OpportunityPatch(Schema):
    title = fields.String(validate=validate.Length(1, 255))
    amount = Amount()
    expected_close = fields.String(allow_none=True, validate=validate.Length(max=20), metadata=DAY)
    owner = fields.String(allow_none=True, validate=validate.Length(max=150))


class OpportunityIn(Schema):
    customer_id = fields.Integer(required=True, validate=validate.Range(1, ID))
    kind = fields.String(load_default="new", validate=validate.OneOf(opportunities.KINDS))
    title = fields.String(required=True, validate=validate.Length(1, 255))
    amount = Amount(required=True)
    stage = fields.String(validate=validate.Length(1, 20), metadata={"description": "an open stage; the first"})
    probability = fields.Integer(validate=validate.Range(0, 100))
    expected_close = fields.String(allow_none=True, validate=validate.Length(max=20), metadata=DAY)
    owner = fields.String(allow_none=True, validate=validate.Length(max=150),
                          metadata={"description": "whoever opens it, unless named"})


class StageIn(Schema):
    stage = fields.String(required=True, validate=validate.Length(1, 20))
    probability = fields.Integer(validate=validate.Range(0, 100),
                                 metadata={"description": "percent; the stage's default when left out"})
    reason = fields.String(validate=validate.Length(1, 120),
                           metadata={"description": "lost: a loss_reason key or label (required)"})
    comment = fields.String(allow_none=True, validate=validate.Length(max=2000))
    contract_id = fields.Integer(validate=validate.Range(1, ID), metadata={"description": "won: the contract"})
    purchase_id = fields.Integer(validate=validate.Range(1, ID), metadata={"description": "won: the purchase"})


OpportunityPage = page_schema(OpportunitySchema, "OpportunityPage")
OPPORTUNITY_FIELDS = tuple(name for name in OpportunitySchema().fields if name != "customer_name")


def _funnel() -> Funnel:
    """The pipeline's active stages (``crm.pipeline``, set by an administrator); the ``funnel_stages`` setting's
    funnel while none is stored."""
    return pipeline.funnel(db(), funnel_of(ravand().settings.funnel_stages))


def _today() -> Any:
    return datetime.now(ZoneInfo(ravand().settings.timezone)).date()


def _guarded(opportunity_id: int, change: Callable[[Ctx], Any]) -> Any:
    """Run ``change`` if the signed-in user may change this opportunity (owner, manager, admin): 403 otherwise."""
    principal = current_principal()

    def run(ctx: Ctx) -> Any:
        opportunity = opportunities.get_opportunity(ctx.session, opportunity_id, lock=True)
        if not opportunities.may_change(opportunity, principal.username, manager=MANAGERS in principal.groups,
                                        admin=principal.role == "admin"):
            raise Forbidden(f"opportunity {opportunity_id} is {opportunity.owner}'s: only they, a manager or an "
                            f"administrator may change it / این فرصت از آنِ {opportunity.owner} است")
        return change(ctx)

    return act(run)


def _detail(opportunity: object, visits: list) -> dict:
    return {**{name: getattr(opportunity, name) for name in OPPORTUNITY_FIELDS}, "visits": visits}


@blp.route("")
class Opportunities(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(OpportunityArgs, location="query")
    @blp.response(200, OpportunityPage)
    @requires(*READ)
    def get(self, args: dict) -> object:
        """Opportunities, newest first; ``created_from``/``created_to`` and ``reached`` give the records behind a
        bar of the dashboards' funnel."""
        session = db()
        items, total = opportunities.list_opportunities(
            session, **opportunity_filters(args), sort=args.get("sort"), limit=args["limit"], offset=args["offset"])
        names = opportunities.customer_names(session, {item.customer_id for item in items})
        rows = [{**_detail(item, []), "customer_name": names.get(item.customer_id)} for item in items]
        return page((rows, total), args)

    @blp.doc(security=BEARER)
    @blp.arguments(OpportunityIn)
    @blp.response(201, OpportunitySchema)
    @blp.alt_response(404, description="No such customer, or one the caller may not see")
    @requires(*WRITE)
    def post(self, body: dict) -> object:
        """Open an opportunity for an existing customer without a lead: a new sale, an upsell or a renewal."""
        readable("customer", body["customer_id"])  # record access: a customer one may see, else 404
        funnel, today = _funnel(), _today()
        return act(lambda ctx: opportunities.create_opportunity(ctx, body, today=today, funnel=funnel))


@blp.route("/stages")
class Stages(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, StageOut(many=True))
    @requires(*READ)
    def get(self) -> object:
        """The pipeline's active stages in order with their chances, then won and lost (``/pipeline/stages``
        lists them all for administrators)."""
        funnel, locale = _funnel(), viewer_locale(current_principal().locale)
        labels = {s.key: s.label_en if locale == "en" else s.label_fa for s in pipeline.stages(db())}
        return [{"stage": s, "probability": funnel.probability(s), "open": s in funnel.open_stages,
                 "label": labels.get(s, s)} for s in funnel.stages]


@blp.route("/<int:opportunity_id>")
class Opportunity(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, OpportunityDetail)
    @requires(*READ)
    def get(self, opportunity_id: int) -> object:
        """One opportunity with its stays in each stage."""
        session = db()
        opportunity = opportunities.get_opportunity(session, opportunity_id)
        name = opportunities.customer_names(session, {opportunity.customer_id}).get(opportunity.customer_id)
        return {**_detail(opportunity, opportunities.stage_visits(session, opportunity_id)), "customer_name": name}

    @blp.doc(security=BEARER)
    @blp.arguments(OpportunityPatch)
    @blp.response(200, OpportunitySchema)
    @blp.alt_response(409, description="The opportunity is won or lost and no longer changes")
    @requires(*WRITE)
    def patch(self, body: dict, opportunity_id: int) -> object:
        """Correct the title, amount, expected close or owner of an open opportunity (its owner, a manager or an
        administrator)."""
        editable("opportunity", opportunity_id)  # record access: 404 unless readable, 403 unless editable
        today = _today()
        return _guarded(opportunity_id, lambda ctx: opportunities.update_opportunity(ctx, opportunity_id, body,
                                                                                     today=today))


@blp.route("/<int:opportunity_id>/stage")
class Stage(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(StageIn)
    @blp.response(200, OpportunitySchema)
    @blp.alt_response(403, description="Someone else's opportunity, and the caller is no manager or administrator")
    @blp.alt_response(409, description="The opportunity is won or lost: it stays there")
    @requires(*WRITE)
    def post(self, body: dict, opportunity_id: int) -> object:
        """Move the opportunity to another stage of the funnel (``won`` and ``lost`` close it). Won makes the
        customer actual and may name the ``contract_id`` or ``purchase_id`` it became; lost needs a ``reason``
        (a loss_reason key or label) and takes a ``comment``."""
        editable("opportunity", opportunity_id)  # record access: 404 unless readable, 403 unless editable
        funnel = _funnel()
        details = {k: body[k] for k in ("reason", "comment", "contract_id", "purchase_id") if k in body}
        return _guarded(opportunity_id, lambda ctx: opportunities.move_stage(
            ctx, opportunity_id, body["stage"], probability=body.get("probability"), details=details, funnel=funnel))
