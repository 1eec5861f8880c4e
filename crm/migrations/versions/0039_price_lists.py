"""Price lists per customer group (a segment or a loyalty tier), valid for a while.

Revision ID: 0039_price_lists
Revises: 0038_loyalty_club
"""
import sqlalchemy as sa
from alembic import op

revision = "0039_price_lists"
down_revision = "0038_loyalty_club"
branch_labels = None
depends_on = None


def upgrade() -> None:
    moment = sa.DateTime(timezone=True)
    op.create_table(
        "price_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("segment_key", sa.String(80), nullable=True),
        sa.Column("segment", sa.String(80), nullable=True),
        sa.Column("tier", sa.String(16), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("created_by", sa.String(150), nullable=True),
        sa.Column("updated_at", moment, nullable=False),
        sa.Column("updated_by", sa.String(150), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_list")),
        sa.UniqueConstraint("name", name=op.f("uq_price_list_name")),
    )
    op.create_table(
        "price_list_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("price_list_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["price_list_id"], ["price_list.id"],
                                name=op.f("fk_price_list_item_price_list_id_price_list")),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"], name=op.f("fk_price_list_item_product_id_product")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_list_item")),
        sa.UniqueConstraint("price_list_id", "product_id", name="uq_price_list_item_product"),
    )
    op.create_index(op.f("ix_price_list_item_price_list_id"), "price_list_item", ["price_list_id"])


def downgrade() -> None:
    op.drop_table("price_list_item")
    op.drop_table("price_list")
