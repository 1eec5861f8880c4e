"""Timers count their failed firings; after ``timer_max_failures`` the timer is an incident and
stops firing.

The engine's migrations form a line of their own from 0001_engine (the identity and CRM revisions branch
off it), so the engine alone, as in its tests and benchmarks, can be brought to its newest schema.

Revision ID: 0007_timer_failures
Revises: 0001_engine
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_timer_failures"
down_revision = "0001_engine"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("timer") as batch:
        batch.add_column(sa.Column("failures", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("timer") as batch:
        batch.drop_column("failures")
