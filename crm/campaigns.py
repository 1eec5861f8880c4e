"""Campaigns: an SMS or an e-mail to a customer segment, written in Persian and English (each customer reads
their own language, ``{name}`` their name), queued into the outbox in batches and sent at a pace.

Life: ``draft`` (changed at will) → ``sending`` (its members are being queued, a batch per transaction, the
last queued customer kept in ``cursor`` so that a restarted server goes on where it stopped) → ``sent`` (all
queued; the outbox delivers them over time) or ``cancelled`` (what was not sent yet is taken back).

Each message is due at ``start_at`` plus its place in the queue over ``rate_per_minute`` (the throttle); an SMS
due inside the quiet hours waits for their end. A member without an address on the channel, or whose address
opted out, is skipped. Every SMS ends with the opt-out keyword, every e-mail with its opt-out link; a reply with
the keyword (``record_reply``) or the link (``opt_out_by_link``) stops later campaigns to that address; service
messages (a complaint's, a contract's) still go.

Return: a purchase (and a lead) within ``attribution_days`` of a customer's campaign message counts for the
latest campaign that reached them before it (last touch). ``report`` gives reach, deliveries, responses,
opt-outs, revenue, cost and return."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from crm.clock import as_utc, utcnow
from crm.errors import RecordConflict, RecordNotFound, Rejected, refuse_fields
from crm.messages import sms_parts
from crm.models import Campaign, Customer, Lead, Notification, OptOut, Purchase, Segment
from crm.quiet import quiet_until
from crm.segments import get_segment, members_query
from crm.text import ascii_digits, clean
from crm.unit import Ctx

CHANNELS = ("sms", "email")
STATES = ("draft", "sending", "sent", "cancelled")
MAX_BODY = 1000
MAX_RATE = 6000  # messages a minute
BATCH = 500  # members queued per transaction
OPT_OUT_LINE = {"fa": "لغو۱۱", "en": "Stop: reply 11"}  # the keyword every campaign SMS ends with
EMAIL_FOOTER = {"fa": "برای دریافت نکردن این ایمیل‌ها: {link}", "en": "To stop these e-mails: {link}"}
# a reply that is the keyword, however written: لغو, لغو۱۱, 11, stop (Persian or Arabic letters and digits)
KEYWORD = re.compile(r"^\s*(?:(?:لغو|الغاء|لغو\s*عضویت|stop|unsubscribe)\s*(?:11)?|11)\s*$", re.IGNORECASE)
EDITABLE = ("name", "channel", "segment_id", "subject", "body_fa", "body_en", "start_at", "rate_per_minute",
            "attribution_days")


# -- the campaign as written ----------------------------------------------------------------------

def _text(data: Mapping[str, Any], name: str, limit: int, errors: dict[str, list[str]], required: bool = True) -> Any:
    value = data.get(name)
    if value in (None, "") and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        errors[name] = [f"a text of 1 to {limit} characters"]
        return None
    return value.strip()


def _checked(session: Session, data: Mapping[str, Any], current: Campaign | None = None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    merged = {**({k: getattr(current, k) for k in EDITABLE} if current else {}), **data}
    values: dict[str, Any] = {"name": clean(_text(merged, "name", 120, errors) or "")}
    channel = merged.get("channel")
    if channel not in CHANNELS:
        errors["channel"] = ["sms or email"]
    values["channel"] = channel
    values["body_fa"] = _text(merged, "body_fa", MAX_BODY, errors)
    values["body_en"] = _text(merged, "body_en", MAX_BODY, errors)
    values["subject"] = _text(merged, "subject", 200, errors, required=channel == "email")
    segment_id = merged.get("segment_id")
    if isinstance(segment_id, bool) or not isinstance(segment_id, int) or session.get(Segment, segment_id) is None:
        errors["segment_id"] = ["a saved segment"]
    values["segment_id"] = segment_id
    for name, default, top in (("rate_per_minute", 60, MAX_RATE), ("attribution_days", 14, 365)):
        value = merged.get(name, default)
        value = default if value is None else value
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            errors[name] = [f"a whole number from 1 to {top}"]
        values[name] = value
    start = merged.get("start_at")
    if isinstance(start, str):
        try:
            start = datetime.fromisoformat(start)
        except ValueError:
            errors["start_at"] = ["a date and time (ISO 8601)"]
    if start is not None and not isinstance(start, datetime):
        errors["start_at"] = ["a date and time (ISO 8601)"]
    values["start_at"] = as_utc(start) if isinstance(start, datetime) else None
    refuse_fields(errors)
    return values


def create_campaign(ctx: Ctx, data: Mapping[str, Any]) -> Campaign:
    values = _checked(ctx.session, data)
    return ctx.add(Campaign(**values, state="draft", cursor=0, queued=0, skipped=0), "campaign")


def get_campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise RecordNotFound(f"campaign {campaign_id} not found")
    return campaign


def update_campaign(ctx: Ctx, campaign: Campaign, data: Mapping[str, Any]) -> Campaign:
    if campaign.state != "draft":
        raise RecordConflict(f"the campaign is {campaign.state}: only a draft is changed")
    unknown = sorted(set(data) - set(EDITABLE))
    if unknown:
        refuse_fields({name: ["not a field of a campaign"] for name in unknown})
    ctx.change(campaign, "campaign", _checked(ctx.session, data, campaign))
    return campaign


def list_campaigns(session: Session, *, state: str | None = None, limit: int = 50,
                   offset: int = 0) -> tuple[list[Campaign], int]:
    query = select(Campaign)
    if state:
        query = query.where(Campaign.state == state)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return list(session.scalars(query.order_by(Campaign.id.desc()).limit(limit).offset(offset))), total


def text_for(campaign: Campaign, locale: str, name: str, link: str | None = None) -> str:
    """A member's message: the text in their language with their name, and the way to opt out."""
    lang = "en" if locale == "en" else "fa"
    body = (campaign.body_en if lang == "en" else campaign.body_fa).replace("{name}", name)
    if campaign.channel == "sms":
        return f"{body}\n{OPT_OUT_LINE[lang]}"
    return f"{body}\n\n{EMAIL_FOOTER[lang].format(link=link or '')}"


def sms_parts_of(campaign: Campaign) -> dict[str, int]:
    """Billed SMS parts of each language's text with a typical name and the opt-out line."""
    return {lang: sms_parts(text_for(campaign, lang, "سیدمحمدحسین حسینی‌نژاد" if lang == "fa" else "Alexandra Williams"))
            for lang in ("fa", "en")}


def send(ctx: Ctx, campaign: Campaign, now: datetime | None = None) -> Campaign:
    """Start sending a draft: its members are queued by ``queue_batch`` from now on."""
    if campaign.state != "draft":
        raise RecordConflict(f"the campaign is {campaign.state}: it was sent already")
    _checked(ctx.session, {}, campaign)
    moment = as_utc(now) if now else utcnow()
    ctx.change(campaign, "campaign", {"state": "sending", "started_at": moment,
                                      "start_at": max(campaign.start_at or moment, moment)})
    return campaign


def cancel(ctx: Ctx, campaign: Campaign) -> int:
    """Stop a campaign: no more members are queued and its messages not sent yet are taken back (failed, with
    the reason); returns how many were taken back."""
    ctx.session.refresh(campaign, with_for_update=True)  # the sending job's batch, if one runs, lands first
    if campaign.state not in ("draft", "sending", "sent"):
        raise RecordConflict(f"the campaign is {campaign.state} already")
    taken = ctx.session.execute(
        update(Notification).where(Notification.campaign_id == campaign.id, Notification.status == "pending")
        .values(status="failed", next_attempt_at=None, last_error="the campaign was cancelled")).rowcount
    ctx.change(campaign, "campaign", {"state": "cancelled", "finished_at": utcnow()}, taken_back=taken)
    return int(taken or 0)


# -- opting out -----------------------------------------------------------------------------------

def _address(channel: str, raw: str) -> str:
    return raw.strip().lower() if channel == "email" else re.sub(r"[^\d+]", "", ascii_digits(raw))


def opted_out(session: Session, channel: str, addresses: list[str]) -> set[str]:
    if not addresses:
        return set()
    return set(session.scalars(select(OptOut.address).where(OptOut.channel == channel,
                                                            OptOut.address.in_(addresses))))


def record_opt_out(ctx: Ctx, channel: str, address: str, how: str, *, customer_id: int | None = None,
                   campaign_id: int | None = None) -> OptOut | None:
    """Keep that ``address`` wants no campaign on ``channel``; None when it had asked already."""
    address = _address(channel, address)
    if ctx.session.scalar(select(OptOut.id).where(OptOut.channel == channel, OptOut.address == address)):
        return None
    return ctx.add(OptOut(channel=channel, address=address, how=how, customer_id=customer_id,
                          campaign_id=campaign_id, at=utcnow()), "opt_out")


def _last_campaign_message(session: Session, channel: str, address: str) -> Notification | None:
    return session.scalars(select(Notification).where(
        Notification.channel == channel, Notification.recipient == address, Notification.campaign_id.is_not(None))
        .order_by(Notification.id.desc()).limit(1)).first()


def is_opt_out_keyword(text: str) -> bool:
    return bool(KEYWORD.match(ascii_digits(text or "").replace("ي", "ی").replace("ك", "ک")))


def record_reply(ctx: Ctx, sender: str, text: str) -> OptOut | None:
    """An SMS a customer sent to the line: the opt-out keyword opts the number out of campaigns (counted for
    the campaign that last wrote to it); any other reply is left to the people reading the panel."""
    if not is_opt_out_keyword(text):
        return None
    number = _address("sms", sender)
    if number.startswith("0") and len(number) == 11:
        number = "+98" + number[1:]
    elif number.startswith("98") and len(number) == 12:
        number = "+" + number
    elif number.startswith("9") and len(number) == 10:
        number = "+98" + number
    last = _last_campaign_message(ctx.session, "sms", number)
    return record_opt_out(ctx, "sms", number, "keyword", customer_id=last.customer_id if last else None,
                          campaign_id=last.campaign_id if last else None)


def _mac(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), ("opt-out|" + text).encode(), hashlib.sha256).hexdigest()[:24]


def link_token(secret: str, customer_id: int, campaign_id: int) -> str:
    body = f"{customer_id}.{campaign_id}"
    return f"{body}.{_mac(secret, body)}"


@dataclass(frozen=True)
class LinkTarget:
    customer: Customer
    campaign: Campaign
    address: str | None


def read_link(session: Session, secret: str, token: str) -> LinkTarget:
    """Whom an opt-out link speaks for; ``Rejected`` when it was not made here."""
    parts = (token or "").split(".")
    if len(parts) != 3 or not all(p.isdigit() and len(p) <= 10 for p in parts[:2]):
        raise Rejected("this link is not valid")
    if not hmac.compare_digest(parts[2], _mac(secret, f"{parts[0]}.{parts[1]}")):
        raise Rejected("this link is not valid")
    customer, campaign = session.get(Customer, int(parts[0])), session.get(Campaign, int(parts[1]))
    if customer is None or campaign is None:
        raise Rejected("this link is not valid")
    address = customer.email if campaign.channel == "email" else customer.mobile
    return LinkTarget(customer, campaign, _address(campaign.channel, address) if address else None)


def opt_out_by_link(ctx: Ctx, secret: str, token: str) -> LinkTarget:
    target = read_link(ctx.session, secret, token)
    if target.address:
        record_opt_out(ctx, target.campaign.channel, target.address, "link", customer_id=target.customer.id,
                       campaign_id=target.campaign.id)
    return target


# -- queueing -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pace:
    """How the queued messages are spread: the quiet hours and zone of SMS, the link maker of e-mail."""

    quiet_hours: str | None = None
    zone: str | None = None
    link: Callable[[int, int], str] | None = None  # (customer id, campaign id) → the opt-out page


def sending(session: Session) -> list[int]:
    return list(session.scalars(select(Campaign.id).where(Campaign.state == "sending").order_by(Campaign.id)))


def queue_batch(ctx: Ctx, campaign_id: int, pace: Pace, *, batch: int = BATCH, now: datetime | None = None) -> int:
    """Queue the next ``batch`` members of a sending campaign into the outbox (one journal entry for the
    batch); the campaign is ``sent`` once none are left. Returns how many members were read (0: done)."""
    campaign = ctx.session.get(Campaign, campaign_id, with_for_update=True)
    if campaign is None or campaign.state != "sending":
        return 0
    moment = as_utc(now) if now else utcnow()
    segment = get_segment(ctx.session, campaign.segment_id)
    query = members_query(segment.rules, moment).where(Customer.id > campaign.cursor).limit(batch)
    members = list(ctx.session.scalars(query))
    if not members:
        ctx.change(campaign, "campaign", {"state": "sent", "finished_at": moment})
        return 0
    field = "mobile" if campaign.channel == "sms" else "email"
    addresses = {m.id: _address(campaign.channel, getattr(m, field)) for m in members if getattr(m, field)}
    stopped = opted_out(ctx.session, campaign.channel, list(addresses.values()))
    start = campaign.start_at or moment
    rows = []
    for member in members:
        address = addresses.get(member.id)
        if not address or address in stopped:
            continue
        due = start + timedelta(minutes=(campaign.queued + len(rows)) / campaign.rate_per_minute)
        if campaign.channel == "sms":
            due = quiet_until(due, pace.quiet_hours, pace.zone) or due
        link = pace.link(member.id, campaign.id) if pace.link and campaign.channel == "email" else None
        name = member.person_name or member.company_name or ""
        rows.append({
            "channel": campaign.channel, "recipient": address, "body": text_for(campaign, member.locale, name, link),
            "subject": campaign.subject if campaign.channel == "email" else None, "template": None,
            "status": "pending", "attempts": 0, "next_attempt_at": due, "created_at": moment,
            "customer_id": member.id, "campaign_id": campaign.id})
    if rows:
        ctx.session.execute(insert(Notification), rows)  # one statement for the batch
    skipped = len(members) - len(rows)
    campaign.cursor, campaign.queued, campaign.skipped = members[-1].id, campaign.queued + len(rows), \
        campaign.skipped + skipped
    ctx.session.flush()
    ctx.record("crm.campaign.queued", record="campaign", id=campaign.id, queued=len(rows), skipped=skipped,
               customers=[members[0].id, members[-1].id])
    return len(members)


# -- the report -----------------------------------------------------------------------------------

@dataclass
class Report:
    members_now: int = 0
    queued: int = 0
    skipped: int = 0
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    pending: int = 0
    opt_outs: int = 0
    leads: int = 0
    buyers: int = 0
    purchases: int = 0
    revenue: int = 0
    cost: int = 0
    cost_known: bool = True

    @property
    def return_ratio(self) -> float | None:
        """(revenue − cost) / cost; None without a known cost."""
        return (self.revenue - self.cost) / self.cost if self.cost and self.cost_known else None


def _touches(session: Session, customer_ids: set[int], since: datetime) -> dict[int, list[tuple[datetime, int]]]:
    """Every campaign message sent to those customers since ``since``: (when, campaign) by customer."""
    found: dict[int, list[tuple[datetime, int]]] = {}
    ids = list(customer_ids)
    for start in range(0, len(ids), 900):
        rows = session.execute(select(Notification.customer_id, Notification.sent_at, Notification.campaign_id).where(
            Notification.customer_id.in_(ids[start:start + 900]), Notification.campaign_id.is_not(None),
            Notification.status == "sent", Notification.sent_at >= since))
        for customer_id, sent_at, campaign_id in rows:
            found.setdefault(customer_id, []).append((as_utc(sent_at), campaign_id))
    return found


def _credited(touches: list[tuple[datetime, int]], at: datetime, window: timedelta) -> int | None:
    """The campaign of the latest message before ``at`` within ``window`` (last touch)."""
    before = [t for t in touches if t[0] <= at <= t[0] + window]
    return max(before)[1] if before else None


def report(session: Session, campaign: Campaign, now: datetime | None = None) -> Report:
    moment = as_utc(now) if now else utcnow()
    result = Report(queued=campaign.queued, skipped=campaign.skipped)
    segment = get_segment(session, campaign.segment_id)
    if campaign.state == "draft":
        query = members_query(segment.rules, moment).subquery()
        result.members_now = int(session.scalar(select(func.count()).select_from(query)) or 0)
    counts = session.execute(select(Notification.status, Notification.delivery, func.count(),
                                    func.coalesce(func.sum(Notification.cost_rial), 0),
                                    func.count(Notification.cost_rial))
                             .where(Notification.campaign_id == campaign.id)
                             .group_by(Notification.status, Notification.delivery))
    for status, delivery, count, cost, priced in counts:
        if status == "sent":
            result.sent += count
            result.delivered += count if delivery == "delivered" else 0
            result.cost += int(cost)
            result.cost_known = result.cost_known and (priced == count or campaign.channel == "email")
        elif status == "failed":
            result.failed += count
        elif status in ("pending", "kept"):
            result.pending += count
    result.opt_outs = int(session.scalar(select(func.count(OptOut.id)).where(OptOut.campaign_id == campaign.id)) or 0)
    reached = {customer_id: at for customer_id, at in session.execute(
        select(Notification.customer_id, func.min(Notification.sent_at)).where(
            Notification.campaign_id == campaign.id, Notification.status == "sent").group_by(Notification.customer_id))}
    if not reached:
        return result
    first = min(as_utc(at) for at in reached.values())
    window = timedelta(days=campaign.attribution_days)
    touches = _touches(session, set(reached), first)
    ids = list(reached)
    buyers: set[int] = set()
    counted: set[int] = set()
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        for customer_id, at, amount in session.execute(
                select(Purchase.customer_id, Purchase.purchased_at, Purchase.amount).where(
                    Purchase.customer_id.in_(chunk), Purchase.purchased_at >= first)):
            if _credited(touches.get(customer_id, []), as_utc(at), window) == campaign.id:
                result.purchases += 1
                result.revenue += int(amount)
                buyers.add(customer_id)
        for lead_id, customer_id, at in _leads_of(session, campaign, chunk, first):
            if lead_id not in counted and _credited(touches.get(customer_id, []), as_utc(at), window) == campaign.id:
                counted.add(lead_id)
    result.buyers, result.leads = len(buyers), len(counted)
    return result


def _leads_of(session: Session, campaign: Campaign, customer_ids: list[int],
              since: datetime) -> list[tuple[int, int, datetime]]:
    """Leads since ``since`` that name one of the customers, as (lead, customer, when): by the customer it
    was linked to or taken for, or by the address the campaign wrote to."""
    found = [(lead_id, customer_id or duplicate_of, at) for lead_id, customer_id, duplicate_of, at in session.execute(
        select(Lead.id, Lead.customer_id, Lead.duplicate_of, Lead.created_at).where(
            Lead.created_at >= since, or_(Lead.customer_id.in_(customer_ids), Lead.duplicate_of.in_(customer_ids))))]
    addresses = {address: customer_id for address, customer_id in session.execute(
        select(Notification.recipient, Notification.customer_id).where(
            Notification.campaign_id == campaign.id, Notification.customer_id.in_(customer_ids)))}
    column = Lead.mobile if campaign.channel == "sms" else Lead.email
    found += [(lead_id, addresses[address], at) for lead_id, address, at in session.execute(
        select(Lead.id, column, Lead.created_at).where(Lead.created_at >= since, column.in_(list(addresses))))]
    return found


def attributed_campaign(session: Session, customer_id: int, at: datetime) -> int | None:
    """The campaign a purchase or lead of that customer at ``at`` counts for, if any."""
    since = as_utc(at) - timedelta(days=365)
    touches = _touches(session, {customer_id}, since).get(customer_id, [])
    windows = {campaign_id: days for campaign_id, days in session.execute(
        select(Campaign.id, Campaign.attribution_days).where(Campaign.id.in_({c for _, c in touches})))}
    credited = [t for t in touches if t[0] <= as_utc(at) <= t[0] + timedelta(days=windows.get(t[1], 14))]
    return max(credited)[1] if credited else None

