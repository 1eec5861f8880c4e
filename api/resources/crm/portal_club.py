"""The loyalty club on the portal: a member asks for their club link by SMS with their mobile number, opens
their statement from it (tier and benefits, balance, points about to lapse, ledger, vouchers, referral code,
the catalogue) and takes a reward there.

Public (``security: []``), rate limited per client address like the rest of the portal. Asking for a link
answers the same whether or not the number is a customer's, so numbers cannot be probed; the link goes only to
the mobile number on record and lasts seven days. A link that does not hold answers 404, an expired one 410.
Whoever holds a link can turn the member's points into rewards, but a voucher is the member's own (spent only
on their purchases) and a gift is handed over by staff: a forwarded link gives nothing away to anyone else."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.club import LINK_PURPOSE, club_key, send_club_link
from api.commands import command
from api.composition import ravand_ctx
from api.context import db, ravand
from api.errors import problem
from api.resources.crm.loyalty_club import ClubStatementSchema
from api.resources.crm.portal import PUBLIC, limited
from api.resources.crm.portal import blp as portal_blp
from crm import loyalty, loyalty_rewards, loyalty_statement, signed_links
from crm.models import Customer, Voucher
from crm.phones import normalise_mobile

blp = Blueprint("crm_portal_club", __name__, url_prefix=portal_blp.url_prefix,
                description="The customer portal: the loyalty club (public)")
CUSTOMER_ACTOR = "customer"


class ClubLinkIn(Schema):
    mobile = fields.String(required=True, validate=validate.Length(1, 40),
                           error_messages={"required": "required / لازم است"},
                           metadata={"description": "the mobile number the customer gave us"})


class ClubLinkAsked(Schema):
    status = fields.String(metadata={"description": "sent_if_known: a customer with this number gets the link"})


class PortalRewardTaken(Schema):
    id = fields.Integer()
    state = fields.String(metadata={"enum": ["issued", "requested"]})
    points = fields.Integer()
    balance = fields.Integer(metadata={"description": "points left"})
    voucher_code = fields.String(allow_none=True)


def _member(token: str) -> int | Response:
    try:
        return signed_links.read(club_key(ravand()), LINK_PURPOSE, token).record_id
    except signed_links.LinkRefused as refused:
        if refused.reason == "expired":
            return problem(410, "Gone", "this link has expired; ask for a new one", reason="expired")
        return problem(404, "Not Found", "this link does not open a club statement", reason="invalid")


@blp.route("/club/link")
class ClubLinkAskedView(MethodView):
    @limited("write")
    @blp.doc(security=PUBLIC)
    @blp.arguments(ClubLinkIn)
    @blp.response(202, ClubLinkAsked)
    @blp.alt_response(422, description="Not a mobile number")
    @blp.alt_response(429, description="Too many requests from this address; see Retry-After")
    def post(self, body: dict) -> object:
        """Send the club link by SMS to this mobile number if it is a customer's (the answer does not say)."""
        mobile = normalise_mobile(body["mobile"])

        def send(session: Session) -> None:
            found = session.scalars(select(Customer.id).where(Customer.mobile == mobile)
                                    .order_by(Customer.id.desc())).first()
            if found is not None:
                send_club_link(ravand_ctx(session, CUSTOMER_ACTOR), ravand(), found)

        command(send)
        return {"status": "sent_if_known"}


@blp.route("/club/<token>")
class ClubStatement(MethodView):
    @limited("read")
    @blp.doc(security=PUBLIC)
    @blp.response(200, ClubStatementSchema)
    @blp.alt_response(404, description="The link does not hold")
    @blp.alt_response(410, description="The link has expired")
    @blp.alt_response(429, description="Too many requests from this address; see Retry-After")
    def get(self, token: str) -> object:
        """The member's statement."""
        member = _member(token)
        return member if isinstance(member, Response) else loyalty_statement.statement(db(), member)


@blp.route("/club/<token>/rewards/<int:reward_id>")
class ClubReward(MethodView):
    @limited("write")
    @blp.doc(security=PUBLIC)
    @blp.response(201, PortalRewardTaken)
    @blp.alt_response(404, description="The link does not hold, or no such reward")
    @blp.alt_response(410, description="The link has expired")
    @blp.alt_response(422, description="Not enough points, out of stock, or no longer offered")
    @blp.alt_response(429, description="Too many requests from this address; see Retry-After")
    def post(self, token: str, reward_id: int) -> object:
        """Take a reward: a voucher is issued at once (its code in the answer); a gift is handed over later."""
        member = _member(token)
        if isinstance(member, Response):
            return member

        def take(session: Session) -> dict[str, Any]:
            ctx = ravand_ctx(session, CUSTOMER_ACTOR)
            taken = loyalty_rewards.take(ctx, member, reward_id, channel="portal")
            voucher = session.get(Voucher, taken.voucher_id) if taken.voucher_id else None
            return {"id": taken.id, "state": taken.state, "points": taken.points,
                    "balance": loyalty.account(session, member).points,
                    "voucher_code": voucher.code if voucher else None}

        return command(take)

