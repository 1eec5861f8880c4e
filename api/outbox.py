"""Sending the notification outbox from the composition root: the scheduler's periodic job,
``ravand notifications dispatch`` and the API all come through here or ``crm.notify.dispatch``."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import datetime

from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy.orm import Session

from api.campaign_sending import campaign_job
from api.composition import Ravand, ravand_ctx
from api.undelivered import tell_undelivered
from crm import sms_delivery
from crm.clock import utcnow
from crm.errors import CrmError
from crm.notify import DispatchReport, Sender, check_dispatch, claim, send_claimed, senders_from, settle
from crm.sms_panels import panel_from
from engine.store.transactions import transaction

log = logging.getLogger("ravand.outbox")
ACTOR = "outbox"
DISPATCH_BATCH = 100  # messages a dispatch claims
DISPATCH_BUDGET_S = 10.0  # the job goes on dispatching full batches this long, then leaves the rest to its next run


def dispatch_outbox(ravand: Ravand, *, batch: int = DISPATCH_BATCH, actor: str = ACTOR, now: datetime | None = None,
                    senders: Mapping[str, Sender] | None = None) -> DispatchReport:
    """Send what is due now with the configured senders, in three steps: claim the messages (a short
    transaction), send them (no transaction: a slow server never holds the write lock), record what came of it
    (a short transaction). Raises on bad settings. The owner of a customer message that failed for good is
    told (``api.undelivered``)."""
    settings = ravand.settings
    senders = senders_from(settings) if senders is None else senders  # given: a bench's or a test's
    check_dispatch(batch, settings.notify_max_attempts)
    moment = now or utcnow()  # a later moment sends what will be due then (the tests' clock)
    claimed = transaction(ravand.sessions, lambda session: claim(session, moment, batch))
    outcomes = send_claimed(senders, claimed)

    def record(session: Session) -> DispatchReport:
        report = settle(ravand_ctx(session, actor), outcomes, max(moment, utcnow()), settings.notify_max_attempts)
        tell_undelivered(ravand.engine, session, report.failed_ids)  # a failed customer message is not "sent"
        return report

    return transaction(ravand.sessions, record)


def track_deliveries(ravand: Ravand, *, actor: str = ACTOR) -> int:
    """Ask the configured SMS panel how the messages it took fared and keep its answers; returns how many
    changed. The ids are read, the panel asked and the answers written in three steps: the write lock is held
    only for the last (raises ``SendFailed`` when the panel cannot be asked, ``CrmError`` on bad settings)."""
    panel = panel_from(ravand.settings)
    if panel is None:
        return 0
    now = utcnow()
    with ravand.read_sessions() as session:
        refs = sms_delivery.awaiting(session, panel.name, now, batch=panel.report_batch)
    if not refs:
        return 0
    states = panel.delivery(refs)
    return transaction(
        ravand.sessions, lambda session: sms_delivery.record(ravand_ctx(session, actor), panel.name, refs, states, now))


def outbox_job(ravand: Ravand) -> None:
    """The scheduler's job: ``dispatch_outbox`` (again while full batches come, for up to
    ``DISPATCH_BUDGET_S``: a campaign's pace may make thousands due a minute), then ``track_deliveries``; never
    raises (the next run tries again)."""
    try:
        started = time.monotonic()
        report = dispatch_outbox(ravand)
        while report.sent + report.retrying + report.failed + report.kept >= DISPATCH_BATCH \
                and time.monotonic() - started < DISPATCH_BUDGET_S:  # more are due (a campaign's pace)
            log.info("outbox: %s", report)
            report = dispatch_outbox(ravand)
        if report.sent or report.retrying or report.failed or report.kept:
            log.info("outbox: %s", report)
        tracked = track_deliveries(ravand)
        if tracked:
            log.info("outbox: %s delivery reports", tracked)
    except CrmError as exc:
        log.error("the outbox cannot be sent: %s", exc.message)
    except Exception:  # the database may be briefly away
        log.exception("the outbox dispatch failed")


def schedule_outbox(scheduler: BaseScheduler, ravand: Ravand) -> Job:
    """Add the periodic outbox job to an APScheduler scheduler (the embedded one or ``ravand worker``'s), and
    beside it the jobs that tell employees of their overdue tasks (``api.staff_notices``) and queue the
    campaigns being sent (``api.campaign_sending``) and write off lapsed loyalty points (``api.club``)."""
    from api.club import schedule_expiry
    from api.staff_notices import schedule_overdue

    schedule_overdue(scheduler, ravand)
    schedule_expiry(scheduler, ravand)
    scheduler.add_job(campaign_job, "interval", args=[ravand], seconds=ravand.settings.notify_interval_s,
                      max_instances=1, coalesce=True, id="ravand-campaigns", replace_existing=True)
    return scheduler.add_job(outbox_job, "interval", args=[ravand], seconds=ravand.settings.notify_interval_s,
                             max_instances=1, coalesce=True, id="ravand-outbox", replace_existing=True)
