"""Service task of ``customer_ranking``: the nightly recomputation of tiers and lifetime values."""

from __future__ import annotations

from typing import Any

from crm.ranking import rank_all
from engine.runtime.services import HandlerRegistry, ServiceCall
from processes.common import ctx_of

WEIGHTS = ("amount", "count", "on_time", "channel")
SCALES = ("amount_full", "count_full")
THRESHOLDS = ("silver", "gold", "platinum")


def rank(variables: dict[str, Any], call: ServiceCall) -> dict[str, Any]:
    """Rank with the decision table's weights (``weight_*``), scales and thresholds (absent: the defaults)."""
    weights = {name: variables[f"weight_{name}"] for name in WEIGHTS if variables.get(f"weight_{name}") is not None}
    weights.update({name: variables[name] for name in SCALES if variables.get(name) is not None})
    thresholds = {name: variables[name] for name in THRESHOLDS if variables.get(name) is not None}
    report = rank_all(ctx_of(call), weights=weights, thresholds=thresholds)
    return {"ranked": report.ranked, "tier_changes": len(report.changes), "tiers": dict(report.tiers)}


def register(registry: HandlerRegistry) -> None:
    registry.register("customersRank", rank)
