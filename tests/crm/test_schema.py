"""The CRM's migration creates exactly the tables its models describe, on each database."""

from __future__ import annotations

from sqlalchemy import inspect

from crm.models import Base
from tests.conftest import Database


def test_migration_matches_models(crm_db: Database) -> None:
    inspector = inspect(crm_db.engine)
    tables = set(inspector.get_table_names())
    for table in Base.metadata.sorted_tables:
        assert table.name in tables
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == set(table.columns.keys()), table.name
