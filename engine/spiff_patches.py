"""Corrections to SpiffWorkflow 3.2.0 applied once at import.

Task iterators stop descending at depth 1,000 by default, so a loop run ~500 times makes
``is_completed()`` true while the end event never ran. The tree depth grows with history, so
the iterators must never truncate it.
"""

from __future__ import annotations

import sys

from SpiffWorkflow.bpmn.util.task import BpmnTaskIterator
from SpiffWorkflow.util.task import TaskIterator

UNBOUNDED_DEPTH = sys.maxsize


def _raise_default_depth(init: object) -> None:
    defaults = list(init.__defaults__)  # type: ignore[attr-defined]
    # (end_at_spec, max_depth, ...): max_depth is the second default in both signatures
    defaults[1] = UNBOUNDED_DEPTH
    init.__defaults__ = tuple(defaults)  # type: ignore[attr-defined]


def apply() -> None:
    for iterator in (TaskIterator, BpmnTaskIterator):
        if iterator.__init__.__defaults__[1] != UNBOUNDED_DEPTH:
            _raise_default_depth(iterator.__init__)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))


apply()
