"""What the OpenAPI schema says about every operation, in one place.

`CoachAutoSchema` (the API's schema class) adds to each operation what the API does everywhere
rather than per view: the error answers (`Error`, with the status codes an operation can give),
the conditional-request headers (`If-None-Match` on reads of one resource, `If-Match` on writes
to one), the rate limit (429 with `Retry-After`) when the view is throttled, and a summary made
from the action and the resource's name. `add_examples` (a post-processing hook) gives every
request and success body that has no example of its own one drawn from its schema, so that each
operation shows what it takes and answers. The `*_example` builders make the examples the views
declare with `@extend_schema`.
"""

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from django.db.backends.base.operations import BaseDatabaseOperations
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
)
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated

# --- the error shape --------------------------------------------------------------------------

TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


# The messages of one input: a list of messages, or for a list or nested object the messages of
# its parts by index or name (`{"0": {"name": ["This field is required."]}}`).
class ErrorSerializer(serializers.Serializer):
    """Every error of the API: a machine-readable `code`, a `message` for people, and `fields`,
    each bad input's messages by its name; empty unless the input was not valid. An input inside
    a list or an object is named by its path, parts joined by dots (`sets.1.load`,
    `stages.2.name`, `items.0.step`); messages about the whole input are `non_field_errors`."""

    code = serializers.CharField(
        help_text="What went wrong, for programs: `invalid`, `required`, `not_found`, "
        "`not_authenticated`, `invalid_token`, `permission_denied`, `read_only_token`, "
        "`precondition_failed`, `throttled`, `idempotency_key_reused`, …"
    )
    message = serializers.CharField(help_text="What went wrong, in words.")

    def get_fields(self) -> dict[str, serializers.Field]:
        # A field named "fields" would hide the serializer's own `fields`: added here instead.
        return {
            **super().get_fields(),
            "fields": serializers.DictField(
                child=serializers.ListField(child=serializers.CharField()),
                help_text="Messages by input name or dotted path (`stages.2.name`); empty "
                "for other errors.",
            ),
        }

    class Meta:
        ref_name = "Error"


def error_example(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"code": code, "message": message, "fields": fields or {}}


ERRORS: dict[str, tuple[str, dict[str, Any]]] = {
    "400": (
        "The input is not valid: `fields` names each bad input with its messages.",
        error_example(
            "invalid", "The input is not valid.", {"name": ["This field may not be blank."]}
        ),
    ),
    "401": (
        "No credentials, or a token that is unknown, expired or revoked (see the "
        "`WWW-Authenticate` header).",
        error_example(
            "invalid_token", "The token is not valid: it is unknown, expired or revoked."
        ),
    ),
    "403": (
        "Not allowed: a read-only token on a write, a client on what only their coach may "
        "do, or a session request without its CSRF token.",
        error_example(
            "read_only_token",
            "This token can only read. Create a read and write token to make changes.",
        ),
    ),
    "404": (
        "No such resource within your reach: one of another practice is not found either.",
        error_example("not_found", "Not found."),
    ),
    "409": (
        "The same `Idempotency-Key` was sent before with another body.",
        error_example(
            "idempotency_key_reused", "This Idempotency-Key was used with another request."
        ),
    ),
    "412": (
        "The resource changed since the `ETag` sent in `If-Match`: read it again, then retry.",
        error_example(
            "precondition_failed", "The resource changed since you read it. Read it again."
        ),
    ),
    "415": (
        "The body is not in a media type the operation reads (send `application/json`).",
        error_example("unsupported_media_type", 'Unsupported media type "text/plain".'),
    ),
    "429": (
        "Too many requests for this token (or user, or address): wait `Retry-After` seconds.",
        error_example("throttled", "Request was throttled. Expected available in 30 seconds."),
    ),
}

IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The `ETag` of the copy you hold: while it still matches, the answer is a 304 "
    "without a body.",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The `ETag` of the version you changed: when the resource has changed since, "
    "nothing is saved and the answer is a 412.",
)
ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=True,
    description="The version of the resource, for `If-None-Match` and `If-Match`.",
)

# --- the schema class -------------------------------------------------------------------------

ACTION_VERBS = {
    "list": "List {plural}",
    "create": "Create {a} {singular}",
    "retrieve": "Read {a} {singular}",
    "update": "Replace {a} {singular}",
    "partial_update": "Change {a} {singular}",
    "destroy": "Delete {a} {singular}",
}


def _model_field(field: serializers.Field) -> Any:
    """The model field a ModelSerializer's field was built from, if any."""
    model = getattr(getattr(getattr(field, "parent", None), "Meta", None), "model", None)
    source = field.source
    if model is None or not isinstance(source, str) or not source or "." in source:
        return None
    try:
        return model._meta.get_field(source)
    except FieldDoesNotExist:
        return None


def _standard_integer_range(field: serializers.IntegerField, schema: dict[str, Any]) -> None:
    """The bounds of an integer column as PostgreSQL has them, whatever database the schema is
    generated with (SQLite's integers are all 64-bit): the committed schema is the same from
    any machine."""
    column = _model_field(field)
    if not isinstance(column, models.IntegerField):
        return
    kind = column.get_internal_type()
    standard = BaseDatabaseOperations.integer_field_ranges.get(kind)
    here = connection.ops.integer_field_range(kind)
    if standard is None or tuple(here) == tuple(standard):
        return
    if schema.get("maximum") == here[1]:
        schema["maximum"] = standard[1]
    if schema.get("minimum") == here[0]:
        schema["minimum"] = standard[0]
    if schema.get("format") == "int64" and -(2**31) <= standard[0] <= standard[1] < 2**31:
        del schema["format"]


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


class CoachAutoSchema(AutoSchema):
    """drf-spectacular's schema of an operation, with what every operation of this API shares."""

    # -- what kind of operation this is

    @property
    def _action(self) -> str | None:
        return getattr(self.view, "action", None)

    def _is_detail(self) -> bool:
        return "{" in self.path

    def _is_write(self) -> bool:
        return self.method not in SAFE_METHODS

    def _is_conditional(self) -> bool:
        """A resource reached by its id, of a view with validators (`current_etag`, see
        coach.api_conventions): its reads carry an ETag, its writes honour If-Match."""
        return self._is_detail() and hasattr(self.view, "current_etag")

    def _is_throttled(self) -> bool:
        return bool(self.view.get_throttles())

    def _permissions_can_refuse(self) -> bool:
        permissions = getattr(self.view, "permission_classes", [])
        return any(p not in (AllowAny, IsAuthenticated) for p in permissions)

    # -- fields as the API writes them

    def _map_serializer_field(
        self, field: Any, direction: Any, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        if isinstance(field, serializers.TimeField):
            # "07:30:00": a time of day without an offset, which JSON Schema's `time` demands.
            return {"type": "string", "format": "partial-time", "pattern": TIME_PATTERN}
        schema: dict[str, Any] = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.IntegerField):
            _standard_integer_range(field, schema)
        if isinstance(field, serializers.URLField) and (field.allow_blank or field.read_only):
            # An optional link is "" when not given: not a URI, though a valid value (a
            # read-only field does not say whether its column may be blank).
            return {"anyOf": [schema, {"type": "string", "maxLength": 0}]}
        return schema

    def _get_serializer_field_meta(self, field: Any, direction: Any) -> dict[str, Any]:
        meta: dict[str, Any] = super()._get_serializer_field_meta(field, direction)
        if getattr(field, "read_only", False) and getattr(field, "default", empty) is None:
            # A read-only field whose source may be missing (`stage.name` of no stage) answers
            # its default, null.
            meta["nullable"] = True
        return meta

    # -- list mechanics only where a list is answered

    def _is_list_action(self) -> bool:
        return self._action in (None, "list")

    def get_filter_backends(self) -> list[Any]:
        return super().get_filter_backends() if self._is_list_action() else []

    def _get_paginator(self) -> Any:
        return super()._get_paginator() if self._is_list_action() else None

    # -- words

    def get_summary(self) -> str | None:
        action = self._action
        model = getattr(getattr(self.view, "queryset", None), "model", None)
        if action is None or model is None:
            return None
        singular = str(model._meta.verbose_name)
        plural = str(model._meta.verbose_name_plural)
        words = {"singular": singular, "plural": plural, "a": _article(singular)}
        if action in ACTION_VERBS:
            return ACTION_VERBS[action].format(**words)
        verb = action.rstrip("_").replace("_", " ")
        verb = verb[:1].upper() + verb[1:]
        if self._is_detail():
            return f"{verb} {_article(singular)} {singular}"
        return f"{verb} {plural}"

    # -- headers

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if self._is_conditional():
            if self.method == "GET":
                parameters += [IF_NONE_MATCH, ETAG_HEADER]
            elif self._is_write():
                parameters += [IF_MATCH]
                if self.method != "DELETE":
                    parameters += [ETAG_HEADER]
        return parameters

    # -- answers

    def _error_codes(self) -> list[str]:
        codes = ["401"]
        if self._is_write() or self._permissions_can_refuse():
            codes.append("403")
        if self._takes_body() or self._has_query_parameters():
            codes.append("400")
        if self._is_detail() or self._has_page() or self._has_format():
            codes.append("404")
        if self._takes_body() and self._get_request_body():
            codes.append("415")
        if self._is_conditional() and self._is_write():
            codes.append("412")
        if self._is_throttled():
            codes.append("429")
        return codes

    def _takes_body(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH")

    def _has_query_parameters(self) -> bool:
        return any(p.get("in") == "query" for p in self._get_parameters())

    def _has_page(self) -> bool:
        return self._action == "list" and self._get_paginator() is not None

    def _has_format(self) -> bool:
        return len(self.map_renderers("format")) > 1

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if self._is_conditional() and self.method == "GET":
            responses.setdefault(
                "304",
                {
                    "description": "Not modified: the `If-None-Match` sent still matches.",
                    "headers": {"ETag": {"schema": {"type": "string"}}},
                },
            )
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._error_response(code)
        return responses

    def _error_response(self, code: str) -> dict[str, Any]:
        description, example = ERRORS[code]
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        content: dict[str, Any] = {}
        for media_type in self.map_renderers("media_type") or ["application/json"]:
            if "json" in media_type:
                content[media_type] = {
                    "schema": error,
                    "examples": {"Error": {"value": example}},
                }
            else:  # the error's message and field messages as text
                content[media_type] = {"schema": {"type": "string"}}
        response: dict[str, Any] = {"content": content, "description": description}
        if code == "401":
            response["headers"] = {
                "WWW-Authenticate": {
                    "schema": {"type": "string"},
                    "description": 'How to authenticate: `Bearer realm="api"`.',
                }
            }
        elif code == "429":
            response["headers"] = {
                "Retry-After": {
                    "schema": {"type": "integer"},
                    "description": "Seconds to wait before the next request.",
                }
            }
        return response


# --- examples ---------------------------------------------------------------------------------

# Examples of strings by field name; formats and enums are handled before names.
NAMED_STRINGS = {
    "name": "Single-leg deadlift",
    "email": "ana.ruiz@example.com",
    "notes": "Left knee sore after long runs.",
    "note": "Felt steady.",
    "summary": "Hinge on one leg, hips square.",
    "description": "Four weeks of single-leg strength.",
    "goal": "Run pain-free",
    "title": "Strength A",
    "slug": "single-leg-deadlift",
    "tempo": "3-1-1",
    "reason": "Ready: three clean sessions.",
    "coach_comment": "Nice work on the holds.",
    "skip_reason": "",
    "load_text": "15 lb",
    "load_unit": "lb",
    "text": "3 sets × 8 per side, rest 90 s",
    "time_zone": "Europe/Paris",
    "superset_group": "A",
    "support": "handrail",
    "surface": "floor",
    "breathing": "Exhale as you stand.",
    "message": "Two hard days in a row.",
    "rule": "hard_days_in_a_row",
    "exercise_name": "Single-leg deadlift",
    "program_name": "Single-leg month",
    "client_name": "Ana Ruiz",
    "stage_name": "Loaded",
}
# Nullable fields that a usual row leaves empty (the links of a list that fits on one page).
NULL_BY_DEFAULT = frozenset(
    ("next", "previous", "deleted_at", "archived_at", "paused_on", "ended_on", "copied_from")
)
FORMATS = {
    "date": "2027-03-09",
    "date-time": "2027-03-09T18:42:00Z",
    "partial-time": "07:30:00",
    "time": "07:30:00",
    "uuid": "3f2b8c1e-9d4a-4c7e-8a51-2b6f0d9e7c13",
    "email": "ana.ruiz@example.com",
    "uri": "https://example.com/videos/single-leg-deadlift",
    "decimal": "7.5",
}


def _string(schema: dict[str, Any], name: str) -> str:
    value = FORMATS.get(schema.get("format", "")) or NAMED_STRINGS.get(name, "text")
    pattern = schema.get("pattern")
    if pattern and not re.search(pattern, value):
        value = "1" if re.search(pattern, "1") else value
    if "maxLength" in schema:
        value = value[: schema["maxLength"]]
    return value


def _number(schema: dict[str, Any], integer: bool) -> float | int:
    value: float = 1
    if "minimum" in schema:
        value = max(value, schema["minimum"])
    if "maximum" in schema:
        value = min(value, schema["maximum"])
    return int(value) if integer else float(value)


def example_from_schema(
    schema: dict[str, Any],
    components: dict[str, Any],
    *,
    name: str = "",
    request: bool = False,
    seen: frozenset[str] = frozenset(),
) -> Any:
    """A value that the JSON schema `schema` accepts, readable rather than random: dates are
    dates, names are names, enums take their first value, nested objects are filled in."""

    def inner(part: dict[str, Any], part_name: str, refs: frozenset[str] = seen) -> Any:
        return example_from_schema(part, components, name=part_name, request=request, seen=refs)

    if "$ref" in schema:
        ref = schema["$ref"].rsplit("/", 1)[-1]
        if ref in seen:
            return None
        return inner(components.get(ref, {}), name, seen | {ref})
    for key in ("allOf", "oneOf", "anyOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null" and "enum" not in o]
            options = options or [o for o in schema[key] if o.get("enum") != [None]]
            return inner(options[0], name) if options else None
    if "example" in schema:
        return schema["example"]
    if schema.get("nullable") and name in NULL_BY_DEFAULT:
        return None
    if schema.get("enum"):
        values = [v for v in schema["enum"] if v not in (None, "")]
        return values[0] if values else schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        skip = "readOnly" if request else "writeOnly"
        return {
            key: inner(value, key)
            for key, value in properties.items()
            if not value.get(skip)
            and (not request or key in schema.get("required", []) or len(properties) <= 12)
        } or (
            {"left": inner(schema["additionalProperties"], name)}
            if isinstance(schema.get("additionalProperties"), dict)
            and schema["additionalProperties"]  # a map of values of one schema
            else {}
        )
    if kind == "array":
        count = max(1, schema.get("minItems", 1))
        return [inner(schema.get("items", {}), name.rstrip("s")) for _ in range(count)]
    if kind == "string":
        return _string(schema, name)
    if kind == "integer":
        return _number(schema, integer=True)
    if kind == "number":
        return _number(schema, integer=False)
    if kind == "boolean":
        return False
    return None


def _bodies(operation: dict[str, Any]) -> Iterable[tuple[dict[str, Any], bool]]:
    """Each JSON body of an operation that should show an example: the request's, and each
    success response's."""
    for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
        if "json" in media_type:
            yield content, True
    for code, response in operation.get("responses", {}).items():
        if not str(code).startswith("2"):
            continue
        for media_type, content in response.get("content", {}).items():
            if "json" in media_type:
                yield content, False


def add_examples(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A post-processing hook: an example, drawn from its schema, for every request and success
    body that has none of its own."""
    components = result.get("components", {}).get("schemas", {})
    for name, component in components.items():
        if name.startswith("Paginated"):
            # DRF's own examples name another site's accounts: one page of one row instead.
            properties = component.get("properties", {})
            properties.get("count", {})["example"] = 1
            for link in ("next", "previous"):
                properties.get(link, {}).pop("example", None)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for content, request in _bodies(operation):
                if "examples" in content or "example" in content or "schema" not in content:
                    continue
                value = example_from_schema(content["schema"], components, request=request)
                label = "Request" if request else "Answer"
                content["examples"] = {
                    label: {"value": value, "summary": f"An example {label.lower()}"}
                }
    return result


# --- builders for the examples views declare --------------------------------------------------


def request_example(name: str, value: Any, *, summary: str = "") -> OpenApiExample:
    """A request body, as a client would send it."""
    return OpenApiExample(name, value=value, summary=summary or name, request_only=True)


def response_example(
    name: str, value: Any, *, status: int = 200, summary: str = ""
) -> OpenApiExample:
    """A success body, as the API answers it."""
    return OpenApiExample(
        name, value=value, summary=summary or name, response_only=True, status_codes=[status]
    )


def page_of(rows: list[Any]) -> dict[str, Any]:
    """A page of a list, as the paginated lists answer it."""
    return {"count": len(rows), "next": None, "previous": None, "results": rows}


def error_response(code: int, description: str, example: dict[str, Any]) -> OpenApiResponse:
    """An error answer of one operation, with its own example (e.g. a 409 with its code)."""
    return OpenApiResponse(
        ErrorSerializer,
        description=description,
        examples=[OpenApiExample(example["code"], value=example, status_codes=[code])],
    )
