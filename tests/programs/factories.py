"""Builders for programs, laid out by the services: routines, plans, their days and
prescriptions, and assignments. Exercises and stages come from tests.exercises.factories."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from coach.models import Client, Coach
from exercises.models import Exercise, Stage
from programs import services
from programs.models import Assignment, Day, Prescription, Program
from tests.coach.factories import ClientFactory


def routine(coach: Coach, *, length_days: int = 7, name: str = "Routine", **data: Any) -> Program:
    return services.program_create(
        coach=coach,
        data={"name": name, "kind": Program.Kind.ROUTINE, "length_days": length_days, **data},
    )


def plan(
    coach: Coach,
    *,
    weeks: int = 4,
    weekdays: Sequence[int] = (0, 2, 4),
    name: str = "Plan",
    **data: Any,
) -> Program:
    return services.program_create(
        coach=coach,
        data={
            "name": name,
            "kind": Program.Kind.PLAN,
            "weeks": weeks,
            "weekdays": list(weekdays),
            **data,
        },
    )


def day(program: Program, number: int) -> Day:
    return program.days.get(number=number)


def add(
    coach: Coach, program: Program, number: int, exercise: Exercise, **data: Any
) -> Prescription:
    """Add an exercise to day `number` of a program (dose in `data`, `stage` as a Stage)."""
    stage = data.pop("stage", None)
    if isinstance(stage, Stage):
        data["stage"] = stage.pk
    elif stage is not None:
        data["stage"] = stage
    return services.prescription_add(
        coach=coach, day=day(program, number), exercise_id=exercise.pk, data=data
    )


def set_day(coach: Coach, program: Program, number: int, **data: Any) -> Day:
    return services.day_update(coach=coach, day=day(program, number), data=data)


def assign(
    coach: Coach,
    template: Program,
    *,
    starts_on: date,
    clients: Sequence[Client] | None = None,
    time_zone: str = "Europe/London",
) -> list[Assignment]:
    """Assign a template to the given clients (or one new client of the coach)."""
    chosen = (
        list(clients)
        if clients is not None
        else [ClientFactory.create(coach=coach, time_zone=time_zone)]
    )
    return services.assignment_create_bulk(
        coach=coach, template=template, clients=chosen, starts_on=starts_on
    )
