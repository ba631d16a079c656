"""Reads of a client's training: the daily plan (Today), their stages and their logs."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import reduce
from operator import or_

from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone

from coach.models import Client, Coach
from coach.selectors import get_in_scope
from exercises.models import Exercise, Stage
from programs.models import Assignment, Day, Prescription
from programs.schedule import day_at, offset_on
from training.doses import Dose, dose_resolve
from training.models import ClientStage, SessionLog, SetLog, StageChange

DOSE_NAMES = frozenset(
    [
        "sets",
        "reps_per_side",
        "hold_seconds",
        "rest_seconds",
        "load",
        "load_unit",
        "load_text",
        "tempo",
        "target_rpe",
        "notes",
        "from_stage",
        "is_per_side",
    ]
)
# How long the client is told that their coach moved them to a new stage.
MOVED_NOTE_DAYS = 7


@dataclass
class PlanItem:
    """One prescription of the day, as this client does it."""

    prescription: Prescription
    dose: Dose
    stage_is_fixed: bool
    current_stage: Stage | None
    logged: list[SetLog] = field(default_factory=list)
    last_time: list[SetLog] = field(default_factory=list)
    last_time_on: date | None = None
    moved: StageChange | None = None

    @property
    def exercise(self) -> Exercise:
        return self.prescription.exercise

    def __getattr__(self, name: str) -> object:
        # The resolved dose reads as the item's own (`item.sets`, `item.load_text`), so the one
        # dose renderer takes a plan item as it takes a prescription or a stage.
        if name in DOSE_NAMES:
            return getattr(self.dose, name)
        raise AttributeError(name)

    @property
    def stage(self) -> Stage | None:
        return self.dose.stage

    @property
    def differs_from_current(self) -> bool:
        """The program fixes a stage other than the one the client stands on."""
        return (
            self.stage_is_fixed
            and self.current_stage is not None
            and (self.dose.stage is not None and self.dose.stage.pk != self.current_stage.pk)
        )


@dataclass
class DailyPlan:
    assignment: Assignment
    on: date
    day: Day | None
    items: list[PlanItem]
    session: SessionLog | None = None
    offset: int | None = None

    @property
    def day_number(self) -> int | None:
        return self.day.number if self.day else None

    @property
    def total_days(self) -> int:
        return self.assignment.program.total_days

    @property
    def calendar_day(self) -> int | None:
        """Which calendar day of the program `on` is (1-based)."""
        return None if self.offset is None else self.offset + 1

    @property
    def state(self) -> str:
        """before_start, training, rest, paused or finished."""
        assignment = self.assignment
        if assignment.status == Assignment.Status.PAUSED and (
            assignment.paused_on is not None and self.on >= assignment.paused_on
        ):
            return "paused"
        if self.on < assignment.first_day:
            return "before_start"
        if self.on > assignment.last_day or assignment.status in (
            Assignment.Status.COMPLETED,
            Assignment.Status.CANCELLED,
        ):
            return "finished"
        if self.offset is None:
            return "paused"
        if self.day is None or self.day.is_rest or not self.items:
            return "rest"
        return "training"

    @property
    def progress_percent(self) -> int:
        return round(100 * (self.calendar_day or 0) / self.total_days) if self.total_days else 0


def stages_of(*, client: Client, exercise_ids: set[int]) -> dict[int, Stage]:
    """The stage the client stands on for each exercise with a ladder: their own row, else the
    ladder's first rung. Two queries, whatever the number of exercises."""
    current = {
        row.exercise_id: row.stage
        for row in ClientStage.objects.filter(client=client, exercise_id__in=exercise_ids)
        .select_related("stage")
        .defer(*(f"stage__{f}" for f in ("description", "criteria_note")))
    }
    missing = exercise_ids - set(current)
    if missing:
        for stage in Stage.objects.filter(exercise_id__in=missing).order_by("exercise_id", "order"):
            current.setdefault(stage.exercise_id, stage)
    return current


def _days_on(
    *, assignments: list[Assignment], on: date
) -> list[tuple[Assignment, int, Day | None]]:
    lookups = []
    for assignment in assignments:
        offset = offset_on(assignment=assignment, on=on)
        if offset is not None:
            lookup = day_at(program=assignment.program, start=assignment.starts_on, offset=offset)
            lookups.append((assignment, offset, lookup))
    if not lookups:
        return []
    wanted = reduce(or_, (Q(program_id=a.program_id, **lookup) for a, _, lookup in lookups))
    days = list(Day.objects.filter(wanted))

    def day_for(assignment: Assignment, lookup: dict[str, int]) -> Day | None:
        return next(
            (
                day
                for day in days
                if day.program_id == assignment.program_id
                and all(getattr(day, name) == value for name, value in lookup.items())
            ),
            None,
        )

    return [(a, offset, day_for(a, lookup)) for a, offset, lookup in lookups]


def daily_plans(*, client: Client, on: date, include_inactive: bool = False) -> list[DailyPlan]:
    """The client's plan for `on` (their local date): each active assignment's day, every item
    at the client's own stage with its dose and load, what is logged so far and what they did
    last time on each exercise.

    Only the day that falls on `on` is fetched, so the cost is the same for a 7-day and a
    365-day program, and for 1 and 300 logged sessions. With `include_inactive`, paused and
    not-yet-started or finished assignments are returned too (with no items), so a caller can
    say why there is nothing to do.
    """
    statuses = [Assignment.Status.ACTIVE]
    if include_inactive:
        statuses += [Assignment.Status.PAUSED, Assignment.Status.COMPLETED]
    assignments = list(
        Assignment.objects.filter(client=client, status__in=statuses)
        .select_related("program")
        .order_by("starts_on", "id")
    )
    found = _days_on(assignments=[a for a in assignments if a.status == "active"], on=on)
    by_assignment = {a.pk: (offset, day) for a, offset, day in found}
    day_ids = [day.pk for _, _, day in found if day is not None]
    prescriptions: dict[int, list[Prescription]] = defaultdict(list)
    if day_ids:
        for prescription in (
            Prescription.objects.filter(day__in=day_ids)
            .select_related("exercise", "stage")
            .defer("exercise__summary", "exercise__faults", "stage__criteria_note")
            .order_by("day_id", "order")
        ):
            prescriptions[prescription.day_id].append(prescription)
    exercise_ids = {p.exercise_id for group in prescriptions.values() for p in group}
    current = stages_of(client=client, exercise_ids=exercise_ids) if exercise_ids else {}
    sessions = (
        {
            s.assignment_id: s
            for s in SessionLog.objects.alive()
            .filter(client=client, on=on, assignment__in=[a.pk for a in assignments])
            .prefetch_related(Prefetch("sets", queryset=SetLog.objects.alive().order_by("id")))
        }
        if by_assignment
        else {}
    )
    last_sets, last_on = _last_time(client=client, exercise_ids=exercise_ids, before=on)
    moved = _recent_moves(client=client, exercise_ids=exercise_ids)

    plans = []
    for assignment in assignments:
        if assignment.pk not in by_assignment and not include_inactive:
            continue
        offset, day = by_assignment.get(assignment.pk, (None, None))
        session = sessions.get(assignment.pk)
        items = []
        for prescription in prescriptions.get(day.pk, []) if day else []:
            stage = prescription.stage or current.get(prescription.exercise_id)
            items.append(
                PlanItem(
                    prescription=prescription,
                    dose=dose_resolve(
                        prescription, stage, sex=client.sex, prefers_kg=client.prefers_kg
                    ),
                    stage_is_fixed=prescription.stage_id is not None,
                    current_stage=current.get(prescription.exercise_id),
                    logged=[
                        s
                        for s in (session.sets.all() if session else [])
                        if s.prescription_id == prescription.pk
                        or (s.prescription_id is None and s.exercise_id == prescription.exercise_id)
                    ],
                    last_time=last_sets.get(prescription.exercise_id, []),
                    last_time_on=last_on.get(prescription.exercise_id),
                    moved=moved.get(prescription.exercise_id),
                )
            )
        plans.append(
            DailyPlan(
                assignment=assignment, on=on, day=day, items=items, session=session, offset=offset
            )
        )
    return plans


def _last_time(
    *, client: Client, exercise_ids: set[int], before: date
) -> tuple[dict[int, list[SetLog]], dict[int, date]]:
    """The sets of each exercise's most recent earlier session: two queries, one row per
    exercise and then that session's sets, however long the history."""
    if not exercise_ids:
        return {}, {}
    latest = dict(
        SetLog.objects.alive()
        .filter(
            session__client=client,
            session__deleted_at__isnull=True,
            session__on__lt=before,
            exercise_id__in=exercise_ids,
        )
        .values_list("exercise_id")
        .annotate(last_on=Max("session__on"))
    )
    if not latest:
        return {}, {}
    wanted = reduce(or_, (Q(exercise_id=e, session__on=d) for e, d in latest.items()))
    sets: dict[int, list[SetLog]] = defaultdict(list)
    for set_log in (
        SetLog.objects.alive()
        .filter(wanted, session__client=client, session__deleted_at__isnull=True)
        .order_by("set_number", "side", "id")
    ):
        sets[set_log.exercise_id].append(set_log)
    return dict(sets), latest


def _recent_moves(*, client: Client, exercise_ids: set[int]) -> dict[int, StageChange]:
    """The coach's most recent move of the client on each exercise, within the last week."""
    if not exercise_ids:
        return {}
    since = timezone.now() - timedelta(days=MOVED_NOTE_DAYS)
    moves: dict[int, StageChange] = {}
    for change in StageChange.objects.filter(
        client=client, exercise_id__in=exercise_ids, changed_at__gte=since, changed_by__isnull=False
    ).select_related("to_stage", "from_stage"):
        moves.setdefault(change.exercise_id, change)
    return moves


def client_has_current_program(*, client: Client) -> bool:
    return Assignment.objects.filter(client=client).current().exists()


def client_stage_list(*, client: Client) -> QuerySet[ClientStage]:
    return ClientStage.objects.filter(client=client).select_related("exercise", "stage")


def session_logs_for(*, user, coach: Coach | None = None) -> QuerySet[SessionLog]:  # type: ignore[no-untyped-def]
    """Session logs the user may read: a client their own, a coach their clients'."""
    if coach is not None:
        return SessionLog.objects.filter(client__coach=coach)
    client = getattr(user, "client", None)
    if client is None:
        return SessionLog.objects.none()
    return SessionLog.objects.filter(client=client)


def session_log_get_for(*, user, pk: object) -> SessionLog:  # type: ignore[no-untyped-def]
    coach = getattr(user, "coach", None)
    return get_in_scope(
        session_logs_for(user=user, coach=coach).alive().select_related("client", "assignment"),
        pk=pk,
    )
