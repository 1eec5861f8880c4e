"""Managed lists: keys with Persian and English labels (products, provinces, cities, lead sources, complaint
categories and kinds, disqualification and loss reasons, contract levels), with the entries Ravand ships.

Revision ID: 0008_lists
Revises: 0006_contract_pdf
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from crm.list_data import shipped_rows

revision = "0008_lists"
down_revision = "0006_contract_pdf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "list_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_name", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("label_fa", sa.String(length=255), nullable=False),
        sa.Column("label_en", sa.String(length=255), nullable=False),
        sa.Column("parent_key", sa.String(length=80), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=150), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=150), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_entry")),
        sa.UniqueConstraint("list_name", "key", name="uq_list_entry_list_name_key"),
    )
    op.create_index("ix_list_entry_list_name_parent_key", "list_entry", ["list_name", "parent_key"], unique=False)
    op.bulk_insert(table, shipped_rows(datetime.now(UTC)))


def downgrade() -> None:
    op.drop_index("ix_list_entry_list_name_parent_key", table_name="list_entry")
    op.drop_table("list_entry")
