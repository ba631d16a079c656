"""The progress page's calendar, and the charts and per-session table of each exercise, drawn
from what training.selectors.client_progress read. Drawn in Python: a calendar of a year is
hundreds of cells, too many for template loops on a page read this often."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape as escape_text

from django.core.cache import cache
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from coach.common import code_version, key_digest
from coach.models import Client
from exercises.models import Exercise
from training.charts import WEEKDAY_NAMES, Marker, Series, day_and_date, line_chart, number_text
from training.progress import ProgramDay, SessionSides
from training.selectors import (
    DEFAULT_PROGRESS_RANGE,
    PLAN_CACHE_SECONDS,
    PROGRESS_RANGES,
    ClientProgress,
    ExerciseProgress,
    ProgramCalendar,
    cached_for_client,
    client_progress,
)

Points = Sequence[tuple[date, Decimal | int | None]]
SIDE_NAMES = {"left": "Left", "right": "Right", "both": "Both sides"}
ONE_SIDE_MISSING = "one side missing"


@dataclass
class ExerciseCharts:
    progress: ExerciseProgress
    charts: list[SafeString]
    table: SafeString  # each session per side, newest first
    latest_asymmetry: str

    @property
    def name(self) -> str:
        return self.progress.name


def asymmetry_text(session: SessionSides) -> str:
    index = session.asymmetry
    if index is not None:
        return number_text(index * 100, "%")
    return ONE_SIDE_MISSING if session.one_side_missing else ""


def _side_text(exercise: ExerciseProgress, session: SessionSides, side: str) -> str:
    parts = []
    if side in session.reps:
        parts.append(f"{session.reps[side]} reps")
    if side in session.longest_hold:
        parts.append(f"longest hold {session.longest_hold[side]} s")
    heaviest = exercise.heaviest(session, side)
    if heaviest is not None:
        parts.append(f"up to {number_text(heaviest, exercise.load_unit)}")
    return ", ".join(parts) or "logged"


def exercise_charts(
    exercise: ExerciseProgress, *, since: date | None, until: date
) -> ExerciseCharts:
    """Per side, the trends of longest hold, reps and heaviest load (those the exercise has
    logged), and for one-sided work the asymmetry index of each session; stage changes are
    drawn on each."""
    sides = exercise.sides
    sessions = exercise.sessions
    markers = [Marker(mark.on, f"moved to {mark.label}") for mark in exercise.stage_marks]
    slug = f"ex-{exercise.exercise_id}"

    def chart(title: str, unit: str, key: str, values: Mapping[str, Points]) -> SafeString:
        return line_chart(
            [Series(SIDE_NAMES[side], values[side]) for side in sides if values[side]],
            title=f"{exercise.name}: {title}",
            unit=unit,
            markers=markers,
            since=since,
            until=until,
            chart_id=f"{slug}-{key}",
        )

    charts = []
    if any(s.longest_hold for s in sessions):
        holds = {
            side: [(s.on, s.longest_hold[side]) for s in sessions if side in s.longest_hold]
            for side in sides
        }
        charts.append(chart("longest hold per side", "s", "hold", holds))
    if any(s.reps for s in sessions) and exercise.measurement != Exercise.Measurement.HOLD:
        reps = {side: [(s.on, s.reps[side]) for s in sessions if side in s.reps] for side in sides}
        charts.append(chart("reps per side (all sets)", "", "reps", reps))
    if any(s.heaviest for s in sessions):
        loads = {
            side: [(s.on, exercise.heaviest(s, side)) for s in sessions if side in s.heaviest]
            for side in sides
        }
        charts.append(chart("heaviest load per side", exercise.load_unit, "load", loads))
    if exercise.is_unilateral and {"left", "right"} & set(sides):
        points = [
            (s.on, None if s.asymmetry is None else s.asymmetry * 100)
            for s in sessions
            if s.asymmetry is not None or s.one_side_missing
        ]
        charts.append(
            line_chart(
                [Series("Asymmetry index", points, gap_text=ONE_SIDE_MISSING)],
                title=f"{exercise.name}: left/right asymmetry index",
                unit="%",
                markers=markers,
                since=since,
                until=until,
                chart_id=f"{slug}-asymmetry",
            )
        )
    table = _sessions_table(exercise, sides)
    latest = exercise.latest_asymmetry
    return ExerciseCharts(
        progress=exercise,
        charts=charts,
        table=table,
        latest_asymmetry=asymmetry_text(latest) if latest else "",
    )


def _sessions_table(exercise: ExerciseProgress, sides: list[str]) -> SafeString:
    # (written out with the standard library's escape, which Django's own calls: a long
    # history has hundreds of rows)
    rows = "".join(
        f'<tr><th scope="row">{day_and_date(s.on)}</th><td data-label="Sides">'
        + "<br>".join(
            f"{side.capitalize()}: {escape_text(_side_text(exercise, s, side))}"
            for side in sides
            if side in s.total
        )
        + "</td>"
        + (
            f'<td data-label="Asymmetry">{escape_text(asymmetry_text(s) or "—")}</td>'
            if exercise.is_unilateral
            else ""
        )
        + "</tr>"
        for s in reversed(exercise.sessions)
    )
    return format_html(
        '<table class="table session-sides"><caption class="visually-hidden">{}: each session '
        'per side</caption><thead><tr><th scope="col">Date</th><th scope="col">Sides</th>{}'
        "</tr></thead><tbody>{}</tbody></table>",
        exercise.name,
        mark_safe('<th scope="col">Asymmetry</th>') if exercise.is_unilateral else "",
        mark_safe(rows),  # noqa: S308 - every text in it is escaped above
    )


def _cell(day: ProgramDay | None, today: date) -> str:
    # Every text here is made of dates and the statuses' own labels: nothing to escape.
    if day is None:
        return '<td class="cal cal-none"></td>'
    late = ", logged late" if day.late else ""
    now = day.on == today
    named = day_and_date(day.on, long=True, year=False)
    label = f"{named}{' (today)' if now else ''}: {day.status.label}"
    css = f"cal cal-{day.status.value}" + (" cal-now" if now else "")
    current = ' aria-current="date"' if now else ""
    title = f"{day_and_date(day.on, year=False)}: {day.status.label}{late}"
    return (
        f'<td class="{css}"{current} title="{title}"><span class="cal-date">{day.on.day}</span>'
        '<span class="cal-mark" aria-hidden="true"></span>'
        f'<span class="visually-hidden">{label}{late}</span></td>'
    )


def calendar_table(calendar: ProgramCalendar, *, today: date) -> SafeString:
    """The program as a calendar of weeks, Monday first: each day's status as a mark (for the
    eye) and in words (for screen readers), today outlined."""
    head = "".join(f'<th scope="col" abbr="{name}">{name[:3]}</th>' for name in WEEKDAY_NAMES)
    rows = "".join(
        "<tr>" + "".join(_cell(day, today) for day in week) + "</tr>" for week in calendar.weeks
    )
    return format_html(
        '<table class="calendar"><caption class="visually-hidden">Each day of {} and what '
        "became of it</caption><thead><tr>{}</tr></thead><tbody>{}</tbody></table>",
        calendar.assignment.program.name,
        mark_safe(head),  # noqa: S308 - weekday names
        mark_safe(rows),  # noqa: S308 - see _cell
    )


# Each exercise's charts are kept apart as well, under a digest of all they are drawn from (the
# code, the exercise's sessions and stage marks, the time axis): when the page is drawn again
# after a log, only the charts of the exercises whose figures it changed are drawn again.
CHARTS_CACHE_SECONDS = PLAN_CACHE_SECONDS


def _charts_of(client: Client, progress: ClientProgress) -> list[ExerciseCharts]:
    since, until = progress.charts_since, progress.today
    keys = {
        exercise.exercise_id: f"progress:charts:{client.pk}:"
        + key_digest((code_version(), exercise, since, until))
        for exercise in progress.exercises
    }
    kept = cache.get_many(list(keys.values())) if keys else {}
    drawn: dict[str, ExerciseCharts] = {}
    found = []
    for exercise in progress.exercises:
        key = keys[exercise.exercise_id]
        charts = kept.get(key)
        if not isinstance(charts, ExerciseCharts):
            charts = drawn[key] = exercise_charts(exercise, since=since, until=until)
        found.append(charts)
    if drawn:
        cache.set_many(drawn, CHARTS_CACHE_SECONDS)
    return found


@dataclass
class ProgressPage:
    """What the progress page draws: the figures, each exercise's charts, the calendar."""

    progress: ClientProgress
    exercises: list[ExerciseCharts]
    calendar_table: SafeString | str


def progress_page(*, client: Client, range_key: str, assignment_id: int | None) -> ProgressPage:
    """The progress page's figures and drawings, from the cache shared by every process while
    nothing they are drawn from has changed (see selectors.cached_for_client: every log, stage
    move and program change gives the client's plans a new version) and the client's day is
    the same."""
    if range_key not in PROGRESS_RANGES:
        range_key = DEFAULT_PROGRESS_RANGE

    def build() -> ProgressPage:
        progress = client_progress(client=client, range_key=range_key, assignment_id=assignment_id)
        return ProgressPage(
            progress=progress,
            exercises=_charts_of(client, progress),
            calendar_table=calendar_table(progress.calendar, today=progress.today)
            if progress.calendar
            else "",
        )

    name = f"progress:{client.local_today().isoformat()}:{range_key}:{assignment_id or ''}"
    return cached_for_client(client=client, name=name, build=build)
