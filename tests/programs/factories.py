"""Factories and small builders for programs: exercises, stages, programs laid out by services."""

from collections.abc import Sequence
from datetime import date
from typing import Any

import factory
from django.utils.text import slugify

from coach.models import Client, Coach
from exercises.models import Exercise, Stage
from programs import services
from programs.models import Assignment, Day, Prescription, Program
from tests.coach.factories import ClientFactory, CoachFactory


class ExerciseFactory(factory.django.DjangoModelFactory[Exercise]):
    """An exercise of a coach's own library (pass `owner=None` for a shared one)."""

    class Meta:
        model = Exercise

    owner = factory.SubFactory(CoachFactory)
    name = factory.Sequence(lambda n: f"Program exercise {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    instructions = factory.LazyFunction(lambda: ["Stand tall.", "Move with control."])
    cues = factory.LazyFunction(lambda: ["Breathe"])
    faults = factory.LazyFunction(list)
    laterality = Exercise.Laterality.UNILATERAL
    measurement = Exercise.Measurement.REPS
    category = Exercise.Category.STRENGTH


class StageFactory(factory.django.DjangoModelFactory[Stage]):
    class Meta:
        model = Stage

    exercise = factory.SubFactory(ExerciseFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"Stage {o.order}")
    sets = 3
    reps_per_side = 8
    rest_seconds = 60


def exercise_with_stages(
    *, owner: Coach | None, stages: int = 3, criteria_sessions: int | None = 3, **kwargs: Any
) -> Exercise:
    """An exercise with a ladder of `stages` rungs, each asking `criteria_sessions` to move up."""
    exercise = ExerciseFactory.create(owner=owner, **kwargs)
    for order in range(1, stages + 1):
        StageFactory.create(
            exercise=exercise,
            order=order,
            sets=order + 1,
            reps_per_side=6 + order,
            hold_seconds=10 * order,
            rest_seconds=30 * order,
            criteria_sessions=criteria_sessions if order < stages else None,
        )
    return exercise


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


def shared(slug: str) -> Exercise:
    """An exercise of the seeded shared library."""
    return Exercise.objects.get(owner=None, slug=slug)


def stage_of(exercise: Exercise, order: int) -> Stage:
    return exercise.stages.get(order=order)
