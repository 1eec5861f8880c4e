"""Process instances: list, read, cancel, retry an incident, history (JSON or CSV)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate, validates

from api import names as naming
from api.commands import command
from api.context import db, ravand
from api.downloads import file_name
from api.guard import BEARER, DESIGN, READ_PROCESSES, current_principal, requires
from api.journal_words import describe
from api.record_links import Q_LENGTH, search_words, with_record
from api.record_visibility import ShownRecordSchema, hide_one, hide_unreadable, searching_readable
from api.resources.common import ID, Instant, PageArgs, as_dict, page_schema, wants_csv
from api.resources.journal import JournalEntrySchema, entries_csv
from api.wording import caller_locale
from engine.queries import InstanceQuery, JournalQuery

blp = Blueprint("instances", __name__, url_prefix="/api/v1/process-instances", description="Process instances")
STATES = ("running", "completed", "cancelled", "failed")


class IncidentSchema(Schema):
    id = fields.Integer()
    task_id = fields.String()
    element_id = fields.String()
    kind = fields.String()
    message = fields.String()
    attempts = fields.Integer()
    created_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)


class InstanceSchema(Schema):
    id = fields.String()
    definition_id = fields.Integer()
    process_key = fields.String()
    business_key = fields.String(allow_none=True)
    state = fields.String(metadata={"enum": list(STATES)})
    variables = fields.Dict()
    active_elements = fields.List(fields.String())
    started_by = fields.String(allow_none=True)
    started_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    end_reason = fields.String(allow_none=True)
    incidents = fields.List(fields.Nested(IncidentSchema))
    element_counts = fields.Dict(keys=fields.String(), values=fields.Integer(),
                                 metadata={"description": "element id → times completed (the path taken)"})
    record = fields.Nested(ShownRecordSchema, allow_none=True, metadata={
        "description": "the record it serves; one the reader may not read keeps only its type (hidden: true)"})
    process_name = fields.String(metadata={"description": "the process's name in the reader's language"})
    process_names = naming.names_field("the process")
    element_names = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "element id → its name in the reader's language, for the elements it waits at or passed"})


OUTCOMES = ("resolved", "waiting", "still_failing", "failed_elsewhere")


class RetryOutcomeSchema(Schema):
    outcome = fields.String(metadata={"enum": list(OUTCOMES), "description": (
        "resolved: the step ran and the instance went on to its end or on without waiting; waiting: it ran and "
        "the instance now waits (waiting_at); still_failing: the same step failed again (message, attempts); "
        "failed_elsewhere: the step ran but a later one failed (incident_id, element_id, message)")})
    incident_id = fields.Integer()
    element_id = fields.String(allow_none=True)
    attempts = fields.Integer(allow_none=True)
    message = fields.String(allow_none=True)
    waiting_at = fields.List(fields.String())


class RetriedSchema(InstanceSchema):
    retry = fields.Nested(RetryOutcomeSchema, metadata={"description": "what the retry came to"})


class InstanceArgs(PageArgs):
    key = fields.String(validate=validate.Length(1, 255))
    business_key = fields.String(validate=validate.Length(1, 255))
    state = fields.String(validate=validate.OneOf(STATES))
    started_by = fields.String(validate=validate.Length(1, 255))
    started_after = Instant()
    started_before = Instant()
    definition_id = fields.Integer(validate=validate.Range(1, ID))
    q = fields.String(validate=validate.Length(1, Q_LENGTH), metadata={
        "description": "words all found in the record's customer, company, phone, tracking code or title"})
    record_type = fields.String(validate=validate.Length(1, 40))
    record_id = fields.String(validate=validate.Length(1, 64))

    @validates("q")
    def _words(self, value: str, **_: Any) -> None:
        search_words(value)


class CancelSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 2000))


class HistoryArgs(PageArgs):
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))
    limit = fields.Integer(load_default=1000, validate=validate.Range(1, 10_000))


InstancePage = page_schema(InstanceSchema, "InstancePage")
HistoryPage = page_schema(JournalEntrySchema, "HistoryPage")


@blp.route("")
class Instances(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(InstanceArgs, location="query")
    @blp.response(200, InstancePage)
    @requires(*READ_PROCESSES)
    def get(self, args: dict) -> object:
        """Instances, newest first, filtered by key, business key, state, starter, time range."""
        query = InstanceQuery(process_key=args.get("key"), business_key=args.get("business_key"),
                              state=args.get("state"), started_by=args.get("started_by"),
                              started_after=args.get("started_after"), started_before=args.get("started_before"),
                              definition_id=args.get("definition_id"), record_type=args.get("record_type"),
                              record_id=args.get("record_id"), search=search_words(args.get("q")),
                              limit=args["limit"], offset=args["offset"])
        with searching_readable(query.search):  # a search finds no instance by a record the reader may not read
            page = as_dict(ravand().engine.instances(db(), query))
        page["items"] = hide_unreadable([with_record(item, None) for item in naming.instances(db(), page["items"])],
                                        None)
        return page


@blp.route("/<instance_id>")
class Instance(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, InstanceSchema)
    @requires(*READ_PROCESSES)
    def get(self, instance_id: str) -> object:
        """State, variables, where the tokens wait, open incidents."""
        return _shown(as_dict(ravand().engine.instance(db(), instance_id)))


@blp.route("/<instance_id>/cancel")
class Cancel(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(CancelSchema)
    @blp.response(200, InstanceSchema)
    @requires(*DESIGN)
    def post(self, body: dict, instance_id: str) -> object:
        """Cancel a running instance, with a reason."""
        actor, engine = current_principal().username, ravand().engine
        return _shown(as_dict(command(lambda s: engine.cancel(s, instance_id, body["reason"], actor))))


@blp.route("/<instance_id>/incidents/<int:incident_id>/retry")
class Retry(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, RetriedSchema)
    @requires(*DESIGN)
    def post(self, instance_id: str, incident_id: int) -> object:
        """Run the failed task again; ``retry`` says whether it failed again (with the new message and the
        attempt count), went on to a wait, or was resolved. The answer is 200 either way: the retry was made."""
        actor, engine = current_principal().username, ravand().engine
        view = as_dict(command(lambda s: engine.retry(s, instance_id, incident_id, actor)))
        answer = _shown(view)
        answer["retry"] = retry_outcome(view, incident_id)
        return answer


def retry_outcome(view: dict[str, Any], incident_id: int) -> dict[str, Any]:
    """What a retry came to, read from the instance after it (open incidents are listed while it has failed)."""
    incidents = view.get("incidents") or []
    same = next((i for i in incidents if i["id"] == incident_id), None)
    if same is not None:
        return {"outcome": "still_failing", "incident_id": incident_id, "element_id": same["element_id"],
                "attempts": same["attempts"], "message": same["message"], "waiting_at": []}
    if view.get("state") == "failed" and incidents:
        other = incidents[0]
        return {"outcome": "failed_elsewhere", "incident_id": other["id"], "element_id": other["element_id"],
                "attempts": other["attempts"], "message": other["message"], "waiting_at": []}
    waiting = list(dict.fromkeys(view.get("active_elements") or []))
    outcome = "waiting" if view.get("state") == "running" and waiting else "resolved"
    return {"outcome": outcome, "incident_id": incident_id, "element_id": None, "attempts": None, "message": None,
            "waiting_at": waiting if outcome == "waiting" else []}


def _shown(item: dict[str, Any]) -> dict[str, Any]:
    """One instance as its reader sees it: its process and elements named in their language, its record."""
    return hide_one(with_record(naming.instance(db(), item), None), None)


CSV_DOC = {"description": "every entry as CSV, in order (limit and offset are for pages, not for the file)",
           "content_type": "text/csv", "schema": {"type": "string"}, "success": True}


def history_csv(instance_id: str) -> Response:
    """The instance's whole history as a streamed CSV, named by its process and business key (or id) and the
    day: ``history-complaint_handling-RC-7K2M-1405-09-16.csv``."""
    engine, locale = ravand().engine, caller_locale()
    instance = engine.instance(db(), instance_id)  # NotFound for an instance that is not there
    which = instance.business_key or instance.id[:8]
    name = file_name("history", [("", instance.process_key), ("", which)], locale, "csv", ravand().settings.timezone)
    return entries_csv(engine.journal_entries(db(), JournalQuery(process_instance=instance_id)), name)


@blp.route("/<instance_id>/history")
class History(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(HistoryArgs, location="query")
    @blp.response(200, HistoryPage)
    @blp.alt_response(200, **CSV_DOC)
    @requires(*READ_PROCESSES)
    def get(self, args: dict, instance_id: str) -> object:
        """Everything that happened to the instance, in order (``format=csv`` or Accept: text/csv)."""
        if wants_csv(args["format"]):
            return history_csv(instance_id)
        page = ravand().engine.history(db(), instance_id, args["limit"], args["offset"])
        shown = as_dict(page)
        shown["items"] = describe(db(), naming.entries(db(), shown["items"]))
        return shown
