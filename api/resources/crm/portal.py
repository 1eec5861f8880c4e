"""The customer portal: filing a complaint (or a suggestion or criticism), following it by its tracking code,
answering a question while we wait for the customer, answering the survey, asking to reopen it.

No account is needed, so these routes are public (``security: []`` in the OpenAPI document) and rate
limited per client address. A tracking code shows that one complaint as ``crm.complaints.public_view``
gives it (with the question we wait on and the reopening deadline) and nothing else; unknown and malformed
codes get the same 404, so codes cannot be probed."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session

from api.commands import command
from api.composition import Ravand, ravand_ctx
from api.context import db, ravand
from api.errors import problem
from api.intake import start_complaint, survey_answered
from api.ratelimit import Limit, limiter
from api.resources.crm.complaint_commands import customer_replied, reopen_days, reopen_requested
from api.resources.crm.shared import start
from crm import complaint_work, complaints
from crm.errors import InvalidRecord
from crm.models import Complaint

blp = Blueprint("crm_portal", __name__, url_prefix="/api/v1/portal", description="The customer portal (public)")
PUBLIC: list = []  # no credentials: the OpenAPI ``security`` of a public operation
PORTAL_ACTOR = "portal"
LIMITS = {"write": "portal_writes_per_minute", "read": "portal_reads_per_minute"}  # settings: per client address
TO_RECORD = {"name": "contact_name", "mobile": "contact_mobile", "email": "contact_email"}
TO_PORTAL = {v: k for k, v in TO_RECORD.items()}
F = TypeVar("F", bound=Callable[..., Any])


def limited(kind: str) -> Callable[[F], F]:
    """Count every request (valid or not) of the client address; refuse with 429 over the limit."""
    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            per_minute = getattr(ravand().settings, LIMITS[kind])
            verdict = limiter().hit([(Limit(f"portal.{kind}", per_minute), request.remote_addr or "-")])
            if not verdict.allowed:
                answer = problem(429, "Too Many Requests", "too many requests from your address; wait a minute")
                answer.headers["Retry-After"] = str(math.ceil(verdict.retry_after_s))
                return answer
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def portal_file_complaint(app: Ravand, session: Session, data: Mapping[str, Any],
                          actor: str | None) -> tuple[Complaint, str]:
    """File a complaint from the portal (channel ``portal``); field errors use the portal's field names."""
    record = {**{TO_RECORD.get(k, k): v for k, v in data.items()}, "channel": "portal"}
    try:
        return start_complaint(app, session, record, actor)
    except InvalidRecord as exc:
        raise InvalidRecord(exc.message, {TO_PORTAL.get(k, k): v for k, v in exc.field_errors.items()}) from exc


def portal_view(session: Session, code: str) -> dict[str, Any]:
    """The public view with what the customer may do now: answer our question, or ask to reopen until when."""
    complaint = complaints.by_tracking_code(session, code)
    return {**complaints.public_view(session, code), "question": complaint_work.question(session, complaint),
            "reopen_until": complaint_work.reopen_until(complaint, window_days=reopen_days(ravand()))}


class ComplaintIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 255))
    mobile = fields.String(validate=validate.Length(max=40), metadata={"description": "mobile or email is needed"})
    email = fields.String(validate=validate.Length(max=255))
    kind = fields.String(validate=validate.Length(1, 255), metadata={"description": "complaint (default), "
                                                                                    "suggestion or criticism"})
    category = fields.String(required=True, validate=validate.Length(1, 255),
                             metadata={"description": "a key or label of the list complaint_category"})
    severity = fields.String(required=True, validate=validate.OneOf(complaints.SEVERITIES))
    description = fields.String(required=True, validate=validate.Length(1, complaints.MAX_TEXT))


class TrackingSchema(Schema):
    tracking_code = fields.String(metadata={"description": "keep it: it is the only way to follow the complaint"})


class PublicUpdate(Schema):
    at = fields.DateTime()
    text = fields.String()


class PublicComplaint(Schema):
    tracking_code = fields.String()
    kind = fields.String()
    category = fields.String()
    description = fields.String(metadata={"description": "what the customer wrote"})
    status = fields.String(metadata={"enum": list(complaints.STATUSES)})
    tier = fields.String(metadata={"description": "who handles it now, in words"})
    created_at = fields.DateTime()
    updates = fields.List(fields.Nested(PublicUpdate))
    resolution = fields.String(allow_none=True, metadata={"description": "the answer given at the resolution "
                                                                        "(never the internal record of it)"})
    survey_open = fields.Boolean()
    question = fields.String(allow_none=True, metadata={"description": "while the status is waiting_customer: "
                                                                      "what we asked (answer it with /reply)"})
    reopen_until = fields.DateTime(allow_none=True, metadata={
        "description": "resolved or closed: until when the customer may ask to reopen (/reopen); else null"})


class TextIn(Schema):
    text = fields.String(required=True, validate=validate.Length(1, 2000))


class SurveyIn(Schema):
    score = fields.Integer(required=True, validate=validate.Range(1, 5))
    comment = fields.String(allow_none=True, validate=validate.Length(max=2000))


@blp.route("/complaints")
class PortalComplaints(MethodView):
    @limited("write")
    @blp.doc(security=PUBLIC)
    @blp.arguments(ComplaintIn)
    @blp.response(201, TrackingSchema)
    @blp.alt_response(429, description="Too many requests from this address; see Retry-After")
    def post(self, body: dict) -> object:
        """File a complaint; the answer holds its tracking code."""
        return {"tracking_code": start(portal_file_complaint, body, PORTAL_ACTOR).tracking_code}


@blp.route("/complaints/<code>")
class PortalComplaint(MethodView):
    @limited("read")
    @blp.doc(security=PUBLIC)
    @blp.response(200, PublicComplaint)
    @blp.alt_response(429, description="Too many requests from this address; see Retry-After")
    def get(self, code: str) -> object:
        """Where the complaint stands: status, who handles it, the public notes, the resolution."""
        return portal_view(db(), code)


@blp.route("/complaints/<code>/survey")
class PortalSurvey(MethodView):
    @limited("write")
    @blp.doc(security=PUBLIC)
    @blp.arguments(SurveyIn)
    @blp.response(200, PublicComplaint)
    @blp.alt_response(409, description="The complaint is not resolved yet, or the survey was answered already")
    @blp.alt_response(429, description="Too many requests from this address; see Retry-After")
    def post(self, body: dict, code: str) -> object:
        """Say how satisfied you are with the resolution (1 to 5), once."""
        def answer(session: Session) -> dict:
            complaint = complaints.answer_survey(ravand_ctx(session, PORTAL_ACTOR), code, body["score"],
                                                 body.get("comment"))
            survey_answered(ravand(), session, complaint.tracking_code, PORTAL_ACTOR)
            return portal_view(session, code)

        return command(answer)


@blp.route("/complaints/<code>/reply")
class PortalReply(MethodView):
    @limited("write")
    @blp.doc(security=PUBLIC)
    @blp.arguments(TextIn)
    @blp.response(200, PublicComplaint)
    @blp.alt_response(409, description="We are not waiting for an answer on this complaint")
    @blp.alt_response(429, description="Too many requests from this address; see Retry-After")
    def post(self, body: dict, code: str) -> object:
        """Answer the question we asked: the complaint goes back to its handlers."""
        def reply(session: Session) -> dict:
            customer_replied(ravand(), session, ravand_ctx(session, PORTAL_ACTOR), code, body["text"])
            return portal_view(session, code)

        return command(reply)


@blp.route("/complaints/<code>/reopen")
class PortalReopen(MethodView):
    @limited("write")
    @blp.doc(security=PUBLIC)
    @blp.arguments(TextIn)
    @blp.response(200, PublicComplaint)
    @blp.alt_response(409, description="Still being handled, or resolved longer ago than the reopening window")
    @blp.alt_response(429, description="Too many requests from this address; see Retry-After")
    def post(self, body: dict, code: str) -> object:
        """The problem is back (or was never solved): ask to reopen the complaint, within the window after its
        resolution (setting ``complaint_reopen_days``, 14 by default)."""
        def reopen(session: Session) -> dict:
            reopen_requested(ravand(), session, ravand_ctx(session, PORTAL_ACTOR), code, body["text"])
            return portal_view(session, code)

        result = command(reopen)
        ravand().nudge()
        return result
