"""The sales funnel's stages, in order, and the default chance (percent) that an opportunity at a stage
is won. ``won`` and ``lost`` close an opportunity; the others are open."""

from __future__ import annotations

STAGES: tuple[str, ...] = ("prospecting", "qualification", "proposal", "negotiation", "won", "lost")
PROBABILITY: dict[str, int] = {
    "prospecting": 10, "qualification": 25, "proposal": 50, "negotiation": 75, "won": 100, "lost": 0,
}
CLOSED_STAGES: tuple[str, ...] = ("won", "lost")
OPEN_STAGES: tuple[str, ...] = tuple(s for s in STAGES if s not in CLOSED_STAGES)
# the path a sale walks; ``lost`` can follow any open stage
PATH: tuple[str, ...] = (*OPEN_STAGES, "won")
