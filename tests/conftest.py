"""Shared fixtures: a fresh, migrated database per test, on SQLite (a real file) and on the
PostgreSQL server named by RAVAND_TEST_POSTGRES_URL (default: 127.0.0.1:5432, database test).
Where PostgreSQL is unreachable its cases are skipped with the reason, never failed."""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, text
from sqlalchemy import Engine as SAEngine
from sqlalchemy.orm import Session, sessionmaker

from engine import clock, sandbox
from engine.store.db import make_engine, make_session_factory
from engine.store.migrate import Schema, upgrade

POSTGRES_URL = os.environ.get("RAVAND_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
_postgres_reason: list[str] = []


def postgres_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    if not _postgres_reason:
        try:
            probe = make_engine(POSTGRES_URL, pool_size=1, connect_args={"connect_timeout": 3})
            with probe.connect() as conn:
                conn.execute(text("select 1"))
            probe.dispose()
            _postgres_reason.append("")
        except Exception as exc:
            _postgres_reason.append(f"PostgreSQL not reachable at {POSTGRES_URL}: {type(exc).__name__}")
    return _postgres_reason[0] or None


@dataclass
class Database:
    url: str
    engine: SAEngine
    sessions: sessionmaker[Session]
    dialect: str


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> None:
    """argon2's production costs (64 MiB, ~0.1-0.7 s a hash) would dominate the API tests' set-up."""
    from argon2 import PasswordHasher

    from api.identity.service import use_hasher

    use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(scope="session", autouse=True)
def _fast_scripts() -> Iterator[None]:
    """Unit tests run scripts in-process (layer 1 only); the sandbox tests switch isolation on."""
    sandbox.DEFAULT.configure(isolate=False)
    yield
    sandbox.DEFAULT.shutdown()


_templates: dict[str, Path] = {}
_schemas: list[str] = []
_admin: list[SAEngine] = []  # one administrative connection per test process, for emptying its schema


def _migrations() -> Schema:
    from api.composition import MIGRATIONS

    return MIGRATIONS


def _sqlite(tmp_path: object) -> tuple[str, None]:
    """A fresh database file: a copy of one migrated once per test process (migrating costs ~1 s)."""
    if "sqlite" not in _templates:
        template = Path(tempfile.mkdtemp(prefix="ravand-template-")) / "template.sqlite"
        engine = make_engine(f"sqlite:///{template}")
        upgrade(engine, _migrations())
        engine.dispose()
        with closing(sqlite3.connect(template)) as conn:  # everything into the main file, to copy it alone
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _templates["sqlite"] = template
    target = Path(str(tmp_path)) / "ravand.sqlite"
    shutil.copyfile(_templates["sqlite"], target)
    return f"sqlite:///{target}", None


def _schema_url(schema: str) -> str:
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


def _postgres() -> tuple[str, str]:
    """This test process's schema, migrated once and emptied after every test."""
    reason = postgres_available()
    if reason:
        pytest.skip(reason)
    if not _schemas:
        schema = f"t_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"
        admin = make_engine(POSTGRES_URL, pool_size=1)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        engine = make_engine(_schema_url(schema))
        upgrade(engine, _migrations())
        engine.dispose()
        _schemas.append(schema)
        atexit.register(_drop_schema, schema)
    return _schema_url(_schemas[0]), _schemas[0]


SHIPPED = ("list_entry", "pipeline_stage", "app_group", "loyalty_tier")  # rows the migrations bring: put back


def _empty_schema(schema: str) -> None:
    """Every table emptied and every id sequence restarted; triggers (the journal's refusals) are off for this
    one transaction, in this one administrative session. Only the tables that hold rows are truncated (a
    truncation makes new files for each table: most tests write to a few of the ~90), the tables of shipped
    rows always, and then those rows are put back."""
    if not _admin:
        _admin.append(make_engine(POSTGRES_URL, pool_size=1))
    with _admin[0].begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("SET LOCAL lock_timeout = '10s'"))
        tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :schema "
                                   "AND tablename <> 'alembic_version'"), {"schema": schema}).scalars().all()
        quoted = {table: f'"{schema}"."{table}"' for table in tables}
        holding = conn.execute(text(" UNION ALL ".join(
            f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM {name})" for table, name in quoted.items()))).scalars()
        emptied = sorted({*holding, *(t for t in SHIPPED if t in quoted)})
        conn.execute(text(f"TRUNCATE {', '.join(quoted[t] for t in emptied)} CASCADE"))
        conn.execute(text("SELECT setval(format('%I.%I', n.nspname, c.relname), 1, false) FROM pg_class c "
                          "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND n.nspname = :s"),
                     {"s": schema})
        _restore_lists(conn, schema)
        conn.execute(text(f'ALTER TABLE "{schema}".journal ENABLE TRIGGER ALL'))  # a test may switch it off


def _restore_lists(conn: Connection, schema: str) -> None:
    """The managed lists' shipped entries are data the migration brings: put back after emptying, as on SQLite."""
    from crm.list_data import shipped_rows
    from crm.models import ListEntry

    insert = ListEntry.__table__.insert().execution_options(schema_translate_map={None: schema})
    conn.execute(insert, shipped_rows(datetime.now(UTC)))
    from crm.models import PipelineStage
    from crm.pipeline import shipped_rows as shipped_stages  # the pipeline's stages too (migration 0021)

    now = datetime.now(UTC)
    stages = PipelineStage.__table__.insert().execution_options(schema_translate_map={None: schema})
    conn.execute(stages, [{**row, "created_at": now, "updated_at": now} for row in shipped_stages()])
    from api.identity.groups import Group, shipped_group_rows  # the shipped groups too (migration 0025)

    groups = Group.__table__.insert().execution_options(schema_translate_map={None: schema})
    conn.execute(groups, shipped_group_rows(datetime.now(UTC)))
    from crm.loyalty_rules import shipped_tier_rows  # the loyalty tiers too (migration 0038)
    from crm.models import LoyaltyTier

    tiers = LoyaltyTier.__table__.insert().execution_options(schema_translate_map={None: schema})
    conn.execute(tiers, shipped_tier_rows())


def _drop_schema(schema: str) -> None:
    admin = make_engine(POSTGRES_URL, pool_size=1)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def _database(kind: str, tmp_path: object) -> Iterator[Database]:
    url, schema = _sqlite(tmp_path) if kind == "sqlite" else _postgres()
    engine = make_engine(url)
    try:
        yield Database(url, engine, make_session_factory(engine), kind)
    finally:
        engine.dispose()
        if schema:
            _empty_schema(schema)


BOTH = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BOTH)
def db(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[Database]:
    """Every table Ravand has (engine, identity, CRM), on each database, empty."""
    yield from _database(request.param, tmp_path)


@pytest.fixture
def sqlite_db(tmp_path: object) -> Iterator[Database]:
    yield from _database("sqlite", tmp_path)


@pytest.fixture(params=BOTH)
def crm_db(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[Database]:
    """The same as ``db`` (named for the CRM tests)."""
    yield from _database(request.param, tmp_path)


@pytest.fixture
def later() -> Iterator[Callable[[float], None]]:
    """``later(1.2)`` brings the engine's clock 1.2 seconds on (timers fall due without a wait)."""
    with clock.shifted() as advance:
        yield advance
