"""Trigram indexes for the record lists' searches on PostgreSQL, where pg_trgm is installed: a customer's
or lead's name, telephone numbers and e-mail are searched with ``LIKE '%word%'``, which without them reads
the whole table (a phone search over a million customers took most of a second).

Revision ID: 0027_search_indexes
Revises: 0026_one_head
"""
from alembic import op

from engine.store.migrate import trigram_schema

revision = "0027_search_indexes"
down_revision = "0026_one_head"
branch_labels = None
depends_on = None

SEARCHED = (("customer", ("name_key", "phone", "mobile", "email")), ("lead", ("name_key", "mobile", "email")))


def upgrade() -> None:
    trigram = trigram_schema(op.get_bind())
    if trigram is None:
        return
    for table, columns in SEARCHED:
        for column in columns:
            op.execute(f'CREATE INDEX IF NOT EXISTS ix_{table}_{column}_trigram ON "{table}" '
                       f'USING gin ({column} "{trigram}".gin_trgm_ops)')


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in SEARCHED:
        for column in columns:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_{column}_trigram")
