"""The record an instance serves: set at the start or by a handler, re-described when the record changes,
shown with the instance's tasks, and found by its search text word by word."""

from __future__ import annotations

import pytest

from engine.errors import InvalidData, NotFound
from engine.facade import Engine
from engine.queries import InstanceQuery
from engine.records import TITLE_LENGTH, RecordRef
from engine.runtime.services import HandlerRegistry, ServiceCall
from engine.tasks import TaskQuery
from tests.engine import bpmn
from tests.engine.helpers import ALICE, CAROL, Harness

ARYA = RecordRef("lead", "7", "Arya Software — Ali Rezaei — 0912 345 6789", "aryasoftware alirezaei 09123456789")
PARS = RecordRef("lead", "8", "Pars Trading — 0935 000 1111", "parstrading 09350001111")


def _call_files() -> list[tuple[str, bytes]]:
    body = bpmn.start() + bpmn.user("ring", "Call the lead", candidateGroups="sales") + bpmn.end() + \
        bpmn.chain("start", "ring", "end")
    return [("call.bpmn", bpmn.diagram("call", body))]


def test_a_started_instance_serves_its_record_and_its_tasks_show_it(db):
    h = Harness(db)
    h.deploy(_call_files())
    arya = h(lambda s: h.engine.start(s, "call", "lead-7", {}, "alice", record=ARYA))
    plain = h.start("call", "other")
    assert (arya.record.type, arya.record.id, arya.record.title) == ("lead", "7", ARYA.title)
    assert plain.record is None
    page = h(lambda s: h.engine.tasks(s, TaskQuery(candidate=ALICE, visible_to=ALICE)))
    by_instance = {task.process_instance: task.record for task in page.items}
    assert by_instance[arya.id].title == ARYA.title and by_instance[plain.id] is None
    [task_id] = h.open_tasks(arya.id)
    assert h(lambda s: h.engine.task(s, task_id, ALICE)).task.record.id == "7"


def test_search_matches_every_word_and_the_record_filter_uses_type_and_id(db):
    h = Harness(db)
    h.deploy(_call_files())
    arya = h(lambda s: h.engine.start(s, "call", "lead-7", {}, "alice", record=ARYA))
    pars = h(lambda s: h.engine.start(s, "call", "lead-8", {}, "alice", record=PARS))

    def found(**query) -> set[str]:
        page = h(lambda s: h.engine.tasks(s, TaskQuery(visible_to=ALICE, **query)))
        return {task.process_instance for task in page.items}

    assert found(search=("arya",)) == {arya.id}
    assert found(search=("soft", "0912")) == {arya.id}
    assert found(search=("arya", "pars")) == set()
    assert found(search=("%",)) == set()  # a wildcard is a plain character
    assert found(record_type="lead", record_id="8") == {pars.id}
    assert found(search=("arya",), state="all") == {arya.id}
    assert h(lambda s: h.engine.tasks(s, TaskQuery(visible_to=CAROL, search=("arya",)))).total == 0
    instances = h(lambda s: h.engine.instances(s, InstanceQuery(search=("parstrading",))))
    assert [i.id for i in instances.items] == [pars.id]
    with pytest.raises(InvalidData):
        h(lambda s: h.engine.tasks(s, TaskQuery(visible_to=ALICE, search=tuple("abcdefghi"))))


def test_a_record_described_again_retitles_its_instances_only(db):
    h = Harness(db)
    h.deploy(_call_files())
    first = h(lambda s: h.engine.start(s, "call", "lead-7", {}, "alice", record=ARYA))
    second = h(lambda s: h.engine.start(s, "call", "lead-7b", {}, "alice", record=ARYA))
    pars = h(lambda s: h.engine.start(s, "call", "lead-8", {}, "alice", record=PARS))
    renamed = RecordRef("lead", "7", "Arya Soft Co — 0912 345 6789", "aryasoftco 09123456789")
    assert h(lambda s: h.engine.describe_record(s, renamed)) == 2
    assert {h.instance(i.id).record.title for i in (first, second)} == {renamed.title}
    assert h.instance(pars.id).record.title == PARS.title
    [task_id] = h.open_tasks(first.id)
    h.complete(task_id, {})  # the instance's own writes go on as before (its version was not bumped)
    assert h.instance(first.id).state == "completed" and h.instance(first.id).record.title == renamed.title


def test_a_record_joins_an_instance_later_or_through_its_handler(db):
    registry = HandlerRegistry()

    def capture(variables: dict, call: ServiceCall) -> dict:
        call.set_record(RecordRef("lead", str(variables["n"]), f"Lead {variables['n']}", f"lead{variables['n']}"))
        return {}

    registry.register("capture", capture)
    h = Harness(db, Engine(registry))
    body = bpmn.start() + bpmn.service("capture", "capture") + bpmn.user("ring", candidateGroups="sales") + \
        bpmn.end() + bpmn.chain("start", "capture", "ring", "end")
    h.deploy([("captured.bpmn", bpmn.diagram("captured", body)), *_call_files()])
    captured = h.start("captured", "x", {"n": 42})
    assert (captured.record.id, captured.record.title) == ("42", "Lead 42")
    assert h.instance(captured.id).record.title == "Lead 42"
    later = h.start("call", "y")
    h(lambda s: h.engine.attach_record(s, later.id, PARS))
    assert h.instance(later.id).record.id == "8"
    with pytest.raises(NotFound):
        h(lambda s: h.engine.attach_record(s, "no-such-instance", PARS))


def test_bad_records_are_refused_and_long_titles_cut():
    with pytest.raises(InvalidData):
        RecordRef("lead; drop", "1", "x")
    with pytest.raises(InvalidData):
        RecordRef("lead", "", "x")
    with pytest.raises(InvalidData):
        RecordRef("lead", "1" * 65, "x")
    long = RecordRef("lead", "1", "x" * 900, "y" * 9000)
    assert len(long.title) == TITLE_LENGTH and long.title.endswith("…") and len(long.search) == 4000
