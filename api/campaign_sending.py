"""Queueing campaigns into the outbox from the composition root: the scheduler's job (beside the outbox's),
``ravand campaigns run`` and the API all come through ``queue_campaigns``. Each batch of members is its own
short transaction, so a campaign to a hundred thousand customers never holds the write lock for long."""

from __future__ import annotations

import logging
import time

from api.composition import Ravand, ravand_ctx
from api.keys import derived_key
from crm import campaigns
from engine.store.transactions import transaction
from processes.notices import DEFAULT_PUBLIC_URL

log = logging.getLogger("ravand.campaigns")
ACTOR = "campaigns"


def opt_out_url(ravand: Ravand, customer_id: int, campaign_id: int) -> str:
    """The page a campaign e-mail's opt-out link opens (public, signed for that customer and campaign)."""
    base = str(ravand.settings.public_url or DEFAULT_PUBLIC_URL).rstrip("/")
    return f"{base}/portal/opt-out/{campaigns.link_token(opt_out_key(ravand), customer_id, campaign_id)}"


def opt_out_key(ravand: Ravand) -> str:
    """The key that signs opt-out links (derived from the app's secret, never the secret itself)."""
    return derived_key(ravand.settings, "opt-out links")


def pace(ravand: Ravand) -> campaigns.Pace:
    settings = ravand.settings
    return campaigns.Pace(quiet_hours=settings.notify_quiet_hours or None, zone=settings.work_zone,
                          link=lambda customer_id, campaign_id: opt_out_url(ravand, customer_id, campaign_id))


def queue_campaigns(ravand: Ravand, *, budget_s: float = 5.0, batch: int = campaigns.BATCH) -> int:
    """Queue the members of every sending campaign, a batch per transaction, for at most about ``budget_s``
    seconds (the next run goes on); returns how many members were read."""
    started, read = time.monotonic(), 0
    how = pace(ravand)
    with ravand.read_sessions() as session:
        waiting = campaigns.sending(session)
    for campaign_id in waiting:
        while time.monotonic() - started < budget_s:
            count = transaction(ravand.sessions, lambda s, c=campaign_id: campaigns.queue_batch(
                ravand_ctx(s, ACTOR), c, how, batch=batch))
            read += count
            if not count:
                break
    return read


def campaign_job(ravand: Ravand) -> None:
    """The scheduler's job: ``queue_campaigns``, never raising (the next run goes on)."""
    try:
        read = queue_campaigns(ravand)
    except Exception:  # the database may be briefly away
        log.exception("queueing campaigns failed")
        return
    if read:
        log.info("campaigns: %s members read", read)
