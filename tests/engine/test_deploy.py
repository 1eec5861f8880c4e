"""Deploy: versions, refusals with located reasons, the Camunda dialect."""

from __future__ import annotations

import pytest

from engine.errors import InvalidDefinition
from engine.tasks import TaskQuery
from tests.engine import bpmn
from tests.engine.helpers import ADMIN, Harness


@pytest.fixture
def h(db):
    return Harness(db)


def problems_of(h: Harness, files: list[tuple[str, bytes]]) -> list:
    with pytest.raises(InvalidDefinition) as caught:
        h.deploy(files)
    return caught.value.problems


def test_new_version_only_when_content_changes(h):
    first = h.deploy(bpmn.approval_files())
    assert [(d.key, d.version, d.created) for d in first] == [("approval", 1, True)]
    again = h.deploy(bpmn.approval_files())
    assert [(d.key, d.version, d.created) for d in again] == [("approval", 1, False)]
    changed = bpmn.APPROVAL.replace(b"Review the request", b"Review the order")
    second = h.deploy([("approval.bpmn", changed), ("review.form", bpmn.REVIEW_FORM)])
    assert [(d.key, d.version, d.created) for d in second] == [("approval", 2, True)]
    page = h(lambda s: h.engine.definitions(s, key="approval"))
    assert [d.version for d in page.items] == [2, 1]
    latest = h(lambda s: h.engine.definitions(s, latest_only=True))
    assert [(d.key, d.version) for d in latest.items] == [("approval", 2)]


def test_changed_form_makes_a_new_version(h):
    h.deploy(bpmn.approval_files())
    other_form = bpmn.REVIEW_FORM.replace(b'"maxLength": 200', b'"maxLength": 100')
    result = h.deploy([("approval.bpmn", bpmn.APPROVAL), ("review.form", other_form)])
    assert result[0].version == 2


def test_a_form_two_tasks_use_is_listed_once_and_redeploys_as_the_same_version(h):
    twice = bpmn.diagram("twice", "\n".join([
        bpmn.start(), bpmn.user("first", candidateGroups="sales", formRef="review-form"),
        bpmn.user("second", candidateGroups="sales", formRef="review-form"), bpmn.end(),
        bpmn.chain("start", "first", "second", "end")]))
    [deployed] = h.deploy([("twice.bpmn", twice), ("review.form", bpmn.REVIEW_FORM)])
    definition = h(lambda s: h.engine.definition(s, deployed.id))
    assert [r["name"] for r in definition.resources if r["kind"] == "form"] == ["review.form"]
    [again] = h.deploy([("twice.bpmn", twice), ("review.form", bpmn.REVIEW_FORM)])
    assert (again.version, again.created) == (1, False)


def test_running_instances_keep_their_version(h):
    h.deploy(bpmn.approval_files())
    old = h.start("approval")
    changed = bpmn.APPROVAL.replace(b"Review the request", b"Check")
    h.deploy([("approval.bpmn", changed), ("review.form", bpmn.REVIEW_FORM)])
    new = h.start("approval")
    assert old.definition_id != new.definition_id
    assert h.instance(old.id).definition_id == old.definition_id


def test_malformed_xml_is_located(h):
    problems = problems_of(h, [("bad.bpmn", b"<bpmn:definitions>\n<oops>")])
    assert problems[0].file == "bad.bpmn" and "malformed XML" in problems[0].message
    assert problems[0].line is not None


def test_xxe_and_billion_laughs_are_refused_fast(h):
    xxe = (b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
           b'<definitions>&x;</definitions>')
    laughs = b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
        f'<!ENTITY lol{i} "{"&lol{};".format(i - 1 if i > 1 else "") * 10}">'.encode() for i in range(1, 10)
    ) + b"]>\n<lolz>&lol9;</lolz>"
    for payload in (xxe, laughs):
        problems = problems_of(h, [("evil.bpmn", payload)])  # refused before any expansion
        assert "DTD" in problems[0].message and problems[0].line == 2


@pytest.mark.parametrize("body, expected", [
    (bpmn.chain("a", "b"), "no start event"),
    (bpmn.start() + bpmn.end() + '<bpmn:sequenceFlow sourceRef="start" targetRef="end"/>', "has no id"),
    (bpmn.start("Start") + bpmn.end() + bpmn.chain("Start", "end"), "reserved"),
    (bpmn.start() + bpmn.user("t") + bpmn.end() + bpmn.chain("start", "t", "end") + bpmn.flow("t", "t"),
     "straight back to itself"),
    (bpmn.start() + '<bpmn:complexGateway id="cg"/>' + bpmn.end() + bpmn.chain("start", "cg", "end"),
     "complexGateway is not supported"),
    (bpmn.start() + bpmn.script("s", "x = (") + bpmn.end() + bpmn.chain("start", "s", "end"),
     "does not compile"),
    (bpmn.start() + bpmn.script("s", "import os") + bpmn.end() + bpmn.chain("start", "s", "end"),
     "does not compile"),
    (bpmn.start() + '<bpmn:scriptTask id="g" scriptFormat="groovy"><bpmn:script>x=1</bpmn:script>'
     '</bpmn:scriptTask>' + bpmn.end() + bpmn.chain("start", "g", "end"), "groovy"),
    (bpmn.start() + bpmn.gateway("gw") + bpmn.end("e1") + bpmn.end("e2") + bpmn.flow("start", "gw")
     + bpmn.flow("gw", "e1", "x >") + bpmn.flow("gw", "e2", "x <= 1"), "condition does not compile"),
    (bpmn.start() + bpmn.user("t", formRef="missing") + bpmn.end() + bpmn.chain("start", "t", "end"),
     "'missing' is not in this deployment"),
    (bpmn.start() + '<bpmn:businessRuleTask id="r" camunda:decisionRef="d1"/>' + bpmn.end()
     + bpmn.chain("start", "r", "end"), "'d1' is not in this deployment"),
    (bpmn.start() + bpmn.service("s", "nobody") + bpmn.end() + bpmn.chain("start", "s", "end"),
     "no service handler is registered as 'nobody'"),
])
def test_refusals_are_located(h, body, expected):
    problems = problems_of(h, [("p.bpmn", bpmn.diagram("p", body))])
    assert any(expected in p.message for p in problems), problems
    assert all(p.file == "p.bpmn" for p in problems)


def test_no_executable_process(h):
    problems = problems_of(h, [("p.bpmn", bpmn.diagram("p", bpmn.start(), executable=False))])
    assert "no executable process" in problems[0].message


def test_message_without_name(h):
    extra = '<bpmn:message id="m1"/>'
    body = (bpmn.start() + '<bpmn:intermediateCatchEvent id="c"><bpmn:messageEventDefinition id="md" '
            'messageRef="m1"/></bpmn:intermediateCatchEvent>' + bpmn.end() + bpmn.chain("start", "c", "end"))
    problems = problems_of(h, [("p.bpmn", bpmn.diagram("p", body, extra=extra))])
    assert any("has no name" in p.message and p.element_id == "md" for p in problems)


def test_listeners_would_be_ignored_so_are_refused(h):
    body = (bpmn.start() + '<bpmn:userTask id="t"><bpmn:extensionElements><camunda:taskListener '
            'class="x.Y" event="create"/></bpmn:extensionElements></bpmn:userTask>' + bpmn.end()
            + bpmn.chain("start", "t", "end"))
    problems = problems_of(h, [("p.bpmn", bpmn.diagram("p", body))])
    assert any("listeners" in p.message and p.element_id == "t" for p in problems)


def test_invalid_form_is_refused(h):
    problems = problems_of(h, [("approval.bpmn", bpmn.APPROVAL), ("review.form", b"{not json")])
    assert problems[0].file == "review.form"


def test_camunda_dialect_is_read(h):
    body = "\n".join([
        '<bpmn:laneSet id="ls"><bpmn:lane id="l1" name="support-1"><bpmn:flowNodeRef>t2</bpmn:flowNodeRef>'
        '</bpmn:lane></bpmn:laneSet>',
        bpmn.start(), bpmn.user("t1", "First", candidateUsers="alice, bob", assignee="${owner}", priority="80",
                                dueDate="2030-01-01T09:00:00Z"),
        bpmn.user("t2", "Second"), bpmn.end(), bpmn.chain("start", "t1", "t2", "end"),
    ])
    h.deploy([("p.bpmn", bpmn.diagram("p", body))])
    instance = h.start("p", "BK-1", {"owner": "carol"})
    task = h(lambda s: h.engine.tasks(s, TaskQuery(process_instance=instance.id))).items[0]
    assert task.assignee == "carol" and task.state == "claimed"
    assert task.candidate_users == ["alice", "bob"] and task.priority == 80
    assert task.due.year == 2030 and task.business_key == "BK-1"
    h.complete(task.id, {}, ADMIN)
    second = h(lambda s: h.engine.tasks(s, TaskQuery(process_instance=instance.id))).items[0]
    assert second.element_id == "t2" and second.candidate_groups == ["support-1"]
