"""User tasks: the tasklist, claim/unclaim/assign/delegate/complete, comments.

Employees see only tasks assigned to them, delegated by them, or offered to them or their groups;
anything else is 404. A task is handed (assign, delegate) only to an active employee or administrator among
its candidates (``api.assignees``). Auditors and designers read every task and act on none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate, validates
from sqlalchemy.orm import Session

from api import form_lists
from api import names as naming
from api.assignees import check_assignee
from api.commands import command
from api.context import db, ravand
from api.guard import ANYONE, BEARER, WORK, current_principal, requires
from api.record_links import Q_LENGTH, search_words, with_record
from api.record_visibility import ShownRecordSchema, hide_one, hide_unreadable, searching_readable
from api.resources.common import Instant, PageArgs, as_dict, page_schema
from api.staff_notices import tell_assigned, tell_mentioned
from api.task_activities import log_task_activity
from engine.facade import Engine
from engine.tasks import SORTS, TaskQuery, actionable
from engine.views import Actor, TaskView

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="User tasks")
STATES = ("open", "ready", "claimed", "completed", "cancelled", "all")


class TaskSchema(Schema):
    id = fields.String()
    name = fields.String()
    element_id = fields.String()
    process_instance = fields.String()
    process_key = fields.String()
    business_key = fields.String(allow_none=True)
    state = fields.String()
    assignee = fields.String(allow_none=True)
    owner = fields.String(allow_none=True)
    candidate_groups = fields.List(fields.String())
    candidate_users = fields.List(fields.String())
    priority = fields.Integer()
    due = fields.DateTime(allow_none=True)
    form_key = fields.String(allow_none=True)
    created_at = fields.DateTime()
    claimed_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    completed_by = fields.String(allow_none=True)
    record = fields.Nested(ShownRecordSchema, allow_none=True, metadata={
        "description": "the record the task's process instance serves (read with lists and one task); one the "
                       "reader may not read keeps only its type (hidden: true)"})
    title = fields.String(metadata={"description": "the task's name and its record's title (its name alone when "
                                                   "the record is hidden)"})
    names = naming.names_field("the task")
    process_name = fields.String(metadata={"description": "the process's name in the reader's language"})
    process_names = naming.names_field("the process")


class TaskDetailSchema(TaskSchema):
    form = fields.Dict(allow_none=True, metadata={"description": "the form-js schema, if the task has one"})
    data = fields.Dict(metadata={"description": "the instance's current variables"})


class TaskArgs(PageArgs):
    assignee = fields.String(validate=validate.Length(1, 255), metadata={"description": "'me' or a user name"})
    candidate = fields.String(validate=validate.OneOf(["me"]))
    unassigned = fields.Boolean(load_default=False)
    process_instance = fields.String(validate=validate.Length(1, 36))
    process_key = fields.String(validate=validate.Length(1, 255))
    business_key = fields.String(validate=validate.Length(1, 255))
    due_before = Instant()
    state = fields.String(load_default="open", validate=validate.OneOf(STATES))
    sort = fields.String(load_default="created", validate=validate.OneOf([*SORTS, *(f"-{s}" for s in SORTS)]))
    q = fields.String(validate=validate.Length(1, Q_LENGTH), metadata={
        "description": "words all found in the record's customer, company, phone, tracking code or title "
                       "(Persian letter forms, ZWNJ and digits folded)"})
    record_type = fields.String(validate=validate.Length(1, 40))
    record_id = fields.String(validate=validate.Length(1, 64))

    @validates("q")
    def _words(self, value: str, **_: Any) -> None:
        search_words(value)


class UserArg(Schema):
    user = fields.String(required=True, validate=validate.Length(1, 150))
    override = fields.Boolean(load_default=False, metadata={
        "description": "an administrator hands the task to someone outside its candidate users and groups"})


class CompleteSchema(Schema):
    data = fields.Dict(keys=fields.String(validate=validate.Length(1, 200)), load_default=dict)


class CommentIn(Schema):
    text = fields.String(required=True, validate=validate.Length(1, 10_000))


class CommentSchema(Schema):
    id = fields.Integer()
    task_id = fields.String()
    author = fields.String()
    text = fields.String()
    created_at = fields.DateTime()


TaskPage = page_schema(TaskSchema, "TaskPage")


def _actor() -> Actor:
    principal = current_principal()
    actor = principal.actor
    # auditors and designers read every task (and act on none: the routes that act refuse them)
    return Actor(actor.name, actor.groups, admin=principal.role in {"admin", "auditor", "designer"})


def _query(args: dict[str, Any], actor: Actor) -> TaskQuery:
    sort = args["sort"]
    assignee = args.get("assignee")
    return TaskQuery(
        assignee=actor.name if assignee == "me" else assignee,
        candidate=actor if args.get("candidate") == "me" else None,
        unassigned=args["unassigned"], process_instance=args.get("process_instance"),
        process_key=args.get("process_key"), business_key=args.get("business_key"),
        due_before=args.get("due_before"), state=args["state"], visible_to=actor,
        record_type=args.get("record_type"), record_id=args.get("record_id"), search=search_words(args.get("q")),
        sort=sort.lstrip("-"), descending=sort.startswith("-"), limit=args["limit"], offset=args["offset"],
    )


@blp.route("")
class Tasks(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(TaskArgs, location="query")
    @blp.response(200, TaskPage)
    @requires(*ANYONE)
    def get(self, args: dict) -> object:
        """The tasklist: ``assignee=me``, ``candidate=me`` (my user or any of my groups), ``unassigned``, ..."""
        query = _query(args, _actor())
        with searching_readable(query.search):  # a search finds no task by a record the reader may not read
            page = as_dict(ravand().engine.tasks(db(), query))
        page["items"] = hide_unreadable([with_record(item) for item in naming.tasks(db(), page["items"])])
        return page


@blp.route("/<task_id>")
class Task(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, TaskDetailSchema)
    @requires(*ANYONE)
    def get(self, task_id: str) -> object:
        """One task with its form and the instance's current data."""
        detail = ravand().engine.task(db(), task_id, _actor())
        locale = current_principal().locale
        form = form_lists.fill(db(), detail.form, locale)
        shown = hide_one(with_record(naming.task(db(), as_dict(detail.task))))
        return {**shown, "form": form, "data": form_lists.shown_data(detail.form, detail.data, locale)}


HandOver = Callable[[Session, str, str, Actor], TaskView]  # Engine.assign or Engine.delegate


def _hand_over(hand: Callable[[Engine], HandOver], task_id: str, body: dict) -> object:
    """Assign or delegate (``hand`` picks which of the engine's) to an active employee (or administrator) among
    the task's candidates; they are told."""
    actor, engine = current_principal().actor, ravand().engine

    def run(session: Session) -> TaskView:
        task = engine.task(session, task_id, actor).task
        user = check_assignee(session, task, body["user"], admin=actor.admin, override=body["override"])
        handed = hand(engine)(session, task_id, user.username, actor)
        tell_assigned(engine, session, handed, actor.name)
        return handed

    return _shown(as_dict(command(run)))


def _shown(item: dict[str, Any]) -> dict[str, Any]:
    """A task as its reader sees it: named in their language, with its record (hidden if unreadable)."""
    return hide_one(with_record(naming.task(db(), item)))


@blp.route("/<task_id>/claim")
class Claim(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, TaskSchema)
    @blp.alt_response(409, description="Someone else claimed it first, or the task is no longer open")
    @requires(*WORK)
    def post(self, task_id: str) -> object:
        """Claim a task offered to me or my groups."""
        actor, engine = current_principal().actor, ravand().engine
        return _shown(as_dict(command(lambda s: engine.claim(s, task_id, actor))))


@blp.route("/<task_id>/unclaim")
class Unclaim(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, TaskSchema)
    @requires(*WORK)
    def post(self, task_id: str) -> object:
        """Give a claimed task back to its candidates."""
        actor, engine = current_principal().actor, ravand().engine
        return _shown(as_dict(command(lambda s: engine.unclaim(s, task_id, actor))))


@blp.route("/<task_id>/assign")
class Assign(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(UserArg)
    @blp.response(200, TaskSchema)
    @blp.alt_response(422, description="The user is unknown, disabled, does not work tasks, or is not a candidate")
    @requires(*WORK)
    def post(self, body: dict, task_id: str) -> object:
        """Hand the task to another user (its assignee or an administrator): an active employee or administrator
        among its candidates; an administrator may go outside them with ``override: true``."""
        return _hand_over(lambda engine: engine.assign, task_id, body)


@blp.route("/<task_id>/delegate")
class Delegate(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(UserArg)
    @blp.response(200, TaskSchema)
    @blp.alt_response(422, description="The user is unknown, disabled, does not work tasks, or is not a candidate")
    @requires(*WORK)
    def post(self, body: dict, task_id: str) -> object:
        """Delegate: the user works the task; I stay its owner and keep seeing it (the same users as assign)."""
        return _hand_over(lambda engine: engine.delegate, task_id, body)


@blp.route("/<task_id>/complete")
class Complete(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(CompleteSchema)
    @blp.response(200, TaskSchema)
    @blp.alt_response(422, description="The data does not pass the task's form; field errors by name")
    @blp.alt_response(409, description="The task is no longer open (completed or cancelled)")
    @requires(*WORK)
    def post(self, body: dict, task_id: str) -> object:
        """Complete the task with data validated against its form (a component naming a managed list takes
        only the active keys of that list)."""
        actionable(db(), task_id, _actor())  # one no longer open: 409 saying so, before its form is checked
        form_lists.check(db(), ravand().engine.task(db(), task_id, _actor()).form, body["data"])
        actor, engine = current_principal().actor, ravand().engine

        def run(session: Session) -> TaskView:
            task = engine.task(session, task_id, actor).task
            done: TaskView = engine.complete(session, task_id, body["data"], actor)
            log_task_activity(session, task, body["data"], actor.name)  # a call or meeting task: its activity
            return done

        return _shown(as_dict(command(run)))


@blp.route("/<task_id>/comments")
class Comments(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, CommentSchema(many=True))
    @requires(*ANYONE)
    def get(self, task_id: str) -> object:
        """Comments on the task, oldest first."""
        return as_dict(ravand().engine.comments(db(), task_id, _actor()))

    @blp.doc(security=BEARER)
    @blp.arguments(CommentIn)
    @blp.response(201, CommentSchema)
    @requires(*WORK)
    def post(self, body: dict, task_id: str) -> object:
        """Add a comment; colleagues it mentions (``@sara``) who may see the task are told (``mentioned``)."""
        actor, engine = current_principal().actor, ravand().engine

        def run(session: Session) -> Any:
            comment = engine.add_comment(session, task_id, body["text"], actor)
            tell_mentioned(engine, session, engine.task(session, task_id, actor).task, body["text"], actor.name)
            return comment

        return as_dict(command(run))
