"""Sending the notification outbox from the composition root: the scheduler's periodic job,
``ravand notifications dispatch`` and the API all come through here or ``crm.notify.dispatch``."""

from __future__ import annotations

import logging

from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy.orm import Session

from api.composition import Ravand, ravand_ctx
from api.undelivered import tell_undelivered
from crm import sms_delivery
from crm.clock import utcnow
from crm.errors import CrmError
from crm.notify import DispatchReport, check_dispatch, claim, send_claimed, senders_from, settle
from crm.sms_panels import panel_from

log = logging.getLogger("ravand.outbox")
ACTOR = "outbox"


def dispatch_outbox(ravand: Ravand, *, batch: int = 100, actor: str = ACTOR) -> DispatchReport:
    """Send what is due now with the configured senders, in three steps: claim the messages (a short
    transaction), send them (no transaction: a slow server never holds the write lock), record what came of it
    (a short transaction). Raises on bad settings. The owner of a customer message that failed for good is
    told (``api.undelivered``)."""
    settings = ravand.settings
    senders = senders_from(settings)
    check_dispatch(batch, settings.notify_max_attempts)
    now = utcnow()
    claimed = ravand.engine.transaction(ravand.sessions, lambda session: claim(session, now, batch))
    outcomes = send_claimed(senders, claimed)

    def record(session: Session) -> DispatchReport:
        report = settle(ravand_ctx(session, actor), outcomes, utcnow(), settings.notify_max_attempts)
        tell_undelivered(ravand.engine, session, report.failed_ids)  # a failed customer message is not "sent"
        return report

    return ravand.engine.transaction(ravand.sessions, record)


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
    return ravand.engine.transaction(
        ravand.sessions, lambda session: sms_delivery.record(ravand_ctx(session, actor), panel.name, refs, states, now))


def outbox_job(ravand: Ravand) -> None:
    """The scheduler's job: like ``dispatch_outbox``, then ``track_deliveries``, but never raises (the next
    run tries again)."""
    try:
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
    beside it the job that tells employees of their overdue tasks (``api.staff_notices``)."""
    from api.staff_notices import schedule_overdue

    schedule_overdue(scheduler, ravand)
    return scheduler.add_job(outbox_job, "interval", args=[ravand], seconds=ravand.settings.notify_interval_s,
                             max_instances=1, coalesce=True, id="ravand-outbox", replace_existing=True)
