"""Corrections to SpiffWorkflow 3.2.0 applied once at import.

Task iterators stop descending at depth 1,000 by default, so a loop run ~500 times makes
``is_completed()`` true while the end event never ran. The tree depth grows with history, so
the iterators must never truncate it.

A business rule task deep-merges its result into the task data, so a decision taken again in a
loop merges its new lists into the old ones element by element (a COLLECT table's ``["manager",
"legal"]`` over last round's ``["manager", "finance", "finance"]`` gives neither). A decision's
outputs replace the variables they name, as Camunda's do.
"""

from __future__ import annotations

import sys

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.util.task import BpmnTaskIterator
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskIterator

UNBOUNDED_DEPTH = sys.maxsize


def _raise_default_depth(init: object) -> None:
    defaults = list(init.__defaults__)  # type: ignore[attr-defined]
    # (end_at_spec, max_depth, ...): max_depth is the second default in both signatures
    defaults[1] = UNBOUNDED_DEPTH
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


def apply() -> None:
    BusinessRuleTaskMixin._run_hook = _decide
    for iterator in (TaskIterator, BpmnTaskIterator):
        if iterator.__init__.__defaults__[1] != UNBOUNDED_DEPTH:
            _raise_default_depth(iterator.__init__)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))


apply()
