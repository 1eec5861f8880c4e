"""Saving and restoring a workflow's state without its definition.

SpiffWorkflow's serializer embeds the whole process spec in every instance (about half of the
bytes, and most of the restore time). Ravand stores the definition once per version, keeps parsed
specs in a cache, and stores per instance only the task tree and data, JSON compressed with zlib.
"""

from __future__ import annotations

import json
import threading
import zlib
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG as BPMN_CONFIG
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.bpmn.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition as CamundaMessageEventDefinition

from engine.parsing import Specs

FORMAT = "ravand-1"
# Ravand parses message events with BPMN's own MessageEventDefinition (see engine.parsing)
CONFIG = {k: v for k, v in DEFAULT_CONFIG.items() if k is not CamundaMessageEventDefinition}
CONFIG[MessageEventDefinition] = BPMN_CONFIG[MessageEventDefinition]


class _Codec:
    """One per thread: SpiffWorkflow's registry switches modes through instance state."""

    def __init__(self) -> None:
        self.registry = BpmnWorkflowSerializer.configure(CONFIG)
        self.registry._encoder_mode = True
        self.encoder = create_encoder(self.registry)
        bound = self.registry.convert_from_dict[self.registry.typenames[BpmnWorkflow]].args[0]
        self.converter = bound.__self__

    def dump(self, workflow: BpmnWorkflow) -> bytes:
        dct = self.converter.to_dict(workflow)
        dct.pop("spec", None)
        dct.pop("subprocess_specs", None)
        dct["format"] = FORMAT
        raw = json.dumps(dct, cls=self.encoder, separators=(",", ":"), ensure_ascii=False)
        return zlib.compress(raw.encode(), 1)

    def load(self, blob: bytes, specs: Specs) -> BpmnWorkflow:
        dct: dict[str, Any] = json.loads(zlib.decompress(blob))
        if dct.pop("format", None) != FORMAT:
            raise ValueError("unknown workflow state format")
        converter = self.converter
        workflow = BpmnWorkflow(specs.spec, dict(specs.subprocess_specs), deserializing=True)
        workflow.tasks = converter.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        converter.set_default_attributes(workflow, dct)
        converter.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


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
