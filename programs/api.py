"""/api/v1/programs/, /program-days/, /prescriptions/, /blocks/ and /assignments/."""

import json
from datetime import date
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from coach.api import CoachScopedMixin, RowsListMixin, id_field
from coach.api_conventions import (
    ConditionalMixin,
    OwnChoiceFilter,
    UpdatedSinceFilterSet,
    etag_of,
    require_match,
    stamp_text,
    touch,
)
from coach.api_rows import RowsSerializerMixin
from coach.api_schema import request_example
from coach.common import programs_version, quarter_hour
from coach.errors import DomainError
from coach.models import Client
from programs import selectors, services
from programs.models import Assignment, Block, Day, Prescription, Program
from programs.schedule import STATUS_LABELS, status_shown
from programs.services.assignments import STARTS_ON_MISMATCH_CHOICES
from programs.services.generator import PLAN_ARGUMENTS, routine_plan


class WarningSerializer(serializers.Serializer):
    rule = serializers.CharField()
    day = serializers.IntegerField()
    message = serializers.CharField()
    start_days = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        help_text="The start weekdays (0 = Monday) from which the program breaks the rule.",
    )


class PrescriptionSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)
    exercise = id_field(source="exercise_id")
    stage = serializers.IntegerField(source="stage_id", required=False, allow_null=True)
    exercise_name = serializers.CharField(source="exercise.name", read_only=True)
    stage_order = serializers.IntegerField(source="stage.order", read_only=True, allow_null=True)
    stage_name = serializers.CharField(source="stage.name", read_only=True, allow_null=True)

    class Meta:
        model = Prescription
        fields = [
            "id",
            "order",
            "exercise",
            "exercise_name",
            "stage",
            "stage_order",
            "stage_name",
            *services.PRESCRIPTION_FIELDS,
        ]
        read_only_fields = ["order"]


class DaySerializer(serializers.ModelSerializer):
    prescriptions = PrescriptionSerializer(many=True, required=False)

    class Meta:
        model = Day
        fields = ["id", "number", "week", "weekday", *services.DAY_FIELDS, "prescriptions"]
        read_only_fields = ["id", "week", "weekday"]


class BlockSerializer(serializers.ModelSerializer):
    class Meta:
        model = Block
        fields = ["id", "order", *services.BLOCK_FIELDS]
        read_only_fields = ["id", "order"]


class ProgramListSerializer(serializers.ModelSerializer):
    is_starter = serializers.SerializerMethodField()
    day_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Program
        fields = [
            "id",
            "name",
            "kind",
            "goal",
            "description",
            "length_days",
            "weeks",
            "weekdays",
            "is_template",
            "is_starter",
            "day_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_template", "created_at", "updated_at"]

    def get_is_starter(self, program: Program) -> bool:
        return program.owner_id is None


class ProgramSerializer(ProgramListSerializer):
    blocks = BlockSerializer(many=True, required=False)
    days = DaySerializer(many=True, required=False)
    warnings = serializers.SerializerMethodField()
    day_count = serializers.SerializerMethodField()  # type: ignore[assignment]

    class Meta(ProgramListSerializer.Meta):
        fields = [*ProgramListSerializer.Meta.fields, "copied_from", "blocks", "days", "warnings"]
        read_only_fields = [*ProgramListSerializer.Meta.read_only_fields, "copied_from"]

    def get_day_count(self, program: Program) -> int:
        return len(program.days.all())

    @extend_schema_field(WarningSerializer(many=True))
    def get_warnings(self, program: Program) -> list[dict[str, Any]]:
        return [w.__dict__ for w in selectors.program_rule_warnings(program=program)]


class CopyWeekSerializer(serializers.Serializer):
    from_week = serializers.IntegerField(min_value=1)
    to_week = serializers.IntegerField(min_value=1)
    lighter = serializers.BooleanField(
        default=False,
        help_text=f"Copy it as a lighter week, for a deload: {services.LIGHTER_WEEK_RULES}.",
    )


class GenerateItemSerializer(PrescriptionSerializer):
    """One exercise of the day to repeat: a prescription with, optionally, its own progression."""

    step = serializers.ChoiceField(
        choices=services.STEP_KINDS,
        required=False,
        help_text="How this exercise progresses: more hold seconds, more reps per side, the "
        "next stages of its ladder (never past the last), or none. Without it the exercise "
        "follows the routine's `step`.",
    )
    step_amount = serializers.IntegerField(
        min_value=0,
        max_value=600,
        required=False,
        help_text="Seconds, reps or stages added at each step (the routine's `step_amount` "
        "for an exercise without its own `step`).",
    )
    every_days = serializers.IntegerField(
        min_value=1,
        max_value=366,
        required=False,
        help_text="Days between steps (the routine's `every_days` where not given).",
    )

    class Meta(PrescriptionSerializer.Meta):
        fields = [*PrescriptionSerializer.Meta.fields, "step", "step_amount", "every_days"]


class GenerateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    length_days = serializers.IntegerField(min_value=1, max_value=366, default=30)
    items = GenerateItemSerializer(many=True)
    step = serializers.ChoiceField(
        choices=services.STEP_KINDS,
        default="none",
        help_text="The progression of the exercises that give none of their own.",
    )
    step_amount = serializers.IntegerField(min_value=0, max_value=600, default=0)
    every_days = serializers.IntegerField(min_value=1, max_value=366, default=7)
    intensity = serializers.ChoiceField(choices=Day.Intensity.choices, default=Day.Intensity.LOW)
    goal = serializers.CharField(max_length=200, required=False, default="")
    description = serializers.CharField(required=False, default="", allow_blank=True)
    preview = serializers.BooleanField(
        default=False,
        help_text="Answer with every day of the routine (200) without creating it; the same "
        "input without `preview` creates exactly those days (201).",
    )


class GeneratePreviewDaySerializer(serializers.Serializer):
    number = serializers.IntegerField()
    prescriptions = PrescriptionSerializer(many=True)


class GeneratePreviewSerializer(serializers.Serializer):
    length_days = serializers.IntegerField()
    days = GeneratePreviewDaySerializer(many=True)


class AssignSerializer(serializers.Serializer):
    clients = serializers.ListField(child=id_field(), min_length=1, max_length=5000)
    starts_on = serializers.DateField(
        help_text="The first date of the program. A plan (weeks × weekdays) starts on the "
        "weekday of its first session: another date is refused (400, code "
        "`starts_on_weekday`, `next_starts_on` the next such date) unless "
        "`starts_on_mismatch` says what to do."
    )
    starts_on_mismatch = serializers.ChoiceField(
        choices=STARTS_ON_MISMATCH_CHOICES,
        default="refuse",
        help_text="For a plan whose `starts_on` is not the weekday of its first session: "
        "`refuse` (the default) answers 400 naming the next such date; `keep` starts on "
        "`starts_on` as given (the first week's sessions then fall out of order); "
        "`next_weekday` starts on the next such date (the answer's `starts_on` says which).",
    )
    confirm_overlap = serializers.BooleanField(
        default=False,
        help_text="A client who already has an active, scheduled or paused program on some of "
        "these dates is refused (400, code `assignment_overlaps`, with `overlaps`: each such "
        "program, its client and its dates) unless this is true: then both programs run.",
    )
    starting_stages = serializers.DictField(
        child=id_field(),
        required=False,
        help_text="Exercise id → stage id: where the clients start on a ladder the program "
        "leaves to the client's stage (the first rung otherwise).",
    )

    def validate_starting_stages(self, value: dict[str, int]) -> dict[int, int]:
        try:
            return {int(key): stage for key, stage in value.items()}
        except ValueError as exc:
            raise serializers.ValidationError("Key each stage by its exercise id.") from exc


def _item_data(item: dict[str, Any]) -> dict[str, Any]:
    """Serializer output (exercise_id / stage_id) back to the services' words."""
    data = dict(item)
    if "exercise_id" in data:
        data["exercise"] = data.pop("exercise_id")
    if "stage_id" in data:
        data["stage"] = data.pop("stage_id")
    return data


PROGRAM_CACHE_SECONDS = 6 * 60 * 60
# One message for an id the caller cannot use, whether it is another practice's or none at all.
CLIENTS_OF_YOURS = "Choose clients of your own practice."
CLIENT_OF_YOURS = "Choose one of your clients."
DAY_OF_YOURS = "Choose a day of one of your programs."
PROGRAM_OF_YOURS = "Choose one of your programs or a starter template."


class ProgramVersionMixin(ConditionalMixin):
    """Versioned by a whole program: a program and its parts (days, prescriptions, blocks)
    share its `ETag`, and every write to any of them moves the program's `updated_at`
    (`program_changed`). A write runs in one transaction with that move, so the caches the
    write bumps on commit are drawn again from the program as it now is."""

    _changed_program: int | None = None

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method not in SAFE_METHODS:
            with transaction.atomic():
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def require_program_version(self, program_id: int) -> None:
        """`If-Match` of a write that names its program in the body (a new prescription or
        block), checked against that program, locked until the write commits."""
        if self.request.headers.get("If-Match"):
            stamp = (
                Program.objects.select_for_update()
                .filter(pk=program_id)
                .values_list("updated_at", flat=True)
                .get()
            )
            require_match(self.request, etag_of("program", program_id, stamp_text(stamp)))

    def program_changed(self, program_id: int) -> None:
        touch(Program, program_id)
        self._changed_program = program_id

    def response_etag(self, response: Response) -> str | None:
        if response.status_code == status.HTTP_204_NO_CONTENT and self._changed_program:
            # A part deleted: the answer has no body, but the program has a new version.
            stamp = (
                Program.objects.filter(pk=self._changed_program)
                .values_list("updated_at", flat=True)
                .get()
            )
            return etag_of("program", self._changed_program, stamp_text(stamp))
        return super().response_etag(response)


class ProgramFilter(UpdatedSinceFilterSet):
    class Meta:
        model = Program
        fields = ["kind", "updated_since"]


@extend_schema_view(
    create=extend_schema(
        examples=[
            request_example(
                "A two-week routine with its first day",
                {
                    "name": "Single-leg fortnight",
                    "kind": "routine",
                    "goal": "Run pain-free",
                    "length_days": 14,
                    "days": [
                        {
                            "number": 1,
                            "title": "Strength A",
                            "prescriptions": [{"exercise": 12, "sets": 3, "reps_per_side": 8}],
                        }
                    ],
                },
            )
        ]
    )
)
class ProgramViewSet(
    ProgramVersionMixin,
    CoachScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The coach's program templates and the shared starters (read-only; duplicate to edit).

    PUT saves the whole structure: `blocks` (replaced) and `days` (matched by `number`, each with
    its `prescriptions`; days left out keep theirs). PATCH changes only the fields given.
    `warnings` lists the training rules the program breaks, each naming its day.

    Days, prescriptions and blocks have no `updated_at` of their own: they are read with their
    program, and every write to one of them moves the program's `updated_at` (so a sync with
    `updated_since` reads the program again) and its `ETag`.
    """

    queryset = Program.objects.none()
    filterset_class = ProgramFilter
    search_fields = ["name", "goal"]
    ordering_fields = ["name", "created_at", "updated_at", "id"]

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return ProgramListSerializer if self.action == "list" else ProgramSerializer

    def coach_queryset(self) -> QuerySet[Program]:
        return selectors.program_list(coach=self.coach)

    def get_object(self) -> Program:
        return selectors.program_get_for(coach=self.coach, pk=self.kwargs["pk"], full=True)

    def etag_row(self) -> Program:
        return selectors.program_get_for(coach=self.coach, pk=self.kwargs["pk"])

    def retrieve(  # type: ignore[override]
        self, request: Request, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        # The answer is kept as the JSON sent, per coach, until a program or the library changes
        # (the version every such write bumps); only another format (the browsable API) draws it.
        key = f"api:program:{self.coach.pk}:{kwargs['pk']}:{programs_version()}"
        content = cache.get(key)
        if content is None:
            content = JSONRenderer().render(ProgramSerializer(self.get_object()).data)
            cache.set(key, content, PROGRAM_CACHE_SECONDS)
        if getattr(request.accepted_renderer, "format", "json") == "json":
            return HttpResponse(content, content_type="application/json")
        return Response(json.loads(content))

    def _detail(self, program: Program, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.program_get_for(coach=self.coach, pk=program.pk, full=True)
        return Response(ProgramSerializer(fresh).data, status=code)

    @transaction.atomic
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ProgramSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        blocks, days = data.pop("blocks", None), data.pop("days", None)
        program = services.program_create(coach=self.coach, data=data)
        if blocks is not None or days is not None:
            services.program_structure_save(
                coach=self.coach,
                program=program,
                blocks=blocks,
                days=[_day_data(day) for day in days] if days is not None else None,
            )
        return self._detail(program, status.HTTP_201_CREATED)

    @transaction.atomic
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        program = self.get_object()
        serializer = ProgramSerializer(program, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        blocks, days = data.pop("blocks", None), data.pop("days", None)
        services.program_update(coach=self.coach, program=program, data=data)
        if blocks is not None or days is not None:
            services.program_structure_save(
                coach=self.coach,
                program=program,
                blocks=blocks,
                days=[_day_data(day) for day in days] if days is not None else None,
            )
        self.program_changed(program.pk)
        return self._detail(program)

    @extend_schema(
        summary="List the training rules a program breaks",
        responses=WarningSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def warnings(self, request: Request, pk: str | None = None) -> Response:
        warnings = selectors.program_rule_warnings(program=self.get_object())
        return Response([w.__dict__ for w in warnings])

    @extend_schema(request=None, responses=ProgramSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: str | None = None) -> Response:
        program = services.program_archive(coach=self.coach, program=self.get_object())
        self.program_changed(program.pk)
        return self._detail(program)

    @extend_schema(
        request=inline_serializer("DuplicateRequest", {"name": serializers.CharField()}),
        responses={201: ProgramSerializer},
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request: Request, pk: str | None = None) -> Response:
        program = self.get_object()
        body = inline_serializer(
            "Duplicate",
            {
                "name": serializers.CharField(
                    max_length=cast(int, Program._meta.get_field("name").max_length),
                    required=False,
                    allow_blank=True,
                )
            },
            data=request.data,
        )
        body.is_valid(raise_exception=True)
        copy = services.program_duplicate(
            coach=self.coach, program=program, name=body.validated_data.get("name", "")
        )
        return self._detail(copy, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Copy a week of a plan onto another",
        request=CopyWeekSerializer,
        responses=ProgramSerializer,
        examples=[
            request_example("A lighter week 4", {"from_week": 3, "to_week": 4, "lighter": True})
        ],
    )
    @action(detail=True, methods=["post"], url_path="copy-week")
    def copy_week(self, request: Request, pk: str | None = None) -> Response:
        """Copy every day of `from_week` onto the same days of `to_week`, replacing them;
        with `lighter`, as a lighter week for a deload."""
        program = self.get_object()
        weeks = CopyWeekSerializer(data=request.data)
        weeks.is_valid(raise_exception=True)
        data = dict(weeks.validated_data)
        copy = services.week_copy_lighter if data.pop("lighter") else services.week_copy
        copy(coach=self.coach, program=program, **data)
        self.program_changed(program.pk)
        return self._detail(program)

    @extend_schema(
        summary="Generate a routine, or preview it",
        request=GenerateSerializer,
        responses={201: ProgramSerializer, 200: GeneratePreviewSerializer},
        examples=[
            request_example(
                "Thirty days of holds",
                {
                    "name": "Plank month",
                    "length_days": 30,
                    "items": [{"exercise": 12, "sets": 3, "hold_seconds": 20}],
                    "step": "hold",
                    "step_amount": 5,
                    "every_days": 7,
                },
            )
        ],
    )
    @action(detail=False, methods=["post"])
    def generate(self, request: Request) -> Response:
        serializer = GenerateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["items"] = [_item_data(item) for item in data["items"]]
        if data.pop("preview"):
            plan = routine_plan(
                coach=self.coach, **{k: v for k, v in data.items() if k in PLAN_ARGUMENTS}
            )
            days = [
                {"number": number, "prescriptions": prescriptions}
                for number, prescriptions in enumerate(plan.days, start=1)
            ]
            return Response(
                GeneratePreviewSerializer({"length_days": plan.length_days, "days": days}).data
            )
        program = services.routine_generate(coach=self.coach, **data)
        return self._detail(program, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Assign a program to clients",
        request=AssignSerializer,
        examples=[
            request_example(
                "Two clients from Monday", {"clients": [7, 9], "starts_on": "2027-03-08"}
            )
        ],
        responses={
            201: inline_serializer(
                "AssignResult",
                {
                    "created": serializers.IntegerField(),
                    "assignments": serializers.ListField(child=serializers.IntegerField()),
                    "starts_on": serializers.DateField(),
                },
            )
        },
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        program = selectors.program_get_for(coach=self.coach, pk=self.kwargs["pk"])
        serializer = AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = serializer.validated_data["clients"]
        clients = list(Client.objects.for_coach(self.coach).filter(pk__in=ids))
        if len(clients) != len(set(ids)):
            # Another practice's client reads as one that does not exist.
            raise DomainError(CLIENTS_OF_YOURS, field="clients")
        assignments = services.assignment_create_bulk(
            coach=self.coach,
            template=program,
            clients=clients,
            starts_on=serializer.validated_data["starts_on"],
            starting_stages=serializer.validated_data.get("starting_stages"),
            starts_on_mismatch=serializer.validated_data["starts_on_mismatch"],
            confirm_overlap=serializer.validated_data["confirm_overlap"],
        )
        return Response(
            {
                "created": len(assignments),
                "assignments": [a.pk for a in assignments],
                "starts_on": assignments[0].starts_on,
            },
            status=status.HTTP_201_CREATED,
        )


def _body(request: Request) -> dict[str, Any]:
    """The JSON object sent; any other body (a list, a number) reads as an empty one."""
    return request.data if isinstance(request.data, dict) else {}


def _day_data(day: dict[str, Any]) -> dict[str, Any]:
    data = dict(day)
    data["prescriptions"] = [_item_data(dict(p)) for p in day.get("prescriptions", [])]
    return data


class DayViewSet(
    ProgramVersionMixin,
    CoachScopedMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """One day of a program: title, intensity, rest day, notes; duplicate and reorder."""

    serializer_class = DaySerializer
    queryset = Day.objects.none()

    def get_object(self) -> Day:
        return selectors.day_get_for(coach=self.coach, pk=self.kwargs["pk"])

    def etag_row(self) -> Program:
        return self.get_object().program

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        data = {k: v for k, v in serializer.validated_data.items() if k in services.DAY_FIELDS}
        day = self.get_object()
        serializer.instance = services.day_update(coach=self.coach, day=day, data=data)
        self.program_changed(day.program_id)

    @extend_schema(
        summary="Copy a day onto other days",
        request=inline_serializer(
            "DuplicateDayRequest",
            {"to_days": serializers.ListField(child=serializers.IntegerField())},
        ),
        responses=DaySerializer(many=True),
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request: Request, pk: str | None = None) -> Response:
        day = self.get_object()
        to_days = _body(request).get("to_days")
        if not isinstance(to_days, list) or not all(isinstance(n, int) for n in to_days):
            raise serializers.ValidationError({"to_days": ["Give a list of day numbers."]})
        targets = services.day_duplicate(coach=self.coach, day=day, to_numbers=to_days)
        self.program_changed(day.program_id)
        days = selectors.day_list(coach=self.coach, pks=[t.pk for t in targets])
        return Response(DaySerializer(days, many=True).data)

    @extend_schema(
        summary="Reorder a day's exercises",
        request=inline_serializer(
            "ReorderRequest", {"ids": serializers.ListField(child=serializers.IntegerField())}
        ),
        responses=DaySerializer,
    )
    @action(detail=True, methods=["post"])
    def reorder(self, request: Request, pk: str | None = None) -> Response:
        day = self.get_object()
        ids = _body(request).get("ids")
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            raise serializers.ValidationError({"ids": ["Give the prescription ids in order."]})
        services.prescriptions_reorder(coach=self.coach, day=day, ids=ids)
        self.program_changed(day.program_id)
        return Response(DaySerializer(selectors.day_get_for(coach=self.coach, pk=day.pk)).data)


class PrescriptionWriteSerializer(PrescriptionSerializer):
    day = id_field(source="day_id")

    class Meta(PrescriptionSerializer.Meta):
        fields = ["day", *PrescriptionSerializer.Meta.fields]


class PrescriptionViewSet(
    ProgramVersionMixin,
    CoachScopedMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """An exercise on a day with its dose. `stage` null means the client's current stage."""

    serializer_class = PrescriptionWriteSerializer
    queryset = Prescription.objects.none()

    def get_object(self) -> Prescription:
        return selectors.prescription_get_for(coach=self.coach, pk=self.kwargs["pk"])

    def etag_row(self) -> Program:
        return self.get_object().day.program

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = _item_data(dict(serializer.validated_data))
        try:
            day = selectors.day_get_for(coach=self.coach, pk=data.pop("day_id"))
        except Http404 as exc:
            raise DomainError(DAY_OF_YOURS, field="day") from exc
        self.require_program_version(day.program_id)
        prescription = services.prescription_add(
            coach=self.coach, day=day, exercise_id=data.pop("exercise"), data=data
        )
        self.program_changed(day.program_id)
        return Response(
            self._read(prescription),
            status=status.HTTP_201_CREATED,
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        prescription = self.get_object()
        serializer = self.get_serializer(prescription, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = _item_data(dict(serializer.validated_data))
        data.pop("day_id", None)
        services.prescription_update(coach=self.coach, prescription=prescription, data=data)
        self.program_changed(prescription.day.program_id)
        return Response(self._read(prescription))

    def _read(self, prescription: Prescription) -> dict[str, Any]:
        fresh = selectors.prescription_get_for(coach=self.coach, pk=prescription.pk)
        return PrescriptionWriteSerializer(fresh).data

    def perform_destroy(self, instance: Prescription) -> None:
        services.prescription_delete(coach=self.coach, prescription=instance)
        self.program_changed(instance.day.program_id)


class BlockWriteSerializer(BlockSerializer):
    program = id_field(source="program_id")

    class Meta(BlockSerializer.Meta):
        fields = ["program", *BlockSerializer.Meta.fields]


class BlockViewSet(
    ProgramVersionMixin,
    CoachScopedMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """A periodization phase: days (routine) or weeks (plan) `start`…`end` with a focus."""

    serializer_class = BlockWriteSerializer
    queryset = Block.objects.none()

    def get_object(self) -> Block:
        return selectors.block_get_for(coach=self.coach, pk=self.kwargs["pk"])

    def etag_row(self) -> Program:
        return self.get_object().program

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            program = selectors.program_get_for(coach=self.coach, pk=data.pop("program_id"))
        except Http404 as exc:
            raise DomainError(PROGRAM_OF_YOURS, field="program") from exc
        self.require_program_version(program.pk)
        block = services.block_create(coach=self.coach, program=program, data=data)
        self.program_changed(program.pk)
        return Response(BlockWriteSerializer(block).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        data = {k: v for k, v in serializer.validated_data.items() if k in services.BLOCK_FIELDS}
        block = self.get_object()
        serializer.instance = services.block_update(coach=self.coach, block=block, data=data)
        self.program_changed(block.program_id)

    def perform_destroy(self, instance: Block) -> None:
        services.block_delete(coach=self.coach, block=instance)
        self.program_changed(instance.program_id)


class AssignmentSerializer(RowsSerializerMixin, serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.name", read_only=True)
    program_name = serializers.CharField(source="program.name", read_only=True)
    status = serializers.ChoiceField(
        choices=list(STATUS_LABELS.items()),
        read_only=True,
        help_text="`scheduled` while the first day is still ahead in the client's time zone "
        "(stored as active: filter on `active` to find it); otherwise as stored.",
    )
    first_day = serializers.DateField(read_only=True)
    last_day = serializers.DateField(read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "client",
            "client_name",
            "program",
            "program_name",
            "template",
            "starts_on",
            "status",
            "paused_on",
            "shift_days",
            "pauses",
            "starting_stages",
            "first_day",
            "last_day",
            "ended_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        if isinstance(instance, Assignment):
            data["status"] = status_shown(
                status=instance.status,
                first_day=instance.first_day,
                today=instance.client.local_today(),
            )
        return data


class DateSerializer(serializers.Serializer):
    on = serializers.DateField(required=False)


def _coach_clients(request: Request | None) -> QuerySet[Client]:
    coach = getattr(getattr(request, "user", None), "coach", None)
    return Client.objects.for_coach(coach) if coach is not None else Client.objects.none()


def _coach_programs(request: Request | None) -> QuerySet[Program]:
    coach = getattr(getattr(request, "user", None), "coach", None)
    if coach is None:
        return Program.objects.none()
    return Program.objects.visible_to(coach).templates()


class AssignmentFilter(UpdatedSinceFilterSet):
    """The filters of the assignments' list. `client` and `template` are the caller's own: any
    other id, another practice's or none at all, is the same 400."""

    client = OwnChoiceFilter(queryset=_coach_clients, label="Only this client's assignments.")
    template = OwnChoiceFilter(
        queryset=_coach_programs, label="Only the assignments of this program template."
    )

    class Meta:
        model = Assignment
        fields = ["status", "client", "template", "updated_since"]


class AssignmentCreateSerializer(AssignSerializer):
    clients = None  # type: ignore[assignment]  # one client, named by `client`
    client = id_field()
    program = id_field(help_text="A program template of yours, or a starter template.")


class AssignmentViewSet(
    ConditionalMixin, RowsListMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Programs given to clients: one client with POST here, several at once with POST
    /programs/{id}/assign/."""

    serializer_class = AssignmentSerializer
    queryset = Assignment.objects.none()
    filterset_class = AssignmentFilter
    ordering_fields = ["starts_on", "created_at", "updated_at", "id"]
    list_cache = "assignments"

    def coach_queryset(self) -> QuerySet[Assignment]:
        return selectors.assignment_list(coach=self.coach)

    def get_object(self) -> Assignment:
        return selectors.assignment_get_for(coach=self.coach, pk=self.kwargs["pk"])

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # A list shows "scheduled" until the client's first day: kept per quarter of an hour,
        # so it turns on time.
        self.list_cache = f"assignments:{quarter_hour()}"

    def list_values(self, queryset: QuerySet[Assignment], fields: list[str]) -> QuerySet[Any]:
        return selectors.assignment_values(queryset, fields=[*fields, "client__time_zone"])

    def list_rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        now = timezone.now()
        for row in selectors.assignment_dates(rows):
            today = now.astimezone(ZoneInfo(row.pop("client__time_zone"))).date()
            row["status"] = status_shown(
                status=row["status"], first_day=row["first_day"], today=today
            )
        return rows

    def etag_parts(self, row: Any) -> Any:
        # The status shown turns from scheduled to active on the client's first day.
        return (*super().etag_parts(row), row.client.local_today().isoformat())

    @extend_schema(request=AssignmentCreateSerializer, responses={201: AssignmentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Give a program to one client from a start date (as POST /programs/{id}/assign/)."""
        serializer = AssignmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        client = _coach_clients(request).filter(pk=data["client"]).first()
        if client is None:
            raise DomainError(CLIENT_OF_YOURS, field="client")
        program = _coach_programs(request).filter(pk=data["program"]).first()
        if program is None:
            raise DomainError(PROGRAM_OF_YOURS, field="program")
        [assignment] = services.assignment_create_bulk(
            coach=self.coach,
            template=program,
            clients=[client],
            starts_on=data["starts_on"],
            starting_stages=data.get("starting_stages"),
            starts_on_mismatch=data["starts_on_mismatch"],
            confirm_overlap=data["confirm_overlap"],
        )
        fresh = selectors.assignment_get_for(coach=self.coach, pk=assignment.pk)
        return Response(AssignmentSerializer(fresh).data, status=status.HTTP_201_CREATED)

    def _on(self, request: Request, assignment: Assignment) -> date:
        serializer = DateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data.get("on") or assignment.client.local_today()

    @extend_schema(request=DateSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        services.assignment_pause(
            coach=self.coach, assignment=assignment, on=self._on(request, assignment)
        )
        return Response(AssignmentSerializer(assignment).data)

    @extend_schema(request=DateSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        services.assignment_resume(
            coach=self.coach, assignment=assignment, on=self._on(request, assignment)
        )
        return Response(AssignmentSerializer(assignment).data)

    @extend_schema(
        summary="Give the client their own copy of the program",
        request=None,
        responses=AssignmentSerializer,
    )
    @action(detail=True, methods=["post"])
    def customise(self, request: Request, pk: str | None = None) -> Response:
        """Give this client a copy of their program of their own (see `program`)."""
        assignment = self.get_object()
        services.assignment_customise(coach=self.coach, assignment=assignment)
        return Response(AssignmentSerializer(assignment).data)

    @extend_schema(request=DateSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        services.assignment_cancel(
            coach=self.coach, assignment=assignment, on=self._on(request, assignment)
        )
        return Response(AssignmentSerializer(assignment).data)
