"""Every named process, flow element and sequence flow of every shipped diagram has a Persian name (a ``name:fa``
extension property), written in Persian letters and not the English name again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from engine.definitions.dialect import BPMN_NS, extension_properties, local

DIAGRAMS = sorted(Path(__file__).resolve().parents[2].joinpath("processes").glob("*/*.bpmn"))
NOT_NAMED = {"message", "error", "signal", "escalation"}  # their names are keys the code correlates on
PERSIAN = re.compile(r"[\u0600-\u06FF]")


@pytest.mark.parametrize("path", DIAGRAMS, ids=[p.stem for p in DIAGRAMS])
def test_every_named_element_has_a_persian_name(path: Path) -> None:
    root = etree.parse(str(path)).getroot()
    named = [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).namespace == BPMN_NS
             and e.get("name") and local(e.tag) not in NOT_NAMED]
    assert named
    missing = [e.get("id") for e in named if not PERSIAN.search(extension_properties(e).get("name:fa", ""))]
    assert missing == []
    latin = [e.get("id") for e in named if re.search(r"[A-Za-z]", extension_properties(e)["name:fa"])]
    assert latin == []


def test_the_shipped_processes_are_all_checked() -> None:
    assert {p.stem for p in DIAGRAMS} >= {"lead_qualification", "complaint_escalation", "contract_approval",
                                          "referral_rewards", "customer_ranking"}
