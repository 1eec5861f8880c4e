"""Moving a timer: later keeps it waiting (and the projection keeps the new time), earlier than now fires it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.clock import utcnow
from engine.errors import NotFound
from tests.engine import bpmn
from tests.engine.helpers import Harness
from tests.engine.test_events import boundary, timer

SLA = bpmn.diagram("sla", bpmn.start() + bpmn.user("work", candidateGroups="sales")
                   + boundary("late", "work", timer("timeDuration", "P2D")) + bpmn.end() + bpmn.end("escalated")
                   + bpmn.chain("start", "work", "end") + bpmn.flow("late", "escalated"))


def test_reschedule_later_then_now(db):
    h = Harness(db)
    h.deploy([("sla.bpmn", SLA)])
    instance = h.start("sla")
    [pending] = h(lambda s: h.engine.timers(s, instance.id))
    later = utcnow() + timedelta(days=5)
    h(lambda s: h.engine.reschedule_timer(s, pending.id, later, "omid"))
    [moved] = h(lambda s: h.engine.timers(s, instance.id))
    assert abs((moved.due_at - later).total_seconds()) < 1
    assert "work" in h.instance(instance.id).active_elements
    h(lambda s: h.engine.reschedule_timer(s, moved.id, utcnow() - timedelta(seconds=1), "omid"))
    done = h.instance(instance.id)
    assert done.state == "completed" and h(lambda s: h.engine.timers(s, instance.id)) == []
    with pytest.raises(NotFound):
        h(lambda s: h.engine.reschedule_timer(s, moved.id, utcnow(), "omid"))
