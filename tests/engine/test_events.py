"""Timers, messages, signals, and the timer worker: each fires once, through the unit of work."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from engine.errors import Conflict, NotFound
from engine.events.timer_worker import TimerWorker
from engine.facade import Engine
from engine.queries import InstanceQuery
from engine.store.models import JournalEntry, Timer
from tests.engine import bpmn
from tests.engine.helpers import ALICE, Harness

MESSAGES = ('<bpmn:message id="m_paid" name="paid"><bpmn:extensionElements><camunda:properties>'
            '<camunda:property name="ravand:variables" value="amount, ok"/></camunda:properties>'
            '</bpmn:extensionElements></bpmn:message><bpmn:signal id="s_stop" name="stop-all"/>')


def timer_catch(eid: str, kind: str, value: str) -> str:
    return (f'<bpmn:intermediateCatchEvent id="{eid}"><bpmn:timerEventDefinition>'
            f'<bpmn:{kind}>{value}</bpmn:{kind}></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')


def catch(eid: str, ref: str, kind: str = "message") -> str:
    return (f'<bpmn:intermediateCatchEvent id="{eid}"><bpmn:{kind}EventDefinition {kind}Ref="{ref}"/>'
            f'</bpmn:intermediateCatchEvent>')


def boundary(eid: str, attached: str, body: str, interrupting: bool = True) -> str:
    cancel = "" if interrupting else ' cancelActivity="false"'
    return f'<bpmn:boundaryEvent id="{eid}" attachedToRef="{attached}"{cancel}>{body}</bpmn:boundaryEvent>'


def timer(kind: str, value: str) -> str:
    return f"<bpmn:timerEventDefinition><bpmn:{kind}>{value}</bpmn:{kind}></bpmn:timerEventDefinition>"


_later: Callable[[float], None]


def worker(h: Harness) -> TimerWorker:
    return TimerWorker(h.engine, h.db.sessions)


def fired(h: Harness) -> int:
    with h.db.sessions() as s:
        return s.scalar(select(func.count()).select_from(JournalEntry).where(JournalEntry.kind == "timer.fired"))


@pytest.fixture(autouse=True)
def _clock(later):
    global _later
    _later = later
    yield


def wait_and_fire(h: Harness, seconds: float) -> int:
    """Bring the clock ``seconds`` on and let a timer worker fire what fell due."""
    _later(seconds)
    return worker(h).run_once()


def test_intermediate_timer_written_like_camunda(db):
    h = Harness(db)
    body = bpmn.start() + timer_catch("wait", "timeDuration", "PT1S") + bpmn.end() + bpmn.chain("start", "wait", "end")
    h.deploy([("t.bpmn", bpmn.diagram("t", body))])
    instance = h.start("t")
    assert instance.state == "running" and instance.active_elements == ["wait"]
    assert worker(h).run_once() == 0  # not due yet
    assert wait_and_fire(h, 1.2) == 1
    assert h.instance(instance.id).state == "completed" and fired(h) == 1
    assert worker(h).run_once() == 0  # never twice


def test_interrupting_boundary_timer_escalates(db):
    h = Harness(db)
    body = "\n".join([
        bpmn.start(), bpmn.user("work", candidateGroups="sales"),
        boundary("sla", "work", timer("timeDuration", "PT1S")), bpmn.user("escalated", candidateGroups="managers"),
        bpmn.end("done"), bpmn.end("late"), bpmn.chain("start", "work", "done"), bpmn.chain("sla", "escalated", "late"),
    ])
    h.deploy([("sla.bpmn", bpmn.diagram("sla", body))])
    instance = h.start("sla")
    [first] = h.open_tasks(instance.id)
    assert wait_and_fire(h, 1.2) == 1
    [second] = h.open_tasks(instance.id)
    assert second != first
    assert h.instance(instance.id).active_elements == ["escalated"]


def test_non_interrupting_cycle_keeps_the_task(db):
    h = Harness(db)
    body = "\n".join([
        bpmn.start(), bpmn.user("work", candidateGroups="sales"),
        boundary("remind", "work", timer("timeCycle", "R2/PT1S"), interrupting=False),
        bpmn.script("note", "reminded = True"),
        bpmn.end("done"), bpmn.end("noted"), bpmn.chain("start", "work", "done"), bpmn.chain("remind", "note", "noted"),
    ])
    h.deploy([("rem.bpmn", bpmn.diagram("rem", body))])
    instance = h.start("rem")
    [task] = h.open_tasks(instance.id)
    wait_and_fire(h, 1.2)
    wait_and_fire(h, 1.1)
    assert fired(h) == 2
    assert h.open_tasks(instance.id) == [task]
    h.complete(task, {}, ALICE)
    assert h.instance(instance.id).state == "completed"


def test_message_by_business_key(db):
    h = Harness(db)
    body = bpmn.start() + catch("wait_paid", "m_paid") + bpmn.end() + bpmn.chain("start", "wait_paid", "end")
    h.deploy([("pay.bpmn", bpmn.diagram("pay", body, extra=MESSAGES))])
    first, second = h.start("pay", "ORDER-1"), h.start("pay", "ORDER-2")
    with pytest.raises(Conflict):
        h(lambda s: h.engine.correlate(s, "paid"))  # two instances wait: ambiguous
    delivery = h(lambda s: h.engine.correlate(s, "paid", "ORDER-2", variables={"amount": 900}))
    assert delivery.instance_ids == [second.id]
    done = h.instance(second.id)
    assert done.state == "completed" and done.variables["amount"] == 900
    assert h.instance(first.id).state == "running"
    with pytest.raises(NotFound):
        h(lambda s: h.engine.correlate(s, "paid", correlation={"missing": 1}))
    with pytest.raises(NotFound):
        h(lambda s: h.engine.correlate(s, "unknown"))


def test_message_by_correlation_values(db):
    h = Harness(db)
    body = bpmn.start() + catch("wait_paid", "m_paid") + bpmn.end() + bpmn.chain("start", "wait_paid", "end")
    h.deploy([("pay.bpmn", bpmn.diagram("pay", body, extra=MESSAGES))])
    a = h.start("pay", variables={"customer": 7})
    b = h.start("pay", variables={"customer": 8})
    h(lambda s: h.engine.correlate(s, "paid", correlation={"customer": 8}))
    assert h.instance(b.id).state == "completed" and h.instance(a.id).state == "running"


def test_message_start_event(db):
    h = Harness(db)
    body = ('<bpmn:startEvent id="received"><bpmn:messageEventDefinition messageRef="m_paid"/></bpmn:startEvent>'
            + bpmn.user("thank", candidateGroups="sales") + bpmn.end() + bpmn.chain("received", "thank", "end"))
    h.deploy([("ms.bpmn", bpmn.diagram("ms", body, extra=MESSAGES))])
    delivery = h(lambda s: h.engine.correlate(s, "paid", "INV-9", variables={"amount": 5}))
    assert delivery.started
    started = h.instance(delivery.instance_ids[0])
    assert started.business_key == "INV-9" and started.variables["amount"] == 5
    assert started.active_elements == ["thank"]


def test_buffered_message_waits_for_its_instance(db):
    engine = Engine(settings={"message_buffers": {"paid": 60}})
    h = Harness(db, engine)
    body = "\n".join([bpmn.start(), bpmn.user("prepare", candidateGroups="sales"), catch("wait_paid", "m_paid"),
                      bpmn.end(), bpmn.chain("start", "prepare", "wait_paid", "end")])
    h.deploy([("buf.bpmn", bpmn.diagram("buf", body, extra=MESSAGES))])
    instance = h.start("buf", "ORDER-5")
    delivery = h(lambda s: h.engine.correlate(s, "paid", "ORDER-5", variables={"ok": True}))
    assert delivery.buffered
    [task] = h.open_tasks(instance.id)
    h.complete(task, {}, ALICE)
    done = h.instance(instance.id)
    assert done.state == "completed" and done.variables["ok"] is True


def test_a_buffered_message_sets_only_what_the_element_taking_it_declares(db):
    """Buffered, a message was admitted against every process catching its name (the union of their
    declarations); the element that takes it later sets only its own, and the journal names the rest."""
    engine = Engine(settings={"message_buffers": {"paid": 60}})
    h = Harness(db, engine)
    narrow = ('<bpmn:intermediateCatchEvent id="wait_paid"><bpmn:extensionElements><camunda:properties>'
              '<camunda:property name="ravand:variables" value="ok"/></camunda:properties></bpmn:extensionElements>'
              '<bpmn:messageEventDefinition messageRef="m_paid"/></bpmn:intermediateCatchEvent>')
    body = "\n".join([bpmn.start(), bpmn.user("prepare", candidateGroups="sales"), narrow,
                      bpmn.end(), bpmn.chain("start", "prepare", "wait_paid", "end")])
    h.deploy([("narrow.bpmn", bpmn.diagram("narrow", body, extra=MESSAGES))])
    wide = bpmn.start() + catch("wait_paid", "m_paid") + bpmn.end() + bpmn.chain("start", "wait_paid", "end")
    h.deploy([("wide.bpmn", bpmn.diagram("wide", wide, extra=MESSAGES))])
    instance = h.start("narrow", "ORDER-6")
    delivery = h(lambda s: h.engine.correlate(s, "paid", "ORDER-6", variables={"ok": True, "amount": 5}))
    assert delivery.buffered  # "amount" is declared by the wide process, so the buffer took it
    [task] = h.open_tasks(instance.id)
    h.complete(task, {}, ALICE)
    done = h.instance(instance.id)
    assert done.state == "completed" and done.variables["ok"] is True and "amount" not in done.variables
    with db.sessions() as session:
        entry = session.scalars(select(JournalEntry).where(JournalEntry.process_instance_id == instance.id,
                                                           JournalEntry.kind == "message.correlated")).one()
    assert entry.data["dropped"] == ["amount"] and entry.data["variables"] == {"ok": True}


def test_signal_reaches_everyone(db):
    h = Harness(db)
    body = bpmn.start() + catch("halt", "s_stop", "signal") + bpmn.end() + bpmn.chain("start", "halt", "end")
    h.deploy([("sig.bpmn", bpmn.diagram("sig", body, extra=MESSAGES))])
    ids = [h.start("sig").id for _ in range(3)]
    delivery = h(lambda s: h.engine.signal(s, "stop-all"))
    assert sorted(delivery.instance_ids) == sorted(ids)
    assert all(h.instance(i).state == "completed" for i in ids)


def test_timer_start_event_cycle(db):
    h = Harness(db)
    body = ('<bpmn:startEvent id="tick">' + timer("timeCycle", "R2/PT1S") + "</bpmn:startEvent>"
            + bpmn.script("work", "x = 1") + bpmn.end() + bpmn.chain("tick", "work", "end"))
    h.deploy([("cron.bpmn", bpmn.diagram("cron", body))])
    wait_and_fire(h, 1.2)
    wait_and_fire(h, 1.1)
    page = h(lambda s: h.engine.instances(s, InstanceQuery(process_key="cron")))
    assert page.total == 2 and all(i.state == "completed" for i in page.items)
    with h.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Timer)) == 0  # R2: done after two


def test_error_boundary_and_terminate(db):
    h = Harness(db)
    extra = '<bpmn:error id="e_bad" name="bad" errorCode="BAD"/>'
    body = "\n".join([
        bpmn.start(), '<bpmn:subProcess id="sub"><bpmn:startEvent id="s_in"/>'
        '<bpmn:endEvent id="throw"><bpmn:errorEventDefinition errorRef="e_bad"/></bpmn:endEvent>'
        + bpmn.flow("s_in", "throw") + "</bpmn:subProcess>",
        boundary("caught", "sub", '<bpmn:errorEventDefinition errorRef="e_bad"/>'),
        bpmn.script("handle", "handled = True"),
        '<bpmn:endEvent id="stop"><bpmn:terminateEventDefinition/></bpmn:endEvent>', bpmn.end("normal"),
        bpmn.chain("start", "sub", "normal"), bpmn.chain("caught", "handle", "stop"),
    ])
    h.deploy([("err.bpmn", bpmn.diagram("err", body, extra=extra))])
    done = h.start("err")
    assert done.state == "completed" and done.variables.get("handled") is True


def test_two_workers_fire_each_timer_exactly_once(db):
    h = Harness(db)
    body = bpmn.start() + timer_catch("wait", "timeDuration", "PT1S") + bpmn.end() + bpmn.chain("start", "wait", "end")
    h.deploy([("many.bpmn", bpmn.diagram("many", body))])
    ids = [h.start("many").id for _ in range(40)]
    _later(1.2)
    workers = [worker(h) for _ in range(2 if db.dialect == "postgres" else 1)]
    threads = [threading.Thread(target=w.run_once) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(w.fired for w in workers) == 40 and fired(h) == 40
    assert all(h.instance(i).state == "completed" for i in ids)


def _flaky(failures: int) -> tuple[Engine, list]:
    from engine.runtime.services import HandlerRegistry

    calls: list = []
    registry = HandlerRegistry()

    def send(variables: dict) -> dict:
        calls.append(1)
        if len(calls) <= failures:
            raise ConnectionError("SMS gateway timeout")
        return {"sent": True}

    registry.register("send", send)
    return Engine(registry), calls


def _retrying(cycle: str) -> bytes:
    task = ('<bpmn:serviceTask id="notify" camunda:delegateExpression="${send}"><bpmn:extensionElements>'
            f'<camunda:failedJobRetryTimeCycle>{cycle}</camunda:failedJobRetryTimeCycle>'
            '</bpmn:extensionElements></bpmn:serviceTask>')
    return bpmn.diagram("retry", bpmn.start() + task + bpmn.end() + bpmn.chain("start", "notify", "end"))


def test_service_retries_with_back_off_then_succeeds(db):
    engine, calls = _flaky(failures=2)
    h = Harness(db, engine)
    h.deploy([("retry.bpmn", _retrying("R2/PT1S"))])
    instance = h.start("retry")
    assert instance.state == "running" and instance.incidents == []  # waiting for its retry, no incident
    wait_and_fire(h, 1.2)
    assert len(calls) == 2 and h.instance(instance.id).state == "running"
    wait_and_fire(h, 1.2)
    done = h.instance(instance.id)
    assert len(calls) == 3 and done.state == "completed" and done.variables["sent"] is True


def test_service_retries_used_up_become_an_incident(db):
    engine, calls = _flaky(failures=5)
    h = Harness(db, engine)
    h.deploy([("retry.bpmn", _retrying("R1/PT1S"))])
    instance = h.start("retry")
    wait_and_fire(h, 1.2)
    failed = h.instance(instance.id)
    assert len(calls) == 2 and failed.state == "failed" and "SMS gateway timeout" in failed.incidents[0].message


def test_bad_retry_cycle_is_refused(sqlite_db):
    from engine.errors import InvalidDefinition

    engine, _ = _flaky(0)
    h = Harness(sqlite_db, engine)
    with pytest.raises(InvalidDefinition, match="R3/PT1M"):
        h.deploy([("retry.bpmn", _retrying("every minute"))])


def test_receive_task_event_gateway_and_message_boundary(db):
    h = Harness(db)
    extra = MESSAGES + '<bpmn:message id="m_cancel" name="cancel"/><bpmn:escalation id="esc" name="late" ' \
                       'escalationCode="LATE"/>'
    body = "\n".join([
        bpmn.start(), '<bpmn:receiveTask id="receive" messageRef="m_paid"/>',
        '<bpmn:eventBasedGateway id="race"/>', catch("cancelled", "m_cancel"),
        timer_catch("too_late", "timeDuration", "PT1H"),
        bpmn.user("ship", candidateGroups="sales"),
        boundary("abort", "ship", '<bpmn:messageEventDefinition messageRef="m_cancel"/>'),
        bpmn.end("shipped"), bpmn.end("aborted"), bpmn.end("gave_up"), bpmn.end("stopped"),
        bpmn.chain("start", "receive", "race"), bpmn.flow("race", "cancelled"), bpmn.flow("race", "too_late"),
        bpmn.chain("cancelled", "ship", "shipped"), bpmn.chain("too_late", "gave_up"), bpmn.chain("abort", "stopped"),
    ])
    h.deploy([("flow.bpmn", bpmn.diagram("flow", body, extra=extra))])
    instance = h.start("flow", "B-1")
    assert instance.active_elements == ["receive"]
    h(lambda s: h.engine.correlate(s, "paid", "B-1"))  # the receive task
    assert h.instance(instance.id).active_elements == ["race"]  # the event-based gateway waits
    h(lambda s: h.engine.correlate(s, "cancel", "B-1"))  # the event-based gateway takes the message branch
    assert set(h.instance(instance.id).active_elements) == {"ship", "abort"}  # the boundary waits too
    with h.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Timer)) == 0  # the losing timer is gone
    h(lambda s: h.engine.correlate(s, "cancel", "B-1"))  # the boundary message interrupts the user task
    done = h.instance(instance.id)
    assert done.state == "completed" and h.open_tasks(instance.id) == []


def test_escalation_end_event_caught_by_boundary(db):
    h = Harness(db)
    extra = '<bpmn:escalation id="esc" name="late" escalationCode="LATE"/>'
    body = "\n".join([
        bpmn.start(), '<bpmn:subProcess id="sub"><bpmn:startEvent id="s_in"/>'
        '<bpmn:endEvent id="raise"><bpmn:escalationEventDefinition escalationRef="esc"/></bpmn:endEvent>'
        + bpmn.flow("s_in", "raise") + "</bpmn:subProcess>",
        boundary("escalated", "sub", '<bpmn:escalationEventDefinition escalationRef="esc"/>'),
        bpmn.script("tell", "told_manager = True"), bpmn.end("normal"), bpmn.end("handled"),
        bpmn.chain("start", "sub", "normal"), bpmn.chain("escalated", "tell", "handled"),
    ])
    h.deploy([("esc.bpmn", bpmn.diagram("esc", body, extra=extra))])
    assert h.start("esc").variables.get("told_manager") is True
