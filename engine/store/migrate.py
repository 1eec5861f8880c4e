"""Schema migrations through Alembic, callable from code (``ravand init``, tests)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, text

ENGINE_VERSIONS = Path(__file__).parent / "migrations" / "versions"  # the engine's own revisions


@dataclass(frozen=True)
class Schema:
    """Where Alembic finds the environment (its ``env.py`` knows the tables: the application's, which holds the
    engine's tables beside its own) and the folders of revisions."""

    environment: Path
    versions: tuple[Path, ...]


def alembic_config(url: str, schema: Schema) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(schema.environment))
    cfg.set_main_option("version_locations", " ".join(str(p) for p in schema.versions))
    cfg.set_main_option("path_separator", "space")
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, schema: Schema) -> None:
    """Bring the database to the newest schema (idempotent)."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False), schema)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "heads")


def trigram_schema(bind: Connection) -> str | None:
    """The schema of PostgreSQL's pg_trgm where it is installed (``CREATE EXTENSION pg_trgm``, once per
    database, by its owner), for the trigram indexes that serve ``LIKE '%word%'`` searches; None elsewhere,
    and then those searches read the table (correct, slower on large tables)."""
    if bind.dialect.name != "postgresql":
        return None
    return bind.scalar(text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                            "WHERE e.extname = 'pg_trgm'"))
