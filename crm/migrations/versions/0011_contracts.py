"""Contracts signed by the customer: the buyer's legal identifiers, the contract's dates, instalments, VAT,
opportunity and signature, and the one-time codes that sign it.

Revision ID: 0011_contracts
Revises: 0006_contract_pdf
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_contracts"
down_revision = "0006_contract_pdf"
branch_labels = None
depends_on = None

CUSTOMER = (("national_id", 11), ("economic_code", 14), ("postal_code", 10))


def upgrade() -> None:
    with op.batch_alter_table("customer") as batch:
        for name, length in CUSTOMER:
            batch.add_column(sa.Column(name, sa.String(length=length), nullable=True))
    with op.batch_alter_table("contract") as batch:
        batch.add_column(sa.Column("opportunity_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("start_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("end_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("instalments", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("vat_percent", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("signed_mobile", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("signed_ip", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("signed_via", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("purchase_id", sa.Integer(), nullable=True))
        batch.create_index("ix_contract_opportunity_id", ["opportunity_id"])
    op.create_table(
        "contract_code",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contract_id", sa.Integer(), sa.ForeignKey("contract.id", ondelete="CASCADE"), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("mobile", sa.String(length=20), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
    )
    op.create_index("ix_contract_code_contract_id", "contract_code", ["contract_id"])


def downgrade() -> None:
    op.drop_index("ix_contract_code_contract_id", "contract_code")
    op.drop_table("contract_code")
    with op.batch_alter_table("contract") as batch:
        batch.drop_index("ix_contract_opportunity_id")
        for name in ("purchase_id", "signed_via", "signed_ip", "signed_mobile", "vat_percent", "instalments",
                     "end_date", "start_date", "opportunity_id"):
            batch.drop_column(name)
    with op.batch_alter_table("customer") as batch:
        for name, _ in reversed(CUSTOMER):
            batch.drop_column(name)
