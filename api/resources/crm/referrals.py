"""Referrals: the list and one referral, and every attempt to refer (accepted or refused at intake) with
the counts per referrer. Referring starts ``referral_rewards``; linking the lead, the purchases and the
reward are that process's steps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.commands import command
from api.composition import ravand_ctx
from api.context import db, ravand
from api.guard import BEARER, current_principal, requires
from api.resources.common import ID, PageArgs, page, page_schema
from api.resources.crm import referral_detail
from api.resources.crm.record_pages import PeriodArgs, RecordTask, period
from api.resources.crm.shared import READ, WRITE
from crm import referral_attempts, referrals
from crm.models import Referral as ReferralRecord
from processes import records

blp = Blueprint("crm_referrals", __name__, url_prefix="/api/v1/referrals", description="Referrals")


class ReferralSchema(Schema):
    id = fields.Integer()
    code = fields.String(metadata={"description": "the referrer's referral code"})
    referrer_id = fields.Integer()
    referred_name = fields.String()
    referred_mobile = fields.String(allow_none=True)
    referred_email = fields.String(allow_none=True)
    referred_customer_id = fields.Integer(allow_none=True)
    lead_id = fields.Integer(allow_none=True)
    status = fields.String(metadata={"enum": list(referrals.STATUSES)})
    reject_reason = fields.String(allow_none=True, metadata={"description": "why it expired or was declined"})
    reward_kind = fields.String(allow_none=True)
    reward_value = fields.Integer(allow_none=True, metadata={"description": "points, or a discount in percent"})
    purchase_id = fields.Integer(allow_none=True)
    rewarded_at = fields.DateTime(allow_none=True)
    qualified_at = fields.DateTime(allow_none=True, metadata={"description": "the purchase window opened"})
    purchase_total = fields.Integer(allow_none=True, metadata={"description": "rials bought in the window"})
    declined_at = fields.DateTime(allow_none=True, metadata={"description": "refused at review (e.g. fraud)"})
    note = fields.String(allow_none=True, metadata={"description": "the referrer's note about the person"})
    process_instance_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)
    updated_at = fields.DateTime()
    updated_by = fields.String(allow_none=True)


class ReferralArgs(PageArgs, PeriodArgs):
    status = fields.String(validate=validate.OneOf((*referrals.STATUSES, "converted")), metadata={
        "description": "a status, or converted: purchased or rewarded (the dashboards' conversions)"})
    referrer_id = fields.Integer(validate=validate.Range(1, ID))
    q = fields.String(validate=validate.Length(1, 200), metadata={
        "description": "words of either person's name however typed, or part of either one's mobile"})
    sort = fields.String(validate=validate.Length(1, 40), metadata={
        "description": "a field (status, referred_name, created_at, …), a leading - for descending; newest first"})


class ReferralRow(ReferralSchema):
    referrer_name = fields.String(allow_none=True, metadata={"description": "the company's name, else the person's"})


class ReferralVoucher(Schema):
    code = fields.String()
    kind = fields.String(metadata={"enum": ["percent", "amount"]})
    value = fields.Integer()
    expires_at = fields.DateTime()
    redeemed_at = fields.DateTime(allow_none=True)
    purchase_id = fields.Integer(allow_none=True)


class ReferralIn(Schema):
    code = fields.String(required=True, validate=validate.Length(1, 32),
                         metadata={"description": "the referrer's code"})
    referred_name = fields.String(required=True, validate=validate.Length(1, 255))
    referred_mobile = fields.String(validate=validate.Length(1, 40))
    referred_email = fields.String(validate=validate.Length(1, 255))
    note = fields.String(validate=validate.Length(max=referrals.NOTE_SIZE),
                         metadata={"description": "about the person, e.g. when to call"})


class AttemptSchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    channel = fields.String(metadata={"enum": list(referral_attempts.CHANNELS)})
    code = fields.String(allow_none=True, metadata={"description": "as typed"})
    referrer_id = fields.Integer(allow_none=True, metadata={"description": "none for an unknown code"})
    referred_name = fields.String(allow_none=True)
    referred_mobile = fields.String(allow_none=True)
    referred_email = fields.String(allow_none=True)
    outcome = fields.String(metadata={"enum": list(referral_attempts.OUTCOMES)})
    reason = fields.String(allow_none=True, metadata={"enum": list(referral_attempts.REASONS)})
    detail = fields.String(allow_none=True)
    referral_id = fields.Integer(allow_none=True)
    by = fields.String(allow_none=True)


class AttemptArgs(PageArgs):
    referrer_id = fields.Integer(validate=validate.Range(1, ID))
    outcome = fields.String(validate=validate.OneOf(referral_attempts.OUTCOMES))
    reason = fields.String(validate=validate.OneOf(referral_attempts.REASONS))


class AttemptCounts(Schema):
    referrer_id = fields.Integer()
    attempts = fields.Integer()
    accepted = fields.Integer()
    refused = fields.Integer()
    refused_by_reason = fields.Dict(keys=fields.String(), values=fields.Integer())


class ReferralDetail(ReferralRow):
    referrer_mobile = fields.String(allow_none=True)
    referred_customer_name = fields.String(allow_none=True)
    voucher = fields.Nested(ReferralVoucher, allow_none=True, metadata={"description": "a discount reward's voucher"})
    attempts = fields.List(fields.Nested(AttemptSchema), metadata={"description": "tries at this person, newest first"})
    tasks = fields.List(fields.Nested(RecordTask), metadata={"description": "its process's open tasks"})


ReferralPage = page_schema(ReferralRow, "ReferralPage")
AttemptPage = page_schema(AttemptSchema, "ReferralAttemptPage")
REFERRAL_FIELDS = tuple(ReferralSchema().fields)


def referral_filters(args: dict[str, Any]) -> dict[str, Any]:
    """The list's arguments as ``referrals.referral_query`` takes them (the list and its export share this)."""
    return {**{name: args[name] for name in ("status", "referrer_id", "q") if name in args}, **period(args)}


def _row(referral: ReferralRecord, extra: dict[str, Any]) -> dict[str, Any]:
    return {**{name: getattr(referral, name) for name in REFERRAL_FIELDS}, **extra}


def refer_recorded(body: Mapping[str, Any], actor: str | None, channel: str) -> ReferralRecord:
    """Record the attempt and, when it is accepted, the referral and its ``referral_rewards`` instance, in one
    committed transaction; a refusal is raised (422) after its attempt is committed."""
    app = ravand()

    def run(session: Any) -> Any:
        outcome = referral_attempts.refer_or_refuse(ravand_ctx(session, actor), body, channel=channel)
        if isinstance(outcome, ReferralRecord):
            app.engine.start(session, "referral_rewards", f"referral-{outcome.id}", {"referral_id": outcome.id},
                             actor, record=records.referral_record(session, outcome))
        return outcome

    outcome = command(run)
    if not isinstance(outcome, ReferralRecord):
        raise outcome
    app.nudge()
    return outcome


@blp.route("")
class Referrals(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(ReferralArgs, location="query")
    @blp.response(200, ReferralPage)
    @requires(*READ)
    def get(self, args: dict) -> object:
        """Referrals, newest first unless sorted: by status, referrer, period, or a search by either person's
        name however typed or number."""
        session = db()
        items, total = referrals.list_referrals(session, **referral_filters(args), sort=args.get("sort"),
                                                limit=args["limit"], offset=args["offset"])
        named = referral_detail.names(session, items)
        return page(([_row(n["referral"], {"referrer_name": n["referrer_name"]}) for n in named], total), args)

    @blp.doc(security=BEARER)
    @blp.arguments(ReferralIn)
    @blp.response(201, ReferralSchema)
    @requires(*WRITE)
    def post(self, body: dict) -> object:
        """A customer refers someone: refused (422, with the reason in English and Persian) for an unknown
        code, a self-referral, an existing customer, or a person already referred; else ``referral_rewards``
        starts. Either way the attempt is recorded (``GET /referrals/attempts``)."""
        return refer_recorded(body, current_principal().username, "staff")


@blp.route("/attempts")
class Attempts(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(AttemptArgs, location="query")
    @blp.response(200, AttemptPage)
    @requires(*READ)
    def get(self, args: dict) -> object:
        """Attempts to refer (staff, portal, message), accepted or refused with the reason, newest first."""
        return page(referral_attempts.attempts(db(), referrer_id=args.get("referrer_id"), outcome=args.get("outcome"),
                                               reason=args.get("reason"), limit=args["limit"],
                                               offset=args["offset"]), args)


@blp.route("/attempts/counts/<int:referrer_id>")
class AttemptCountsOf(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, AttemptCounts)
    @requires(*READ)
    def get(self, referrer_id: int) -> object:
        """How often the customer tried to refer: in all, accepted, refused, and refused by reason."""
        return referral_attempts.counts(db(), referrer_id)


@blp.route("/<int:referral_id>")
class Referral(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, ReferralDetail)
    @requires(*READ)
    def get(self, referral_id: int) -> object:
        """One referral with both people's names, the reward's voucher, the tries at this person and its
        process's open tasks."""
        session = db()
        referral = referrals.get_referral(session, referral_id)
        return _row(referral, referral_detail.detail(session, referral))
