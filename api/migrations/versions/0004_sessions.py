"""Server-side web sessions, rate-limit counters shared by every server process, and the outbox's
per-recipient index (the daily cap per destination counts by it).

Revision ID: 0004_sessions
Revises: 0003_crm
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_sessions"
down_revision = "0003_crm"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_web_session_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
    )
    op.create_index(op.f("ix_web_session_user_id"), "web_session", ["user_id"], unique=False)
    op.create_table(
        "rate_limit_hit",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window_start", name=op.f("pk_rate_limit_hit")),
    )
    op.create_index(op.f("ix_rate_limit_hit_expires"), "rate_limit_hit", ["expires"], unique=False)
    op.create_index("ix_notification_recipient_created_at", "notification", ["recipient", "created_at"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_notification_recipient_created_at", table_name="notification")
    op.drop_index(op.f("ix_rate_limit_hit_expires"), table_name="rate_limit_hit")
    op.drop_table("rate_limit_hit")
    op.drop_index(op.f("ix_web_session_user_id"), table_name="web_session")
    op.drop_table("web_session")
