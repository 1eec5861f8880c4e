"""Purchases name their product (a key of the managed list ``product``), indexed for the purchases list's
filter; loyalty accounts are indexed by points for the loyalty list's default sort.

Revision ID: 0023_purchase_pages
Revises: 0017_one_head
"""
import sqlalchemy as sa
from alembic import op

revision = "0023_purchase_pages"
down_revision = "0017_one_head"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("purchase") as batch:
        batch.add_column(sa.Column("product", sa.String(length=120), nullable=True))
    op.create_index("ix_purchase_product", "purchase", ["product"])
    op.create_index("ix_loyalty_account_points", "loyalty_account", ["points", "customer_id"])


def downgrade() -> None:
    op.drop_index("ix_loyalty_account_points", table_name="loyalty_account")
    op.drop_index("ix_purchase_product", table_name="purchase")
    with op.batch_alter_table("purchase") as batch:
        batch.drop_column("product")
