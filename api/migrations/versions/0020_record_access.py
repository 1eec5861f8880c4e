"""Record access: branches, teams and the access rules (``crm.teams``); a user's team and branch; the owner, team
and branch of customers, leads, opportunities, complaints, contracts and referrals, indexed for the visibility
filters (``crm.access``). Existing records keep no team: with no rule every role reads and edits all, as before.

Revision ID: 0020_record_access
Revises: 0017_one_head
"""
import sqlalchemy as sa
from alembic import op

revision = "0020_record_access"
down_revision = "0017_one_head"
branch_labels = None
depends_on = None

PLACED = ("customer", "lead", "opportunity", "complaint", "contract", "referral")
NEW_OWNER = ("lead", "complaint", "contract", "referral")  # customer and opportunity had one


def _stamps() -> list[sa.Column]:
    return [sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("created_by", sa.String(150), nullable=True),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_by", sa.String(150), nullable=True)]


def upgrade() -> None:
    op.create_table("branch", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("key", sa.String(80), nullable=False), sa.Column("name_fa", sa.String(255), nullable=False),
                    sa.Column("name_en", sa.String(255), nullable=False), sa.Column("kind", sa.String(16), nullable=False),
                    sa.Column("active", sa.Boolean(), nullable=False), *_stamps(),
                    sa.PrimaryKeyConstraint("id", name="pk_branch"), sa.UniqueConstraint("key", name="uq_branch_key"))
    op.create_table("team", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("key", sa.String(80), nullable=False), sa.Column("name_fa", sa.String(255), nullable=False),
                    sa.Column("name_en", sa.String(255), nullable=False), sa.Column("branch_key", sa.String(80)),
                    sa.Column("managers", sa.JSON(), nullable=False), sa.Column("active", sa.Boolean(), nullable=False),
                    *_stamps(), sa.PrimaryKeyConstraint("id", name="pk_team"),
                    sa.UniqueConstraint("key", name="uq_team_key"))
    op.create_index("ix_team_branch_key", "team", ["branch_key"])
    op.create_table("access_rule", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("subject_kind", sa.String(8), nullable=False),
                    sa.Column("subject", sa.String(100), nullable=False),
                    sa.Column("read_scope", sa.String(8), nullable=False),
                    sa.Column("edit_scope", sa.String(8), nullable=False), *_stamps(),
                    sa.PrimaryKeyConstraint("id", name="pk_access_rule"),
                    sa.UniqueConstraint("subject_kind", "subject", name="uq_access_rule_subject_kind_subject"))
    with op.batch_alter_table("app_user") as table:
        table.add_column(sa.Column("team_key", sa.String(80), nullable=True))
        table.add_column(sa.Column("branch_key", sa.String(80), nullable=True))
    for name in PLACED:
        with op.batch_alter_table(name) as table:
            if name in NEW_OWNER:
                table.add_column(sa.Column("owner", sa.String(150), nullable=True))
            table.add_column(sa.Column("team_key", sa.String(80), nullable=True))
            table.add_column(sa.Column("branch_key", sa.String(80), nullable=True))
        if name in NEW_OWNER:
            op.create_index(f"ix_{name}_owner", name, ["owner"])
        op.create_index(f"ix_{name}_team_key", name, ["team_key"])
        op.create_index(f"ix_{name}_branch_key", name, ["branch_key"])


def downgrade() -> None:
    for name in PLACED:
        op.drop_index(f"ix_{name}_branch_key", name)
        op.drop_index(f"ix_{name}_team_key", name)
        if name in NEW_OWNER:
            op.drop_index(f"ix_{name}_owner", name)
        with op.batch_alter_table(name) as table:
            table.drop_column("branch_key")
            table.drop_column("team_key")
            if name in NEW_OWNER:
                table.drop_column("owner")
    with op.batch_alter_table("app_user") as table:
        table.drop_column("branch_key")
        table.drop_column("team_key")
    op.drop_table("access_rule")
    op.drop_index("ix_team_branch_key", "team")
    op.drop_table("team")
    op.drop_table("branch")
