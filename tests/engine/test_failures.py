"""Every failure inside a command ends as a located deployment error or an incident on the instance,
never an unexpected exception (a 500) and never a command that does not end: each case performs
the attack on both databases, through the engine and, where an attacker would, through HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select, update

from engine.errors import InvalidDefinition
from engine.events.timer_worker import TimerWorker
from engine.events.timers import next_timer_due
from engine.facade import Engine
from engine.store.models import Incident, JournalEntry, ProcessInstance, Timer
from tests.engine import bpmn as b
from tests.engine.helpers import Harness


@pytest.fixture
def h(db):
    return Harness(db)


def _catch(event: str) -> str:
    return f'<bpmn:intermediateCatchEvent id="catch">{event}</bpmn:intermediateCatchEvent>'


def _flow_through(element: str, key: str = "p", extra: str = "") -> bytes:
    return b.diagram(key, "\n".join([b.start(), element, b.end(), b.chain("start", "catch", "end")]), extra=extra)


REFUSED = {
    "message catch without messageRef": (_flow_through(_catch("<bpmn:messageEventDefinition/>")), "catch",
                                         "names no message"),
    "signal catch without signalRef": (_flow_through(_catch("<bpmn:signalEventDefinition/>")), "catch",
                                       "names no signal"),
    "signal throw without signalRef": (_flow_through(
        '<bpmn:intermediateThrowEvent id="catch"><bpmn:signalEventDefinition/></bpmn:intermediateThrowEvent>'),
        "catch", "names no signal"),
    "message start without messageRef": (b.diagram("p", "\n".join([
        '<bpmn:startEvent id="start"><bpmn:messageEventDefinition/></bpmn:startEvent>', b.end(),
        b.chain("start", "end")])), "start", "names no message"),
    "receive task without messageRef": (_flow_through('<bpmn:receiveTask id="catch"/>'), "catch",
                                        "names no message"),
    "message naming a nameless message": (_flow_through(_catch('<bpmn:messageEventDefinition messageRef="m"/>'),
                                                        extra='<bpmn:message id="m"/>'), None, "has no name"),
    "ad-hoc subprocess without completion condition": (b.diagram("p", "\n".join([
        b.start(), '<bpmn:adHocSubProcess id="ah"><bpmn:userTask id="u1"/></bpmn:adHocSubProcess>', b.end(),
        b.chain("start", "ah", "end")])), "ah", "ad-hoc subprocesses are not supported"),
    "ad-hoc subprocess with completion condition": (b.diagram("p", "\n".join([
        b.start(), '<bpmn:adHocSubProcess id="ah"><bpmn:userTask id="u1"/><bpmn:completionCondition>done'
                   '</bpmn:completionCondition></bpmn:adHocSubProcess>', b.end(),
        b.chain("start", "ah", "end")])), "ah", "ad-hoc subprocesses are not supported"),
    "end event with a flow back into the diagram": (b.diagram("p", "\n".join([
        b.start(), b.user("u"), b.end(), b.chain("start", "u", "end"), b.flow("end", "u")])), "f_end_u",
        "an end event ends its path"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_at_deploy_with_a_located_reason(h: Harness, case: str) -> None:
    xml, element, words = REFUSED[case]
    with pytest.raises(InvalidDefinition) as refused:
        h.deploy([("p.bpmn", xml)])
    [problem] = [p for p in refused.value.problems if words in p.message]
    assert problem.file == "p.bpmn" and problem.line is not None
    if element:
        assert problem.element_id == element
    with h.db.sessions() as session:  # nothing stored: no definition, no nameless subscription
        assert session.scalar(select(func.count()).select_from(JournalEntry)) == 0


def _wide(encoding: str) -> bytes:
    text = b.APPROVAL.decode().replace('encoding="UTF-8"', f'encoding="{encoding.upper()}"')
    return text.encode(encoding)


DOCTYPE_UTF16 = ('<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                 '\n<d>&x;</d>').encode("utf-16")


@pytest.mark.parametrize("content", [_wide("utf-16"), _wide("utf-16-le"), _wide("utf-32"), DOCTYPE_UTF16,
                                     b.APPROVAL.decode().replace("UTF-8", "ISO-8859-1").encode("latin-1")],
                         ids=["utf-16", "utf-16-le-no-bom", "utf-32", "utf-16-doctype", "latin-1"])
def test_xml_that_is_not_utf8_is_refused_by_the_engine(h: Harness, content: bytes) -> None:
    with pytest.raises(InvalidDefinition) as refused:
        h.deploy([("wide.bpmn", content)])
    [problem] = refused.value.problems
    assert "must be encoded as UTF-8" in problem.message and problem.file == "wide.bpmn" and problem.line == 1


def _failed(h: Harness, instance_id: str) -> list[Incident]:
    with h.db.sessions() as session:
        instance = session.get(ProcessInstance, instance_id)
        assert instance.state == "failed"
        return list(session.scalars(select(Incident).where(Incident.process_instance_id == instance_id)))


def test_multi_instance_over_a_missing_collection_is_an_incident(h: Harness) -> None:
    h.deploy([("mi.bpmn", b.diagram("mi", "\n".join([
        b.start(), '<bpmn:userTask id="u"><bpmn:multiInstanceLoopCharacteristics camunda:collection="items" '
                   'camunda:elementVariable="item"/></bpmn:userTask>', b.end(), b.chain("start", "u", "end")])))])
    started = h.start("mi")
    [incident] = _failed(h, started.id)
    assert incident.element_id == "u" and "TypeError" in incident.message  # an unexpected type, caught


def test_a_process_calling_itself_stops_at_the_call_depth_limit(db) -> None:
    h = Harness(db, Engine(settings={"max_call_depth": 5}))
    h.deploy([("self.bpmn", b.diagram("selfcall", "\n".join([
        b.start(), '<bpmn:callActivity id="call" calledElement="selfcall"/>', b.end(),
        b.chain("start", "call", "end")])))])
    started = h.start("selfcall")  # without the limit this never ends, holding the write lock
    [incident] = _failed(h, started.id)
    assert incident.element_id == "call" and "deeper than 5 levels" in incident.message


@pytest.mark.parametrize("expression", ['"R5/PTxx"', "${wait}"], ids=["bad-cycle", "bad-variable"])
def test_a_timer_expression_that_cannot_be_evaluated_is_one_incident(h: Harness, expression: str) -> None:
    kind = "timeCycle" if expression.startswith('"R') else "timeDuration"
    h.deploy([("t.bpmn", _flow_through(_catch(
        f"<bpmn:timerEventDefinition><bpmn:{kind}>{expression}</bpmn:{kind}></bpmn:timerEventDefinition>"),
        key="badtimer"))])
    started = h.start("badtimer", variables={"wait": "not a duration"})
    [incident] = _failed(h, started.id)
    assert incident.element_id == "catch" and incident.attempts == 1
    with h.db.sessions() as session:
        raised = session.scalar(select(func.count()).where(JournalEntry.kind == "incident.raised"))
        assert raised == 1
        assert session.scalar(select(func.count()).select_from(Timer)) == 0  # nothing left to fire it again


GATEWAY = b.diagram("nomatch", "\n".join([
    b.start(), b.gateway("g"), b.end("low"), b.end("high"), b.chain("start", "g"),
    b.flow("g", "low", "amount < 10"), b.flow("g", "high", "amount > 100")]))


def test_an_exclusive_gateway_where_no_condition_matches_is_an_incident(h: Harness) -> None:
    h.deploy([("g.bpmn", GATEWAY)])
    started = h.start("nomatch", variables={"amount": 50})
    [incident] = _failed(h, started.id)
    assert incident.element_id == "g" and "No conditions satisfied" in incident.message


TIMED = b.diagram("timed", "\n".join([
    b.start(), '<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>"PT1S"'
               '</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>',
    b.user("u"), b.end(), b.chain("start", "wait", "u", "end")]))


def test_a_timer_failing_repeatedly_becomes_an_incident_stops_and_retry_rearms_it(h: Harness, later) -> None:
    h.deploy([("timed.bpmn", TIMED)])
    started = h.start("timed")
    with h.db.sessions() as session:
        good = session.get(ProcessInstance, started.id).workflow_state
        session.execute(update(ProcessInstance).where(ProcessInstance.id == started.id)
                        .values(workflow_state=b"\x00 not a workflow"))  # state that cannot be loaded
        session.commit()
    later(1.1)
    worker = TimerWorker(h.engine, h.db.sessions, max_failures=3)
    for attempt in range(1, 4):
        assert worker.run_once() == 0
        with h.db.sessions() as session:
            assert session.scalar(select(Timer.failures)) == attempt  # counted after the firing rolled back
    [incident] = _failed(h, started.id)
    assert incident.kind == "timer" and "failed 3 times" in incident.message
    with h.db.sessions() as session:
        assert next_timer_due(session, 3) is None  # stopped: no loop polls it again
        assert session.scalar(select(func.count()).where(JournalEntry.kind == "timer.failed")) == 3
    assert worker.run_once() == 0
    with h.db.sessions() as session:
        session.execute(update(ProcessInstance).where(ProcessInstance.id == started.id)
                        .values(workflow_state=good))
        session.commit()
    retried = h(lambda s: h.engine.retry(s, started.id, incident.id, "root"))
    assert retried.state == "running"
    assert worker.run_once() == 1  # re-armed: it fires, and the instance goes on
    assert len(h.open_tasks(started.id)) == 1


def _commits(h: Harness) -> list[int]:
    count = [0]
    event.listen(h.db.engine, "commit", lambda _connection: count.__setitem__(0, count[0] + 1))
    return count


def test_timers_due_together_fire_in_one_transaction(h: Harness, later) -> None:
    h.deploy([("timed.bpmn", TIMED)])
    started = [h.start("timed").id for _ in range(3)]
    later(1.1)
    commits = _commits(h)
    assert TimerWorker(h.engine, h.db.sessions).run_once() == 3
    assert commits[0] == 1  # one commit, one seal of the journal, for the three
    assert all(len(h.open_tasks(instance_id)) == 1 for instance_id in started)


def test_a_timer_failing_in_a_group_is_counted_alone_and_the_others_fire(h: Harness, later) -> None:
    h.deploy([("timed.bpmn", TIMED)])
    good, broken, other = (h.start("timed").id for _ in range(3))
    with h.db.sessions() as session:
        session.execute(update(ProcessInstance).where(ProcessInstance.id == broken)
                        .values(workflow_state=b"\x00 not a workflow"))
        session.commit()
    later(1.1)
    assert TimerWorker(h.engine, h.db.sessions).run_once() == 2
    assert [len(h.open_tasks(instance_id)) for instance_id in (good, broken, other)] == [1, 0, 1]
    with h.db.sessions() as session:
        assert session.execute(select(Timer.process_instance_id, Timer.failures)).all() == [(broken, 1)]
        assert session.scalar(select(func.count()).where(JournalEntry.kind == "timer.fired")) == 2


def _timer(element: str) -> str:
    return (f'<bpmn:intermediateCatchEvent id="{element}"><bpmn:timerEventDefinition><bpmn:timeDuration>"PT1S"'
            '</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')


TWO_TIMERS = b.diagram("two_timers", "\n".join([
    b.start(), b.gateway("split", "parallel"), _timer("first"), _timer("second"), b.gateway("join", "parallel"),
    b.user("u"), b.end(), b.flow("start", "split"), b.flow("split", "first"), b.flow("split", "second"),
    b.flow("first", "join"), b.flow("second", "join"), b.chain("join", "u", "end")]))


def test_two_timers_of_one_instance_due_together_fire_once_each(h: Harness, later) -> None:
    """A group fires one timer row per instance: its command fires every due timer of the instance and replaces
    the instance's timer rows, so the other row is gone, never fired twice."""
    h.deploy([("two_timers.bpmn", TWO_TIMERS)])
    started = h.start("two_timers")
    later(1.1)
    worker = TimerWorker(h.engine, h.db.sessions)
    assert (worker.run_once(), worker.run_once()) == (1, 0)
    assert len(h.open_tasks(started.id)) == 1
    with h.db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Timer)) == 0
        assert session.scalar(select(func.count()).where(JournalEntry.kind == "timer.fired")) == 2
