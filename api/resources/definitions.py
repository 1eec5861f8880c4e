"""Deployments and process definitions (designers), and starting instances."""

from __future__ import annotations

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session

from api import names as naming
from api.commands import command
from api.context import db, ravand
from api.errors import problem
from api.guard import ANYONE, BEARER, DESIGN, READ_PROCESSES, START, caller, current_principal, requires
from api.identity.groups import group_warnings
from api.resources.common import PageArgs, as_dict, page_schema
from api.resources.instances import InstanceSchema
from engine.definitions.bundle import read_files
from engine.definitions.deploy import Deployed, process_elements_of
from engine.definitions.deploy import validate as validate_deployment
from engine.definitions.deploy import warnings as deployment_warnings
from engine.errors import Forbidden, NotFound
from engine.store.models import ProcessDefinition, Resource

blp = Blueprint("definitions", __name__, url_prefix="/api/v1", description="Deployments and process definitions")


class WarningSchema(Schema):
    message = fields.String()
    file = fields.String(allow_none=True)
    element_id = fields.String(allow_none=True)
    line = fields.Integer(allow_none=True)


class DeployedSchema(Schema):
    id = fields.Integer()
    key = fields.String()
    version = fields.Integer()
    name = fields.String(allow_none=True)
    process_name = fields.String(metadata={"description": "the process's name in the reader's language"})
    created = fields.Boolean(metadata={"description": "false when the content matched the latest version"})
    warnings = fields.List(fields.Nested(WarningSchema), metadata={
        "description": "what deployed but deserves a look, e.g. rules of a UNIQUE decision table that can overlap"})


class CheckedSchema(Schema):
    ok = fields.Boolean()
    warnings = fields.List(fields.Nested(WarningSchema))


class DeploymentForm(Schema):
    files = fields.Raw(metadata={"type": "string", "format": "binary"}, required=True)


class DefinitionSchema(Schema):
    id = fields.Integer()
    key = fields.String()
    version = fields.Integer()
    name = fields.String(allow_none=True)
    content_hash = fields.String()
    file_name = fields.String()
    deployed_by = fields.String(allow_none=True)
    deployed_at = fields.DateTime()
    resources = fields.List(fields.Dict())
    startable = fields.Boolean(metadata={"description": "whether you may start the process (its latest version's "
                                                        "candidate starters decide)"})
    process_name = fields.String(metadata={"description": "the process's name in the reader's language (``name`` "
                                                          "stays the diagram's English name)"})
    names = naming.names_field("the process")


class DefinitionArgs(PageArgs):
    key = fields.String(validate=validate.Length(1, 255))
    latest = fields.Boolean(load_default=False)


class StartSchema(Schema):
    business_key = fields.String(allow_none=True, validate=validate.Length(1, 255))
    variables = fields.Dict(keys=fields.String(validate=validate.Length(1, 200)), load_default=dict)


class ElementStats(Schema):
    element_id = fields.String()
    active = fields.Integer()
    completed = fields.Integer()
    incidents = fields.Integer()


DefinitionPage = page_schema(DefinitionSchema, "DefinitionPage")


@blp.route("/deployments")
class Deployments(MethodView):
    @blp.doc(security=BEARER, requestBody={"content": {"multipart/form-data": {"schema": DeploymentForm}}})
    @blp.response(201, DeployedSchema(many=True))
    @blp.alt_response(413, description="The deployment is larger than allowed")
    @blp.alt_response(422, description="Refused, with the located problems")
    @requires(*DESIGN)
    def post(self) -> object:
        """Deploy BPMN, DMN and form files (multipart field ``files``, repeatable)."""
        files = _uploads()
        if isinstance(files, Response):
            return files
        actor = current_principal().username
        engine = ravand().engine
        deployed = [as_dict(d) for d in command(lambda s: _with_group_warnings(s, engine.deploy(s, files, actor)))]
        # named in a session begun after the commit: the request's may hold a snapshot from before the deploy,
        # and what it read would be cached as the process's names (engine.definitions.names.BOOK)
        with ravand().sessions() as fresh:
            return naming.definitions(fresh, deployed)


@blp.route("/deployments/validate")
class DeploymentCheck(MethodView):
    @blp.doc(security=BEARER, requestBody={"content": {"multipart/form-data": {"schema": DeploymentForm}}})
    @blp.response(200, CheckedSchema)
    @blp.alt_response(413, description="The deployment is larger than allowed")
    @blp.alt_response(422, description="Refused, with the located problems")
    @requires(*DESIGN)
    def post(self) -> object:
        """Run every check a deployment runs, storing nothing (the modeler's "validate")."""
        files = _uploads()
        if isinstance(files, Response):
            return files
        bundle = read_files(files)
        validate_deployment(bundle, ravand().engine.handlers)
        unknown = [w for name in bundle.bpmn for w in group_warnings(db(), process_elements_of(bundle, name), name)]
        return {"ok": True, "warnings": as_dict([*deployment_warnings(bundle), *unknown])}


def _with_group_warnings(session: Session, deployed: list[Deployed]) -> list[Deployed]:
    """Each deployed process with a warning for every candidate group it names that is not a known group."""
    for item in deployed:
        row = session.get(ProcessDefinition, item.id)
        if row is not None:
            item.warnings.extend(group_warnings(session, row.elements or {}, row.file_name))
    return deployed


def _uploads() -> list[tuple[str, bytes]] | Response:
    """The multipart ``files`` as (name, content), or the problem answer."""
    uploads = request.files.getlist("files")
    if not uploads:
        return problem(400, "Bad Request", "send the files as multipart/form-data in the field 'files'")
    limit = ravand().settings.max_deployment_bytes
    files, size = [], 0
    for upload in uploads:
        content = upload.read(limit + 1)
        size += len(content)
        if size > limit:
            return problem(413, "Payload Too Large", f"a deployment may hold at most {limit} bytes")
        files.append((upload.filename or "unnamed", content))
    return files


@blp.route("/process-definitions")
class Definitions(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(DefinitionArgs, location="query")
    @blp.response(200, DefinitionPage)
    @requires(*ANYONE)
    def get(self, args: dict) -> object:
        """Deployed definitions, newest version first; ``latest=true`` keeps one per key. ``startable``
        says whether you may start each one."""
        engine, session = ravand().engine, db()
        page = as_dict(engine.definitions(session, args.get("key"), args["latest"], args["limit"], args["offset"]))
        startable = engine.startable(session, {item["key"] for item in page["items"]}, caller())
        for item in naming.definitions(session, page["items"]):
            item["startable"] = item["key"] in startable
        return page


@blp.route("/process-definitions/<int:definition_id>")
class Definition(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, DefinitionSchema)
    @requires(*ANYONE)
    def get(self, definition_id: int) -> object:
        """One definition version."""
        return naming.definitions(db(), [as_dict(ravand().engine.definition(db(), definition_id))])[0]


@blp.route("/process-definitions/<int:definition_id>/xml")
class DefinitionXml(MethodView):
    @blp.doc(security=BEARER, responses={"200": {"description": "The BPMN XML as deployed",
                                                  "content": {"application/xml": {"schema": {"type": "string"}}}}})
    @requires(*ANYONE)
    def get(self, definition_id: int) -> Response:
        """The BPMN XML as deployed."""
        xml = ravand().engine.definition_xml(db(), definition_id)
        return Response(xml, mimetype="application/xml")


RESOURCE_TYPES = {"bpmn": "application/xml", "dmn": "application/xml", "form": "application/json"}


@blp.route("/process-definitions/<int:definition_id>/resources/<path:name>")
class DefinitionResource(MethodView):
    @blp.doc(security=BEARER, responses={"200": {"description": "The file as deployed (BPMN, DMN or form)",
                                                  "content": {"application/xml": {"schema": {"type": "string"}},
                                                              "application/json": {"schema": {"type": "object"}}}}})
    @requires(*ANYONE)
    def get(self, definition_id: int, name: str) -> Response:
        """One file of the version (a DMN table or a form it uses), by the name listed in ``resources``."""
        definition = ravand().engine.definition(db(), definition_id)
        entry = next((r for r in definition.resources if r.get("name") == name), None)
        row = db().get(Resource, entry["hash"]) if entry else None
        if row is None:
            raise NotFound(f"process definition {definition_id} holds no file named {name!r}")
        return Response(row.content, mimetype=RESOURCE_TYPES.get(row.kind, "text/plain"))


@blp.route("/process-definitions/<int:definition_id>/statistics")
class DefinitionStatistics(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ElementStats(many=True))
    @requires(*READ_PROCESSES)
    def get(self, definition_id: int) -> object:
        """Per element: tokens waiting now, completions, open incidents (the heat map)."""
        stats = ravand().engine.statistics(db(), definition_id)
        return [{"element_id": element, **counts} for element, counts in sorted(stats.items())]


@blp.route("/process-definitions/key/<key>/start")
class StartByKey(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(StartSchema)
    @blp.response(201, InstanceSchema)
    @blp.alt_response(403, description="The process's start is not offered to you (camunda:candidateStarterGroups/"
                                       "candidateStarterUsers)")
    @requires(*START)
    def post(self, body: dict, key: str) -> object:
        """Start an instance of the latest version of ``key``: administrators and designers may start any
        process, others those offered to them or their groups. ``camunda:initiator`` is always you. When the
        start event has a form, ``variables`` are its values, checked against it as a task's form checks its data
        (422 with the field errors; a field the form does not have is refused)."""
        actor, engine, me = current_principal().username, ravand().engine, caller()
        return as_dict(command(lambda s: engine.start(s, key, body.get("business_key"), body["variables"], actor,
                                                      caller=me, form=True)))


class StartFormSchema(Schema):
    key = fields.String()
    form = fields.Dict(allow_none=True, metadata={
        "description": "the form-js form of the start event (markup made harmless), null when it has none"})


@blp.route("/process-definitions/key/<key>/start-form")
class StartForm(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, StartFormSchema)
    @blp.alt_response(403, description="The process's start is not offered to you")
    @requires(*START)
    def get(self, key: str) -> object:
        """The form to fill in to start the latest version of ``key`` (its start event's form); the values
        sent to ``start`` as ``variables`` are checked against it as a task's form checks its data."""
        engine, session = ravand().engine, db()
        form = engine.start_form(session, key)
        if key not in engine.startable(session, {key}, caller()):
            raise Forbidden(f"the process {key!r} is not offered to you to start")
        return {"key": key, "form": form}
