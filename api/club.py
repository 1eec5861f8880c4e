"""The loyalty club from the composition root: the member's club link (signed with a key derived from the app's
secret, sent by SMS to the mobile number on record) and the write-off of lapsed points, which the scheduler
runs every hour beside the outbox, ``ravand loyalty expire`` runs on demand and an administrator can ask for.
Each batch of customers is its own short transaction."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler

from api.composition import Ravand, ravand_ctx
from api.keys import derived_key
from crm import loyalty, loyalty_expiry, notify, signed_links
from crm.clock import utcnow
from crm.customers import get_customer
from crm.errors import RecordConflict
from crm.unit import Ctx
from engine.store.transactions import transaction
from processes.notices import DEFAULT_PUBLIC_URL

log = logging.getLogger("ravand.loyalty")
LINK_PURPOSE = "club-link"
LINK_DAYS = 7
ACTOR = "loyalty"
EXPIRY_EVERY_S = 3600


def club_key(app: Ravand) -> str:
    """The key that signs club links (derived from the app's secret, never the secret itself)."""
    return derived_key(app.settings, "club links")


def club_url(app: Ravand, customer_id: int, expires_at: Any) -> str:
    """The portal page of the customer's statement, signed until ``expires_at``."""
    base = str(app.settings.public_url or DEFAULT_PUBLIC_URL).rstrip("/")
    return f"{base}/portal/club/{signed_links.sign(club_key(app), LINK_PURPOSE, customer_id, expires_at)}"


def send_club_link(ctx: Ctx, app: Ravand, customer_id: int) -> Any:
    """Queue the SMS with the customer's club link (valid ``LINK_DAYS`` days); None past the daily cap."""
    customer = get_customer(ctx.session, customer_id)
    if not customer.mobile:
        raise RecordConflict("no mobile number is on record for this customer / "
                             "شمارهٔ همراهی برای این مشتری ثبت نشده است")
    expires_at = utcnow() + timedelta(days=LINK_DAYS)
    return notify.queue(ctx, channel="sms", recipient=customer.mobile, template="loyalty_club_link",
                        locale=customer.locale or "fa", customer_id=customer.id,
                        daily_limit=notify.daily_cap(app.engine.ctx.settings), params={
                            "name": customer.person_name or customer.company_name or "",
                            "points": loyalty.account(ctx.session, customer.id).points,
                            "club_url": club_url(app, customer.id, expires_at), "expires": expires_at})


def expire_all(app: Ravand) -> tuple[int, int]:
    """Every lapsed lot written off, a batch of customers per transaction: (customers, points)."""
    customers = points = 0
    while True:
        batch = transaction(app.sessions, lambda s: loyalty_expiry.expire_batch(ravand_ctx(s, ACTOR)))
        customers, points = customers + batch[0], points + batch[1]
        if batch[0] < loyalty_expiry.BATCH:
            return customers, points


def expiry_job(app: Ravand) -> None:
    """The scheduler's job: ``expire_all``, never raising (the next run goes on)."""
    try:
        customers, points = expire_all(app)
    except Exception:  # the database may be briefly away
        log.exception("writing off lapsed points failed")
        return
    if customers:
        log.info("loyalty: %s lapsed points of %s customers written off", points, customers)


def schedule_expiry(scheduler: BaseScheduler, app: Ravand) -> Job:
    return scheduler.add_job(expiry_job, "interval", args=[app], seconds=EXPIRY_EVERY_S, max_instances=1,
                             coalesce=True, id="ravand-loyalty-expiry", replace_existing=True)
