"""Employees' e-mail and mobile (where their notices go) and the in-app inbox: the outbox's ``app`` rows get a
link and a read time, and the staff notices kept there for want of an address count as delivered to the inbox.

Revision ID: 0014_staff_inbox
Revises: 0013_task_notices
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_staff_inbox"
down_revision = "0013_task_notices"
branch_labels = None
depends_on = "0006_contract_pdf"  # it alters app_user and notification, made on that branch


def upgrade() -> None:
    with op.batch_alter_table("app_user") as table:
        table.add_column(sa.Column("email", sa.String(length=255), nullable=True))
        table.add_column(sa.Column("mobile", sa.String(length=16), nullable=True))
    with op.batch_alter_table("notification") as table:
        table.add_column(sa.Column("link", sa.String(length=500), nullable=True))
        table.add_column(sa.Column("read_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE notification SET status = 'sent', sent_at = created_at, last_error = NULL, "
               "next_attempt_at = NULL WHERE channel = 'app' AND status IN ('kept', 'pending')")


def downgrade() -> None:
    op.execute("UPDATE notification SET status = 'kept', sent_at = NULL WHERE channel = 'app'")
    with op.batch_alter_table("notification") as table:
        table.drop_column("read_at")
        table.drop_column("link")
    with op.batch_alter_table("app_user") as table:
        table.drop_column("mobile")
        table.drop_column("email")
