"""Builders for the reminder tests: a coach's routine, clients who follow it, and the instants
their reminders fall due."""

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.management import call_command
from django.test import TestCase

from coach.models import Client, Coach
from exercises.models import Exercise
from programs.models import Program
from tests.coach.factories import ClientFactory
from tests.exercises.factories import ExerciseFactory, StageFactory
from tests.programs.factories import add, assign, routine, set_day


def wall_hold_routine(
    coach: Coach, *, length_days: int = 7, rest_days: Sequence[int] = (), name: str = "Wall hold"
) -> Program:
    """A routine of one one-sided hold at the client's stage (two rungs: 30 s, then 45 s) and
    a fixed split squat, every day but the rest days."""
    hold = coach.exercises.filter(name="Wall single-leg hold").first()
    squat = coach.exercises.filter(name="Split squat").first()
    if hold is None or squat is None:
        hold, squat = _exercises(coach)
    program = routine(coach, length_days=length_days, name=name)
    for number in range(1, length_days + 1):
        if number in rest_days:
            set_day(coach, program, number, is_rest=True)
            continue
        add(coach, program, number, hold)
        add(coach, program, number, squat, sets=3, reps_per_side=8, rest_seconds=60)
    return program


def _exercises(coach: Coach) -> tuple[Exercise, Exercise]:
    hold = ExerciseFactory.create(owner=coach, name="Wall single-leg hold", measurement="hold")
    StageFactory.create(
        exercise=hold, order=1, name="Hand on the wall", sets=2, reps_per_side=None, hold_seconds=30
    )
    StageFactory.create(
        exercise=hold, order=2, name="Fingertip", sets=2, reps_per_side=None, hold_seconds=45
    )
    return hold, ExerciseFactory.create(owner=coach, name="Split squat")


def client_on(
    coach: Coach,
    program: Program,
    *,
    starts_on: date,
    time_zone: str = "Europe/Berlin",
    at: time = time(7, 0),
    **data: object,
) -> Client:
    client = ClientFactory.create(coach=coach, time_zone=time_zone, reminder_time=at, **data)
    assign(coach, program, starts_on=starts_on, clients=[client])
    return client


def local(zone: str, year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in a zone, as a UTC instant (the first of two, as Python reads it)."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def dispatch(at: datetime, time_machine: object) -> list[mail.EmailMessage]:
    """Run `dispatch_reminders --at` with the clock at `at` (the sends run in-process); the
    e-mails it sent."""
    before = len(mail.outbox)
    time_machine.move_to(at, tick=False)  # type: ignore[attr-defined]
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("dispatch_reminders", "--at", at.isoformat(), stdout=StringIO())
    return mail.outbox[before:]
