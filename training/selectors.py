"""Reads of a client's training: the daily plan (Today), computed from assignments and a date."""

from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_

from django.db.models import Q

from coach.models import Client
from programs.models import Assignment, Day, Prescription
from programs.schedule import day_at, offset_on
from programs.selectors import UNSHOWN_TEXTS


@dataclass
class DailyPlan:
    assignment: Assignment
    on: date
    day: Day | None
    items: list[Prescription]

    @property
    def day_number(self) -> int | None:
        return self.day.number if self.day else None

    @property
    def total_days(self) -> int:
        return self.assignment.program.total_days

    @property
    def calendar_day(self) -> int:
        """Which calendar day of the program `on` is (1-based)."""
        return (self.on - self.assignment.first_day).days + 1


def daily_plans(*, client: Client, on: date) -> list[DailyPlan]:
    """The client's active assignments that have a day on `on`, each with that day's exercises.

    Only the one day that falls on `on` is fetched for each assignment, so the cost (three
    queries, and the rows of that day) is the same for a 7-day and a 365-day program. A day off
    in a plan (a weekday without a session) gives a plan with no day.
    """
    assignments = (
        Assignment.objects.filter(client=client, status=Assignment.Status.ACTIVE)
        .select_related("program")
        .order_by("starts_on", "id")
    )
    lookups: list[tuple[Assignment, dict[str, int]]] = []
    for assignment in assignments:
        offset = offset_on(assignment=assignment, on=on)
        if offset is not None:
            lookup = day_at(program=assignment.program, start=assignment.starts_on, offset=offset)
            lookups.append((assignment, lookup))
    if not lookups:
        return []
    wanted = reduce(or_, (Q(program_id=a.program_id, **lookup) for a, lookup in lookups))
    days = list(Day.objects.filter(wanted))
    items: dict[int, list[Prescription]] = {day.pk: [] for day in days}
    for prescription in (
        Prescription.objects.filter(day__in=[day.pk for day in days])
        .select_related("exercise", "stage")
        .defer(*UNSHOWN_TEXTS)
        .order_by("day_id", "order")
    ):
        items[prescription.day_id].append(prescription)

    def day_for(assignment: Assignment, lookup: dict[str, int]) -> Day | None:
        return next(
            (
                day
                for day in days
                if day.program_id == assignment.program_id
                and all(getattr(day, field) == value for field, value in lookup.items())
            ),
            None,
        )

    plans = []
    for assignment, lookup in lookups:
        day = day_for(assignment, lookup)
        plans.append(
            DailyPlan(assignment=assignment, on=on, day=day, items=items[day.pk] if day else [])
        )
    return plans


def client_has_current_program(*, client: Client) -> bool:
    return Assignment.objects.filter(client=client).current().exists()
