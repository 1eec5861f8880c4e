"""Corrections to SpiffWorkflow 3.2.0 applied once at import.

Task iterators stop descending at depth 1,000 by default, so a loop run ~500 times makes
``is_completed()`` true while the end event never ran. The tree depth grows with history, so
the iterators must never truncate it.

A business rule task deep-merges its result into the task data, so a decision taken again in a
loop merges its new lists into the old ones element by element (a COLLECT table's ``["manager",
"legal"]`` over last round's ``["manager", "finance", "finance"]`` gives neither). A decision's
outputs replace the variables they name, as Camunda's do.

A decision table's hit policy: SpiffWorkflow knows only UNIQUE and COLLECT; it stops a UNIQUE table at its
first match (so overlapping rules go unnoticed) and, for any other policy, evaluates every rule and returns
the first. FIRST stops at its first match; UNIQUE evaluates every rule and two or more matching is a task
error (an incident naming the rules), as in Camunda; ANY refuses matches whose outputs differ. FEEL ranges
(``[1..5]``, ``]1..5[``) are read as ``1 <= ? <= 5`` tests (``engine.definitions.dmn_tables``).

A multi-instance activity creates one task per item of its collection, or ``loopCardinality``
tasks, all in one transaction: past the script engine's ``max_multi_instance`` (the
``max_multi_instance`` setting) it raises a task error, which becomes an incident, before creating any.

A parallel or inclusive join merges into the token that goes on the data of every finished instance of itself
in the tree: in a loop, also the branches of every earlier round, so a list variable collects old rounds'
items and a variable a round deleted comes back. It merges the branches of its own round: those that finished
after the join's last round went through.

Timer events read the wall clock (``datetime.now``) inside SpiffWorkflow's timer module; they read the
engine's clock (``engine.clock.utcnow``) instead, so the timer worker (which finds due timers by that clock)
and SpiffWorkflow (which decides whether a waiting timer fired) agree on what time it is.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Sized
from datetime import datetime, tzinfo
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions import timer as timer_events
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import (
    MultiInstanceTask,
    ParallelMultiInstanceTask,
    SequentialMultiInstanceTask,
)
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.bpmn.util.task import BpmnTaskIterator
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import TaskState
from SpiffWorkflow.util.deep_merge import DeepMerge
from SpiffWorkflow.util.task import TaskIterator

from engine import clock
from engine.definitions.dmn_tables import range_as_python

UNBOUNDED_DEPTH = sys.maxsize
DEFAULT_MAX_MULTI_INSTANCE = 1_000


def _max_depth_default(init: Callable[..., Any]) -> int:
    """Where ``max_depth`` sits among the iterator's defaulted parameters (found by name, so a reordered
    signature in a later SpiffWorkflow cannot make this lift another default)."""
    defaulted = [p.name for p in inspect.signature(init).parameters.values() if p.default is not p.empty]
    if "max_depth" not in defaulted:
        raise RuntimeError(f"{init.__qualname__} has no max_depth parameter: check engine.spiff.fixes")
    return defaulted.index("max_depth")


def _raise_default_depth(init: Callable[..., Any]) -> None:
    defaults = list(init.__defaults__)  # type: ignore[attr-defined]
    defaults[_max_depth_default(init)] = UNBOUNDED_DEPTH
    init.__defaults__ = tuple(defaults)  # type: ignore[attr-defined]


def _decide(self: BusinessRuleTaskMixin, my_task: object) -> bool:
    try:
        my_task.data.update(self.dmnEngine.result(my_task))  # type: ignore[attr-defined]
        super(BusinessRuleTaskMixin, self)._run_hook(my_task)
    except SpiffWorkflowException as exc:
        exc.add_note(f"Business Rule Task '{my_task.task_spec.bpmn_name}'.")  # type: ignore[attr-defined]
        raise
    except Exception as exc:
        error = WorkflowTaskException(str(exc), task=my_task)
        error.add_note(f"Business Rule Task '{my_task.task_spec.bpmn_name}'.")  # type: ignore[attr-defined]
        raise error from exc
    return True


def _rules_named(rules: list[Any]) -> str:
    return ", ".join(f"{r.row_number} ({r.id}{': ' + r.description if r.description else ''})" for r in rules)


def _matching_rules(self: DMNEngine, task: Any) -> list[Any]:
    """The rules the hit policy lets through: FIRST stops at its first match; UNIQUE and ANY look at every rule."""
    table, matched = self.decision_table, []
    for rule in table.rules:
        if self._DMNEngine__check_rule(rule, task):  # type: ignore[attr-defined]
            matched.append(rule)
            if table.hit_policy == "FIRST":
                break
    name = table.name or table.id
    if table.hit_policy == "UNIQUE" and len(matched) > 1:
        raise WorkflowTaskException(
            f"the decision table {name!r} has hit policy UNIQUE, yet rules {_rules_named(matched)} all "
            "match; narrow the rules, or declare hitPolicy=\"FIRST\" if the first should win", task=task)
    if table.hit_policy == "ANY" and any(r.output_as_dict(task) != matched[0].output_as_dict(task)
                                         for r in matched[1:]):
        raise WorkflowTaskException(
            f"the decision table {name!r} has hit policy ANY, yet rules {_rules_named(matched)} match with "
            "different outputs", task=task)
    return matched


def _feel_ranges(original: Callable[..., Any]) -> Callable[..., Any]:
    def evaluate(self: DMNEngine, input_expr: Any, match_expr: Any, task: Any) -> Any:
        return original(self, input_expr, range_as_python(match_expr), task)

    evaluate.__wrapped__ = original  # type: ignore[attr-defined]
    return evaluate


def _max_multi_instance(my_task: Any) -> int:
    return int(getattr(my_task.workflow.script_engine, "max_multi_instance", DEFAULT_MAX_MULTI_INSTANCE))


def _check_instances(spec: MultiInstanceTask, my_task: Any, count: Any, what: str) -> None:
    limit = _max_multi_instance(my_task)
    if isinstance(count, int) and count > limit:
        raise WorkflowTaskException(
            f"multi-instance {what} is {count:,}, more than the limit of {limit:,} instances "
            "(the max_multi_instance setting)", task=my_task)


def _collection_size(spec: MultiInstanceTask, my_task: Any) -> Any:
    if spec.data_input is None or not spec.data_input.exists(my_task):
        return None
    data = spec.data_input.get(my_task)
    return len(data) if isinstance(data, Sized) else None


def _parallel_create_children(original: Callable[..., Any]) -> Callable[..., Any]:
    def create_children(self: ParallelMultiInstanceTask, my_task: Any) -> Any:
        if self.data_input is not None:
            _check_instances(self, my_task, _collection_size(self, my_task), "collection size")
        else:
            cardinality = my_task.workflow.script_engine.evaluate(my_task, self.cardinality)
            _check_instances(self, my_task, cardinality, "cardinality")
        return original(self, my_task)

    create_children.__wrapped__ = original  # type: ignore[attr-defined]
    return create_children


def _sequential_remaining(original: Callable[..., Any]) -> Callable[..., Any]:
    def init_remaining_items(self: SequentialMultiInstanceTask, my_task: Any) -> Any:
        _check_instances(self, my_task, _collection_size(self, my_task), "collection size")
        return original(self, my_task)

    init_remaining_items.__wrapped__ = original  # type: ignore[attr-defined]
    return init_remaining_items


def _sequential_next_index(original: Callable[..., Any]) -> Callable[..., Any]:
    def get_next_index(self: SequentialMultiInstanceTask, my_task: Any) -> Any:
        if my_task.internal_data.get("current") == 0:  # before the first instance
            _check_instances(self, my_task, my_task.internal_data.get("cardinality"), "cardinality")
        return original(self, my_task)

    get_next_index.__wrapped__ = original  # type: ignore[attr-defined]
    return get_next_index


def _patch(cls: type, name: str, wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    current = cls.__dict__[name]
    if not hasattr(current, "__wrapped__"):
        setattr(cls, name, wrap(current))


class _DatetimeOfTheEngine(type):
    """Everything of ``datetime`` (its constructors return plain datetimes, isinstance tests hold)."""

    def __getattr__(cls, name: str) -> Any:
        return getattr(datetime, name)

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, datetime)


class EngineClockDatetime(metaclass=_DatetimeOfTheEngine):
    """``datetime`` for SpiffWorkflow's timer module, whose ``now`` is the engine's clock."""

    @staticmethod
    def now(tz: tzinfo | None = None) -> datetime:
        now = clock.utcnow()
        return now.astimezone(tz) if tz is not None else now.astimezone().replace(tzinfo=None)


def _merge_own_round(self: UnstructuredJoin, my_task: Any) -> bool:
    """The join goes on with the data of its own round's branches (each branch's last task), oldest first, then
    its own branch's."""
    earlier = my_task.parent
    while earlier is not None and earlier.task_spec is not self:
        earlier = earlier.parent
    since = earlier.last_state_change if earlier is not None else float("-inf")  # the round before went through
    branches = [task for task in my_task.workflow.tasks.values()
                if task.task_spec is self and task is not my_task and task.has_state(TaskState.FINISHED_MASK)
                and task.last_state_change > since and not my_task.is_descendant_of(task)]
    for branch in sorted(branches, key=lambda task: task.last_state_change):
        DeepMerge.merge(my_task.data, branch.parent.data)
        if branch.has_state(TaskState.COMPLETED):  # as SpiffWorkflow does after a reset inside a branch
            branch._drop_children(force=True)
    my_task._inherit_data()
    return True


def apply() -> None:
    timer_events.datetime = EngineClockDatetime
    UnstructuredJoin._run_hook = _merge_own_round
    BusinessRuleTaskMixin._run_hook = _decide
    DMNEngine.decide = _matching_rules
    _patch(DMNEngine, "evaluate", _feel_ranges)
    _patch(ParallelMultiInstanceTask, "create_children", _parallel_create_children)
    _patch(SequentialMultiInstanceTask, "init_remaining_items", _sequential_remaining)
    _patch(SequentialMultiInstanceTask, "get_next_index", _sequential_next_index)
    for iterator in (TaskIterator, BpmnTaskIterator):
        if iterator.__init__.__defaults__[_max_depth_default(iterator.__init__)] != UNBOUNDED_DEPTH:
            _raise_default_depth(iterator.__init__)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))


apply()
