"""Conventions every resource of the API follows: validators and conditional requests (`ETag`,
`If-None-Match`, `If-Match`), incremental sync (`updated_since`), ordering by an explicit list
of fields, and rate limits per token, user or address.

A resource's `ETag` is drawn from the version of the row that versions it: its own
`updated_at`, or, for a program's days, prescriptions and blocks, the whole program's (every
write to a part moves the program's `updated_at`, see `touch`). The builder's page writes the
same tag for its program, so its first write is checked like any other.
"""

import hashlib
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

import django_filters
from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.cache import parse_etags  # type: ignore[attr-defined]  # not in the stubs
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, filters, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from coach.login_limits import client_ip
from coach.models import MAX_ID, PersonalAccessToken

if TYPE_CHECKING:
    from rest_framework.generics import GenericAPIView

# --- validators ------------------------------------------------------------------------------


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "This resource was changed since you read it (If-Match names another version). "
        "Read it again, then send your change."
    )
    default_code = "precondition_failed"


class NotModified(exceptions.APIException):
    """A conditional read of what the client already holds: answered 304, with no body."""

    status_code = status.HTTP_304_NOT_MODIFIED
    default_detail = ""
    default_code = "not_modified"

    def __init__(self, etag: str) -> None:
        super().__init__()
        self.etag = etag


def stamp_text(stamp: Any) -> str:
    """A time as whole microseconds since the epoch (what a page writes with the date filter's
    "U" and "u")."""
    return f"{int(stamp.timestamp())}{stamp.microsecond:06d}" if stamp else "0"


def etag_of(*parts: Any) -> str:
    """A strong entity tag for a version made of `parts`."""
    return '"' + "-".join(str(part) for part in parts) + '"'


def _opaque(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def not_modified(request: Request | Any, etag: str) -> bool:
    """Whether `If-None-Match` names `etag` (weak comparison, as for reads) or is `*`."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or _opaque(etag) in {_opaque(tag) for tag in tags}


def require_match(request: Request | Any, etag: str) -> None:
    """PreconditionFailed unless `If-Match`, when sent, names `etag` (strong comparison: a weak
    tag never matches) or is `*`."""
    header = request.headers.get("If-Match")
    if not header:
        return
    tags = parse_etags(header)
    if "*" not in tags and etag not in tags:
        raise PreconditionFailed()


if TYPE_CHECKING:
    _ViewBase = GenericAPIView[Any]
else:
    # Not a base at run time: this module is loaded while DRF's views are (it holds the
    # throttle and ordering filter the settings name), before GenericAPIView exists.
    _ViewBase = object


class ConditionalMixin(_ViewBase):
    """Validators for one resource's detail routes: `ETag` on reads and on the answers of
    writes, 304 to a read whose `If-None-Match` names the current version, 412 to a write (PUT,
    PATCH, DELETE or a POST action) whose `If-Match` names another. A write with `If-Match`
    runs in one transaction with the versioning row locked, so two writes made from the same
    version cannot both pass.

    `etag_row()` is the row whose version the tag follows (the resource itself by default);
    `etag_parts(row)` what of it makes the version."""

    def etag_row(self) -> Model:
        return cast(Model, self.get_object())

    def etag_parts(self, row: Model) -> Iterable[Any]:
        return (row._meta.model_name, row.pk, stamp_text(getattr(row, "updated_at", None)))

    def current_etag(self, *, lock: bool = False) -> str:
        row = self.etag_row()
        if lock and hasattr(row, "updated_at"):
            # Read the version again under a lock held until the write commits.
            row.updated_at = (  # type: ignore[attr-defined]
                type(row)
                ._default_manager.select_for_update()
                .filter(pk=row.pk)
                .values_list("updated_at", flat=True)
                .get()
            )
        return etag_of(*self.etag_parts(row))

    def _is_detail(self) -> bool:
        return "pk" in self.kwargs

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if (
            request.method not in SAFE_METHODS
            and request.headers.get("If-Match")
            and "pk" in kwargs
        ):
            with transaction.atomic():
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self._read_etag: str | None = None
        if not self._is_detail():
            return
        if request.method in SAFE_METHODS:
            # Drawn before the body: were the row to change meanwhile, the tag is the older
            # version, so a write made from it is refused rather than let through.
            self._read_etag = self.current_etag()
            if not_modified(request, self._read_etag):
                raise NotModified(self._read_etag)
        elif request.headers.get("If-Match"):
            require_match(request, self.current_etag(lock=True))

    def response_etag(self, response: Response) -> str | None:
        """The tag of what a write answers: the row created (201 with an `id`), else the one
        the route names."""
        data = getattr(response, "data", None)
        if response.status_code == status.HTTP_204_NO_CONTENT:
            return None  # deleted: nothing left to name
        if response.status_code == status.HTTP_201_CREATED and isinstance(data, dict):
            if "id" not in data:
                return None
            self.kwargs = {**self.kwargs, "pk": data["id"]}
        elif not self._is_detail():
            return None
        return self.current_etag()

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if 200 <= response.status_code < 300 and not response.has_header("ETag"):
            if request.method in SAFE_METHODS:
                etag = getattr(self, "_read_etag", None)
            else:
                etag = self.response_etag(response)
            if etag:
                response["ETag"] = etag
        return response


class ContentETagMixin(_ViewBase):
    """For a read drawn from several rows (a client's plan, stages, progress): `ETag` is a
    digest of the JSON sent, and a read whose `If-None-Match` names it is a 304."""

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in SAFE_METHODS or response.status_code != status.HTTP_200_OK:
            return response
        if hasattr(response, "render"):
            response.render()
        digest = hashlib.sha256(response.content).hexdigest()[:32]
        etag = etag_of(digest)
        if not_modified(request, etag):
            unchanged = HttpResponseNotModified()
            unchanged["ETag"] = etag
            return cast(Response, unchanged)
        response["ETag"] = etag
        return response


def touch(model: type[Model], pk: Any) -> None:
    """Give the row a new version (`updated_at`), later than its last even when the clock has
    not moved (two writes within one tick, or a frozen clock): a version never comes back."""
    with transaction.atomic():
        rows = model._default_manager.select_for_update().filter(pk=pk)
        previous = rows.values_list("updated_at", flat=True).first()
        now = timezone.now()
        later = now if previous is None or now > previous else previous + timedelta(microseconds=1)
        rows.update(updated_at=later)


# --- incremental sync ------------------------------------------------------------------------


class UpdatedSinceFilterSet(django_filters.FilterSet):
    """`updated_since`: only the rows changed at or after an ISO 8601 date and time."""

    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Only rows changed at or after this ISO 8601 date and time.",
    )


# --- filters naming a row of the caller's own ---------------------------------------------


class OwnChoiceField(forms.ModelChoiceField):
    """A row of the requester's own by its id: anything else, an id past the largest one
    included, is "not a valid choice" (and never a sign that the row exists)."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= MAX_ID:
            raise DjangoValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(number)


@extend_schema_field(OpenApiTypes.INT)
class OwnChoiceFilter(django_filters.ModelChoiceFilter):
    """A filter by one of the requester's own rows; its `queryset` is a function of the
    request, so the choices are the caller's own and an unknown id and another practice's
    get the same 400."""

    field_class = OwnChoiceField


# --- ordering --------------------------------------------------------------------------------


class OrderingFilter(filters.OrderingFilter):
    """`?ordering=` over the view's explicit `ordering_fields` only (`-` for descending, commas
    for several); any other field is a 400 naming it, not silently dropped."""

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        params = request.query_params.get(self.ordering_param)
        if params:
            allowed = {
                name for name, _ in self.get_valid_fields(queryset, view, {"request": request})
            }
            asked = [term.strip() for term in params.split(",") if term.strip()]
            unknown = [term for term in asked if term.lstrip("-") not in allowed]
            if unknown or not asked:
                choices = ", ".join(sorted(allowed)) or "none"
                raise exceptions.ValidationError(
                    {self.ordering_param: [f"Order by one of: {choices} (prefix - to reverse)."]},
                    code="invalid_ordering",
                )
            return asked
        return self.get_default_ordering(view)

    def get_default_valid_fields(
        self, queryset: QuerySet[Any], view: Any, context: Any = None
    ) -> list[tuple[str, str]]:
        # Never every serializer field by default: a view lists what it may be ordered by.
        return []


# --- rate limits -----------------------------------------------------------------------------


class ApiRateThrottle(BaseThrottle):
    """Requests per token, per user for a browser session, per address for anyone else, at the
    rates of `DEFAULT_THROTTLE_RATES` ("token", "user", "anon"), counted in the shared cache so
    every process counts the same requests. Over the limit: 429 with `Retry-After`.

    A counter per caller and window (a minute for "N/min"), one atomic increment a request: no
    list of request times that grows with the rate, as DRF's own throttles keep.
    """

    scope = "user"

    def __init__(self) -> None:
        self.retry_after: float | None = None

    @staticmethod
    def _rate(scope: str) -> tuple[int, int] | None:
        rates = cast(dict[str, str | None], api_settings.DEFAULT_THROTTLE_RATES)
        rate = rates.get(scope)
        if not rate:
            return None
        count, period = rate.split("/")
        return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]

    def allow_request(self, request: Request, view: Any) -> bool:
        if isinstance(request.auth, PersonalAccessToken):
            self.scope = "token"
        elif request.user and request.user.is_authenticated:
            self.scope = "user"
        else:
            self.scope = "anon"
        rate = self._rate(self.scope)
        if rate is None:
            return True
        limit, duration = rate
        now = time.time()
        window = int(now // duration)
        key = f"{self.get_cache_key(request, view)}:{duration}:{window}"
        try:
            count = cache.incr(key)
        except ValueError:  # the window's first request
            count = 1 if cache.add(key, 1, duration + 1) else cache.incr(key)
        if count <= limit:
            return True
        self.retry_after = (window + 1) * duration - now
        return False

    def wait(self) -> float | None:
        return None if self.retry_after is None else max(1.0, self.retry_after)

    def get_cache_key(self, request: Request, view: Any) -> str:
        if self.scope == "token":
            ident = str(request.auth.pk)  # type: ignore[union-attr]
        elif self.scope == "user":
            ident = str(request.user.pk)
        else:
            ident = client_ip(request) or self.get_ident(request)
        return f"throttle:{self.scope}:{ident}"
