"""Groups as a table (key, Persian and English label, description, active), seeded with the groups the shipped
processes and the demo users name; and the settings an administrator changes on the Settings screen
(``app_setting``: one row per setting, its value as JSON), which override the settings file.

Revision ID: 0025_settings_admin
Revises: 0017_one_head
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from api.identity.groups import shipped_group_rows

revision = "0025_settings_admin"
down_revision = "0017_one_head"
branch_labels = None
depends_on = None


def upgrade() -> None:
    groups = op.create_table(
        "app_group",
        sa.Column("key", sa.String(length=100), primary_key=True),
        sa.Column("label_fa", sa.String(length=255), nullable=False),
        sa.Column("label_en", sa.String(length=255), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "app_setting",
        sa.Column("name", sa.String(length=64), primary_key=True),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("updated_by", sa.String(length=150), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.bulk_insert(groups, shipped_group_rows(datetime.now(UTC)))


def downgrade() -> None:
    op.drop_table("app_setting")
    op.drop_table("app_group")
