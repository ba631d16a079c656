"""The routine generator: one day repeated for N days, progressing step by step."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.backends.base.operations import BaseDatabaseOperations

from coach.errors import DomainError
from coach.models import Coach
from programs.models import Day, Prescription, Program
from programs.services.builder import (
    PRESCRIPTION_FIELDS,
    prescription_add,
    program_create,
    starter_prescription_add,
)

STEP_KINDS = ("none", "hold", "reps", "stage")
ROUTINE_MAX_ITEMS = 12


def _column_max(model: Any, field: str) -> int:
    """The largest value an integer column holds on every database (SQLite alone takes more)."""
    internal_type = model._meta.get_field(field).get_internal_type()
    return BaseDatabaseOperations.integer_field_ranges[internal_type][1]


@transaction.atomic
def routine_generate(
    *,
    coach: Coach | None,
    name: str,
    items: Sequence[Mapping[str, Any]],
    length_days: int = 30,
    step: str = "none",
    step_amount: int = 0,
    every_days: int = 7,
    intensity: str = Day.Intensity.LOW,
    goal: str = "",
    description: str = "",
) -> Program:
    """A routine that repeats one day for `length_days` days, progressing every `every_days`.

    `items` are the day's exercises (`exercise` id, optional `stage` id and dose). `step` adds
    `step_amount` seconds of hold ("hold"), reps per side ("reps") or rungs ("stage", up to the
    top of the ladder) at each step. The result is an ordinary routine the coach can edit.
    """
    if step not in STEP_KINDS:
        raise DomainError("Choose how the routine progresses.", field="step")
    if not items:
        raise DomainError("Add at least one exercise to the day to repeat.", field="items")
    if len(items) > ROUTINE_MAX_ITEMS:
        raise DomainError(f"Repeat at most {ROUTINE_MAX_ITEMS} exercises a day.", field="items")
    if step != "none" and step_amount < 1:
        raise DomainError("Give the amount added at each step.", field="step_amount")
    if every_days < 1:
        raise DomainError("Progress every day or more.", field="every_days")
    program = program_create(
        coach=coach,
        data={
            "name": name,
            "kind": Program.Kind.ROUTINE,
            "length_days": length_days,
            "goal": goal,
            "description": description,
        },
    )
    days = list(program.days.order_by("number"))
    first = days[0]
    first.intensity = intensity
    first.save(update_fields=["intensity"])
    base = []
    for item in items:
        prescription = (
            prescription_add(coach=coach, day=first, exercise_id=item.get("exercise"), data=item)
            if coach is not None
            else starter_prescription_add(day=first, item=item)
        )
        base.append(prescription)
    ladders = {
        p.exercise_id: list(p.exercise.stages.order_by("order")) for p in base if step == "stage"
    }
    for p in base:
        if p.stage_id is None and ladders.get(p.exercise_id):
            # Climbing the ladder starts from its first rung, on day 1 as on the days after it.
            p.stage = ladders[p.exercise_id][0]
            p.save(update_fields=["stage"])
    if step in ("hold", "reps"):
        dose = "hold_seconds" if step == "hold" else "reps_per_side"
        most = _column_max(Prescription, dose)
        top_steps = (length_days - 1) // every_days
        for p in base:
            start = getattr(p, dose)
            if start is not None and start + top_steps * step_amount > most:
                raise DomainError(
                    f"{p.exercise.name} would reach {start + top_steps * step_amount} by the last "
                    f"day, more than a day can hold ({most}). Add less at each step.",
                    field="step_amount",
                )
    rows = []
    for day in days[1:]:
        steps = (day.number - 1) // every_days
        day.intensity = intensity
        for p in base:
            copy = Prescription(
                day=day,
                order=p.order,
                exercise_id=p.exercise_id,
                stage_id=p.stage_id,
                **{f: getattr(p, f) for f in PRESCRIPTION_FIELDS},
            )
            if step == "hold" and copy.hold_seconds is not None:
                copy.hold_seconds += steps * step_amount
            elif step == "reps" and copy.reps_per_side is not None:
                copy.reps_per_side += steps * step_amount
            elif step == "stage" and ladders.get(p.exercise_id):
                ladder = ladders[p.exercise_id]
                start = next((i for i, s in enumerate(ladder) if s.pk == p.stage_id), 0)
                stage = ladder[min(start + steps * step_amount, len(ladder) - 1)]
                if stage.pk != p.stage_id:  # a new rung brings its own dose
                    copy.stage_id = stage.pk
                    for dose in ("sets", "reps_per_side", "hold_seconds", "rest_seconds"):
                        if getattr(stage, dose) is not None:
                            setattr(copy, dose, getattr(stage, dose))
            rows.append(copy)
    Day.objects.bulk_update(days[1:], ["intensity"])
    Prescription.objects.bulk_create(rows)
    return program
