"""The shipped diagrams open in a modeler: every flow node has a shape and every flow an edge, and
``processes.layout`` draws them again exactly as committed."""

from __future__ import annotations

import pytest
from lxml import etree

import processes
from processes.layout import BPMN, BPMNDI, lay_out

DIAGRAMS = [(key, name, content) for key in processes.KEYS for name, content in processes.files(key)
            if name.endswith(".bpmn")]


@pytest.mark.parametrize(("key", "name", "content"), DIAGRAMS, ids=[d[1] for d in DIAGRAMS])
def test_every_element_is_drawn(key, name, content):
    root = etree.fromstring(content)
    drawn = {e.get("bpmnElement") for e in root.iter(f"{{{BPMNDI}}}BPMNShape", f"{{{BPMNDI}}}BPMNEdge")}
    nodes = {e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")
             and etree.QName(e).localname.endswith(("Event", "Task", "Gateway", "subProcess", "Flow"))
             and etree.QName(e).namespace == BPMN and etree.QName(e).localname != "messageFlow"}
    assert nodes and nodes <= drawn, sorted(nodes - drawn)
    assert lay_out(content) == content  # the committed drawing is the tool's
