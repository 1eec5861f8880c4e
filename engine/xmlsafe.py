"""XML parsing that never resolves entities, never loads a DTD and never touches the network."""

from __future__ import annotations

import re

from lxml import etree

from engine.errors import Problem

_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


def parse_xml(content: bytes, file_name: str) -> tuple[etree._Element | None, Problem | None]:
    """Parse ``content``; refuse DTDs and entity declarations before the parser sees them
    (XXE and entity-expansion bombs are refused in microseconds, nothing fetched)."""
    if _DTD.search(content):
        line = content[: _DTD.search(content).start()].count(b"\n") + 1
        return None, Problem("DTDs and entity declarations are not allowed in uploaded XML", file_name, None, line)
    try:
        root = etree.fromstring(content, _parser())
    except etree.XMLSyntaxError as exc:
        return None, Problem(f"malformed XML: {exc.msg}", file_name, None, exc.lineno)
    except ValueError as exc:  # e.g. a str with an encoding declaration
        return None, Problem(f"malformed XML: {exc}", file_name)
    return root, None
