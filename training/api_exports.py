"""Logs as CSV through the API: GET /api/v1/set-logs/export/, with the same filters as /logs/.

A coach gets their clients' rows, a client their own; a filter naming a client or an exercise
outside the requester's reach is a 400 like any other bad value.
"""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import generics, renderers
from rest_framework.request import Request

from coach.api_conventions import OwnChoiceFilter
from coach.models import Client
from exercises.models import Exercise
from training import exports, selectors
from training.models import SessionLog


class CSVRenderer(renderers.BaseRenderer):
    """Lets a request ask for text/csv (`Accept: text/csv` or `?format=csv`). The rows are
    streamed by the view; what this renders is an error, as its message and field messages."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if not isinstance(data, dict):
            return str(data or "").encode()
        lines = [str(data.get("message", ""))]
        for name, messages in (data.get("fields") or {}).items():
            lines += [f"{name}: {message}" for message in messages]
        return "\n".join(lines).encode()


def callers_clients(request: Request | None) -> QuerySet[Client]:
    """The clients a requester may name: a coach's own, or a client themself."""
    user = getattr(request, "user", None)
    coach = getattr(user, "coach", None)
    if coach is not None:
        return Client.objects.for_coach(coach)
    own = getattr(user, "client", None)
    return Client.objects.filter(pk=own.pk) if own is not None else Client.objects.none()


def callers_exercises(request: Request | None) -> QuerySet[Exercise]:
    """The exercises a requester's logs can hold: their practice's library."""
    user = getattr(request, "user", None)
    coach = getattr(user, "coach", None) or getattr(getattr(user, "client", None), "coach", None)
    return Exercise.objects.visible_to(coach) if coach is not None else Exercise.objects.none()


class DateRangeForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date comes before the start date.")
        return data


class LogExportFilter(django_filters.FilterSet):
    client = OwnChoiceFilter(queryset=callers_clients, label="Only this client's rows.")
    exercise = OwnChoiceFilter(
        queryset=callers_exercises, method="filter_exercise", label="Only this exercise's sets."
    )
    date_from = django_filters.DateFilter(
        field_name="on", lookup_expr="gte", label="From this date (the client's local date)."
    )
    date_to = django_filters.DateFilter(
        field_name="on", lookup_expr="lte", label="Up to this date, included."
    )

    class Meta:
        model = SessionLog
        fields = ["client", "exercise", "date_from", "date_to"]
        form = DateRangeForm

    def filter_exercise(
        self, queryset: QuerySet[SessionLog], name: str, value: Exercise
    ) -> QuerySet[SessionLog]:
        return queryset.filter(done__exercise=value)  # type: ignore[misc]  # an annotation


CSV_EXAMPLE = (
    "Client,Date,Program,Day,Exercise,Stage,Stage name,Set,Side,Reps,Hold (s),Load,Unit,"
    "Support,RPE,Form (1-5),Late,Entered by coach,Note,Session status,Session effort (RPE),"
    "Skip reason,Session note,Logged at (client's time)\r\n"
    "Ana Ruiz,2027-03-09,Single-leg month,9,Single-leg deadlift,2,Loaded,1,Left,8,,15,lb,"
    "handrail,7,4,no,no,,Done,7,,,2027-03-09 18:42\r\n"
)


class SetLogExportView(generics.GenericAPIView):
    """Logs as CSV, one row per set and side (a session with no set is a row of its own), in
    the client's local dates and times; streamed, whatever its length. Text that a spreadsheet
    would run as a formula starts with an apostrophe."""

    queryset = SessionLog.objects.none()
    filter_backends = [DjangoFilterBackend]
    filterset_class = LogExportFilter
    renderer_classes = [renderers.JSONRenderer, CSVRenderer]
    pagination_class = None

    def get_queryset(self) -> QuerySet[SessionLog]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return self.queryset
        user = self.request.user
        sessions = selectors.session_logs_for(user=user, coach=getattr(user, "coach", None))
        return exports.log_export_queryset(sessions)

    @extend_schema(
        summary="Export logs as CSV",
        operation_id="set_logs_export",
        filters=True,
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description=(
                    "UTF-8 CSV with a byte-order mark. Dates are ISO dates (the client's), "
                    "numbers plain numbers, yes/no for late and entered by coach."
                ),
                examples=[
                    OpenApiExample("A header and one row", value=CSV_EXAMPLE, media_type="text/csv")
                ],
            ),
        },
    )
    def get(self, request: Request) -> HttpResponseBase:
        filterset = DjangoFilterBackend().get_filterset(request, self.get_queryset(), self)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        chosen: Client | None = filterset.form.cleaned_data.get("client")
        if getattr(request.user, "coach", None) is None:
            chosen = getattr(request.user, "client", None)
        today = chosen.local_today() if chosen else timezone.localdate()
        return exports.csv_response(
            exports.log_export_rows(filterset.qs),
            filename=exports.export_filename(client=chosen, on=today),
        )
