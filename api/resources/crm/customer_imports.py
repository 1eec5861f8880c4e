"""Customer import as a background job: the upload is checked (size, kind, a CSV's header, an Excel
file's zip directory), stored with a job and answered 202 with the job's address; the job's progress,
its rejected and skipped rows (each with its row number and why) and a CSV of the rejected rows are
read under ``/customers/imports/{id}``."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api import imports
from api.commands import command
from api.context import db, ravand
from api.errors import problem
from api.guard import BEARER, current_principal, requires
from api.resources.common import PageArgs, page, page_schema
from api.resources.crm.shared import READ, WRITE
from crm import import_jobs, importing
from crm.models import ImportJob

blp = Blueprint("crm_customer_imports", __name__, url_prefix="/api/v1/customers",
                description="Customer imports (background jobs)")
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and headers around the file


class ImportForm(Schema):
    file = fields.Raw(metadata={"type": "string", "format": "binary"}, required=True)


class ImportArgs(Schema):
    on_duplicate = fields.String(load_default="skip", validate=validate.OneOf(importing.ON_DUPLICATE))


class ImportJobSchema(Schema):
    id = fields.Integer()
    state = fields.String(metadata={"enum": list(import_jobs.STATES)})
    file_name = fields.String()
    kind = fields.String(metadata={"enum": ["csv", "xlsx"]})
    on_duplicate = fields.String()
    created_by = fields.String(allow_none=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    rows_total = fields.Integer(allow_none=True, metadata={"description": "data rows in the file (once counted)"})
    rows_read = fields.Integer(metadata={"description": "data rows imported, skipped or rejected so far"})
    imported = fields.Integer()
    skipped = fields.Integer(metadata={"description": "likely duplicates, left out"})
    rejected = fields.Integer()
    error = fields.String(allow_none=True, metadata={"description": "why a failed job stopped"})
    report = fields.Dict(allow_none=True, metadata={"description": "seconds and rows per second, once ended"})
    links = fields.Method("_links")

    def _links(self, job: ImportJob) -> dict[str, str]:
        return {"self": url_for("crm_customer_imports.ImportJobView", job_id=job.id),
                "rejected": url_for("crm_customer_imports.ImportJobRows", job_id=job.id, outcome="rejected"),
                "skipped": url_for("crm_customer_imports.ImportJobRows", job_id=job.id, outcome="skipped"),
                "rejected_csv": url_for("crm_customer_imports.RejectedCsv", job_id=job.id)}


class ImportRowSchema(Schema):
    row = fields.Integer(metadata={"description": "the spreadsheet's row number (the header is row 1)"})
    outcome = fields.String(metadata={"enum": list(import_jobs.OUTCOMES)})
    reason = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    duplicate_ids = fields.List(fields.Integer())
    data = fields.Dict(keys=fields.String(), values=fields.String(), metadata={"description": "the row as read"})


class RowArgs(PageArgs):
    outcome = fields.String(load_default="rejected", validate=validate.OneOf(import_jobs.OUTCOMES))


JobPage = page_schema(ImportJobSchema, "ImportJobPage")
RowPage = page_schema(ImportRowSchema, "ImportRowPage")


def _upload(max_bytes: int) -> tuple[bytes, str] | Response:
    request.max_content_length = max_bytes + FORM_OVERHEAD  # this route's own limit, not the app's
    upload = request.files.get("file")
    if upload is None:
        return problem(400, "Bad Request", "send the spreadsheet as multipart/form-data in the field 'file'")
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        return problem(413, "Payload Too Large", f"an import may hold at most {max_bytes} bytes")
    return content, upload.filename or "upload.csv"


def _detached(session: Any, job: ImportJob) -> ImportJob:
    """The job as written, kept readable after the commit (the request's read session may predate it)."""
    session.expunge(job)
    return job


@blp.route("/import")
class Import(MethodView):
    @blp.doc(security=BEARER, requestBody={"content": {"multipart/form-data": {"schema": ImportForm}}})
    @blp.arguments(ImportArgs, location="query")
    @blp.response(202, ImportJobSchema, headers={"Location": {"description": "the job", "schema": {"type": "string"}}})
    @blp.alt_response(400, description="No file in the field 'file'")
    @blp.alt_response(413, description="The file is larger than allowed")
    @blp.alt_response(422, description="The file cannot be read (not CSV or .xlsx, no known column, a zip bomb)")
    @requires(*WRITE)
    def post(self, args: dict) -> Any:
        """Queue an import of customers from a CSV or .xlsx file (headers in English or Persian); follow the
        job at ``Location``. Bad rows end in the job's report with their row number and why; likely
        duplicates are skipped unless ``on_duplicate=create``."""
        app = ravand()
        settings = imports.job_settings(app)
        uploaded = _upload(settings.limits.max_bytes)
        if isinstance(uploaded, Response):
            return uploaded
        content, name = uploaded
        actor = current_principal().username
        job = command(lambda s: _detached(s, import_jobs.submit(
            s, actor, name, content, on_duplicate=args["on_duplicate"], limits=settings.limits)))
        imports.runner(app, current_app.extensions).wake()
        return job, 202, {"Location": url_for("crm_customer_imports.ImportJobView", job_id=job.id)}


@blp.route("/imports")
class ImportJobs(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, JobPage)
    @requires(*READ)
    def get(self, args: dict) -> object:
        """Import jobs, newest first."""
        return page(import_jobs.list_jobs(db(), args["limit"], args["offset"]), args)


@blp.route("/imports/<int:job_id>")
class ImportJobView(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ImportJobSchema)
    @requires(*READ)
    def get(self, job_id: int) -> object:
        """A job's state and progress (rows read of the total), and once ended its counts."""
        return import_jobs.get_job(db(), job_id)


@blp.route("/imports/<int:job_id>/rows")
class ImportJobRows(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(RowArgs, location="query")
    @blp.response(200, RowPage)
    @requires(*READ)
    def get(self, args: dict, job_id: int) -> object:
        """The job's rejected rows (or ``outcome=skipped``: likely duplicates), in the file's order, a page
        at a time: each with its row number, why, each field's problem and the row as read."""
        found = import_jobs.report_rows(db(), job_id, args["outcome"], args["limit"], args["offset"])
        return page(found, args)


@blp.route("/imports/<int:job_id>/rejected.csv")
class RejectedCsv(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, description="row, reason and the row's fields, as CSV (UTF-8 with BOM)",
                  content_type="text/csv", schema={"type": "string"})
    @requires(*READ)
    def get(self, job_id: int) -> Any:
        """Every rejected row as CSV: fix the cells and import the file again (``row`` and ``reason`` are
        not read back)."""
        body = "".join(import_jobs.rejected_csv(db(), job_id))
        return Response(body, mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename=import-{job_id}-rejected.csv"})
