"""Today: the daily plan of a client, computed from their assignments and a local date."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Prefetch

from coach.models import Client
from programs.models import Assignment, Day, Prescription
from programs.schedule import day_offset, offset_on
from programs.selectors import UNSHOWN_TEXTS


@dataclass
class DailyPlan:
    assignment: Assignment
    on: date
    day: Day | None
    day_number: int | None
    items: list[Prescription]

    @property
    def total_days(self) -> int:
        return self.assignment.program.total_days

    @property
    def calendar_day(self) -> int:
        """Which calendar day of the program `on` is (1-based)."""
        return (self.on - self.assignment.first_day).days + 1


def client_local_date(client: Client, now: datetime | None = None) -> date:
    return (now or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo(client.time_zone)).date()


def daily_plans(*, client: Client, on: date) -> list[DailyPlan]:
    """The client's active assignments that have a day on `on`, each with that day's exercises.

    A day off in a plan (a weekday without a session) gives a plan with no day.
    """
    assignments = (
        Assignment.objects.filter(client=client, status=Assignment.Status.ACTIVE)
        .select_related("program")
        .prefetch_related(
            Prefetch(
                "program__days",
                queryset=Day.objects.order_by("number").prefetch_related(
                    Prefetch(
                        "prescriptions",
                        queryset=Prescription.objects.select_related("exercise", "stage")
                        .defer(*UNSHOWN_TEXTS)
                        .order_by("order"),
                    )
                ),
            )
        )
        .order_by("starts_on", "id")
    )
    plans = []
    for assignment in assignments:
        offset = offset_on(assignment=assignment, on=on)
        if offset is None:
            continue
        program = assignment.program
        day = next(
            (
                d
                for d in program.days.all()
                if day_offset(program=program, day=d, start=assignment.starts_on) == offset
            ),
            None,
        )
        plans.append(
            DailyPlan(
                assignment=assignment,
                on=on,
                day=day,
                day_number=day.number if day else None,
                items=list(day.prescriptions.all()) if day else [],
            )
        )
    return plans
