"""The routine generator: one day repeated for N days, each exercise progressing its own way."""

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Prefetch

from coach.errors import DomainError
from coach.models import Coach
from exercises.models import Exercise, Stage
from programs.doses import STAGE_DOSE_FIELDS, template_stage
from programs.models import Day, Prescription, Program
from programs.services.builder import (
    DEFAULT_DOSE,
    PRESCRIPTION_FIELDS,
    _apply_dose,
    program_create,
)

STEP_KINDS = ("none", "hold", "reps", "stage")
ROUTINE_MAX_ITEMS = 12
# The dose field each kind of step adds to.
STEP_FIELDS = {"hold": "hold_seconds", "reps": "reps_per_side"}
# What `routine_plan` takes besides the coach: the rest of `routine_generate`'s input names the
# program and does not change its days.
PLAN_ARGUMENTS = ("items", "length_days", "step", "step_amount", "every_days")


def _column_max(model: Any, field: str) -> int:
    """The largest value an integer column holds on every database (SQLite alone takes more)."""
    internal_type = model._meta.get_field(field).get_internal_type()
    return BaseDatabaseOperations.integer_field_ranges[internal_type][1]


@dataclass(frozen=True, kw_only=True)
class Progression:
    """How one exercise of the day grows: `amount` of `step` every `every_days` days.

    `own` tells an exercise's own choice from the routine's default. A default that does not
    fit an exercise (a hold step on reps, stages on an exercise without a ladder) leaves it as
    it is; an exercise's own choice must fit it.
    """

    step: str = "none"
    amount: int = 0
    every_days: int = 7
    own: bool = False

    def steps_by(self, day_number: int) -> int:
        """How many steps have been taken by day `day_number` (none on the first days)."""
        return (day_number - 1) // self.every_days


@dataclass(frozen=True)
class RoutinePlan:
    """What the generator would create, before anything is stored: `days[0]` is day 1.

    Each day holds unsaved prescriptions (exercise and stage loaded, no day yet), in the day's
    order; `progressions` is each exercise's, by its position in the day.
    """

    days: list[list[Prescription]]
    progressions: list[Progression]

    @property
    def length_days(self) -> int:
        return len(self.days)

    @property
    def items(self) -> list[Prescription]:
        """The day that is repeated (day 1)."""
        return self.days[0]

    def rows(self) -> Iterator[tuple[int, list[tuple[Prescription, bool]]]]:
        """(day number, [(prescription, whether it differs from the day before)]) per day."""
        previous: list[Prescription] = []
        for number, day in enumerate(self.days, start=1):
            yield (
                number,
                [
                    (p, bool(previous) and _content(p) != _content(previous[index]))
                    for index, p in enumerate(day)
                ],
            )
            previous = day

    def digest(self) -> str:
        """A fingerprint of everything the plan would store and show, stage doses included: two
        plans with the same digest create the same routine."""
        text = repr([[_content(p, shown=True) for p in day] for day in self.days])
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def _content(prescription: Prescription, *, shown: bool = False) -> tuple[Any, ...]:
    stored = (
        prescription.exercise_id,
        prescription.stage_id,
        *(getattr(prescription, f) for f in PRESCRIPTION_FIELDS),
    )
    if not shown:
        return stored
    stage = template_stage(prescription)
    return (*stored, *(getattr(stage, f, None) for f in STAGE_DOSE_FIELDS))


def _default_progression(step: str, step_amount: int, every_days: int) -> Progression:
    if step not in STEP_KINDS:
        raise DomainError("Choose how the routine progresses.", field="step")
    if step != "none" and step_amount < 1:
        raise DomainError("Give the amount added at each step.", field="step_amount")
    if every_days < 1:
        raise DomainError("Progress every day or more.", field="every_days")
    return Progression(step=step, amount=step_amount, every_days=every_days)


def _item_progression(item: Mapping[str, Any], where: str, default: Progression) -> Progression:
    """The exercise's own progression where it gives a `step`, else the routine's step with
    the item's own `step_amount` and `every_days` where it gives them."""
    own = item.get("step") not in (None, "")
    step = item["step"] if own else default.step
    amount = item.get("step_amount")
    every_days = item.get("every_days")
    if every_days is None:
        every_days = default.every_days
    if not own and amount is None:
        amount = default.amount
    if step not in STEP_KINDS:
        raise DomainError("Choose how this exercise progresses.", field=f"{where}step")
    if step != "none" and (amount is None or amount < 1):
        raise DomainError("Give the amount added at each step.", field=f"{where}step_amount")
    if every_days < 1:
        raise DomainError("Progress every day or more.", field=f"{where}every_days")
    return Progression(step=step, amount=amount or 0, every_days=every_days, own=own)


def _exercises(coach: Coach | None, items: Sequence[Mapping[str, Any]]) -> dict[int, Exercise]:
    """The items' exercises the coach may use (shared ones for a starter), ladders loaded."""
    ids = set()
    for item in items:
        try:
            ids.add(int(item.get("exercise")))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
    exercises = Exercise.objects.visible_to(coach) if coach else Exercise.objects.shared()
    return {
        e.pk: e
        for e in exercises.filter(pk__in=ids).prefetch_related(
            Prefetch("stages", queryset=Stage.objects.order_by("order"))
        )
    }


def _first_day_item(
    item: Mapping[str, Any], where: str, order: int, exercises: Mapping[int, Exercise]
) -> Prescription:
    """Day 1's prescription for an item, as the builder would add it (not stored)."""
    try:
        exercise = exercises[int(item.get("exercise"))]  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError) as exc:
        raise DomainError(
            "Choose an exercise from your library.", field=f"{where}exercise"
        ) from exc
    ladder = list(exercise.stages.all())
    stage = None
    if item.get("stage") not in (None, ""):
        stage = next((s for s in ladder if str(s.pk) == str(item["stage"])), None)
        if stage is None:
            raise DomainError("Choose a stage of this exercise.", field=f"{where}stage")
    prescription = Prescription(exercise=exercise, stage=stage, order=order)
    if stage is None and not ladder:
        for name, value in DEFAULT_DOSE[exercise.measurement].items():
            setattr(prescription, name, value)
    dose = {k: v for k, v in item.items() if k in PRESCRIPTION_FIELDS}
    try:
        _apply_dose(prescription, dose)
    except DomainError as error:
        raise DomainError(error.message, field=where + (error.field or "")) from error
    return prescription


def _stepped_start(
    prescription: Prescription, progression: Progression, where: str, length_days: int
) -> int | None:
    """The hold or reps a "hold" or "reps" step adds to: the coach's, else the stage's (the
    first rung's where the day follows the client's stage, as a client starts there)."""
    field = STEP_FIELDS[progression.step]
    value = getattr(prescription, field)
    stage = template_stage(prescription)
    if value is None and stage is not None:
        value = getattr(stage, field)
    name = prescription.exercise.name
    if value is None:
        if not progression.own:
            return None
        what = "hold" if progression.step == "hold" else "reps"
        raise DomainError(
            f"{name} has no {what} to add to: give its {what} or choose another progression.",
            field=f"{where}step",
        )
    most = _column_max(Prescription, field)
    last = value + progression.steps_by(length_days) * progression.amount
    if last > most:
        raise DomainError(
            f"{name} would reach {last} by the last day, more than a day can hold ({most}). "
            "Add less at each step.",
            field=f"{where if progression.own else ''}step_amount",
        )
    return value


def _day_item(
    base: Prescription, progression: Progression, start: int | None, number: int
) -> Prescription:
    """The prescription of day `number` for an exercise of day 1 (`base`)."""
    copy = Prescription(
        order=base.order,
        exercise=base.exercise,
        stage=base.stage,
        **{f: getattr(base, f) for f in PRESCRIPTION_FIELDS},
    )
    steps = progression.steps_by(number)
    if not steps:
        return copy
    if start is not None:
        # Until the first step the stage (or the coach) gives the value; from then on the
        # program sets it.
        setattr(copy, STEP_FIELDS[progression.step], start + steps * progression.amount)
    elif progression.step == "stage":
        ladder = list(base.exercise.stages.all())
        if ladder:
            at = next((i for i, s in enumerate(ladder) if s.pk == base.stage_id), 0)
            stage = ladder[min(at + steps * progression.amount, len(ladder) - 1)]
            if stage.pk != base.stage_id:
                copy.stage = stage
                # A new rung brings its own dose: what it gives is left to it.
                for name in STAGE_DOSE_FIELDS:
                    if getattr(stage, name) is not None:
                        setattr(copy, name, None)
    return copy


def routine_plan(
    *,
    coach: Coach | None,
    items: Sequence[Mapping[str, Any]],
    length_days: int = 30,
    step: str = "none",
    step_amount: int = 0,
    every_days: int = 7,
) -> RoutinePlan:
    """Every day of the routine `routine_generate` would create, without storing anything.

    `items` are the day's exercises: `exercise` id, optional `stage` id and dose, and
    optionally their own progression (`step`, `step_amount`, `every_days`); an item without
    a `step` follows the routine's `step`, `step_amount` and `every_days`. A step adds
    `step_amount` seconds of hold ("hold"), reps per side ("reps") or rungs ("stage", never
    past the top of the ladder). Dose fields an item does not give are left to the stage until
    a step sets them: a stepped hold or reps value starts from the stage's, and a new rung
    gives its own dose.
    """
    try:
        Program._meta.get_field("length_days").run_validators(length_days)
    except ValidationError as error:
        raise DomainError(error.messages[0], field="length_days") from error
    default = _default_progression(step, step_amount, every_days)
    if not items:
        raise DomainError("Add at least one exercise to the day to repeat.", field="items")
    if len(items) > ROUTINE_MAX_ITEMS:
        raise DomainError(f"Repeat at most {ROUTINE_MAX_ITEMS} exercises a day.", field="items")
    exercises = _exercises(coach, items)
    first: list[Prescription] = []
    progressions: list[Progression] = []
    starts: list[int | None] = []
    for index, item in enumerate(items):
        where = f"items.{index}."
        progression = _item_progression(item, where, default)
        prescription = _first_day_item(item, where, index + 1, exercises)
        ladder = list(prescription.exercise.stages.all())
        if progression.step == "stage":
            if not ladder and progression.own:
                raise DomainError(
                    f"{prescription.exercise.name} has no stages to climb: choose another "
                    "progression.",
                    field=f"{where}step",
                )
            if prescription.stage is None and ladder:
                # Climbing the ladder starts from its first rung, on day 1 as on the days after.
                prescription.stage = ladder[0]
        start = None
        if progression.step in STEP_FIELDS:
            start = _stepped_start(prescription, progression, where, length_days)
        first.append(prescription)
        progressions.append(progression)
        starts.append(start)
    days = [first] + [
        [
            _day_item(base, progressions[index], starts[index], number)
            for index, base in enumerate(first)
        ]
        for number in range(2, length_days + 1)
    ]
    return RoutinePlan(days=days, progressions=progressions)


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
    """A routine that repeats one day for `length_days` days, each exercise progressing as
    `routine_plan` describes: exactly the days `routine_plan` gives for the same input. The
    result is an ordinary routine the coach can edit."""
    plan = routine_plan(
        coach=coach,
        items=items,
        length_days=length_days,
        step=step,
        step_amount=step_amount,
        every_days=every_days,
    )
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
    rows = []
    for day, prescriptions in zip(days, plan.days, strict=True):
        day.intensity = intensity
        for prescription in prescriptions:
            prescription.day = day
            rows.append(prescription)
    Day.objects.bulk_update(days, ["intensity"])
    Prescription.objects.bulk_create(rows)
    return program
