"""The notification outbox: every message to a customer or an employee is first a ``notification`` row.

``queue`` renders a template in the recipient's language and leaves the message ``pending``; ``dispatch``
(run by the scheduler, ``ravand notifications dispatch`` or the API) sends what is due. A failure counts an
attempt, keeps the error and waits longer each time (exponential back-off); after ``max_attempts`` the
message is ``failed``. A channel with no sender configured leaves its messages ``kept`` in the outbox
(``release_kept`` puts them back in the queue once a sender exists). An employee's in-app notice (channel
``app``) is delivered by being stored: ``sent`` at once, never dispatched. Messages are sent at least once: a
dispatch whose transaction is lost after sending will send again. Every change is journaled through the Ctx."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from crm.clock import as_utc, utcnow
from crm.errors import InvalidRecord
from crm.messages import render, sms_parts, templates
from crm.models import Notification
from crm.quiet import quiet_until
from crm.sender_settings import senders_from
from crm.senders import (
    DEFAULT_SMS_TEMPLATE,
    HttpSmsSender,
    Receipt,
    Sender,
    SendFailed,
    SendRefused,
    SmtpSender,
)
from crm.text import LOCALES, ascii_digits, read_locale
from crm.unit import Ctx
from crm.validation import EMAIL, page

__all__ = ["CHANNELS", "DEFAULT_SMS_TEMPLATE", "LOCALES", "STATUSES", "DispatchReport", "HttpSmsSender", "SendFailed",
           "Sender", "SmtpSender", "backoff", "dispatch", "list_notifications", "queue", "release_kept", "render",
           "senders_from", "sms_parts", "templates"]

log = logging.getLogger("ravand.outbox")
CHANNELS = ("email", "sms", "app")  # app: an employee's in-app inbox (recipient: the user name; see crm.inbox)
STATUSES = ("pending", "sent", "failed", "kept")
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)
MOBILE = re.compile(r"^\+?\d{7,15}$")
DAILY_PER_RECIPIENT = 5  # customer messages per destination in 24 hours (setting notify_daily_per_recipient)
CAP_WINDOW = timedelta(hours=24)
CLAIM_LEASE = timedelta(minutes=30)  # a claimed message is held this long for its dispatcher to settle it


class _NoSender:
    """The outcome of a message whose channel has no sender: it is kept."""


NO_SENDER = _NoSender()
Outcome = Receipt | SendFailed | _NoSender | None


# -- queueing -------------------------------------------------------------------------------------

def _recipient(channel: str, recipient: str) -> str:
    if channel not in CHANNELS:
        raise InvalidRecord("unknown channel", {"channel": [f"one of: {', '.join(CHANNELS)}"]})
    text = (recipient or "").strip()
    if channel == "app":
        if not text or len(text) > 255:
            raise InvalidRecord("not a user name", {"recipient": ["the employee's user name"]})
        return text
    if channel == "email":
        if len(text) > 255 or not EMAIL.fullmatch(text):
            raise InvalidRecord("not an e-mail address", {"recipient": ["an e-mail address"]})
        return text
    number = re.sub(r"[\s\-().]", "", ascii_digits(text))
    if not MOBILE.match(number):
        raise InvalidRecord("not a mobile number", {"recipient": ["a mobile number, e.g. +989121234567"]})
    return number


@dataclass(frozen=True)
class Timing:
    """When a queued message may go: ``quiet_hours`` (``"21:00-08:00"``) in ``zone`` hold a customer SMS
    queued inside them until they end; ``zone`` is also where date-times in the text are shown; ``now`` is
    the clock (the current time unless given)."""

    quiet_hours: str | None = None
    zone: str | None = None
    now: datetime | None = None


def queue(ctx: Ctx, *, channel: Literal["email", "sms", "app"], recipient: str, template: str,
          params: Mapping[str, Any], locale: str = "fa", customer_id: int | None = None,
          process_instance_id: str | None = None, daily_limit: int | None = None,
          timing: Timing | None = None, link: str | None = None) -> Notification | None:
    """Put a message in the outbox, ``pending``, rendered in the recipient's language (the ``sms`` text of the
    template for SMS), due now or, for an SMS inside the quiet hours (to a customer or an employee), when they
    end.

    With ``daily_limit``, a customer message (not one to staff) is queued only while the outbox holds fewer
    than that many messages to this recipient from the last 24 hours; past it, nothing is queued and None
    is returned, so no one can flood an address through the processes (the public portal's filings).
    Channel ``app`` is the employee's in-app inbox (``recipient`` their user name, ``link`` a page of the web
    app): storing it delivers it, so it is ``sent`` at once and never dispatched."""
    timing = timing or Timing()
    address = _recipient(channel, recipient)
    subject, body = render(template, params, locale, channel=channel, zone=timing.zone)
    to_customer = templates(read_locale(locale))[template]["audience"] != "staff"
    if daily_limit is not None and to_customer and _capped(ctx.session, channel, address, daily_limit):
        log.info("%s to %s not queued: %s messages in 24 hours already", template, address, daily_limit)
        return None
    now = as_utc(timing.now) if timing.now else utcnow()
    # an SMS, to a customer or an employee, waits for the quiet hours' end; e-mail and the inbox do not
    due = (quiet_until(now, timing.quiet_hours, timing.zone) if channel == "sms" else None) or now
    stored = channel == "app"
    return ctx.add(Notification(
        channel=channel, recipient=address, subject=subject[:255] if channel != "sms" else None, body=body,
        template=template, status="sent" if stored else "pending", attempts=0,
        next_attempt_at=None if stored else due, sent_at=now if stored else None, created_at=now,
        customer_id=customer_id, process_instance_id=process_instance_id, link=(link or None) if stored else None,
    ), "notification")


def daily_cap(settings: Mapping[str, Any]) -> int:
    """Customer messages per address in 24 hours: the ``notify_daily_per_recipient`` setting, else the default."""
    value = settings.get("notify_daily_per_recipient")
    return DAILY_PER_RECIPIENT if value is None else int(value)


def over_daily_limit(session: Session, channel: str, recipient: str, limit: int) -> bool:
    """Whether a customer message to ``recipient`` would be held back by a daily cap of ``limit`` now."""
    return _capped(session, channel, _recipient(channel, recipient), limit)


def _capped(session: Session, channel: str, address: str, limit: int) -> bool:
    """Has ``address`` had ``limit`` messages in the last 24 hours? On PostgreSQL the count is taken under
    a transaction lock on the address, so concurrent commands cannot both slip under the cap."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                        {"key": f"ravand.notify|{channel}|{address}"})
    since = utcnow() - CAP_WINDOW
    count = session.scalar(select(func.count(Notification.id)).where(
        Notification.recipient == address, Notification.created_at >= since, Notification.channel == channel))
    return (count or 0) >= limit


# -- dispatching ----------------------------------------------------------------------------------

@dataclass
class DispatchReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    kept: int = 0
    failed_ids: list[int] = field(default_factory=list)  # the messages that failed for good in this run

    def __str__(self) -> str:
        return f"sent {self.sent}, retrying {self.retrying}, failed {self.failed}, kept {self.kept}"


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: 1, 2, 4, 8 … minutes, at most 6 hours."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def _due(session: Session, now: datetime, batch: int) -> list[Notification]:
    query = (select(Notification)
             .where(Notification.status == "pending", Notification.channel != "app",
                    or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now))
             .order_by(Notification.next_attempt_at, Notification.id).limit(batch)
             .with_for_update(skip_locked=True))  # two workers never take the same message (PostgreSQL)
    return list(session.scalars(query))


def claim(session: Session, now: datetime, batch: int = 100) -> list[Notification]:
    """Take up to ``batch`` messages due at ``now`` for sending: each is held for ``CLAIM_LEASE`` (its
    ``next_attempt_at`` moved on, unjournaled: the dispatcher's hold, not a change of the message) so that no
    other dispatcher takes it meanwhile. Returns detached copies to send outside the transaction; a dispatcher
    that dies before ``settle`` leaves them to be sent again when the hold ends (at least once)."""
    copies = []
    for message in _due(session, now, batch):
        message.next_attempt_at = now + CLAIM_LEASE
        copies.append(Notification(id=message.id, channel=message.channel, recipient=message.recipient,
                                   subject=message.subject, body=message.body, template=message.template,
                                   attempts=message.attempts))
    session.flush()
    return copies


def send_claimed(senders: Mapping[str, Sender], claimed: list[Notification]) -> dict[int, Outcome]:
    """Send each claimed message with its channel's sender (no database here): its outcome by id."""
    return {message.id: (_attempt(sender, message) if (sender := senders.get(message.channel)) else NO_SENDER)
            for message in claimed}


def _attempt(sender: Sender, message: Notification) -> Receipt | SendFailed | None:
    """The panel's receipt (or None) when sent, else why not."""
    try:
        return sender.send(message)
    except SendFailed as exc:
        return exc
    except Exception as exc:  # a sender's bug must not stop the outbox
        log.exception("sender for %s failed unexpectedly on notification %s", message.channel, message.id)
        return SendFailed(f"{type(exc).__name__}: {exc}")


def _receipt_changes(receipt: Receipt | None, now: datetime) -> dict[str, Any]:
    if receipt is None:
        return {}
    return {"provider": receipt.provider, "provider_ref": receipt.ref[:64], "cost_rial": receipt.cost_rial,
            "delivery": receipt.delivery, "delivery_at": now if receipt.delivery else None}


def _settle_one(ctx: Ctx, message: Notification, outcome: Outcome, now: datetime, max_attempts: int,
                report: DispatchReport) -> None:
    if outcome is NO_SENDER:
        log.warning("no %s sender is configured: notification %s to %s stays in the outbox",
                    message.channel, message.id, message.recipient)
        ctx.change(message, "notification", {"status": "kept", "next_attempt_at": None,
                                             "last_error": f"no {message.channel} sender is configured"})
        report.kept += 1
        return
    attempts = message.attempts + 1
    if not isinstance(outcome, SendFailed):
        ctx.change(message, "notification", {"status": "sent", "attempts": attempts, "sent_at": now,
                                             "next_attempt_at": None, **_receipt_changes(outcome, now)})
        report.sent += 1
    elif attempts >= max_attempts or isinstance(outcome, SendRefused):
        log.warning("notification %s failed for good after %s attempts: %s", message.id, attempts, outcome.message)
        ctx.change(message, "notification", {"status": "failed", "attempts": attempts, "last_error": outcome.message,
                                             "next_attempt_at": None})
        report.failed += 1
        report.failed_ids.append(message.id)
    else:
        ctx.change(message, "notification", {"attempts": attempts, "last_error": outcome.message,
                                             "next_attempt_at": now + backoff(attempts)})
        report.retrying += 1


def settle(ctx: Ctx, outcomes: Mapping[int, Outcome], now: datetime, max_attempts: int = 5) -> DispatchReport:
    """Record what sending the claimed messages came to (sent with the panel's receipt, retried later, failed
    for good, or kept for want of a sender), each change journaled; the caller commits."""
    report = DispatchReport()
    if not outcomes:
        return report
    rows = ctx.session.scalars(select(Notification).where(Notification.id.in_(list(outcomes)))
                               .order_by(Notification.id))
    for message in rows:
        outcome = outcomes[message.id]
        went = outcome is not NO_SENDER and not isinstance(outcome, SendFailed)
        # a message taken back while it was being sent (a cancelled campaign) is kept as what happened to it
        if message.status == "pending" or (went and message.status != "sent"):
            _settle_one(ctx, message, outcome, now, max_attempts, report)
    return report


def check_dispatch(batch: int, max_attempts: int) -> None:
    wrong = {name: ["at least 1"] for name, value in (("batch", batch), ("max_attempts", max_attempts)) if value < 1}
    if wrong:
        raise InvalidRecord(f"{' and '.join(wrong)} must be at least 1", wrong)


def dispatch(ctx: Ctx, senders: Mapping[str, Sender], *, now: datetime | None = None, batch: int = 100,
             max_attempts: int = 5) -> DispatchReport:
    """Claim, send and settle up to ``batch`` messages due at ``now`` in the caller's transaction (the caller
    commits). The outbox's own dispatcher (``api.outbox``) runs the three steps apart, so that the write lock
    is never held while a sender talks to its server."""
    check_dispatch(batch, max_attempts)
    moment = as_utc(now) if now else utcnow()
    outcomes = send_claimed(senders, claim(ctx.session, moment, batch))
    return settle(ctx, outcomes, moment, max_attempts)


def release_kept(ctx: Ctx, *, channel: str | None = None) -> int:
    """Put kept e-mail and SMS back in the queue (after a sender was configured); returns how many. In-app
    notices (channel ``app``) are delivered when stored and never kept."""
    query = select(Notification).where(Notification.status == "kept", Notification.channel != "app")
    if channel:
        query = query.where(Notification.channel == channel)
    kept = list(ctx.session.scalars(query.order_by(Notification.id)))
    for message in kept:
        ctx.change(message, "notification", {"status": "pending", "next_attempt_at": utcnow()})
    return len(kept)


def list_notifications(session: Session, *, status: str | None = None, channel: str | None = None,
                       delivery: str | None = None, customer_id: int | None = None,
                       process_instance_id: str | None = None, limit: int = 50,
                       offset: int = 0) -> tuple[list[Notification], int]:
    """The outbox, newest first, with the total matching."""
    query = select(Notification)
    for column, value in ((Notification.status, status), (Notification.channel, channel),
                          (Notification.delivery, delivery),
                          (Notification.customer_id, customer_id),
                          (Notification.process_instance_id, process_instance_id)):
        if value is not None:
            query = query.where(column == value)
    return page(session, query.order_by(Notification.id.desc()), limit, offset)
