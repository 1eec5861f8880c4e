"""Opportunities and contracts searched by title however its letters were typed: ``title_key`` (crm.text.name_key
of the title: Arabic and Persian letter forms, آ and ا, case, spaces, ZWNJ and dashes folded) on ``opportunity``
and ``contract``, filled in for the rows already there, with a trigram index on PostgreSQL where pg_trgm is
installed (the lists search it with ``LIKE '%word%'``).

Revision ID: 0030_title_keys
Revises: 0029_amount_unit
"""

import sqlalchemy as sa
from alembic import op

from crm.text import name_key
from engine.store.migrate import trigram_schema

revision = "0030_title_keys"
down_revision = "0029_amount_unit"
branch_labels = None
depends_on = None

TABLES = ("opportunity", "contract")
BATCH = 1000


def _fill(table_name: str) -> None:
    bind = op.get_bind()
    table = sa.table(table_name, sa.column("id", sa.Integer), sa.column("title", sa.String),
                     sa.column("title_key", sa.String))
    last = 0
    while rows := bind.execute(sa.select(table.c.id, table.c.title).where(table.c.id > last)
                               .order_by(table.c.id).limit(BATCH)).all():
        bind.execute(table.update().where(table.c.id == sa.bindparam("row_id")),
                     [{"row_id": row.id, "title_key": name_key(row.title)[:255]} for row in rows])
        last = rows[-1].id


def upgrade() -> None:
    trigram = trigram_schema(op.get_bind())
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("title_key", sa.String(length=255), nullable=False, server_default=""))
        _fill(table)
        if trigram is not None:
            op.execute(f'CREATE INDEX IF NOT EXISTS ix_{table}_title_key_trigram ON "{table}" '
                       f'USING gin (title_key "{trigram}".gin_trgm_ops)')


def downgrade() -> None:
    for table in TABLES:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_title_key_trigram")
        with op.batch_alter_table(table) as batch:
            batch.drop_column("title_key")
