"""Saved filters of the record lists: whose, which list, its name, the list page's query string, shared with
everyone (administrators), when it was saved. Names are unique per owner and list.

Revision ID: 0024_saved_filters
Revises: 0017_one_head
"""
import sqlalchemy as sa
from alembic import op

revision = "0024_saved_filters"
down_revision = "0017_one_head"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_filter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=150), nullable=False),
        sa.Column("list_name", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_filter")),
        sa.UniqueConstraint("owner", "list_name", "name", name="uq_saved_filter_owner_list_name"),
    )
    op.create_index("ix_saved_filter_list_name_shared", "saved_filter", ["list_name", "shared"])


def downgrade() -> None:
    op.drop_index("ix_saved_filter_list_name_shared", "saved_filter")
    op.drop_table("saved_filter")
