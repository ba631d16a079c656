"""The API's one error shape, `{"code", "message", "fields"}`, also for the errors Django answers
itself before or around a view: an unknown URL (404), a body over DATA_UPLOAD_MAX_MEMORY_SIZE
(413), more fields or files than DATA_UPLOAD_MAX_NUMBER_FIELDS / _FILES allow (400), and any
other error drawn as a page. Errors the API's views answer already have the shape and pass."""

import json
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase

API_PREFIX = "/api/"

# Codes and messages of the errors answered here, by status.
STATUS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "The request could not be read."),
    401: ("not_authenticated", "Authentication credentials were not provided."),
    403: ("permission_denied", "You do not have permission to perform this action."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This method is not allowed here."),
    406: ("not_acceptable", "No answer can be given in the format asked for."),
    413: ("request_too_large", "The request body is too large."),
    415: ("unsupported_media_type", "The request body's media type is not supported."),
    429: ("throttled", "Too many requests: wait, then retry."),
    500: ("server_error", "Something went wrong on our side; the request was not completed."),
}


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)


def _request_error(exc: Exception) -> JsonResponse | None:
    if isinstance(exc, RequestDataTooBig):
        return _error(413, "request_too_large", "The request body is too large.")
    if isinstance(exc, TooManyFieldsSent):
        return _error(400, "too_many_fields", "The request has too many fields.")
    if isinstance(exc, TooManyFilesSent):
        return _error(400, "too_many_files", "The request has too many files.")
    if isinstance(exc, SuspiciousOperation):
        return _error(400, "bad_request", "The request could not be read.")
    return None


def _is_error_shape(response: HttpResponseBase) -> bool:
    if not response.get("Content-Type", "").startswith("application/json"):
        return False
    try:
        body = json.loads(getattr(response, "content", b"") or b"null")
    except ValueError:
        return False
    return isinstance(body, dict) and {"code", "message", "fields"} <= body.keys()


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.streaming or _is_error_shape(response):
            return response
        if response.status_code >= 500 and settings.DEBUG:
            return response  # the debug page, for the developer reading it
        if response.get("Content-Type", "").startswith("text/csv"):
            return response  # the export's errors, in the format it was asked for
        code, message = STATUS_ERRORS.get(
            response.status_code, ("error", "The request could not be completed.")
        )
        shaped = _error(response.status_code, code, message)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if response.has_header(header):
                shaped[header] = response[header]
        return shaped

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A body Django refuses to read, raised from inside a view of the API."""
        if not request.path.startswith(API_PREFIX):
            return None
        return _request_error(exception)
