"""Referrals: the referrer's note about the person referred (the portal's referral form asks for it).

Revision ID: 0016_referral_note
Revises: 0006_contract_pdf
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_referral_note"
down_revision = "0006_contract_pdf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("referral") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("referral") as batch:
        batch.drop_column("note")
