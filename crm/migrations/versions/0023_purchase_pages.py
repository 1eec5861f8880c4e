"""Purchases name their product (a key of the managed list ``product``), indexed for the purchases list's
filter, and are indexed by amount (its range filter and sort) and reference (an invoice number); loyalty accounts are indexed by points for the
loyalty list's default sort. On PostgreSQL with pg_trgm installed (``CREATE EXTENSION pg_trgm``, by an
administrator), customers' name keys get a trigram index, so the lists that find records by the customer's
name (purchases, loyalty, customers, complaints, opportunities) need no scan of every customer.

Revision ID: 0023_purchase_pages
Revises: 0017_one_head
"""
import sqlalchemy as sa
from alembic import op

from engine.store.migrate import trigram_schema

revision = "0023_purchase_pages"
down_revision = "0017_one_head"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("purchase") as batch:
        batch.add_column(sa.Column("product", sa.String(length=120), nullable=True))
    op.create_index("ix_purchase_product", "purchase", ["product"])
    op.create_index("ix_purchase_amount", "purchase", ["amount"])
    op.create_index("ix_purchase_reference", "purchase", ["reference"])
    op.create_index("ix_loyalty_account_points", "loyalty_account", ["points", "customer_id"])
    trigram = trigram_schema(op.get_bind())
    if trigram is not None:
        op.execute(f'CREATE INDEX IF NOT EXISTS ix_customer_name_key_trigram ON customer '
                   f'USING gin (name_key "{trigram}".gin_trgm_ops)')  # the name 0027_search_indexes gives it


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_customer_name_key_trigram")
    op.drop_index("ix_purchase_reference", table_name="purchase")
    op.drop_index("ix_purchase_amount", table_name="purchase")
    op.drop_index("ix_loyalty_account_points", table_name="loyalty_account")
    op.drop_index("ix_purchase_product", table_name="purchase")
    with op.batch_alter_table("purchase") as batch:
        batch.drop_column("product")
