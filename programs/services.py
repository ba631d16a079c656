"""Writes of programs: the builder, the routine generator, duplication and assignment."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import F, Max

from coach.archiving import archived_set
from coach.errors import DomainError, NotAllowed
from coach.models import Client, Coach
from exercises.models import Exercise, Stage
from programs.models import Assignment, Block, Day, Prescription, Program
from programs.schedule import pause_shift

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


def _validation(error: ValidationError, prefix: str = "") -> DomainError:
    if hasattr(error, "error_dict"):
        field, messages = next(iter(error.message_dict.items()))
        name = None if field == "__all__" else f"{prefix}{field}"
        return DomainError(messages[0], field=name)
    return DomainError(error.messages[0], field=prefix.rstrip(".") or None)


def _max_length(model: Any, field: str) -> int:
    return model._meta.get_field(field).max_length


def _column_max(model: Any, field: str) -> int:
    """The largest value an integer column holds on every database (SQLite alone takes more)."""
    internal_type = model._meta.get_field(field).get_internal_type()
    return BaseDatabaseOperations.integer_field_ranges[internal_type][1]


def require_own(*, coach: Coach, program: Program) -> None:
    """The coach may change this program: their own template, or one client's own copy."""
    if program.owner_id != coach.pk:
        raise NotAllowed("Starter templates are read-only. Duplicate one to change it.")
    if not program.is_template and Assignment.objects.filter(program=program).count() > 1:
        raise NotAllowed(
            "Several clients follow this copy of the program. Customise it for one client "
            "first; the others keep theirs as it is."
        )


# --- days ----------------------------------------------------------------------------------


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
        raise _validation(error) from error


@transaction.atomic
def program_create(*, coach: Coach | None, data: Mapping[str, Any]) -> Program:
    """A new template with its days laid out (routine: 1…N; plan: weeks × weekdays)."""
    program = Program(owner=coach, is_template=True)
    for field in PROGRAM_FIELDS:
        if field in data:
            setattr(program, field, data[field])
    _check_program(program)
    program.save()
    _days_sync(program)
    return program


@transaction.atomic
def program_update(*, coach: Coach, program: Program, data: Mapping[str, Any]) -> Program:
    """Change a program's details. A shorter length drops the days past the end."""
    require_own(coach=coach, program=program)
    for field in PROGRAM_FIELDS:
        if field in data:
            setattr(program, field, data[field])
    _check_program(program)
    program.save()
    _days_sync(program)
    return program


def program_archive(*, coach: Coach, program: Program) -> Program:
    require_own(coach=coach, program=program)
    archived_set(program, archived=True)
    return program


def program_restore(*, coach: Coach, program: Program) -> Program:
    require_own(coach=coach, program=program)
    archived_set(program, archived=False)
    return program


@transaction.atomic
def day_update(*, coach: Coach, day: Day, data: Mapping[str, Any]) -> Day:
    require_own(coach=coach, program=day.program)
    for field in DAY_FIELDS:
        if field in data:
            setattr(day, field, data[field])
    try:
        day.full_clean(exclude=["program"])
    except ValidationError as error:
        raise _validation(error) from error
    day.save()
    return day


# --- blocks --------------------------------------------------------------------------------


def _check_block(program: Program, block: Block) -> None:
    limit = program.length_days if program.is_routine else program.weeks
    unit = "day" if program.is_routine else "week"
    if block.start is None or block.end is None or block.start < 1 or block.end < block.start:
        raise DomainError(f"A block runs from a first to a last {unit}.", field="end")
    if block.end > limit:
        raise DomainError(f"The program has only {limit} {unit}s.", field="end")
    try:
        # The range is checked above; no per-block constraint or uniqueness queries.
        block.full_clean(
            exclude=["program", "order"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        raise _validation(error) from error


@transaction.atomic
def block_create(*, coach: Coach, program: Program, data: Mapping[str, Any]) -> Block:
    require_own(coach=coach, program=program)
    order = (program.blocks.aggregate(top=Max("order"))["top"] or 0) + 1
    block = Block(
        program=program, order=order, **{f: data.get(f) for f in BLOCK_FIELDS if f in data}
    )
    _check_block(program, block)
    block.save()
    return block


@transaction.atomic
def block_update(*, coach: Coach, block: Block, data: Mapping[str, Any]) -> Block:
    require_own(coach=coach, program=block.program)
    for field in BLOCK_FIELDS:
        if field in data:
            setattr(block, field, data[field])
    _check_block(block.program, block)
    block.save()
    return block


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
    for field in PRESCRIPTION_FIELDS:
        if field in data:
            value = data[field]
            if field in {"load_unit", "tempo", "notes", "superset_group"} and value is None:
                value = ""
            setattr(prescription, field, value)
    try:
        # Field validators only: the check constraints repeat them, and validating constraints
        # or uniqueness here would cost queries per prescription (nested saves must not).
        prescription.full_clean(
            exclude=["day", "exercise", "stage", "order"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        raise _validation(error) from error


@transaction.atomic
def prescription_add(
    *, coach: Coach, day: Day, exercise_id: Any, data: Mapping[str, Any] | None = None
) -> Prescription:
    """Add an exercise to a day, with the dose of its stage (or of its first rung) as default."""
    require_own(coach=coach, program=day.program)
    exercise = _resolve_exercise(coach=coach, exercise_id=exercise_id)
    return _prescription_append(day=day, exercise=exercise, data=data or {})


# A starting dose for exercises without stages, by how they are measured.
DEFAULT_DOSE: dict[str, dict[str, Any]] = {
    Exercise.Measurement.HOLD: {"sets": 2, "hold_seconds": 30, "rest_seconds": 30},
    Exercise.Measurement.REPS: {"sets": 3, "reps_per_side": 8, "rest_seconds": 60},
    Exercise.Measurement.REPS_LOAD: {"sets": 3, "reps_per_side": 8, "rest_seconds": 90},
    Exercise.Measurement.DISTANCE: {"sets": 4, "rest_seconds": 90},
    Exercise.Measurement.TIME: {"sets": 4, "hold_seconds": 20, "rest_seconds": 60},
}


def _prescription_append(*, day: Day, exercise: Exercise, data: Mapping[str, Any]) -> Prescription:
    """Append an exercise to a day. The dose given wins; the rest comes from the stage (or the
    first rung), else from how the exercise is measured."""
    stage = _resolve_stage(exercise=exercise, stage_id=data.get("stage"))
    default_stage = stage or exercise.stages.order_by("order").first()
    order = (day.prescriptions.aggregate(top=Max("order"))["top"] or 0) + 1
    if order > DAY_MAX_PRESCRIPTIONS:
        raise DomainError(f"A day holds at most {DAY_MAX_PRESCRIPTIONS} exercises.", field="day")
    prescription = Prescription(day=day, exercise=exercise, stage=stage, order=order)
    if default_stage is not None:
        for field in ("sets", "reps_per_side", "hold_seconds", "rest_seconds"):
            setattr(prescription, field, getattr(default_stage, field))
    else:
        for field, value in DEFAULT_DOSE[exercise.measurement].items():
            setattr(prescription, field, value)
    _apply_dose(prescription, data)
    prescription.save()
    return prescription


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


def prescription_delete(*, coach: Coach, prescription: Prescription) -> None:
    require_own(coach=coach, program=prescription.day.program)
    prescription.delete()


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


def _copy_prescriptions(source: Day, target: Day, *, replace: bool) -> None:
    if replace:
        target.prescriptions.all().delete()
        start = 0
    else:
        start = target.prescriptions.aggregate(top=Max("order"))["top"] or 0
    Prescription.objects.bulk_create(
        Prescription(
            day=target,
            order=start + p.order,
            exercise_id=p.exercise_id,
            stage_id=p.stage_id,
            **{field: getattr(p, field) for field in PRESCRIPTION_FIELDS},
        )
        for p in source.prescriptions.all()
    )
    for field in DAY_FIELDS:
        setattr(target, field, getattr(source, field))
    target.save()


@transaction.atomic
def day_duplicate(*, coach: Coach, day: Day, to_numbers: Sequence[int]) -> list[Day]:
    """Copy a day (title, intensity, exercises) onto other days, replacing what they had."""
    program = day.program
    require_own(coach=coach, program=program)
    numbers = set(to_numbers)
    if not all(1 <= n <= program.total_days for n in numbers):
        raise DomainError("Choose days of this program.", field="to_days")
    targets = list(program.days.filter(number__in=numbers).exclude(pk=day.pk))
    if len(targets) != len(numbers - {day.number}):
        raise DomainError("Choose days of this program.", field="to_days")
    for target in targets:
        _copy_prescriptions(day, target, replace=True)
    return targets


def _week_days(program: Program, week: int) -> list[Day]:
    if program.is_routine:
        first = (week - 1) * 7 + 1
        return list(program.days.filter(number__gte=first, number__lt=first + 7).order_by("number"))
    return list(program.days.filter(week=week).order_by("number"))


@transaction.atomic
def week_copy(*, coach: Coach, program: Program, from_week: int, to_week: int) -> list[Day]:
    """Copy every day of one week onto the same days of another week."""
    require_own(coach=coach, program=program)
    source, target = _week_days(program, from_week), _week_days(program, to_week)
    if not source or not target or from_week == to_week:
        raise DomainError("Choose two different weeks of this program.", field="to_week")
    for source_day, target_day in zip(source, target, strict=False):
        _copy_prescriptions(source_day, target_day, replace=True)
    return target[: len(source)]


# --- whole-program copies (duplicate, assignment) ---------------------------------------------


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _copy_structure(*, source: Program, new_ids: Sequence[int]) -> None:
    """Copy the blocks, days and prescriptions of `source` into each of the programs `new_ids`.

    Three INSERT … SELECT statements, whatever the number of copies: assigning a routine to a
    thousand clients costs the same number of queries as assigning it to one.
    """
    if not new_ids:
        return
    ids = ", ".join(str(int(pk)) for pk in new_ids)
    program_t, block_t, day_t, presc_t = (
        _table(Program),
        _table(Block),
        _table(Day),
        _table(Prescription),
    )
    block_cols = "order, name, focus, start, end"
    day_cols = "number, week, weekday, title, intensity, is_rest, notes"
    presc_cols = "order, exercise_id, stage_id, " + ", ".join(PRESCRIPTION_FIELDS)
    q = connection.ops.quote_name

    def cols(names: str, alias: str) -> str:
        return ", ".join(f"{alias}.{q(n.strip())}" for n in names.split(","))

    def plain(names: str) -> str:
        return ", ".join(q(n.strip()) for n in names.split(","))

    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {block_t} (program_id, {plain(block_cols)}) "  # noqa: S608 - ids are ints
            f"SELECT p.id, {cols(block_cols, 'b')} FROM {program_t} p, {block_t} b "
            f"WHERE p.id IN ({ids}) AND b.program_id = %s",
            [source.pk],
        )
        cursor.execute(
            f"INSERT INTO {day_t} (program_id, {plain(day_cols)}) "  # noqa: S608
            f"SELECT p.id, {cols(day_cols, 'd')} FROM {program_t} p, {day_t} d "
            f"WHERE p.id IN ({ids}) AND d.program_id = %s",
            [source.pk],
        )
        cursor.execute(
            f"INSERT INTO {presc_t} (day_id, {plain(presc_cols)}) "  # noqa: S608
            f"SELECT nd.id, {cols(presc_cols, 'r')} FROM {day_t} nd "
            f"JOIN {day_t} sd ON sd.program_id = %s AND sd.number = nd.number "
            f"JOIN {presc_t} r ON r.day_id = sd.id "
            f"WHERE nd.program_id IN ({ids})",
            [source.pk],
        )


def _program_copy_row(
    program: Program, *, owner: Coach | None, is_template: bool, name: str
) -> Program:
    return Program(
        owner=owner,
        is_template=is_template,
        copied_from=program,
        **{field: getattr(program, field) for field in PROGRAM_FIELDS if field != "name"},
        name=name,
    )


@transaction.atomic
def program_duplicate(*, coach: Coach, program: Program, name: str = "") -> Program:
    """A full copy of a template (own or a starter) as a new template of the coach's."""
    if program.owner_id not in (None, coach.pk):
        raise NotAllowed("You can only duplicate your own programs and the starter templates.")
    longest = _max_length(Program, "name")
    name = name.strip() or f"{program.name[: longest - len(' (copy)')]} (copy)"
    if len(name) > longest:
        raise DomainError(f"Keep the name to {longest} characters.", field="name")
    copy = _program_copy_row(program, owner=coach, is_template=True, name=name)
    copy.save()
    _copy_structure(source=program, new_ids=[copy.pk])
    return copy


@transaction.atomic
def assignment_create_bulk(
    *, coach: Coach, template: Program, clients: Sequence[Client], starts_on: date
) -> list[Assignment]:
    """Give a program to clients from a start date.

    The clients get a frozen copy of the template, so later template edits never change their
    plans; clients assigned together share that copy until the coach customises it for one of
    them (assignment_customise). A fixed number of queries and rows, however many clients.
    """
    if template.owner_id not in (None, coach.pk) or not template.is_template:
        raise NotAllowed("Assign one of your programs or a starter template.")
    if template.archived_at is not None:
        raise DomainError("This program is archived. Restore it before assigning it.")
    if not clients:
        raise DomainError("Choose at least one client.", field="clients")
    if any(client.coach_id != coach.pk for client in clients):
        raise DomainError("Choose clients of your own practice.", field="clients")
    if any(client.archived_at is not None for client in clients):
        raise DomainError(
            "Restore archived clients before assigning them a program.", field="clients"
        )
    if not template.days.exists():
        raise DomainError("This program has no days yet.", field="program")
    _check_in_calendar(starts_on=starts_on, shift_days=0, program=template, field="starts_on")
    copy = _program_copy_row(template, owner=coach, is_template=False, name=template.name)
    copy.save()
    _copy_structure(source=template, new_ids=[copy.pk])
    return Assignment.objects.bulk_create(
        Assignment(client=client, program=copy, template=template, starts_on=starts_on)
        for client in clients
    )


@transaction.atomic
def assignment_customise(*, coach: Coach, assignment: Assignment) -> Program:
    """Give this client a copy of their program of their own, to change for them alone.

    A copy followed by this client only is returned as it is.
    """
    _require_assignment_coach(coach, assignment)
    shared = Program.objects.select_for_update().get(pk=assignment.program_id)
    if Assignment.objects.filter(program=shared).exclude(pk=assignment.pk).exists():
        own = _program_copy_row(shared, owner=coach, is_template=False, name=shared.name)
        own.save()
        _copy_structure(source=shared, new_ids=[own.pk])
        assignment.program = own
        assignment.save(update_fields=["program", "updated_at"])
        return own
    return shared


def _require_assignment_coach(coach: Coach, assignment: Assignment) -> None:
    if assignment.client.coach_id != coach.pk:
        raise NotAllowed("This assignment is not in your practice.")


def _check_in_calendar(*, starts_on: date, shift_days: int, program: Program, field: str) -> None:
    """The program's last day, after pauses, must still be a date (9999-12-31 at the latest):
    past it, every page and task that reads the assignment's dates would fail."""
    if (date.max - starts_on).days < shift_days + program.total_days - 1:
        raise DomainError(
            "The program would run past the end of the calendar. Choose an earlier date.",
            field=field,
        )


@transaction.atomic
def assignment_pause(*, coach: Coach, assignment: Assignment, on: date) -> Assignment:
    """Pause from `on`: no day is due until it is resumed."""
    _require_assignment_coach(coach, assignment)
    if assignment.status != Assignment.Status.ACTIVE:
        raise DomainError("Only an active assignment can be paused.", field="status")
    assignment.status = Assignment.Status.PAUSED
    assignment.paused_on = on
    assignment.save(update_fields=["status", "paused_on", "updated_at"])
    return assignment


@transaction.atomic
def assignment_resume(*, coach: Coach, assignment: Assignment, on: date) -> Assignment:
    """Resume on `on`: the remaining days move later by the time paused."""
    _require_assignment_coach(coach, assignment)
    if assignment.status != Assignment.Status.PAUSED or assignment.paused_on is None:
        raise DomainError("Only a paused assignment can be resumed.", field="status")
    if on < assignment.paused_on:
        raise DomainError("Resume on or after the day it was paused.", field="on")
    paused_from = max(assignment.paused_on, assignment.first_day)
    paused_days = max((on - paused_from).days, 0)
    shift_days = assignment.shift_days + pause_shift(
        program=assignment.program, paused_days=paused_days
    )
    _check_in_calendar(
        starts_on=assignment.starts_on,
        shift_days=shift_days,
        program=assignment.program,
        field="on",
    )
    assignment.shift_days = shift_days
    assignment.status = Assignment.Status.ACTIVE
    assignment.paused_on = None
    assignment.save(update_fields=["status", "paused_on", "shift_days", "updated_at"])
    return assignment


def assignment_cancel(*, coach: Coach, assignment: Assignment, on: date) -> Assignment:
    _require_assignment_coach(coach, assignment)
    if assignment.status in (Assignment.Status.COMPLETED, Assignment.Status.CANCELLED):
        raise DomainError("This assignment has already ended.", field="status")
    assignment.status = Assignment.Status.CANCELLED
    assignment.paused_on = None
    assignment.ended_on = on
    assignment.save(update_fields=["status", "paused_on", "ended_on", "updated_at"])
    return assignment


def assignments_complete_due(*, now: datetime) -> int:
    """Mark active assignments whose last day has passed in the client's own time zone.

    `ended_on` is the program's last day, however late this runs.
    """
    due: dict[date, list[int]] = {}
    for assignment in (
        Assignment.objects.filter(status=Assignment.Status.ACTIVE)
        .select_related("program", "client")
        .only(
            "id",
            "starts_on",
            "shift_days",
            "program__kind",
            "program__length_days",
            "program__weeks",
            "client__time_zone",
        )
        .iterator(chunk_size=2000)
    ):
        local_today = now.astimezone(ZoneInfo(assignment.client.time_zone)).date()
        if assignment.last_day < local_today:
            due.setdefault(assignment.last_day, []).append(assignment.pk)
    return sum(
        Assignment.objects.filter(pk__in=ids, status=Assignment.Status.ACTIVE).update(
            status=Assignment.Status.COMPLETED, ended_on=last_day, updated_at=now
        )
        for last_day, ids in due.items()
    )


# --- the routine generator -----------------------------------------------------------------

STEP_KINDS = ("none", "hold", "reps", "stage")
ROUTINE_MAX_ITEMS = 12


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
            else _starter_prescription(day=first, item=item)
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


def _starter_prescription(*, day: Day, item: Mapping[str, Any]) -> Prescription:
    """A prescription for the shared starter templates (no coach to check against)."""
    exercise = Exercise.objects.shared().get(pk=item["exercise"])
    return _prescription_append(day=day, exercise=exercise, data=item)


# --- nested save of the whole structure (the builder's "save all") ---------------------------


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
        new_blocks = []
        for order, data in enumerate(blocks, start=1):
            block = Block(program=program, order=order, **{f: data.get(f) for f in BLOCK_FIELDS})
            try:
                _check_block(program, block)
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
        for f in DAY_FIELDS:
            if f in data:
                setattr(day, f, data[f])
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
