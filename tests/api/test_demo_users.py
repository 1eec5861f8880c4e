"""The demo users cover every team the CRM processes route to: the complaint routing table's tier groups,
managers and team leads (told of escalations, following up dissatisfied customers) each have a demo
employee, who is created with those groups and an address for their notices."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from sqlalchemy import select

from api.demo_users import DEMO_USERS, ensure_demo_users
from api.identity.models import User
from tests.api.conftest import Api

ROUTING = Path(__file__).resolve().parents[2] / "processes" / "complaint_escalation" / "complaint_routing.dmn"
DMN = "{https://www.omg.org/spec/DMN/20191111/MODEL/}"


def _routed_groups() -> dict[str, set[str]]:
    """Each output of the routing table (tier1_group, ..., team_lead) with the groups its rules give."""
    table = ET.parse(ROUTING).getroot().find(f".//{DMN}decisionTable")
    names = [output.get("name") for output in table.findall(f"{DMN}output")]
    groups: dict[str, set[str]] = {name: set() for name in names}
    for rule in table.findall(f"{DMN}rule"):
        for name, entry in zip(names, rule.findall(f"{DMN}outputEntry"), strict=True):
            groups[name].add(entry.findtext(f"{DMN}text").strip().strip('"'))
    return groups


def test_every_group_the_complaint_routing_names_has_a_demo_employee():
    staffed = {group for _, role, groups, *_ in DEMO_USERS if role == "employee" for group in groups}
    routed = _routed_groups()
    assert routed["team_lead"] == {"support-leads", "finance-leads"}
    for output, groups in routed.items():
        assert groups <= staffed, f"{output}: nobody in {groups - staffed}"


def test_the_team_lead_is_created_with_her_groups_and_address(api: Api, tmp_path: Any):
    credentials = tmp_path / "demo-users.txt"
    with api.app.extensions["ravand"].sessions() as session:
        rows = ensure_demo_users(session, credentials)
        session.commit()
        lead = session.scalars(select(User).where(User.username == "elham")).one()
        assert (lead.role, set(lead.groups), lead.email, lead.locale) == (
            "employee", {"support-leads", "finance-leads"}, "elham@ravand.example", "fa")
    assert ("elham", "employee") in {(name, role) for name, role, _ in rows}
    assert "elham\t" in credentials.read_text()
