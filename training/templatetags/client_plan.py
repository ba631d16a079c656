"""A client's plan and logs as their coach reads them: a program at one client's stages (the
builder and the print sheet of a client's copy), the days whose fixed stage differs from the
client's, and a session's sets per side."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import date_format

from coach.models import Client
from exercises.models import Exercise, Stage
from programs.doses import TemplateDose, template_dose
from programs.models import Assignment, Day, Prescription, Program
from programs.schedule import STATUS_LABELS, day_offset, status_shown
from training.doses import dose_resolve
from training.models import SessionLog, SetLog
from training.selectors import FixedStageNote, PlanItem, fixed_stage_notes, stages_of
from training.services import _side_totals, asymmetry

register = template.Library()


@dataclass
class SheetItem(PlanItem):
    """A prescription as one client does it, for a sheet with a box per set."""

    @property
    def set_range(self) -> range:
        """Set numbers 1…sets (at least one)."""
        return range(1, (self.dose.sets or 1) + 1)


@dataclass
class ClientSheet:
    """A program as one client does it: each prescription at the client's stage, and the days
    ahead whose fixed stage differs from the client's."""

    client: Client
    items: dict[int, SheetItem]
    notes: list[FixedStageNote]
    # Each day's date in the client's calendar (by day id); None while a pause leaves it open.
    dates: dict[int, date | None]


@dataclass(frozen=True)
class SheetDay:
    """When a day of a sheet falls: its date for one client, else only its weekday (a plan's
    days have one) or nothing, which leaves the date for the person who prints it to write."""

    on: date | None
    weekday: str
    after_pause: bool = False


@register.simple_tag
def client_plan(program: Program, assignment: Assignment | None) -> ClientSheet | None:
    """`{% client_plan program assignment as sheet %}`: the program as the assignment's client
    does it, or None without one. Two queries, whatever the program's length: the days and
    their prescriptions must already be loaded (with exercise and stage)."""
    if assignment is None or assignment.program_id != program.pk:
        return None
    client = assignment.client
    prescriptions = [p for day in program.days.all() for p in day.prescriptions.all()]
    exercise_ids = {p.exercise_id for p in prescriptions}
    current = stages_of(client=client, exercise_ids=exercise_ids) if exercise_ids else {}
    items = {}
    for prescription in prescriptions:
        stage = prescription.stage or current.get(prescription.exercise_id)
        items[prescription.pk] = SheetItem(
            prescription=prescription,
            dose=dose_resolve(prescription, stage, sex=client.sex, prefers_kg=client.prefers_kg),
            stage_is_fixed=prescription.stage_id is not None,
            current_stage=current.get(prescription.exercise_id),
        )
    notes = fixed_stage_notes(
        assignment=assignment,
        prescriptions=prescriptions,
        current=current,
        today=client.local_today(),
    )
    return ClientSheet(
        client=client, items=items, notes=notes, dates=_day_dates(program, assignment)
    )


def _day_dates(program: Program, assignment: Assignment) -> dict[int, date | None]:
    """The date of each day as the client's Today counts it: from the start date, on the plan's
    weekdays, moved by the closed pauses. A day due on or after the start of a pause that is
    still open has no date until the coach resumes it."""
    dates: dict[int, date | None] = {}
    for day in program.days.all():
        on = assignment.date_of(day_offset(program=program, day=day, start=assignment.starts_on))
        open_pause = assignment.paused_on is not None and on >= assignment.paused_on
        dates[day.pk] = None if open_pause else on
    return dates


@register.filter
def sheet_day(day: Day, sheet: ClientSheet | None) -> SheetDay:
    """`{% with when=day|sheet_day:sheet %}`: the day's date and weekday on the sheet's client's
    calendar, or only the plan's weekday without a client."""
    weekday = day.get_weekday_display() if day.weekday is not None else ""
    if sheet is None or day.pk not in sheet.dates:
        return SheetDay(on=None, weekday=weekday)
    on = sheet.dates[day.pk]
    if on is None:
        return SheetDay(on=None, weekday=weekday, after_pause=True)
    return SheetDay(on=on, weekday=date_format(on, "l"))


@register.filter
def client_dose(prescription: Prescription, sheet: ClientSheet | None) -> SheetItem | TemplateDose:
    """`{% with d=p|client_dose:sheet %}`: the prescription at the sheet's client's stage, or as
    the program shows it when there is no client."""
    if sheet is not None and prescription.pk in sheet.items:
        return sheet.items[prescription.pk]
    return template_dose(prescription)


def day_numbers_text(numbers: Sequence[int]) -> str:
    """ "Day 12", "Days 7–10", "Days 3, 5 and 7–9": runs of days are joined with a dash."""
    runs: list[list[int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    parts = [str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs]
    if len(parts) == 1 and len(runs[0]) == 1:
        return f"Day {parts[0]}"
    listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return f"Days {listed}"


def _stage_name(stage: Stage) -> str:
    return f"stage {stage.order} ({stage.name})"


@register.filter
def fixed_stage_text(note: FixedStageNote) -> str:
    """“Day 12 fixes stage 2 (Loaded) of Single-leg deadlift; Ana Ruiz is on stage 3
    (Free-standing).”"""
    one_day = len(note.day_numbers) == 1
    return (
        f"{day_numbers_text(note.day_numbers)} {'fixes' if one_day else 'fix'} "
        f"{_stage_name(note.stage)} of {note.exercise.name}; "
        f"{note.client.name} is on {_stage_name(note.current)}."
    )


# --- logs ------------------------------------------------------------------------------------


def _amount(value: Decimal | None, unit: str) -> str:
    return f"{floatformat(value, -1)} {unit}".strip() if value is not None else ""


def _span(values: list[int]) -> str:
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}–{high}"


@register.filter
def sets_text(sets: Sequence[SetLog]) -> str:
    """One side's sets in a line, “8, 8, 7 @ 15 lb; form 3–4, effort 7”: reps (or seconds held)
    set by set, the load once when every set shares it, then the range of form and effort."""
    if not sets:
        return ""
    loads = {(s.load, s.load_unit) for s in sets}
    shared_load = len(loads) == 1
    done = []
    for s in sets:
        if s.reps is not None and s.hold_seconds:
            text = f"{s.reps} × {s.hold_seconds} s"
        elif s.hold_seconds is not None:
            text = f"{s.hold_seconds} s"
        else:
            text = str(s.reps) if s.reps is not None else "–"
        if not shared_load and s.load is not None:
            text += f" @ {_amount(s.load, s.load_unit)}"
        done.append(text)
    text = ", ".join(done)
    if shared_load and sets[0].load is not None:
        text += f" @ {_amount(sets[0].load, sets[0].load_unit)}"
    quality = []
    forms = [s.form for s in sets if s.form is not None]
    if forms:
        quality.append(f"form {_span(forms)}")
    efforts = [s.rpe for s in sets if s.rpe is not None]
    if efforts:
        quality.append(f"effort {_span(efforts)}")
    return f"{text}; {', '.join(quality)}" if quality else text


@dataclass
class ExerciseSets:
    """One exercise's sets in a session, side by side, with the gap between the sides."""

    exercise: Exercise
    stage: Stage | None
    sides: list[tuple[str, list[SetLog]]]
    gap_percent: int | None
    lower_side: str

    @property
    def late(self) -> bool:
        return any(s.is_late for _, sets in self.sides for s in sets)


@register.filter
def session_exercises(session: SessionLog) -> list[ExerciseSets]:
    """A session's sets grouped by exercise in the order they were logged, each side's sets
    together (left, right, both), with the left/right gap in the exercise's own measure."""
    grouped: dict[int, list[SetLog]] = {}
    for set_log in session.sets.all():
        grouped.setdefault(set_log.exercise_id, []).append(set_log)
    found = []
    for sets in grouped.values():
        exercise = sets[0].exercise
        by_side = [
            (label, [s for s in sets if s.side == side]) for side, label in SetLog.Side.choices
        ]
        gap = asymmetry(sets, exercise.measurement)
        totals = _side_totals(sets, exercise.measurement)
        lower = ""
        if gap and totals.get("left") != totals.get("right"):
            lower = "left" if totals["left"] < totals["right"] else "right"
        found.append(
            ExerciseSets(
                exercise=exercise,
                stage=sets[-1].stage,
                sides=[(label, side_sets) for label, side_sets in by_side if side_sets],
                gap_percent=None if gap is None else round(gap * 100),
                lower_side=lower,
            )
        )
    return found


@register.filter
def entered_by_coach(log: SessionLog | SetLog, client: Client) -> bool:
    """Entered by someone other than the client: their coach, for a client without a login or
    one who reported by message."""
    return log.entered_by_id is not None and log.entered_by_id != client.user_id


@register.filter
def shown_status(assignment: Assignment, today: date) -> str:
    """The assignment's status on the client's date `today`: "scheduled" before its first day
    while active, else as stored."""
    return status_shown(status=assignment.status, first_day=assignment.first_day, today=today)


@register.filter
def status_label(status: str) -> str:
    """The words of a status `shown_status` gives."""
    return str(STATUS_LABELS.get(status, status))
