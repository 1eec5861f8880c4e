"""Delivery reports of SMS sent through a panel: which messages still wait for one, and recording what the
panel said. The panel is asked between the two (``api.outbox.track_deliveries``), outside any transaction,
so a slow panel never holds the write lock."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from crm.models import Notification
from crm.sms_panels import DELIVERY, FINAL
from crm.unit import Ctx

TRACK_FOR = timedelta(days=3)  # a report that has not come in three days will not come


def awaiting(session: Session, provider: str, now: datetime, *, batch: int = 500) -> list[str]:
    """The panel's ids of messages sent through it in the last three days without a final report, those
    asked about longest ago first."""
    query = (select(Notification.provider_ref)
             .where(Notification.channel == "sms", Notification.status == "sent", Notification.provider == provider,
                    Notification.provider_ref.is_not(None), Notification.sent_at >= now - TRACK_FOR,
                    or_(Notification.delivery.is_(None), Notification.delivery.not_in(FINAL)))
             .order_by(Notification.delivery_at.is_not(None), Notification.delivery_at, Notification.id)
             .limit(batch))
    return [ref for ref in session.scalars(query) if ref]


def record(ctx: Ctx, provider: str, asked: Sequence[str], states: Mapping[str, str], now: datetime) -> int:
    """Keep each reported state on its message, journaled; returns how many changed. A message asked about
    without news (or with a state outside ``DELIVERY``) only has ``delivery_at`` moved on, unjournaled, so
    that the next round asks about the others first."""
    if not asked:
        return 0
    changed = 0
    rows = ctx.session.scalars(select(Notification).where(Notification.provider == provider,
                                                          Notification.provider_ref.in_(list(asked))))
    for message in rows:
        state = states.get(message.provider_ref or "")
        if state in DELIVERY and state != message.delivery:
            ctx.change(message, "notification", {"delivery": state, "delivery_at": now})
            changed += 1
        else:
            message.delivery_at = now  # bookkeeping of the rounds, not a change of the message
    return changed
