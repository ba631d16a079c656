"""Reads of a client's training: the daily plan (Today), their stages and their logs."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property, lru_cache, reduce
from operator import or_
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from coach.common import client_versions, keep_at, kept_at, plans_version
from coach.compiled import Compiled, CompiledRows, attach
from coach.models import Client, Coach
from coach.selectors import client_list as coach_client_list
from coach.selectors import get_in_scope
from exercises.models import Exercise, Stage
from programs import selectors as program_selectors
from programs.models import Assignment, Day, Prescription
from programs.schedule import day_at, day_date, day_offset, offset_on
from training.doses import LB_PER_KG, Dose, dose_resolve
from training.models import (
    ClientStage,
    ClientSummary,
    LogQuerySet,
    SessionLog,
    SetLog,
    StageChange,
)
from training.progress import (
    Adherence,
    Logged,
    ProgramDay,
    SessionSides,
    SetFigures,
    adherence,
    missed_in_a_row,
    program_days,
    session_sides,
    streaks,
)

T = TypeVar("T")
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
    rung the coach chose when assigning, else the ladder's first rung. At most three queries,
    whatever the number of exercises."""
    current = {
        row.exercise_id: row.stage
        for row in ClientStage.objects.filter(client=client, exercise_id__in=exercise_ids)
        .select_related("stage")
        .defer(*(f"stage__{f}" for f in ("description", "criteria_note")))
    }
    missing = exercise_ids - set(current)
    if missing:
        chosen = chosen_stages(client=client, exercise_ids=missing)
        ladders: dict[int, list[Stage]] = defaultdict(list)
        for stage in Stage.objects.filter(exercise_id__in=missing).order_by("exercise_id", "order"):
            ladders[stage.exercise_id].append(stage)
        for exercise_id, ladder in ladders.items():
            wanted = chosen.get(exercise_id)
            current[exercise_id] = next((s for s in ladder if s.pk == wanted), ladder[0])
    return current


def chosen_stages(*, client: Client, exercise_ids: set[int]) -> dict[int, int]:
    """The rung (a stage's id) the coach chose for each of these exercises when assigning the
    client a program, where they chose one; the newest assignment's choice wins. One query."""
    chosen: dict[int, int] = {}
    for starting in (
        Assignment.objects.filter(client=client)
        .exclude(starting_stages={})
        .order_by("created_at", "id")
        .values_list("starting_stages", flat=True)
    ):
        chosen.update({int(e): s for e, s in starting.items() if int(e) in exercise_ids})
    return chosen


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
        sessions_on(client=client, on=on, assignment_ids=[a.pk for a in assignments])
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
                    logged=logged_for(
                        session,
                        prescription_id=prescription.pk,
                        exercise_id=prescription.exercise_id,
                    ),
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


# A client's sessions of a day, and their sets in the order they were logged (read on every
# Today and plan drawn after a log).
_DAY_SESSIONS: Compiled[SessionLog] = Compiled(
    lambda client_id, on: (
        SessionLog.objects.alive().filter(client_id=client_id, on=on).order_by("id")
    ),
    ids=1,
    dates=1,
)
_DAY_SETS: Compiled[SetLog] = Compiled(
    lambda client_id, on: (
        SetLog.objects.alive()
        .filter(session__client_id=client_id, session__on=on, session__deleted_at__isnull=True)
        .order_by("id")
    ),
    ids=1,
    dates=1,
)


def sessions_on(
    *, client: Client, on: date, assignment_ids: Sequence[int]
) -> dict[int, SessionLog]:
    """The client's session of `on` in each of these assignments, with its sets in the order
    they were logged (`session.sets.all()`): two queries, one when there is no session."""
    wanted = set(assignment_ids)
    sessions = [s for s in _DAY_SESSIONS(client.pk, on) if s.assignment_id in wanted]
    if sessions:
        attach(sessions, "sets", _DAY_SETS(client.pk, on), by="session_id")
    return {s.assignment_id: s for s in sessions}


def logged_for(
    session: SessionLog | None, *, prescription_id: int, exercise_id: int
) -> list[SetLog]:
    """The sets of a day's session (read by `sessions_on`) logged for one item of its plan:
    against its prescription, or against its exercise when the prescription is gone."""
    return [
        s
        for s in (session.sets.all() if session else [])
        if s.prescription_id == prescription_id
        or (s.prescription_id is None and s.exercise_id == exercise_id)
    ]


# A cached plan is never stale (its key carries the versions of what it is built from); the
# time only bounds how long an unread one takes room.
PLAN_CACHE_SECONDS = 6 * 60 * 60


def cached_for_client(*, client: Client, name: str, build: Callable[[], T]) -> T:
    """What `build` makes of the client's training, from the cache shared by every process
    when it holds `name` as of the client's latest change and the programs' and library's."""
    key = f"plans:{client.pk}:{name}:{plans_version(client.pk)}"
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, PLAN_CACHE_SECONDS)
    return found


def daily_plans_cached(
    *, client: Client, on: date, include_inactive: bool = False
) -> list[DailyPlan]:
    """daily_plans, through the shared cache (see cached_for_client)."""
    return cached_for_client(
        client=client,
        name=f"{on.isoformat()}:{int(include_inactive)}",
        build=lambda: daily_plans(client=client, on=on, include_inactive=include_inactive),
    )


@dataclass
class UpcomingDay:
    """A training day of a program that has not started: its date and exercises, in order."""

    on: date
    day: Day
    prescriptions: list[Prescription]

    @property
    def weekday(self) -> int:
        """0 = Monday … 6 = Sunday."""
        return self.on.weekday()


@dataclass
class Upcoming:
    """The client's next program to start, with the training days of its first week."""

    assignment: Assignment
    days: list[UpcomingDay]

    @property
    def starts_on(self) -> date:
        return self.assignment.first_day


def upcoming_program(*, plans: Sequence[DailyPlan]) -> Upcoming | None:
    """Of the plans of one date (`daily_plans` with `include_inactive`), the active program
    that starts soonest after it, with its first week's training days. Two queries, however
    long the program."""
    ahead = [
        plan.assignment
        for plan in plans
        if plan.state == "before_start" and plan.assignment.status == Assignment.Status.ACTIVE
    ]
    if not ahead:
        return None
    assignment = min(ahead, key=lambda a: (a.first_day, a.pk))
    program = assignment.program
    # The first seven calendar days: a routine's days 1-7, a plan's week 1.
    first_week = Q(number__lte=7) if program.is_routine else Q(week=1)
    days = (
        Day.objects.filter(first_week, program=program, is_rest=False)
        .only("program_id", "number", "week", "weekday", "title")
        .prefetch_related(
            Prefetch(
                "prescriptions",
                queryset=Prescription.objects.select_related("exercise")
                .only("day_id", "order", "exercise__name")
                .order_by("order"),
            )
        )
    )
    shown = [
        UpcomingDay(
            on=day_date(assignment=assignment, day=day),
            day=day,
            prescriptions=list(day.prescriptions.all()),
        )
        for day in days
    ]
    return Upcoming(
        assignment=assignment,
        days=sorted((d for d in shown if d.prescriptions), key=lambda d: d.on),
    )


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


def session_logs_for(*, user, coach: Coach | None = None) -> LogQuerySet:  # type: ignore[no-untyped-def]
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


# --- the coach's view of a client ------------------------------------------------------------

# How many moves between rungs the client page lists per exercise, newest first.
STAGE_HISTORY_SHOWN = 3


@dataclass
class FixedStageNote:
    """Days ahead in a client's program that fix a stage other than the one the client is on."""

    client: Client
    exercise: Exercise
    stage: Stage
    current: Stage
    day_numbers: list[int]


def fixed_stage_notes(
    *,
    assignment: Assignment,
    prescriptions: Iterable[Prescription],
    current: dict[int, Stage],
    today: date,
) -> list[FixedStageNote]:
    """Where the program fixes, on a day from `today` on, a stage other than the client's current
    one (a fixed stage is the coach's choice; the coach should know it differs).

    Reads only what it is given: each prescription with its day, exercise and stage loaded.
    """
    if assignment.status not in (Assignment.Status.ACTIVE, Assignment.Status.PAUSED):
        return []
    found: dict[tuple[int, int], tuple[Prescription, list[int]]] = {}
    for prescription in prescriptions:
        standing = current.get(prescription.exercise_id)
        if (
            prescription.stage_id is None
            or standing is None
            or prescription.stage_id == standing.pk
        ):
            continue
        if day_date(assignment=assignment, day=prescription.day) < today:
            continue
        key = (prescription.exercise_id, prescription.stage_id)
        found.setdefault(key, (prescription, []))[1].append(prescription.day.number)
    notes = [
        FixedStageNote(
            client=assignment.client,
            exercise=prescription.exercise,
            stage=prescription.stage,  # type: ignore[arg-type]
            current=current[prescription.exercise_id],
            day_numbers=sorted(set(numbers)),
        )
        for prescription, numbers in found.values()
    ]
    return sorted(notes, key=lambda note: (note.day_numbers[0], note.exercise.name))


@dataclass
class StageStanding:
    """Where a client stands on one exercise's ladder, as their coach sees it."""

    exercise: Exercise
    ladder: list[Stage]
    stage: Stage
    row: ClientStage | None
    history: list[StageChange] = field(default_factory=list)
    notes: list[FixedStageNote] = field(default_factory=list)

    @property
    def position(self) -> int:
        """The rung's place on the ladder, from 1."""
        return next(i for i, rung in enumerate(self.ladder, start=1) if rung.pk == self.stage.pk)

    @property
    def is_top(self) -> bool:
        return self.position == len(self.ladder)

    @property
    def is_first(self) -> bool:
        return self.position == 1

    @property
    def next_stage(self) -> Stage | None:
        return None if self.is_top else self.ladder[self.position]

    @property
    def previous_stage(self) -> Stage | None:
        return None if self.is_first else self.ladder[self.position - 2]

    @property
    def ready(self) -> bool:
        return self.row is not None and self.row.ready_since is not None

    @property
    def evidence(self) -> list[dict[str, object]]:
        return readiness_evidence(self.row)


def readiness_evidence(row: ClientStage | None) -> list[dict[str, object]]:
    """The sessions that showed readiness to move up: {"session", "on" (a date), "late"}."""
    if row is None or row.ready_since is None:
        return []
    return [{**item, "on": date.fromisoformat(str(item["on"]))} for item in row.ready_evidence]


# A client's stage rows and the last changes of each exercise: every exercise they have a
# row or a change of (a few dozen at most), read by the client alone, so that the SQL is
# compiled once (coach.compiled).
_STAGE_ROWS: Compiled[ClientStage] = Compiled(
    lambda client_id: ClientStage.objects.filter(client_id=client_id).only(
        "exercise_id", "stage_id", "ready_since", "ready_evidence"
    ),
    ids=1,
)
_STAGE_HISTORY: Compiled[StageChange] = Compiled(
    lambda client_id: (
        StageChange.objects.filter(client_id=client_id)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("exercise_id")],
                order_by=[F("changed_at").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=STAGE_HISTORY_SHOWN)
        .select_related("from_stage", "to_stage", "changed_by")
        .only(
            "exercise_id",
            "changed_at",
            "reason",
            "from_stage__order",
            "to_stage__order",
            "to_stage__name",
            "changed_by__name",
            "changed_by__email",
        )
        .order_by("-changed_at", "-id")
    ),
    ids=1,
)


def stage_rows_and_history(
    *, client: Client, exercise_ids: Iterable[int]
) -> tuple[dict[int, ClientStage], dict[int, list[StageChange]]]:
    """The client's stage rows (the rung, readiness and its evidence) of these exercises, and
    the last changes of each, newest first: what a log may change of the stage overview. Two
    queries."""
    exercise_ids = set(exercise_ids)
    if not exercise_ids:
        return {}, {}
    rows = {
        row.exercise_id: row for row in _STAGE_ROWS(client.pk) if row.exercise_id in exercise_ids
    }
    history: dict[int, list[StageChange]] = defaultdict(list)
    for change in _STAGE_HISTORY(client.pk):
        if change.exercise_id in exercise_ids:
            history[change.exercise_id].append(change)
    return rows, dict(history)


def client_stage_overview(
    *, client: Client, assignments: list[Assignment] | None = None
) -> list[StageStanding]:
    """Every exercise with a ladder in the client's current programs, by name: the client's
    stage, readiness with its evidence, the last moves, and the days ahead whose program fixes
    another stage. `assignments`, when given, are the client's current ones (with programs).

    Five queries, whatever the length of the programs or of the history, and one more while
    some exercise has not been logged yet; of the exercises and stages only the names and order
    shown are read (their texts are long).
    """
    if assignments is None:
        assignments = program_selectors.client_current_assignments(client=client)
    if not assignments:
        return []
    prescriptions = list(
        Prescription.objects.filter(day__program__in={a.program_id for a in assignments})
        .select_related("day", "exercise", "stage")
        .only(
            "exercise_id",
            "stage_id",
            "exercise__name",
            "stage__name",
            "stage__order",
            "day__program_id",
            "day__number",
            "day__week",
            "day__weekday",
        )
        .order_by("day__number", "order")
    )
    exercise_ids = {p.exercise_id for p in prescriptions}
    ladders: dict[int, list[Stage]] = defaultdict(list)
    for stage in (
        Stage.objects.filter(exercise_id__in=exercise_ids)
        .only("exercise_id", "order", "name")
        .order_by("exercise_id", "order")
    ):
        ladders[stage.exercise_id].append(stage)
    exercises = sorted(
        {p.exercise_id: p.exercise for p in prescriptions if p.exercise_id in ladders}.values(),
        key=lambda exercise: (exercise.name, exercise.pk),
    )
    rows, history = stage_rows_and_history(client=client, exercise_ids=exercise_ids)
    # Before their first log of an exercise, the client stands where their program puts them
    # (as stages_of reads it): the rung the coach chose when assigning, else the first.
    unlogged = {exercise.pk for exercise in exercises if exercise.pk not in rows}
    chosen = chosen_stages(client=client, exercise_ids=unlogged) if unlogged else {}

    standings = []
    for exercise in exercises:
        ladder = ladders[exercise.pk]
        row = rows.get(exercise.pk)
        wanted = row.stage_id if row is not None else chosen.get(exercise.pk)
        stage = next((s for s in ladder if s.pk == wanted), ladder[0])
        standings.append(
            StageStanding(
                exercise=exercise,
                ladder=ladder,
                stage=stage,
                row=row,
                history=history.get(exercise.pk, []),
            )
        )
    current = {standing.exercise.pk: standing.stage for standing in standings}
    by_exercise = {standing.exercise.pk: standing for standing in standings}
    today = client.local_today()
    for assignment in assignments:
        assignment.client = client
        for note in fixed_stage_notes(
            assignment=assignment,
            prescriptions=[p for p in prescriptions if p.day.program_id == assignment.program_id],
            current=current,
            today=today,
        ):
            by_exercise[note.exercise.pk].notes.append(note)
    return standings


# What the client page shows of a set, beyond its session.
_SET_SHOWN = (
    "session_id",
    "exercise_id",
    "stage_id",
    "side",
    "reps",
    "hold_seconds",
    "load",
    "load_unit",
    "form",
    "rpe",
    "is_late",
    "exercise__name",
    "exercise__measurement",
    "stage__order",
)


def _sets_shown() -> QuerySet[SetLog]:
    return (
        SetLog.objects.alive().select_related("exercise", "stage").only(*_SET_SHOWN).order_by("id")
    )


def _sessions_of(client_id: int) -> QuerySet[SessionLog]:
    """The client's sessions, newest first, each with its program and who entered it (of the
    program only what the client page shows is read), without their sets (see
    `session_sets_read`): a session drawn before is shown again without them."""
    return (
        SessionLog.objects.alive()
        .filter(client_id=client_id)
        .select_related("assignment__program", "entered_by")
        .only(
            *(
                f.name
                for f in SessionLog._meta.concrete_fields
                if f.name not in {"created_at", "updated_at", "completed_at"}
            ),
            "assignment__program__name",
            "entered_by__name",
        )
        .order_by("-on", "-id")
    )


@lru_cache(maxsize=64)
def _sessions_between(bottom: int, top: int) -> Compiled[SessionLog]:
    """The client's sessions from `bottom` to `top` (a page of them), each with the count of
    all of them (`total`, counted before the page is cut), compiled once."""
    return Compiled(
        lambda client_id: _sessions_of(client_id).annotate(total=Window(Count("id")))[bottom:top],
        ids=1,
    )


class _SessionPages:
    """A client's sessions as a paginator reads them: each page (a slice) read by a query
    compiled once per page (coach.compiled). The count is read with the page asked for
    (`wanted`, its slice), in the same query, as long as it has sessions."""

    ordered = True

    def __init__(self, client: Client, *, wanted: slice) -> None:
        self.client = client
        self.wanted = wanted
        self.read: list[SessionLog] | None = None

    def _between(self, index: slice) -> list[SessionLog]:
        if index.stop <= index.start:  # no session: an empty first page
            return []
        return _sessions_between(index.start, index.stop)(self.client.pk)

    def count(self) -> int:
        self.read = self._between(self.wanted)
        if self.read:
            return cast(int, self.read[0].total)  # type: ignore[attr-defined]
        # No session, or a page past the last one.
        return _sessions_of(self.client.pk).count()

    def __getitem__(self, index: slice) -> list[SessionLog]:
        # The last page is cut at the count: a part of the page read with it.
        if self.read is not None and index.start == self.wanted.start <= index.stop <= (
            self.wanted.stop
        ):
            return self.read[: index.stop - index.start]
        return self._between(index)


_ONE_SESSION: Compiled[SessionLog] = Compiled(
    lambda client_id, pk: _sessions_of(client_id).filter(pk=pk), ids=2
)


def client_sessions_again(*, client: Client, pks: Sequence[int]) -> dict[int, SessionLog]:
    """These sessions of the client read again, as a page of them reads them (those
    deleted meanwhile left out): one query, compiled once for one session."""
    if len(pks) == 1:
        return {s.pk: s for s in _ONE_SESSION(client.pk, pks[0])}
    return {s.pk: s for s in _sessions_of(client.pk).filter(pk__in=pks)}


_ONE_SESSIONS_SETS: Compiled[SetLog] = Compiled(
    lambda session_id: _sets_shown().filter(session_id=session_id), ids=1
)


def session_sets_read(sessions: Sequence[SessionLog]) -> None:
    """Read the sets (not deleted) of these sessions, with their exercise and stage, as
    `session.sets.all()` gives them: one query (compiled once for one session, the common
    case: the day's, after a log)."""
    if len(sessions) == 1:
        attach(sessions, "sets", _ONE_SESSIONS_SETS(sessions[0].pk), by="session_id")
        return
    prefetch_related_objects(list(sessions), Prefetch("sets", queryset=_sets_shown()))


# The client page's sessions, per page.
SESSIONS_PER_PAGE = 10
CURRENT_STATUSES = (Assignment.Status.ACTIVE, Assignment.Status.PAUSED)


class ClientPageParts:
    """What the coach's client page draws of the client's training, each part read when it is
    first used (a page drawn before is shown from the cache and reads none of them)."""

    def __init__(self, *, client: Client, page: str | None) -> None:
        self.client = client
        self.page = page

    @cached_property
    def assignments(self) -> list[Assignment]:
        """Every assignment, newest first."""
        return list(program_selectors.client_assignments(client=self.client))

    @cached_property
    def current_assignments(self) -> list[Assignment]:
        """The active and paused ones, oldest first."""
        return sorted(
            (a for a in self.assignments if a.status in CURRENT_STATUSES),
            key=lambda a: (a.starts_on, a.pk),
        )

    @cached_property
    def stages(self) -> list[StageStanding]:
        return client_stage_overview(client=self.client, assignments=self.current_assignments)

    @cached_property
    def sessions(self) -> Page[SessionLog]:
        """A page of sessions, without their sets (see session_sets_read)."""
        # (the stubs want a sized iterable; a paginator counts with count() and slices)
        # (a number past any page reads none: the paginator then shows the last; one too long
        # to be a number, the first)
        number = int(self.page) if self.page and self.page.isdecimal() and len(self.page) < 7 else 1
        bottom = (max(number, 1) - 1) * SESSIONS_PER_PAGE
        sessions = _SessionPages(self.client, wanted=slice(bottom, bottom + SESSIONS_PER_PAGE))
        pages: Paginator[SessionLog] = Paginator(cast(Any, sessions), SESSIONS_PER_PAGE)
        return pages.get_page(self.page)


# --- progress ----------------------------------------------------------------------------------

# The time ranges of the progress page's trends, by the key its links use (weeks; None for all).
PROGRESS_RANGES = {"4w": 4, "12w": 12, "all": None}
PROGRESS_RANGE_LABELS = {"4w": "4 weeks", "12w": "12 weeks", "all": "All"}
DEFAULT_PROGRESS_RANGE = "4w"


@dataclass
class ProgramCalendar:
    """An assignment and what became of each of its days."""

    assignment: Assignment
    days: list[ProgramDay]

    @property
    def weeks(self) -> list[list[ProgramDay | None]]:
        """The days in rows of Monday to Sunday, blanks before the first and after the last."""
        if not self.days:
            return []
        cells: list[ProgramDay | None] = [None] * self.days[0].on.weekday() + list(self.days)
        cells += [None] * (-len(cells) % 7)
        return [cells[i : i + 7] for i in range(0, len(cells), 7)]


@dataclass(frozen=True)
class ProgramOutline:
    """An assignment (with its program) and the offsets of its program's training days: what
    its calendar is drawn from beside the sessions logged (see `program_calendars`)."""

    assignment: Assignment
    training_offsets: tuple[int, ...]


def _assignments_shown(queryset: QuerySet[Assignment]) -> QuerySet[Assignment]:
    # (the program's description, a long text no calendar shows, left out)
    return (
        queryset.select_related("program").defer("program__description").order_by("starts_on", "id")
    )


def _training_days(queryset: QuerySet[Day]) -> QuerySet[Day]:
    return (
        queryset.filter(is_rest=False)
        .filter(Exists(Prescription.objects.filter(day=OuterRef("pk"))))
        .only("program_id", "number", "week", "weekday")
    )


def _outlines(
    assignments: Sequence[Assignment], days: Iterable[Day]
) -> dict[int, list[ProgramOutline]]:
    training: dict[int, list[Day]] = defaultdict(list)
    for day in days:
        training[day.program_id].append(day)
    found: dict[int, list[ProgramOutline]] = defaultdict(list)
    for assignment in assignments:
        offsets = tuple(
            day_offset(program=assignment.program, day=day, start=assignment.starts_on)
            for day in training[assignment.program_id]
        )
        found[assignment.client_id].append(ProgramOutline(assignment, offsets))
    return dict(found)


def _program_outlines(
    *, client_ids: Sequence[int], ended_since: date | None = None
) -> dict[int, list[ProgramOutline]]:
    """Each client's assignments, oldest first, with their programs' training days. With
    `ended_since`, programs that ended before that date are left out. Two queries at most."""
    assignments = _assignments_shown(Assignment.objects.filter(client__in=client_ids))
    if ended_since is not None:
        assignments = assignments.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=ended_since))
    assignments_list = list(assignments)
    if not assignments_list:
        return {}
    days = _training_days(Day.objects.filter(program__in={a.program_id for a in assignments_list}))
    return _outlines(assignments_list, days)


_CLIENT_ASSIGNMENTS: Compiled[Assignment] = Compiled(
    lambda client_id: _assignments_shown(Assignment.objects.filter(client_id=client_id)), ids=1
)
_CLIENT_TRAINING_DAYS: Compiled[Day] = Compiled(
    lambda client_id: _training_days(
        Day.objects.filter(
            program__in=Assignment.objects.filter(client_id=client_id).values("program_id")
        )
    ),
    ids=1,
)
# How long a client's outline is kept (its key carries the version of what it is drawn from).
OUTLINE_CACHE_SECONDS = 6 * 60 * 60


def client_outlines(client: Client) -> list[ProgramOutline]:
    """`_program_outlines` of one client, through the shared cache: kept under the version of
    the programs, the library and the client's plans (every change to an assignment or a
    program changes it; a log does not). Two compiled queries when it is not kept."""
    key = f"plans:{client.pk}:outlines"
    version, _, kept = client_versions(client.pk, kept=[key])
    found = kept_at(kept.get(key), version)
    if found is None:
        assignments = _CLIENT_ASSIGNMENTS(client.pk)
        found = (
            _outlines(assignments, _CLIENT_TRAINING_DAYS(client.pk)).get(client.pk, [])
            if assignments
            else []
        )
        keep_at(key, version, found, OUTLINE_CACHE_SECONDS)
    return cast(list[ProgramOutline], found)


def _logged(rows: Iterable[tuple[Any, ...]]) -> dict[int, dict[date, Logged]]:
    logged: dict[int, dict[date, Logged]] = defaultdict(dict)
    for assignment_id, on, status, late, has_sets in rows:
        logged[assignment_id][on] = Logged(status=status, has_sets=has_sets, late=late)
    return logged


def _sessions_logged(queryset: LogQuerySet) -> QuerySet[SessionLog, tuple[Any, ...]]:
    return (
        queryset.alive()
        .annotate(has_sets=Exists(SetLog.objects.alive().filter(session=OuterRef("pk"))))
        .values_list("assignment_id", "on", "status", "is_late", "has_sets")
    )


_CLIENT_SESSIONS_LOGGED = CompiledRows(
    lambda client_id: _sessions_logged(SessionLog.objects.filter(assignment__client_id=client_id)),
    ids=1,
)


def _calendars(
    outlines: Iterable[ProgramOutline], logged: Mapping[int, Mapping[date, Logged]], today: date
) -> list[ProgramCalendar]:
    return [
        ProgramCalendar(
            assignment=outline.assignment,
            days=program_days(
                assignment=outline.assignment,
                training_offsets=outline.training_offsets,
                logged=logged.get(outline.assignment.pk, {}),
                today=today,
            ),
        )
        for outline in outlines
    ]


def program_calendars(
    *, clients: Sequence[Client], today_of: Mapping[int, date], ended_since: date | None = None
) -> dict[int, list[ProgramCalendar]]:
    """Each client's assignments, oldest first, with the status of every day (see
    training.progress.program_days), as of each client's local date in `today_of`.

    With `ended_since`, programs that ended before that date are left out. Three queries,
    whatever the number of clients, programs and logs.
    """
    outlines = _program_outlines(client_ids=[c.pk for c in clients], ended_since=ended_since)
    if not outlines:
        return {}
    logged = _logged(
        _sessions_logged(
            SessionLog.objects.filter(
                assignment__in=[o.assignment.pk for found in outlines.values() for o in found]
            )
        )
    )
    return {
        client_id: _calendars(found, logged, today_of[client_id])
        for client_id, found in outlines.items()
    }


def client_calendars(client: Client, *, today: date) -> list[ProgramCalendar]:
    """`program_calendars` of one client: the outlines kept (`client_outlines`), the sessions
    read (one compiled query)."""
    outlines = client_outlines(client)
    if not outlines:
        return []
    return _calendars(outlines, _logged(_CLIENT_SESSIONS_LOGGED(client.pk)), today)


@dataclass(frozen=True)
class StageMark:
    """A move between rungs, on the client's local date."""

    on: date
    exercise_id: int
    exercise_name: str
    order: int
    name: str
    by_coach: bool

    @property
    def label(self) -> str:
        return f"stage {self.order} ({self.name})"


@dataclass
class ExerciseProgress:
    """One exercise's sessions in the time range, per side, with its stage changes."""

    exercise_id: int
    name: str
    measurement: str
    is_unilateral: bool
    sessions: list[SessionSides]
    stage_marks: list[StageMark]
    load_unit: str = "lb"

    @property
    def sides(self) -> list[str]:
        present = {side for s in self.sessions for side in s.total}
        return [side for side in ("left", "right", "both") if side in present]

    def heaviest(self, session: SessionSides, side: str) -> Decimal | None:
        """The heaviest load of a side in this exercise's load unit (the sets hold pounds)."""
        weight = session.heaviest.get(side)
        if weight is None:
            return None
        return weight / LB_PER_KG if self.load_unit == "kg" else weight

    @property
    def latest_asymmetry(self) -> SessionSides | None:
        both = [s for s in self.sessions if s.asymmetry is not None]
        return both[-1] if both else None


@dataclass
class ClientProgress:
    """What the progress page and its endpoint show of one client."""

    client: Client
    today: date
    range_key: str
    since: date | None
    calendars: list[ProgramCalendar]
    calendar: ProgramCalendar | None  # the program shown
    exercises: list[ExerciseProgress]
    stage_marks: list[StageMark]

    @property
    def charts_since(self) -> date | None:
        """Where the trends' time axis starts: the range's first day, or the first day of the
        client's first program when that is later (no empty weeks before they began)."""
        first = min((c.days[0].on for c in self.calendars if c.days), default=None)
        if first is None or self.since is None:
            return self.since or first
        return max(first, self.since)

    @cached_property
    def all_days(self) -> list[ProgramDay]:
        return [day for calendar in self.calendars for day in calendar.days]

    @cached_property
    def week(self) -> Adherence:
        return adherence(self.all_days, today=self.today, last_days=7)

    @cached_property
    def month(self) -> Adherence:
        return adherence(self.all_days, today=self.today, last_days=30)

    @cached_property
    def program(self) -> Adherence:
        return adherence(self.calendar.days if self.calendar else [], today=self.today)

    @cached_property
    def streaks(self) -> tuple[int, int]:
        return streaks(self.all_days)

    @property
    def current_streak(self) -> int:
        return self.streaks[0]

    @property
    def longest_streak(self) -> int:
        return self.streaks[1]

    @cached_property
    def missed_in_a_row(self) -> int:
        return missed_in_a_row(self.all_days)


def _since(range_key: str, today: date) -> date | None:
    weeks = PROGRESS_RANGES[range_key]
    return None if weeks is None else today - timedelta(days=weeks * 7 - 1)


def _figures(sets: LogQuerySet) -> QuerySet[SetLog, tuple[Any, ...]]:
    return (
        sets.alive()
        .filter(session__deleted_at__isnull=True)
        .order_by("session__on", "session_id", "id")
        .values_list(
            "session__client_id",
            "session__on",
            "session_id",
            "exercise_id",
            "side",
            "reps",
            "hold_seconds",
            "load",
            "load_unit",
            "exercise__name",
            "exercise__measurement",
            "exercise__laterality",
        )
    )


def set_figures(*, client_ids: Sequence[int], since: date | None) -> list[tuple[Any, ...]]:
    """The alive sets of alive sessions of the clients from `since` on, as rows of
    (client, SetFigures fields, exercise name, measurement, laterality), oldest first."""
    sets = SetLog.objects.filter(session__client__in=client_ids)
    if since is not None:
        sets = sets.filter(session__on__gte=since)
    return list(_figures(sets))


_CLIENT_SET_FIGURES = CompiledRows(
    lambda client_id: _figures(SetLog.objects.filter(session__client_id=client_id)), ids=1
)
_CLIENT_SET_FIGURES_SINCE = CompiledRows(
    lambda client_id, since: _figures(
        SetLog.objects.filter(session__client_id=client_id, session__on__gte=since)
    ),
    ids=1,
    dates=1,
)
_CLIENT_STAGE_MARKS = CompiledRows(
    lambda client_id: (
        StageChange.objects.filter(client_id=client_id)
        .order_by("changed_at", "id")
        .values_list(
            "exercise_id",
            "exercise__name",
            "changed_at",
            "to_stage__order",
            "to_stage__name",
            "changed_by",
        )
    ),
    ids=1,
)


def client_progress(
    *, client: Client, range_key: str = DEFAULT_PROGRESS_RANGE, assignment_id: int | None = None
) -> ClientProgress:
    """The client's calendar, adherence, streaks and, per exercise and side, the trends of the
    time range with the left/right asymmetry of each session and the stage changes.

    The program shown is `assignment_id` when it is the client's, else their current one (the
    latest started, else the next to start), else the latest. Three compiled queries, whatever
    the length of the history, and one round trip to the cache for the client's outline (two
    queries more when it is not kept: see `client_outlines`).
    """
    if range_key not in PROGRESS_RANGES:
        range_key = DEFAULT_PROGRESS_RANGE
    today = client.local_today()
    since = _since(range_key, today)
    calendars = client_calendars(client, today=today)
    chosen = next((c for c in calendars if c.assignment.pk == assignment_id), None)
    if chosen is None and calendars:
        current = [
            c
            for c in calendars
            if c.assignment.status in (Assignment.Status.ACTIVE, Assignment.Status.PAUSED)
        ]
        started = [c for c in current if c.assignment.first_day <= today]
        chosen = started[-1] if started else (current[0] if current else calendars[-1])

    rows = (
        _CLIENT_SET_FIGURES(client.pk)
        if since is None
        else _CLIENT_SET_FIGURES_SINCE(client.pk, since)
    )
    about: dict[int, tuple[str, str, bool]] = {}
    figures = []
    units: dict[int, str] = {}
    for _, on, session_id, exercise_id, side, reps, hold, load, unit, name, measure, lat in rows:
        about[exercise_id] = (name, measure, lat != Exercise.Laterality.BILATERAL)
        figures.append(SetFigures(on, session_id, exercise_id, side, reps, hold, load, unit))
        if load is not None and unit:
            units[exercise_id] = unit  # the latest set's unit
    groups = session_sides(figures, measurement_of={e: a[1] for e, a in about.items()})
    zone = ZoneInfo(client.time_zone)
    marks = [
        StageMark(
            on=changed_at.astimezone(zone).date(),
            exercise_id=exercise_id,
            exercise_name=exercise_name,
            order=order,
            name=name,
            by_coach=by is not None,
        )
        for exercise_id, exercise_name, changed_at, order, name, by in _CLIENT_STAGE_MARKS(
            client.pk
        )
    ]
    exercises = [
        ExerciseProgress(
            exercise_id=exercise_id,
            name=name,
            measurement=measurement,
            is_unilateral=unilateral,
            sessions=[g for g in groups if g.exercise_id == exercise_id],
            stage_marks=[m for m in marks if m.exercise_id == exercise_id],
            load_unit="kg" if units.get(exercise_id, "").lower() == "kg" else "lb",
        )
        for exercise_id, (name, measurement, unilateral) in sorted(
            about.items(), key=lambda item: (item[1][0], item[0])
        )
    ]
    return ClientProgress(
        client=client,
        today=today,
        range_key=range_key,
        since=since,
        calendars=calendars,
        calendar=chosen,
        exercises=exercises,
        stage_marks=marks,
    )


# --- the coach's dashboard ---------------------------------------------------------------------

# The order of today's statuses when sorted: who has a session to do first.
TODAY_ORDER = [
    ClientSummary.Today.SKIPPED,
    ClientSummary.Today.NOT_YET,
    ClientSummary.Today.PARTIAL,
    ClientSummary.Today.DONE,
    ClientSummary.Today.REST,
    ClientSummary.Today.PAUSED,
    ClientSummary.Today.UPCOMING,
    ClientSummary.Today.NONE,
]
DASHBOARD_SORTS: dict[str, Any] = {
    # The plain column: the index on (coach, archived_at, name) serves the default order.
    "name": F("name"),
    "today": Case(
        *(When(summary__today_status=s, then=Value(n)) for n, s in enumerate(TODAY_ORDER)),
        default=Value(len(TODAY_ORDER)),
    ),
    "adherence_7": F("summary__adherence_7"),
    "adherence_30": F("summary__adherence_30"),
    "missed": F("summary__missed_in_a_row"),
    "asymmetry": F("summary__asymmetry"),
    "ready": F("summary__ready_count"),
    "last_logged": F("summary__last_logged_on"),
}
DEFAULT_DASHBOARD_SORT = "name"
DASHBOARD_CLIENT_FIELDS = ["name", "email", "time_zone", "user", "coach", "archived_at"]
DASHBOARD_SUMMARY_FIELDS = [
    f"summary__{f.name}" for f in ClientSummary._meta.concrete_fields if not f.primary_key
]


def attention_threshold(coach: Coach) -> Decimal:
    """The practice's asymmetry threshold as a share (0.15 for 15 %)."""
    return Decimal(coach.asymmetry_threshold_pct) / 100


def dashboard_clients(
    *,
    coach: Coach,
    query: str = "",
    archived: bool = False,
    sort: str = DEFAULT_DASHBOARD_SORT,
    attention: bool = False,
) -> QuerySet[Client]:
    """The coach's clients with their stored summaries, sorted in SQL by a column of the
    dashboard (`-` before it for descending; empty figures last, then by name), and with
    `attention` only those who missed two sessions in a row, whose left/right asymmetry is
    above the practice's threshold, or who are ready to move up. One query per page, however
    many clients the coach has."""
    descending = sort.startswith("-")
    expression = DASHBOARD_SORTS.get(sort.removeprefix("-"))
    if expression is None:
        expression, descending = DASHBOARD_SORTS[DEFAULT_DASHBOARD_SORT], False
    threshold = attention_threshold(coach)
    clients = _with_summaries(coach_client_list(coach=coach, query=query, archived=archived))
    if attention:
        clients = clients.filter(
            Q(summary__missed_in_a_row__gte=2)
            | Q(summary__asymmetry__gt=threshold)
            | Q(summary__ready_count__gt=0)
        )
    order = expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
    return clients.order_by(order, "name", "id")


def dashboard_clients_by_id(*, coach: Coach, ids: Iterable[int]) -> list[Client]:
    """The coach's clients of `ids` (active or archived) with their stored summaries, as
    `dashboard_clients` reads them: the rows of a dashboard page drawn again alone."""
    return list(_with_summaries(Client.objects.for_coach(coach).filter(pk__in=list(ids))))


def _with_summaries(clients: QuerySet[Client]) -> QuerySet[Client]:
    return clients.select_related("summary", "summary__asymmetry_exercise").only(
        # Of the exercise, only its name: its texts are long.
        *DASHBOARD_CLIENT_FIELDS,
        *DASHBOARD_SUMMARY_FIELDS,
        "summary__asymmetry_exercise__name",
    )
