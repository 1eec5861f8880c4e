"""Referrals: a customer hands on their referral code; the person they refer becomes a lead, may buy,
and the referrer is rewarded (loyalty points, or a discount voucher).

pending → lead → purchased → rewarded or declined (refused at review, e.g. as fraud); pending or lead →
expired. Refused outright (``Refusal``, with a reason key): referring oneself, referring someone who is
already a customer, and referring a person who already has a referral under way; an unknown code is an
``InvalidRecord`` on ``code``. Every attempt, accepted or refused, is recorded (``crm.referral_attempts``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from crm.clock import utcnow
from crm.customers import find_customer_by_referral_code, find_duplicates
from crm.errors import InvalidRecord, Rejected
from crm.list_filters import referral_conditions
from crm.loyalty import credit
from crm.models import Customer, Lead, Referral
from crm.sorting import ordered
from crm.text import name_key
from crm.unit import Ctx
from crm.validation import Form, fetch, fetch_in, page, required_text
from crm.vouchers import issue as issue_voucher

STATUSES = ("pending", "lead", "purchased", "rewarded", "declined", "expired")
UNDER_WAY = ("pending", "lead")
KINDS = ("points", "discount")
VOUCHER_DAYS = 180  # a discount reward's voucher is valid this long
NOTE_SIZE = 2000  # the referrer's note about the person referred


REFUSALS = {  # reason key → the message, in English and Persian
    "self_referral": "a customer cannot refer themselves / مشتری نمی‌تواند خودش را معرفی کند",
    "existing_customer": "the referred person is already a customer; referrals are for new customers / "
                         "فرد معرفی‌شده از پیش مشتری است؛ معرفی برای مشتریان تازه است",
    "already_referred": "this person has already been referred and the referral is still under way / "
                        "این فرد پیش‌تر معرفی شده و آن معرفی هنوز باز است",
}


class Refusal(Rejected):
    """A referral refused at intake; ``reason`` is a key of ``REFUSALS``."""

    def __init__(self, reason: str) -> None:
        super().__init__(REFUSALS[reason])
        self.reason = reason


def get_referral(session: Session, referral_id: int, *, lock: bool = False) -> Referral:
    return fetch(session, Referral, referral_id, "referral", lock=lock)


UNKNOWN_CODE = "no customer has this referral code / هیچ مشتری‌ای این کد معرفی را ندارد"


def _referrer(session: Session, code: Any, name: Any, mobile: Any, email: Any,
              note: Any) -> tuple[Customer, dict[str, Any]]:
    """The referrer and the person's cleaned details; an unknown code is reported with the details' problems."""
    referrer = find_customer_by_referral_code(session, code)
    try:
        values = _referred(name, mobile, email, note)
    except InvalidRecord as exc:
        if referrer is None:
            raise InvalidRecord(exc.message, {"code": [UNKNOWN_CODE], **exc.field_errors}) from exc
        raise
    if referrer is None:
        raise InvalidRecord("unknown referral code / کد معرفی ناشناخته است", {"code": [UNKNOWN_CODE]})
    return referrer, values


def _referred(name: Any, mobile: Any, email: Any, note: Any = None) -> dict[str, Any]:
    form = Form({"referred_name": name, "referred_mobile": mobile, "referred_email": email, "note": note})
    values = {"referred_name": form.text("referred_name", required=True),
              "referred_mobile": form.phone("referred_mobile", mobile=True),
              "referred_email": form.email("referred_email"),
              "note": form.text("note", max_len=NOTE_SIZE, plain=True)}
    if not (values["referred_mobile"] or values["referred_email"] or "referred_mobile" in form.errors
            or "referred_email" in form.errors):
        form.fail("referred_mobile", "give the referred person's mobile or email address / "
                                     "موبایل یا ایمیل فرد معرفی‌شده را بنویسید")
    form.check("the referral is not valid / معرفی کامل نیست")
    return values


def _is_referrer(referrer: Customer, values: dict[str, Any]) -> bool:
    mobile, email, key = values["referred_mobile"], values["referred_email"], name_key(values["referred_name"])
    own_keys = {referrer.name_key, name_key(referrer.person_name), name_key(referrer.company_name)} - {""}
    return bool((mobile and mobile in (referrer.mobile, referrer.phone))
                or (email and referrer.email and email == referrer.email.lower())
                or key in own_keys)


def _already_referred(session: Session, referrer_id: int, values: dict[str, Any]) -> bool:
    """Someone refers this person already (same mobile or email), or this referrer named them already."""
    contacts = []
    if values["referred_mobile"]:
        contacts.append(Referral.referred_mobile == values["referred_mobile"])
    if values["referred_email"]:
        contacts.append(Referral.referred_email == values["referred_email"])
    under_way = select(func.count()).where(Referral.status.in_(UNDER_WAY))
    if session.scalar(under_way.where(or_(*contacts))):
        return True
    key = name_key(values["referred_name"])
    names = session.scalars(select(Referral.referred_name).where(Referral.status.in_(UNDER_WAY),
                                                                 Referral.referrer_id == referrer_id))
    return any(name_key(name) == key for name in names)


def refer(ctx: Ctx, *, code: str, referred_name: str, referred_mobile: str | None = None,
          referred_email: str | None = None, process_instance_id: str | None = None,
          note: str | None = None) -> Referral:
    """Record that the customer whose referral code is ``code`` refers someone (``pending``), with the
    referrer's ``note`` about them (e.g. when to call)."""
    referrer, values = _referrer(ctx.session, code, referred_name, referred_mobile, referred_email, note)
    if _is_referrer(referrer, values):
        raise Refusal("self_referral")
    if find_duplicates(ctx.session, name=values["referred_name"], mobile=values["referred_mobile"],
                       email=values["referred_email"]):
        raise Refusal("existing_customer")
    if _already_referred(ctx.session, referrer.id, values):
        raise Refusal("already_referred")
    referral = Referral(**values, code=referrer.referral_code, referrer_id=referrer.id, status="pending",
                        process_instance_id=process_instance_id)
    return ctx.add(referral, "referral")


def _in(session: Session, referral_id: int, statuses: tuple[str, ...], action: str) -> Referral:
    return fetch_in(session, Referral, referral_id, "referral", statuses, action)


def link_lead(ctx: Ctx, referral_id: int, lead_id: int) -> Referral:
    """The referred person was captured as lead ``lead_id``."""
    referral = _in(ctx.session, referral_id, ("pending",), "linked to a lead")
    fetch(ctx.session, Lead, lead_id, "lead")
    ctx.change(referral, "referral", {"status": "lead", "lead_id": lead_id})
    return referral


def qualified(ctx: Ctx, referral_id: int, customer_id: int) -> Referral:
    """The referred lead qualified as customer ``customer_id``: the purchase window opens now."""
    referral = _in(ctx.session, referral_id, UNDER_WAY, "qualified")
    fetch(ctx.session, Customer, customer_id, "customer")
    ctx.change(referral, "referral", {"referred_customer_id": customer_id, "qualified_at": utcnow()})
    return referral


def mark_purchased(ctx: Ctx, referral_id: int, *, purchase_id: int | None,
                   customer_id: int | None, total: int | None = None) -> Referral:
    """The referred person bought (as customer ``customer_id``, purchase ``purchase_id``; ``total`` rials in
    the purchase window, that purchase included)."""
    referral = _in(ctx.session, referral_id, UNDER_WAY, "marked as purchased")
    if customer_id is not None:
        fetch(ctx.session, Customer, customer_id, "customer")
    ctx.change(referral, "referral", {"status": "purchased", "purchase_id": purchase_id,
                                      "referred_customer_id": customer_id, "purchase_total": total})
    return referral


def reward(ctx: Ctx, referral_id: int, *, kind: str, value: int) -> Referral:
    """Reward the referrer: ``points`` go to their loyalty ledger; a ``discount`` (percent) becomes a voucher
    of the referrer's, valid ``VOUCHER_DAYS`` days, for a later purchase."""
    errors: dict[str, list[str]] = {}
    if kind not in KINDS:
        errors["kind"] = [f"one of: {', '.join(KINDS)}"]
    high = 100 if kind == "discount" else 1_000_000
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
        errors["value"] = [f"a whole number from 1 to {high}"]
    if errors:
        raise InvalidRecord("the reward is not valid", errors)
    referral = _in(ctx.session, referral_id, ("purchased",), "rewarded")
    if kind == "points":
        credit(ctx, referral.referrer_id, value, f"referral {referral.id}", referral_id=referral.id)
    else:
        issue_voucher(ctx, referral.referrer_id, kind="percent", value=value, valid_days=VOUCHER_DAYS,
                      referral_id=referral.id)
    ctx.change(referral, "referral", {"status": "rewarded", "reward_kind": kind, "reward_value": value,
                                      "rewarded_at": utcnow()})
    return referral


def decline(ctx: Ctx, referral_id: int, reason: str) -> Referral:
    """The reward is refused at review (e.g. as fraud): ``declined``, the reason kept; no conversion."""
    text = required_text(reason, "reason", 2000)
    referral = _in(ctx.session, referral_id, ("purchased",), "declined")
    ctx.change(referral, "referral", {"status": "declined", "reject_reason": text, "declined_at": utcnow()})
    return referral


def expire(ctx: Ctx, referral_id: int, reason: str) -> Referral:
    """The referral lapsed (no purchase in time, the person declined); the reason is kept."""
    text = required_text(reason, "reason", 2000)
    referral = _in(ctx.session, referral_id, UNDER_WAY, "expired")
    ctx.change(referral, "referral", {"status": "expired", "reject_reason": text})
    return referral


def referral_query(*, status: str | None = None, referrer_id: int | None = None, **narrow: Any) -> Select[Any]:
    """The select of the referrals ``list_referrals`` filters; ``narrow`` takes
    ``list_filters.referral_conditions``' filters (either person's name or number, a period)."""
    query = select(Referral).where(*referral_conditions(**narrow))
    if status == "converted":  # the referred person bought (what the dashboards count as a conversion)
        query = query.where(Referral.status.in_(("purchased", "rewarded")))
    elif status:
        query = query.where(Referral.status == status)
    if referrer_id is not None:
        query = query.where(Referral.referrer_id == referrer_id)
    return query


def list_referrals(session: Session, *, limit: int = 50, offset: int = 0, sort: str | None = None,
                   **filters: Any) -> tuple[list[Referral], int]:
    """A page of referrals (newest first unless ``sort`` says otherwise) and the total."""
    return page(session, ordered(referral_query(**filters), "referrals", sort), limit, offset)
