"""Activities on records (``crm.activities``): ``GET|POST /records/{type}/{id}/activities`` (whoever may read the
record reads and logs them), ``PATCH /activities/{id}`` (its owner, whoever logged it, a manager or an
administrator: mark it done, move its due time, correct it), and ``GET /activities/day``: one person's (or their
team's) day: activities overdue, due that day and done that day, and their open tasks due by the day's end."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import Forbidden

from api import names as naming
from api.context import db, ravand
from api.guard import BEARER, WORK, current_principal, requires
from api.identity.models import User
from api.identity.service import Principal
from api.resources.common import PageArgs, page, page_schema
from api.resources.crm.record_pages import Day
from api.resources.crm.records import reachable_record, visible
from api.resources.crm.shared import act
from api.staff_notices import tell_mentioned_on_record
from crm import activities
from crm.clock import utcnow
from crm.errors import InvalidRecord, RecordNotFound
from crm.models import Activity
from crm.record_cards import url_of
from crm.record_labels import record_label
from crm.unit import Ctx
from engine.store.models import OPEN_STATES, HumanTask
from processes.records import record_of

MANAGERS = "managers"
blp = Blueprint("crm_activities", __name__, url_prefix="/api/v1", description="Activities on records")


class ActivitySchema(Schema):
    id = fields.Integer()
    record_type = fields.String(metadata={"enum": list(activities.RECORD_TYPES)})
    record_id = fields.Integer()
    kind = fields.String(metadata={"enum": list(activities.KINDS)})
    subject = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    direction = fields.String(allow_none=True, metadata={"enum": list(activities.DIRECTIONS)})
    outcome = fields.String(allow_none=True, metadata={"enum": list(activities.OUTCOMES)})
    duration_minutes = fields.Integer(allow_none=True)
    attendees = fields.List(fields.String(), allow_none=True)
    place = fields.String(allow_none=True)
    owner = fields.String()
    due_at = fields.DateTime(allow_none=True)
    remind_at = fields.DateTime(allow_none=True)
    done_at = fields.DateTime(allow_none=True)
    overdue = fields.Boolean(metadata={"description": "open and past its due time"})
    source = fields.String(allow_none=True, metadata={"description": "what recorded it: lead_call, or none"})
    source_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)
    record = fields.Dict(metadata={"description": "the record it is about: {type, id, title, url} (the day)"})


class ActivityIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(activities.KINDS))
    subject = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    direction = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    duration_minutes = fields.Raw(allow_none=True, metadata={"type": "integer", "description": "any digits"})
    attendees = fields.Raw(allow_none=True, metadata={"description": "names: a list, or text separated by commas"})
    place = fields.String(allow_none=True)
    owner = fields.String(allow_none=True, metadata={"description": "a colleague's user name (the logger's own "
                                                                    "unless given)"})
    due_at = fields.String(allow_none=True, metadata={"format": "date-time", "description": "with its offset"})
    remind_at = fields.String(allow_none=True, metadata={"format": "date-time", "description": "with its offset"})
    done = fields.Boolean(allow_none=True, metadata={"description": "done already (calls, meetings and notes "
                                                                    "without a future due time are)"})


class ActivityPatch(ActivityIn):
    kind = fields.String(dump_only=True)


class DayArgs(Schema):
    day = Day("the day (today unless given)")
    scope = fields.String(load_default="mine", validate=validate.OneOf(("mine", "team")), metadata={
        "description": "mine, or team: everyone in the caller's team (crm.teams)"})


class PeriodArgs(Schema):
    start = Day("the first day", required=True)
    end = Day("the last day (at most 62 days after the first)", required=True)
    scope = fields.String(load_default="mine", validate=validate.OneOf(("mine", "team")), metadata={
        "description": "mine, or team: everyone in the caller's team (crm.teams)"})


class DayTaskSchema(Schema):
    id = fields.String()
    name = fields.String()
    process_name = fields.String()
    assignee = fields.String(allow_none=True)
    due = fields.DateTime(allow_none=True)
    overdue = fields.Boolean()


class DaySchema(Schema):
    day = fields.Date()
    owners = fields.List(fields.String())
    overdue = fields.List(fields.Nested(ActivitySchema))
    due = fields.List(fields.Nested(ActivitySchema))
    done = fields.List(fields.Nested(ActivitySchema))
    tasks = fields.List(fields.Nested(DayTaskSchema), metadata={"description": "open tasks assigned to them, due "
                                                                               "by the day's end"})


class PeriodSchema(Schema):
    start = fields.Date()
    end = fields.Date()
    owners = fields.List(fields.String())
    activities = fields.List(fields.Nested(ActivitySchema), metadata={"description": "due in the period (or, "
                                                                                   "with no due time, done then)"})
    tasks = fields.List(fields.Nested(DayTaskSchema), metadata={"description": "open tasks assigned to them, due "
                                                                               "in the period"})


ActivityPage = page_schema(ActivitySchema, "ActivityPage")
MAX_DAYS = 62


SHOWN = ("id", "record_type", "record_id", "kind", "subject", "notes", "direction", "outcome", "duration_minutes",
         "attendees", "place", "owner", "due_at", "remind_at", "done_at", "source", "source_id", "created_at",
         "created_by")


def _shown(item: Activity, now: datetime) -> dict[str, Any]:
    return {**{name: getattr(item, name) for name in SHOWN}, "overdue": activities.is_overdue(item, now)}


def _check_owner(session: Session, body: dict[str, Any]) -> None:
    owner = body.get("owner")
    if owner and session.scalar(select(User.id).where(User.username == owner, User.active.is_(True))) is None:
        raise InvalidRecord("the activity is not valid", {"owner": ["no active user by this name"]})


@blp.route("/records/<string:record_type>/<int:record_id>/activities")
class RecordActivities(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, ActivityPage)
    @blp.alt_response(403, description="The caller's role does not read records of this type")
    @blp.alt_response(404, description="No such record (type or id), said in the caller's language")
    @requires(*WORK)
    def get(self, args: dict, record_type: str, record_id: int) -> object:
        """The record's activities: the open ones first (soonest due first), then the rest, newest first."""
        session, _, record_type, _record_row = reachable_record(record_type, record_id)
        found, total = activities.activities_of(session, record_type, record_id, limit=args["limit"],
                                                offset=args["offset"])
        now = utcnow()
        return page(([_shown(item, now) for item in found], total), args)

    @blp.doc(security=BEARER)
    @blp.arguments(ActivityIn)
    @blp.response(201, ActivitySchema)
    @blp.alt_response(403, description="The caller's role does not read records of this type")
    @blp.alt_response(404, description="No such record (type or id), said in the caller's language")
    @requires(*WORK)
    def post(self, body: dict, record_type: str, record_id: int) -> object:
        """Log a call, meeting, note or to-do on the record (the owner is the caller unless they name a
        colleague). A to-do needs its due time; a reminder, if any, comes before it. Colleagues its subject or
        notes mention (``@sara``) who may read the record are told (``mentioned_record``)."""
        session, _, record_type, _record_row = reachable_record(record_type, record_id)
        if record_type not in activities.RECORD_TYPES:
            raise InvalidRecord("activities belong to a customer, lead, opportunity, complaint or contract",
                                {"record_type": [f"must be one of: {', '.join(activities.RECORD_TYPES)}"]})
        _check_owner(session, body)
        engine = ravand().engine

        def log(ctx: Ctx) -> Activity:
            made = activities.log_activity(ctx, record_type, record_id, body)
            text = "\n".join(part for part in (made.subject, made.notes) if part)
            tell_mentioned_on_record(engine, ctx.session, record_type, record_id, text, ctx.actor or "")
            return made

        return _shown(act(log), utcnow())


@blp.route("/activities/<int:activity_id>")
class OneActivity(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ActivityPatch)
    @blp.response(200, ActivitySchema)
    @blp.alt_response(403, description="Someone else's activity, and the caller is no manager or administrator")
    @blp.alt_response(404, description="No such activity, or its record is out of the caller's sight")
    @requires(*WORK)
    def patch(self, body: dict, activity_id: int) -> object:
        """Mark done (``done``: true, or false to open it again), move its due time or reminder, or correct
        it: its owner, whoever logged it, a manager or an administrator."""
        principal = current_principal()
        _readable(db(), principal, activity_id)
        _check_owner(db(), body)

        def run(ctx: Ctx) -> Activity:
            item = activities.get_activity(ctx.session, activity_id, lock=True)
            if not activities.may_change(item, principal.username, manager=MANAGERS in principal.groups,
                                         admin=principal.role == "admin"):
                raise Forbidden(f"activity {activity_id} is {item.owner}'s: only they, whoever logged it, a "
                                f"manager or an administrator may change it / این کار از آنِ {item.owner} است")
            return activities.change_activity(ctx, item, body)

        return _shown(act(run), utcnow())


def _readable(session: Session, principal: Principal, activity_id: int) -> Activity:
    item = activities.get_activity(session, activity_id)
    if not visible(session, principal)(item.record_type, str(item.record_id)):
        raise RecordNotFound(f"no activity {activity_id}")
    return item


def _team(session: Session, principal: Principal) -> list[str]:
    mine = session.scalar(select(User.team_key).where(User.username == principal.username))
    if not mine:
        return [principal.username]
    return list(session.scalars(select(User.username).where(User.team_key == mine, User.active.is_(True))
                                .order_by(User.username)))


def _titled(session: Session, items: list[Activity], principal: Principal, now: datetime) -> list[dict[str, Any]]:
    """The activities with the record each is about (its title, as tasks name it, and page), those out of the
    reader's sight left out."""
    shown, refs = [], {}
    sight = visible(session, principal)
    for item in items:
        key = (item.record_type, str(item.record_id))
        if key not in refs:
            ref = record_of(session, *key) if sight(*key) else None
            refs[key] = ref and {"type": ref.type, "id": item.record_id, "title": ref.title,
                                 "url": url_of(ref.type, item.record_id), "label": record_label(ref.type)}
        if refs[key]:
            shown.append({**_shown(item, now), "record": refs[key]})
    return shown


def _tasks(session: Session, owners: list[str], end: datetime, now: datetime,
           start: datetime | None = None) -> list[dict[str, Any]]:
    after = [HumanTask.due_at >= start] if start is not None else []
    rows = session.scalars(select(HumanTask).where(HumanTask.assignee.in_(owners), HumanTask.state.in_(OPEN_STATES),
                                                   HumanTask.due_at < end, *after)
                           .order_by(HumanTask.due_at, HumanTask.id).limit(200)).all()
    items = [{"id": t.id, "name": t.name, "element_id": t.element_id, "process_key": t.process_key,
              "assignee": t.assignee, "due": t.due_at, "overdue": t.due_at is not None and t.due_at < now}
             for t in rows]
    return naming.tasks(session, items)


@blp.route("/activities/day")
class MyDay(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(DayArgs, location="query")
    @blp.response(200, DaySchema)
    @requires(*WORK)
    def get(self, args: dict) -> object:
        """One day (today unless ``day`` says; Jalali or Gregorian) of the caller's, or their team's, activities
        and tasks: open activities past due, those due that day, those done that day, and open tasks assigned
        to them due by the day's end. Days are the company's (``timezone`` setting)."""
        principal, session = current_principal(), db()
        zone = ZoneInfo(ravand().settings.timezone)
        now = utcnow()
        day = args.get("day") or now.astimezone(zone).date()
        start = datetime.combine(day, time(), zone)
        end = datetime.combine(day + timedelta(days=1), time(), zone)
        owners = _team(session, principal) if args["scope"] == "team" else [principal.username]
        found = activities.day_of(session, owners, start, end)
        lists = {name: _titled(session, getattr(found, name), principal, now) for name in ("overdue", "due", "done")}
        return {"day": day, "owners": owners, **lists, "tasks": _tasks(session, owners, end, now)}


@blp.route("/activities/calendar")
class Calendar(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(PeriodArgs, location="query")
    @blp.response(200, PeriodSchema)
    @requires(*WORK)
    def get(self, args: dict) -> object:
        """The caller's (or their team's) activities and open tasks due from ``start`` to ``end`` (days of the
        company's time zone, Jalali or Gregorian, at most 62 days): what a calendar's month, week or day shows."""
        principal, session = current_principal(), db()
        if args["end"] < args["start"] or (args["end"] - args["start"]).days > MAX_DAYS:
            raise InvalidRecord("the period is not valid", {"end": [
                f"must be on or after the first day and at most {MAX_DAYS} days after it"]})
        zone = ZoneInfo(ravand().settings.timezone)
        start = datetime.combine(args["start"], time(), zone)
        end = datetime.combine(args["end"] + timedelta(days=1), time(), zone)
        owners = _team(session, principal) if args["scope"] == "team" else [principal.username]
        now = utcnow()
        return {"start": args["start"], "end": args["end"], "owners": owners,
                "activities": _titled(session, activities.in_period(session, owners, start, end), principal, now),
                "tasks": _tasks(session, owners, end, now, start)}
