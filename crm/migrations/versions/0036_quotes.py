"""Products and quotes (پیش‌فاکتور) with their lines.

Revision ID: 0036_quotes
Revises: 0035_campaigns
"""
import sqlalchemy as sa
from alembic import op

revision = "0036_quotes"
down_revision = "0035_campaigns"
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column]:
    moment = sa.DateTime(timezone=True)
    return [sa.Column("created_at", moment, nullable=False), sa.Column("created_by", sa.String(length=150)),
            sa.Column("updated_at", moment, nullable=False), sa.Column("updated_by", sa.String(length=150))]


def upgrade() -> None:
    moment = sa.DateTime(timezone=True)
    op.create_table(
        "product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_fa", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=12), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("taxable", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product")),
        sa.UniqueConstraint("code", name=op.f("uq_product_code")),
    )
    op.create_table(
        "quote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("discount_percent", sa.Integer(), nullable=False),
        sa.Column("vat_percent", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(length=150), nullable=True),
        sa.Column("sent_at", moment, nullable=True),
        sa.Column("decided_at", moment, nullable=True),
        sa.Column("team_key", sa.String(length=80), nullable=True),
        sa.Column("branch_key", sa.String(length=80), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(["opportunity_id"], ["opportunity.id"], name=op.f("fk_quote_opportunity_id_opportunity")),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], name=op.f("fk_quote_customer_id_customer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote")),
    )
    for column in ("opportunity_id", "customer_id", "state", "team_key", "branch_key"):
        op.create_index(op.f(f"ix_quote_{column}"), "quote", [column])
    op.create_table(
        "quote_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=255), nullable=False),
        sa.Column("unit", sa.String(length=12), nullable=False),
        sa.Column("quantity_milli", sa.BigInteger(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("discount_percent", sa.Integer(), nullable=False),
        sa.Column("taxable", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["quote_id"], ["quote.id"], name=op.f("fk_quote_line_quote_id_quote")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_line")),
    )
    op.create_index("ix_quote_line_quote", "quote_line", ["quote_id", "position"])


def downgrade() -> None:
    op.drop_table("quote_line")
    op.drop_table("quote")
    op.drop_table("product")
