"""The composition root: settings → database → engine with its service handlers. The API app and
the ``ravand`` CLI both build Ravand here, and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine as Database
from sqlalchemy.orm import Session, sessionmaker

from api.message_checks import MessageChecks, crm_checks
from config import Settings
from crm.unit import Ctx
from engine import journal, sandbox
from engine.db import make_engine, make_read_session_factory, make_session_factory
from engine.facade import Engine
from engine.migrate import alembic_config, upgrade
from engine.scheduler import TimerWorker
from engine.services import HandlerRegistry

MIGRATIONS = (Path(__file__).parent / "migrations" / "versions",
              Path(__file__).parents[1] / "crm" / "migrations" / "versions")


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


def ravand_ctx(session: Session, actor: str | None) -> Ctx:
    """A CRM context whose record changes go to the engine's journal, in the same transaction."""
    def audit(kind: str, data: dict[str, Any]) -> None:
        journal.record(session, kind, actor, data=data)

    return Ctx(session, actor, audit)


def handlers() -> HandlerRegistry:
    """Every service-task handler Ravand ships: those of the CRM processes."""
    import processes

    return processes.register(HandlerRegistry())


def build(settings: Settings, *, migrate: bool = False) -> Ravand:
    sandbox.configure(timeout_s=settings.script_timeout_s, memory_mb=settings.script_memory_mb,
                      max_iterations=settings.script_max_iterations, workers=settings.script_workers,
                      isolate=settings.script_isolation, expression_timeout_s=settings.expression_timeout_s)
    database = make_engine(settings.database_url)
    if migrate:
        upgrade(database, MIGRATIONS)
    engine = Engine(handlers(), settings={"locale": settings.locale, "max_multi_instance": settings.max_multi_instance,
                                          "max_call_depth": settings.max_call_depth, **dict(settings.extra)})
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
