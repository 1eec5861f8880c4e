"""Human tasks: claim races, hand-over, visibility, queries."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from engine.errors import Conflict, Forbidden, NotFound, TaskNotOpen
from engine.tasks import TaskQuery
from engine.views import Actor
from tests.engine import bpmn
from tests.engine.helpers import ADMIN, ALICE, BOB, CAROL, Harness


@pytest.fixture
def h(db):
    harness = Harness(db)
    harness.deploy(bpmn.approval_files())
    return harness


def test_claim_then_only_the_assignee_completes(h):
    instance = h.start("approval")
    [task] = h.open_tasks(instance.id)
    claimed = h(lambda s: h.engine.claim(s, task, ALICE))
    assert claimed.assignee == "alice" and claimed.state == "claimed"
    with pytest.raises(Conflict):
        h(lambda s: h.engine.claim(s, task, BOB))
    with pytest.raises(Forbidden):
        h.complete(task, {"approved": True, "amount": 1}, BOB)
    h.complete(task, {"approved": True, "amount": 1}, ALICE)


def test_unclaim_assign_delegate(h):
    instance = h.start("approval")
    [task] = h.open_tasks(instance.id)
    h(lambda s: h.engine.claim(s, task, ALICE))
    with pytest.raises(Forbidden):
        h(lambda s: h.engine.unclaim(s, task, BOB))
    released = h(lambda s: h.engine.unclaim(s, task, ALICE))
    assert released.assignee is None and released.state == "ready"
    h(lambda s: h.engine.claim(s, task, ALICE))
    handed = h(lambda s: h.engine.assign(s, task, "bob", ALICE))
    assert handed.assignee == "bob"
    delegated = h(lambda s: h.engine.delegate(s, task, "dave", BOB))
    assert delegated.assignee == "dave" and delegated.owner == "bob"
    # the owner still sees the delegated task
    mine = h(lambda s: h.engine.tasks(s, TaskQuery(visible_to=Actor("bob"))))
    assert [t.id for t in mine.items] == [task]
    reassigned = h(lambda s: h.engine.assign(s, task, "alice", ADMIN))
    assert reassigned.assignee == "alice"


def test_outsiders_get_not_found(h):
    instance = h.start("approval")
    [task] = h.open_tasks(instance.id)
    for command in (lambda s: h.engine.claim(s, task, CAROL), lambda s: h.engine.task(s, task, CAROL)):
        with pytest.raises(NotFound):
            h(command)
    with pytest.raises(NotFound):
        h.complete(task, {"approved": True, "amount": 1}, CAROL)


def test_of_many_concurrent_claimers_exactly_one_wins(h):
    instance = h.start("approval")
    [task] = h.open_tasks(instance.id)
    results: list = []
    barrier = threading.Barrier(8)

    def claimer(i: int) -> None:
        actor = Actor(f"user{i}", frozenset({"sales"}))
        barrier.wait()
        try:
            h(lambda s: h.engine.claim(s, task, actor))
            results.append(("won", actor.name))
        except Conflict:
            results.append(("lost", actor.name))

    threads = [threading.Thread(target=claimer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [name for outcome, name in results if outcome == "won"]
    assert len(winners) == 1 and len(results) == 8
    detail = h(lambda s: h.engine.task(s, task, ADMIN))
    assert detail.task.assignee == winners[0]


def test_queries(h):
    first = h.start("approval", "BK-1")
    second = h.start("approval", "BK-2")
    [t1], [t2] = h.open_tasks(first.id), h.open_tasks(second.id)
    h(lambda s: h.engine.claim(s, t1, ALICE))

    def ids(**kw):
        return [t.id for t in h(lambda s: h.engine.tasks(s, TaskQuery(**kw))).items]

    assert ids(assignee="alice") == [t1]
    assert ids(unassigned=True) == [t2]
    assert set(ids(candidate=BOB)) == {t1, t2}
    assert ids(candidate=CAROL) == []
    assert ids(business_key="BK-2") == [t2]
    assert set(ids(process_key="approval")) == {t1, t2}
    assert set(ids(due_before=datetime.now(UTC) + timedelta(days=3))) == {t1, t2}
    assert ids(due_before=datetime.now(UTC)) == []
    assert ids(visible_to=CAROL) == []
    page = h(lambda s: h.engine.tasks(s, TaskQuery(limit=1, offset=1, sort="created")))
    assert page.total == 2 and len(page.items) == 1 and page.items[0].id == t2
    detail = h(lambda s: h.engine.task(s, t1, ALICE))
    assert detail.form["id"] == "review-form" and detail.task.priority == 70


ROUTED = bpmn.diagram("routed", "\n".join([
    bpmn.start(), bpmn.user("work", "Call the lead", candidateGroups="sales"),
    '<bpmn:boundaryEvent id="moved" attachedToRef="work"><bpmn:messageEventDefinition messageRef="m_moved"/>'
    '</bpmn:boundaryEvent>',
    bpmn.user("elsewhere", "Call the lead again", candidateGroups="support-1"),
    bpmn.end("done"), bpmn.end("rerouted"), bpmn.chain("start", "work", "done"), bpmn.chain("moved", "elsewhere",
                                                                                            "rerouted"),
]), extra='<bpmn:message id="m_moved" name="moved"/>')


def test_a_task_no_longer_open_answers_conflict_saying_so_and_where_its_work_went(db):
    h = Harness(db)
    h.deploy([("routed.bpmn", ROUTED)])
    instance = h.start("routed")
    [old] = h.open_tasks(instance.id)
    h(lambda s: h.engine.correlate(s, "moved"))  # the work goes to another group: the old task is cancelled
    [new] = h.open_tasks(instance.id)
    # alice could see the old task (sales): 409, cancelled, and nothing of hers is open
    with pytest.raises(TaskNotOpen) as seen:
        h(lambda s: h.engine.claim(s, old, ALICE))
    assert seen.value.state == "cancelled" and seen.value.open_tasks == []
    assert "no longer open (cancelled)" in seen.value.detail and "این کار دیگر باز نیست" in seen.value.detail
    with pytest.raises(TaskNotOpen):
        h.complete(old, {}, ALICE)
    # carol never saw the old task, but its work is now hers: 409 naming the task to work instead
    with pytest.raises(TaskNotOpen) as moved:
        h(lambda s: h.engine.claim(s, old, CAROL))
    assert moved.value.open_tasks == [{"id": new, "name": "Call the lead again"}] and new in moved.value.detail
    # someone who sees neither still finds nothing, and an open task claimed twice is still "already claimed"
    with pytest.raises(NotFound):
        h(lambda s: h.engine.claim(s, old, Actor("dave", frozenset({"finance"}))))
    h(lambda s: h.engine.claim(s, new, CAROL))
    with pytest.raises(Conflict) as taken:
        h(lambda s: h.engine.claim(s, new, Actor("erin", frozenset({"support-1"}))))
    assert not isinstance(taken.value, TaskNotOpen) and "already claimed by carol" in taken.value.detail
    h.complete(new, {}, CAROL)
    with pytest.raises(TaskNotOpen) as done:
        h.complete(new, {}, CAROL)
    assert done.value.state == "completed" and "no longer open (completed)" in done.value.detail
