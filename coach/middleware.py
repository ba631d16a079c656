from collections.abc import Callable
from typing import Protocol

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware

HEALTH_PATH = "/healthz/"


class PermissionsPolicyMiddleware:
    """Sets the Permissions-Policy header from settings.PERMISSIONS_POLICY: a feature with an
    empty list is off for every origin, `["self"]` allows this site only."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response
        self.header = permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.process_response(request, self.get_response(request))

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


def permissions_policy(features: dict[str, list[str]]) -> str:
    """`{"camera": [], "screen-wake-lock": ["self"]}` → `camera=(), screen-wake-lock=(self)`."""

    def allow_list(origins: list[str]) -> str:
        return " ".join(origin if origin in {"self", "*"} else f'"{origin}"' for origin in origins)

    return ", ".join(f"{feature}=({allow_list(origins)})" for feature, origins in features.items())


class _AddsHeaders(Protocol):
    def process_response(
        self, request: HttpRequest, response: HttpResponse
    ) -> HttpResponseBase: ...


class HealthCheckMiddleware:
    """Answers /healthz/ before host checks and the HTTPS redirect, for container health probes.

    It says only whether the database answers; nothing about the practice. Its answer still
    carries the headers every other response has, set by the same middlewares that set them on
    pages (a header middleware added to MIDDLEWARE belongs in `header_middlewares` too).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response
        # Only their response halves run: the request half of SecurityMiddleware would
        # redirect a plain-HTTP probe to HTTPS.
        self.header_middlewares: list[_AddsHeaders] = [
            XFrameOptionsMiddleware(get_response),
            PermissionsPolicyMiddleware(get_response),
            CSPMiddleware(get_response),
            SecurityMiddleware(get_response),
        ]

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info != HEALTH_PATH:
            return self.get_response(request)
        response = self.health()
        for middleware in self.header_middlewares:
            # Each sets its headers on the response it is given and returns that response.
            middleware.process_response(request, response)
        return response

    @staticmethod
    def health() -> HttpResponse:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:
            return HttpResponse("database unavailable", status=503, content_type="text/plain")
        return HttpResponse("ok", content_type="text/plain")
