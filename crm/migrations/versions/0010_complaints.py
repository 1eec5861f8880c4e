"""Complaints: kind (complaint, suggestion, criticism), the complainant's language, the public answer
beside the internal resolution, the SLA pause, reopenings, and the handling history.

Revision ID: 0010_complaints
Revises: 0006_contract_pdf
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_complaints"
down_revision = "0006_contract_pdf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=20), nullable=False, server_default="complaint"))
        batch.add_column(sa.Column("locale", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("public_resolution", sa.Text(), nullable=True))
        batch.add_column(sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("sla_left_seconds", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reopened", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "complaint_handling",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(length=150), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("working_seconds", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaint.id"],
                                name=op.f("fk_complaint_handling_complaint_id_complaint")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_handling")),
    )
    op.create_index(op.f("ix_complaint_handling_complaint_id"), "complaint_handling", ["complaint_id"])
    op.create_index(op.f("ix_complaint_handling_user"), "complaint_handling", ["user"])


def downgrade() -> None:
    op.drop_index("ix_complaint_handling_user", "complaint_handling")
    op.drop_index("ix_complaint_handling_complaint_id", "complaint_handling")
    op.drop_table("complaint_handling")
    with op.batch_alter_table("complaint") as batch:
        for column in ("reopened", "sla_left_seconds", "paused_at", "public_resolution", "locale", "kind"):
            batch.drop_column(column)
