"""Reads of programs and assignments, and who may reach them.

A coach reaches their own templates, the copies made for their clients, and the shared starter
templates (read-only); a day, block or prescription is reached through its program, an
assignment through its client. Anything else is a 404, on the pages and in the API alike.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404

from coach.compiled import Compiled
from coach.models import Client, Coach
from coach.selectors import get_in_scope, rows_of
from exercises.models import Exercise, Stage
from programs.models import Assignment, Block, Day, Prescription, Program, schedule_date
from programs.rules import RuleWarning, program_warnings

# Long texts of a prescription's exercise and stage that no program page shows. Joined to every
# prescription (a routine repeats its exercises hundreds of times) they would be read as often:
# a long summary alone could then exhaust the memory of the server.
UNSHOWN_TEXTS = (
    "exercise__summary",
    "exercise__instructions",
    "exercise__cues",
    "exercise__faults",
    "exercise__breathing",
    "stage__description",
    "stage__criteria_note",
)


def _prescriptions() -> QuerySet[Prescription]:
    return (
        Prescription.objects.select_related("exercise", "stage")
        .defer(*UNSHOWN_TEXTS)
        .prefetch_related("exercise__prerequisites", "exercise__stages")
        .order_by("order")
    )


def _days_with_prescriptions() -> QuerySet[Day]:
    return Day.objects.prefetch_related(Prefetch("prescriptions", queryset=_prescriptions()))


def program_list(*, coach: Coach, archived: bool = False) -> QuerySet[Program]:
    """The coach's templates and the shared starters (or the coach's archived ones), with their
    number of days and how often this practice assigned each."""
    programs = Program.objects.visible_to(coach).templates()
    if archived:
        programs = programs.owned_by(coach).filter(archived_at__isnull=False)
    else:
        programs = programs.active()
    return programs.annotate(
        day_count=Count("days", distinct=True),
        # Every practice assigns the starters: count this practice's clients only.
        assignment_count=Count(
            "assignments_from_template",
            filter=Q(assignments_from_template__client__coach=coach),
            distinct=True,
        ),
    ).order_by(F("owner_id").asc(nulls_last=True), "name", "id")


def program_get_for(*, coach: Coach, pk: int, full: bool = False, owned: bool = False) -> Program:
    """A program the coach may reach; with `owned`, only one of their own (no starter).

    `full` loads blocks, days and prescriptions (exercise, stage, prerequisites) in a number of
    queries that does not depend on the program's length, as the builder and the rules need.
    Http404 for anything outside the coach's practice.
    """
    programs = Program.objects.owned_by(coach) if owned else Program.objects.visible_to(coach)
    programs = programs.select_related("owner", "copied_from")
    if full:
        programs = programs.prefetch_related(
            "blocks", Prefetch("days", queryset=_days_with_prescriptions().order_by("number"))
        )
    return get_in_scope(programs, pk=pk)


def program_followers(*, program: Program) -> QuerySet[Assignment]:
    """The assignments that follow a client's copy, by client name (none for a template)."""
    return (
        Assignment.objects.filter(program=program)
        .select_related("client")
        .order_by("client__name", "id")
    )


def program_rule_warnings(
    *, program: Program, followers: list[Assignment] | None = None
) -> list[RuleWarning]:
    """The training rules the program breaks (loaded with its structure). A client's own copy
    (one follower) is checked on that client's calendar: their start date and pauses."""
    if followers is None:
        followers = [] if program.is_template else list(program_followers(program=program))
    return program_warnings(program, assignment=followers[0] if len(followers) == 1 else None)


def program_is_editable(
    *, coach: Coach, program: Program, followers: list[Assignment] | None = None
) -> bool:
    """Whether the coach may change the program: one of their own templates, or a client copy no
    other client shares. A starter is read-only (duplicate it to change it), and so is a copy
    several clients share until the coach customises it for one of them. `followers`: the
    program's followers when they are already loaded."""
    if program.owner_id != coach.pk:
        return False
    if program.is_template:
        return True
    if followers is not None:
        return len(followers) <= 1
    return program_followers(program=program).count() <= 1


def day_get_for(*, coach: Coach, pk: int) -> Day:
    """A day of a program the coach may reach, with its program and prescriptions; Http404
    for any other."""
    days = _days_with_prescriptions().filter(program__in=Program.objects.visible_to(coach))
    return get_in_scope(days.select_related("program"), pk=pk)


def day_list(*, coach: Coach, pks: Iterable[int]) -> QuerySet[Day]:
    """Days of programs the coach may reach, by id, in program order, with prescriptions."""
    return (
        _days_with_prescriptions()
        .filter(program__in=Program.objects.visible_to(coach), pk__in=list(pks))
        .order_by("program", "number")
    )


def prescription_get_for(*, coach: Coach, pk: int) -> Prescription:
    """An exercise on a day of a program the coach may reach; Http404 for any other."""
    prescriptions = Prescription.objects.filter(day__program__in=Program.objects.visible_to(coach))
    return get_in_scope(prescriptions.select_related("day__program", "exercise", "stage"), pk=pk)


def block_get_for(*, coach: Coach, pk: int) -> Block:
    """A block of a program the coach may reach; Http404 for any other."""
    blocks = Block.objects.filter(program__in=Program.objects.visible_to(coach))
    return get_in_scope(blocks.select_related("program"), pk=pk)


def assignment_list(*, coach: Coach) -> QuerySet[Assignment]:
    """The coach's assignments, newest first (read from one index)."""
    return (
        Assignment.objects.for_coach(coach)
        .select_related("client", "program", "template")
        .order_by("-starts_on", "-id")
    )


# What an assignment row shows beside its columns, drawn from its schedule.
SCHEDULE = ("first_day", "last_day")
_PROGRAM_LENGTH = ("program__kind", "program__length_days", "program__weeks")


def assignment_values(assignments: QuerySet[Assignment], *, fields: Iterable[str]) -> QuerySet[Any]:
    """`assignments` as plain rows of `fields` (see `rows_of`) and what `assignment_dates`
    needs to draw the `SCHEDULE` among them."""
    columns = [name for name in fields if name not in SCHEDULE]
    return rows_of(assignments, fields=[*columns, "starts_on", "pauses", *_PROGRAM_LENGTH])


def assignment_dates(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row of `assignment_values` with its first and last day, after pauses."""
    fields = [name.removeprefix("program__") for name in _PROGRAM_LENGTH]
    for row in rows:
        # A program as loaded from the database (no defaults to fill): its length in days.
        length = Program.from_db(None, fields, [row.pop(name) for name in _PROGRAM_LENGTH])
        row["first_day"], row["last_day"] = (
            schedule_date(starts_on=row["starts_on"], pauses=row["pauses"], offset=offset)
            for offset in (0, length.total_days - 1)
        )
    return rows


def assignment_get_for(*, coach: Coach, pk: int) -> Assignment:
    """An assignment of one of the coach's clients; Http404 for any other."""
    return get_in_scope(assignment_list(coach=coach), pk=pk)


# (compiled: every log a client sends reads it)
_OWN_ASSIGNMENT: Compiled[Assignment] = Compiled(
    lambda client_id, pk: (
        Assignment.objects.filter(client_id=client_id, pk=pk)
        .select_related("program")
        .defer("program__description")[:1]
    ),
    ids=2,
)


def assignment_of_client(*, client: Client, pk: Any) -> Assignment:
    """One of the client's own assignments with its program (and `client` as its client);
    Http404 for any other, or for a `pk` that names no row."""
    found = _OWN_ASSIGNMENT.first(client.pk, pk)
    if found is None:
        raise Http404
    found.client = client
    return found


def client_assignments(*, client: Client) -> QuerySet[Assignment]:
    """A client's assignments, newest first, with their program copies."""
    return (
        Assignment.objects.filter(client=client)
        .select_related("program", "template")
        .order_by("-starts_on", "-id")
    )


def client_current_assignments(*, client: Client) -> list[Assignment]:
    """The client's active and paused assignments, oldest first, with their program copies."""
    return list(
        Assignment.objects.filter(client=client)
        .current()
        .select_related("program")
        .order_by("starts_on", "id")
    )


def assignment_starting_choices(*, program: Program) -> dict[Exercise, list[Stage]]:
    """The ladders a coach may choose a starting rung on: exercises with stages that the
    program leaves at "the client's current stage"."""
    exercises = Exercise.objects.filter(
        prescriptions__day__program=program, prescriptions__stage__isnull=True, stages__isnull=False
    ).distinct()
    ladders: dict[Exercise, list[Stage]] = {e: [] for e in exercises.order_by("name", "id")}
    by_id = {e.pk: e for e in ladders}
    for stage in Stage.objects.filter(exercise__in=list(by_id)).order_by("exercise_id", "order"):
        ladders[by_id[stage.exercise_id]].append(stage)
    return ladders
