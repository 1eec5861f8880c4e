"""A contract's PDF kept for the document it was rendered from.

Revision ID: 0006_contract_pdf
Revises: 0005_import_jobs
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_contract_pdf"
down_revision = "0005_import_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contract_pdf",
        sa.Column("contract_id", sa.Integer(), sa.ForeignKey("contract.id", ondelete="CASCADE"), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("contract_id"),
    )


def downgrade() -> None:
    op.drop_table("contract_pdf")
