"""The composition root: settings → database → engine with its service handlers. The API app and
the ``ravand`` CLI both build Ravand here, and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine as Database
from sqlalchemy.orm import Session, sessionmaker

from api.admin_settings import with_stored
from api.contract_settings import contract_settings
from api.message_checks import MessageChecks, crm_checks
from api.quote_links import quote_settings
from config import Settings
from crm.dates import parse_day
from crm.errors import InvalidRecord
from crm.funnel import funnel_of
from crm.quiet import parse_quiet_hours, zone_of
from crm.record_history import index_rows
from crm.unit import Ctx
from engine import journal
from engine.events import calendar
from engine.events.timer_worker import TimerWorker
from engine.facade import Engine
from engine.runtime.services import HandlerRegistry
from engine.sandbox import Sandbox
from engine.store.db import make_engine, make_read_session_factory, make_session_factory
from engine.store.migrate import ENGINE_VERSIONS, Schema, alembic_config, upgrade
from processes.notices import DEFAULT_PUBLIC_URL

MIGRATIONS = Schema(environment=Path(__file__).parent / "migrations",  # one environment for every table
                    versions=(ENGINE_VERSIONS, Path(__file__).parent / "migrations" / "versions",
                              Path(__file__).parents[1] / "crm" / "migrations" / "versions"))


@dataclass
class Ravand:
    settings: Settings
    database: Database
    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]
    engine: Engine
    timers: TimerWorker
    message_checks: MessageChecks = field(default_factory=crm_checks)  # payloads checked before answering

    def nudge(self) -> None:
        """A command may have created a timer due soon: let the worker look now."""
        self.timers.nudge()


# every journal row that speaks of a CRM record is indexed under it as it is written (a record's own history)
journal.after_seal(index_rows)


def ravand_ctx(session: Session, actor: str | None) -> Ctx:
    """A CRM context whose record changes go to the engine's journal, in the same transaction."""
    def audit(kind: str, data: dict[str, Any]) -> None:
        journal.record(session, kind, actor, data=data)

    return Ctx(session, actor, audit)


def handlers() -> HandlerRegistry:
    """Every service-task handler Ravand ships: those of the CRM processes."""
    import processes

    return processes.register(HandlerRegistry())


class SettingsError(ValueError):
    """A setting Ravand cannot start with; the message names the setting and what is wrong."""


def work_calendar(settings: Settings) -> calendar.WorkCalendar:
    """The working calendar the settings describe (``work_zone``, ``work_week``, ``work_holidays_country``,
    ``work_holidays``); a ``SettingsError`` naming the setting otherwise."""
    try:
        days = [parse_day(day, field="work_holidays") for day in settings.work_holidays]
    except InvalidRecord as exc:
        raise SettingsError(f"work_holidays: {exc.field_errors['work_holidays'][0]}") from None
    for name, check in (("work_zone", lambda: zone_of(settings.work_zone)),
                        ("work_week", lambda: calendar.parse_week(settings.work_week))):
        try:
            check()
        except ValueError as exc:
            raise SettingsError(f"{name}: {exc}") from None
    try:
        return calendar.make_calendar(settings.work_zone, settings.work_week, settings.work_holidays_country or None,
                                      [day for day in days if day is not None])
    except ValueError as exc:
        raise SettingsError(f"work_holidays_country: {exc}") from None


def notice_settings(settings: Settings) -> dict[str, Any]:
    """What the processes' notices read from ``call.settings``: the links' base, quiet hours, the working time
    zone, and the staff directory (``api.staff.directory``)."""
    try:
        parse_quiet_hours(settings.notify_quiet_hours)
    except ValueError as exc:
        raise SettingsError(f"notify_quiet_hours: {exc}") from None
    from api.staff import directory

    found = {"notify_quiet_hours": settings.notify_quiet_hours, "work_zone": settings.work_zone,
             "staff_directory": directory, "notify_due_soon_s": settings.notify_due_soon_s}
    return {**found, "public_url": settings.public_url} if settings.public_url else found


def public_url_warning(settings: Settings) -> str | None:
    """X8: a warning when the links sent to customers would point at this machine's loopback address."""
    url = str(settings.public_url or settings.extra.get("public_url") or DEFAULT_PUBLIC_URL)
    host = (urlsplit(url).hostname or "").lower()
    if host in {"localhost", "::1"} or host.startswith("127."):
        return (f"public_url is {url}: links in messages to customers (complaint tracking, surveys, contracts) "
                "will not open for them; set public_url (RAVAND_PUBLIC_URL) to the address they reach Ravand at")
    return None


def funnel_settings(settings: Settings) -> dict[str, Any]:
    """The sales funnel (``funnel_stages``) the lead process opens opportunities in; a ``SettingsError`` naming
    the entry that is not ``name:percent``."""
    try:
        funnel_of(settings.funnel_stages)
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    return {"funnel_stages": tuple(settings.funnel_stages)}


def build(settings: Settings, *, migrate: bool = False) -> Ravand:
    scripts = Sandbox(calendar=calendar.spec)  # working_time() in a script worker counts on the configured calendar
    scripts.configure(timeout_s=settings.script_timeout_s, memory_mb=settings.script_memory_mb,
                      max_iterations=settings.script_max_iterations, workers=settings.script_workers,
                      isolate=settings.script_isolation, expression_timeout_s=settings.expression_timeout_s)
    database = make_engine(settings.database_url)
    if migrate:
        upgrade(database, MIGRATIONS)
    settings = with_stored(database, settings)  # what the Settings screen stored overrides the file
    calendar.configure(work_calendar(settings))
    engine = Engine(handlers(), settings={"locale": settings.locale, "max_multi_instance": settings.max_multi_instance,
                                          "max_call_depth": settings.max_call_depth, **notice_settings(settings),
                                          **contract_settings(settings), **quote_settings(settings),
                                          **funnel_settings(settings), **dict(settings.extra)}, sandbox=scripts)
    sessions = make_session_factory(database)
    timers = TimerWorker(engine, sessions, interval_s=settings.scheduler_interval_s,
                         max_failures=settings.timer_max_failures)
    return Ravand(settings, database, sessions, make_read_session_factory(database), engine, timers)


def pending_migrations(database: Database) -> bool:
    """Whether the database is behind the newest schema (a read: takes no write lock)."""
    cfg = alembic_config(database.url.render_as_string(hide_password=False), MIGRATIONS)
    heads = set(ScriptDirectory.from_config(cfg).get_heads())
    with database.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current != heads
