"""Segments and campaigns on each database: a segment's rules pick today's customers; a campaign queues its
members in batches at its pace (quiet hours kept, opted-out and unreachable members skipped), in each member's
language with the opt-out keyword or link; replies and links opt out; a cancelled campaign takes back what was
not sent; purchases and leads after a message count for the campaign that touched the customer last."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from crm import campaigns, notify, segments
from crm.customers import create_customer
from crm.errors import InvalidRecord, RecordConflict, Rejected
from crm.leads import capture_lead
from crm.models import Notification
from crm.purchases import record_purchase
from crm.ranking import rank_all
from crm.senders import Receipt
from crm.unit import Ctx
from tests.conftest import Database

SECRET = "campaign-test-secret"
NIGHT = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)  # 23:30 in Tehran: inside the quiet hours 21:00-08:00
NOON = datetime(2026, 12, 6, 8, 30, tzinfo=UTC)  # 12:00 in Tehran
ANY_HOUR = campaigns.Pace()  # no quiet hours
QUIET = campaigns.Pace(quiet_hours="21:00-08:00", zone="Asia/Tehran",
                       link=lambda customer, campaign: f"https://crm.example/portal/opt-out/"
                                                       f"{campaigns.link_token(SECRET, customer, campaign)}")


@pytest.fixture
def ctx(crm_db: Database) -> Iterator[Ctx]:
    with crm_db.sessions() as session:
        yield Ctx(session, "marketer")


def customer(ctx: Ctx, name: str, mobile: str | None = None, email: str | None = None, **extra: Any) -> int:
    data = {"kind": "person", "person_name": name, "mobile": mobile, "email": email, **extra}
    return create_customer(ctx, {k: v for k, v in data.items() if v is not None})[0].id


class Panel:
    """A sender that takes every message (a panel that reports cost)."""

    def __init__(self) -> None:
        self.sent: list[Notification] = []

    def send(self, message: Notification) -> Receipt:
        self.sent.append(message)
        return Receipt("kavenegar", str(1000 + len(self.sent)), 2_300, "queued")


@pytest.fixture
def town(ctx: Ctx) -> dict[str, int]:
    people = {
        "sara": customer(ctx, "سارا احمدی", "09121110001", region="Tehran", locale="fa"),
        "reza": customer(ctx, "رضا کریمی", "09121110002", region="Tehran", locale="fa"),
        "john": customer(ctx, "John Carter", "09121110003", "john@example.com", region="Tehran", locale="en"),
        "nima": customer(ctx, "نیما نوری", None, "nima@example.com", region="Tehran", locale="fa"),
        "leyla": customer(ctx, "لیلا تبریزی", "09141110004", region="East Azerbaijan", locale="fa"),
    }
    record_purchase(ctx, people["sara"], amount=90_000_000, purchased_at=datetime.now(UTC) - timedelta(days=10))
    record_purchase(ctx, people["leyla"], amount=5_000_000, purchased_at=datetime.now(UTC) - timedelta(days=400))
    rank_all(ctx)
    return people


# -- segments -------------------------------------------------------------------------------------

def test_a_segments_rules_pick_the_customers_of_today(ctx: Ctx, town: dict[str, int]) -> None:
    def ids(rules: dict[str, Any]) -> set[int]:
        return {c.id for c, _ in segments.members(ctx.session, segments.check_rules(rules), limit=100)}

    assert ids({"regions": ["Tehran"]}) == {town[n] for n in ("sara", "reza", "john", "nima")}
    assert ids({"regions": ["Tehran"], "has": "mobile"}) == {town[n] for n in ("sara", "reza", "john")}
    assert ids({"bought_within_days": 30}) == {town["sara"]}
    assert ids({"not_bought_within_days": 365}) == {town[n] for n in ("reza", "john", "nima", "leyla")}
    assert ids({"status": "actual", "locales": ["fa"]}) == {town["sara"], town["leyla"]}
    assert ids({"tiers": ["bronze", "silver", "gold", "platinum"]}) == set(town.values())
    richest = ids({"min_clv": 1})
    assert town["sara"] in richest and town["reza"] not in richest
    assert segments.count_members(ctx.session, segments.check_rules({"regions": ["Tehran"]})) == 4
    with pytest.raises(InvalidRecord) as caught:
        segments.check_rules({"tiers": ["diamond"], "min_clv": -1, "bought_within_days": "soon", "colour": "red",
                              "min_clv_": 1, "status": "gone"})
    assert {"tiers", "min_clv", "bought_within_days", "colour", "status"} <= set(caught.value.field_errors)


def test_segments_are_named_once_and_stay_while_campaigns_name_them(ctx: Ctx, town: dict[str, int]) -> None:
    tehran = segments.create_segment(ctx, {"name": "مشتریان تهران", "rules": {"regions": ["Tehran"]}})
    with pytest.raises(RecordConflict):
        segments.create_segment(ctx, {"name": "مشتریان تهران", "rules": {}})
    segments.update_segment(ctx, tehran, {"rules": {"regions": ["Tehran"], "has": "mobile"}})
    assert tehran.rules == {"regions": ["Tehran"], "has": "mobile"}
    campaigns.create_campaign(ctx, {"name": "Yalda", "channel": "sms", "segment_id": tehran.id,
                                    "body_fa": "سلام {name}", "body_en": "Hello {name}"})
    with pytest.raises(RecordConflict):
        segments.delete_segment(ctx, tehran)
    spare = segments.create_segment(ctx, {"name": "spare", "rules": {}})
    segments.delete_segment(ctx, spare)
    assert [s.name for s in segments.list_segments(ctx.session)] == ["مشتریان تهران"]


# -- campaigns ------------------------------------------------------------------------------------

def sms_campaign(ctx: Ctx, rules: dict[str, Any], **extra: Any) -> Any:
    segment = segments.create_segment(ctx, {"name": f"s{len(segments.list_segments(ctx.session))}", "rules": rules})
    return campaigns.create_campaign(ctx, {"name": "یلدا", "channel": "sms", "segment_id": segment.id,
                                           "body_fa": "{name} عزیز، یلدا مبارک! ۲۰٪ تخفیف تا جمعه.",
                                           "body_en": "Dear {name}, happy Yalda! 20% off until Friday.", **extra})


def run(ctx: Ctx, campaign: Any, now: datetime, batch: int = 2, pace: campaigns.Pace = QUIET) -> int:
    rounds = 0
    while campaigns.queue_batch(ctx, campaign.id, pace, batch=batch, now=now):
        rounds += 1
    return rounds


def test_a_campaign_queues_its_members_in_batches_at_its_pace(ctx: Ctx, town: dict[str, int]) -> None:
    campaign = sms_campaign(ctx, {"regions": ["Tehran"]}, rate_per_minute=2)
    campaigns.record_opt_out(ctx, "sms", "+989121110002", "staff")  # reza said no
    campaigns.send(ctx, campaign, now=NOON)
    assert campaign.state == "sending"
    assert run(ctx, campaign, NOON) == 2 and campaign.state == "sent"  # 4 members in batches of 2
    assert (campaign.queued, campaign.skipped) == (2, 2)  # reza opted out, nima has no mobile
    queued = ctx.session.query(Notification).filter_by(campaign_id=campaign.id).order_by(Notification.id).all()
    assert [m.recipient for m in queued] == ["+989121110001", "+989121110003"]
    sara, john = queued
    assert sara.body == "سارا احمدی عزیز، یلدا مبارک! ۲۰٪ تخفیف تا جمعه.\nلغو۱۱"
    assert john.body.startswith("Dear John Carter, happy Yalda!") and john.body.endswith("Stop: reply 11")
    assert john.next_attempt_at - sara.next_attempt_at == timedelta(seconds=30)  # two a minute
    assert campaigns.queue_batch(ctx, campaign.id, QUIET, now=NOON) == 0  # nothing more
    with pytest.raises(RecordConflict):
        campaigns.send(ctx, campaign)


def test_sms_queued_at_night_waits_for_the_morning_and_email_carries_the_opt_out_link(
        ctx: Ctx, town: dict[str, int]) -> None:
    night = sms_campaign(ctx, {"regions": ["Tehran"], "has": "mobile"})
    campaigns.send(ctx, night, now=NIGHT)
    run(ctx, night, NIGHT)
    first = ctx.session.query(Notification).filter_by(campaign_id=night.id).first()
    assert first.next_attempt_at.astimezone(UTC) == datetime(2026, 12, 7, 4, 30, tzinfo=UTC)  # 08:00 in Tehran

    segment = segments.create_segment(ctx, {"name": "with e-mail", "rules": {"has": "email"}})
    mail = campaigns.create_campaign(ctx, {"name": "news", "channel": "email", "segment_id": segment.id,
                                           "subject": "Winter news", "body_fa": "سلام {name}",
                                           "body_en": "Hello {name}"})
    campaigns.send(ctx, mail, now=NIGHT)
    run(ctx, mail, NIGHT)
    john = ctx.session.query(Notification).filter_by(campaign_id=mail.id, customer_id=town["john"]).one()
    assert john.next_attempt_at == NIGHT  # e-mail is not held by the quiet hours
    assert john.subject == "Winter news" and "To stop these e-mails: https://crm.example/portal/opt-out/" in john.body
    token = john.body.rsplit("/", 1)[1]
    target = campaigns.opt_out_by_link(ctx, SECRET, token)
    assert target.customer.id == town["john"] and target.address == "john@example.com"
    assert campaigns.opted_out(ctx.session, "email", ["john@example.com"]) == {"john@example.com"}
    with pytest.raises(Rejected):
        campaigns.read_link(ctx.session, SECRET, token[:-1] + ("0" if token[-1] != "0" else "1"))


def test_a_reply_with_the_keyword_opts_the_number_out(ctx: Ctx, town: dict[str, int]) -> None:
    campaign = sms_campaign(ctx, {"regions": ["Tehran"], "has": "mobile"})
    campaigns.send(ctx, campaign, now=NOON)
    run(ctx, campaign, NOON)
    for text in ("لغو۱۱", "لغو 11", " ١١ ", "STOP", "لغو"):
        assert campaigns.is_opt_out_keyword(text), text
    for text in ("لغو نکنید، بفرستید", "سلام", "112"):
        assert not campaigns.is_opt_out_keyword(text), text
    assert campaigns.record_reply(ctx, "09121110001", "سلام، ممنون") is None
    stop = campaigns.record_reply(ctx, "09121110001", "لغو۱۱")
    assert stop is not None and stop.address == "+989121110001" and stop.campaign_id == campaign.id
    assert stop.customer_id == town["sara"] and stop.how == "keyword"
    assert campaigns.record_reply(ctx, "989121110001", "11") is None  # asked already

    again = sms_campaign(ctx, {"regions": ["Tehran"], "has": "mobile"})
    campaigns.send(ctx, again, now=NOON)
    run(ctx, again, NOON)
    assert (again.queued, again.skipped) == (2, 1)  # sara is not written to again
    assert sorted(m.recipient for m in ctx.session.query(Notification).filter_by(campaign_id=again.id)) == [
        "+989121110002", "+989121110003"]
    assert campaigns.record_reply(ctx, "9121110003", "لغو").address == "+989121110003"  # ten digits, no 0


def test_cancelling_takes_back_what_was_not_sent(ctx: Ctx, town: dict[str, int]) -> None:
    campaign = sms_campaign(ctx, {"regions": ["Tehran"], "has": "mobile"}, rate_per_minute=1)
    campaigns.send(ctx, campaign, now=NOON)
    run(ctx, campaign, NOON)
    panel = Panel()
    assert notify.dispatch(ctx, {"sms": panel}, now=NOON).sent == 1  # one due now, the next in a minute
    assert campaigns.cancel(ctx, campaign) == 2
    left = ctx.session.query(Notification).filter_by(campaign_id=campaign.id, status="failed").all()
    assert len(left) == 2 and {m.last_error for m in left} == {"the campaign was cancelled"}
    assert notify.dispatch(ctx, {"sms": panel}, now=NOON + timedelta(hours=1)).sent == 0
    with pytest.raises(RecordConflict):
        campaigns.cancel(ctx, campaign)

    second = sms_campaign(ctx, {"regions": ["Tehran"], "has": "mobile"})
    campaigns.send(ctx, second, now=NOON)
    run(ctx, second, NOON)
    [claimed] = notify.claim(ctx.session, NOON, 1)  # the outbox is sending it when the campaign is cancelled
    assert campaigns.cancel(ctx, second) == 3
    notify.settle(ctx, notify.send_claimed({"sms": panel}, [claimed]), NOON)
    went = ctx.session.get(Notification, claimed.id)
    assert went.status == "sent" and went.provider_ref  # it went: the outbox says so
    assert campaigns.report(ctx.session, second).sent == 1


def test_the_report_counts_reach_cost_and_the_return_by_last_touch(ctx: Ctx, town: dict[str, int]) -> None:
    first = sms_campaign(ctx, {"regions": ["Tehran"], "has": "mobile"}, attribution_days=7)
    start = datetime.now(UTC) - timedelta(days=20)
    campaigns.send(ctx, first, now=start)
    run(ctx, first, start, pace=ANY_HOUR)  # times from today's clock: the quiet hours must not hold them
    panel = Panel()
    notify.dispatch(ctx, {"sms": panel}, now=start + timedelta(hours=1))
    assert campaigns.report(ctx.session, first).sent == 3

    record_purchase(ctx, town["reza"], amount=40_000_000, purchased_at=start + timedelta(days=2))  # credited
    record_purchase(ctx, town["john"], amount=7_000_000, purchased_at=start + timedelta(days=9))  # too late
    capture_lead(ctx, {"customer_id": town["john"], "person_name": "John Carter", "mobile": "09121110003",
                       "source": "campaign"})  # now: long after the 7 days

    second = sms_campaign(ctx, {"regions": ["Tehran"], "has": "mobile"})
    later = datetime.now(UTC) - timedelta(days=3)
    campaigns.send(ctx, second, now=later)
    run(ctx, second, later, pace=ANY_HOUR)
    notify.dispatch(ctx, {"sms": panel}, now=later + timedelta(hours=1))
    record_purchase(ctx, town["reza"], amount=10_000_000, purchased_at=later + timedelta(days=1))  # second's
    ctx.session.flush()

    one, two = campaigns.report(ctx.session, first), campaigns.report(ctx.session, second)
    assert (one.sent, one.cost, one.purchases, one.revenue, one.buyers, one.leads) == (3, 6_900, 1, 40_000_000, 1, 0)
    assert one.return_ratio == pytest.approx((40_000_000 - 6_900) / 6_900)
    assert (two.purchases, two.revenue, two.leads) == (1, 10_000_000, 1)  # john's lead is the second's
    assert campaigns.attributed_campaign(ctx.session, town["reza"], later + timedelta(days=1)) == second.id


def test_a_campaign_is_checked_as_written(ctx: Ctx, town: dict[str, int]) -> None:
    with pytest.raises(InvalidRecord) as caught:
        campaigns.create_campaign(ctx, {"name": "", "channel": "fax", "segment_id": 999, "body_fa": "",
                                        "rate_per_minute": 0, "start_at": "tomorrow"})
    assert {"name", "channel", "segment_id", "body_fa", "body_en", "rate_per_minute", "start_at"} <= set(
        caught.value.field_errors)
    segment = segments.create_segment(ctx, {"name": "all", "rules": {}})
    with pytest.raises(InvalidRecord) as caught:
        campaigns.create_campaign(ctx, {"name": "n", "channel": "email", "segment_id": segment.id,
                                        "body_fa": "x", "body_en": "x"})
    assert "subject" in caught.value.field_errors
    draft = sms_campaign(ctx, {})
    campaigns.update_campaign(ctx, draft, {"rate_per_minute": 300})
    assert draft.rate_per_minute == 300
    parts = campaigns.sms_parts_of(draft)
    assert parts["fa"] == 1 and parts["en"] == 1
