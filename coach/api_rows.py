"""A serializer's output drawn from plain rows, for lists.

DRF builds a serializer's fields again on every request (model introspection, choices, deep
copies) and reads every value of every row through its generic attribute machinery: for a page
of 50 rows that is most of a list's time. `RowOutput` reads the serializer's fields once per
process and writes a row (a dict from `values()`, keyed by each field's source with `__` for
`.`) with the same fields' own rules, so the JSON is what the serializer itself gives; values a
field would pass through unchanged are copied as they are. A method field's value is the
row's own, under the field's name, as the method would give it; `instance_row` makes a row of a
model instance. `RowsSerializerMixin` lets a
serializer take such rows beside model instances, so its OpenAPI schema and its input stay
what they are.
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import cache
from typing import Any, cast

from django.conf import settings
from django.db.models import Model
from django.utils import timezone
from rest_framework import fields, relations, serializers
from rest_framework.settings import api_settings

Writer = Callable[[Any], Any]

# Field types whose representation of a value read from the database is that value itself (a
# text, a number, a choice's stored value, a decoded JSON document, a related row's id).
AS_THEY_ARE = (
    fields.CharField,
    fields.IntegerField,
    fields.ChoiceField,
    fields.JSONField,
    fields.ReadOnlyField,
    relations.PrimaryKeyRelatedField,
)


def _timestamp(field: fields.DateTimeField) -> Writer:
    """DateTimeField's ISO output in the current time zone, without its per-value checks for a
    value read from the database (aware)."""

    def write(value: datetime) -> Any:
        if isinstance(value, str) or timezone.is_naive(value):
            return field.to_representation(value)
        text = value.astimezone(timezone.get_current_timezone()).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return write


def _iso(value: Any) -> Any:
    return value.isoformat()


def _is_iso(field: fields.Field, setting: str) -> bool:
    output = getattr(field, "format", getattr(api_settings, setting))
    return isinstance(output, str) and output.lower() == "iso-8601"


class RowOutput:
    """How to write one serializer's rows: per readable field, the row key it reads and how
    its value is written (None: as it is)."""

    def __init__(self, serializer: serializers.Serializer) -> None:
        self.plan: list[tuple[str, str, Writer | None]] = [
            (name, _key(name, field), self._writer(field))
            for name, field in serializer.fields.items()
            if not field.write_only
        ]
        # The row keys it reads.
        self.keys = [key for _, key, _ in self.plan]

    def _writer(self, field: fields.Field) -> Writer | None:
        if isinstance(field, fields.SerializerMethodField):
            return None
        if isinstance(field, serializers.ListSerializer):
            return RowOutput(cast(serializers.Serializer, field.child)).many
        if isinstance(field, serializers.Serializer):
            return RowOutput(field).one
        if isinstance(field, fields.ListField):
            child = self._writer(field.child)
            if child is None:
                return list
            return lambda items: [None if item is None else child(item) for item in items]
        if isinstance(field, fields.JSONField) and field.binary:
            return field.to_representation
        if isinstance(field, AS_THEY_ARE):
            return None
        if isinstance(field, fields.BooleanField):
            return bool
        if (
            isinstance(field, fields.DateTimeField)
            and _is_iso(field, "DATETIME_FORMAT")
            and settings.USE_TZ
            and not hasattr(field, "timezone")
        ):
            return _timestamp(field)
        if isinstance(field, fields.DateField) and _is_iso(field, "DATE_FORMAT"):
            return _iso
        if isinstance(field, fields.TimeField) and _is_iso(field, "TIME_FORMAT"):
            return _iso
        return field.to_representation

    def one(self, row: Mapping[str, Any]) -> dict[str, Any]:
        out = {}
        for name, key, write in self.plan:
            value = row[key]
            out[name] = value if write is None or value is None else write(value)
        return out

    def many(self, rows: Any) -> list[dict[str, Any]]:
        return [self.one(row) for row in rows]


def _key(name: str, field: fields.Field) -> str:
    if isinstance(field, fields.SerializerMethodField):
        return name
    return str(field.source).replace(".", "__")


def instance_row(instance: Model, keys: Iterable[str], **given: Any) -> dict[str, Any]:
    """The row `values(*keys)` would read of `instance` (a related row's id for a foreign
    key), with the values `given` (a method field's, a nested list's rows) as they are."""
    meta = instance._meta
    row = {}
    for key in keys:
        if key in given:
            row[key] = given[key]
            continue
        field = meta.get_field(key)
        row[key] = getattr(instance, getattr(field, "attname", key) if field.concrete else key)
    return row


def row_output(serializer_class: type[serializers.BaseSerializer]) -> RowOutput:
    """The output of `serializer_class`, built once per process."""
    return _row_output(cast(type[serializers.Serializer], serializer_class))


@cache
def _row_output(serializer_class: type[serializers.Serializer]) -> RowOutput:
    return RowOutput(serializer_class())


# A serializer that also writes plain rows (dicts) as `row_output` does; model instances go
# through DRF as before. (A comment, not a docstring: the OpenAPI schema would show it as the
# description of every serializer that takes the mixin.)
class RowsSerializerMixin(serializers.Serializer):
    def to_representation(self, instance: Any) -> Any:
        if isinstance(instance, Mapping):
            return row_output(type(self)).one(instance)
        return super().to_representation(instance)
