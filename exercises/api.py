"""/api/v1/exercises/: the library, with stages nested."""

import json
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from coach.api import RowsListMixin, id_field
from coach.api_conventions import ConditionalMixin
from coach.api_parsers import JSONParser
from coach.api_rows import RowsSerializerMixin, row_output
from coach.api_schema import request_example, response_example
from exercises import selectors, services
from exercises.filters import ExerciseSyncFilter
from exercises.models import Exercise, Stage
from exercises.transfer import exercises_export, exercises_import


class FaultSerializer(serializers.Serializer):
    fault = serializers.CharField(max_length=300)
    fix = serializers.CharField(max_length=500)


class StageSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)
    order = serializers.IntegerField(read_only=True)

    class Meta:
        model = Stage
        fields = ["id", "order", *services.STAGE_FIELDS]
        extra_kwargs = {
            "description": {"required": False},
            "support": {"required": False},
            "surface": {"required": False},
            "load_unit": {"required": False},
            "criteria_note": {"required": False},
        }


class RelatedSlugsField(serializers.ListField):
    """A to-many relation read and written as a list of slugs."""

    child = serializers.SlugField()

    def get_attribute(self, instance: Exercise) -> list[str]:
        return [related.slug for related in getattr(instance, str(self.source)).all()]


class RelatedIdsField(serializers.ListField):
    """A to-many relation to other exercises, read and written as a list of ids."""

    child = id_field()

    def get_attribute(self, instance: Exercise) -> list[int]:
        return [related.pk for related in getattr(instance, str(self.source)).all()]


class ExerciseSerializer(RowsSerializerMixin, serializers.ModelSerializer):
    instructions = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False
    )
    cues = serializers.ListField(child=serializers.CharField(max_length=300), required=False)
    faults = FaultSerializer(many=True, required=False)
    regions = RelatedSlugsField(required=False)
    equipment = RelatedSlugsField(required=False)
    prerequisites = RelatedIdsField(required=False)
    progressions = RelatedIdsField(required=False)
    regressions = RelatedIdsField(required=False)
    stages = StageSerializer(many=True, required=False)
    is_shared = serializers.BooleanField(read_only=True)
    is_archived = serializers.BooleanField(read_only=True)

    class Meta:
        model = Exercise
        fields = [
            "id",
            "slug",
            "name",
            "summary",
            "instructions",
            "cues",
            "faults",
            "breathing",
            "laterality",
            "measurement",
            "category",
            "regions",
            "equipment",
            "video_url",
            "prerequisites",
            "progressions",
            "regressions",
            "stages",
            "is_shared",
            "is_archived",
            "copied_from",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["slug", "copied_from", "created_at", "updated_at"]


# What GET /exercises/export/ answers and POST /exercises/import/ reads.
EXPORT_EXAMPLE = {
    "format": "coach.exercises",
    "version": 1,
    "exported_at": "2027-03-09T18:42:00+00:00",
    "exercises": [
        {
            "slug": "split-squat",
            "name": "Split squat",
            "summary": "One foot forward, one back; lower the back knee.",
            "category": "strength",
            "laterality": "unilateral",
            "measurement": "reps_load",
            "archived": False,
            "regions": ["quads", "glutes"],
            "equipment": ["dumbbell"],
            "prerequisites": [],
            "progressions": [],
            "regressions": [],
            "stages": [{"name": "Bodyweight", "sets": 3, "reps_per_side": 8}],
        }
    ],
}


@extend_schema_view(
    create=extend_schema(
        examples=[
            request_example(
                "An exercise with two stages",
                {
                    "name": "Split squat",
                    "summary": "One foot forward, one back; lower the back knee.",
                    "instructions": ["Take a long stride.", "Lower the back knee.", "Drive up."],
                    "cues": ["Front knee over the toes"],
                    "faults": [{"fault": "Front heel lifts", "fix": "Lengthen the stride"}],
                    "laterality": "unilateral",
                    "measurement": "reps_load",
                    "category": "strength",
                    "regions": ["quads", "glutes"],
                    "equipment": ["dumbbell"],
                    "stages": [
                        {"name": "Bodyweight", "sets": 3, "reps_per_side": 8, "support": "wall"},
                        {"name": "Loaded", "sets": 3, "reps_per_side": 8, "load_unit": "kg"},
                    ],
                },
            )
        ]
    )
)
class ExerciseViewSet(
    ConditionalMixin,
    RowsListMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The shared library (read-only) and the coach's own exercises.

    Filters: `search` (also taken as `q`), `category`, `laterality`, `measurement`, `region`,
    `equipment`, `has_stages`, `scope` (shared | mine), `archived`, `updated_since`. Updating
    replaces the stage ladder with `stages` when given: stages keep their `id`, new ones have
    none, missing ones are removed.
    """

    serializer_class = ExerciseSerializer
    filterset_class = ExerciseSyncFilter
    ordering_fields = ["name", "created_at", "updated_at", "id"]
    list_cache = "exercises"
    queryset = Exercise.objects.none()

    def coach_queryset(self) -> QuerySet[Exercise]:
        return selectors.exercise_list(coach=self.coach)

    def get_object(self) -> Exercise:
        return selectors.exercise_get_for(coach=self.coach, pk=self.kwargs["pk"])

    def list_values(self, queryset: QuerySet[Any], fields: list[str]) -> QuerySet[Any]:
        return selectors.exercise_values(queryset, fields=fields)

    def list_rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return selectors.exercise_details(
            coach=self.coach, rows=rows, stage_fields=row_output(StageSerializer).keys
        )

    def _reload(self, exercise: Exercise) -> dict[str, Any]:
        return ExerciseSerializer(selectors.exercise_get_for(coach=self.coach, pk=exercise.pk)).data

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        exercise = services.exercise_create(coach=self.coach, data=serializer.validated_data)
        return Response(self._reload(exercise), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        exercise = self.get_object()
        serializer = self.get_serializer(exercise, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        services.exercise_update(
            coach=self.coach, exercise=exercise, data=serializer.validated_data, partial=partial
        )
        return Response(self._reload(exercise))

    @extend_schema(request=None, responses=ExerciseSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: str | None = None) -> Response:
        exercise = services.exercise_archive(coach=self.coach, exercise=self.get_object())
        return Response(self._reload(exercise))

    @extend_schema(request=None, responses=ExerciseSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str | None = None) -> Response:
        exercise = services.exercise_restore(coach=self.coach, exercise=self.get_object())
        return Response(self._reload(exercise))

    @extend_schema(
        summary="Copy an exercise into your library",
        request=None,
        responses={201: ExerciseSerializer},
    )
    @action(detail=True, methods=["post"])
    def copy(self, request: Request, pk: str | None = None) -> Response:
        exercise = services.exercise_copy(coach=self.coach, exercise=self.get_object())
        return Response(self._reload(exercise), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Export your exercises",
        description="Your own exercises with their stages, as a JSON document that "
        "`POST /exercises/import/` reads back (a download: `Content-Disposition: attachment`).",
        request=None,
        responses={200: dict},
        examples=[response_example("Your library", EXPORT_EXAMPLE)],
    )
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> HttpResponse:
        return _export_response(exercises_export(coach=self.coach))

    @extend_schema(
        summary="Import exercises",
        description="Adds the exercises of a document made by `GET /exercises/export/` (sent "
        "as the JSON body, or as the multipart file `file`) to your library.",
        request={"application/json": dict},
        responses={
            201: inline_serializer(
                "ImportResult",
                {
                    "imported": serializers.IntegerField(),
                    "ids": serializers.ListField(child=serializers.IntegerField()),
                },
            )
        },
        examples=[
            request_example(
                "An exported library",
                EXPORT_EXAMPLE,
            )
        ],
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[JSONParser, MultiPartParser],
    )
    def import_(self, request: Request) -> Response:
        payload = request.data
        if "file" in request.FILES:
            payload = request.FILES["file"].read()
        created = exercises_import(coach=self.coach, payload=payload)
        return Response({"imported": len(created), "ids": [e.pk for e in created]}, status=201)


def _export_response(document: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-exercises.json"'
    return response
