"""A retry says what it came to: failed again (the new message and the attempt count), went on to a wait,
or failed at a later step. The answer is 200 each time (the retry was made); ``retry.outcome`` tells."""

from __future__ import annotations

import uuid

from tests.api.conftest import Api
from tests.api.test_behaviour import BROKEN, V1, ok, start
from tests.engine import bpmn


def _retry(api: Api, instance: dict, incident_id: int) -> dict:
    return ok(api.call("POST", f"{V1}/process-instances/{instance['id']}/incidents/{incident_id}/retry", "designer"))


def test_a_retry_that_fails_again_says_so_with_the_reason_and_attempts(api: Api):
    ok(api.deploy([("broken.bpmn", BROKEN)]), 201)
    failed = start(api, "broken", variables={"count": 0})
    [incident] = failed["incidents"]
    answer = _retry(api, failed, incident["id"])
    assert answer["retry"]["outcome"] == "still_failing", answer["retry"]
    assert answer["retry"]["attempts"] == 2 and answer["retry"]["incident_id"] == incident["id"]
    assert "ZeroDivisionError" in answer["retry"]["message"] and answer["retry"]["element_id"] == "divide"
    assert answer["state"] == "failed" and answer["incidents"][0]["attempts"] == 2  # the incident stays visible
    again = _retry(api, failed, incident["id"])
    assert again["retry"]["outcome"] == "still_failing" and again["retry"]["attempts"] == 3


def test_a_retry_that_succeeds_says_where_the_instance_waits_or_that_it_is_resolved(api: Api):
    ravand = api.app.extensions["ravand"]
    handler = f"flaky_{uuid.uuid4().hex[:6]}"
    calls: list[int] = []

    def check(variables: dict) -> dict:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the customer service did not answer")
        return {"checked": True}

    ravand.engine.handlers.register(handler, check)
    waits = bpmn.diagram("waits", "\n".join([
        bpmn.start(), bpmn.service("check", handler), bpmn.user("follow_up", "Follow up", candidateGroups="sales"),
        bpmn.end(), bpmn.chain("start", "check", "follow_up", "end")]))
    ok(api.deploy([("waits.bpmn", waits)]), 201)
    failed = start(api, "waits")
    assert failed["state"] == "failed", failed
    answer = _retry(api, failed, failed["incidents"][0]["id"])
    assert answer["retry"] == {"outcome": "waiting", "incident_id": failed["incidents"][0]["id"], "element_id": None,
                               "attempts": None, "message": None, "waiting_at": ["follow_up"]}
    assert answer["state"] == "running" and answer["incidents"] == []

    fixed = bpmn.diagram("ends", "\n".join([
        bpmn.start(), bpmn.service("check", handler), bpmn.end(), bpmn.chain("start", "check", "end")]))
    ok(api.deploy([("ends.bpmn", fixed)]), 201)
    calls.clear()
    ends = start(api, "ends")
    assert ends["state"] == "failed"
    done = _retry(api, ends, ends["incidents"][0]["id"])
    assert done["retry"]["outcome"] == "resolved" and done["state"] == "completed", done
