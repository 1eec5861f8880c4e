"""Each user's choice of how notices reach them beside the in-app inbox (``app_user.notice_channel``): auto
(e-mail if they have an address, else SMS), email, sms, or app (the inbox only).

Revision ID: 0032_notice_channel
Revises: 0031_activities
"""

import sqlalchemy as sa
from alembic import op

revision = "0032_notice_channel"
down_revision = "0031_activities"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("notice_channel", sa.String(length=8), nullable=False, server_default="auto"))


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("notice_channel")
