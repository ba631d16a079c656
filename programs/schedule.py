"""Calendar arithmetic of programs and assignments: which day of a program falls on which date."""

from datetime import date, timedelta
from math import ceil

from programs.models import Assignment, Day, Program


def day_offset(*, program: Program, day: Day, start: date | None = None) -> int:
    """Days from the program's first date to this day.

    A routine's day N is N-1 days in. A plan's week 1 starts on the start date, and a training
    weekday falls on the next such weekday within its week (a plan starting on a Wednesday has
    its Monday sessions five days in). Without a start date, plans are laid out from a Monday.
    """
    if program.is_routine or day.week is None or day.weekday is None:
        return day.number - 1
    start_weekday = start.weekday() if start else 0
    return (day.week - 1) * 7 + (day.weekday - start_weekday) % 7


def day_at(*, program: Program, start: date, offset: int) -> dict[str, int]:
    """The lookup (field -> value) of the day that falls `offset` days into the program: the
    inverse of day_offset, so a daily plan can fetch that one day rather than all of them."""
    if program.is_routine:
        return {"number": offset + 1}
    return {"week": offset // 7 + 1, "weekday": (start.weekday() + offset % 7) % 7}


def day_date(*, assignment: Assignment, day: Day) -> date:
    return assignment.date_of(
        day_offset(program=assignment.program, day=day, start=assignment.starts_on)
    )


def pause_shift(*, program: Program, paused_days: int) -> int:
    """How far a pause moves the rest of the schedule.

    A routine moves by the days paused. A plan moves by whole weeks, so that sessions stay on
    their weekdays.
    """
    if program.is_routine:
        return paused_days
    return ceil(paused_days / 7) * 7


def offset_on(*, assignment: Assignment, on: date) -> int | None:
    """The program offset (0-based) that falls on a date, or None: outside the program, within
    a pause, or on and after the day a still-paused assignment was paused."""
    if assignment.paused_on is not None and on >= assignment.paused_on:
        return None
    moved = 0
    for start, shift in assignment.pause_windows:
        if on < start:
            break
        if on < start + timedelta(days=shift):
            return None
        moved += shift
    offset = (on - assignment.starts_on).days - moved
    if offset < 0 or offset >= assignment.program.total_days:
        return None
    return offset


# Shown, never stored: an active assignment whose first day is still ahead of the client.
SCHEDULED = "scheduled"
STATUS_LABELS = {**dict(Assignment.Status.choices), SCHEDULED: "Scheduled"}


def status_shown(*, status: str, first_day: date, today: date) -> str:
    """An assignment's status as pages and the API show it on the client's date `today`: an
    active one that has not started yet is "scheduled"; any other is its stored status."""
    if status == Assignment.Status.ACTIVE and first_day > today:
        return SCHEDULED
    return status


def next_on_weekday(on: date, weekday: int) -> date:
    """`on` when it falls on `weekday` (0 = Monday), else the first date after it that does.
    OverflowError past the end of the calendar."""
    return on + timedelta(days=(weekday - on.weekday()) % 7)
