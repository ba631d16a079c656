"""Copies of program content: a day or a week onto others, and whole programs (duplicate, and
the copies that assignments make)."""

from collections.abc import Sequence
from typing import cast

from django.db import connection, transaction
from django.db.models import Max, Model

from coach.common import changes_plans
from coach.errors import DomainError, NotAllowed
from coach.models import Coach
from programs.models import Block, Day, Prescription, Program
from programs.services.builder import DAY_FIELDS, PRESCRIPTION_FIELDS, PROGRAM_FIELDS, require_own

# --- days and weeks, within a program ------------------------------------------------------


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


@changes_plans
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


@changes_plans
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


# --- whole programs ------------------------------------------------------------------------


def _copied_columns(model: type[Model], parent: str) -> list[str]:
    """The columns a copy of a row takes from its source: every concrete field but the primary
    key and the `parent` row it hangs from, so a field added to the model is copied too."""
    return [
        field.column
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name != parent
    ]


def _copy_structure(*, source: Program, new_ids: Sequence[int]) -> None:
    """Copy the blocks, days and prescriptions of `source` into each of the programs `new_ids`.

    Three INSERT … SELECT statements, whatever the number of copies: assigning a routine to a
    thousand clients costs the same number of queries as assigning it to one.
    """
    if not new_ids:
        return
    q = connection.ops.quote_name
    ids = ", ".join(str(int(pk)) for pk in new_ids)
    program_t, block_t, day_t, presc_t = (
        q(model._meta.db_table) for model in (Program, Block, Day, Prescription)
    )
    block_cols = _copied_columns(Block, "program")
    day_cols = _copied_columns(Day, "program")
    presc_cols = _copied_columns(Prescription, "day")
    program_fk = q(Block._meta.get_field("program").column)
    day_fk = q(Day._meta.get_field("program").column)
    presc_fk = q(Prescription._meta.get_field("day").column)

    def plain(columns: list[str]) -> str:
        return ", ".join(q(c) for c in columns)

    def of(columns: list[str], alias: str) -> str:
        return ", ".join(f"{alias}.{q(c)}" for c in columns)

    with connection.cursor() as cursor:
        # Table and column names come from the models and the ids are integers: nothing in
        # these statements comes from the input but the bound source id.
        cursor.execute(
            f"INSERT INTO {block_t} ({program_fk}, {plain(block_cols)}) "  # noqa: S608
            f"SELECT p.id, {of(block_cols, 'b')} FROM {program_t} p, {block_t} b "
            f"WHERE p.id IN ({ids}) AND b.{program_fk} = %s",
            [source.pk],
        )
        cursor.execute(
            f"INSERT INTO {day_t} ({day_fk}, {plain(day_cols)}) "  # noqa: S608
            f"SELECT p.id, {of(day_cols, 'd')} FROM {program_t} p, {day_t} d "
            f"WHERE p.id IN ({ids}) AND d.{day_fk} = %s",
            [source.pk],
        )
        cursor.execute(
            f"INSERT INTO {presc_t} ({presc_fk}, {plain(presc_cols)}) "  # noqa: S608
            f"SELECT nd.id, {of(presc_cols, 'r')} FROM {day_t} nd "
            f"JOIN {day_t} sd ON sd.{day_fk} = %s AND sd.number = nd.number "
            f"JOIN {presc_t} r ON r.{presc_fk} = sd.id "
            f"WHERE nd.{day_fk} IN ({ids})",
            [source.pk],
        )


def program_copy(*, program: Program, owner: Coach | None, is_template: bool, name: str) -> Program:
    """A new program with the details, blocks, days and prescriptions of `program`.

    No access check: the services that call it decide who may copy what.
    """
    copy = Program(
        owner=owner,
        is_template=is_template,
        copied_from=program,
        **{field: getattr(program, field) for field in PROGRAM_FIELDS if field != "name"},
        name=name,
    )
    copy.save()
    _copy_structure(source=program, new_ids=[copy.pk])
    return copy


@transaction.atomic
def program_duplicate(*, coach: Coach, program: Program, name: str = "") -> Program:
    """A full copy of a template (own or a starter) as a new template of the coach's."""
    if program.owner_id not in (None, coach.pk):
        raise NotAllowed("You can only duplicate your own programs and the starter templates.")
    longest = cast(int, Program._meta.get_field("name").max_length)
    name = name.strip() or f"{program.name[: longest - len(' (copy)')]} (copy)"
    if len(name) > longest:
        raise DomainError(f"Keep the name to {longest} characters.", field="name")
    return program_copy(program=program, owner=coach, is_template=True, name=name)
