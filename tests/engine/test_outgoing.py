"""Service handlers reaching other instances: messages and process starts in the same transaction."""

from __future__ import annotations

from engine.facade import Engine
from engine.runtime.services import HandlerRegistry
from tests.engine import bpmn
from tests.engine.helpers import ALICE, Harness
from tests.engine.test_events import MESSAGES, catch

WAITER = bpmn.diagram("waiter", bpmn.start() + catch("wait_paid", "m_paid") + bpmn.end()
                      + bpmn.chain("start", "wait_paid", "end"), extra=MESSAGES)
SENDER = bpmn.diagram("sender", bpmn.start() + bpmn.service("notify", "notify") + bpmn.end()
                      + bpmn.chain("start", "notify", "end"))
STARTER = bpmn.diagram("starter", bpmn.start() + bpmn.service("spawn", "spawn") + bpmn.end()
                       + bpmn.chain("start", "spawn", "end"))
SELF = bpmn.diagram("self", bpmn.start() + bpmn.gateway("fork", "parallel") + catch("wait_paid", "m_paid")
                    + bpmn.user("go", candidateGroups="sales") + bpmn.service("notify", "notify")
                    + bpmn.gateway("join", "parallel") + bpmn.end()
                    + bpmn.chain("start", "fork", "wait_paid", "join", "end")
                    + bpmn.chain("fork", "go", "notify", "join"), extra=MESSAGES)


def _engine() -> Engine:
    registry = HandlerRegistry()

    @registry.register("notify")
    def notify(variables: dict, call) -> dict:
        reached = call.send_message("paid", business_key=variables["order"], variables={"amount": 12})
        return {"reached": reached}

    @registry.register("spawn")
    def spawn(variables: dict, call) -> dict:
        return {"child": call.start_process("waiter", business_key="child-1", variables={"parent": call.instance_id})}

    return Engine(registry)


def test_handler_sends_a_message_to_another_instance(db):
    h = Harness(db, _engine())
    h.deploy([("waiter.bpmn", WAITER), ("sender.bpmn", SENDER)])
    waiting = h.start("waiter", "ORDER-7")
    sender = h.start("sender", variables={"order": "ORDER-7"})
    assert h.instance(sender.id).state == "completed"
    assert h.instance(sender.id).variables["reached"] == [waiting.id]
    received = h.instance(waiting.id)
    assert received.state == "completed" and received.variables["amount"] == 12


def test_message_nobody_waits_for_fails_the_service_task(db):
    h = Harness(db, _engine())
    h.deploy([("waiter.bpmn", WAITER), ("sender.bpmn", SENDER)])
    sender = h.instance(h.start("sender", variables={"order": "NOPE"}).id)
    assert sender.state == "failed"
    assert "no instance waits" in sender.incidents[0].message


def test_handler_starts_another_process(db):
    h = Harness(db, _engine())
    h.deploy([("waiter.bpmn", WAITER), ("starter.bpmn", STARTER)])
    parent = h.instance(h.start("starter").id)
    child = h.instance(parent.variables["child"])
    assert child.business_key == "child-1" and child.variables["parent"] == parent.id
    assert child.active_elements == ["wait_paid"]


def test_an_instance_cannot_message_itself(db):
    h = Harness(db, _engine())
    h.deploy([("self.bpmn", SELF)])
    first = h.start("self", "ORDER-1", variables={"order": "ORDER-1"})
    h(lambda s: h.engine.claim(s, h.open_tasks(first.id)[0], ALICE))
    h.complete(h.open_tasks(first.id)[0], {}, ALICE)
    first = h.instance(first.id)
    assert first.state == "failed"
    assert "cannot send 'paid' to itself" in first.incidents[0].message


TWO_STARTS = bpmn.diagram("two", bpmn.start() + '<bpmn:startEvent id="by_message"><bpmn:messageEventDefinition '
                          'messageRef="m_paid"/></bpmn:startEvent>' + bpmn.user("call", candidateGroups="sales")
                          + bpmn.end() + bpmn.chain("start", "call", "end") + bpmn.flow("by_message", "call"),
                          extra=MESSAGES)


def test_only_the_start_event_that_started_an_instance_runs(db):
    h = Harness(db)
    h.deploy([("two.bpmn", TWO_STARTS)])
    by_api = h.start("two", "A", variables={"via": "api"})
    assert h.instance(by_api.id).active_elements == ["call"]
    delivery = h(lambda s: h.engine.correlate(s, "paid", "B", variables={"amount": 3}))
    assert delivery.started and delivery.instance_ids != [by_api.id]  # the API-started one does not wait for it
    by_message = h.instance(delivery.instance_ids[0])
    assert by_message.variables == {"amount": 3} and by_message.active_elements == ["call"]
