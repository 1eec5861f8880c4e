"""Loading a form-js form: JSON text/bytes/dict -> checked document -> tree of data nodes.

Component types:
- keyed fields (see ``forms.components.KINDS``) become ``FieldSpec`` leaves at their ``key``
  (a dotted key such as ``customer.name`` nests, as in form-js);
- ``group`` nests its children under its ``path`` (or leaves them where they are without one);
- ``dynamiclist`` makes a list of objects at its (required) ``path``;
- display-only components are ignored; ``filepicker`` is refused (uploads are not supported);
- an unknown type is refused if it has a ``key``, ``path`` or ``components`` (it would carry
  data we cannot check) and ignored otherwise.

``conditional.hide`` (see ``forms.conditions``) of a field, group or dynamic list is parsed here;
a group's or list's conditions pass down to the fields inside it (a dynamic list's children are
evaluated per item, the list's own conditions once, outside).  An expression that cannot be
evaluated does not refuse the form: it is listed in ``ParsedForm.unevaluated_conditions``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from forms.components import KINDS, build_field
from forms.conditions import read_hide
from forms.errors import FormError
from forms.feel import Expression
from forms.model import FieldSpec, ListNode, ObjectNode

DISPLAY_TYPES = frozenset(
    {"text", "html", "image", "spacer", "separator", "button", "table", "iframe", "documentPreview"}
)
REFUSED_TYPES = {"filepicker": "file uploads are not supported"}
MAX_DEPTH = 32


@dataclass(frozen=True)
class ParsedForm:
    form_id: str
    document: dict[str, Any]
    root: ObjectNode
    fields: tuple[str, ...]
    unevaluated_conditions: tuple[str, ...] = ()


def parse_form(raw: bytes | str | dict, filename: str | None = None) -> ParsedForm:
    """Read and check a form-js form; raises ``FormError`` saying why it cannot be used."""
    label = f"{filename}: " if filename else ""
    try:
        document = _read_document(raw)
        form_id = _form_id(document, filename)
        document["id"] = form_id  # so that the stored schema reloads on its own, without the file name
        builder = _TreeBuilder()
        builder.walk(document["components"], _Scope(builder.root, "components", False, 0))
    except FormError as exc:
        raise FormError(f"{label}{exc}") from None
    except RecursionError:
        raise FormError(f"{label}the form is nested too deeply") from None
    fields = tuple(_leaf_paths(builder.root))
    return ParsedForm(form_id, document, builder.root, fields, tuple(builder.unevaluated))


def _read_document(raw: Any) -> dict[str, Any]:
    if isinstance(raw, bytes | bytearray):
        try:
            raw = bytes(raw).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FormError(f"not UTF-8 text: {exc}") from None
    if isinstance(raw, dict):
        try:
            raw = json.dumps(raw, allow_nan=False)  # a private copy, and proof it is plain JSON
        except (TypeError, ValueError) as exc:
            raise FormError(f"not a JSON document: {exc}") from None
    if not isinstance(raw, str):
        raise FormError(f"expected JSON text, bytes or a dict, not {type(raw).__name__}")
    try:
        document = json.loads(raw, parse_constant=_refuse_constant)
    except ValueError as exc:
        raise FormError(f"not valid JSON: {exc}") from None
    return _check_document(document)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def _check_document(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict) or not isinstance(document.get("components"), list):
        raise FormError("not a form-js form: no 'components' list")
    form_type = document.get("type", "default")
    if form_type != "default":
        raise FormError(f"not a form-js form: type is {form_type!r}, expected 'default'")
    return document


def _form_id(document: dict[str, Any], filename: str | None) -> str:
    """The form's ``id``; a form without one (older Camunda 7 forms) is named after its file."""
    form_id = document.get("id")
    if form_id is None and filename:
        form_id = PurePath(filename).stem
    if not isinstance(form_id, str) or not form_id.strip():
        raise FormError("the form has no 'id' (and no file name to name it after)")
    return form_id


@dataclass(frozen=True)
class _Scope:
    node: ObjectNode  # where keys land
    where: str  # location of the components list, for messages
    optional: bool  # inside a container that may be hidden by a condition we cannot evaluate
    depth: int
    hide: tuple[Expression, ...] = ()  # the containers' conditions, up to the nearest dynamic list

    def inner(self, node: ObjectNode, where: str, optional: bool, hide: tuple[Expression, ...]) -> _Scope:
        return _Scope(node, where, optional, self.depth + 1, hide)


@dataclass
class _TreeBuilder:
    root: ObjectNode = field(default_factory=ObjectNode)
    seen_ids: set[str] = field(default_factory=set)
    unevaluated: list[str] = field(default_factory=list)

    def walk(self, components: Any, scope: _Scope) -> None:
        if not isinstance(components, list):
            raise FormError(f"{scope.where}: 'components' must be a list")
        if scope.depth > MAX_DEPTH:
            raise FormError(f"{scope.where}: containers are nested more than {MAX_DEPTH} deep")
        for index, comp in enumerate(components):
            self._component(comp, f"{scope.where}[{index}]", scope)

    def _component(self, comp: Any, loc: str, scope: _Scope) -> None:
        if not isinstance(comp, dict):
            raise FormError(f"{loc}: a component must be an object")
        ctype = comp.get("type")
        if not isinstance(ctype, str):
            raise FormError(f"{loc}: a component needs a 'type'")
        where = _describe(comp, loc)
        self._check_id(comp, where)
        if ctype in DISPLAY_TYPES:
            return
        if ctype in REFUSED_TYPES:
            raise FormError(f"{where}: component type {ctype!r} is not supported: {REFUSED_TYPES[ctype]}")
        if ctype == "group":
            self._group(comp, loc, where, scope)
        elif ctype == "dynamiclist":
            self._dynamic_list(comp, loc, where, scope)
        elif ctype in KINDS:
            self._field(comp, where, scope)
        elif any(name in comp for name in ("key", "path", "components")):
            raise FormError(f"{where}: unknown component type {ctype!r}")

    def _check_id(self, comp: dict[str, Any], where: str) -> None:
        comp_id = comp.get("id")
        if comp_id is None:
            return
        if not isinstance(comp_id, str):
            raise FormError(f"{where}: 'id' must be a string")
        if comp_id in self.seen_ids:
            raise FormError(f"{where}: duplicate component id {comp_id!r}")
        self.seen_ids.add(comp_id)

    def _conditions(self, comp: dict[str, Any], where: str, scope: _Scope) -> tuple[bool, tuple[Expression, ...]]:
        """(maybe hidden by a condition we cannot evaluate, the conditions we can) of a component."""
        own = read_hide(comp)
        if own is None:
            return scope.optional, scope.hide
        if own.expression is None:
            self.unevaluated.append(f"{where}: {own.problem}")
            return True, scope.hide
        return scope.optional, (*scope.hide, own.expression)

    def _group(self, comp: dict[str, Any], loc: str, where: str, scope: _Scope) -> None:
        path = comp.get("path")
        node = scope.node
        if path not in (None, ""):
            node = _descend(node, _segments(path, "path", where), where)
        optional, hide = self._conditions(comp, where, scope)
        self.walk(comp.get("components", []), scope.inner(node, f"{loc}.components", optional, hide))

    def _dynamic_list(self, comp: dict[str, Any], loc: str, where: str, scope: _Scope) -> None:
        segments = _segments(comp.get("path"), "path", where)
        parent = _descend(scope.node, segments[:-1], where)
        full_path = _join(parent.full_path, segments[-1])
        _claim(parent, segments[-1], full_path, where)
        item = ObjectNode(full_path=full_path)
        optional, hide = self._conditions(comp, where, scope)
        parent.children[segments[-1]] = ListNode(full_path=full_path, item=item, hide=hide)
        self.walk(comp.get("components", []), scope.inner(item, f"{loc}.components", optional, ()))

    def _field(self, comp: dict[str, Any], where: str, scope: _Scope) -> None:
        segments = _segments(comp.get("key"), "key", where)
        parent = _descend(scope.node, segments[:-1], where)
        full_path = _join(parent.full_path, segments[-1])
        _claim(parent, segments[-1], full_path, where)
        optional, hide = self._conditions(comp, where, scope)
        spec = build_field(comp, segments[-1], full_path, optional, where, hide)
        parent.children[segments[-1]] = spec


def _describe(comp: dict[str, Any], loc: str) -> str:
    for attr in ("key", "path", "id"):
        if isinstance(comp.get(attr), str) and comp[attr]:
            return f"{comp['type']} {attr}={comp[attr][:100]!r} at {loc}"
    return f"{comp['type']} at {loc}"


def _segments(value: Any, attr: str, where: str) -> list[str]:
    if not isinstance(value, str) or not value:
        raise FormError(f"{where}: needs a {attr!r}")
    segments = value.split(".")
    if any(not seg or seg != seg.strip() for seg in segments):
        raise FormError(f"{where}: {attr} {value[:100]!r} is not a valid dotted name")
    return segments


def _descend(node: ObjectNode, segments: list[str], where: str) -> ObjectNode:
    for seg in segments:
        child = node.children.get(seg)
        if child is None:
            child = node.children[seg] = ObjectNode(full_path=_join(node.full_path, seg))
        elif not isinstance(child, ObjectNode):
            raise FormError(f"{where}: {_join(node.full_path, seg)!r} is already used by another component")
        node = child
    return node


def _claim(parent: ObjectNode, name: str, full_path: str, where: str) -> None:
    if name in parent.children:
        raise FormError(f"{where}: duplicate key/path {full_path!r}")


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _leaf_paths(node: ObjectNode) -> list[str]:
    paths: list[str] = []
    for child in node.children.values():
        if isinstance(child, FieldSpec):
            paths.append(child.full_path)
        elif isinstance(child, ListNode):
            paths.extend(_leaf_paths(child.item))
        else:
            paths.extend(_leaf_paths(child))
    return paths
