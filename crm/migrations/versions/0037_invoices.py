"""Invoices of accepted quotes and the payments received against them.

Revision ID: 0037_invoices
Revises: 0036_quotes
"""
import sqlalchemy as sa
from alembic import op

revision = "0037_invoices"
down_revision = "0036_quotes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    moment = sa.DateTime(timezone=True)
    op.create_table(
        "invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("paid", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("purchase_id", sa.Integer(), nullable=True),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("created_by", sa.String(length=150), nullable=True),
        sa.Column("updated_at", moment, nullable=False),
        sa.Column("updated_by", sa.String(length=150), nullable=True),
        sa.ForeignKeyConstraint(["quote_id"], ["quote.id"], name=op.f("fk_invoice_quote_id_quote")),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], name=op.f("fk_invoice_customer_id_customer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice")),
        sa.UniqueConstraint("quote_id", name=op.f("uq_invoice_quote_id")),
    )
    op.create_index(op.f("ix_invoice_customer_id"), "invoice", ["customer_id"])
    op.create_index(op.f("ix_invoice_opportunity_id"), "invoice", ["opportunity_id"])
    op.create_index("ix_invoice_state_due", "invoice", ["state", "due_on"])
    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("created_by", sa.String(length=150), nullable=True),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoice.id"], name=op.f("fk_payment_invoice_id_invoice")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment")),
    )
    op.create_index(op.f("ix_payment_invoice_id"), "payment", ["invoice_id"])


def downgrade() -> None:
    op.drop_table("payment")
    op.drop_table("invoice")
