"""The sales pipeline's stages as data an administrator sets (``pipeline_stage``), seeded with the stages
Ravand ships (the default ``funnel_stages``, then won and lost) and any other stage an opportunity already
holds or held, so every existing record stays valid; indexes for the pipeline board.

Revision ID: 0021_pipeline_stages
Revises: 0017_one_head
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from crm.pipeline import shipped_rows

revision = "0021_pipeline_stages"
down_revision = "0017_one_head"
branch_labels = None
depends_on = None


def _rows() -> list[dict]:
    now = datetime.now(UTC)
    rows = shipped_rows()
    known = {row["key"] for row in rows}
    bind = op.get_bind()
    used = {key for (key,) in bind.execute(sa.text("SELECT DISTINCT stage FROM opportunity UNION "
                                                   "SELECT DISTINCT stage FROM opportunity_stage"))}
    last = max(row["position"] for row in rows if row["kind"] == "open")
    for i, key in enumerate(sorted(used - known)):  # a stage of a customised funnel_stages setting
        rows.append({"key": key, "label_fa": key, "label_en": key, "position": last + (i + 1) * 10,
                     "probability": 0, "kind": "open", "active": True})
    return [{**row, "created_at": now, "updated_at": now, "created_by": None, "updated_by": None} for row in rows]


def upgrade() -> None:
    table = op.create_table(
        "pipeline_stage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column("label_fa", sa.String(length=80), nullable=False),
        sa.Column("label_en", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=150), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=150), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipeline_stage")),
        sa.UniqueConstraint("key", name="uq_pipeline_stage_key"),
    )
    op.bulk_insert(table, _rows())
    op.create_index("ix_opportunity_stage_expected_close", "opportunity", ["stage", "expected_close", "id"])
    op.create_index("ix_opportunity_owner_stage", "opportunity", ["owner", "stage"])


def downgrade() -> None:
    op.drop_index("ix_opportunity_owner_stage", table_name="opportunity")
    op.drop_index("ix_opportunity_stage_expected_close", table_name="opportunity")
    op.drop_table("pipeline_stage")
