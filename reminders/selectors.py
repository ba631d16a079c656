"""Reads of reminders: the day each reminder of a batch is about, a client's reminder history,
and the settings behind them."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from functools import reduce
from operator import or_

from django.db.models import Q

from coach.compiled import Compiled
from coach.models import Client, Coach
from exercises.models import Stage
from programs.models import Assignment, Day, Prescription
from programs.schedule import day_at, offset_on
from reminders.models import CoachDigest, Reminder, ReminderSchedule
from training.doses import dose_resolve
from training.models import ClientStage, SessionLog
from training.selectors import DailyPlan, PlanItem

# How many reminders the client page lists, newest first.
HISTORY_SHOWN = 14


def plans_on(*, wanted: Sequence[tuple[int, Client, date]]) -> dict[int, list[DailyPlan]]:
    """The day of each (key, client, local date) in `wanted`: a plan for every current (active
    or paused) assignment of the client on that date, each item at the client's stage with its
    dose, and the session logged that day if any; by key.

    The plans `training.selectors.daily_plans` makes for one client, for a whole batch of
    clients and dates in six queries, however long the batch.
    """
    if not wanted:
        return {}
    clients = {client.pk: client for _, client, _ in wanted}
    assignments = list(
        Assignment.objects.filter(client_id__in=clients)
        .select_related("program")
        .order_by("created_at", "id")
    )
    current: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in sorted(assignments, key=lambda a: (a.starts_on, a.pk)):
        if assignment.status in (Assignment.Status.ACTIVE, Assignment.Status.PAUSED):
            current[assignment.client_id].append(assignment)

    found: list[tuple[int, Client, date, Assignment, int | None, dict[str, int] | None]] = []
    for key, client, on in wanted:
        for assignment in current[client.pk]:
            offset = offset_on(assignment=assignment, on=on)
            lookup = (
                None
                if offset is None
                else day_at(program=assignment.program, start=assignment.starts_on, offset=offset)
            )
            found.append((key, client, on, assignment, offset, lookup))
    days = _days([(assignment, lookup) for *_, assignment, _, lookup in found])
    prescriptions: dict[int, list[Prescription]] = defaultdict(list)
    for prescription in (
        Prescription.objects.filter(day__in={day.pk for day in days.values()})
        .select_related("exercise", "stage")
        .defer("exercise__summary", "exercise__faults", "stage__criteria_note")
        .order_by("day_id", "order")
    ):
        prescriptions[prescription.day_id].append(prescription)
    exercise_ids = {p.exercise_id for group in prescriptions.values() for p in group}
    stages = _stages(clients=set(clients), exercise_ids=exercise_ids, assignments=assignments)
    sessions = {
        (session.assignment_id, session.on): session
        for session in SessionLog.objects.alive()
        .filter(client_id__in=clients, on__in={on for _, _, on in wanted})
        .only("id", "assignment_id", "on", "status")
    }

    plans: dict[int, list[DailyPlan]] = defaultdict(list)
    for key, client, on, assignment, offset, lookup in found:
        day = days.get(_key(assignment.program_id, lookup)) if lookup is not None else None
        items = []
        for prescription in prescriptions.get(day.pk, []) if day else []:
            standing = stages.get((client.pk, prescription.exercise_id))
            items.append(
                PlanItem(
                    prescription=prescription,
                    dose=dose_resolve(
                        prescription,
                        prescription.stage or standing,
                        sex=client.sex,
                        prefers_kg=client.prefers_kg,
                    ),
                    stage_is_fixed=prescription.stage_id is not None,
                    current_stage=standing,
                )
            )
        plans[key].append(
            DailyPlan(
                assignment=assignment,
                on=on,
                day=day,
                items=items,
                session=sessions.get((assignment.pk, on)),
                offset=offset,
            )
        )
    return plans


DayKey = tuple[int, tuple[tuple[str, int], ...]]


def _key(program_id: int, lookup: dict[str, int]) -> DayKey:
    return (program_id, tuple(sorted(lookup.items())))


def _days(found: Sequence[tuple[Assignment, dict[str, int] | None]]) -> dict[DayKey, Day]:
    """The days the (assignment, lookup) pairs name, in one query, by program and lookup."""
    wanted = {_key(a.program_id, lookup) for a, lookup in found if lookup is not None}
    if not wanted:
        return {}
    days: dict[DayKey, Day] = {}
    for day in Day.objects.filter(
        reduce(or_, (Q(program_id=program, **dict(lookup)) for program, lookup in wanted))
    ):
        # A routine's day is found by number, a plan's by week and weekday.
        days[_key(day.program_id, {"number": day.number})] = day
        if day.week is not None and day.weekday is not None:
            days[_key(day.program_id, {"week": day.week, "weekday": day.weekday})] = day
    return days


def _stages(
    *, clients: set[int], exercise_ids: set[int], assignments: list[Assignment]
) -> dict[tuple[int, int], Stage]:
    """The rung each client stands on for each exercise, as `training.selectors.stages_of` finds
    it (their own row, else the rung chosen on the newest assignment, else the first), for many
    clients at once."""
    if not exercise_ids:
        return {}
    standing = {
        (row.client_id, row.exercise_id): row.stage
        for row in ClientStage.objects.filter(client_id__in=clients, exercise_id__in=exercise_ids)
        .select_related("stage")
        .defer("stage__description", "stage__criteria_note")
    }
    missing = {(c, e) for c in clients for e in exercise_ids if (c, e) not in standing}
    if not missing:
        return standing
    chosen: dict[tuple[int, int], int] = {}
    for assignment in assignments:  # oldest first: the newest choice wins
        for exercise, stage in assignment.starting_stages.items():
            chosen[(assignment.client_id, int(exercise))] = stage
    ladders: dict[int, list[Stage]] = defaultdict(list)
    for stage in Stage.objects.filter(exercise_id__in={e for _, e in missing}).order_by(
        "exercise_id", "order"
    ):
        ladders[stage.exercise_id].append(stage)
    for client, exercise in missing:
        ladder = ladders.get(exercise)
        if ladder:
            wanted = chosen.get((client, exercise))
            standing[(client, exercise)] = next((s for s in ladder if s.pk == wanted), ladder[0])
    return standing


def reminder_history(*, client: Client) -> list[Reminder]:
    """The client's latest reminders (HISTORY_SHOWN), newest first: what went out, what was
    skipped and why, what failed and why."""
    return _LATEST_REMINDERS(client.pk)


# (read on every visit of the client's page)
_LATEST_REMINDERS: Compiled[Reminder] = Compiled(
    lambda client_id: Reminder.objects.filter(client_id=client_id).order_by("-on", "-id")[
        :HISTORY_SHOWN
    ],
    ids=1,
)


def reminder_schedule_of(client: Client) -> ReminderSchedule:
    """The client's reminder settings (unsaved defaults, on, when they have none yet); no query
    when the client was read with them (`select_related("reminder_schedule")`)."""
    if Client.reminder_schedule.is_cached(client):  # type: ignore[attr-defined]
        found = getattr(client, "reminder_schedule", None)
    else:
        found = ReminderSchedule.objects.filter(client=client).first()
    return found or ReminderSchedule(
        client=client, time_zone=client.time_zone, reminder_time=client.reminder_time
    )


def coach_digest_of(coach: Coach) -> CoachDigest:
    """The coach's digest settings (unsaved defaults, off, when they have none yet)."""
    return CoachDigest.objects.filter(coach=coach).first() or CoachDigest(coach=coach)
