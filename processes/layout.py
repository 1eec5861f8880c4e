"""Lay out a BPMN diagram that has no drawing (BPMN DI), so that bpmn-js and Camunda Modeler show it.

Left to right in layers (a node's layer is the longest path to it from a start event, loops
ignored); boundary events sit on their task's lower edge; flows are drawn with right angles, a
flow going back drawn under the diagram. Existing DI is replaced.

    python -m processes.layout processes/*/*.bpmn
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
SIZES = {"Event": (36, 36), "Gateway": (50, 50)}
COLUMN, ROW, LEFT, TOP = 170, 140, 120, 80


def _size(tag: str) -> tuple[int, int]:
    name = etree.QName(tag).localname
    return next((size for suffix, size in SIZES.items() if name.endswith(suffix)), (110, 80))


def _layers(nodes: list[str], edges: list[tuple[str, str]], starts: list[str]) -> dict[str, int]:
    """Longest-path layers over the graph without its back edges (found by depth-first search)."""
    outgoing: dict[str, list[str]] = defaultdict(list)
    for source, target in edges:
        outgoing[source].append(target)
    back, seen, stack = set(), set(), set()

    def visit(node: str) -> None:
        seen.add(node)
        stack.add(node)
        for target in outgoing[node]:
            if target in stack:
                back.add((node, target))
            elif target not in seen:
                visit(target)
        stack.discard(node)

    for node in starts + nodes:
        if node not in seen:
            visit(node)
    layer = dict.fromkeys(nodes, 0)
    for _ in nodes:  # relax until stable (graphs here are small)
        changed = False
        for source, target in edges:
            if (source, target) not in back and layer[target] < layer[source] + 1:
                layer[target], changed = layer[source] + 1, True
        if not changed:
            break
    return layer


def _shape(plane: etree._Element, element_id: str, x: float, y: float, w: int, h: int) -> None:
    shape = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNShape", id=f"{element_id}_di", bpmnElement=element_id)
    etree.SubElement(shape, f"{{{DC}}}Bounds", x=str(int(x)), y=str(int(y)), width=str(w), height=str(h))


def _edge(plane: etree._Element, flow_id: str, points: list[tuple[float, float]]) -> None:
    edge = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNEdge", id=f"{flow_id}_di", bpmnElement=flow_id)
    for x, y in points:
        etree.SubElement(edge, f"{{{DI}}}waypoint", x=str(int(x)), y=str(int(y)))


def _route(a: tuple, b: tuple, backwards: bool, bottom: float, from_below: bool) -> list[tuple[float, float]]:
    (ax, ay, aw, ah), (bx, by, bw, bh) = a, b
    if from_below:
        start = (ax + aw / 2, ay + ah)
        return [start, (start[0], by + bh / 2), (bx, by + bh / 2)]
    if backwards:
        return [(ax + aw / 2, ay + ah), (ax + aw / 2, bottom), (bx + bw / 2, bottom), (bx + bw / 2, by + bh)]
    start, end = (ax + aw, ay + ah / 2), (bx, by + bh / 2)
    if abs(start[1] - end[1]) < 1:
        return [start, end]
    middle = (start[0] + end[0]) / 2
    return [start, (middle, start[1]), (middle, end[1]), end]


def _is_node(element: etree._Element) -> bool:
    name = etree.QName(element).localname
    return bool(element.get("id")) and (name.endswith(("Event", "Task", "Gateway"))
                                        or name in {"task", "subProcess", "callActivity", "transaction"})


def _place(process: etree._Element) -> dict[str, tuple[float, float, int, int]]:
    children = [c for c in process if isinstance(c.tag, str)]
    flows = [c for c in children if etree.QName(c).localname == "sequenceFlow"]
    boundaries = {c.get("id"): c.get("attachedToRef") for c in children if etree.QName(c).localname == "boundaryEvent"}
    nodes = [c.get("id") for c in children if _is_node(c) and c.get("id") not in boundaries]
    tags = {c.get("id"): c.tag for c in children}
    # a boundary event's flows leave from its task, for the layering
    edges = [(boundaries.get(f.get("sourceRef"), f.get("sourceRef")), f.get("targetRef")) for f in flows]
    starts = [n for n in nodes if etree.QName(tags[n]).localname == "startEvent"]
    layer = _layers(nodes, edges, starts)
    rows: dict[int, int] = defaultdict(int)
    boxes: dict[str, tuple[float, float, int, int]] = {}
    for node in sorted(nodes, key=lambda n: (layer[n], nodes.index(n))):
        w, h = _size(tags[node])
        row = rows[layer[node]]
        rows[layer[node]] += 1
        cx, cy = LEFT + layer[node] * COLUMN + 55, TOP + row * ROW + 40
        boxes[node] = (cx - w / 2, cy - h / 2, w, h)
    attached: dict[str, int] = defaultdict(int)
    for boundary, host in boundaries.items():
        hx, hy, hw, hh = boxes[host]
        boxes[boundary] = (hx + hw - 28 - 40 * attached[host], hy + hh - 18, 36, 36)
        attached[host] += 1
    return boxes


def _draw(root: etree._Element, container: etree._Element) -> None:
    """One plane for ``container`` (a process or a collapsed subprocess), then one for each subprocess in it."""
    boxes = _place(container)
    diagram = etree.SubElement(root, f"{{{BPMNDI}}}BPMNDiagram", id=f"diagram_{container.get('id')}")
    plane = etree.SubElement(diagram, f"{{{BPMNDI}}}BPMNPlane", id=f"plane_{container.get('id')}",
                             bpmnElement=container.get("id"))
    subprocesses = [c for c in container if isinstance(c.tag, str) and etree.QName(c).localname == "subProcess"]
    for element_id, (x, y, w, h) in boxes.items():
        _shape(plane, element_id, x, y, w, h)
        if any(sub.get("id") == element_id for sub in subprocesses):
            plane[-1].set("isExpanded", "false")
    bottom = max(y + h for _, y, _, h in boxes.values()) + 40
    boundary_ids = {c.get("id") for c in container if isinstance(c.tag, str)
                    and etree.QName(c).localname == "boundaryEvent"}
    for flow in container.findall(f"{{{BPMN}}}sequenceFlow"):
        source, target = boxes[flow.get("sourceRef")], boxes[flow.get("targetRef")]
        backwards = target[0] <= source[0] and flow.get("sourceRef") not in boundary_ids
        _edge(plane, flow.get("id"), _route(source, target, backwards, bottom,
                                            flow.get("sourceRef") in boundary_ids))
    for sub in subprocesses:
        _draw(root, sub)


def lay_out(xml: bytes) -> bytes:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
    root = etree.fromstring(xml, parser)
    for old in root.findall(f"{{{BPMNDI}}}BPMNDiagram"):
        root.remove(old)
    for process in root.findall(f"{{{BPMN}}}process"):
        _draw(root, process)
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def main(paths: list[str]) -> None:
    for path in paths:
        file = Path(path)
        file.write_bytes(lay_out(file.read_bytes()))


if __name__ == "__main__":
    main(sys.argv[1:])
