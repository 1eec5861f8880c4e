"""Each user's unit for amounts in task forms (``app_user.amount_unit``: rial, the default, or toman). Amounts
are stored in rials whatever the unit; the unit only decides how forms show and take them.

Revision ID: 0029_amount_unit
Revises: 0028_open_tasks_by_age
"""

import sqlalchemy as sa
from alembic import op

revision = "0029_amount_unit"
down_revision = "0028_open_tasks_by_age"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("amount_unit", sa.String(length=8), nullable=False, server_default="rial"))


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("amount_unit")
