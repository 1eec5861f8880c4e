"""Sales targets and performance (``crm.targets``): ``GET|POST /targets`` (the targets within a period; set one
for a salesperson or a team: administrators and the ``managers`` group), ``DELETE /targets/{id}``, and
``GET /reports/targets``: each salesperson's and team's target beside what they won, the calls they made and
the complaints they resolved in a period of days (Jalali or Gregorian, the company's time zone)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from api.context import db, ravand
from api.guard import BEARER, WORK, current_principal, requires
from api.identity.models import User
from api.resources.crm.record_pages import Day
from api.resources.crm.shared import act
from crm import reports, targets
from crm.errors import InvalidRecord
from crm.teams import teams as all_teams

MANAGERS = "managers"
blp = Blueprint("crm_targets", __name__, url_prefix="/api/v1", description="Sales targets and performance")


class TargetSchema(Schema):
    id = fields.Integer()
    owner = fields.String(allow_none=True, metadata={"description": "the salesperson's user name"})
    team_key = fields.String(allow_none=True)
    first_day = fields.Date()
    last_day = fields.Date()
    amount = fields.Integer(metadata={"description": "rials"})


class TargetIn(Schema):
    owner = fields.String(allow_none=True, metadata={"description": "a salesperson's user name (or team)"})
    team = fields.String(allow_none=True, metadata={"description": "a team's key (or owner)"})
    first_day = fields.String(required=True, metadata={"description": "Jalali or Gregorian, any digits"})
    last_day = fields.String(required=True, metadata={"description": "Jalali or Gregorian, any digits"})
    amount = fields.Raw(required=True, metadata={"type": "integer", "description": "rials; any digits and "
                                                                                  "separators"})


class PeriodArgs(Schema):
    first_day = Day("the period's first day", data_key="from", required=True)
    last_day = Day("the period's last day, included", data_key="to", required=True)


class Figures(Schema):
    target = fields.Integer(allow_none=True, metadata={"description": "rials; none when no target is set"})
    won_amount = fields.Integer(metadata={"description": "rials of opportunities they own won in the period"})
    won_count = fields.Integer()
    percent = fields.Float(allow_none=True, metadata={"description": "won amount as a percent of the target"})
    calls = fields.Integer(metadata={"description": "call activities done in the period"})
    complaints_resolved = fields.Integer()


class PersonRow(Figures):
    username = fields.String()
    name = fields.String()
    team = fields.String(allow_none=True)


class TeamRow(Figures):
    team = fields.String()
    members = fields.Integer()


class TargetReport(Schema):
    people = fields.List(fields.Nested(PersonRow))
    teams = fields.List(fields.Nested(TeamRow))
    targets = fields.List(fields.Nested(TargetSchema))


def _sellers() -> list[targets.Person]:
    """The active employees who work sales (the ``sales`` group), or own opportunities."""
    rows = db().scalars(select(User).where(User.active.is_(True), User.role.in_(("employee", "admin")))
                        .order_by(User.username))
    return [targets.Person(u.username, u.display_name or u.username, u.team_key) for u in rows
            if "sales" in (u.groups or [])]


@blp.route("/targets")
class Targets(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(PeriodArgs, location="query")
    @blp.response(200, TargetSchema(many=True))
    @requires(*WORK)
    def get(self, args: dict) -> object:
        """The targets whose days lie within the period."""
        return targets.targets_within(db(), args["first_day"], args["last_day"])

    @blp.doc(security=BEARER)
    @blp.arguments(TargetIn)
    @blp.response(201, TargetSchema)
    @blp.alt_response(403, description="Only administrators and managers set targets")
    @requires(*WORK)
    def post(self, body: dict) -> object:
        """Set a salesperson's (``owner``) or a team's (``team``) target for a period; the same person or team
        and days again changes its amount."""
        principal = current_principal()
        if principal.role != "admin" and MANAGERS not in principal.groups:
            raise Forbidden("only administrators and managers set targets / فقط مدیران و مدیر سامانه هدف می‌گذارند")
        users = set(db().scalars(select(User.username).where(User.active.is_(True))))
        teams = {team.key for team in all_teams(db(), include_inactive=False)}
        return act(lambda ctx: targets.set_target(ctx, body, users=users, teams=teams))


@blp.route("/targets/<int:target_id>")
class OneTarget(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(204)
    @blp.alt_response(403, description="Only administrators and managers remove targets")
    @requires(*WORK)
    def delete(self, target_id: int) -> None:
        """Remove a target."""
        principal = current_principal()
        if principal.role != "admin" and MANAGERS not in principal.groups:
            raise Forbidden("only administrators and managers remove targets / فقط مدیران هدف را برمی‌دارند")
        act(lambda ctx: targets.remove_target(ctx, target_id))


@blp.route("/reports/targets")
class TargetPerformance(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(PeriodArgs, location="query")
    @blp.response(200, TargetReport)
    @requires(*WORK)
    def get(self, args: dict) -> object:
        """Each salesperson (the ``sales`` group) and team in the period: the target, what they won (amount,
        count, percent of the target), calls made and complaints resolved."""
        first, last = args["first_day"], args["last_day"]
        if last < first:
            raise InvalidRecord("the period ends before it starts", {"to": ["must not come before from"]})
        window = reports.days(first, last, ravand().settings.timezone)
        found: dict[str, Any] = targets.performance(db(), _sellers(), first, last, window["since"], window["until"])
        return {**found, "targets": targets.targets_within(db(), first, last)}
