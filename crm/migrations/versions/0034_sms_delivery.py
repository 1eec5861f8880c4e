"""An SMS sent through a panel keeps the panel's id for it, its cost and its delivery report.

Revision ID: 0034_sms_delivery
Revises: 0033_sales_targets
"""
import sqlalchemy as sa
from alembic import op

revision = "0034_sms_delivery"
down_revision = "0033_sales_targets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notification") as table:
        table.add_column(sa.Column("provider", sa.String(length=16), nullable=True))
        table.add_column(sa.Column("provider_ref", sa.String(length=64), nullable=True))
        table.add_column(sa.Column("cost_rial", sa.BigInteger(), nullable=True))
        table.add_column(sa.Column("delivery", sa.String(length=12), nullable=True))
        table.add_column(sa.Column("delivery_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_notification_provider_ref", "notification", ["provider", "provider_ref"])


def downgrade() -> None:
    op.drop_index("ix_notification_provider_ref", table_name="notification")
    with op.batch_alter_table("notification") as table:
        for column in ("delivery_at", "delivery", "cost_rial", "provider_ref", "provider"):
            table.drop_column(column)
