"""Indexes for the contracts and referrals lists: contracts by amount (its range filter and sort) and by
creation (the period filter), referrals by creation. On PostgreSQL with pg_trgm installed (``CREATE EXTENSION
pg_trgm``, by an administrator), trigram indexes on the contract's title and the referred person's name and
mobile, so a search by words or digits needs no scan of every row.

Revision ID: 0022_contract_pages
Revises: 0017_one_head
"""
from alembic import op

from engine.store.migrate import trigram_schema

revision = "0022_contract_pages"
down_revision = "0017_one_head"
branch_labels = None
depends_on = None

TRIGRAMS = (("ix_contract_title_trgm", "contract", "title"),
            ("ix_referral_referred_name_trgm", "referral", "referred_name"),
            ("ix_referral_referred_mobile_trgm", "referral", "referred_mobile"))


def upgrade() -> None:
    op.create_index("ix_contract_amount", "contract", ["amount"])
    op.create_index("ix_contract_created_at", "contract", ["created_at"])
    op.create_index("ix_referral_created_at", "referral", ["created_at"])
    trigram = trigram_schema(op.get_bind())
    if trigram is not None:
        for name, table, column in TRIGRAMS:
            op.execute(f'CREATE INDEX {name} ON {table} USING gin ({column} "{trigram}".gin_trgm_ops)')


def downgrade() -> None:
    for name, _table, _column in TRIGRAMS:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_index("ix_referral_created_at", table_name="referral")
    op.drop_index("ix_contract_created_at", table_name="contract")
    op.drop_index("ix_contract_amount", table_name="contract")
