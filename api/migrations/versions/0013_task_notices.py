"""The notices employees were sent about their tasks (an overdue task is told once).

Revision ID: 0013_task_notices
Revises: 0007_timer_failures
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_task_notices"
down_revision = "0007_timer_failures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "task_notice",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("task_id", "kind", name=op.f("pk_task_notice")),
    )


def downgrade() -> None:
    op.drop_table("task_notice")
