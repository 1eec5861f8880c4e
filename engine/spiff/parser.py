"""Turning stored BPMN/DMN resources into SpiffWorkflow specs. A fresh parser per build: after a
failed ``get_spec`` SpiffWorkflow may hand back a half-built spec on the next call."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser.event_parsers import (
    BoundaryEventParser,
    EndEventParser,
    IntermediateCatchEventParser,
    IntermediateThrowEventParser,
    StartEventParser,
)
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.defaults import (
    BoundaryEvent,
    EndEvent,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    StartEvent,
)
from SpiffWorkflow.bpmn.specs.mixins.service_task import ServiceTask
from SpiffWorkflow.camunda.parser import CamundaParser

import engine.spiff.fixes  # noqa: F401  (applies the depth fix before any workflow runs)
from engine.definitions.dialect import normalise_for_spiff
from engine.errors import InvalidDefinition, Problem
from engine.expressions import to_python


class RavandParser(CamundaParser):
    """Camunda's dialect, but message events with BPMN's own semantics: a message's variables are
    merged into the catching task's data (as Camunda's correlate does with process variables)."""

    OVERRIDE_PARSER_CLASSES = {  # noqa: RUF012 - the base class declares it this way
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("startEvent"): (StartEventParser, StartEvent),
        full_tag("endEvent"): (EndEventParser, EndEvent),
        full_tag("intermediateCatchEvent"): (IntermediateCatchEventParser, IntermediateCatchEvent),
        full_tag("intermediateThrowEvent"): (IntermediateThrowEventParser, IntermediateThrowEvent),
        full_tag("boundaryEvent"): (BoundaryEventParser, BoundaryEvent),
    }


@dataclass(frozen=True)
class Specs:
    spec: Any
    subprocess_specs: Mapping[str, Any]

    @cached_property
    def has_service_tasks(self) -> bool:
        """Whether a token can stop at a service task (the engine then looks for one after its steps)."""
        return any(isinstance(task, ServiceTask) for spec in (self.spec, *self.subprocess_specs.values())
                   for task in spec.task_specs.values())


def _located(exc: Exception, default_file: str | None) -> Problem:
    if isinstance(exc, ValidationException):
        line = exc.line_number if isinstance(exc.line_number, int) else None
        return Problem(str(exc.args[0]) if exc.args else str(exc), exc.file_name or default_file,
                       exc.id or None, line)
    return Problem(f"{type(exc).__name__}: {exc}", default_file)


def new_parser(bpmn: Mapping[str, etree._Element], dmn: Mapping[str, etree._Element]) -> CamundaParser:
    """A parser holding normalised copies of the given documents (name → parsed root)."""
    parser = RavandParser()
    for name, root in dmn.items():
        parser.add_dmn_xml(copy.deepcopy(root), filename=name)
    for name, root in bpmn.items():
        normalised = copy.deepcopy(root)
        normalise_for_spiff(normalised, to_python)
        parser.add_bpmn_xml(normalised, filename=name)
    return parser


def build_specs(parser: CamundaParser, process_id: str, file_name: str | None = None) -> Specs:
    """The spec of one process and of every subprocess it calls; InvalidDefinition otherwise."""
    try:
        spec = parser.get_spec(process_id)
        subprocesses = parser.get_subprocess_specs(process_id)
        BpmnWorkflow(spec, subprocesses)  # catches "No output task connected" and the like
    except Exception as exc:  # SpiffWorkflow's own errors, and whatever its parser trips on (a RecursionError too)
        raise InvalidDefinition([_located(exc, file_name)]) from exc
    return Specs(spec, subprocesses)
