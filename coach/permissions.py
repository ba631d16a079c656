"""Who may see which page. Anything outside your own practice is a 404."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from coach.models import Client, Coach


def current_coach(request: HttpRequest) -> Coach | None:
    return getattr(request.user, "coach", None) if request.user.is_authenticated else None


def current_client(request: HttpRequest) -> Client | None:
    return getattr(request.user, "client", None) if request.user.is_authenticated else None


def coach_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in as a coach; the coach is passed to the view. Others get a 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        coach = current_coach(request)
        if coach is None:
            raise Http404
        return view(request, coach, *args, **kwargs)

    return wrapper


def client_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in as a client; the client is passed to the view. Others get a 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        client = current_client(request)
        if client is None:
            raise Http404
        return view(request, client, *args, **kwargs)

    return wrapper
