"""The tree of a parsed form -> marshmallow schemas, and validation of submitted data.

One ``Schema`` class per JSON object of the form (the root, each group path, each dynamic list's
items), built once per form.  Every schema refuses unknown keys ("Unknown field."), drops the
values of readonly/disabled fields, and fills in an absent object when something inside it is
required or has a default (so a missing group reports its required fields instead of passing).
Before loading, ``forms.conditions.mark_hidden`` marks the values hidden by ``conditional.hide``;
their fields leave them out, and an object left empty by hiding is left out too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from marshmallow import RAISE, Schema, ValidationError, fields, missing, pre_load

from forms.choices import ChoiceField, ItemListField, MultiChoiceField
from forms.conditions import mark_hidden
from forms.errors import FormDataInvalid, FormError
from forms.fieldtypes import AnyJsonField, BooleanField, NumberField, SpecField, TemporalField, TextField
from forms.model import (
    ANY_JSON,
    BOOLEAN,
    CHOICE,
    DATE,
    DATETIME,
    MULTI_CHOICE,
    NO_DEFAULT,
    NUMBER,
    TEXT,
    TIME,
    FieldSpec,
    ListNode,
    ObjectNode,
    PrunedObject,
    needs_object,
)

FIELD_CLASSES: dict[str, type[SpecField]] = {
    TEXT: TextField,
    NUMBER: NumberField,
    BOOLEAN: BooleanField,
    CHOICE: ChoiceField,
    MULTI_CHOICE: MultiChoiceField,
    DATE: TemporalField,
    TIME: TemporalField,
    DATETIME: TemporalField,
    ANY_JSON: AnyJsonField,
}
WHOLE = "_schema"  # the error key for the submission as a whole
_NESTED_MESSAGES = {"type": "Not a valid object.", "null": "Not a valid object."}


class FormSchema(Schema):
    """Base of the generated schemas; the class attributes are set per generated class."""

    ignored_keys: ClassVar[frozenset[str]] = frozenset()
    autofill_keys: ClassVar[frozenset[str]] = frozenset()

    error_messages: ClassVar[dict[str, str]] = {"unknown": "Unknown field.", "type": "Not a valid object."}

    class Meta:
        unknown = RAISE
        register = False  # generated classes stay out of marshmallow's global class registry

    @pre_load
    def _prepare(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, Mapping):
            return data  # marshmallow reports "Invalid input type."
        prepared = {key: value for key, value in data.items() if key not in self.ignored_keys}
        for key in self.autofill_keys:
            if prepared.get(key) is None:
                prepared[key] = {}
        return prepared


class ObjectField(fields.Nested):
    """A nested object; one whose every value was hidden by conditions is left out."""

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        result = super().deserialize(value, attr, data, **kwargs)
        if isinstance(value, PrunedObject) and result == {}:
            return missing
        return result


class CompiledForm:
    """The marshmallow schema of one form, built once; ``validate`` may be called concurrently.

    ``unevaluated_conditions`` names the components whose ``conditional.hide`` could not be
    understood (they are treated as maybe hidden: optional).
    """

    def __init__(self, root: ObjectNode, unevaluated_conditions: tuple[str, ...] = ()) -> None:
        self._root = root
        self._schema = schema_class(root, "Form")()
        self._conditional = has_conditions(root)
        self.unevaluated_conditions = unevaluated_conditions

    def validate(self, data: Any, context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        if not isinstance(data, Mapping):
            raise FormDataInvalid({WHOLE: ["Expected an object of field values."]})
        if context is not None and not isinstance(context, Mapping):
            raise TypeError(f"context must be a mapping of variables, not {type(context).__name__}")
        if self._conditional:
            data = mark_hidden(self._root, data, context)
        try:
            return self._schema.load(data)
        except ValidationError as exc:
            raise FormDataInvalid(flatten_errors(exc.messages)) from None


def has_conditions(node: ObjectNode) -> bool:
    """True if a field or list of the tree has a hide condition to evaluate."""
    for child in node.children.values():
        if isinstance(child, FieldSpec):
            found = bool(child.hide)
        elif isinstance(child, ListNode):
            found = bool(child.hide) or has_conditions(child.item)
        else:
            found = has_conditions(child)
        if found:
            return True
    return False


def schema_class(node: ObjectNode, name: str) -> type[FormSchema]:
    declared: dict[str, Any] = {}
    ignored: set[str] = set()
    autofill: set[str] = set()
    for key, child in node.children.items():
        if isinstance(child, FieldSpec) and child.ignored:
            ignored.add(key)
        elif isinstance(child, FieldSpec):
            declared[key] = leaf_field(child)
        elif isinstance(child, ListNode):
            declared[key] = ItemListField(_nested(child.item, f"{name}_{len(declared)}", allow_none=False))
        else:
            declared[key] = _nested(child, f"{name}_{len(declared)}")
            if needs_object(child):
                autofill.add(key)
    attrs = {**declared, "ignored_keys": frozenset(ignored), "autofill_keys": frozenset(autofill)}
    return type(name, (FormSchema,), attrs)


def _nested(node: ObjectNode, name: str, allow_none: bool = True) -> fields.Nested:
    return ObjectField(schema_class(node, name), allow_none=allow_none, error_messages=_NESTED_MESSAGES)


def leaf_field(spec: FieldSpec) -> SpecField:
    field = FIELD_CLASSES[spec.kind](spec)
    if spec.default is not NO_DEFAULT:
        try:
            field.deserialize(spec.default)
        except ValidationError as exc:
            problems = " ".join(flatten_errors({spec.full_path: exc.messages}).get(spec.full_path, []))
            where = f"{spec.component_type} key={spec.full_path!r}"
            raise FormError(f"{where}: bad defaultValue: {problems}") from None
    return field


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested error structure -> {dotted path: [messages]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            path = _child_path(prefix, key)
            for sub_path, sub_messages in flatten_errors(value, path).items():
                flat.setdefault(sub_path, []).extend(sub_messages)
    elif isinstance(messages, list | tuple):
        for item in messages:
            for sub_path, sub_messages in flatten_errors(item, prefix).items():
                flat.setdefault(sub_path, []).extend(sub_messages)
    else:
        flat.setdefault(prefix or WHOLE, []).append(str(messages))
    return flat


def _child_path(prefix: str, key: Any) -> str:
    if key == WHOLE:
        return prefix or WHOLE  # a nested object's own error belongs to the object's path
    return f"{prefix}.{key}" if prefix else str(key)
