"""Referrals: every attempt recorded, a declined status, the purchase window's start and total;
vouchers; a purchase's voucher discount.

Revision ID: 0012_referrals
Revises: 0006_contract_pdf
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_referrals"
down_revision = "0006_contract_pdf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("referral") as batch:
        batch.add_column(sa.Column("qualified_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("purchase_total", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("declined_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("purchase") as batch:
        batch.add_column(sa.Column("discount", sa.BigInteger(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("voucher_id", sa.Integer(), nullable=True))
    op.create_table(
        "referral_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("referrer_id", sa.Integer(), nullable=True),
        sa.Column("referred_name", sa.String(length=255), nullable=True),
        sa.Column("referred_mobile", sa.String(length=40), nullable=True),
        sa.Column("referred_email", sa.String(length=255), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("by", sa.String(length=150), nullable=True),
        sa.ForeignKeyConstraint(["referrer_id"], ["customer.id"], name=op.f("fk_referral_attempt_referrer_id_customer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_attempt")),
    )
    op.create_index(op.f("ix_referral_attempt_referrer_id"), "referral_attempt", ["referrer_id"], unique=False)
    op.create_index(op.f("ix_referral_attempt_outcome"), "referral_attempt", ["outcome"], unique=False)
    op.create_table(
        "voucher",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("redeemed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("purchase_id", sa.Integer(), nullable=True),
        sa.Column("discount", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=150), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], name=op.f("fk_voucher_customer_id_customer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voucher")),
        sa.UniqueConstraint("code", name=op.f("uq_voucher_code")),
    )
    op.create_index(op.f("ix_voucher_customer_id"), "voucher", ["customer_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_voucher_customer_id"), table_name="voucher")
    op.drop_table("voucher")
    op.drop_index(op.f("ix_referral_attempt_outcome"), table_name="referral_attempt")
    op.drop_index(op.f("ix_referral_attempt_referrer_id"), table_name="referral_attempt")
    op.drop_table("referral_attempt")
    with op.batch_alter_table("purchase") as batch:
        batch.drop_column("voucher_id")
        batch.drop_column("discount")
    with op.batch_alter_table("referral") as batch:
        batch.drop_column("declined_at")
        batch.drop_column("purchase_total")
        batch.drop_column("qualified_at")
