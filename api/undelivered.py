"""A customer message that failed for good is not "sent": the employee who owns the customer's matter hears
of it and delivers it another way. The owner is the person who started the process the message belongs to
(the contract's drafter, the rep who entered the lead), else the customer's owner; when neither is an active
employee, the log says so and the failed message stays visible in the outbox."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy.orm import Session

from api.composition import ravand_ctx
from api.staff import directory
from crm.messages import templates
from crm.models import Customer, Notification
from engine.facade import Engine
from engine.runtime.services import ServiceCall
from engine.store.models import ProcessInstance
from processes.notices import public_url, tell_staff

log = logging.getLogger("ravand.outbox")
ACTOR = "outbox"
CHANNELS = {"sms": {"fa": "پیامک", "en": "SMS"}, "email": {"fa": "ایمیل", "en": "e-mail"}}
PREVIEW = 80  # characters of the failed message named in the notice


def _owners(session: Session, message: Notification, customer: Customer | None) -> list[str]:
    instance = session.get(ProcessInstance, message.process_instance_id) if message.process_instance_id else None
    for name in (instance.started_by if instance else None, customer.owner if customer else None):
        if name and directory(session, [name]):
            return [name]
    return []


def _preview(message: Notification) -> str:
    text = (message.subject or " ".join(message.body.split())).strip()
    return text if len(text) <= PREVIEW else text[:PREVIEW - 1] + "…"


def tell_undelivered(engine: Engine, session: Session, notification_ids: Iterable[int]) -> int:
    """Tell each failed customer message's owner (in the inbox, and by e-mail or SMS where they have one); the
    number of messages someone was told of."""
    told = 0
    for message in filter(None, (session.get(Notification, id_) for id_ in notification_ids)):
        if message.channel == "app" or templates("en").get(message.template or "", {}).get("audience") == "staff":
            continue
        customer = session.get(Customer, message.customer_id) if message.customer_id else None
        owners = _owners(session, message, customer)
        if not owners:
            log.warning("notification %s to %s failed for good and no employee owns it", message.id,
                        message.recipient)
            continue
        call = ServiceCall(session, message.process_instance_id or "", None, "outbox", ACTOR,
                           {**engine.ctx.settings, "staff_directory": directory})
        path = f"/app/customers/{customer.id}" if customer else "/app/tasks"
        name = (customer.person_name or customer.company_name) if customer else message.recipient
        tell_staff(call, ravand_ctx(session, ACTOR), owners, template="message_undelivered", link=path, params={
            "customer": name, "channel": CHANNELS.get(message.channel, {"fa": message.channel,
                                                                         "en": message.channel}),
            "message": _preview(message), "address": message.recipient, "attempts": message.attempts,
            "customer_url": public_url(call, path)})
        told += 1
    return told
