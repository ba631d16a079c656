"""The routine generator: one day repeated for N days, progressing step by step."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.backends.base.operations import BaseDatabaseOperations

from coach.errors import DomainError
from coach.models import Coach
from programs.doses import STAGE_DOSE_FIELDS
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
    top of the ladder) at each step. Dose fields an item does not give are left to the stage
    until a step sets them: a stepped hold or reps value starts from the stage's, and a new
    rung gives its own dose. The result is an ordinary routine the coach can edit.
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
    # Each exercise's rungs, bottom up: the "stage" step climbs them; the "hold" and "reps"
    # steps start from the stage's value where the coach gave none (the first rung's where the
    # day follows the client's current stage, as a client starts there).
    ladders = (
        {p.exercise_id: list(p.exercise.stages.order_by("order")) for p in base}
        if step != "none"
        else {}
    )
    if step == "stage":
        for p in base:
            if p.stage_id is None and ladders[p.exercise_id]:
                # Climbing the ladder starts from its first rung, on day 1 as on the days after.
                p.stage = ladders[p.exercise_id][0]
                p.save(update_fields=["stage"])
    dose = "hold_seconds" if step == "hold" else "reps_per_side"
    # The value each item's hold or reps steps up from, by its index in `base`.
    starts: dict[int, int] = {}
    if step in ("hold", "reps"):
        most = _column_max(Prescription, dose)
        top_steps = (length_days - 1) // every_days
        for index, p in enumerate(base):
            stage = p.stage or next(iter(ladders[p.exercise_id]), None)
            value = getattr(p, dose)
            if value is None and stage is not None:
                value = getattr(stage, dose)
            if value is None:
                continue
            if value + top_steps * step_amount > most:
                raise DomainError(
                    f"{p.exercise.name} would reach {value + top_steps * step_amount} by the last "
                    f"day, more than a day can hold ({most}). Add less at each step.",
                    field="step_amount",
                )
            starts[index] = value
    rows = []
    for day in days[1:]:
        steps = (day.number - 1) // every_days
        day.intensity = intensity
        for index, p in enumerate(base):
            copy = Prescription(
                day=day,
                order=p.order,
                exercise_id=p.exercise_id,
                stage_id=p.stage_id,
                **{f: getattr(p, f) for f in PRESCRIPTION_FIELDS},
            )
            if steps and index in starts:
                # Until the first step the stage (or the coach) gives the value; from then on
                # the program sets it.
                setattr(copy, dose, starts[index] + steps * step_amount)
            elif step == "stage" and ladders[p.exercise_id]:
                ladder = ladders[p.exercise_id]
                start = next((i for i, s in enumerate(ladder) if s.pk == p.stage_id), 0)
                stage = ladder[min(start + steps * step_amount, len(ladder) - 1)]
                if stage.pk != p.stage_id:
                    copy.stage_id = stage.pk
                    # A new rung brings its own dose: what it gives is left to it.
                    for name in STAGE_DOSE_FIELDS:
                        if getattr(stage, name) is not None:
                            setattr(copy, name, None)
            rows.append(copy)
    Day.objects.bulk_update(days[1:], ["intensity"])
    Prescription.objects.bulk_create(rows)
    return program
