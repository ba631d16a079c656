"""Running indicators in the REST API: /api/v1/runs/ (list, create, read, delete).

A coach reaches their clients' runs, a client their own. A run for a date already recorded
replaces that date's figures (200 rather than 201).
"""

import hashlib
import json
from typing import Any

import django_filters
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from coach.api_conventions import ConditionalMixin, OrderingFilter
from coach.models import Client
from training import running
from training.api import _entered_by_coach
from training.api_exports import DateRangeForm, OwnChoiceFilter, callers_clients
from training.models import RunMetric


class RunMetricSerializer(serializers.ModelSerializer):
    entered_by_coach = serializers.SerializerMethodField()

    class Meta:
        model = RunMetric
        fields = [
            "id",
            "client",
            "on",
            "cadence_spm",
            "ground_contact_ms",
            "stride_length_m",
            "note",
            "entered_by_coach",
            "created_at",
        ]
        read_only_fields = fields

    def get_entered_by_coach(self, run: RunMetric) -> bool:
        return _entered_by_coach(run.entered_by_id, run.client)


class RunInputSerializer(serializers.ModelSerializer):
    """A run as typed in: `client` is needed from a coach; a client's own runs need none."""

    client = serializers.PrimaryKeyRelatedField(
        queryset=Client.objects.none(),
        required=False,
        allow_null=True,
        # Not the id sent back: one message whether the id is another practice's or nobody's.
        error_messages={"does_not_exist": "Choose one of your clients."},
    )

    class Meta:
        model = RunMetric
        fields = ["client", "on", "cadence_spm", "ground_contact_ms", "stride_length_m", "note"]
        # One run per date: a second one for the date updates it (no uniqueness check here).
        validators: list[Any] = []

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        fields["client"].queryset = callers_clients(request)  # type: ignore[attr-defined]
        return fields


class RunMetricFilter(django_filters.FilterSet):
    client = OwnChoiceFilter(queryset=callers_clients)
    date_from = django_filters.DateFilter(field_name="on", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="on", lookup_expr="lte")

    class Meta:
        model = RunMetric
        fields = ["client", "date_from", "date_to"]
        form = DateRangeForm


class RunMetricViewSet(
    ConditionalMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A client's runs: cadence (steps per minute), ground contact time (ms) and stride length
    (m) on their local date, newest first. Anyone who may reach the client records and deletes
    runs; a client's own need no `client`. Runs have no `updated_at` (a run recorded again for
    its date replaces its figures): the list is not incremental, and a run's `ETag` follows
    its figures."""

    serializer_class = RunMetricSerializer
    queryset = RunMetric.objects.none()
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = RunMetricFilter
    ordering_fields = ["on", "id"]
    ordering = ["-on", "-id"]

    def get_queryset(self) -> QuerySet[RunMetric]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return self.queryset
        return running.run_metrics_for(user=self.request.user).select_related("client")

    def get_object(self) -> RunMetric:
        return running.run_metric_get_for(user=self.request.user, pk=self.kwargs["pk"])

    def etag_parts(self, row: Any) -> Any:
        figures = RunMetricSerializer(row).data
        digest = hashlib.sha256(json.dumps(figures, sort_keys=True, default=str).encode())
        return (row._meta.model_name, row.pk, digest.hexdigest()[:16])

    @extend_schema(
        summary="Record a run",
        request=RunInputSerializer,
        responses={201: RunMetricSerializer, 200: RunMetricSerializer},
    )
    def create(self, request: Request) -> Response:
        """Record a run; one already recorded on that date is updated (200)."""
        given = RunInputSerializer(data=request.data, context={"request": request})
        if not given.is_valid():
            raise ValidationError(given.errors)
        data = dict(given.validated_data)
        client = data.pop("client", None) or getattr(request.user, "client", None)
        if client is None:
            raise ValidationError({"client": ["Choose one of your clients."]})
        run, created = running.run_metric_save(
            by=request.user,  # type: ignore[arg-type]
            client=client,
            on=data.pop("on"),
            data=data,
        )
        return Response(
            RunMetricSerializer(run).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def perform_destroy(self, instance: RunMetric) -> None:
        running.run_metric_delete(run=instance)
