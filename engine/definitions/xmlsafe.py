"""XML parsing that never resolves entities, never loads a DTD and never touches the network."""

from __future__ import annotations

import re

from lxml import etree

from engine.errors import Problem

_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DECLARED = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_UTF8_NAMES = {"utf-8", "utf8", "us-ascii", "ascii"}
_WIDE = {  # byte-order marks and the first bytes of "<?" in the encodings that are not UTF-8
    b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\x00<": "UTF-32",
    b"<\x00\x00\x00": "UTF-32", b"\xfe\xff": "UTF-16", b"\xff\xfe": "UTF-16", b"\x00<": "UTF-16",
    b"<\x00": "UTF-16",
}
NOT_UTF8 = "uploaded XML must be encoded as UTF-8 (this file is {}); save it as UTF-8 and upload it again"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


def _encoding_problem(content: bytes, file_name: str) -> Problem | None:
    """Uploaded XML is UTF-8 (or ASCII) only: the byte checks below and the stored text rely on it.
    UTF-16 and UTF-32 would hide a DOCTYPE from the byte check."""
    for mark, name in _WIDE.items():
        if content.startswith(mark):
            return Problem(NOT_UTF8.format(name), file_name, None, 1)
    declared = _DECLARED.match(content.removeprefix(b"\xef\xbb\xbf"))
    if declared and declared.group(1).decode().lower() not in _UTF8_NAMES:
        return Problem(NOT_UTF8.format(f"declared {declared.group(1).decode()}"), file_name, None, 1)
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        return Problem(NOT_UTF8.format(f"not valid UTF-8 at byte {exc.start}"), file_name, None, line)
    return None


def parse_xml(content: bytes, file_name: str) -> tuple[etree._Element | None, Problem | None]:
    """Parse ``content``; refuse anything not UTF-8, and DTDs and entity declarations, before the
    parser sees them (XXE and entity-expansion bombs are refused in microseconds, nothing fetched)."""
    problem = _encoding_problem(content, file_name)
    if problem is not None:
        return None, problem
    found = _DTD.search(content)
    if found:
        line = content[: found.start()].count(b"\n") + 1
        return None, Problem("DTDs and entity declarations are not allowed in uploaded XML", file_name, None, line)
    try:
        root = etree.fromstring(content, _parser())
    except etree.XMLSyntaxError as exc:
        return None, Problem(f"malformed XML: {exc.msg}", file_name, None, exc.lineno)
    except ValueError as exc:  # e.g. a str with an encoding declaration
        return None, Problem(f"malformed XML: {exc}", file_name)
    return root, None
