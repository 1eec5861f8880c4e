"""Segments, campaigns and opt-outs; an outbox message names the campaign it belongs to.

Revision ID: 0035_campaigns
Revises: 0034_sms_delivery
"""
import sqlalchemy as sa
from alembic import op

revision = "0035_campaigns"
down_revision = "0034_sms_delivery"
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column]:
    moment = sa.DateTime(timezone=True)
    return [sa.Column("created_at", moment, nullable=False), sa.Column("created_by", sa.String(length=150)),
            sa.Column("updated_at", moment, nullable=False), sa.Column("updated_by", sa.String(length=150))]


def upgrade() -> None:
    moment = sa.DateTime(timezone=True)
    op.create_table(
        "segment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segment")),
        sa.UniqueConstraint("name", name=op.f("uq_segment_name")),
    )
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("body_fa", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("start_at", moment, nullable=True),
        sa.Column("rate_per_minute", sa.Integer(), nullable=False),
        sa.Column("attribution_days", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("queued", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("started_at", moment, nullable=True),
        sa.Column("finished_at", moment, nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(["segment_id"], ["segment.id"], name=op.f("fk_campaign_segment_id_segment")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign")),
    )
    op.create_index(op.f("ix_campaign_segment_id"), "campaign", ["segment_id"])
    op.create_index(op.f("ix_campaign_state"), "campaign", ["state"])
    op.create_table(
        "opt_out",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("how", sa.String(length=10), nullable=False),
        sa.Column("at", moment, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opt_out")),
        sa.UniqueConstraint("channel", "address", name="uq_opt_out_channel_address"),
    )
    op.create_index(op.f("ix_opt_out_customer_id"), "opt_out", ["customer_id"])
    op.create_index(op.f("ix_opt_out_campaign_id"), "opt_out", ["campaign_id"])
    with op.batch_alter_table("notification") as table:
        table.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_notification_campaign_id"), "notification", ["campaign_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_notification_campaign_id"), table_name="notification")
    with op.batch_alter_table("notification") as table:
        table.drop_column("campaign_id")
    op.drop_table("opt_out")
    op.drop_table("campaign")
    op.drop_table("segment")
