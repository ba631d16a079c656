"""The builder: a program's details, its days, blocks and prescriptions, and the "save all"."""

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max

from coach.archiving import archived_set
from coach.common import changes_plans, model_update
from coach.errors import DomainError, NotAllowed
from coach.models import Coach
from exercises.models import Exercise, Stage
from programs.doses import template_stage
from programs.models import Block, Day, Prescription, Program
from programs.selectors import program_is_editable

PROGRAM_FIELDS = ("name", "kind", "goal", "description", "length_days", "weeks", "weekdays")
DAY_FIELDS = ("title", "intensity", "is_rest", "notes")
BLOCK_FIELDS = ("name", "focus", "start", "end")
# Exercises in one day: far more than any session, and their order (a small integer, parked at
# 10_000 + n while a day is rewritten) stays within its column.
DAY_MAX_PRESCRIPTIONS = 100
PRESCRIPTION_FIELDS = (
    "sets",
    "reps_per_side",
    "hold_seconds",
    "load",
    "load_unit",
    "rest_seconds",
    "tempo",
    "target_rpe",
    "notes",
    "superset_group",
)
# Text fields of the dose: an empty value arrives as None and is stored as "".
_PRESCRIPTION_TEXT_FIELDS = {"load_unit", "tempo", "notes", "superset_group"}


def require_own(*, coach: Coach, program: Program) -> None:
    """The coach may change this program (program_is_editable), or NotAllowed says why not."""
    if program_is_editable(coach=coach, program=program):
        return
    if program.owner_id != coach.pk:
        raise NotAllowed("Starter templates are read-only. Duplicate one to change it.")
    raise NotAllowed(
        "Several clients follow this copy of the program. Customise it for one client "
        "first; the others keep theirs as it is."
    )


# --- the program and its days --------------------------------------------------------------


def _day_layout(program: Program) -> list[tuple[int, int | None, int | None]]:
    """(number, week, weekday) of every day the program should have."""
    if program.is_routine:
        return [(n, None, None) for n in range(1, program.length_days + 1)]
    weekdays = sorted(set(program.weekdays))
    layout: list[tuple[int, int | None, int | None]] = []
    for week in range(1, program.weeks + 1):
        for weekday in weekdays:
            layout.append((len(layout) + 1, week, weekday))
    return layout


def _days_sync(program: Program) -> None:
    """Give the program exactly the days its kind and length call for, keeping existing ones."""
    layout = _day_layout(program)
    existing = {
        (day.week, day.weekday) if not program.is_routine else day.number: day
        for day in program.days.all()
    }
    keep_ids = []
    to_create = []
    to_update = []
    for number, week, weekday in layout:
        key = (week, weekday) if not program.is_routine else number
        day = existing.get(key)
        if day is None:
            to_create.append(Day(program=program, number=number, week=week, weekday=weekday))
        else:
            keep_ids.append(day.pk)
            if day.number != number:
                day.number = number
                to_update.append(day)
    program.days.exclude(pk__in=keep_ids).delete()
    if to_update:
        # Numbers are unique per program: park them out of the way first.
        Day.objects.filter(pk__in=[d.pk for d in to_update]).update(number=F("number") + 10_000)
        for day in to_update:
            Day.objects.filter(pk=day.pk).update(number=day.number)
    Day.objects.bulk_create(to_create)


def _check_program(program: Program) -> None:
    if program.kind == Program.Kind.PLAN:
        weekdays = program.weekdays
        if (
            not isinstance(weekdays, list)
            or not weekdays
            or not all(type(d) is int and 0 <= d <= 6 for d in weekdays)
        ):
            raise DomainError("Choose at least one training weekday.", field="weekdays")
        program.weekdays = sorted(set(weekdays))
    else:
        program.weekdays = []
    try:
        program.full_clean(exclude=["owner", "copied_from"])
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from error


def _program_save(program: Program, data: Mapping[str, Any]) -> Program:
    model_update(instance=program, fields=PROGRAM_FIELDS, data=data, save=False)
    _check_program(program)
    program.save()
    _days_sync(program)
    return program


@transaction.atomic
def program_create(*, coach: Coach | None, data: Mapping[str, Any]) -> Program:
    """A new template with its days laid out (routine: 1…N; plan: weeks × weekdays)."""
    return _program_save(Program(owner=coach, is_template=True), data)


@changes_plans
@transaction.atomic
def program_update(*, coach: Coach, program: Program, data: Mapping[str, Any]) -> Program:
    """Change a program's details. A shorter length drops the days past the end."""
    require_own(coach=coach, program=program)
    return _program_save(program, data)


@changes_plans
def program_archive(*, coach: Coach, program: Program) -> Program:
    require_own(coach=coach, program=program)
    archived_set(program, archived=True)
    return program


@changes_plans
def program_restore(*, coach: Coach, program: Program) -> Program:
    require_own(coach=coach, program=program)
    archived_set(program, archived=False)
    return program


@changes_plans
@transaction.atomic
def day_update(*, coach: Coach, day: Day, data: Mapping[str, Any]) -> Day:
    require_own(coach=coach, program=day.program)
    model_update(instance=day, fields=DAY_FIELDS, data=data)
    return day


# --- blocks --------------------------------------------------------------------------------


def block_span(program: Program, start: int, end: int) -> str:
    """A block's range in words: "weeks 1–3", "day 5"."""
    unit = "day" if program.is_routine else "week"
    return f"{unit} {start}" if start == end else f"{unit}s {start}–{end}"


def _check_block(program: Program, block: Block, others: Sequence[Block] = ()) -> None:
    """A block runs within the program and shares none of its days (or weeks) with `others`."""
    limit = program.length_days if program.is_routine else program.weeks
    unit = "day" if program.is_routine else "week"
    if block.start is None or block.end is None or block.start < 1 or block.end < block.start:
        raise DomainError(f"A block runs from a first to a last {unit}.", field="end")
    if block.end > limit:
        raise DomainError(f"The program has only {limit} {unit}s.", field="end")
    for other in others:
        if other.start <= block.end and block.start <= other.end:
            raise DomainError(
                f"This block ({block_span(program, block.start, block.end)}) overlaps "
                f"“{other.name}” ({block_span(program, other.start, other.end)}). Blocks do not "
                f"share a {unit}: start this one after {unit} {other.end}, end it before "
                f"{unit} {other.start}, or change “{other.name}” first.",
                field="start",
            )
    try:
        # The range is checked above; no per-block constraint or uniqueness queries.
        block.full_clean(
            exclude=["program", "order"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from error


@changes_plans
@transaction.atomic
def block_create(*, coach: Coach, program: Program, data: Mapping[str, Any]) -> Block:
    require_own(coach=coach, program=program)
    order = (program.blocks.aggregate(top=Max("order"))["top"] or 0) + 1
    block = Block(
        program=program, order=order, **{f: data.get(f) for f in BLOCK_FIELDS if f in data}
    )
    _check_block(program, block, list(program.blocks.all()))
    block.save()
    return block


@changes_plans
@transaction.atomic
def block_update(*, coach: Coach, block: Block, data: Mapping[str, Any]) -> Block:
    require_own(coach=coach, program=block.program)
    model_update(instance=block, fields=BLOCK_FIELDS, data=data, save=False)
    _check_block(block.program, block, list(block.program.blocks.exclude(pk=block.pk)))
    block.save()
    return block


@changes_plans
def block_delete(*, coach: Coach, block: Block) -> None:
    require_own(coach=coach, program=block.program)
    block.delete()


# --- prescriptions -------------------------------------------------------------------------


def _resolve_exercise(*, coach: Coach, exercise_id: Any) -> Exercise:
    try:
        return Exercise.objects.visible_to(coach).get(pk=int(exercise_id))
    except (Exercise.DoesNotExist, TypeError, ValueError) as exc:
        raise DomainError("Choose an exercise from your library.", field="exercise") from exc


def _resolve_stage(*, exercise: Exercise, stage_id: Any) -> Stage | None:
    if stage_id in (None, ""):
        return None
    try:
        return exercise.stages.get(pk=int(stage_id))
    except (Stage.DoesNotExist, TypeError, ValueError) as exc:
        raise DomainError("Choose a stage of this exercise.", field="stage") from exc


def _apply_dose(prescription: Prescription, data: Mapping[str, Any]) -> None:
    dose = {
        field: "" if value is None and field in _PRESCRIPTION_TEXT_FIELDS else value
        for field, value in data.items()
    }
    model_update(instance=prescription, fields=PRESCRIPTION_FIELDS, data=dose, save=False)
    try:
        # Field validators only: the check constraints repeat them, and validating constraints
        # or uniqueness here would cost queries per prescription (nested saves must not).
        prescription.full_clean(
            exclude=["day", "exercise", "stage", "order"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from error


@changes_plans
@transaction.atomic
def prescription_add(
    *, coach: Coach, day: Day, exercise_id: Any, data: Mapping[str, Any] | None = None
) -> Prescription:
    """Add an exercise to a day. Dose fields not given are left to the stage; an exercise
    without stages starts from a dose for how it is measured (DEFAULT_DOSE)."""
    require_own(coach=coach, program=day.program)
    exercise = _resolve_exercise(coach=coach, exercise_id=exercise_id)
    return _prescription_append(day=day, exercise=exercise, data=data or {})


def starter_prescription_add(*, day: Day, item: Mapping[str, Any]) -> Prescription:
    """Add a shared exercise to a day of a starter template (no coach to check against);
    `item` holds the `exercise` id and, like `prescription_add`'s data, the stage and dose."""
    exercise = Exercise.objects.shared().get(pk=item["exercise"])
    return _prescription_append(day=day, exercise=exercise, data=item)


# A starting dose for exercises without stages, by how they are measured.
DEFAULT_DOSE: dict[str, dict[str, Any]] = {
    Exercise.Measurement.HOLD: {"sets": 2, "hold_seconds": 30, "rest_seconds": 30},
    Exercise.Measurement.REPS: {"sets": 3, "reps_per_side": 8, "rest_seconds": 60},
    Exercise.Measurement.REPS_LOAD: {"sets": 3, "reps_per_side": 8, "rest_seconds": 90},
    Exercise.Measurement.DISTANCE: {"sets": 4, "rest_seconds": 90},
    Exercise.Measurement.TIME: {"sets": 4, "hold_seconds": 20, "rest_seconds": 60},
}


def _prescription_append(*, day: Day, exercise: Exercise, data: Mapping[str, Any]) -> Prescription:
    """Append an exercise to a day with the dose given. On an exercise with stages the fields
    not given stay empty: the stage (the client's, or the one fixed) gives them, so a change to
    the stage or a move to another rung reaches the day. Without stages nothing would give
    them, so they start from how the exercise is measured."""
    stage = _resolve_stage(exercise=exercise, stage_id=data.get("stage"))
    order = (day.prescriptions.aggregate(top=Max("order"))["top"] or 0) + 1
    if order > DAY_MAX_PRESCRIPTIONS:
        raise DomainError(f"A day holds at most {DAY_MAX_PRESCRIPTIONS} exercises.", field="day")
    prescription = Prescription(day=day, exercise=exercise, stage=stage, order=order)
    if stage is None and not exercise.stages.exists():
        for field, value in DEFAULT_DOSE[exercise.measurement].items():
            setattr(prescription, field, value)
    _apply_dose(prescription, data)
    prescription.save()
    return prescription


@changes_plans
@transaction.atomic
def prescription_update(
    *, coach: Coach, prescription: Prescription, data: Mapping[str, Any]
) -> Prescription:
    require_own(coach=coach, program=prescription.day.program)
    if "exercise" in data and data["exercise"] not in (None, prescription.exercise_id):
        prescription.exercise = _resolve_exercise(coach=coach, exercise_id=data["exercise"])
        prescription.stage = None
    if "stage" in data:
        prescription.stage = _resolve_stage(exercise=prescription.exercise, stage_id=data["stage"])
    _apply_dose(prescription, data)
    prescription.save()
    return prescription


@changes_plans
def prescription_delete(*, coach: Coach, prescription: Prescription) -> None:
    require_own(coach=coach, program=prescription.day.program)
    prescription.delete()


@changes_plans
@transaction.atomic
def prescriptions_reorder(*, coach: Coach, day: Day, ids: Sequence[int]) -> None:
    """Put a day's exercises in the given order (every one of them, once)."""
    require_own(coach=coach, program=day.program)
    current = set(day.prescriptions.values_list("pk", flat=True))
    if set(ids) != current or len(ids) != len(current):
        raise DomainError("Give every exercise of the day once.", field="ids")
    day.prescriptions.update(order=F("order") + 10_000)
    for position, pk in enumerate(ids, start=1):
        Prescription.objects.filter(pk=pk).update(order=position)


# --- nested save of the whole structure (the builder's "save all") ---------------------------


@changes_plans
@transaction.atomic
def program_structure_save(
    *,
    coach: Coach,
    program: Program,
    blocks: Sequence[Mapping[str, Any]] | None,
    days: Sequence[Mapping[str, Any]] | None,
) -> Program:
    """Replace the blocks and the days' contents in one go, with a fixed number of queries.

    `days` are matched by `number` (the layout itself comes from the program's length);
    prescriptions with an `id` of that day are updated, others added, missing ones removed.
    Days left out of `days` keep their exercises.
    """
    require_own(coach=coach, program=program)
    if blocks is not None:
        program.blocks.all().delete()
        new_blocks: list[Block] = []
        for order, data in enumerate(blocks, start=1):
            block = Block(program=program, order=order, **{f: data.get(f) for f in BLOCK_FIELDS})
            try:
                _check_block(program, block, new_blocks)
            except DomainError as error:
                raise DomainError(
                    error.message, field=f"blocks.{order - 1}.{error.field}"
                ) from error
            new_blocks.append(block)
        Block.objects.bulk_create(new_blocks)
    if days is None:
        return program
    by_number = {day.number: day for day in program.days.prefetch_related("prescriptions")}
    exercise_ids = {int(p["exercise"]) for d in days for p in d.get("prescriptions", [])}
    exercises = {e.pk: e for e in Exercise.objects.visible_to(coach).filter(pk__in=exercise_ids)}
    stages = {s.pk: s for s in Stage.objects.filter(exercise_id__in=exercises)}
    keep: list[tuple[Prescription, int]] = []
    create: list[tuple[Prescription, int]] = []
    update_days: list[Day] = []
    for d_index, data in enumerate(days):
        day = by_number.get(data.get("number"))  # type: ignore[arg-type]
        if day is None:
            raise DomainError("No such day in this program.", field=f"days.{d_index}.number")
        if day in update_days:
            raise DomainError("A day appears twice.", field=f"days.{d_index}.number")
        model_update(instance=day, fields=DAY_FIELDS, data=data, save=False)
        update_days.append(day)
        if len(data.get("prescriptions", [])) > DAY_MAX_PRESCRIPTIONS:
            raise DomainError(
                f"A day holds at most {DAY_MAX_PRESCRIPTIONS} exercises.",
                field=f"days.{d_index}.prescriptions",
            )
        existing = {p.pk: p for p in day.prescriptions.all()}
        for p_index, item in enumerate(data.get("prescriptions", [])):
            where = f"days.{d_index}.prescriptions.{p_index}."
            exercise = exercises.get(int(item["exercise"]))
            if exercise is None:
                raise DomainError("Choose an exercise from your library.", field=where + "exercise")
            stage = stages.get(int(item["stage"])) if item.get("stage") else None
            if item.get("stage") and (stage is None or stage.exercise_id != exercise.pk):
                raise DomainError("Choose a stage of this exercise.", field=where + "stage")
            prescription = existing.get(item.get("id")) or Prescription(day=day)  # type: ignore[arg-type]
            prescription.exercise, prescription.stage = exercise, stage
            prescription.order = 10_000 + p_index + 1 if prescription.pk else p_index + 1
            try:
                _apply_dose(prescription, item)
            except DomainError as error:
                raise DomainError(error.message, field=where + (error.field or "")) from error
            (keep if prescription.pk else create).append((prescription, p_index + 1))
    # Only the days in the payload are replaced: a day left out keeps its exercises.
    Prescription.objects.filter(day__in=[day.pk for day in update_days]).exclude(
        pk__in=[p.pk for p, _ in keep]
    ).delete()
    # Kept rows are parked at 10_000+ first: (day, order) is unique.
    Prescription.objects.bulk_update(
        [p for p, _ in keep], ["exercise", "stage", "order", *PRESCRIPTION_FIELDS]
    )
    for prescription, position in keep:
        prescription.order = position
    Prescription.objects.bulk_update([p for p, _ in keep], ["order"])
    Prescription.objects.bulk_create([p for p, _ in create])
    Day.objects.bulk_update(update_days, list(DAY_FIELDS))
    return program


# --- a lighter (deload) week ----------------------------------------------------------------

# What "lighter" means when a week is copied as a deload week: fewer sets, less load, an easier
# effort, and days the training rules count as light. Reps and holds stay as they are, so the
# client keeps practising the same movements.
LIGHTER_SETS_SHARE = Decimal("0.6")
LIGHTER_LOAD_SHARE = Decimal("0.8")
LIGHTER_RPE_DROP = Decimal(2)
LIGHTER_WEEK_RULES = (
    f"{LIGHTER_SETS_SHARE:.0%} of the sets (at least 1), {LIGHTER_LOAD_SHARE:.0%} of a load "
    "you set (or the low end of the stage's load band), target effort (RPE) "
    f"{LIGHTER_RPE_DROP} lower, and its days at low intensity"
)
_HALF = Decimal("0.5")


def _lighter(prescription: Prescription) -> None:
    """Lighten a prescription's dose in place, starting from what the program shows (the
    coach's values over the stage's): the lighter figures are the coach's own from then on."""
    stage = template_stage(prescription)
    sets = prescription.sets if prescription.sets is not None else (stage and stage.sets)
    if sets:
        share = (Decimal(sets) * LIGHTER_SETS_SHARE).quantize(Decimal(1), ROUND_HALF_UP)
        prescription.sets = max(1, int(share))
    if prescription.load is not None:
        load = prescription.load * LIGHTER_LOAD_SHARE
        prescription.load = (load / _HALF).quantize(Decimal(1), ROUND_HALF_UP) * _HALF
    elif stage is not None and stage.load_min is not None:
        prescription.load, prescription.load_unit = stage.load_min, stage.load_unit
    if prescription.target_rpe is not None:
        prescription.target_rpe = max(Decimal(1), prescription.target_rpe - LIGHTER_RPE_DROP)


@changes_plans
@transaction.atomic
def week_copy_lighter(*, coach: Coach, program: Program, from_week: int, to_week: int) -> list[Day]:
    """Copy a week onto another as a lighter week (LIGHTER_WEEK_RULES), for a deload."""
    # The copies module builds on this one (its fields and access check): imported here.
    from programs.services.copies import week_copy

    days = week_copy(coach=coach, program=program, from_week=from_week, to_week=to_week)
    prescriptions = list(
        Prescription.objects.filter(day__in=days)
        .select_related("exercise", "stage")
        .prefetch_related("exercise__stages")
    )
    for prescription in prescriptions:
        _lighter(prescription)
    Prescription.objects.bulk_update(prescriptions, ["sets", "load", "load_unit", "target_rpe"])
    Day.objects.filter(pk__in=[day.pk for day in days]).update(intensity=Day.Intensity.LOW)
    for day in days:
        day.intensity = Day.Intensity.LOW
    return days
