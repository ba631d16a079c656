"""Mechanics shared by the services of every app."""

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any, TypeVar, cast
from uuid import uuid4

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from coach.errors import DomainError

M = TypeVar("M", bound=Model)


def model_update(
    *, instance: M, fields: Iterable[str], data: Mapping[str, Any], save: bool = True
) -> tuple[M, bool]:
    """Set each of `fields` that `data` holds; returns the instance and whether any changed.

    Keys of `data` outside `fields` are ignored, so a service lists what its callers may change.
    When something changed and `save` is true, the written fields are validated (their own
    validators, the model's `clean()`, and the constraints that involve only them; a failure is
    a `DomainError` and nothing is saved) and only the changed fields are saved, with the
    model's `auto_now` timestamp. With `save=False` the values are only set: for a service whose
    rules span several fields or rows, which validates and saves the instance itself.
    """
    fields = list(fields)
    changed = [
        field for field in fields if field in data and getattr(instance, field) != data[field]
    ]
    for field in changed:
        setattr(instance, field, data[field])
    if changed and save:
        meta = instance._meta
        try:
            instance.full_clean(exclude=[f.name for f in meta.fields if f.name not in fields])
        except ValidationError as error:
            raise DomainError.from_validation_error(error) from error
        stamps = [f.name for f in meta.concrete_fields if getattr(f, "auto_now", False)]
        instance.save(update_fields=[*changed, *stamps])
    return instance, bool(changed)


# --- versions of cached daily plans ---------------------------------------------------------
# A client's daily plan is cached under the versions of what it is built from: the programs and
# the library (one version for everyone: they change rarely), the client's stages and details,
# and the client's logs (their sessions, sets, runs and readiness; the most frequent writes, and
# what the builder of the client's own copy does not show). A write gives the version a new
# value, so a plan built before it is never read again; nothing has to find and delete the
# stale entries.

PLANS_VERSION_KEY = "plans:version"


def _client_plans_key(client_id: int) -> str:
    return f"plans:version:client:{client_id}"


def _client_logs_key(client_id: int) -> str:
    return f"plans:version:logs:{client_id}"


def _client_history_key(client_id: int) -> str:
    return f"plans:version:history:{client_id}"


def _client_day_key(client_id: int, on: date) -> str:
    return f"plans:version:day:{client_id}:{on.isoformat()}"


def new_versions(keys: Iterable[str]) -> None:
    """The versions change now, so this request and the tests see the change, and again once
    the transaction commits, so that a plan another request built from the data as it was
    before the commit (and stored under the first new version) is never read. One round trip
    to the cache now; after the commit, one for all the versions the transaction changed."""
    keys = list(keys)
    cache.set_many({key: uuid4().hex for key in keys}, None)
    connection = transaction.get_connection()
    pending: set[str] | None = getattr(connection, _PENDING, None)
    if pending is None:
        pending = set()
        setattr(connection, _PENDING, pending)
    pending.update(keys)
    transaction.on_commit(_versions_committed)


# The versions changed by the writes of a connection's transaction, given new values once more
# when it commits: by the first of its commit hooks (the others find nothing left). The versions
# of a write rolled back stay until the next commit, which changes them for nothing (a change
# of version is never wrong, only a page drawn again).
_PENDING = "coach_versions_pending"


def _versions_committed() -> None:
    pending: set[str] | None = getattr(transaction.get_connection(), _PENDING, None)
    if pending:
        keys = list(pending)
        pending.clear()
        cache.set_many({key: uuid4().hex for key in keys}, None)


def plans_changed(*, client_id: int | None = None) -> None:
    """Plans built before this write are stale: of one client, or (None) of everyone."""
    new_versions([PLANS_VERSION_KEY if client_id is None else _client_plans_key(client_id)])


def logs_changed(*, client_id: int, before_today: bool = True, on: date | None = None) -> None:
    """What the client logged changed (a set, a session, a run, their readiness): their
    plans are stale, their program as the builder shows it is not. `before_today`: the change
    is on a day before the client's today (or on no one day), so what later days show of their
    history ("last time") changed too; Today keeps its page apart from the day's own logs.
    `on`: the day of the session or sets changed, whose sessions as drawn alone are stale too
    (see `day_versions`)."""
    keys = [_client_logs_key(client_id)]
    if before_today:
        keys.append(_client_history_key(client_id))
    if on is not None:
        keys.append(_client_day_key(client_id, on))
    new_versions(keys)


def day_versions(
    client_id: int, days: Iterable[date], *, kept: Sequence[str] = ()
) -> tuple[dict[date, str], dict[str, Any]]:
    """The version of each of the client's days as `logs_changed` gives it (each write to a
    session of that day or to its sets changes it), with the entries `kept` that the cache
    holds (see `kept_at`), in one round trip."""
    keys = {on: _client_day_key(client_id, on) for on in sorted(set(days))}
    read, found = versions_and_kept(list(keys.values()), kept)
    return dict(zip(keys, read.split("."), strict=True)) if keys else {}, found


def plans_version(client_id: int) -> str:
    """The version a cached plan of this client is stored under. A version the cache lost is
    replaced by a new one (never by an old value, which could name a stale plan)."""
    keys = [PLANS_VERSION_KEY, _client_plans_key(client_id), _client_logs_key(client_id)]
    return f"{code_version()}.{versions(keys)}"


def today_versions(
    client_id: int, *, on: date, today: date, kept: Sequence[str] = ()
) -> tuple[str, str, dict[str, Any]]:
    """The two versions of the client's plan of `on` (Today, the plan endpoint), read at once:
    of the plan without the day's own logs (the programs, the library, the client's stages,
    details and history), and of the day's logs. A later day than the client's `today` shows
    today's sets as its "last time": its plan follows the logs too. With them, in the same
    round trip, the entries `kept` that the cache holds (see `kept_at`)."""
    keys = [
        PLANS_VERSION_KEY,
        _client_plans_key(client_id),
        _client_history_key(client_id),
        _client_logs_key(client_id),
    ]
    read, found = versions_and_kept(keys, kept)
    programs, plans, history, logs = read.split(".")
    plan = f"{code_version()}.{programs}.{plans}.{history}"
    return (f"{plan}.{logs}" if on > today else plan), logs, found


def client_versions(client_id: int, *, kept: Sequence[str] = ()) -> tuple[str, str, dict[str, Any]]:
    """The version of the client's program as drawn without their logs (as `program_version`)
    and that of their logs, read at once, with the entries `kept` that the cache holds (see
    `kept_at`), in one round trip."""
    keys = [PLANS_VERSION_KEY, _client_plans_key(client_id), _client_logs_key(client_id)]
    read, found = versions_and_kept(keys, kept)
    programs, plans, logs = read.split(".")
    return f"{code_version()}.{programs}.{plans}", logs, found


def key_digest(value: Any) -> str:
    """A digest of `value`'s repr, as a part of a cache key naming what an entry is drawn from
    (an address, a query, the figures of a chart)."""
    return hashlib.sha256(repr(value).encode()).hexdigest()


def keep_at(key: str, version: str, value: Any, seconds: int) -> None:
    """Keep `value` under `key` as drawn at `version` (read back with `kept_at`): one entry per
    key, whose version is read in the same round trip as the versions it must match."""
    cache.set(key, (version, value), seconds)


def keep_all_at(entries: Mapping[str, tuple[str, Any]], seconds: int) -> None:
    """`keep_at` for several keys at once, each given (version, value): one round trip."""
    cache.set_many(dict(entries), seconds)


def kept_at(entry: Any, version: str) -> Any:
    """The value of a cache entry stored by `keep_at` (read with the versions by
    `versions_and_kept`, or alone) when it was drawn at `version`; None when there is no entry
    or it was drawn at another version."""
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == version:
        return entry[1]
    return None


def program_version(client_id: int) -> str:
    """The version of the client's program as drawn without their logs: the programs, the
    library, the client's stages and details."""
    return f"{code_version()}.{versions([PLANS_VERSION_KEY, _client_plans_key(client_id)])}"


def programs_version() -> str:
    """The version of everything drawn from programs and the library alone (no client's data)."""
    return f"{code_version()}.{versions([PLANS_VERSION_KEY])}"


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the product's code and templates, read once per process: an entry drawn by
    the code before a deploy that changed it is never read after it."""
    roots = [
        Path(app.path)
        for app in apps.get_app_configs()
        if Path(app.path).parent == settings.BASE_DIR
    ]
    for engine in settings.TEMPLATES:
        roots += [Path(folder) for folder in cast(list[str], engine.get("DIRS", []))]
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in {".py", ".html"}:
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def versions(keys: list[str]) -> str:
    return versions_and_kept(keys, ())[0]


def versions_and_kept(keys: list[str], kept: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """The versions of `keys` joined, and the entries of `kept` the cache holds, in one round
    trip. A version the cache lost (or never had) is replaced by a new one, all in one more
    round trip: no entry was kept under it, and should two requests each give it one, the
    entries drawn under the version replaced are only never read."""
    found = cache.get_many([*keys, *kept])
    lost = {key: uuid4().hex for key in keys if key not in found}
    if lost:
        cache.set_many(lost, None)
        found.update(lost)
    return ".".join(str(found[key]) for key in keys), {k: found[k] for k in kept if k in found}


# --- pages drawn once, shown many times -------------------------------------------------------
# A page part kept in the cache is drawn with this mark where a form's CSRF token goes; each
# request puts in a token of its own (`with_csrf_token`).
# Every time zone's offset is a whole number of quarter hours, so each client's local date turns
# on the quarter hour: an answer that shows what a date derives (missed days, "scheduled") and is
# kept under `quarter_hour()` is redrawn once some client's day may have turned.
QUARTER_HOUR_SECONDS = 15 * 60


def quarter_hour() -> str:
    """The current quarter of an hour, as a part of a cache key."""
    return str(int(timezone.now().timestamp()) // QUARTER_HOUR_SECONDS)


CSRF_MARK = "csrf-token-of-this-request"


def with_csrf_token(html: str, request: HttpRequest) -> SafeString:
    """A cached page part, drawn by our own templates, with this request's CSRF token."""
    return mark_safe(html.replace(CSRF_MARK, get_token(request)))  # noqa: S308


F = TypeVar("F", bound=Callable[..., Any])


def changes_plans(func: F) -> F:
    """For a write to programs or the library: every cached plan may show what it changed."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = func(*args, **kwargs)
        plans_changed()
        return result

    return wrapper  # type: ignore[return-value]
