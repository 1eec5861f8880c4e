"""Who sees and edits which records: the one place record access is decided (Salesforce's sharing, in small).

Customers, leads, opportunities, complaints, contracts and referrals carry an owner (a user name), a team and a
branch (``team_key``, ``branch_key``); purchases, loyalty, vouchers and contacts follow their customer, and a
record's calls, notes, decisions and revisions follow it. A viewer reads (and edits) records in a scope:

- ``own``: the records they own;
- ``team``: those and their team's;
- ``branch``: those and their branch's;
- ``all``: every record (what a role without a rule gets: the one-team shop's default).

Managers also read and edit the records of the teams they manage, whatever their scope.

``visible(model, viewer)`` is the condition a select adds; ``scope_reads(session, viewer)`` makes every ORM
select of that session add it for every record model (lists, search, details, the 360 view, reports), so a
record out of scope is simply not there (a 404, never a 403 that would tell it exists). ``may_read`` and
``may_edit`` decide for one record. ``place(session, placement)`` stamps records made in a session with the
acting user's name, team and branch (or, for want of a user, their customer's team and branch)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, event, or_, select, true
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from crm.models import (
    Complaint,
    ComplaintHandling,
    ComplaintUpdate,
    Contact,
    Contract,
    ContractDecision,
    ContractRevision,
    Customer,
    Lead,
    LeadCall,
    LoyaltyAccount,
    LoyaltyEntry,
    Opportunity,
    Purchase,
    Referral,
    StageVisit,
    Voucher,
)
from crm.teams import SCOPES, AccessRule

__all__ = ["FOLLOWERS", "PLACED", "Placement", "Viewer", "adopt", "may_edit", "may_read", "place", "scope_reads",
           "scopes_of", "visible", "widest"]

PLACED: tuple[type[Any], ...] = (Customer, Lead, Opportunity, Complaint, Contract, Referral)
# a record that follows another's access: its foreign key column and the record it follows
FOLLOWERS: dict[type[Any], tuple[str, type[Any]]] = {
    Purchase: ("customer_id", Customer), LoyaltyAccount: ("customer_id", Customer),
    LoyaltyEntry: ("customer_id", Customer), Voucher: ("customer_id", Customer), Contact: ("customer_id", Customer),
    LeadCall: ("lead_id", Lead), StageVisit: ("opportunity_id", Opportunity),
    ComplaintUpdate: ("complaint_id", Complaint), ComplaintHandling: ("complaint_id", Complaint),
    ContractRevision: ("contract_id", Contract), ContractDecision: ("contract_id", Contract),
}
# where a new record without a user takes its team and branch from
PARENT: dict[type[Any], tuple[str, type[Any]]] = {
    Lead: ("customer_id", Customer), Opportunity: ("customer_id", Customer), Complaint: ("customer_id", Customer),
    Contract: ("customer_id", Customer), Referral: ("referrer_id", Customer),
}
# the records whose owner is who made them (customers and opportunities keep the owner they are given)
OWNED_NEW: tuple[type[Any], ...] = (Lead, Complaint, Contract, Referral)
VIEWER = "ravand.access.viewer"
PLACEMENT = "ravand.access.placement"


@dataclass(frozen=True)
class Viewer:
    """Who looks: their name, team, branch, the teams they manage, and their read and edit scopes."""

    username: str
    team: str | None = None
    branch: str | None = None
    managed: frozenset[str] = field(default_factory=frozenset)
    read: str = "all"
    edit: str = "all"


@dataclass(frozen=True)
class Placement:
    """Whose new records are: the acting user's name, team and branch."""

    username: str | None
    team: str | None = None
    branch: str | None = None


def widest(scopes: Iterable[str]) -> str | None:
    found = [scope for scope in scopes if scope in SCOPES]
    return max(found, key=SCOPES.index) if found else None


def scopes_of(session: Session, role: str, groups: Iterable[str]) -> tuple[str, str]:
    """The (read, edit) scopes of a person of ``role`` in ``groups``: administrators and integrations read and
    edit all; a role without a rule reads and edits all; a group's rule widens its role's, never narrows it."""
    if role in ("admin", "integration"):
        return "all", "all"
    found = {(rule.subject_kind, rule.subject): rule for rule in session.scalars(select(AccessRule))}
    base = found.get(("role", role))
    chosen = [base] if base is not None else []
    chosen += [found[("group", group)] for group in groups if ("group", group) in found]
    if base is None:
        return "all", "all"
    return widest(rule.read_scope for rule in chosen) or "all", widest(rule.edit_scope for rule in chosen) or "all"


def _condition(columns: Any, viewer: Viewer, scope: str) -> ColumnElement[bool] | None:
    """Which rows (of a placed table; ``columns`` its ORM class or its table's columns) the scope lets through;
    None when every row."""
    if scope == "all":
        return None
    parts: list[ColumnElement[bool]] = [columns.owner == viewer.username]
    teams = set(viewer.managed)
    if scope == "team" and viewer.team:
        teams.add(viewer.team)
    if teams:
        parts.append(columns.team_key.in_(sorted(teams)))
    if scope == "branch" and viewer.branch:
        parts.append(columns.branch_key == viewer.branch)
    return or_(*parts)


def visible(model: type[Any], viewer: Viewer, scope: str | None = None) -> ColumnElement[bool]:
    """The condition a select of ``model`` adds so that ``viewer`` gets only what their (read) scope allows."""
    scope = scope or viewer.read
    if model in PLACED:
        condition = _condition(model, viewer, scope)
        return true() if condition is None else condition
    if model in FOLLOWERS:
        column, parent = FOLLOWERS[model]
        table = parent.__table__
        condition = _condition(table.c, viewer, scope)
        if condition is None:
            return true()
        return getattr(model, column).in_(select(table.c.id).where(condition))
    return true()


def _allows(owner: str | None, team: str | None, branch: str | None, viewer: Viewer, scope: str) -> bool:
    if scope == "all" or (owner is not None and owner == viewer.username) or (team in viewer.managed):
        return True
    if scope == "team":
        return team is not None and team == viewer.team
    return scope == "branch" and branch is not None and branch == viewer.branch


def _placement_of(session: Session, record: Any) -> tuple[str | None, str | None, str | None] | None:
    model = type(record)
    if model in PLACED:
        return record.owner, record.team_key, record.branch_key
    if model in FOLLOWERS:
        column, parent = FOLLOWERS[model]
        table = parent.__table__
        row = session.execute(select(table.c.owner, table.c.team_key, table.c.branch_key)
                              .where(table.c.id == getattr(record, column))).first()
        return tuple(row) if row is not None else None  # type: ignore[return-value]
    return None


def may_read(session: Session, record: Any, viewer: Viewer) -> bool:
    placement = _placement_of(session, record)
    return placement is None or _allows(*placement, viewer, viewer.read)


def may_edit(session: Session, record: Any, viewer: Viewer) -> bool:
    placement = _placement_of(session, record)
    return placement is None or _allows(*placement, viewer, viewer.edit)


def adopt(session: Session, username: str, team: str | None, branch: str | None) -> dict[str, int]:
    """Place the records ``username`` owns that have no team yet in their team and branch (when a user is
    first put in a team, what they already own follows them); how many of each kind."""
    placed: dict[str, int] = {}
    if team is None and branch is None:
        return placed
    for model in PLACED:
        table = model.__table__
        done = session.execute(table.update().where(table.c.owner == username, table.c.team_key.is_(None),
                                                    table.c.branch_key.is_(None))
                               .values(team_key=team, branch_key=branch))
        if done.rowcount:
            placed[table.name] = done.rowcount
    return placed


def scope_reads(session: Session, viewer: Viewer) -> None:
    """From now on every ORM select of ``session`` sees only the records ``viewer`` may read."""
    if viewer.read == "all":
        session.info.pop(VIEWER, None)
    else:
        session.info[VIEWER] = viewer


def place(session: Session, placement: Placement) -> None:
    """Records made in ``session`` from now on are the acting user's (and their team's and branch's)."""
    session.info[PLACEMENT] = placement


@event.listens_for(Session, "do_orm_execute")
def _add_criteria(state: ORMExecuteState) -> None:
    viewer = state.session.info.get(VIEWER)
    if viewer is None or not state.is_select or state.is_column_load or state.is_relationship_load:
        return
    options = [with_loader_criteria(model, visible(model, viewer), include_aliases=True)
               for model in (*PLACED, *FOLLOWERS)]
    state.statement = state.statement.options(*options)


def _from_parent(session: Session, record: Any) -> tuple[str | None, str | None]:
    column, parent = PARENT.get(type(record), (None, None))
    parent_id = getattr(record, column) if column else None
    if parent_id is None or parent is None:
        return None, None
    with session.no_autoflush:  # called while flushing: the parent as the session holds it, else one SELECT
        known = session.get(parent, parent_id)
    return (known.team_key, known.branch_key) if known is not None else (None, None)


@event.listens_for(Session, "before_flush")
def _stamp(session: Session, _context: Any, _instances: Any) -> None:
    placement: Placement | None = session.info.get(PLACEMENT)
    new = sorted((obj for obj in session.new if type(obj) in PLACED), key=lambda obj: type(obj) is not Customer)
    for record in new:
        if placement is not None and placement.username and record.owner is None and type(record) in OWNED_NEW:
            record.owner = placement.username
        if record.team_key is not None or record.branch_key is not None:
            continue
        if placement is not None and (placement.team or placement.branch):
            record.team_key, record.branch_key = placement.team, placement.branch
        else:
            record.team_key, record.branch_key = _from_parent(session, record)

