"""One JSON error shape for the whole API: {"code", "message", "fields"}."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from coach.api_conventions import NotModified
from coach.errors import DomainError, NotAllowed


def _text(value: Any) -> str:
    """A message as text that can be sent: messages may quote the input, and a lone surrogate
    (valid in a JSON string, not in UTF-8) would make the response itself fail."""
    return str(value).encode("utf-8", "backslashreplace").decode("utf-8")


def _dotted(detail: Any, path: str = "") -> dict[str, list[str]]:
    """Every message under the path of the input it is about, parts joined by dots
    (`stages.1.name`, `sets.0.load`): one flat shape, however deep the input."""
    found: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            for name, messages in _dotted(value, f"{path}.{key}" if path else str(key)).items():
                found.setdefault(name, []).extend(messages)
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            if isinstance(item, dict | list):
                nested = _dotted(item, f"{path}.{index}" if path else str(index))
                for name, messages in nested.items():
                    found.setdefault(name, []).extend(messages)
            else:
                found.setdefault(path or "non_field_errors", []).append(_text(item))
    else:
        found.setdefault(path or "non_field_errors", []).append(_text(detail))
    return {_text(name): messages for name, messages in found.items()}


def _first_code(codes: Any) -> str:
    while isinstance(codes, dict | list) and codes:
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return codes if isinstance(codes, str) and codes else "invalid"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, NotModified):
        return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": exc.etag})
    details = exc.details if isinstance(exc, DomainError) else {}
    if isinstance(exc, NotAllowed):
        exc = exceptions.PermissionDenied(exc.message)
    elif isinstance(exc, DomainError):
        exc = exceptions.ValidationError(exc.as_field_errors(), code=exc.code)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = _dotted(detail)
        first_code = _first_code(exc.get_codes())
        body = {"code": first_code, "message": "The input is not valid.", "fields": fields}
        response.status_code = status.HTTP_400_BAD_REQUEST
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        body = {
            "code": codes if isinstance(codes, str) else "error",
            "message": _text(exc.detail if isinstance(exc, exceptions.APIException) else exc),
            "fields": {},
        }
    response.data = {**details, **body}
    return response
