"""Saving and restoring a workflow's state without its definition.

SpiffWorkflow's serializer embeds the whole process spec in every instance (about half of the
bytes, and most of the restore time). Ravand stores the definition once per version, keeps parsed
specs in a cache, and stores per instance only the task tree and data, JSON compressed with zlib.

Format ``ravand-2`` writes the process's own tasks as rows instead of SpiffWorkflow's keyed
objects: ``[id, parent, children, state, spec, last change, triggered, internal data, data]``,
where parent and children are positions in the row list and data is what changed against the
parent's data (SpiffWorkflow's own delta: updated keys, deleted keys; the root holds its data
whole). It holds exactly what SpiffWorkflow's converter holds, in about a third of the time.
Subprocesses and events still go through SpiffWorkflow's converter.

Versions. ``ravand-3`` is ``ravand-2`` stamped with the SpiffWorkflow serializer version its task shapes
follow (``serializer``, ``1.5`` for SpiffWorkflow 3.2) and the SpiffWorkflow release that wrote it
(``library``). ``ravand-2`` and ``ravand-1`` (SpiffWorkflow's task objects) carry no stamp; both were only
ever written by SpiffWorkflow 3.2, so they are read as serializer ``1.5``. A state whose serializer version
is older than the installed SpiffWorkflow's goes through SpiffWorkflow's own migrations first: its tasks are
laid out as SpiffWorkflow's serializer would have written them, with the definition's spec as the installed
SpiffWorkflow parses it (Ravand stores the BPMN, not a serialized spec, so a migration's spec steps see the
spec in its current shape), ``BpmnWorkflowSerializer.migrate`` runs, and the result is read as SpiffWorkflow's
dict. The next save writes the current format and version. A state of a newer serializer than the installed
one is refused.
"""

from __future__ import annotations

import json
import threading
import zlib
from importlib.metadata import version
from typing import Any
from uuid import UUID

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG as BPMN_CONFIG
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SERIALIZER_VERSION
from SpiffWorkflow.bpmn.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition as CamundaMessageEventDefinition
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.deep_merge import DeepMerge

from engine.spiff import compaction
from engine.spiff.parser import Specs

FORMAT = "ravand-3"
ROWS_FORMAT = "ravand-2"  # ravand-3 without its version stamp
OLD_FORMAT = "ravand-1"  # SpiffWorkflow's own task objects
UNSTAMPED_SERIALIZER = "1.5"  # what ravand-1 and ravand-2 followed: they were written by SpiffWorkflow 3.2 only
LIBRARY = version("SpiffWorkflow")
# Ravand parses message events with BPMN's own MessageEventDefinition (see engine.spiff.parser)
CONFIG = {k: v for k, v in DEFAULT_CONFIG.items() if k is not CamundaMessageEventDefinition}
CONFIG[MessageEventDefinition] = BPMN_CONFIG[MessageEventDefinition]
_PRIMITIVES = (str, int, float, bool, type(None))


class _Codec:
    """One per thread: SpiffWorkflow's registry switches modes through instance state."""

    def __init__(self) -> None:
        self.registry = BpmnWorkflowSerializer.configure(CONFIG)
        self.registry._encoder_mode = True
        self.json = create_encoder(self.registry)(separators=(",", ":"), ensure_ascii=False)
        bound = self.registry.convert_from_dict[self.registry.typenames[BpmnWorkflow]].args[0]
        self.converter = bound.__self__

    # -- writing --------------------------------------------------------------------------------
    def dump(self, workflow: BpmnWorkflow) -> bytes:
        tasks = list(workflow.tasks.values())
        position = {task.id: index for index, task in enumerate(tasks)}
        dct = {
            "format": FORMAT,
            "serializer": SERIALIZER_VERSION,
            "library": LIBRARY,
            "data": self.registry.clean(workflow.data),
            "correlations": workflow.correlations,
            "last_task": workflow.last_task.id.hex if workflow.last_task is not None else None,
            "success": workflow.success,
            "completed": workflow.completed,
            "root": position[workflow.task_tree.id],
            "tasks": [self._row(task, position) for task in tasks],
            "subprocesses": self.converter.mapping_to_dict(workflow.subprocesses),
            "bpmn_events": self.registry.convert(workflow.bpmn_events),
        }
        dropped = compaction.dropped_counts(workflow)
        if dropped:
            dct["dropped"] = dropped
        return _compress(self.json.encode(dct).encode())

    def _row(self, task: Task, position: dict[UUID, int]) -> list[Any]:
        parent = task.parent
        if parent is None:
            data: Any = self.registry.clean(task.data) or 0
        else:  # what changed against the parent, as SpiffWorkflow's own delta
            updates = DeepMerge.get_updated_keys(parent.data, task.data)
            deletions = DeepMerge.get_deleted_keys(parent.data, task.data)
            data = [self.registry.clean(updates), deletions] if updates or deletions else 0
        return [task.id.hex, position[parent.id] if parent is not None else -1,
                [position[child] for child in task._children], task.state, task.task_spec.name,
                task.last_state_change, int(task.triggered), self.registry.clean(task.internal_data) or 0, data]

    # -- reading --------------------------------------------------------------------------------
    def load(self, blob: bytes, specs: Specs) -> BpmnWorkflow:
        dct: dict[str, Any] = json.loads(zlib.decompress(blob))
        kind = dct.pop("format", None)
        if kind not in {FORMAT, ROWS_FORMAT, OLD_FORMAT}:
            raise ValueError("unknown workflow state format")
        dropped = dct.pop("dropped", None)
        written_by = dct.pop("serializer", UNSTAMPED_SERIALIZER)
        dct.pop("library", None)
        if _version(written_by) > _version(SERIALIZER_VERSION):
            raise ValueError(f"workflow state written by SpiffWorkflow's serializer {written_by}, newer than the "
                             f"installed {SERIALIZER_VERSION} (SpiffWorkflow {LIBRARY})")
        if written_by != SERIALIZER_VERSION:
            dct, kind = self._migrated(dct, kind, written_by, specs), OLD_FORMAT
        workflow = BpmnWorkflow(specs.spec, dict(specs.subprocess_specs), deserializing=True)
        if kind != OLD_FORMAT:
            self._tasks(dct, workflow)
        else:
            workflow.tasks = self.converter.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
            workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.converter.set_default_attributes(workflow, dct)
        self.converter.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        if dropped:
            compaction.remember_dropped(workflow, dropped)
        return workflow

    def _migrated(self, dct: dict[str, Any], kind: str, written_by: str, specs: Specs) -> dict[str, Any]:
        """The state laid out as SpiffWorkflow's serializer ``written_by`` wrote it, through SpiffWorkflow's
        migrations to the installed serializer's shapes (without the spec again)."""
        if kind != OLD_FORMAT:
            dct = {**dct, "tasks": self._spiff_tasks(dct["tasks"]), "root": str(UUID(dct["tasks"][dct["root"]][0]))}
        serializer = BpmnWorkflowSerializer(self.registry)
        subprocess_specs = {name: self.registry.convert(spec) for name, spec in specs.subprocess_specs.items()}
        full = {**dct, "spec": self.registry.convert(specs.spec), "subprocess_specs": subprocess_specs,
                serializer.VERSION_KEY: written_by}
        serializer.migrate(full)
        full.pop("spec"), full.pop("subprocess_specs")
        return full

    @staticmethod
    def _spiff_tasks(rows: list[list[Any]]) -> dict[str, dict[str, Any]]:
        """Rows (ids, positions, data deltas) as SpiffWorkflow's task converter writes tasks."""
        ids = [str(UUID(row[0])) for row in rows]
        tasks = {}
        for task_id, (_, parent, children, state, spec_name, changed, triggered, internal, data) in zip(ids, rows,
                                                                                                      strict=True):
            updates, deletions = data if parent >= 0 and data else ({}, [])
            tasks[task_id] = {
                "id": task_id, "parent": ids[parent] if parent >= 0 else None, "children": [ids[c] for c in children],
                "last_state_change": changed, "state": state, "task_spec": spec_name, "triggered": bool(triggered),
                "internal_data": internal or {}, "data": (data or {}) if parent < 0 else {},
                "delta": {} if parent < 0 else {"updates": updates, "deletions": deletions}, "typename": "Task",
            }
        return tasks

    def _restore(self, value: Any) -> Any:
        return value if type(value) in _PRIMITIVES else self.registry.restore(value)

    def _tasks(self, dct: dict[str, Any], workflow: BpmnWorkflow) -> None:
        rows = dct["tasks"]
        ids = [UUID(row[0]) for row in rows]
        specs = workflow.spec.task_specs
        events = workflow.event_manager
        tasks: list[Task] = []
        for row in rows:
            _, parent, children, state, spec_name, changed, triggered, internal, data = row
            if parent >= len(tasks):
                raise ValueError("workflow state: a task is stored before its parent")
            task_spec = specs.get(spec_name)
            task = Task(workflow, task_spec, state=state, id=ids[len(tasks)])
            task._parent = ids[parent] if parent >= 0 else None
            task._children = [ids[child] for child in children]
            task.last_state_change = changed
            task.triggered = bool(triggered)
            task.internal_data = self._restore(internal) if internal else {}
            if parent < 0:
                task.data = self._restore(data) if data else {}
            else:  # the parent's data (copied as SpiffWorkflow copies it), then the delta
                merged = DeepMerge.merge({}, tasks[parent].data)
                if data:
                    updates, deletions = data
                    merged.update(self._restore(updates))
                    for key in deletions:
                        merged.pop(key, None)
                task.data = merged
            if isinstance(task_spec, CatchingEvent) and task.has_state(TaskState.WAITING):
                events.add_task(task)
            tasks.append(task)
        workflow.task_tree = tasks[dct["root"]]


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _compress(raw: bytes) -> bytes:
    """zlib at level 1 with a window no larger than the text. zlib's default window and hash table
    take about 256 KB, set up on every call: for a waiting instance's one or two kilobytes that costs
    more than the compression and pushes the command's own data out of the CPU caches. The output is
    as small; ``zlib.decompress`` reads any window size."""
    window = max(9, min(15, (len(raw) - 1).bit_length()))
    compressor = zlib.compressobj(1, zlib.DEFLATED, window, max(4, min(8, window - 5)))
    return compressor.compress(raw) + compressor.flush()


_local = threading.local()


def _codec() -> _Codec:
    codec = getattr(_local, "codec", None)
    if codec is None:
        codec = _local.codec = _Codec()
    return codec


def dump(workflow: BpmnWorkflow) -> bytes:
    return _codec().dump(workflow)


def load(blob: bytes, specs: Specs) -> BpmnWorkflow:
    return _codec().load(blob, specs)
