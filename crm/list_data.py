"""The managed lists Ravand ships (``crm/data/lists/*.json``): products, Iran's provinces and their main cities,
lead sources, complaint categories and kinds, disqualification and loss reasons, contract levels.

Each file names its list and holds groups of ``[key, Persian label, English label]`` entries that share a
parent key (a city's province) or none. Read by the migration that creates the lists, so that a new database
starts with them."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "lists"


def shipped() -> dict[str, list[dict[str, Any]]]:
    """Every shipped list by name: its entries in order, as ``{key, label_fa, label_en, parent_key}``."""
    lists: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(DATA.glob("*.json")):
        content = json.loads(path.read_text(encoding="utf-8"))
        entries = lists.setdefault(content["list"], [])
        for group in content["groups"]:
            for key, label_fa, label_en in group["entries"]:
                entries.append({"key": key, "label_fa": label_fa, "label_en": label_en,
                                "parent_key": group["parent"]})
    return lists


def shipped_rows(now: datetime, by: str | None = None) -> list[dict[str, Any]]:
    """The rows of table ``list_entry`` for every shipped entry (active, numbered 1, 2, ... in each list)."""
    return [{"list_name": name, **entry, "position": position, "active": True,
             "created_at": now, "created_by": by, "updated_at": now, "updated_by": by}
            for name, entries in shipped().items() for position, entry in enumerate(entries, start=1)]
