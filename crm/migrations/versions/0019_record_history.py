"""A record's own history by index: ``journal_record`` names the CRM records each journal row speaks of
(derived when the row is written, never part of its hash; crm.record_history). The rows already in the
journal are indexed here.

Revision ID: 0019_record_history
Revises: 0017_one_head
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_record_history"
down_revision = "0017_one_head"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "journal_record",
        sa.Column("record_type", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("record_type", "record_id", "seq", name="pk_journal_record"),
    )
    from crm.record_history import backfill

    backfill(op.get_bind())


def downgrade() -> None:
    op.drop_table("journal_record")
