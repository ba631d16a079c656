"""A coach's lists, drawn once and kept in the shared cache until something they show changes.

A list (a page of the library, of clients, of assignments) is kept under the coach, the list's
name, the request's query (its parameters sorted, so that their order does not matter) and two
versions: the programs' and library's (`PLANS_VERSION_KEY`, which every write to them changes)
and the coach's practice (`practice_changed`: the writes that add to the practice or change a
client). A write gives a version a new value, so that a list drawn before it is never read
again; nothing has to find and delete the stale entries. Only the coach's own lists are kept
under the coach's id: no one ever reads another practice's entry. The key also carries a
digest of the code (`code_version`), so that a deploy never shows a list drawn by the code
before it.
"""

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django.core.cache import cache as shared_cache
from django.http import HttpRequest

from coach.common import PLANS_VERSION_KEY, code_version, new_versions, versions
from coach.models import Client, Coach

# An entry is never stale (its key carries the versions); the time only bounds how long an
# unread one takes room.
LIST_CACHE_SECONDS = 6 * 60 * 60

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


def _practice_key(coach_id: int) -> str:
    return f"practice:version:{coach_id}"


def practice_changed(*, coach_id: int) -> None:
    """The coach's lists drawn before this write are stale: now, for this request and the
    tests, and again once the transaction commits, for a list drawn meanwhile from the rows as
    they were before the commit."""
    new_versions([_practice_key(coach_id)])


def changes_practice(func: F) -> F:
    """For a service that adds to a coach's practice or changes a client, called with the
    `coach` or the `client` as a keyword argument."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        coach, client = kwargs.get("coach"), kwargs.get("client")
        if isinstance(coach, Coach):
            coach_id = coach.pk
        elif isinstance(client, Client):
            coach_id = client.coach_id
        else:
            raise TypeError(f"{func.__name__} was called without its coach or client.")
        result = func(*args, **kwargs)
        practice_changed(coach_id=coach_id)
        return result

    return wrapper  # type: ignore[return-value]


def _query(request: HttpRequest) -> str:
    """What of the request a list depends on, the same however its parameters are ordered:
    the scheme and host (pages link to themselves), the path and the query."""
    params = sorted((key, value) for key in request.GET for value in request.GET.getlist(key))
    where = f"{request.scheme}://{request.get_host()}{request.path}?{urlencode(params)}"
    return hashlib.sha256(where.encode()).hexdigest()


def cached_list(request: HttpRequest, *, coach: Coach, name: str, build: Callable[[], T]) -> T:
    """What `build` draws of the coach's list `name` for this request, from the shared cache
    when it holds it as of the latest change to what lists show. What `build` raises (a bad
    filter) is raised and nothing is kept."""
    version = versions([PLANS_VERSION_KEY, _practice_key(coach.pk)])
    key = f"lists:{name}:{coach.pk}:{_query(request)}:{code_version()}:{version}"
    return cast(T, shared_cache.get_or_set(key, build, LIST_CACHE_SECONDS))
