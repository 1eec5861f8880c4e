"""Leads and opportunities on the paths people take: every qualification call kept (``lead_call``), the
score's parts, the disqualification comment, who nurtured a lead; an opportunity's kind, loss reason and
the contract or purchase a won one became.

Revision ID: 0009_leads
Revises: 0006_contract_pdf
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_leads"
down_revision = "0006_contract_pdf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lead") as batch:
        batch.add_column(sa.Column("disqualify_comment", sa.Text(), nullable=True))
        batch.add_column(sa.Column("score_parts", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("recontact_by", sa.String(length=150), nullable=True))
    with op.batch_alter_table("opportunity") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="new"))
        batch.add_column(sa.Column("loss_reason", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("loss_comment", sa.Text(), nullable=True))
        batch.add_column(sa.Column("contract_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("purchase_id", sa.Integer(), nullable=True))
    op.create_table(
        "lead_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), sa.ForeignKey("lead.id", name="fk_lead_call_lead_id_lead"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=150), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("budget_confirmed", sa.Boolean(), nullable=True),
        sa.Column("authority", sa.Boolean(), nullable=True),
        sa.Column("need", sa.String(length=16), nullable=True),
        sa.Column("timeline", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("recontact_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("grade", sa.String(length=8), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_lead_call"),
    )
    op.create_index("ix_lead_call_lead_id", "lead_call", ["lead_id"])


def downgrade() -> None:
    op.drop_index("ix_lead_call_lead_id", table_name="lead_call")
    op.drop_table("lead_call")
    with op.batch_alter_table("opportunity") as batch:
        for name in ("purchase_id", "contract_id", "loss_comment", "loss_reason", "kind"):
            batch.drop_column(name)
    with op.batch_alter_table("lead") as batch:
        for name in ("recontact_by", "score_parts", "disqualify_comment"):
            batch.drop_column(name)
