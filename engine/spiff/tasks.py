"""The SpiffWorkflow adapter: the few steps Ravand takes on a task that SpiffWorkflow 3.2 has no public call
for. Every use of its private names outside the state format (``engine.spiff.codec``) and the patches
(``engine.spiff.fixes``) goes through here, so an upgrade of SpiffWorkflow is checked in one place."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow import TaskState


def mark_failed(task: Any) -> None:
    """The task failed: it waits in ERROR for a retry (its incident's), and no event reaches it meanwhile."""
    if not task.has_state(TaskState.ERROR):
        task._set_state(TaskState.ERROR)
    task.workflow.top_workflow.event_manager.remove_task(task)


def hold_for_retry(task: Any) -> None:
    """A failed service task waits in ERROR until its retry timer falls due (it keeps its event registrations)."""
    task._set_state(TaskState.ERROR)


def make_ready(task: Any) -> None:
    """A failed task runs again at the next engine step."""
    task._set_state(TaskState.READY)


def refresh_event(task: Any) -> None:
    """Let a waiting event task see whether it has fired (a timer that fell due), as ``refresh_timers`` does
    for every waiting task at once."""
    task.task_spec._update(task)


def fire_waiting_timer(task: Any) -> None:
    """The waiting timer event fires now (the start event of an instance a start timer created)."""
    task._set_internal_data(event_fired=True)
    task.task_spec._update(task)


def event_value(task: Any) -> Any:
    """What SpiffWorkflow keeps of a waiting timer: its due time, or a cycle's state as a dict."""
    return task._get_internal_data("event_value")


def set_event_value(task: Any, value: Any) -> None:
    task._set_internal_data(event_value=value)
