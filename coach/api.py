"""The clients resource of the REST API."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from coach import selectors, services
from coach.api_conventions import ConditionalMixin, UpdatedSinceFilterSet
from coach.api_rows import RowsSerializerMixin, row_output
from coach.api_schema import request_example
from coach.models import MAX_ID, TIME_ZONES, Client, Coach
from coach.response_cache import cached_list


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """An integer input naming a row by its id: past the largest id it is a 400, not a 500."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class IsCoach(BasePermission):
    message = "Only a coach can use this resource."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(
            request.user and request.user.is_authenticated and hasattr(request.user, "coach")
        )


class CoachScopedMixin(viewsets.GenericViewSet):
    """For views of a coach's own resources: coaches only. A list is the entity's list selector
    scoped to the requesting coach (`coach_queryset`); one row is reached through the entity's
    access function (`get_object`), as the pages reach it, so others' rows are a 404."""

    permission_classes = [IsAuthenticated, IsCoach]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return self.queryset
        return self.coach_queryset()

    def coach_queryset(self) -> Any:
        raise NotImplementedError

    def get_object(self) -> Any:
        # Each viewset calls its entity's access function: one rule for who reaches a row.
        raise NotImplementedError

    @property
    def coach(self) -> Coach:
        return self.request.user.coach  # type: ignore[union-attr]


class RowsListMixin(CoachScopedMixin):
    """The list of a coach's resource, in place of DRF's `ListModelMixin`: read as plain rows
    and written as the serializer writes them (`coach.api_rows`), without model instances or
    DRF's per-row machinery. With `list_cache`, a page's JSON is kept in the shared cache
    (`coach.response_cache`) under the coach, the query and the versions that the writes to
    what it shows change."""

    list_cache: str = ""

    def list_values(self, queryset: QuerySet[Any], fields: list[str]) -> QuerySet[Any]:
        """The filtered list as plain rows of the serializer's `fields`, or of their columns."""
        return selectors.rows_of(queryset, fields=fields)

    def list_rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A page's rows with what they show beside their columns."""
        return rows

    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.list_cache or getattr(request.accepted_renderer, "format", "") != "json":
            return Response(self._page())
        content = cached_list(
            request,
            coach=self.coach,
            name=self.list_cache,
            build=lambda: JSONRenderer().render(self._page(), request.accepted_media_type),
        )
        return HttpResponse(content, content_type="application/json")

    def _page(self) -> Any:
        output = row_output(self.get_serializer_class())
        queryset = self.filter_queryset(self.get_queryset())
        values = self.list_values(queryset, output.keys)
        page = self.paginate_queryset(values)
        data = output.many(self.list_rows(list(values if page is None else page)))
        return data if page is None else self.get_paginated_response(data).data


class ClientSerializer(RowsSerializerMixin, serializers.ModelSerializer):
    has_login = serializers.BooleanField(read_only=True)
    is_archived = serializers.BooleanField(read_only=True)

    class Meta:
        model = Client
        fields = [
            "id",
            "name",
            "email",
            "time_zone",
            "reminder_time",
            "sex",
            "prefers_kg",
            "notes",
            "has_login",
            "is_archived",
            "archived_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["archived_at", "created_at", "updated_at"]
        # Uniqueness of the e-mail within a practice is checked by the service.
        validators: list[Any] = []

    def validate_time_zone(self, value: str) -> str:
        if value not in TIME_ZONES:
            raise serializers.ValidationError("Use an IANA time zone name, such as Europe/Paris.")
        return value


class ClientFilter(UpdatedSinceFilterSet):
    """The filters of the clients' list, built once: the time-zone choices are hundreds."""

    class Meta:
        model = Client
        fields = ["sex", "time_zone", "updated_since"]


@extend_schema_view(
    create=extend_schema(
        examples=[
            request_example(
                "A new client",
                {
                    "name": "Ana Ruiz",
                    "email": "ana.ruiz@example.com",
                    "time_zone": "Europe/Madrid",
                    "reminder_time": "07:30",
                    "sex": "female",
                    "notes": "Left knee sore after long runs.",
                },
            )
        ]
    )
)
class ClientViewSet(
    ConditionalMixin,
    RowsListMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """A coach's clients. Archiving keeps every record; there is no delete."""

    serializer_class = ClientSerializer
    search_fields = ["name", "email"]
    ordering_fields = ["name", "created_at", "updated_at", "id"]
    filterset_class = ClientFilter
    list_cache = "clients"

    queryset = Client.objects.none()

    def coach_queryset(self) -> QuerySet[Client]:
        params = self.request.query_params
        if "updated_since" in params and "archived" not in params:
            # A sync reads the clients archived since as well (`is_archived` says so).
            return Client.objects.for_coach(self.coach).order_by("name", "id")
        archived = params.get("archived") in {"1", "true"}
        return selectors.client_list(coach=self.coach, archived=archived)

    def get_object(self) -> Client:
        return selectors.client_get_for(coach=self.coach, pk=self.kwargs["pk"])

    def list_values(self, queryset: QuerySet[Any], fields: list[str]) -> QuerySet[Any]:
        return selectors.rows_of(queryset, fields=fields, computed=selectors.CLIENT_FLAGS)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = services.client_create(coach=self.coach, **serializer.validated_data)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = services.client_update(
            client=self.get_object(), data=dict(serializer.validated_data)
        )

    @extend_schema(request=None, responses=ClientSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: str | None = None) -> Response:
        client = services.client_archive(client=self.get_object())
        return Response(ClientSerializer(client).data, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses=ClientSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str | None = None) -> Response:
        client = services.client_restore(client=self.get_object())
        return Response(ClientSerializer(client).data, status=status.HTTP_200_OK)
