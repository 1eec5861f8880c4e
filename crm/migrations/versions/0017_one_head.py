"""One head again: the branches the managed lists, leads, complaints, contracts, referrals and the staff inbox
each started join here, so the next migration has a single parent.

Revision ID: 0017_one_head
Revises: 0008_lists, 0009_leads, 0010_complaints, 0011_contracts, 0012_referrals, 0014_staff_inbox,
         0016_referral_note
"""

revision = "0017_one_head"
down_revision = ("0008_lists", "0009_leads", "0010_complaints", "0011_contracts", "0012_referrals",
                 "0014_staff_inbox", "0016_referral_note")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: the join alone."""


def downgrade() -> None:
    """Nothing to change: the join alone."""
