"""Sales targets: what a salesperson or a team is to win in a period of days (``crm.targets``).

Revision ID: 0033_sales_targets
Revises: 0032_notice_channel
"""
import sqlalchemy as sa
from alembic import op

revision = "0033_sales_targets"
down_revision = "0032_notice_channel"
branch_labels = None
depends_on = None


def upgrade() -> None:
    moment = sa.DateTime(timezone=True)
    op.create_table(
        "sales_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=150), nullable=True),
        sa.Column("team_key", sa.String(length=80), nullable=True),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("created_by", sa.String(length=150), nullable=True),
        sa.Column("updated_at", moment, nullable=False),
        sa.Column("updated_by", sa.String(length=150), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_target")),
        sa.UniqueConstraint("owner", "team_key", "first_day", "last_day", name="uq_sales_target_period"),
    )
    op.create_index("ix_sales_target_days", "sales_target", ["first_day", "last_day"])


def downgrade() -> None:
    op.drop_table("sales_target")
