"""The loyalty club: earning rules (per amount, per product group, bonuses for a while or a campaign's
audience), tiers' benefits, points that lapse oldest-first, and the redemption catalogue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from api.composition import MIGRATIONS
from crm import campaigns, lists, loyalty, loyalty_expiry, loyalty_rewards, loyalty_rules, segments, vouchers
from crm.clock import utcnow
from crm.errors import InvalidRecord, Rejected
from crm.models import LoyaltyAccount, LoyaltyEntry, LoyaltyTier, Notification, Voucher
from crm.purchases import record_purchase
from engine.store.db import make_engine
from engine.store.migrate import alembic_config
from tests.conftest import Database
from tests.crm.records import World, open_world

EVERY = {"kind": "earn", "name": "every purchase", "rials_per_point": 100_000}


@pytest.fixture
def world(crm_db: Database) -> Iterator[World]:
    yield from open_world(crm_db)


def _group(world: World, key: str) -> str:
    lists.add_entry(world.ctx("root"), "product", key=key, label_fa=key, label_en=key + " (en)")
    return key


def _set_tier(world: World, customer_id: int, tier: str) -> None:
    loyalty.account(world.ctx(), customer_id)
    world.session.get(LoyaltyAccount, customer_id).tier = tier


# -- earning ----------------------------------------------------------------------------------------

def test_no_rule_no_points_then_the_general_rule(world: World):
    customer = world.customer()
    record_purchase(world.ctx(), customer.id, amount=5_000_000)
    assert loyalty.account(world.session, customer.id).points == 0
    loyalty_rules.add_rule(world.ctx(), EVERY)
    purchase = record_purchase(world.ctx(), customer.id, amount=5_050_000, reference="INV-9")
    world.session.commit()
    entry = loyalty.ledger(world.session, customer.id)[0]
    assert (entry.points, entry.kind, entry.purchase_id, entry.reason) == (50, "earn", purchase.id, "purchase INV-9")
    assert entry.remaining == 50 and entry.expires_at is not None
    balance = loyalty.ledger_balance(world.session, customer.id)
    assert loyalty.account(world.session, customer.id).points == 50 == balance


def test_a_groups_rule_beats_the_general_one_and_the_largest_bonus_counts(world: World):
    customer = world.customer()
    gold = _group(world, "gold_coins")
    loyalty_rules.add_rule(world.ctx(), EVERY)
    loyalty_rules.add_rule(world.ctx(), {"kind": "earn", "name": "coins", "product": gold, "rials_per_point": 10_000})
    loyalty_rules.add_rule(world.ctx(), {"kind": "bonus", "name": "x1.5", "multiplier": 150})
    loyalty_rules.add_rule(world.ctx(), {"kind": "bonus", "name": "coins x3", "product": gold, "multiplier": 300})
    off = loyalty_rules.add_rule(world.ctx(), {"kind": "bonus", "name": "off", "multiplier": 1000})
    loyalty_rules.change_rule(world.ctx(), off.id, {"active": False})
    loyalty_rules.add_rule(world.ctx(), {"kind": "bonus", "name": "next year", "multiplier": 900,
                                         "starts_on": (date.today() + timedelta(days=400)).isoformat()})
    plain = record_purchase(world.ctx(), customer.id, amount=1_000_000)
    coins = record_purchase(world.ctx(), customer.id, amount=1_000_000, product=gold)
    found = {e.purchase_id: e.points for e in loyalty.ledger(world.session, customer.id)}
    assert found == {plain.id: 15, coins.id: 300}  # 10 × 150% ; 100 × 300%
    _set_tier(world, customer.id, "platinum")  # earns 150% of the rule's points
    again = record_purchase(world.ctx(), customer.id, amount=1_000_000)
    assert loyalty_rules.earning(world.session, again).tier_percent == 150
    assert loyalty.ledger(world.session, customer.id)[0].points == 22  # 10 × 1.5 × 1.5 = 22.5, rounded down


def test_a_campaign_bonus_only_for_customers_the_campaign_reached(world: World):
    reached, other = world.customer("مریم"), world.customer("رضا")
    segment = segments.create_segment(world.ctx(), {"name": "all", "rules": {}})
    campaign = campaigns.create_campaign(world.ctx(), {"name": "Nowruz", "channel": "sms", "segment_id": segment.id,
                                                        "body_fa": "نوروز", "body_en": "Nowruz"})
    world.session.add(Notification(channel="sms", recipient="+989120000000", body="x", status="sent", attempts=1,
                                   created_at=utcnow(), customer_id=reached.id, campaign_id=campaign.id))
    loyalty_rules.add_rule(world.ctx(), EVERY)
    loyalty_rules.add_rule(world.ctx(), {"kind": "bonus", "name": "Nowruz x2", "multiplier": 200,
                                         "campaign_id": campaign.id})
    record_purchase(world.ctx(), reached.id, amount=1_000_000)
    record_purchase(world.ctx(), other.id, amount=1_000_000)
    assert loyalty.account(world.session, reached.id).points == 20
    assert loyalty.account(world.session, other.id).points == 10


def test_rules_and_tiers_refuse_bad_values(world: World):
    with pytest.raises(InvalidRecord) as bad:
        loyalty_rules.add_rule(world.ctx(), {"kind": "earn", "name": " "})
    assert set(bad.value.field_errors) == {"name", "rials_per_point"}
    with pytest.raises(InvalidRecord) as bad:
        loyalty_rules.add_rule(world.ctx(), {"kind": "bonus", "name": "b", "multiplier": 100, "campaign_id": 99,
                                             "starts_on": "1405-10-01", "ends_on": "1405-09-01"})
    assert set(bad.value.field_errors) == {"multiplier", "campaign_id", "ends_on"}
    with pytest.raises(InvalidRecord) as bad:
        loyalty_rules.add_rule(world.ctx(), {**EVERY, "product": "no-such-group"})
    assert set(bad.value.field_errors) == {"product"}
    rule = loyalty_rules.add_rule(world.ctx(), {**EVERY, "starts_on": "۱۴۰۵-۱۰-۰۱"})  # Jalali, Persian digits
    assert rule.starts_on == date(2026, 12, 22)
    with pytest.raises(InvalidRecord) as bad:
        loyalty_rules.change_tier(world.ctx(), "gold", {"earn_percent": 10, "points_months": -1})
    assert set(bad.value.field_errors) == {"earn_percent", "points_months"}
    tier = loyalty_rules.change_tier(world.ctx(), "gold", {"earn_percent": 130, "perks_fa": " ارسال رایگان "})
    assert (tier.earn_percent, tier.perks_fa) == (130, "ارسال رایگان")
    assert [t.tier for t in loyalty_rules.list_tiers(world.session)] == list(loyalty.TIERS)


# -- lots and expiry --------------------------------------------------------------------------------

def test_points_lapse_oldest_lot_first_and_only_what_is_left_of_them(world: World):
    customer = world.customer()
    world.session.get(LoyaltyTier, "bronze").points_months = 12
    first = loyalty.credit(world.ctx(), customer.id, 100, "first")
    second = loyalty.credit(world.ctx(), customer.id, 80, "second")
    assert first.expires_at is not None and first.expires_at > utcnow() + timedelta(days=360)
    first.expires_at = utcnow() - timedelta(days=1)  # lapsed yesterday
    second.expires_at = utcnow() + timedelta(days=20)
    loyalty.redeem(world.ctx(), customer.id, 30, "coffee")  # taken from the lot that lapses first
    assert (first.remaining, second.remaining) == (70, 80)
    assert loyalty_expiry.due_customers(world.session, utcnow()) == [customer.id]
    assert loyalty_expiry.expiring(world.session, customer.id) == [(second.expires_at, 80)]
    assert loyalty_expiry.expire_batch(world.ctx("loyalty"), utcnow()) == (1, 70)
    assert loyalty_expiry.expire_batch(world.ctx("loyalty"), utcnow()) == (0, 0)
    world.session.commit()
    entry = loyalty.ledger(world.session, customer.id)[0]
    assert (entry.kind, entry.points, entry.by) == ("expire", -70, "loyalty")
    assert (first.remaining, second.remaining) == (0, 80)
    balance = loyalty.ledger_balance(world.session, customer.id)
    assert loyalty.account(world.session, customer.id).points == 80 == balance


def test_a_tier_without_expiry_keeps_points(world: World):
    customer = world.customer()
    world.session.get(LoyaltyTier, "bronze").points_months = 0
    lot = loyalty.credit(world.ctx(), customer.id, 10, "kept")
    assert lot.expires_at is None and lot.remaining == 10


def test_migration_gives_old_credits_what_the_debits_left(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    cfg = alembic_config(engine.url.render_as_string(hide_password=False), MIGRATIONS)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0037_invoices")
        connection.execute(sa.text(
            "INSERT INTO customer (id, kind, person_name, name_key, interests, status, referral_code, locale, "
            "created_at, updated_at) VALUES (1, 'person', 'x', 'x', '[]', 'actual', 'R1', 'fa', "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
        for points in (50, 30, -60, 40):
            connection.execute(sa.text("INSERT INTO loyalty_entry (customer_id, at, points, reason) "
                                       "VALUES (1, '2026-01-01 00:00:00', :p, 'old')"), {"p": points})
        command.upgrade(cfg, "heads")
        rows = connection.execute(sa.text("SELECT points, remaining, kind, expires_at FROM loyalty_entry "
                                          "ORDER BY id")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(50, 0, "credit", None), (30, 20, "credit", None), (-60, None, "debit", None),
                                        (40, 40, "credit", None)]


# -- the catalogue ----------------------------------------------------------------------------------

def test_a_voucher_reward_takes_points_and_issues_a_voucher(world: World):
    customer = world.customer()
    loyalty.credit(world.ctx(), customer.id, 500, "gift")
    reward = loyalty_rewards.add_reward(world.ctx(), {"name_fa": "۵۰۰ هزار تومان تخفیف", "name_en": "500k toman off",
                                                      "points": 300, "kind": "voucher", "voucher_kind": "amount",
                                                      "voucher_value": 5_000_000, "valid_days": 30})
    taken = loyalty_rewards.take(world.ctx(), customer.id, reward.id, channel="portal")
    voucher = world.session.get(Voucher, taken.voucher_id)
    assert (taken.state, taken.points, voucher.value, voucher.customer_id) == ("issued", 300, 5_000_000, customer.id)
    assert loyalty.account(world.session, customer.id).points == 200
    with pytest.raises(Rejected, match="costs 300 points; the balance is 200"):
        loyalty_rewards.take(world.ctx(), customer.id, reward.id, channel="portal")
    purchase = record_purchase(world.ctx(), customer.id, amount=12_000_000, voucher_code=voucher.code)
    assert (purchase.amount, purchase.discount) == (7_000_000, 5_000_000)
    assert vouchers.vouchers_of(world.session, customer.id)[0].redeemed_at is not None


def test_a_gift_waits_for_hand_over_and_a_cancelled_one_gives_points_and_stock_back(world: World):
    customer = world.customer()
    loyalty.credit(world.ctx(), customer.id, 1000, "gift")
    mug = loyalty_rewards.add_reward(world.ctx(), {"name_fa": "ماگ", "name_en": "Mug", "points": 400,
                                                   "kind": "gift", "stock": 1})
    taken = loyalty_rewards.take(world.ctx(), customer.id, mug.id, channel="staff")
    assert (taken.state, mug.stock, taken.voucher_id) == ("requested", 0, None)
    with pytest.raises(Rejected, match="out of stock"):
        loyalty_rewards.take(world.ctx(), customer.id, mug.id, channel="staff")
    loyalty_rewards.settle(world.ctx("parvin"), taken.id, "cancelled")
    assert (taken.state, taken.settled_by, mug.stock) == ("cancelled", "parvin", 1)
    assert loyalty.account(world.session, customer.id).points == 1000
    assert loyalty.ledger(world.session, customer.id)[0].kind == "refund"
    with pytest.raises(Rejected, match="not waiting"):
        loyalty_rewards.settle(world.ctx(), taken.id, "delivered")
    again = loyalty_rewards.take(world.ctx(), customer.id, mug.id, channel="staff")
    loyalty_rewards.settle(world.ctx(), again.id, "delivered")
    assert [r.state for r in loyalty_rewards.redemptions(world.session, customer_id=customer.id)] == [
        "delivered", "cancelled"]
    loyalty_rewards.change_reward(world.ctx(), mug.id, {"active": False, "stock": 5})
    with pytest.raises(Rejected, match="no longer offered"):
        loyalty_rewards.take(world.ctx(), customer.id, mug.id, channel="staff")
    assert loyalty_rewards.list_rewards(world.session) == []


def test_rewards_refuse_bad_values(world: World):
    with pytest.raises(InvalidRecord) as bad:
        loyalty_rewards.add_reward(world.ctx(), {"name_fa": "", "name_en": "x", "points": 0, "kind": "voucher",
                                                 "voucher_kind": "percent", "voucher_value": 120, "stock": -1})
    assert set(bad.value.field_errors) == {"name_fa", "points", "voucher_value", "stock"}
    with pytest.raises(InvalidRecord) as bad:
        loyalty_rewards.add_reward(world.ctx(), {"name_fa": "x", "name_en": "x", "points": 5, "kind": "cash"})
    assert set(bad.value.field_errors) == {"kind"}
    assert world.session.scalar(sa.select(sa.func.count()).select_from(LoyaltyEntry)) == 0
