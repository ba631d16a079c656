from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse

HEALTH_PATH = "/healthz/"


class HealthCheckMiddleware:
    """Answers /healthz/ before host checks and the HTTPS redirect, for container health probes.

    It says only whether the database answers; nothing about the practice.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info != HEALTH_PATH:
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:
            return HttpResponse("database unavailable", status=503, content_type="text/plain")
        return HttpResponse("ok", content_type="text/plain")
