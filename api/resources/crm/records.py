"""Any CRM record's card and its own history: ``GET /records/{type}/{id}/card`` (the fields that matter when
working on it, labelled in Persian and English, and the address of its page) and ``GET /records/{type}/{id}/history``
(newest first, paged: who changed what and when, from the journal, with the steps of its processes).
Types: customer, lead, opportunity, complaint, contract, referral. Who may open a type's pages may read its
records' cards and histories (a record out of the reader's sight is not found); unknown records are 404 in the
reader's language."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy.orm import Session
from werkzeug.exceptions import Forbidden

from api import record_history
from api.context import db, ravand
from api.guard import ANYONE, BEARER, WORK, current_principal, requires
from api.identity.service import Principal
from api.record_access import viewer
from api.resources.common import ID, PageArgs, page, page_schema
from api.resources.crm.lead_detail import score_why
from api.resources.crm.record_pages import open_steps
from crm import access
from crm.record_cards import MODELS, PAGES, card, load, not_found
from crm.record_labels import record_label
from processes.contract_approval.delivery import settings_vat_percent as vat_percent

blp = Blueprint("crm_records", __name__, url_prefix="/api/v1/records",
                description="Any CRM record's card and its own history")

# who may open each record type's pages in the web app (web/src/routes.js), and so read its cards and history
PAGE_ROLES: dict[str, tuple[str, ...]] = {"customer": ANYONE, "lead": WORK, "opportunity": WORK, "complaint": WORK,
                                          "contract": WORK, "referral": WORK}
PLURALS = {plural: kind for kind, plural in PAGES.items()}  # /records/leads/7/card as /records/lead/7/card
FORBIDDEN = {"fa": "نقش شما ({role}) {what} را نمی‌بیند", "en": "the {role} role may not read {what} records"}


class CardSchema(Schema):
    type = fields.String(metadata={"enum": list(MODELS)})
    id = fields.Integer()
    label = fields.Dict(metadata={"description": "the record type's name: {fa, en}"})
    title = fields.String(metadata={"description": "which record: a name, a phone, a tracking code"})
    url = fields.String(metadata={"description": "the record's page in the web app"})
    status = fields.Dict(metadata={"description": "{value, label: {fa, en}}"})
    fields_ = fields.List(fields.Dict(), data_key="fields", attribute="fields", metadata={
        "description": "{name, label: {fa, en}, kind, value} and, as the kind needs, text {fa, en}, href, items"})
    process_instance_id = fields.String(allow_none=True)


class HistoryEntrySchema(Schema):
    seq = fields.Integer(metadata={"description": "the journal row"})
    at = fields.DateTime()
    actor = fields.String(allow_none=True, metadata={"description": "who did it"})
    actor_text = fields.Dict(allow_none=True, metadata={
        "description": "who did it in words, {fa, en}: the user's display name, or the portal, the scheduler, …"})
    kind = fields.String(metadata={"description": "the journal's kind, e.g. crm.lead.changed, task.completed"})
    category = fields.String(metadata={"enum": ["record", "process"]})
    action = fields.String()
    title = fields.Dict(metadata={"description": "what happened, in words: {fa, en}"})
    record = fields.Dict(allow_none=True, metadata={"description": "the record the row is about: {type, id, label}"})
    changes = fields.List(fields.Dict(), metadata={
        "description": "{name, label: {fa, en}, before, after} per field (before null when created)"})
    redacted = fields.Boolean(metadata={"description": "about a related record the reader may not see: no fields"})
    process_instance_id = fields.String(allow_none=True)


class HistoryArgs(PageArgs):
    processes = fields.Boolean(load_default=True, metadata={"description": "include the steps of its processes"})


HistoryPage = page_schema(HistoryEntrySchema, "RecordHistoryPage")


def _lang(principal: Principal) -> str:
    return "fa" if principal.locale == "fa" else "en"


def may_open(principal: Principal, record_type: str) -> bool:
    """Whether the caller's role may open pages of ``record_type`` (and so its cards and histories)."""
    return principal.role in PAGE_ROLES.get(record_type, ())


def may_read_record(session: Session, principal: Principal, record_type: str, record: Any) -> bool:
    """Whether the caller may read this one record: their role opens its pages and the record is within their
    sight (crm.access: own, team, branch or all records, by their role's and groups' rules)."""
    if not may_open(principal, record_type):
        return False
    return access.may_read(session, record, viewer())


def visible(session: Session, principal: Principal) -> record_history.Redact:
    """Whether a record another one speaks of (an opportunity in its customer's history, the record of an
    activity on one's day) may be shown to ``principal``."""
    def check(record_type: str, record_id: str) -> bool:
        model = MODELS.get(record_type)
        if model is None:
            return True
        if not record_id.isdigit() or int(record_id) > ID or not may_open(principal, record_type):
            return False
        found = session.get(model, int(record_id))
        return found is not None and may_read_record(session, principal, record_type, found)

    return check


def reachable_record(record_type: str, record_id: int) -> tuple[Session, Principal, str, Any]:
    """The record the caller asks for: 404 for an unknown type or record (or one out of sight), 403 for a
    role that may not read records of this type."""
    principal, session = current_principal(), db()
    lang = _lang(principal)
    record_type = PLURALS.get(record_type, record_type)
    if record_type not in MODELS or record_id > ID:
        raise not_found(record_type, record_id, lang)
    if not may_open(principal, record_type):
        raise Forbidden(FORBIDDEN[lang].format(role=principal.role, what=record_label(record_type)[lang]))
    record = load(session, record_type, record_id, lang)
    if not may_read_record(session, principal, record_type, record):
        raise not_found(record_type, record_id, lang)
    return session, principal, record_type, record


@blp.route("/<string:record_type>/<int:record_id>/card")
class RecordCard(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, CardSchema)
    @blp.alt_response(403, description="The caller's role does not read records of this type")
    @blp.alt_response(404, description="No such record (type or id), said in the caller's language")
    @requires(*ANYONE)
    def get(self, record_type: str, record_id: int) -> object:
        """The record's card: the fields that matter for working on it, and the address of its page."""
        session, _, record_type, record = reachable_record(record_type, record_id)
        waiting = None
        if record_type == "contract" and record.process_instance_id:
            steps = open_steps(session, {record.process_instance_id}).get(record.process_instance_id, [])
            waiting = [step.removeprefix("approve_") for step in steps if step.startswith("approve_")]
        words = record_history.Words(session)
        return card(session, record_type, record, why=score_why, waiting=waiting,
                    vat_percent=vat_percent(ravand().engine.ctx.settings),
                    person=lambda name: words.person(name) or {"fa": name, "en": name})


@blp.route("/<string:record_type>/<int:record_id>/history")
class RecordHistory(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(HistoryArgs, location="query")
    @blp.response(200, HistoryPage)
    @blp.alt_response(403, description="The caller's role does not read records of this type")
    @blp.alt_response(404, description="No such record (type or id), said in the caller's language")
    @requires(*ANYONE)
    def get(self, args: dict, record_type: str, record_id: int) -> object:
        """The record's own history, newest first: who changed which field from what to what, and when, and
        the steps of the processes that serve it."""
        session, principal, record_type, record = reachable_record(record_type, record_id)
        instances = record_history.instances_of(session, record_type, record_id,
                                                getattr(record, "process_instance_id", None)) \
            if args["processes"] else []
        found = record_history.history(session, record_type, record_id, instances=instances, limit=args["limit"],
                                       offset=args["offset"], visible=visible(session, principal))
        return page(found, args)
