"""Reports: the sales funnel, the funnel from the lead, why leads and deals are lost, complaints and referrals,
as JSON or CSV (``format=csv`` or Accept: text/csv)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from werkzeug.exceptions import Forbidden

from api.context import db, ravand
from api.form_lists import viewer_locale
from api.guard import ANYONE, BEARER, current_principal, requires
from api.resources.common import Instant, csv_download, wants_csv
from api.resources.crm.record_pages import Day
from crm import funnel as sales_funnel
from crm import lead_reports, pipeline, reports
from crm.jalali import CALENDARS
from crm.text import LOCALES

blp = Blueprint("crm_reports", __name__, url_prefix="/api/v1/reports", description="Reports for managers")
CSV_DOC = {"description": "the report's table as CSV", "content_type": "text/csv", "schema": {"type": "string"},
           "success": True}


class DayArgs(Schema):
    """A period as whole days in the company's time zone (the ``timezone`` setting): what the dashboards' period
    filter sends (a Jalali month, quarter or fiscal year is days from Tehran's midnight to Tehran's midnight)."""

    first_day = Day("the period's first day (from its midnight in the company's time zone)", data_key="from")
    last_day = Day("the period's last day, included (up to the next midnight there)", data_key="to")

    @validates_schema
    def _one_way(self, data: dict[str, Any], **_: Any) -> None:
        if ({"first_day", "last_day"} & data.keys()) and ({"since", "until"} & data.keys()):
            raise ValidationError("give the period as from/to (days) or since/until (instants), not both / "
                                  "بازه را یا با روز (from/to) بدهید یا با لحظه (since/until)، نه هر دو", "from")


class ReportArgs(DayArgs):
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
    handled = fields.Integer(metadata={"description": "complaints the employee worked on"})
    resolved = fields.Integer()
    closed = fields.Integer(metadata={"description": "of those resolved, closed since"})
    avg_handling_hours = fields.Float(allow_none=True, metadata={"description": "working hours per step"})
    satisfaction = fields.Float(allow_none=True)
    breaches = fields.Integer(metadata={"description": "deadlines that passed while the employee held the task"})


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


def _zone() -> str:
    return ravand().settings.timezone


def _period(args: dict[str, Any]) -> dict[str, Any]:
    """``since``/``until`` as given, or the days ``from``/``to`` as the instants they start and end at."""
    if "first_day" in args or "last_day" in args:
        return reports.days(args.get("first_day"), args.get("last_day"), _zone())
    return {"since": args.get("since"), "until": args.get("until")}


def _funnel() -> sales_funnel.Funnel:
    """The pipeline's active stages as an administrator set them (``crm.pipeline``), the ``funnel_stages``
    setting's while none is stored."""
    return pipeline.funnel(db(), sales_funnel.funnel_of(ravand().settings.funnel_stages))


@blp.route("/funnel")
class Funnel(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(FunnelArgs, location="query")
    @blp.response(200, FunnelSchema)
    @blp.alt_response(200, **CSV_DOC)
    @requires(*ANYONE)
    def get(self, args: dict) -> object:
        """The sales funnel of the opportunities created in the period: reach and conversion per stage (the
        pipeline's stages), days in stage, amounts and the weighted forecast."""
        stages = _funnel()
        report = reports.funnel(db(), owner=args.get("owner"), stages=stages, **_period(args))
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
        report = reports.complaints(db(), calendar=args["calendar"], zone=_zone(), **_period(args))
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
        report = reports.referrals(db(), calendar=args["calendar"], zone=_zone(), **_period(args))
        return _answer(report, args["format"], "by_month", "referrals", ReferralMonthSchema)


# -- from the lead: the lead funnel, and why leads and deals are lost -----------------------------

MANAGERS = "managers"  # the group whose members (and administrators) read why leads and deals are lost


class LeadReportArgs(DayArgs):
    since = Instant(metadata={"description": "from this instant (inclusive); a date means its midnight UTC"})
    until = Instant(metadata={"description": "up to this instant (exclusive)"})
    locale = fields.String(validate=validate.OneOf(LOCALES), metadata={"description": "of labels; default: yours"})
    calendar = fields.String(validate=validate.OneOf(CALENDARS), metadata={
        "description": "months as 2026-11 (gregorian) or 1405-09 (jalali); default: jalali in Persian"})
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))


class LeadFunnelArgs(LeadReportArgs):
    group_by = fields.String(validate=validate.OneOf(lead_reports.GROUPS),
                             metadata={"description": "also the funnel per sales group, owner, source or product"})
    table = fields.String(load_default="steps", validate=validate.OneOf(["steps", "by_month", "groups"]),
                          metadata={"description": "which table the CSV holds"})


class LostReasonArgs(LeadReportArgs):
    table = fields.String(load_default="reasons", validate=validate.OneOf(["reasons", "by_month"]),
                          metadata={"description": "which table the CSV holds"})


COUNTS = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
    "description": "leads, qualified, each stage of the funnel, won; and disqualified, nurture, open, lost"})


class LeadStepSchema(Schema):
    step = fields.String(metadata={"description": "leads, qualified, a stage of the funnel (funnel_stages), won"})
    count = fields.Integer(metadata={"description": "a stage: leads whose opportunity reached it or a later one"})
    conversion_rate = fields.Float(allow_none=True, metadata={"description": "percent of the previous step"})
    from_leads = fields.Float(allow_none=True, metadata={"description": "percent of the leads"})
    chance = fields.Integer(allow_none=True, metadata={"description": "the stage's chance of winning, percent"})


class LeadFiguresSchema(Schema):
    counts = COUNTS
    qualification_rate = fields.Float(allow_none=True)
    win_rate = fields.Float(allow_none=True)


class LeadMonthSchema(LeadFiguresSchema):
    month = fields.String()


class LeadGroupSchema(LeadFiguresSchema):
    group = fields.String(allow_none=True, metadata={"description": "the key (none: not known)"})
    label = fields.String(metadata={"description": "in the caller's language"})


class LeadFunnelSchema(Schema):
    steps = fields.List(fields.Nested(LeadStepSchema))
    counts = COUNTS
    qualification_rate = fields.Float(allow_none=True, metadata={"description": "percent of the leads qualified"})
    win_rate = fields.Float(allow_none=True, metadata={"description": "percent of the leads won"})
    group_by = fields.String(allow_none=True)
    by_month = fields.List(fields.Nested(LeadMonthSchema), metadata={"description": "by the month the leads came"})
    groups = fields.List(fields.Nested(LeadGroupSchema))


class ReasonSchema(Schema):
    kind = fields.String(metadata={"enum": ["disqualified", "lost"]})
    reason = fields.String(allow_none=True, metadata={"description": "a disqualify_reason or loss_reason key"})
    label = fields.String()
    count = fields.Integer()
    share = fields.Float(allow_none=True, metadata={"description": "percent of its kind"})
    amount = fields.Integer(metadata={"description": "rials: the leads' estimated revenue, the deals' amounts"})


class ReasonsSchema(Schema):
    total = fields.Integer()
    amount = fields.Integer()
    reasons = fields.List(fields.Nested(ReasonSchema))


class ReasonMonthSchema(Schema):
    month = fields.String()
    kind = fields.String()
    reason = fields.String(allow_none=True)
    label = fields.String()
    count = fields.Integer()


class LostReasonsSchema(Schema):
    disqualified = fields.Nested(ReasonsSchema, metadata={"description": "leads disqualified in the period"})
    lost = fields.Nested(ReasonsSchema, metadata={"description": "opportunities lost in the period"})
    by_month = fields.List(fields.Nested(ReasonMonthSchema))


def _reader(args: dict[str, Any]) -> dict[str, Any]:
    """The period, the labels' language (the caller's unless asked) and the months' calendar (Jalali in Persian
    unless asked)."""
    locale = args.get("locale") or viewer_locale(current_principal().locale)
    return {**_period(args), "locale": locale,
            "calendar": args.get("calendar") or ("jalali" if locale == "fa" else "gregorian")}


@blp.route("/lead-funnel")
class LeadFunnel(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(LeadFunnelArgs, location="query")
    @blp.response(200, LeadFunnelSchema)
    @blp.alt_response(200, **CSV_DOC)
    @requires(*ANYONE)
    def get(self, args: dict) -> object:
        """The funnel from the lead, for the leads that came in during the period: leads → qualified → each
        stage of the funnel (the funnel_stages setting) → won, with conversion between steps, per month, and
        per sales group, owner, source or product (``group_by``)."""
        funnel = _funnel()
        report = lead_reports.lead_funnel(db(), funnel=funnel, group_by=args.get("group_by"), **_reader(args))
        if wants_csv(args["format"]):
            rows, columns = lead_reports.lead_funnel_table(report, args["table"])
            return csv_download(reports.to_csv(rows, columns), f"lead-funnel-{args['table']}")
        return report


@blp.route("/lost-reasons")
class LostReasons(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(LostReasonArgs, location="query")
    @blp.response(200, LostReasonsSchema)
    @blp.alt_response(200, **CSV_DOC)
    @blp.alt_response(403, description="Only administrators and members of the managers group")
    @requires(*ANYONE)
    def get(self, args: dict) -> object:
        """Why leads were disqualified and deals lost in the period: counts per disqualify_reason and loss_reason
        with their labels, shares and amounts, and per month (sales managers and administrators)."""
        principal = current_principal()
        if principal.role != "admin" and MANAGERS not in principal.groups:
            raise Forbidden("only sales managers (the managers group) and administrators read this report / "
                            "این گزارش فقط برای مدیران فروش و مدیر سامانه است")
        report = lead_reports.lost_reasons(db(), **_reader(args))
        if wants_csv(args["format"]):
            rows, columns = lead_reports.lost_reasons_table(report, args["table"])
            return csv_download(reports.to_csv(rows, columns), f"lost-reasons-{args['table']}")
        return report
