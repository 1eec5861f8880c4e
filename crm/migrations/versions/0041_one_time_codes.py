"""One-time codes for acting on a signed link (a quote's acceptance), kept as their HMAC only.

Revision ID: 0041_one_time_codes
Revises: 0040_quote_approval
"""
import sqlalchemy as sa
from alembic import op

revision = "0041_one_time_codes"
down_revision = "0040_quote_approval"
branch_labels = None
depends_on = None


def upgrade() -> None:
    moment = sa.DateTime(timezone=True)
    op.create_table(
        "one_time_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("mobile", sa.String(20), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("expires_at", moment, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", moment, nullable=True),
        sa.Column("ip", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_time_code")),
    )
    op.create_index("ix_one_time_code_subject", "one_time_code", ["purpose", "subject_id", "created_at"])


def downgrade() -> None:
    op.drop_table("one_time_code")
