"""Writes an API client may retry: the `Idempotency-Key` header.

The first response to a key is kept (per user) and replayed to every retry with the same
request; the same key with another request is a 409 with the code `idempotency_key_reused`.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import QueryDict
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from training.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_MAX_LENGTH = IdempotencyKey._meta.get_field("key").max_length or 255


class IdempotencyKeyReused(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was already used with another request."


def request_hash(request: Request) -> str:
    """What makes two requests the same: method, path and body (key order does not count)."""
    body = request.data
    if isinstance(body, QueryDict):
        body = dict(body.lists())
    text = json.dumps(
        {"method": request.method, "path": request.path, "body": body},
        sort_keys=True,
        separators=(",", ":"),
        cls=DjangoJSONEncoder,
        # An uploaded file (a multipart body) counts by its name and size.
        default=lambda value: f"{getattr(value, 'name', '')}:{getattr(value, 'size', '')}",
    )
    return hashlib.sha256(text.encode("utf-8", "backslashreplace")).hexdigest()


def _replay(record: IdempotencyKey, digest: str) -> Response:
    if record.request_hash != digest or record.response_status is None:
        raise IdempotencyKeyReused
    response = Response(record.response_body, status=record.response_status)
    response[REPLAYED_HEADER] = "true"
    return response


def idempotent(request: Request, respond: Callable[[], Response]) -> Response:
    """`respond()` once per (user, key): a retry gets the first response back.

    The key's row is inserted first, in the same transaction as the write it guards, so the
    unique constraint settles a race between two identical requests: the second insert waits
    until the first request commits, then fails and replays what the first one stored (or,
    when the first was refused and rolled back, goes ahead itself). Only a successful response
    is kept: a refused request leaves no key behind and may be corrected and sent again.
    """
    key = request.headers.get(HEADER)
    if key is None:
        return respond()
    key = key.strip()
    if not key or len(key) > KEY_MAX_LENGTH or not key.isprintable():
        raise ValidationError(
            {HEADER: [f"Use a key of 1 to {KEY_MAX_LENGTH} printable characters."]}
        )
    user: Any = request.user
    digest = request_hash(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(user=user, key=key, request_hash=digest)
        except IntegrityError:
            return _replay(IdempotencyKey.objects.get(user=user, key=key), digest)
        response = respond()
        if not status.is_success(response.status_code):
            transaction.set_rollback(True)
            return response
        record.response_status = response.status_code
        # Stored as the client received it: plain JSON, not the serializer's Python values.
        record.response_body = json.loads(JSONRenderer().render(response.data))
        record.save(update_fields=["response_status", "response_body"])
        return response
