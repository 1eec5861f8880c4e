"""Shared fixtures: a fresh, migrated database per test, on SQLite (a real file) and on the
PostgreSQL server named by RAVAND_TEST_POSTGRES_URL (default: 127.0.0.1:5432, database test).
Where PostgreSQL is unreachable its cases are skipped with the reason, never failed."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine as SAEngine
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from engine import sandbox
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade

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
def _fast_scripts() -> Iterator[None]:
    """Unit tests run scripts in-process (layer 1 only); the sandbox tests switch isolation on."""
    sandbox.configure(isolate=False)
    yield
    sandbox.shutdown()


def _sqlite(tmp_path: object) -> tuple[str, None]:
    return f"sqlite:///{tmp_path}/ravand.sqlite", None


def _postgres() -> tuple[str, str]:
    reason = postgres_available()
    if reason:
        pytest.skip(reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL, pool_size=1)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}", schema


def _drop_schema(schema: str) -> None:
    admin = make_engine(POSTGRES_URL, pool_size=1)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _database(kind: str, tmp_path: object, locations: tuple[Path, ...] = ()) -> Iterator[Database]:
    url, schema = _sqlite(tmp_path) if kind == "sqlite" else _postgres()
    engine = make_engine(url)
    upgrade(engine, locations)
    try:
        yield Database(url, engine, make_session_factory(engine), kind)
    finally:
        engine.dispose()
        if schema:
            _drop_schema(schema)


BOTH = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BOTH)
def db(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[Database]:
    """The engine's tables, on each database."""
    yield from _database(request.param, tmp_path)


@pytest.fixture
def sqlite_db(tmp_path: object) -> Iterator[Database]:
    yield from _database("sqlite", tmp_path)


@pytest.fixture(params=BOTH)
def crm_db(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[Database]:
    """Every table Ravand has (engine, identity, CRM), on each database."""
    from api.composition import MIGRATIONS

    yield from _database(request.param, tmp_path, MIGRATIONS)
