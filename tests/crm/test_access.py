"""Record access (crm.access) on each database: the scopes a role and its groups get from the rules, records
stamped with the acting user's team and branch (or their customer's), and a scoped session that sees only what
a viewer may read, by list, by id and through the records that follow a customer; may_read and may_edit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import func, select

from crm import access, teams
from crm.access import Placement, Viewer
from crm.customers import create_customer
from crm.errors import InvalidRecord
from crm.leads import capture_lead
from crm.loyalty import credit
from crm.models import Customer, Lead, LoyaltyEntry, Opportunity
from crm.opportunities import create_opportunity
from tests.conftest import Database
from tests.crm.records import World, open_world


@pytest.fixture
def world(crm_db: Database) -> Iterator[World]:
    yield from open_world(crm_db)


def test_scopes_come_from_the_role_widened_by_groups(world: World) -> None:
    session = world.session
    assert access.scopes_of(session, "employee", ["sales"]) == ("all", "all")  # no rule: today's behaviour
    teams.set_rule(world.ctx("root"), "role", "employee", "own", "own")
    teams.set_rule(world.ctx("root"), "group", "managers", "branch", "team")
    assert access.scopes_of(session, "employee", ["sales"]) == ("own", "own")
    assert access.scopes_of(session, "employee", ["sales", "managers"]) == ("branch", "team")
    assert access.scopes_of(session, "admin", []) == ("all", "all")
    assert access.scopes_of(session, "auditor", ["managers"]) == ("all", "all")  # its role has no rule
    with pytest.raises(InvalidRecord) as refused:
        teams.set_rule(world.ctx("root"), "role", "employee", "team", "all")
    assert "edit_scope" in refused.value.field_errors
    teams.set_rule(world.ctx("root"), "role", "employee", "team", "own")  # changed, not added
    assert [(r.subject, r.read_scope) for r in teams.rules(session)] == [("managers", "branch"), ("employee", "team")]
    assert [e["changes"] for e in world.entries("crm.access_rule.changed")] == [{"read_scope": ["own", "team"]}]


def test_a_scoped_session_sees_only_what_the_viewer_may_read(world: World) -> None:
    session = world.session
    access.place(session, Placement("alice", "a", "hq"))
    mine = capture_lead(world.ctx("alice"), {"person_name": "سارا", "mobile": "09121110001", "source": "phone"})
    customer, _ = create_customer(world.ctx("alice"), {"person_name": "A"})
    access.place(session, Placement("bob", "b", "north"))
    theirs = capture_lead(world.ctx("bob"), {"person_name": "Reza", "mobile": "09121110002", "source": "phone"})
    other, _ = create_customer(world.ctx("bob"), {"person_name": "B"})
    session.info.pop(access.PLACEMENT)
    deal = create_opportunity(world.ctx(None), {"customer_id": other.id, "title": "x", "amount": 1},
                              today=date.today())
    credit(world.ctx("root"), other.id, 10, "welcome")
    session.commit()
    assert (mine.owner, mine.team_key, mine.branch_key) == ("alice", "a", "hq")
    assert (customer.owner, customer.team_key) == (None, "a")  # a customer keeps the owner it is given
    assert (deal.owner, deal.team_key, deal.branch_key) == (None, "b", "north")  # from its customer

    alice = Viewer("alice", team="a", branch="hq", read="team", edit="own")
    assert access.may_read(session, mine, alice) and access.may_edit(session, mine, alice)
    assert not access.may_read(session, theirs, alice) and not access.may_read(session, deal, alice)
    assert access.may_read(session, customer, alice) and not access.may_edit(session, customer, alice)
    entry = session.scalar(select(LoyaltyEntry))
    assert not access.may_read(session, entry, alice)
    assert access.may_read(session, entry, Viewer("carol", managed=frozenset({"b"}), read="own", edit="own"))
    assert access.may_read(session, theirs, Viewer("nina", branch="north", read="branch", edit="own"))

    session.expunge_all()
    access.scope_reads(session, alice)
    try:
        assert list(session.scalars(select(Lead.id))) == [mine.id]
        assert session.get(Lead, theirs.id) is None and session.get(Customer, other.id) is None
        assert session.scalar(select(func.count()).select_from(Opportunity)) == 0
        assert session.scalar(select(func.count(LoyaltyEntry.id))) == 0
    finally:
        access.scope_reads(session, Viewer("root"))
    assert session.scalar(select(func.count()).select_from(Lead)) == 2


def test_what_a_user_owns_follows_them_into_their_team(world: World) -> None:
    owned, _ = create_customer(world.ctx("root"), {"person_name": "Dara", "owner": "dave"})
    placed, _ = create_customer(world.ctx("root"), {"person_name": "Dina", "owner": "dave"})
    placed.team_key = "x"
    world.session.flush()
    assert access.adopt(world.session, "dave", "a", "hq") == {"customer": 1}
    world.session.expire_all()
    assert (owned.team_key, owned.branch_key, placed.team_key) == ("a", "hq", "x")
    manager = Viewer("mona", managed=frozenset({"a"}), read="all", edit="own")  # reads all, edits her teams'
    assert access.may_edit(world.session, owned, manager) and not access.may_edit(world.session, placed, manager)
