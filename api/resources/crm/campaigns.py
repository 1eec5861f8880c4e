"""Segments and campaigns (``crm.segments``, ``crm.campaigns``): ``/segments`` (saved, dynamic customer sets, a
preview of who matches now), ``/campaigns`` (written as a draft, sent, cancelled; its report), the opt-out of
a customer (``/portal/opt-out/{token}``, public, from the link in a campaign e-mail) and of a number that
replied with the keyword (``POST /sms/inbound/{token}``, the SMS panel's forward of received messages).

Administrators and the ``managers`` and ``marketing`` groups write segments and campaigns; other employees and
auditors read them and their reports."""

from __future__ import annotations

import hmac
from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import Forbidden, NotFound, TooManyRequests

from api.campaign_sending import opt_out_key
from api.commands import command
from api.composition import ravand_ctx
from api.context import db, ravand
from api.guard import BEARER, current_principal, requires
from api.ratelimit import Limit, limiter
from api.resources.common import ID, PageArgs, page, page_schema
from api.resources.crm.portal import PORTAL_ACTOR, PUBLIC, limited
from api.resources.crm.shared import act
from crm import campaigns, segments
from crm.errors import Rejected

blp = Blueprint("crm_campaigns", __name__, url_prefix="/api/v1", description="Customer segments and campaigns")
READERS = ("admin", "employee", "auditor")
WRITERS_GROUPS = frozenset({"managers", "marketing"})


def _may_write() -> None:
    principal = current_principal()
    if principal.role != "admin" and not WRITERS_GROUPS & set(principal.groups):
        raise Forbidden("only administrators, managers and marketing write segments and campaigns / "
                        "فقط مدیر سامانه، مدیران و بازاریابی بخش و کارزار می‌سازند")


# -- segments -------------------------------------------------------------------------------------

class SegmentIn(Schema):
    name = fields.String(required=True, metadata={"description": "unique"})
    rules = fields.Dict(load_default=dict, metadata={"description": "see crm.segments: status, kind, regions, "
                                                                     "tiers, segments, channels, locales, min_clv, "
                                                                     "max_clv, bought_within_days, "
                                                                     "not_bought_within_days, owner, has"})


class SegmentPatch(Schema):
    name = fields.String()
    rules = fields.Dict()


class RulesIn(Schema):
    rules = fields.Dict(load_default=dict)


class SegmentSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    rules = fields.Dict()
    members = fields.Integer(metadata={"description": "customers who match now"})
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)
    updated_at = fields.DateTime()


class MemberSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    mobile = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    tier = fields.String()
    lifetime_value = fields.Integer(metadata={"description": "rials, estimated"})


class PreviewSchema(Schema):
    members = fields.Integer()
    sample = fields.List(fields.Nested(MemberSchema), metadata={"description": "the first 20"})


def _segment(segment: Any) -> dict[str, Any]:
    return {"id": segment.id, "name": segment.name, "rules": segment.rules, "created_at": segment.created_at,
            "created_by": segment.created_by, "updated_at": segment.updated_at,
            "members": segments.count_members(db(), segment.rules)}


def _preview(rules: dict[str, Any]) -> dict[str, Any]:
    sample = [{"id": c.id, "name": c.person_name or c.company_name or "", "mobile": c.mobile, "email": c.email,
               "region": c.region, "tier": account.tier if account else "bronze",
               "lifetime_value": account.lifetime_value if account else 0}
              for c, account in segments.members(db(), rules, limit=20)]
    return {"members": segments.count_members(db(), rules), "sample": sample}


@blp.route("/segments")
class Segments(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, SegmentSchema(many=True))
    @requires(*READERS)
    def get(self) -> object:
        """Every saved segment with how many customers match it now, by name."""
        return [_segment(s) for s in segments.list_segments(db())]

    @blp.doc(security=BEARER)
    @blp.arguments(SegmentIn)
    @blp.response(201, SegmentSchema)
    @blp.alt_response(403, description="Only administrators, managers and marketing")
    @blp.alt_response(409, description="A segment of that name exists")
    @requires(*READERS)
    def post(self, body: dict) -> object:
        """Save a segment."""
        _may_write()
        return _segment(act(lambda ctx: segments.create_segment(ctx, body)))


@blp.route("/segments/preview")
class SegmentPreview(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(RulesIn)
    @blp.response(200, PreviewSchema)
    @requires(*READERS)
    def post(self, body: dict) -> object:
        """Who rules not saved yet pick now: the count and the first 20 (the editor's preview)."""
        return _preview(segments.check_rules(body["rules"]))


@blp.route("/segments/<int:segment_id>")
class OneSegment(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, PreviewSchema)
    @requires(*READERS)
    def get(self, segment_id: int) -> object:
        """Who the segment picks now: the count and the first 20."""
        return _preview(segments.get_segment(db(), segment_id).rules)

    @blp.doc(security=BEARER)
    @blp.arguments(SegmentPatch)
    @blp.response(200, SegmentSchema)
    @requires(*READERS)
    def patch(self, body: dict, segment_id: int) -> object:
        """Rename a segment or change its rules (campaigns sent already keep what they sent)."""
        _may_write()
        return _segment(act(lambda ctx: segments.update_segment(ctx, segments.get_segment(ctx.session, segment_id),
                                                                body)))

    @blp.doc(security=BEARER)
    @blp.response(204)
    @blp.alt_response(409, description="Campaigns were sent to it")
    @requires(*READERS)
    def delete(self, segment_id: int) -> None:
        """Remove a segment no campaign names."""
        _may_write()
        act(lambda ctx: segments.delete_segment(ctx, segments.get_segment(ctx.session, segment_id)))


# -- campaigns ------------------------------------------------------------------------------------

class CampaignIn(Schema):
    name = fields.String(required=True)
    channel = fields.String(required=True, metadata={"description": "sms | email"})
    segment_id = fields.Integer(required=True, validate=validate.Range(1, ID))
    subject = fields.String(allow_none=True, metadata={"description": "e-mail"})
    body_fa = fields.String(required=True, metadata={"description": "Persian text; {name} is the customer's name"})
    body_en = fields.String(required=True, metadata={"description": "English text; {name} is the customer's name"})
    start_at = fields.String(allow_none=True, metadata={"description": "ISO 8601; none: when sent"})
    rate_per_minute = fields.Integer(metadata={"description": "the throttle (default 60)"})
    attribution_days = fields.Integer(metadata={"description": "days a message earns purchases (default 14)"})


class CampaignChanges(CampaignIn):
    """A draft's fields to change (any of them)."""


class ReportSchema(Schema):
    members_now = fields.Integer(metadata={"description": "a draft: customers the segment picks now"})
    queued = fields.Integer()
    skipped = fields.Integer(metadata={"description": "members without an address on the channel or opted out"})
    sent = fields.Integer()
    delivered = fields.Integer()
    failed = fields.Integer()
    pending = fields.Integer()
    opt_outs = fields.Integer()
    leads = fields.Integer()
    buyers = fields.Integer()
    purchases = fields.Integer()
    revenue = fields.Integer(metadata={"description": "rials of purchases credited to the campaign"})
    cost = fields.Integer(metadata={"description": "rials the SMS panel charged"})
    cost_known = fields.Boolean(metadata={"description": "false when the panel did not say what some cost"})
    return_ratio = fields.Float(allow_none=True, metadata={"description": "(revenue − cost) / cost"})


class CampaignSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    channel = fields.String()
    segment_id = fields.Integer()
    segment_name = fields.String()
    subject = fields.String(allow_none=True)
    body_fa = fields.String()
    body_en = fields.String()
    state = fields.String(metadata={"description": "draft | sending | sent | cancelled"})
    start_at = fields.DateTime(allow_none=True)
    rate_per_minute = fields.Integer()
    attribution_days = fields.Integer()
    queued = fields.Integer()
    skipped = fields.Integer()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)
    sms_parts = fields.Dict(metadata={"description": "billed parts of each language's SMS"})
    report = fields.Nested(ReportSchema)


class CampaignArgs(PageArgs):
    state = fields.String(validate=validate.OneOf(campaigns.STATES))


CampaignPage = page_schema(CampaignSchema, "CampaignPage")
SHOWN = ("id", "name", "channel", "segment_id", "subject", "body_fa", "body_en", "state", "start_at", "rate_per_minute",
         "attribution_days", "queued", "skipped", "started_at", "finished_at", "created_at", "created_by")


def _campaign(campaign: Any, with_report: bool = True) -> dict[str, Any]:
    session = db()
    shown = {name: getattr(campaign, name) for name in SHOWN}
    shown["segment_name"] = segments.get_segment(session, campaign.segment_id).name
    shown["sms_parts"] = campaigns.sms_parts_of(campaign) if campaign.channel == "sms" else {}
    if with_report:
        result = campaigns.report(session, campaign)
        shown["report"] = {**vars(result), "return_ratio": result.return_ratio}
    return shown


@blp.route("/campaigns")
class Campaigns(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(CampaignArgs, location="query")
    @blp.response(200, CampaignPage)
    @requires(*READERS)
    def get(self, args: dict) -> object:
        """Campaigns, newest first, each with its report."""
        items, total = campaigns.list_campaigns(db(), state=args.get("state"), limit=args["limit"],
                                                offset=args["offset"])
        return page(([_campaign(c) for c in items], total), args)

    @blp.doc(security=BEARER)
    @blp.arguments(CampaignIn)
    @blp.response(201, CampaignSchema)
    @requires(*READERS)
    def post(self, body: dict) -> object:
        """Write a campaign (a draft)."""
        _may_write()
        return _campaign(act(lambda ctx: campaigns.create_campaign(ctx, body)))


@blp.route("/campaigns/<int:campaign_id>")
class OneCampaign(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, CampaignSchema)
    @requires(*READERS)
    def get(self, campaign_id: int) -> object:
        """A campaign and its report: reach, deliveries, responses, opt-outs, revenue, cost and return."""
        return _campaign(campaigns.get_campaign(db(), campaign_id))

    @blp.doc(security=BEARER)
    @blp.arguments(CampaignChanges(partial=True))
    @blp.response(200, CampaignSchema)
    @blp.alt_response(409, description="Only a draft is changed")
    @requires(*READERS)
    def patch(self, body: dict, campaign_id: int) -> object:
        """Change a draft."""
        _may_write()
        return _campaign(act(lambda ctx: campaigns.update_campaign(
            ctx, campaigns.get_campaign(ctx.session, campaign_id), body)))


@blp.route("/campaigns/<int:campaign_id>/send")
class SendCampaign(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, CampaignSchema)
    @blp.alt_response(409, description="Sent already")
    @requires(*READERS)
    def post(self, campaign_id: int) -> object:
        """Send a draft: its members are queued into the outbox in batches from now on, each message due at
        its place in the pace (``rate_per_minute`` from ``start_at``)."""
        _may_write()
        return _campaign(act(lambda ctx: campaigns.send(ctx, campaigns.get_campaign(ctx.session, campaign_id))))


@blp.route("/campaigns/<int:campaign_id>/cancel")
class CancelCampaign(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, CampaignSchema)
    @blp.alt_response(409, description="Cancelled already")
    @requires(*READERS)
    def post(self, campaign_id: int) -> object:
        """Stop a campaign: its messages not sent yet are taken back."""
        _may_write()

        def stop(ctx: Any) -> Any:
            campaign = campaigns.get_campaign(ctx.session, campaign_id)
            campaigns.cancel(ctx, campaign)
            return campaign

        return _campaign(act(stop))


# -- opting out -----------------------------------------------------------------------------------

class OptOutView(Schema):
    channel = fields.String(metadata={"description": "sms | email"})
    address = fields.String(metadata={"description": "masked: the last characters only"})
    opted_out = fields.Boolean()


def _masked(address: str | None) -> str:
    if not address:
        return ""
    if "@" in address:
        name, domain = address.split("@", 1)
        return f"{name[:1]}…@{domain}"
    return f"…{address[-4:]}"


def _view(session: Any, target: campaigns.LinkTarget) -> dict[str, Any]:
    stopped = bool(target.address) and bool(campaigns.opted_out(session, target.campaign.channel, [target.address]))
    return {"channel": target.campaign.channel, "address": _masked(target.address), "opted_out": stopped}


def _target(token: str) -> campaigns.LinkTarget:
    try:
        return campaigns.read_link(db(), opt_out_key(ravand()), token)
    except Rejected:
        raise NotFound("this link is not valid / این پیوند معتبر نیست") from None


@blp.route("/portal/opt-out/<token>")
class PortalOptOut(MethodView):
    @limited("read")
    @blp.doc(security=PUBLIC)
    @blp.response(200, OptOutView)
    @blp.alt_response(404, description="Not a link Ravand made")
    @blp.alt_response(429, description="Too many requests from this address; see Retry-After")
    def get(self, token: str) -> object:
        """What the opt-out link in a campaign message stops (the address masked)."""
        return _view(db(), _target(token))

    @limited("write")
    @blp.doc(security=PUBLIC)
    @blp.response(200, OptOutView)
    @blp.alt_response(404, description="Not a link Ravand made")
    @blp.alt_response(429, description="Too many requests from this address; see Retry-After")
    def post(self, token: str) -> object:
        """Stop the campaigns to this address on this channel (service messages still come)."""
        _target(token)  # 404 before anything is written
        secret = opt_out_key(ravand())
        return command(lambda s: _view(s, campaigns.opt_out_by_link(ravand_ctx(s, PORTAL_ACTOR), secret, token)))


class InboundIn(Schema):
    sender = fields.String(data_key="from", metadata={"description": "the number that wrote (Kavenegar's field)"})
    mobile = fields.String(metadata={"description": "the number that wrote, as other panels name it"})
    message = fields.String(metadata={"description": "the text (Kavenegar's field)"})
    text = fields.String(metadata={"description": "the text, as other panels name it"})

    class Meta:
        unknown = "exclude"


class InboundOut(Schema):
    opted_out = fields.Boolean()


WRONG_INBOUND_PER_MINUTE = 10  # wrong secrets an address may try a minute (right ones are never limited)


@blp.route("/sms/inbound/<token>")
class InboundSms(MethodView):
    @blp.doc(security=PUBLIC)
    @blp.arguments(InboundIn, location="form")
    @blp.response(200, InboundOut)
    @blp.alt_response(404, description="Not the address the panel was given")
    @blp.alt_response(429, description="Too many requests from this address; see Retry-After")
    def post(self, body: dict, token: str) -> object:
        """A message a customer sent to the SMS line, as the panel forwards it (form fields ``from`` and
        ``message``). The opt-out keyword (لغو، ۱۱) stops campaigns to that number. The address's last part
        is the ``sms_inbound_token`` setting; replies are not rate limited (a busy campaign's come from the
        panel's one address), wrong secrets are (10 a minute an address)."""
        expected = ravand().settings.sms_inbound_token
        if not expected or not hmac.compare_digest(token, expected):
            # the panel forwards every reply from one address: only wrong secrets are counted against it
            wrong = Limit("sms.inbound.wrong", WRONG_INBOUND_PER_MINUTE)
            verdict = limiter().hit([(wrong, request.remote_addr or "-")])
            if not verdict.allowed:
                raise TooManyRequests("too many wrong addresses; wait a minute")
            raise NotFound("not found")
        sender, text = body.get("sender") or body.get("mobile") or "", body.get("message") or body.get("text") or ""
        if not sender:
            return {"opted_out": False}
        stopped = command(lambda s: campaigns.record_reply(ravand_ctx(s, "sms-inbound"), sender, text))
        return {"opted_out": stopped is not None or campaigns.is_opt_out_keyword(text)}

