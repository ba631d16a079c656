"""Whole-program copies keep every field: the blocks, days and prescriptions of a duplicate, of
an assignment's copy and of a customised copy hold exactly what the source held."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Field, Model

from coach.models import Coach
from programs import services
from programs.models import Block, Day, Prescription, Program
from tests.coach.factories import ClientFactory
from tests.exercises.factories import ExerciseFactory, stage_of
from tests.programs.factories import assign, plan

pytestmark = pytest.mark.django_db

# The copied models and the parent row each hangs from (set by the copy, not copied).
COPIED: dict[type[Model], str] = {Block: "program", Day: "program", Prescription: "day"}


def _copied_fields(model: type[Model]) -> list[Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name != COPIED[model]
    ]


def _check_table(model: type[Model], values: dict[str, Any]) -> None:
    """Every copied field has a value here, and not its default: a copy that dropped the field
    would leave the default, which the tests below could not tell from the value."""
    for field in _copied_fields(model):
        if field.name not in values:
            pytest.fail(
                f"{model.__name__}.{field.name} is new: give it a non-default value in "
                "this test's table so that the copies are checked to keep it."
            )
        if values[field.name] == field.get_default():
            pytest.fail(f"{model.__name__}.{field.name}: the table holds its default value.")


def _row(model: type[Model], row: Model) -> dict[str, Any]:
    return {field.name: getattr(row, field.attname) for field in _copied_fields(model)}


def _ids(values: dict[str, Any]) -> dict[str, Any]:
    return {name: v.pk if isinstance(v, Model) else v for name, v in values.items()}


@pytest.fixture
def source(coach: Coach) -> tuple[Program, dict[type[Model], dict[str, Any]]]:
    """A two-week plan (Thursdays) whose block, day 2 and one prescription of day 2 have
    every copied field set, with the values they were set to."""
    exercise = ExerciseFactory.create(owner=coach, stages=2)
    program = plan(coach, weeks=2, weekdays=[3], name="Every field")
    values: dict[type[Model], dict[str, Any]] = {
        Block: {"order": 1, "name": "Speed", "focus": Block.Focus.SPEED, "start": 2, "end": 2},
        Day: {
            "number": 2,
            "week": 2,
            "weekday": 3,
            "title": "Hill day",
            "intensity": Day.Intensity.HIGH,
            "is_rest": True,
            "notes": "Easy warm-up first.",
        },
        Prescription: {
            "order": 1,
            "exercise": exercise,
            "stage": stage_of(exercise, 2),
            "sets": 4,
            "reps_per_side": 9,
            "hold_seconds": 45,
            "load": Decimal("12.5"),
            "load_unit": "kg",
            "rest_seconds": 75,
            "tempo": "3-1-1-0",
            "target_rpe": Decimal("7.5"),
            "notes": "Slow on the way down.",
            "superset_group": "A",
        },
    }
    for model, table in values.items():
        _check_table(model, table)
    Block.objects.create(program=program, **values[Block])
    # Day 2 of this layout already has its number, week and weekday; the rest is set here.
    program.days.filter(number=2).update(**values[Day])
    Prescription.objects.create(day=program.days.get(number=2), **values[Prescription])
    return program, values


def _duplicate(coach: Coach, program: Program) -> Program:
    return services.program_duplicate(coach=coach, program=program)


def _assign(coach: Coach, program: Program) -> Program:
    clients = ClientFactory.create_batch(2, coach=coach)
    assignments = assign(coach, program, starts_on=date(2027, 3, 1), clients=clients)
    return assignments[0].program


def _customise(coach: Coach, program: Program) -> Program:
    clients = ClientFactory.create_batch(2, coach=coach)
    first, second = assign(coach, program, starts_on=date(2027, 3, 1), clients=clients)
    own = services.assignment_customise(coach=coach, assignment=first)
    assert own.pk not in (program.pk, second.program_id)  # a copy of the shared copy
    return own


@pytest.mark.parametrize("copy_of", [_duplicate, _assign, _customise])
def test_a_copy_keeps_every_field_of_blocks_days_and_prescriptions(
    coach: Coach,
    source: tuple[Program, dict[type[Model], dict[str, Any]]],
    copy_of: Callable[[Coach, Program], Program],
) -> None:
    # given
    program, values = source

    # when
    copy = copy_of(coach, program)

    # then
    assert copy.pk != program.pk
    day = copy.days.get(number=2)
    assert _row(Block, copy.blocks.get()) == _ids(values[Block])
    assert _row(Day, day) == _ids(values[Day])
    assert _row(Prescription, day.prescriptions.get()) == _ids(values[Prescription])
    assert list(copy.days.values_list("number", "week", "weekday")) == [(1, 1, 3), (2, 2, 3)]
