"""Reports: the sales funnel, complaints and referrals, as JSON or CSV (``format=csv`` or Accept: text/csv)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.context import db
from api.guard import ANYONE, BEARER, requires
from api.resources.common import Instant, csv_download, wants_csv
from crm import reports
from crm.jalali import CALENDARS

blp = Blueprint("crm_reports", __name__, url_prefix="/api/v1/reports", description="Reports for managers")
CSV_DOC = {"description": "the report's table as CSV", "content_type": "text/csv", "schema": {"type": "string"},
           "success": True}


class ReportArgs(Schema):
    since = Instant(metadata={"description": "from this instant (inclusive); a date means its midnight UTC"})
    until = Instant(metadata={"description": "up to this instant (exclusive)"})
    calendar = fields.String(load_default="gregorian", validate=validate.OneOf(CALENDARS),
                             metadata={"description": "months as 2026-11 (gregorian) or 1405-09 (jalali)"})
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))


class FunnelArgs(ReportArgs):
    owner = fields.String(validate=validate.Length(1, 150), metadata={"description": "only this owner's"})


class ComplaintArgs(ReportArgs):
    table = fields.String(load_default="by_month", validate=validate.OneOf(["by_month", "per_employee"]),
                          metadata={"description": "which table the CSV holds"})


class StageSchema(Schema):
    stage = fields.String()
    count = fields.Integer(metadata={"description": "opportunities that reached this stage or a later one"})
    conversion_rate = fields.Float(allow_none=True, metadata={"description": "percent of the previous stage"})
    avg_days_in_stage = fields.Float(allow_none=True)
    amount = fields.Integer(metadata={"description": "rials resting in this stage now"})
    in_stage = fields.Integer(metadata={"description": "opportunities in this stage now"})


class FunnelSchema(Schema):
    stages = fields.List(fields.Nested(StageSchema))
    total = fields.Integer()
    forecast = fields.Integer(metadata={"description": "rials: Σ amount × stage probability, open opportunities"})
    open_amount = fields.Integer()


class EmployeeSchema(Schema):
    assignee = fields.String()
    handled = fields.Integer()
    closed = fields.Integer()
    avg_handling_hours = fields.Float(allow_none=True)
    satisfaction = fields.Float(allow_none=True)
    breaches = fields.Integer()


class ComplaintMonthSchema(Schema):
    month = fields.String()
    received = fields.Integer()
    closed = fields.Integer()
    breaches = fields.Integer()


class ComplaintReportSchema(Schema):
    open_by_tier = fields.Dict(keys=fields.String(), values=fields.Integer())
    received = fields.Integer()
    sla_breaches = fields.Integer(metadata={"description": "complaints that breached their SLA at least once"})
    breaches_total = fields.Integer()
    avg_handling_hours = fields.Float(allow_none=True)
    satisfaction = fields.Float(allow_none=True)
    per_employee = fields.List(fields.Nested(EmployeeSchema))
    by_month = fields.List(fields.Nested(ComplaintMonthSchema))


class ReferralMonthSchema(Schema):
    month = fields.String()
    referrals = fields.Integer()
    conversions = fields.Integer()


class ReferralReportSchema(Schema):
    referrals = fields.Integer()
    conversions = fields.Integer()
    conversion_rate = fields.Float(allow_none=True)
    rewards = fields.Integer()
    points = fields.Integer()
    by_month = fields.List(fields.Nested(ReferralMonthSchema))


def _answer(report: dict[str, Any], fmt: str, table: str, name: str, row: type[Schema]) -> Any:
    if wants_csv(fmt):
        return csv_download(reports.to_csv(report[table], list(row().fields)), name)
    return report


def _period(args: dict[str, Any]) -> dict[str, Any]:
    return {"since": args.get("since"), "until": args.get("until")}


@blp.route("/funnel")
class Funnel(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(FunnelArgs, location="query")
    @blp.response(200, FunnelSchema)
    @blp.alt_response(200, **CSV_DOC)
    @requires(*ANYONE)
    def get(self, args: dict) -> object:
        """The sales funnel of the opportunities created in the period: reach and conversion per stage,
        days in stage, amounts and the weighted forecast."""
        report = reports.funnel(db(), owner=args.get("owner"), **_period(args))
        return _answer(report, args["format"], "stages", "funnel", StageSchema)


@blp.route("/complaints")
class Complaints(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ComplaintArgs, location="query")
    @blp.response(200, ComplaintReportSchema)
    @blp.alt_response(200, **CSV_DOC)
    @requires(*ANYONE)
    def get(self, args: dict) -> object:
        """Complaints received in the period: open per tier, SLA breaches, handling time, satisfaction,
        per employee and per month."""
        report = reports.complaints(db(), calendar=args["calendar"], **_period(args))
        row = ComplaintMonthSchema if args["table"] == "by_month" else EmployeeSchema
        return _answer(report, args["format"], args["table"], f"complaints-{args['table']}", row)


@blp.route("/referrals")
class Referrals(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ReportArgs, location="query")
    @blp.response(200, ReferralReportSchema)
    @blp.alt_response(200, **CSV_DOC)
    @requires(*ANYONE)
    def get(self, args: dict) -> object:
        """Referrals made in the period, conversions, rewards given, per month."""
        report = reports.referrals(db(), calendar=args["calendar"], **_period(args))
        return _answer(report, args["format"], "by_month", "referrals", ReferralMonthSchema)
