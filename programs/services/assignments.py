"""Assignments: giving a program to clients, a client's own copy, pause, resume, cancel and
completion."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from django.db import transaction
from django.utils.dateformat import format as date_format

from coach import webhooks
from coach.common import changes_plans
from coach.errors import DomainError, NotAllowed
from coach.models import Client, Coach
from programs.models import Assignment, Day, Program, Weekday
from programs.schedule import SCHEDULED, next_on_weekday, pause_shift, status_shown
from programs.selectors import assignment_starting_choices
from programs.services.copies import program_copy

# What to do with a plan's start date that is not the weekday of its first session: refuse it
# (and name the next date that is), keep it as given, or move it to that next date.
StartsOnMismatch = Literal["refuse", "keep", "next_weekday"]
STARTS_ON_MISMATCH_CHOICES: tuple[StartsOnMismatch, ...] = ("refuse", "keep", "next_weekday")


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


def _day(on: date) -> str:
    return date_format(on, "l j F Y")


def plan_first_weekday(program: Program) -> int | None:
    """The weekday (0 = Monday) of a plan's first session, or None for a routine or a plan
    without sessions on weekdays. Its weeks are laid out from the start date, so a start on any
    other weekday puts some of the first week's sessions after later ones."""
    if program.is_routine:
        return None
    days = Day.objects.filter(program=program, weekday__isnull=False).order_by("number")
    first = days.filter(is_rest=False, prescriptions__isnull=False).first() or days.first()
    return None if first is None else first.weekday


def plan_start_suggestion(*, program: Program, on: date) -> date | None:
    """The first date from `on` that falls on the weekday of the plan's first session; None
    for a routine, a plan without weekdays, or past the end of the calendar."""
    weekday = plan_first_weekday(program)
    if weekday is None:
        return None
    try:
        return next_on_weekday(on, weekday)
    except OverflowError:
        return None


def _aligned_start(*, template: Program, starts_on: date, mismatch: StartsOnMismatch) -> date:
    if mismatch == "keep":
        return starts_on
    weekday = plan_first_weekday(template)
    if weekday is None or starts_on.weekday() == weekday:
        return starts_on
    try:
        suggested = next_on_weekday(starts_on, weekday)
    except OverflowError as error:
        raise DomainError(
            "The program would run past the end of the calendar. Choose an earlier date.",
            field="starts_on",
        ) from error
    if mismatch == "next_weekday":
        return suggested
    label = Weekday(weekday).label
    raise DomainError(
        f"This plan's first session is on a {label}, and {_day(starts_on)} is a "
        f"{Weekday(starts_on.weekday()).label}. Start on {_day(suggested)}, the next {label}, "
        "or keep the date you chose (the first week's sessions then fall out of order).",
        field="starts_on",
        code="starts_on_weekday",
        details={"next_starts_on": suggested},
    )


@dataclass(frozen=True)
class Overlap:
    """A program a client already has on some of the dates of a new one."""

    assignment: Assignment
    status: str  # as shown: scheduled, active or paused
    first_day: date
    last_day: date

    @property
    def message(self) -> str:
        a = self.assignment
        name, program = a.client.name, a.program.name
        dates = f"from {_day(self.first_day)} to {_day(self.last_day)}"
        if self.status == SCHEDULED:
            return f"{name} already has “{program}” scheduled {dates}."
        if self.status == Assignment.Status.PAUSED and a.paused_on is not None:
            return (
                f"{name} already follows “{program}” {dates}, paused since "
                f"{_day(a.paused_on)}: its remaining days move later when it is resumed."
            )
        return f"{name} already follows “{program}” {dates}."

    def as_data(self) -> dict[str, Any]:
        a = self.assignment
        return {
            "assignment": a.pk,
            "client": a.client_id,
            "client_name": a.client.name,
            "program": a.program_id,
            "program_name": a.program.name,
            "status": self.status,
            "first_day": self.first_day,
            "last_day": self.last_day,
            "message": self.message,
        }


class AssignmentOverlaps(DomainError):
    """The new program's dates overlap programs the clients already have (one message each)."""

    code = "assignment_overlaps"

    def __init__(self, overlaps: Sequence[Overlap]):
        self.overlaps = list(overlaps)
        super().__init__(
            " ".join(o.message for o in self.overlaps),
            field="confirm_overlap",
            details={"overlaps": [o.as_data() for o in self.overlaps]},
        )

    def as_field_errors(self) -> dict[str, list[str]]:
        return {"confirm_overlap": [o.message for o in self.overlaps]}


def assignment_overlaps(
    *, clients: Sequence[Client], starts_on: date, total_days: int
) -> list[Overlap]:
    """The active, scheduled and paused programs of these clients that share a date with a
    program of `total_days` days from `starts_on`, by client name. A paused one counts from its
    first day on, whatever its end: its remaining days move later when it resumes. One query."""
    last = starts_on + timedelta(days=total_days - 1)
    overlaps = []
    for assignment in (
        Assignment.objects.filter(client__in=list(clients))
        .current()
        .select_related("client", "program")
        .order_by("client__name", "client_id", "starts_on", "id")
    ):
        first, end = assignment.first_day, assignment.last_day
        paused = assignment.status == Assignment.Status.PAUSED
        if first <= last and (paused or end >= starts_on):
            today = assignment.client.local_today()
            status = status_shown(status=assignment.status, first_day=first, today=today)
            overlaps.append(Overlap(assignment, status, first, end))
    return overlaps


@changes_plans
@transaction.atomic
def assignment_create_bulk(
    *,
    coach: Coach,
    template: Program,
    clients: Sequence[Client],
    starts_on: date,
    starting_stages: Mapping[int, int] | None = None,
    starts_on_mismatch: StartsOnMismatch = "keep",
    confirm_overlap: bool = True,
) -> list[Assignment]:
    """Give a program to clients from a start date.

    The clients get a frozen copy of the template, so later template edits never change their
    plans; clients assigned together share that copy until the coach customises it for one of
    them (assignment_customise). A fixed number of queries and rows, however many clients.
    `starting_stages` ({exercise id: stage id}) starts the clients above the first rung of
    exercises the program leaves at "the client's current stage".

    The coach's pages and the API pass what the coach answered to the two guardrails:
    `starts_on_mismatch` for a plan started on another weekday than its first session's
    (refuse naming the next such date, keep the date, or move to it), and `confirm_overlap`
    (False: refuse with AssignmentOverlaps when a client already has a program on these dates).
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
    starts_on = _aligned_start(template=template, starts_on=starts_on, mismatch=starts_on_mismatch)
    _check_in_calendar(starts_on=starts_on, shift_days=0, program=template, field="starts_on")
    starting = _starting_stages(template, starting_stages or {})
    if not confirm_overlap:
        overlaps = assignment_overlaps(
            clients=clients, starts_on=starts_on, total_days=template.total_days
        )
        if overlaps:
            raise AssignmentOverlaps(overlaps)
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
