"""A client's training in the REST API: the daily plan, session and set logs, client stages.

/api/v1/clients/{id}/plan/ and /clients/{id}/stages/ answer the client themself and their coach;
/logs/ and /set-logs/ hold what was done. Anything outside the requester's reach is a 404.
"""

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, cast

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404, HttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coach.api import id_field
from coach.api_conventions import (
    ConditionalMixin,
    ContentETagMixin,
    OrderingFilter,
    etag_of,
    stamp_text,
)
from coach.api_rows import instance_row, row_output
from coach.api_schema import ErrorSerializer, request_example
from coach.common import keep_at, kept_at, today_versions
from coach.compiled import Compiled
from coach.errors import DomainError, NotAllowed
from coach.models import MAX_ID, Client
from coach.selectors import client_get_for, get_in_scope
from exercises.models import Exercise, Stage
from exercises.templatetags.dose import dose
from programs.models import Assignment, Day, Program
from programs.selectors import assignment_get_for, assignment_of_client
from training import selectors, services
from training.idempotency import HEADER, idempotent
from training.models import ClientStage, LogQuerySet, SessionLog, SetLog, StageChange
from training.progress import DayStatus
from training.selectors import DailyPlan, PlanItem

PLAN_STATES = ["before_start", "training", "rest", "paused", "finished"]
# One request logs a session, not a history: enough for any day's sets, bounded all the same.
MAX_SETS_PER_REQUEST = 200
# What a set says was done, in the order the API shows it.
SET_LOGGED = ["set_number", "side", *services.SET_FIELDS]

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "Any unique text (a UUID, say). A retry with the same key and body returns the first "
        "response and stores nothing twice; the same key with another body is a 409 "
        "(`idempotency_key_reused`). Keys are kept per user. A replayed response carries the "
        "header `Idempotent-Replayed: true`."
    ),
)


# --- who may reach what ---------------------------------------------------------------------


def _client_for(user: Any, pk: int) -> Client:
    """A coach's own client, or the client themself; Http404 for anyone else."""
    coach = getattr(user, "coach", None)
    if coach is not None:
        return client_get_for(coach=coach, pk=pk)
    own: Client | None = getattr(user, "client", None)
    if own is not None and own.pk == pk:
        return own
    raise Http404


def _assignment_for(user: Any, pk: int) -> Assignment:
    coach = getattr(user, "coach", None)
    if coach is not None:
        return assignment_get_for(coach=coach, pk=pk)
    own = getattr(user, "client", None)
    if own is None:
        raise Http404
    return assignment_of_client(client=own, pk=pk)


def _sessions_for(user: Any) -> LogQuerySet:
    return cast(
        LogQuerySet, selectors.session_logs_for(user=user, coach=getattr(user, "coach", None))
    )


def _with_sets(sessions: QuerySet[SessionLog], *, deleted: bool = False) -> QuerySet[SessionLog]:
    sets = SetLog.objects.all() if deleted else SetLog.objects.alive()
    return sessions.select_related("client").prefetch_related(
        Prefetch("sets", queryset=sets.order_by("id"))
    )


def _is_the_client(user: Any, session: SessionLog) -> bool:
    return session.client.user_id is not None and session.client.user_id == user.pk


def _logged_by_client(user: Any, session: SessionLog) -> None:
    """Only the client corrects or deletes what they logged; their coach reads and comments."""
    if not _is_the_client(user, session):
        raise NotAllowed("Only the client can change or delete their own log.")


def _entered_by_coach(entered_by_id: int | None, client: Client) -> bool:
    return entered_by_id is not None and entered_by_id != client.user_id


def _validated(serializer: serializers.Serializer) -> dict[str, Any]:
    """The serializer's data, or a 400 naming each bad input by its path (`sets.1.load`)."""
    if not serializer.is_valid():
        raise ValidationError(_dotted(serializer.errors))
    return dict(serializer.validated_data)


def _dotted(detail: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(detail, Mapping):
        items: Any = detail.items()
    elif isinstance(detail, list) and any(isinstance(x, Mapping | list) for x in detail):
        items = enumerate(detail)
    else:
        return {prefix.rstrip(".") or "non_field_errors": detail}
    found: dict[str, Any] = {}
    for key, value in items:
        if not value:
            continue  # a valid row of a list
        path = prefix if key == "non_field_errors" and prefix else f"{prefix}{key}."
        found.update(_dotted(value, path))
    return found


# --- output ---------------------------------------------------------------------------------


class StageBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stage
        fields = ["id", "order", "name", "support", "surface"]


class PlanExerciseSerializer(serializers.ModelSerializer):
    instructions = serializers.ListField(child=serializers.CharField())
    cues = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Exercise
        fields = [
            "id",
            "name",
            "laterality",
            "measurement",
            "video_url",
            "instructions",
            "cues",
            "breathing",
        ]


class SetLogSerializer(serializers.ModelSerializer):
    entered_by_coach = serializers.SerializerMethodField()

    class Meta:
        model = SetLog
        fields = [
            "id",
            "prescription",
            "exercise",
            "stage",
            *SET_LOGGED,
            "client_uuid",
            "logged_at",
            "is_late",
            "entered_by_coach",
            "updated_at",
            "deleted_at",
        ]
        read_only_fields = fields

    def get_entered_by_coach(self, set_log: SetLog) -> bool:
        client = self.context.get("client") or set_log.session.client
        return _entered_by_coach(set_log.entered_by_id, client)


class SessionLogSerializer(serializers.ModelSerializer):
    """A session with its sets: those not deleted (with `updated_since`, the deleted too)."""

    entered_by_coach = serializers.SerializerMethodField()
    sets = SetLogSerializer(many=True, read_only=True)

    class Meta:
        model = SessionLog
        fields = [
            "id",
            "client",
            "assignment",
            "on",
            "day_number",
            *services.SESSION_FIELDS,
            "coach_comment",
            "completed_at",
            "is_late",
            "entered_by_coach",
            "created_at",
            "updated_at",
            "deleted_at",
            "sets",
        ]
        read_only_fields = fields

    def get_entered_by_coach(self, session: SessionLog) -> bool:
        client = self.context.get("client") or session.client
        return _entered_by_coach(session.entered_by_id, client)


# A session and its sets written as the two serializers above write them, from the fields
# they read once per process (coach.api_rows): DRF builds a serializer's fields again on every
# request, several times what writing a few rows costs.


def _set_rows(sets: Iterable[SetLog], client: Client) -> list[dict[str, Any]]:
    keys = row_output(SetLogSerializer).keys
    return [
        instance_row(s, keys, entered_by_coach=_entered_by_coach(s.entered_by_id, client))
        for s in sets
    ]


def _session_output(session: SessionLog, sets: Iterable[SetLog], client: Client) -> dict[str, Any]:
    """As `SessionLogSerializer(session).data` with these `sets` (its sets as shown)."""
    output = row_output(SessionLogSerializer)
    row = instance_row(
        session,
        output.keys,
        entered_by_coach=_entered_by_coach(session.entered_by_id, client),
        sets=_set_rows(sets, client),
    )
    return output.one(row)


class DoseSerializer(serializers.Serializer):
    """The dose of a plan item: the coach's values over the client's stage's."""

    sets = serializers.IntegerField(allow_null=True)
    reps_per_side = serializers.IntegerField(allow_null=True)
    hold_seconds = serializers.IntegerField(allow_null=True)
    rest_seconds = serializers.IntegerField(allow_null=True)
    load = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    load_unit = serializers.CharField()
    load_text = serializers.CharField(help_text="The client's load, e.g. a stage's band.")
    tempo = serializers.CharField()
    target_rpe = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    notes = serializers.CharField()
    from_stage = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()

    def get_from_stage(self, item: PlanItem) -> list[str]:
        """The fields the stage gave (the coach left them empty)."""
        return sorted(item.dose.from_stage)

    def get_text(self, item: PlanItem) -> str:
        """The dose in words, as the pages show it."""
        return dose(item.dose)


class MovedSerializer(serializers.Serializer):
    to = StageBriefSerializer(source="to_stage")
    at = serializers.DateTimeField(source="changed_at")

    def get_fields(self) -> dict[str, serializers.Field]:
        # "from" is a Python keyword: it cannot be declared as a class attribute.
        fields = super().get_fields()
        return {"from": StageBriefSerializer(source="from_stage", allow_null=True), **fields}


class LastTimeSerializer(serializers.Serializer):
    on = serializers.DateField()
    sets = SetLogSerializer(many=True)


class PlanItemSerializer(serializers.Serializer):
    prescription = serializers.IntegerField(source="prescription.pk")
    order = serializers.IntegerField(source="prescription.order")
    superset_group = serializers.CharField(source="prescription.superset_group")
    exercise = PlanExerciseSerializer()
    stage = StageBriefSerializer(allow_null=True)
    stage_is_fixed = serializers.BooleanField()
    current_stage = StageBriefSerializer(allow_null=True)
    per_side = serializers.BooleanField(source="is_per_side")
    dose = DoseSerializer(source="*")
    logged = SetLogSerializer(many=True)
    last_time = serializers.SerializerMethodField()
    moved = serializers.SerializerMethodField()

    @extend_schema_field(LastTimeSerializer(allow_null=True))
    def get_last_time(self, item: PlanItem) -> dict[str, Any] | None:
        if item.last_time_on is None:
            return None
        return LastTimeSerializer(
            {"on": item.last_time_on, "sets": item.last_time}, context=self.context
        ).data

    @extend_schema_field(MovedSerializer(allow_null=True))
    def get_moved(self, item: PlanItem) -> dict[str, Any] | None:
        """The coach's move of the client onto this stage, in the last days."""
        change: StageChange | None = item.moved
        return None if change is None else MovedSerializer(change).data


class ProgramBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = ["id", "name", "kind"]


class PlanDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = Day
        fields = ["title", "notes", "is_rest"]


class PlanAssignmentSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(source="assignment.pk")
    program = ProgramBriefSerializer(source="assignment.program")
    state = serializers.ChoiceField(choices=PLAN_STATES)
    day_number = serializers.IntegerField(allow_null=True)
    calendar_day = serializers.IntegerField(allow_null=True)
    total_days = serializers.IntegerField()
    starts_on = serializers.DateField(source="assignment.starts_on")
    last_day = serializers.DateField(source="assignment.last_day")
    day = PlanDaySerializer(allow_null=True)
    session = SessionLogSerializer(allow_null=True)
    items = PlanItemSerializer(many=True)


class UpcomingExerciseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="exercise_id")
    name = serializers.CharField(source="exercise.name")


class UpcomingDaySerializer(serializers.Serializer):
    on = serializers.DateField()
    weekday = serializers.IntegerField(help_text="0 = Monday … 6 = Sunday.")
    day_number = serializers.IntegerField(source="day.number")
    title = serializers.CharField(source="day.title")
    exercises = UpcomingExerciseSerializer(source="prescriptions", many=True)


class UpcomingSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(source="assignment.pk")
    program = ProgramBriefSerializer(source="assignment.program")
    starts_on = serializers.DateField(help_text="The program's first day.")
    days = UpcomingDaySerializer(
        many=True, help_text="The training days of its first week, with their exercises."
    )


class PlanSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    date = serializers.DateField(help_text="The day shown, in the client's time zone.")
    today = serializers.DateField(help_text="The client's own date now.")
    assignments = PlanAssignmentSerializer(many=True)
    upcoming = UpcomingSerializer(
        allow_null=True,
        help_text="The next program to start after `date`, with its first week; null when "
        "none is ahead.",
    )


class EvidenceSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    on = serializers.DateField()
    late = serializers.BooleanField()


class ClientStageSerializer(serializers.ModelSerializer):
    exercise_name = serializers.CharField(source="exercise.name", read_only=True)
    stage_order = serializers.IntegerField(source="stage.order", read_only=True)
    stage_name = serializers.CharField(source="stage.name", read_only=True)
    ready_evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = ClientStage
        fields = [
            "exercise",
            "exercise_name",
            "stage",
            "stage_order",
            "stage_name",
            "ready_since",
            "ready_evidence",
            "updated_at",
        ]
        read_only_fields = fields


# --- input ----------------------------------------------------------------------------------


class PlanQuerySerializer(serializers.Serializer):
    date = serializers.DateField(required=False)


class SetInputSerializer(serializers.ModelSerializer):
    """One set as logged: `prescription` (or, when it is gone, `exercise`), side and numbers."""

    prescription = id_field(required=False, allow_null=True)
    exercise = id_field(required=False, allow_null=True)

    class Meta:
        model = SetLog
        fields = ["prescription", "exercise", *SET_LOGGED, "client_uuid"]
        extra_kwargs = {
            "set_number": {"required": False},
            "side": {"required": False},
            # A client_uuid already stored is the same set sent again: not an error.
            "client_uuid": {"validators": []},
        }


class LogCreateSerializer(serializers.ModelSerializer):
    assignment = id_field()
    # A list serializer takes max_length (DRF 3.14 on); the stubs do not know it yet.
    sets = SetInputSerializer(many=True, required=False, max_length=MAX_SETS_PER_REQUEST)  # type: ignore[call-arg]

    class Meta:
        model = SessionLog
        fields = ["assignment", "on", *services.SESSION_FIELDS, "sets"]
        # One session per day: a second create adds to it, so no uniqueness check here.
        validators: list[Any] = []


class SessionPatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = SessionLog
        fields = list(services.SESSION_FIELDS)


class CoachCommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = SessionLog
        fields = ["coach_comment"]


class SetPatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = SetLog
        fields = SET_LOGGED


class StageMoveSerializer(serializers.Serializer):
    exercise = id_field()
    stage = id_field(required=False)
    step = serializers.ChoiceField(choices=["up", "down"], required=False)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("stage" in attrs) == ("step" in attrs):
            raise serializers.ValidationError({"stage": ["Give either a stage or a step."]})
        return attrs


# --- the daily plan -------------------------------------------------------------------------


class ClientPlanView(ContentETagMixin, APIView):
    """The client's day: each assignment's day number and state, each item at the client's
    stage with its dose and load, and what is logged so far. For the client and their coach."""

    @extend_schema(
        summary="Read a client's plan for a day",
        parameters=[
            OpenApiParameter(
                "date",
                OpenApiTypes.DATE,
                description="The client's local date; their today by default.",
            )
        ],
        responses=PlanSerializer,
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        client = _client_for(request.user, pk)
        query = _validated(PlanQuerySerializer(data=request.query_params))
        today = client.local_today()
        on: date = query.get("date") or today

        def build() -> dict[str, Any]:
            plans: list[DailyPlan] = selectors.daily_plans(
                client=client, on=on, include_inactive=True
            )
            body = {
                "client": client.pk,
                "date": on,
                "today": today,
                "assignments": plans,
                "upcoming": selectors.upcoming_program(plans=plans),
            }
            data = PlanSerializer(body, context={"client": client}).data
            return cast(dict[str, Any], json.loads(JSONRenderer().render(data)))

        # The answer is kept as the JSON sent, and the plan apart from the day's own logs (as
        # Today keeps its page): a set or session logged draws only what was logged again.
        name = f"plan-api:{client.pk}:{on.isoformat()}:{today.isoformat()}"
        answer_key, plans_key = f"{name}:answer", f"{name}:plans"
        # The versions and the kept answer in one round trip (see coach.common.kept_at).
        plans_version, logs_version, kept = today_versions(
            client.pk, on=on, today=today, kept=[answer_key]
        )
        answer_at = f"{plans_version}.{logs_version}"
        content = kept_at(kept.get(answer_key), answer_at)
        if content is None:
            body = kept_at(cache.get(plans_key), plans_version)
            if body is None:
                body = build()
                keep_at(plans_key, plans_version, body, selectors.PLAN_CACHE_SECONDS)
            content = JSONRenderer().render(_with_logs(body, client=client, on=on))
            keep_at(answer_key, answer_at, content, selectors.PLAN_CACHE_SECONDS)
        if getattr(request.accepted_renderer, "format", "json") == "json":
            return HttpResponse(content, content_type="application/json")
        return Response(json.loads(content))


def _with_logs(body: dict[str, Any], *, client: Client, on: date) -> dict[str, Any]:
    """The plan as kept, with the day's sessions and each item's logged sets as they are now
    (as `daily_plans` reads them: sessions only when an active program has a day on `on`).
    Two queries."""
    plans = body["assignments"]
    sessions = (
        selectors.sessions_on(client=client, on=on, assignment_ids=[p["assignment"] for p in plans])
        if any(plan["calendar_day"] is not None for plan in plans)
        else {}
    )

    def logged(session: SessionLog | None, item: dict[str, Any]) -> Any:
        sets = selectors.logged_for(
            session, prescription_id=item["prescription"], exercise_id=item["exercise"]["id"]
        )
        return row_output(SetLogSerializer).many(_set_rows(sets, client))

    def with_session(plan: dict[str, Any]) -> dict[str, Any]:
        session = sessions.get(plan["assignment"])
        return {
            **plan,
            "session": None
            if session is None
            else _session_output(session, list(session.sets.all()), client),
            "items": [{**item, "logged": logged(session, item)} for item in plan["items"]],
        }

    return {**body, "assignments": [with_session(plan) for plan in plans]}


# --- client stages --------------------------------------------------------------------------


class ClientStagesView(ContentETagMixin, APIView):
    """Where the client stands on each exercise, with readiness to move up and its evidence.
    The coach moves the client to a stage, or one step up or down."""

    @extend_schema(
        summary="List where a client stands on each exercise",
        responses=ClientStageSerializer(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        client = _client_for(request.user, pk)
        rows = selectors.client_stage_list(client=client).order_by("exercise__name", "exercise")
        return Response(ClientStageSerializer(rows, many=True).data)

    @extend_schema(
        summary="Move a client to a stage, or a step up or down",
        examples=[
            request_example(
                "One step up", {"exercise": 12, "step": "up", "reason": "Three clean sessions."}
            )
        ],
        request=StageMoveSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={200: ClientStageSerializer, 409: ErrorSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        client = _client_for(request.user, pk)
        coach = getattr(request.user, "coach", None)
        if coach is None:
            raise NotAllowed("Only the coach moves a client between stages.")

        def move() -> Response:
            data = _validated(StageMoveSerializer(data=request.data))
            exercise = Exercise.objects.visible_to(coach).filter(pk=data["exercise"]).first()
            if exercise is None:
                raise DomainError("Choose an exercise of your library.", field="exercise")
            if "stage" in data:
                stage = exercise.stages.filter(pk=data["stage"]).first()
                if stage is None:
                    raise DomainError("Choose a stage of this exercise.", field="stage")
                row = services.client_stage_set(
                    by=request.user,  # type: ignore[arg-type]
                    client=client,
                    exercise=exercise,
                    stage=stage,
                    reason=data["reason"],
                )
            else:
                row = services.client_stage_step(
                    by=request.user,  # type: ignore[arg-type]
                    client=client,
                    exercise=exercise,
                    up=data["step"] == "up",
                    reason=data["reason"],
                )
            return Response(ClientStageSerializer(row).data)

        return idempotent(request, move)


# --- logs -----------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A row's id: a whole number in the id range (past it, a 400 rather than a 500)."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class SessionLogFilter(django_filters.FilterSet):
    client = IdFilter(field_name="client_id")
    exercise = IdFilter(method="filter_exercise", label="Sessions with a set of this exercise.")
    date_from = django_filters.DateFilter(field_name="on", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="on", lookup_expr="lte")
    updated_since = django_filters.IsoDateTimeFilter(
        method="filter_updated_since",
        label="Sessions changed since (a set of theirs too); deleted ones come with deleted_at.",
    )

    class Meta:
        model = SessionLog
        fields = ["client", "exercise", "date_from", "date_to", "updated_since"]

    def filter_exercise(
        self, queryset: QuerySet[SessionLog], name: str, value: int
    ) -> QuerySet[SessionLog]:
        sets = SetLog.objects.alive().filter(session=OuterRef("pk"), exercise_id=value)
        return queryset.filter(Exists(sets))

    def filter_updated_since(
        self, queryset: QuerySet[SessionLog], name: str, value: datetime
    ) -> QuerySet[SessionLog]:
        changed_sets = SetLog.objects.filter(session=OuterRef("pk"), updated_at__gte=value)
        return queryset.filter(Q(updated_at__gte=value) | Exists(changed_sets))


def _log(*, by: Any, assignment: Assignment, data: dict[str, Any]) -> SessionLog:
    """The day's session (made or found) with each set added, then how the session went (in
    one transaction: see services.session_log_enter)."""
    on = data.pop("on")
    sets = data.pop("sets", [])
    return services.session_log_enter(
        by=by, client=assignment.client, assignment=assignment, on=on, data=data, sets=sets
    )


ASSIGNMENT_OF_YOURS = "Choose one of this client's programs."

# A session as it is now (the answer to a log).
_SESSION: Compiled[SessionLog] = Compiled(lambda pk: SessionLog.objects.filter(pk=pk)[:1], ids=1)
# Its sets, the deleted too (their times are part of its tag).
_SESSION_SETS: Compiled[SetLog] = Compiled(
    lambda pk: SetLog.objects.filter(session_id=pk).order_by("id"), ids=1
)


class SessionLogViewSet(ConditionalMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Session logs with their sets: a client's own, or a coach's clients'.

    Only the client changes or deletes what they logged (a deletion is kept, and shown to
    `updated_since` readers with `deleted_at`); their coach may add a comment. A coach may log
    a session for a client; it reads as entered by the coach.
    """

    serializer_class = SessionLogSerializer
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = SessionLogFilter
    ordering_fields = ["on", "updated_at", "id"]
    ordering = ["-on", "-id"]
    queryset = SessionLog.objects.none()
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[SessionLog]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return self.queryset
        syncing = "updated_since" in self.request.query_params
        sessions = _sessions_for(self.request.user)
        return _with_sets(sessions if syncing else sessions.alive(), deleted=syncing)

    def get_object(self) -> SessionLog:
        return selectors.session_log_get_for(user=self.request.user, pk=self.kwargs["pk"])

    def etag_parts(self, row: Any) -> Any:
        # A session reads with its sets: a change to one of them is a new version too.
        sets = SetLog.objects.filter(session=row).aggregate(changed=Max("updated_at"))
        return (*super().etag_parts(row), stamp_text(sets["changed"]))

    def _read(self, session: SessionLog) -> Response:
        fresh = _with_sets(SessionLog.objects.filter(pk=session.pk)).get()
        return Response(SessionLogSerializer(fresh).data)

    def _created(self, session: SessionLog, client: Client) -> Response:
        """The session just written, with its sets, as they are now (another request may have
        changed the row since this one read it), and the tag a read of it gives (the route
        names none to look it up by again)."""
        session = _SESSION.first(session.pk) or session
        every = list(_SESSION_SETS(session.pk))
        alive = [s for s in every if s.deleted_at is None]
        changed = max((s.updated_at for s in every), default=None)
        response = Response(_session_output(session, alive, client), status=status.HTTP_201_CREATED)
        response["ETag"] = etag_of(*super().etag_parts(session), stamp_text(changed))
        return response

    @extend_schema(
        summary="Log a day's session and sets",
        examples=[
            request_example(
                "A session with two sets",
                {
                    "assignment": 31,
                    "on": "2027-03-09",
                    "status": "done",
                    "effort": 7,
                    "sets": [
                        {"prescription": 88, "set_number": 1, "side": "left", "reps": 8},
                        {"prescription": 88, "set_number": 1, "side": "right", "reps": 8},
                    ],
                },
            )
        ],
        request=LogCreateSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: SessionLogSerializer, 409: ErrorSerializer},
    )
    def create(self, request: Request) -> Response:
        """Log a day: makes the day's session or adds to it, with any sets given. A set whose
        `client_uuid` is already stored is not stored again."""

        def log() -> Response:
            data = _validated(LogCreateSerializer(data=request.data))
            try:
                assignment = _assignment_for(request.user, data.pop("assignment"))
            except Http404 as exc:
                # Another practice's assignment reads as one that does not exist.
                raise DomainError(ASSIGNMENT_OF_YOURS, field="assignment") from exc
            session = _log(by=request.user, assignment=assignment, data=data)
            return self._created(session, assignment.client)

        return idempotent(request, log)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return self._read(self.get_object())

    @extend_schema(request=SessionPatchSerializer, responses=SessionLogSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """The client changes status, skip reason, effort, note or video link; their coach only
        `coach_comment`."""
        session = self.get_object()
        sent = set(request.data) if isinstance(request.data, Mapping) else set()
        if _is_the_client(request.user, session):
            if "coach_comment" in sent:
                raise NotAllowed("Only the coach can comment on a log.")
            data = _validated(SessionPatchSerializer(data=request.data, partial=True))
            session = services.session_log_save(
                by=request.user,  # type: ignore[arg-type]
                client=session.client,
                assignment=session.assignment,
                on=session.on,
                data=data,
            )
        else:
            if sent & set(services.SESSION_FIELDS):
                raise NotAllowed("Only the client can change their log; add a comment instead.")
            data = _validated(CoachCommentSerializer(data=request.data, partial=True))
            if "coach_comment" in data:
                services.session_log_comment(session=session, comment=data["coach_comment"])
        return self._read(session)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        _logged_by_client(request.user, session)
        services.session_log_delete(session=session)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SetLogViewSet(ConditionalMixin, viewsets.GenericViewSet):
    """One logged set: the client who logged it corrects or deletes it (a soft delete)."""

    serializer_class = SetLogSerializer
    queryset = SetLog.objects.none()
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self) -> SetLog:
        sessions = _sessions_for(self.request.user).alive()
        return get_in_scope(
            SetLog.objects.alive()
            .filter(session__in=sessions.values("pk"))
            .select_related("session__client", "exercise"),
            pk=self.kwargs["pk"],
        )

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(SetLogSerializer(self.get_object()).data)

    @extend_schema(request=SetPatchSerializer, responses=SetLogSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        set_log = self.get_object()
        _logged_by_client(request.user, set_log.session)
        data = _validated(SetPatchSerializer(data=request.data, partial=True))
        services.set_log_update(set_log=set_log, data=data)
        return Response(SetLogSerializer(set_log).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        set_log = self.get_object()
        _logged_by_client(request.user, set_log.session)
        services.set_log_delete(set_log=set_log)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- progress -----------------------------------------------------------------------------------


class AdherenceSerializer(serializers.Serializer):
    done = serializers.FloatField(help_text="Sessions done; a partly done session counts half.")
    due = serializers.IntegerField(help_text="Sessions due (see the rules on the progress page).")
    percent = serializers.IntegerField(
        allow_null=True, help_text="done ÷ due, rounded; null when no session was due."
    )


class ProgressAdherenceSerializer(serializers.Serializer):
    last_7_days = AdherenceSerializer()
    last_30_days = AdherenceSerializer()
    program = AdherenceSerializer(help_text="The whole of the program shown.")


class ProgressDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    status = serializers.ChoiceField(choices=[status.value for status in DayStatus])
    day = serializers.IntegerField(
        allow_null=True, help_text="Calendar day of the program (from 1); null while paused."
    )
    late = serializers.BooleanField(help_text="Its session was logged after the day.")


class ProgressProgramSerializer(serializers.Serializer):
    assignment = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=Assignment.Status.choices)
    starts_on = serializers.DateField()


class ProgressCalendarSerializer(ProgressProgramSerializer):
    days = ProgressDaySerializer(many=True)


class SideFiguresSerializer(serializers.Serializer):
    total = serializers.FloatField(
        help_text="The side's total in the exercise's measure: hold seconds, reps, or "
        "reps × load in lb."
    )
    reps = serializers.IntegerField(allow_null=True)
    longest_hold = serializers.IntegerField(allow_null=True, help_text="Seconds.")
    heaviest = serializers.FloatField(allow_null=True, help_text="In the exercise's load_unit.")


class ProgressSessionSerializer(serializers.Serializer):
    date = serializers.DateField()
    session = serializers.IntegerField()
    sides = serializers.DictField(
        child=SideFiguresSerializer(), help_text="By side: left, right, both."
    )
    asymmetry = serializers.FloatField(
        allow_null=True, help_text="|L − R| ÷ max(L, R), from 0 to 1; null unless both sides."
    )
    one_side_missing = serializers.BooleanField()


class ProgressStageChangeSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The client's local date of the move.")
    exercise = serializers.IntegerField()
    exercise_name = serializers.CharField()
    stage_order = serializers.IntegerField()
    stage_name = serializers.CharField()
    by_coach = serializers.BooleanField(help_text="False for the first rung the system set.")


class ProgressExerciseSerializer(serializers.Serializer):
    exercise = serializers.IntegerField()
    name = serializers.CharField()
    measurement = serializers.ChoiceField(choices=Exercise.Measurement.choices)
    unilateral = serializers.BooleanField()
    load_unit = serializers.CharField()
    sessions = ProgressSessionSerializer(many=True)


class ClientProgressSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    today = serializers.DateField(help_text="The client's local date.")
    range = serializers.ChoiceField(choices=list(selectors.PROGRESS_RANGES))
    since = serializers.DateField(allow_null=True, help_text="Start of the trends' time range.")
    adherence = ProgressAdherenceSerializer()
    current_streak = serializers.IntegerField()
    longest_streak = serializers.IntegerField()
    missed_in_a_row = serializers.IntegerField()
    programs = ProgressProgramSerializer(
        many=True, help_text="The client's programs, oldest first."
    )
    program = ProgressCalendarSerializer(allow_null=True, help_text="The program shown, by day.")
    exercises = ProgressExerciseSerializer(many=True)
    stage_changes = ProgressStageChangeSerializer(many=True)


class ProgressQuerySerializer(serializers.Serializer):
    range = serializers.ChoiceField(
        choices=list(selectors.PROGRESS_RANGES),
        default=selectors.DEFAULT_PROGRESS_RANGE,
    )
    program = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _adherence(figures: Any) -> dict[str, Any]:
    return {"done": float(figures.done), "due": figures.due, "percent": figures.percent}


def _program(calendar: selectors.ProgramCalendar) -> dict[str, Any]:
    assignment = calendar.assignment
    return {
        "assignment": assignment.pk,
        "name": assignment.program.name,
        "status": assignment.status,
        "starts_on": assignment.starts_on,
    }


def _progress_body(progress: selectors.ClientProgress) -> dict[str, Any]:
    calendar = progress.calendar
    return {
        "client": progress.client.pk,
        "today": progress.today,
        "range": progress.range_key,
        "since": progress.since,
        "adherence": {
            "last_7_days": _adherence(progress.week),
            "last_30_days": _adherence(progress.month),
            "program": _adherence(progress.program),
        },
        "current_streak": progress.current_streak,
        "longest_streak": progress.longest_streak,
        "missed_in_a_row": progress.missed_in_a_row,
        "programs": [_program(c) for c in progress.calendars],
        "program": None
        if calendar is None
        else {
            **_program(calendar),
            "days": [
                {
                    "date": day.on,
                    "status": day.status.value,
                    "day": None if day.offset is None else day.offset + 1,
                    "late": day.late,
                }
                for day in calendar.days
            ],
        },
        "exercises": [
            {
                "exercise": exercise.exercise_id,
                "name": exercise.name,
                "measurement": exercise.measurement,
                "unilateral": exercise.is_unilateral,
                "load_unit": exercise.load_unit,
                "sessions": [
                    {
                        "date": session.on,
                        "session": session.session_id,
                        "sides": {
                            side: {
                                "total": float(total),
                                "reps": session.reps.get(side),
                                "longest_hold": session.longest_hold.get(side),
                                "heaviest": _number(exercise.heaviest(session, side)),
                            }
                            for side, total in session.total.items()
                        },
                        "asymmetry": _number(session.asymmetry),
                        "one_side_missing": session.one_side_missing,
                    }
                    for session in exercise.sessions
                ],
            }
            for exercise in progress.exercises
        ],
        "stage_changes": [
            {
                "date": mark.on,
                "exercise": mark.exercise_id,
                "exercise_name": mark.exercise_name,
                "stage_order": mark.order,
                "stage_name": mark.name,
                "by_coach": mark.by_coach,
            }
            for mark in progress.stage_marks
        ],
    }


class ClientProgressView(ContentETagMixin, APIView):
    """The client's progress, as their progress page shows it: adherence over 7 and 30 days
    and the whole program, streaks, the program day by day, and per exercise and side each
    session's figures with its left/right asymmetry index, and the stage changes. For the
    client and their coach."""

    @extend_schema(
        summary="Read a client's progress",
        parameters=[ProgressQuerySerializer],
        responses=ClientProgressSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        client = _client_for(request.user, pk)
        query = _validated(ProgressQuerySerializer(data=request.query_params))
        progress = selectors.client_progress(
            client=client, range_key=query["range"], assignment_id=query.get("program")
        )
        chosen = progress.calendar
        if "program" in query and (chosen is None or chosen.assignment.pk != query["program"]):
            raise Http404
        return Response(ClientProgressSerializer(_progress_body(progress)).data)
