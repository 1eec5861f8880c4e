"""The CRM's processes: one folder per process key with its BPMN, DMN and form files and the
service-task handlers that bind the diagram to ``crm``. ``bundle()`` gives the files to deploy,
``register(registry)`` adds every handler."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from engine.runtime.services import HandlerRegistry

HERE = Path(__file__).parent
KEYS = ("lead_qualification", "complaint_escalation", "contract_approval", "referral_rewards", "customer_ranking",
        "quote_approval")
SUFFIXES = (".bpmn", ".dmn", ".form")


def files(key: str) -> list[tuple[str, bytes]]:
    """The deployable files of one process, by file name."""
    folder = HERE / key
    return [(path.name, path.read_bytes()) for path in sorted(folder.iterdir()) if path.suffix in SUFFIXES]


def bundle() -> list[tuple[str, bytes]]:
    """Every process's files, for one deployment."""
    return [item for key in KEYS for item in files(key)]


def register(registry: HandlerRegistry) -> HandlerRegistry:
    for key in KEYS:
        import_module(f"processes.{key}.handlers").register(registry)
    return registry
