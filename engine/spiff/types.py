"""The SpiffWorkflow classes and states the rest of the engine names: the workflow and task types it is handed,
the task states it compares, the event and spec classes it tests a task against, and the exceptions it
catches. Importing them from here keeps SpiffWorkflow's module layout (which moved between its releases) in
this one room."""

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.control import StartEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions import (
    CycleTimerEventDefinition,
    MessageEventDefinition,
    MultipleEventDefinition,
    SignalEventDefinition,
    TimeDateEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.service_task import ServiceTask
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task

__all__ = [
    "BpmnEvent", "BpmnWorkflow", "CycleTimerEventDefinition", "MessageEventDefinition", "MultipleEventDefinition",
    "ServiceTask", "SignalEventDefinition", "SpiffWorkflowException", "StartEventSplit", "Task", "TaskState",
    "TimeDateEventDefinition", "TimerEventDefinition", "WorkflowTaskException",
]
