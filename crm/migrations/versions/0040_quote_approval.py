"""Quotes go through the quote_approval process: the instance that approves them and the approver's note when
a quote is sent back.

Revision ID: 0040_quote_approval
Revises: 0039_price_lists
"""
import sqlalchemy as sa
from alembic import op

revision = "0040_quote_approval"
down_revision = "0039_price_lists"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("quote") as batch:
        batch.add_column(sa.Column("process_instance_id", sa.String(36), nullable=True))
        batch.add_column(sa.Column("review_note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("quote") as batch:
        batch.drop_column("review_note")
        batch.drop_column("process_instance_id")
