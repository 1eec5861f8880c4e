"""The private members of SpiffWorkflow that Ravand relies on, each named once with the place that uses it and
why, checked against the installed library: an upgrade that renames or drops one fails here, at install time,
instead of in a running instance. ``test_walls`` checks that ``engine/spiff/`` uses no other, and that no code of
Ravand's uses a private name of SQLAlchemy (the store reads and writes its rows through public API only).

The versions these were checked with are pinned in ``setup.cfg``; the last test keeps the pins and this list
together."""

from __future__ import annotations

import configparser
import inspect
from importlib.metadata import version
from pathlib import Path

import pytest

from engine.definitions.xmlsafe import parse_xml
from engine.spiff import codec as state
from engine.spiff import fixes
from engine.spiff.parser import build_specs, new_parser
from engine.spiff.types import BpmnWorkflow, Task
from tests.engine import bpmn

TESTED_WITH = {"SpiffWorkflow": "3.2.0", "SQLAlchemy": "2.1.9"}

# (where it is used and why, the private name)
SPIFF_PRIVATES = [
    ("engine/spiff/tasks.py: a failed task waits in ERROR, a retried one is READY again", "_set_state"),
    ("engine/spiff/tasks.py: a start timer fires now; a moved timer's due time", "_set_internal_data"),
    ("engine/spiff/tasks.py: a waiting timer's due time or cycle", "_get_internal_data"),
    ("engine/spiff/tasks.py: a waiting event looks again at whether it fired", "_update"),
    ("engine/spiff/codec.py, compaction.py: the task tree written and restored as rows, and its history dropped",
     "_children"),
    ("engine/spiff/codec.py, compaction.py: the task tree written and restored as rows, and its history dropped",
     "_parent"),
    ("engine/spiff/fixes.py: a join takes the data of its own round's branches", "_inherit_data"),
    ("engine/spiff/fixes.py: a join takes the data of its own round's branches", "_drop_children"),
    ("engine/spiff/codec.py: the serializer's registry set to encode once per thread", "_encoder_mode"),
    ("engine/spiff/fixes.py: a business rule task's decision with its rows named; a join's own round", "_run_hook"),
]


def _workflow() -> BpmnWorkflow:
    xml = bpmn.diagram("contract", "\n".join([
        bpmn.start(), bpmn.user("work"), bpmn.end(), bpmn.chain("start", "work", "end")]))
    root, _ = parse_xml(xml, "contract.bpmn")
    specs = build_specs(new_parser({"contract.bpmn": root}, {}), "contract", "contract.bpmn")
    workflow = BpmnWorkflow(specs.spec, dict(specs.subprocess_specs))
    workflow.do_engine_steps()
    return workflow


def test_spiffworkflow_still_has_what_the_adapter_uses():
    task = next(t for t in _workflow().get_tasks() if t.task_spec.bpmn_id == "work")
    assert isinstance(task, Task)
    for member in ("_set_state", "_set_internal_data", "_get_internal_data"):
        assert callable(getattr(task, member)), member
    assert callable(task.task_spec._update)
    assert isinstance(task._children, list) and task._parent is not None
    assert hasattr(state._codec().registry, "_encoder_mode")
    from SpiffWorkflow.bpmn.specs.mixins.bpmn_spec_mixin import BpmnSpecMixin

    assert "my_task" in inspect.signature(BpmnSpecMixin._run_hook).parameters
    assert callable(task._inherit_data) and callable(task._drop_children)
    assert fixes.BusinessRuleTaskMixin._run_hook is fixes._decide  # the fixes are in place
    assert fixes.UnstructuredJoin._run_hook is fixes._merge_own_round


def test_the_iterators_max_depth_is_found_by_name():
    from SpiffWorkflow.util.task import TaskIterator

    assert TaskIterator.__init__.__defaults__[fixes._max_depth_default(TaskIterator.__init__)] == fixes.UNBOUNDED_DEPTH


@pytest.mark.parametrize("library", sorted(TESTED_WITH))
def test_the_checked_versions_are_the_pinned_and_installed_ones(library):
    config = configparser.ConfigParser()
    config.read(Path(__file__).resolve().parents[2] / "setup.cfg")
    pins = [line.strip() for line in config["options"]["install_requires"].splitlines() if line.strip()]
    assert f"{library}=={TESTED_WITH[library]}" in pins
    assert version(library) == TESTED_WITH[library]
