"""Telling people: a message to a customer (SMS to a mobile, else e-mail) or to employees, through the
outbox, each in their own language.

"Sent" semantics: ``tell`` and ``tell_customer`` return the channel the message was queued on, or None when
the person has no reachable address (or the daily cap held it back). A process that must reach the customer
turns None into a human task "deliver by hand" for the record's owner; it never marks something sent on
None. A customer SMS queued inside the quiet hours (setting ``notify_quiet_hours``, in ``work_zone``) waits
in the outbox until they end; e-mail is not held."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from crm import notify
from crm.models import Customer
from crm.text import guess_locale, read_locale
from crm.unit import Ctx
from engine.runtime.services import ServiceCall

__all__ = ["DEFAULT_PUBLIC_URL", "StaffDirectory", "StaffMember", "guess_locale", "public_url", "tell",
           "tell_customer", "tell_staff"]

log = logging.getLogger("ravand.notices")
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class StaffMember:
    """An employee as notices address them: by display name, in their language, at their address if known,
    date-times in their time zone (the working time zone unless given)."""

    username: str
    display_name: str
    locale: str = "en"
    email: str | None = None
    mobile: str | None = None
    zone: str | None = None
    channel: str = "auto"  # beside the inbox: auto (e-mail, else SMS), email, sms, or app (the inbox only)


# (session, user names or "group:<name>") → the active employees meant, each once
StaffDirectory = Callable[[Session, Iterable[str]], list[StaffMember]]


def public_url(call: ServiceCall, path: str) -> str:
    """An address the customer can open (the ``public_url`` setting, else the embedded server)."""
    return str(call.settings.get("public_url") or DEFAULT_PUBLIC_URL).rstrip("/") + path


def _timing(call: ServiceCall, zone: str | None = None) -> notify.Timing:
    return notify.Timing(quiet_hours=call.settings.get("notify_quiet_hours"),
                         zone=zone or call.settings.get("work_zone"))


def tell(ctx: Ctx, call: ServiceCall, *, template: str, params: Mapping[str, Any], mobile: str | None = None,
         email: str | None = None, locale: str = "fa", customer_id: int | None = None) -> str | None:
    """Queue ``template`` for whoever can be reached (SMS first); the channel used, or None (no address, or
    the cap reached). Customer messages stop at ``notify_daily_per_recipient`` (a setting) per address in 24
    hours. For someone who is not a customer yet, pass ``locale=guess_locale(what_they_wrote)``."""
    cap = notify.daily_cap(call.settings)
    for channel, address in (("sms", mobile), ("email", email)):
        if address:
            queued = notify.queue(ctx, channel=channel, recipient=address, template=template, params=params,
                                  locale=locale, customer_id=customer_id, process_instance_id=call.instance_id,
                                  daily_limit=cap, timing=_timing(call))
            return channel if queued is not None else None
    return None


def tell_customer(ctx: Ctx, call: ServiceCall, customer: Customer, *, template: str,
                  params: Mapping[str, Any]) -> str | None:
    """``tell`` a customer in their language, addressed by name; the channel, or None."""
    name = customer.person_name or customer.company_name or ""
    locale = customer.locale or guess_locale(name)
    return tell(ctx, call, template=template, params={"name": name, **params}, mobile=customer.mobile,
                email=customer.email, locale=locale, customer_id=customer.id)


def _inbox_link(params: Mapping[str, Any]) -> str | None:
    """The page of the web app a notice leads to: the path of its ``task_url``, if it has one."""
    url = params.get("task_url")
    path = urlsplit(url).path if isinstance(url, str) else ""
    return path if path.startswith("/app/") else None


def _in_language(params: Mapping[str, Any], locale: str) -> dict[str, Any]:
    """The parameters put in the reader's language: one given in every language (``{"en": ..., "fa": ...}``, a
    task's name as its diagram gives it, a level's or a category's words) becomes its text in theirs."""
    return {key: _theirs(value, locale) if _per_locale(value) else value for key, value in params.items()}


def _per_locale(value: Any) -> bool:
    """A text per locale: a mapping whose keys are all two-letter language codes."""
    return isinstance(value, Mapping) and bool(value) and all(
        isinstance(key, str) and len(key) == 2 and key.isalpha() and key.islower() for key in value)


def _theirs(value: Mapping[str, Any], locale: str) -> Any:
    return value.get(locale) or value.get("en") or value.get("fa")


def _outside(person: StaffMember) -> tuple[str, str | None]:
    """Where a notice goes beside the inbox, as the person chose (nowhere when they have no such address)."""
    if person.channel == "app":
        return "app", None
    if person.channel == "sms":
        return "sms", person.mobile
    if person.channel == "email":
        return "email", person.email
    return ("email", person.email) if person.email else ("sms", person.mobile)


def _tell_one(call: ServiceCall, ctx: Ctx, person: StaffMember, template: str, params: Mapping[str, Any],
              link: str | None) -> None:
    locale, timing = read_locale(person.locale or "en"), _timing(call, person.zone)
    named = {**_in_language(params, locale), "name": person.display_name or person.username,
             "recipient": person.display_name or person.username}
    for channel, address in (("app", person.username), _outside(person)):
        if address:
            notify.queue(ctx, channel=channel, recipient=address, template=template, params=named, locale=locale,
                         process_instance_id=call.instance_id, timing=timing, link=link)


def tell_staff(call: ServiceCall, ctx: Ctx, recipients: Iterable[str], *, template: str,
               params: Mapping[str, Any], link: str | None = None) -> list[str]:
    """Tell employees (user names, or ``group:<name>`` for everyone active in a group): each gets ``template``
    in their own language, addressed by display name (parameter ``name``), date-times in their time zone.
    Every notice lands in the employee's in-app inbox (channel ``app``, ``crm.inbox``), leading to ``link``
    (a page of the web app; by default the path of a ``task_url`` parameter); it is also mailed to their
    e-mail address if they have one, else sent by SMS to their mobile if they have one. The directory is
    ``call.settings["staff_directory"]``; the user names told are returned (none without a directory, and
    the log says so)."""
    directory: StaffDirectory | None = call.settings.get("staff_directory")
    wanted = [r for r in recipients if r]
    if directory is None:
        log.warning("no staff directory: %s for %s not queued", template, ", ".join(wanted))
        return []
    told = []
    for person in directory(call.session, wanted):
        _tell_one(call, ctx, person, template, params, link or _inbox_link(params))
        told.append(person.username)
    if not told:
        log.warning("%s: none of %s is an active employee", template, ", ".join(wanted))
    return told
