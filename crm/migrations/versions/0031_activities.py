"""Activities on records: calls, meetings, notes and to-dos, with a due time, a reminder and when done
(``crm.activities``).

Revision ID: 0031_activities
Revises: 0030_title_keys
"""
import sqlalchemy as sa
from alembic import op

revision = "0031_activities"
down_revision = "0030_title_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    moment = sa.DateTime(timezone=True)
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("direction", sa.String(length=8), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.Column("attendees", sa.JSON(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("owner", sa.String(length=150), nullable=False),
        sa.Column("due_at", moment, nullable=True),
        sa.Column("remind_at", moment, nullable=True),
        sa.Column("reminded_at", moment, nullable=True),
        sa.Column("done_at", moment, nullable=True),
        sa.Column("source", sa.String(length=20), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("created_by", sa.String(length=150), nullable=True),
        sa.Column("updated_at", moment, nullable=False),
        sa.Column("updated_by", sa.String(length=150), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity")),
    )
    op.create_index("ix_activity_record", "activity", ["record_type", "record_id", "id"])
    op.create_index("ix_activity_owner_due", "activity", ["owner", "due_at"])
    op.create_index("ix_activity_reminder", "activity", ["remind_at", "reminded_at"])


def downgrade() -> None:
    op.drop_table("activity")
