"""The loyalty club: earning rules, tiers' benefits, a redemption catalogue, and points that expire.

The ledger's credits become lots (``remaining``, ``expires_at``); the points of the entries written before
are given back to their lots oldest first, as the debits took them, and never expire.

Revision ID: 0038_loyalty_club
Revises: 0037_invoices
"""
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from crm.loyalty_rules import shipped_tier_rows

revision = "0038_loyalty_club"
down_revision = "0037_invoices"
branch_labels = None
depends_on = None

def _stamps() -> list[sa.Column]:
    moment = sa.DateTime(timezone=True)
    return [sa.Column("created_at", moment, nullable=False), sa.Column("created_by", sa.String(150)),
            sa.Column("updated_at", moment, nullable=False), sa.Column("updated_by", sa.String(150))]


def _lots() -> None:
    """Give each existing credit what of it the debits left, oldest credits spent first."""
    bind = op.get_bind()
    entries = sa.table("loyalty_entry", sa.column("id"), sa.column("customer_id"), sa.column("points"),
                       sa.column("remaining"))
    spent: dict[int, int] = defaultdict(int)
    for customer_id, total in bind.execute(sa.select(entries.c.customer_id, sa.func.sum(entries.c.points))
                                           .where(entries.c.points < 0).group_by(entries.c.customer_id)):
        spent[customer_id] = -int(total)
    credits = bind.execute(sa.select(entries.c.id, entries.c.customer_id, entries.c.points)
                           .where(entries.c.points > 0).order_by(entries.c.id)).all()
    for entry_id, customer_id, points in credits:
        taken = min(points, spent[customer_id])
        spent[customer_id] -= taken
        bind.execute(entries.update().where(entries.c.id == entry_id).values(remaining=points - taken))


def upgrade() -> None:
    moment = sa.DateTime(timezone=True)
    with op.batch_alter_table("loyalty_entry") as batch:
        batch.add_column(sa.Column("kind", sa.String(8), nullable=False, server_default="credit"))
        batch.add_column(sa.Column("purchase_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("remaining", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("expires_at", moment, nullable=True))
        batch.create_index(op.f("ix_loyalty_entry_purchase_id"), ["purchase_id"])
        batch.create_index("ix_loyalty_entry_lots", ["expires_at", "remaining"])
    op.execute("UPDATE loyalty_entry SET kind = 'debit' WHERE points < 0")
    _lots()
    op.create_table(
        "loyalty_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("product", sa.String(120), nullable=True),
        sa.Column("rials_per_point", sa.BigInteger(), nullable=True),
        sa.Column("multiplier", sa.Integer(), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], name=op.f("fk_loyalty_rule_campaign_id_campaign")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_rule")),
    )
    tiers = op.create_table(
        "loyalty_tier",
        sa.Column("tier", sa.String(16), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("earn_percent", sa.Integer(), nullable=False),
        sa.Column("points_months", sa.Integer(), nullable=False),
        sa.Column("perks_fa", sa.Text(), nullable=False),
        sa.Column("perks_en", sa.Text(), nullable=False),
        sa.Column("updated_at", moment, nullable=True),
        sa.Column("updated_by", sa.String(150), nullable=True),
        sa.PrimaryKeyConstraint("tier", name=op.f("pk_loyalty_tier")),
    )
    op.bulk_insert(tiers, shipped_tier_rows())
    op.create_table(
        "loyalty_reward",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_fa", sa.String(120), nullable=False),
        sa.Column("name_en", sa.String(120), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("voucher_kind", sa.String(8), nullable=True),
        sa.Column("voucher_value", sa.BigInteger(), nullable=True),
        sa.Column("valid_days", sa.Integer(), nullable=True),
        sa.Column("stock", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_reward")),
    )
    op.create_table(
        "loyalty_redemption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("reward_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("voucher_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("at", moment, nullable=False),
        sa.Column("by", sa.String(150), nullable=True),
        sa.Column("settled_at", moment, nullable=True),
        sa.Column("settled_by", sa.String(150), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"],
                                name=op.f("fk_loyalty_redemption_customer_id_customer")),
        sa.ForeignKeyConstraint(["reward_id"], ["loyalty_reward.id"],
                                name=op.f("fk_loyalty_redemption_reward_id_loyalty_reward")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_redemption")),
    )
    op.create_index(op.f("ix_loyalty_redemption_customer_id"), "loyalty_redemption", ["customer_id"])
    op.create_index("ix_loyalty_redemption_state", "loyalty_redemption", ["state", "id"])


def downgrade() -> None:
    op.drop_table("loyalty_redemption")
    op.drop_table("loyalty_reward")
    op.drop_table("loyalty_tier")
    op.drop_table("loyalty_rule")
    with op.batch_alter_table("loyalty_entry") as batch:
        batch.drop_index("ix_loyalty_entry_lots")
        batch.drop_index(op.f("ix_loyalty_entry_purchase_id"))
        batch.drop_column("expires_at")
        batch.drop_column("remaining")
        batch.drop_column("purchase_id")
        batch.drop_column("kind")
