"""Assignments: giving a program to clients, a client's own copy, pause, resume, cancel and
completion."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from django.db import transaction

from coach import webhooks
from coach.common import changes_plans
from coach.errors import DomainError, NotAllowed
from coach.models import Client, Coach
from programs.models import Assignment, Program
from programs.schedule import pause_shift
from programs.selectors import assignment_starting_choices
from programs.services.copies import program_copy


def _require_assignment_coach(coach: Coach, assignment: Assignment) -> None:
    if assignment.coach_id != coach.pk:
        raise NotAllowed("This assignment is not in your practice.")


def _check_in_calendar(*, starts_on: date, shift_days: int, program: Program, field: str) -> None:
    """The program's last day, after pauses, must still be a date (9999-12-31 at the latest):
    past it, every page and task that reads the assignment's dates would fail."""
    if (date.max - starts_on).days < shift_days + program.total_days - 1:
        raise DomainError(
            "The program would run past the end of the calendar. Choose an earlier date.",
            field=field,
        )


@changes_plans
@transaction.atomic
def assignment_create_bulk(
    *,
    coach: Coach,
    template: Program,
    clients: Sequence[Client],
    starts_on: date,
    starting_stages: Mapping[int, int] | None = None,
) -> list[Assignment]:
    """Give a program to clients from a start date.

    The clients get a frozen copy of the template, so later template edits never change their
    plans; clients assigned together share that copy until the coach customises it for one of
    them (assignment_customise). A fixed number of queries and rows, however many clients.
    `starting_stages` ({exercise id: stage id}) starts the clients above the first rung of
    exercises the program leaves at "the client's current stage".
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
    starting = _starting_stages(template, starting_stages or {})
    copy = program_copy(program=template, owner=coach, is_template=False, name=template.name)
    return Assignment.objects.bulk_create(
        Assignment(
            client=client,
            coach=coach,
            program=copy,
            template=template,
            starts_on=starts_on,
            starting_stages=starting,
        )
        for client in clients
    )


def _starting_stages(template: Program, chosen: Mapping[int, int]) -> dict[str, int]:
    if not chosen:
        return {}
    choices = assignment_starting_choices(program=template)
    ladders = {e.pk: {stage.pk for stage in stages} for e, stages in choices.items()}
    starting = {}
    for exercise_id, stage_id in chosen.items():
        if stage_id not in ladders.get(int(exercise_id), set()):
            raise DomainError(
                "Choose a starting stage of an exercise this program leaves to the client's stage.",
                field="starting_stages",
            )
        starting[str(int(exercise_id))] = int(stage_id)
    return starting


@changes_plans
@transaction.atomic
def assignment_customise(*, coach: Coach, assignment: Assignment) -> Program:
    """Give this client a copy of their program of their own, to change for them alone.

    A copy followed by this client only is returned as it is.
    """
    _require_assignment_coach(coach, assignment)
    shared = Program.objects.select_for_update().get(pk=assignment.program_id)
    if Assignment.objects.filter(program=shared).exclude(pk=assignment.pk).exists():
        own = program_copy(program=shared, owner=coach, is_template=False, name=shared.name)
        assignment.program = own
        assignment.save(update_fields=["program", "updated_at"])
        return own
    return shared


@changes_plans
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


@changes_plans
@transaction.atomic
def assignment_resume(*, coach: Coach, assignment: Assignment, on: date) -> Assignment:
    """Resume on `on`: the days still ahead move later by the time paused (whole weeks for a
    plan, so sessions keep their weekdays); the days before the pause keep their dates."""
    _require_assignment_coach(coach, assignment)
    if assignment.status != Assignment.Status.PAUSED or assignment.paused_on is None:
        raise DomainError("Only a paused assignment can be resumed.", field="status")
    if on < assignment.paused_on:
        raise DomainError("Resume on or after the day it was paused.", field="on")
    # The pause takes effect from the first day still due: not before the program starts, nor
    # inside the window of an earlier pause.
    windows_end = [start + timedelta(days=shift) for start, shift in assignment.pause_windows]
    paused_from = max([assignment.paused_on, assignment.first_day, *windows_end])
    paused_days = max((on - paused_from).days, 0)
    shift = pause_shift(program=assignment.program, paused_days=paused_days)
    shift_days = assignment.shift_days + shift
    _check_in_calendar(
        starts_on=assignment.starts_on,
        shift_days=shift_days,
        program=assignment.program,
        field="on",
    )
    if shift:
        assignment.pauses = [
            *assignment.pauses,
            {"from": paused_from.isoformat(), "until": on.isoformat(), "shift": shift},
        ]
    assignment.shift_days = shift_days
    assignment.status = Assignment.Status.ACTIVE
    assignment.paused_on = None
    assignment.save(update_fields=["status", "paused_on", "shift_days", "pauses", "updated_at"])
    return assignment


@changes_plans
def assignment_cancel(*, coach: Coach, assignment: Assignment, on: date) -> Assignment:
    _require_assignment_coach(coach, assignment)
    if assignment.status in (Assignment.Status.COMPLETED, Assignment.Status.CANCELLED):
        raise DomainError("This assignment has already ended.", field="status")
    assignment.status = Assignment.Status.CANCELLED
    assignment.paused_on = None
    assignment.ended_on = on
    assignment.save(update_fields=["status", "paused_on", "ended_on", "updated_at"])
    return assignment


@changes_plans
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
            "pauses",
            "program__kind",
            "program__length_days",
            "program__weeks",
            "client__time_zone",
        )
        .iterator(chunk_size=2000)
    ):
        if assignment.last_day < assignment.client.local_today(now):
            due.setdefault(assignment.last_day, []).append(assignment.pk)
    completed = 0
    for last_day, ids in due.items():
        completed += Assignment.objects.filter(pk__in=ids, status=Assignment.Status.ACTIVE).update(
            status=Assignment.Status.COMPLETED, ended_on=last_day, updated_at=now
        )
        # Each is announced once, however often this runs (the webhook's key).
        webhooks.assignments_completed(
            Assignment.objects.filter(
                pk__in=ids, status=Assignment.Status.COMPLETED
            ).select_related("client", "program")
        )
    return completed
