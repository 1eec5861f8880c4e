"""The demo's segments and campaigns: three saved segments; an autumn SMS campaign sent five weeks ago through
the SMS panel (the demo has no panel to reach: a stand-in takes each message as Kavenegar answers, and the
delivery reports are the ones a panel gives: most delivered, one not, one still with the operator), which one
customer answered with the opt-out keyword and two customers bought after; and a spring e-mail campaign to the
best tiers, still a draft, for the marketer to send."""

from __future__ import annotations

from typing import Any

from api.campaign_sending import pace
from api.composition import ravand_ctx
from crm import campaigns, notify, segments, sms_delivery
from crm.clock import utcnow
from crm.messages import sms_parts
from crm.models import Notification
from crm.purchases import record_purchase
from crm.senders import Receipt

PART_PRICE_RIAL = 1_150  # a Persian SMS part on the panel


class StandInPanel:
    """Takes each message as Kavenegar's send method answers: an id, the cost in rials, queued."""

    name = "kavenegar"

    def __init__(self) -> None:
        self.count = 0

    def send(self, message: Notification) -> Receipt:
        self.count += 1
        return Receipt(self.name, f"9{self.count:08d}", sms_parts(message.body) * PART_PRICE_RIAL, "queued")


def _send_all(demo: Any, campaign_id: int) -> None:
    """Queue the campaign, hand each of its messages to the stand-in panel and record what came of it (the
    outbox's other messages are left as they are), then keep the delivery reports a panel would give."""
    ravand = demo.ravand
    how = pace(ravand)
    while demo.run(lambda s: campaigns.queue_batch(ravand_ctx(s, "marketing"), campaign_id, how)):
        pass
    panel = StandInPanel()

    def hand_over(session: Any) -> None:
        messages = session.query(Notification).filter_by(campaign_id=campaign_id, status="pending").all()
        notify.settle(ravand_ctx(session, "outbox"), {m.id: panel.send(m) for m in messages}, utcnow())

    demo.run(hand_over)
    refs = demo.run(lambda s: [r for (r,) in s.query(Notification.provider_ref).filter_by(
        campaign_id=campaign_id, status="sent").order_by(Notification.id)])
    states = {ref: "undelivered" if i == 1 else "at_operator" if i == len(refs) - 1 else "delivered"
              for i, ref in enumerate(refs)}
    demo.run(lambda s: sms_delivery.record(ravand_ctx(s, "outbox"), panel.name, refs, states, utcnow()))


def stories(demo: Any) -> None:
    def save(name: str, rules: dict[str, Any]) -> int:
        return demo.records("parvin", lambda ctx: segments.create_segment(ctx, {"name": name, "rules": rules}).id)

    with demo.at(40, "10:00"):
        reachable = save("مشتریان دارای همراه", {"has": "mobile"})
        save("بی‌خرید در ۹۰ روز گذشته", {"not_bought_within_days": 90, "has": "mobile"})
        best = save("مشتریان طلایی و پلاتینی", {"tiers": ["gold", "platinum"], "has": "email"})
    with demo.at(35, "11:00"):
        autumn = demo.records("parvin", lambda ctx: campaigns.create_campaign(ctx, {
            "name": "جشنوارهٔ پاییزه", "channel": "sms", "segment_id": reachable, "rate_per_minute": 6000,
            "body_fa": "{name} عزیز، جشنوارهٔ پاییزه آغاز شد: ۱۵٪ تخفیف همهٔ خدمات تا پایان آبان.",
            "body_en": "Dear {name}, our autumn sale is on: 15% off every service until the end of the month."}).id)
        demo.records("parvin", lambda ctx: campaigns.send(ctx, campaigns.get_campaign(ctx.session, autumn)))
        _send_all(demo, autumn)
    with demo.at(34, "19:40"):
        mobile = demo.run(lambda s: s.query(Notification.recipient).filter_by(campaign_id=autumn).order_by(
            Notification.id.desc()).first()[0])
        demo.records(None, lambda ctx: campaigns.record_reply(ctx, mobile, "لغو۱۱"))
    for days, key, amount in ((31, "hosseini", 42_000_000), (27, "nouri", 18_500_000)):
        with demo.at(days, "17:00"):
            demo.records("sara", lambda ctx, k=key, a=amount, d=days: record_purchase(
                ctx, demo.customers[k], amount=a, channel="store", reference=f"FAC-{d}"))
    with demo.at(3, "09:00"):
        demo.records("parvin", lambda ctx: campaigns.create_campaign(ctx, {
            "name": "پیش‌فروش بهاره", "channel": "email", "segment_id": best, "subject": "پیش‌فروش بهاره برای شما",
            "body_fa": "{name} گرامی، پیش از همه: بستهٔ بهاره با ۲۰٪ تخفیف ویژهٔ مشتریان طلایی و پلاتینی.",
            "body_en": "Dear {name}, before anyone else: the spring bundle at 20% off for our gold and platinum "
                       "customers."}))
