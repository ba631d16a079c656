"""The arithmetic of a client's progress, over values already read (no queries here): what
became of each day of a program, adherence, streaks and the left/right asymmetry index.

The rules, as the progress page states them:

- A day is due when the program has a session on it (not a rest day, not a paused day) and it
  has passed; today is due once its session is done, partly done or skipped, not before.
- Adherence is the sessions done over the sessions due; a partly done session counts half.
- A session logged late counts on the day it was for (its log carries that day's date).
- A session started on a day that has passed and never finished counts as partly done.
- The current streak is the run of due sessions done (or partly done) up to the latest one;
  a missed or skipped session ends it, rest and paused days do not.
- Missed in a row: the due sessions up to the latest one with nothing done (missed or skipped).
- Asymmetry index: |L − R| ÷ max(L, R), with L and R a session's per-side totals in the
  exercise's own measure (hold seconds, reps, or reps × load in one unit).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from exercises.models import Exercise
from programs.models import Assignment
from programs.schedule import offset_on
from training.doses import LB_PER_KG


class DayStatus(StrEnum):
    DONE = "done"
    PARTIAL = "partial"
    SKIPPED = "skipped"
    MISSED = "missed"
    TODAY = "today"  # a session due today, not finished yet
    UPCOMING = "upcoming"
    REST = "rest"
    PAUSED = "paused"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    DayStatus.DONE: "Done",
    DayStatus.PARTIAL: "Partly done",
    DayStatus.SKIPPED: "Skipped",
    DayStatus.MISSED: "Missed",
    DayStatus.TODAY: "Due today",
    DayStatus.UPCOMING: "Upcoming",
    DayStatus.REST: "Rest day",
    DayStatus.PAUSED: "Paused",
}
DUE = frozenset([DayStatus.DONE, DayStatus.PARTIAL, DayStatus.SKIPPED, DayStatus.MISSED])
TRAINED = frozenset([DayStatus.DONE, DayStatus.PARTIAL])
CREDIT = {DayStatus.DONE: Decimal(1), DayStatus.PARTIAL: Decimal("0.5")}


@dataclass(frozen=True)
class Logged:
    """A session log as the arithmetic needs it: its status, and whether any set is in it."""

    status: str  # SessionLog.Status
    has_sets: bool = False
    late: bool = False


@dataclass(frozen=True)
class ProgramDay:
    """One calendar date of an assignment and what became of it."""

    on: date
    status: DayStatus
    offset: int | None = None  # days into the program (0-based); None while paused
    assignment_id: int | None = None
    late: bool = False

    @property
    def is_due(self) -> bool:
        return self.status in DUE

    @property
    def credit(self) -> Decimal:
        return CREDIT.get(self.status, Decimal(0))


def _status_of(logged: Logged | None, *, on: date, today: date) -> DayStatus:
    status = logged.status if logged else ""
    if status in ("done", "partial", "skipped"):
        return DayStatus(status)
    if on > today:
        return DayStatus.UPCOMING
    if on == today:
        return DayStatus.TODAY
    # A day that has passed: a session started and never finished was partly done.
    return DayStatus.PARTIAL if logged is not None and logged.has_sets else DayStatus.MISSED


def program_days(
    *,
    assignment: Assignment,
    training_offsets: Iterable[int],
    logged: Mapping[date, Logged],
    today: date,
) -> list[ProgramDay]:
    """Every date of the assignment, first day to last, with its status.

    `training_offsets` are the program's days with a session (0-based offsets, see
    programs.schedule.day_offset); `logged` the assignment's session logs by date; `today`
    the client's local date. A cancelled program ends on the day it was cancelled; a paused
    one shows its paused days up to today (the days after a pause have no date yet).
    """
    training = frozenset(training_offsets)
    first = assignment.first_day
    last = assignment.last_day
    if assignment.ended_on is not None:
        last = min(last, assignment.ended_on)
    if assignment.status == Assignment.Status.PAUSED and assignment.paused_on is not None:
        last = max(today, assignment.paused_on - timedelta(days=1))
    days = []
    on = first
    while on <= last:
        offset = offset_on(assignment=assignment, on=on)
        found = logged.get(on)
        if offset is None:
            status = DayStatus.PAUSED
        elif offset not in training:
            status = DayStatus.REST
        else:
            status = _status_of(found, on=on, today=today)
        days.append(
            ProgramDay(
                on=on,
                status=status,
                offset=offset,
                assignment_id=assignment.pk,
                late=bool(found and found.late and status in TRAINED | {DayStatus.SKIPPED}),
            )
        )
        on += timedelta(days=1)
    return days


@dataclass(frozen=True)
class Adherence:
    done: Decimal  # sessions done, a partly done one counting half
    due: int

    @property
    def ratio(self) -> Decimal | None:
        return None if self.due == 0 else self.done / self.due

    @property
    def percent(self) -> int | None:
        ratio = self.ratio
        return None if ratio is None else round(ratio * 100)


def adherence(
    days: Iterable[ProgramDay], *, today: date, last_days: int | None = None
) -> Adherence:
    """Sessions done over sessions due, over the `last_days` days up to today (today
    included), or over every day given."""
    since = None if last_days is None else today - timedelta(days=last_days - 1)
    due = [d for d in days if d.is_due and d.on <= today and (since is None or d.on >= since)]
    return Adherence(done=sum((d.credit for d in due), Decimal(0)), due=len(due))


def _in_order(days: Iterable[ProgramDay]) -> list[ProgramDay]:
    return sorted((d for d in days if d.is_due), key=lambda d: (d.on, d.assignment_id or 0))


def streaks(days: Iterable[ProgramDay]) -> tuple[int, int]:
    """(current, longest): runs of due sessions done or partly done, in date order."""
    current = longest = 0
    for day in _in_order(days):
        current = current + 1 if day.status in TRAINED else 0
        longest = max(longest, current)
    return current, longest


def missed_in_a_row(days: Iterable[ProgramDay]) -> int:
    """Due sessions with nothing done (missed or skipped), counted back from the latest."""
    run = 0
    for day in reversed(_in_order(days)):
        if day.status in TRAINED:
            break
        run += 1
    return run


# --- left and right -------------------------------------------------------------------------


def load_in_lb(load: Decimal | None, unit: str) -> Decimal | None:
    """A load in pounds when it is in kilograms; other units (bands, …) as they are."""
    if load is None:
        return None
    return load * LB_PER_KG if unit.strip().lower() == "kg" else load


def set_amount(
    measurement: str,
    *,
    reps: int | None,
    hold_seconds: int | None,
    load: Decimal | None = None,
    load_unit: str = "",
) -> Decimal:
    """What one set adds to its side's total, in the exercise's own measure: hold seconds,
    reps, or reps × load (in pounds, so that kg and lb sets add up; no load counts as 1)."""
    if measurement == Exercise.Measurement.HOLD or (
        measurement == Exercise.Measurement.TIME and hold_seconds
    ):
        return Decimal(hold_seconds or 0)
    if measurement == Exercise.Measurement.REPS_LOAD:
        weight = load_in_lb(load, load_unit)
        return Decimal(reps or 0) * (weight if weight is not None else Decimal(1))
    return Decimal(reps or 0)


class SetLike(Protocol):
    """A logged set (SetLog) or its figures as read for the trends (SetFigures)."""

    @property
    def side(self) -> str: ...
    @property
    def reps(self) -> int | None: ...
    @property
    def hold_seconds(self) -> int | None: ...
    @property
    def load(self) -> Decimal | None: ...
    @property
    def load_unit(self) -> str: ...


def side_totals(sets: Iterable[SetLike], measurement: str) -> dict[str, Decimal]:
    """Each side's total of these sets in the exercise's measure (see set_amount)."""
    totals: dict[str, Decimal] = {}
    for s in sets:
        totals[s.side] = totals.get(s.side, Decimal(0)) + _amount(s, measurement)
    return totals


def _amount(s: SetLike, measurement: str) -> Decimal:
    return set_amount(
        measurement, reps=s.reps, hold_seconds=s.hold_seconds, load=s.load, load_unit=s.load_unit
    )


def asymmetry_index(left: Decimal | None, right: Decimal | None) -> Decimal | None:
    """|L − R| ÷ max(L, R); None when a side is missing (never 100 %), 0 when both are 0."""
    if left is None or right is None:
        return None
    top = max(left, right)
    return Decimal(0) if top == 0 else abs(left - right) / top


@dataclass(frozen=True)
class SetFigures:
    """One set's figures, as read for the trends."""

    on: date
    session_id: int
    exercise_id: int
    side: str
    reps: int | None
    hold_seconds: int | None
    load: Decimal | None
    load_unit: str


@dataclass
class SessionSides:
    """One exercise in one session: per side, the total in its measure and the best figures."""

    on: date
    session_id: int
    exercise_id: int
    total: dict[str, Decimal]
    longest_hold: dict[str, int]
    reps: dict[str, int]
    heaviest: dict[str, Decimal]

    @property
    def asymmetry(self) -> Decimal | None:
        return asymmetry_index(self.total.get("left"), self.total.get("right"))

    @property
    def one_side_missing(self) -> bool:
        return ("left" in self.total) != ("right" in self.total)


def session_sides(
    sets: Iterable[SetFigures], *, measurement_of: Mapping[int, str]
) -> list[SessionSides]:
    """The sets grouped by session and exercise, in date order."""
    found: dict[tuple[int, int], SessionSides] = {}
    for s in sets:
        key = (s.session_id, s.exercise_id)
        group = found.get(key)
        if group is None:
            group = found[key] = SessionSides(s.on, s.session_id, s.exercise_id, {}, {}, {}, {})
        amount = _amount(s, measurement_of.get(s.exercise_id, Exercise.Measurement.REPS))
        group.total[s.side] = group.total.get(s.side, Decimal(0)) + amount
        if s.hold_seconds is not None:
            group.longest_hold[s.side] = max(group.longest_hold.get(s.side, 0), s.hold_seconds)
        if s.reps is not None:
            group.reps[s.side] = group.reps.get(s.side, 0) + s.reps
        weight = load_in_lb(s.load, s.load_unit)
        if weight is not None:
            group.heaviest[s.side] = max(group.heaviest.get(s.side, Decimal(0)), weight)
    return sorted(found.values(), key=lambda g: (g.on, g.session_id, g.exercise_id))


def largest_asymmetry(
    groups: Sequence[SessionSides], *, unilateral: Iterable[int]
) -> tuple[Decimal, int] | None:
    """(index, exercise id) of the largest asymmetry among the latest session with both sides
    of each unilateral exercise; None when there is none."""
    latest: dict[int, Decimal] = {}
    wanted = set(unilateral)
    for group in groups:  # in date order: a later session replaces an earlier one
        index = group.asymmetry
        if group.exercise_id in wanted and index is not None:
            latest[group.exercise_id] = index
    if not latest:
        return None
    exercise_id = max(latest, key=lambda e: (latest[e], -e))
    return latest[exercise_id], exercise_id
