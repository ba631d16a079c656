"""Adherence, streaks and the asymmetry index, worked out by hand on made-up schedules and logs
(no database: the arithmetic reads only what it is given)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from coach.models import Client
from exercises.models import Exercise
from programs.models import Assignment, Program
from training.progress import (
    DayStatus,
    Logged,
    SetFigures,
    adherence,
    asymmetry_index,
    largest_asymmetry,
    missed_in_a_row,
    program_days,
    session_sides,
    set_amount,
    streaks,
)

START = date(2027, 3, 1)  # a Monday
D, P, S, M, T, U, R, Z = (
    DayStatus.DONE,
    DayStatus.PARTIAL,
    DayStatus.SKIPPED,
    DayStatus.MISSED,
    DayStatus.TODAY,
    DayStatus.UPCOMING,
    DayStatus.REST,
    DayStatus.PAUSED,
)


def routine_assignment(days: int = 10, **fields) -> Assignment:  # type: ignore[no-untyped-def]
    program = Program(kind=Program.Kind.ROUTINE, length_days=days)
    return Assignment(pk=1, program=program, starts_on=START, **fields)


def statuses(days) -> list[DayStatus]:  # type: ignore[no-untyped-def]
    return [day.status for day in days]


def on(n: int) -> date:
    return START + timedelta(days=n)


# --- what became of each day -----------------------------------------------------------------


def test_each_day_is_done_partial_skipped_missed_rest_today_or_upcoming():
    # given: a 10-day routine with rest on days 3 and 7 (offsets 2 and 6), today is day 6
    assignment = routine_assignment()
    training = [0, 1, 3, 4, 5, 7, 8, 9]
    logged = {
        on(0): Logged("done"),
        on(1): Logged("partial"),
        on(3): Logged("skipped"),
        # day 5 (offset 4) has no log: missed
    }

    # when
    days = program_days(
        assignment=assignment, training_offsets=training, logged=logged, today=on(5)
    )

    # then
    assert statuses(days) == [D, P, R, S, M, T, R, U, U, U]
    assert [day.on for day in days] == [on(n) for n in range(10)]


def test_a_session_started_on_a_day_that_has_passed_and_never_finished_is_partly_done():
    assignment = routine_assignment(days=3)
    logged = {on(0): Logged("open", has_sets=True), on(1): Logged("open", has_sets=False)}

    days = program_days(
        assignment=assignment, training_offsets=[0, 1, 2], logged=logged, today=on(2)
    )

    assert statuses(days) == [P, M, T]


def test_today_counts_once_it_is_done_and_not_before():
    assignment = routine_assignment(days=3)
    before = program_days(
        assignment=assignment,
        training_offsets=[0, 1, 2],
        logged={on(0): Logged("done")},
        today=on(1),
    )
    after = program_days(
        assignment=assignment,
        training_offsets=[0, 1, 2],
        logged={on(0): Logged("done"), on(1): Logged("done")},
        today=on(1),
    )

    assert adherence(before, today=on(1)).due == 1
    assert adherence(before, today=on(1)).percent == 100
    assert adherence(after, today=on(1)).due == 2
    # the next morning, today has passed: not logged is missed
    next_day = program_days(
        assignment=assignment,
        training_offsets=[0, 1, 2],
        logged={on(0): Logged("done")},
        today=on(2),
    )
    assert statuses(next_day) == [D, M, T]
    assert adherence(next_day, today=on(2)).percent == 50


def test_a_late_log_counts_on_the_day_it_was_for():
    # Logged two days later, the session of day 1 carries day 1's date and is marked late.
    assignment = routine_assignment(days=4)
    logged = {on(0): Logged("done", late=True), on(2): Logged("done")}

    days = program_days(
        assignment=assignment, training_offsets=range(4), logged=logged, today=on(3)
    )

    assert statuses(days) == [D, M, D, T]
    assert [day.late for day in days] == [True, False, False, False]
    assert adherence(days, today=on(3)).percent == 67


def test_paused_days_are_not_due_and_the_days_after_move_later():
    # given: a 6-day routine paused for a week from day 3; the pause moved the rest 7 days
    assignment = routine_assignment(
        days=6, pauses=[{"from": on(2).isoformat(), "until": on(9).isoformat(), "shift": 7}]
    )
    logged = {on(0): Logged("done"), on(1): Logged("done"), on(9): Logged("done")}

    # when
    days = program_days(
        assignment=assignment, training_offsets=range(6), logged=logged, today=on(11)
    )

    # then: 13 dates, seven of them paused; offsets 2.. fall on days 9..
    assert statuses(days) == [D, D, Z, Z, Z, Z, Z, Z, Z, D, M, T, U]
    assert [d.offset for d in days if d.status != Z] == [0, 1, 2, 3, 4, 5]
    figures = adherence(days, today=on(11))
    assert (figures.done, figures.due) == (3, 4)
    # the pause does not break the streak, the missed day does
    assert streaks(days) == (0, 3)


def test_a_program_still_paused_shows_its_paused_days_up_to_today():
    assignment = routine_assignment(days=10, status=Assignment.Status.PAUSED, paused_on=on(2))

    days = program_days(assignment=assignment, training_offsets=range(10), logged={}, today=on(4))

    assert statuses(days) == [M, M, Z, Z, Z]


def test_a_cancelled_program_ends_on_the_day_it_was_cancelled():
    assignment = routine_assignment(days=10, status=Assignment.Status.CANCELLED, ended_on=on(2))

    days = program_days(assignment=assignment, training_offsets=range(10), logged={}, today=on(6))

    assert [d.on for d in days] == [on(0), on(1), on(2)]


def test_a_plan_of_weekdays_has_rest_days_between_its_sessions():
    # given: a two-week plan on Monday, Wednesday, Friday, started on a Monday
    program = Program(kind=Program.Kind.PLAN, weeks=2, weekdays=[0, 2, 4])
    assignment = Assignment(pk=3, program=program, starts_on=START)
    training = [0, 2, 4, 7, 9, 11]
    logged = {on(0): Logged("done"), on(2): Logged("done"), on(4): Logged("partial")}

    # when: today is the second Monday, not yet trained
    days = program_days(
        assignment=assignment, training_offsets=training, logged=logged, today=on(7)
    )

    # then
    assert statuses(days)[:8] == [D, R, D, R, P, R, R, T]
    assert len(days) == 14
    figures = adherence(days, today=on(7))
    assert (figures.done, figures.due, figures.percent) == (Decimal("2.5"), 3, 83)


def test_adherence_over_the_last_seven_and_thirty_days_and_the_whole_program():
    # given: a 40-day daily routine; the first 20 days done, then every other day, today day 40
    assignment = routine_assignment(days=40)
    logged = {on(n): Logged("done") for n in range(20)}
    logged |= {on(n): Logged("done") for n in range(20, 39, 2)}
    days = program_days(
        assignment=assignment, training_offsets=range(40), logged=logged, today=on(39)
    )

    # then: the last 7 days (33..39, today not yet due) hold 6 due, 3 done; the last 30
    # (10..39) 29 due: 10 done every day, then 10 every other day
    week = adherence(days, today=on(39), last_days=7)
    month = adherence(days, today=on(39), last_days=30)
    whole = adherence(days, today=on(39))
    assert (week.done, week.due) == (3, 6)
    assert (month.done, month.due) == (20, 29)
    assert (whole.done, whole.due) == (30, 39)
    assert whole.percent == 77


def test_adherence_with_nothing_due_is_no_figure_not_zero():
    assignment = routine_assignment(days=5)
    days = program_days(assignment=assignment, training_offsets=range(5), logged={}, today=on(0))

    figures = adherence(days, today=on(0))

    assert figures.due == 0
    assert figures.ratio is None
    assert figures.percent is None


# --- streaks and missed days -------------------------------------------------------------------


def test_streaks_count_sessions_done_and_rest_days_do_not_break_them():
    # given: done, done, rest, partial, missed, done, rest, done, done (today not yet)
    assignment = routine_assignment(days=11)
    training = [0, 1, 3, 4, 5, 7, 8, 9]
    logged = {
        on(0): Logged("done"),
        on(1): Logged("done"),
        on(3): Logged("partial"),
        on(5): Logged("done"),
        on(7): Logged("done"),
        on(8): Logged("done"),
    }

    days = program_days(
        assignment=assignment, training_offsets=training, logged=logged, today=on(9)
    )

    assert streaks(days) == (3, 3)
    assert missed_in_a_row(days) == 0


def test_missed_in_a_row_counts_skipped_and_missed_sessions_back_from_the_latest():
    assignment = routine_assignment(days=8)
    training = [0, 1, 2, 4, 5, 6, 7]  # a rest day at offset 3
    logged = {on(0): Logged("done"), on(1): Logged("done"), on(2): Logged("skipped")}

    days = program_days(
        assignment=assignment, training_offsets=training, logged=logged, today=on(6)
    )

    # day 3 skipped, rest, days 5 and 6 missed; today (offset 6) does not count yet
    assert missed_in_a_row(days) == 3
    assert streaks(days) == (0, 2)


def test_streaks_run_across_two_programs_in_date_order():
    first = routine_assignment(days=3)
    second = Assignment(
        pk=2, program=Program(kind=Program.Kind.ROUTINE, length_days=3), starts_on=on(3)
    )
    days = program_days(
        assignment=first,
        training_offsets=range(3),
        logged={on(n): Logged("done") for n in range(3)},
        today=on(6),
    ) + program_days(
        assignment=second, training_offsets=range(3), logged={on(3): Logged("done")}, today=on(6)
    )

    assert streaks(days) == (0, 4)
    assert missed_in_a_row(days) == 2


# --- a time zone far from UTC ------------------------------------------------------------------


def test_today_is_the_clients_own_date_far_from_utc():
    # given: at noon UTC on day 2 it is already day 3 on Kiritimati (UTC+14), and still the
    # first hours of day 2 in Pago Pago (UTC−11)
    noon = datetime.combine(on(1), datetime.min.time(), tzinfo=UTC).replace(hour=12)
    east = Client(time_zone="Pacific/Kiritimati").local_today(noon)
    west = Client(time_zone="Pacific/Pago_Pago").local_today(noon)
    assignment = routine_assignment(days=5)
    logged = {on(0): Logged("done")}

    # when
    east_days = program_days(
        assignment=assignment, training_offsets=range(5), logged=logged, today=east
    )
    west_days = program_days(
        assignment=assignment, training_offsets=range(5), logged=logged, today=west
    )

    # then: for the client east of UTC, day 2 has passed unlogged; for the one west, it is today
    assert (east, west) == (on(2), on(1))
    assert statuses(east_days)[:3] == [D, M, T]
    assert statuses(west_days)[:3] == [D, T, U]
    assert adherence(east_days, today=east).percent == 50
    assert adherence(west_days, today=west).percent == 100


# --- left and right ----------------------------------------------------------------------------


def test_the_asymmetry_index_is_the_gap_over_the_stronger_side():
    assert asymmetry_index(Decimal(45), Decimal(60)) == Decimal("0.25")
    assert asymmetry_index(Decimal(60), Decimal(45)) == Decimal("0.25")
    assert asymmetry_index(Decimal(30), Decimal(30)) == 0
    assert asymmetry_index(Decimal(0), Decimal(0)) == 0
    # a missing side is no figure, not 100 %
    assert asymmetry_index(Decimal(30), None) is None
    assert asymmetry_index(None, Decimal(0)) is None


def test_a_set_counts_in_the_exercises_own_measure_and_loads_in_one_unit():
    hold, reps, loaded = (
        Exercise.Measurement.HOLD,
        Exercise.Measurement.REPS,
        Exercise.Measurement.REPS_LOAD,
    )
    assert set_amount(hold, reps=5, hold_seconds=40) == 40
    assert set_amount(reps, reps=8, hold_seconds=None) == 8
    assert set_amount(loaded, reps=8, hold_seconds=None, load=Decimal(20), load_unit="lb") == 160
    # 10 kg is 22.0462 lb: 5 reps of it weigh as much as 5 reps of 22.0462 lb
    in_kg = set_amount(loaded, reps=5, hold_seconds=None, load=Decimal(10), load_unit="kg")
    assert in_kg == Decimal("110.2310")
    assert set_amount(loaded, reps=6, hold_seconds=None) == 6  # no load: the reps


def _set(n, side, *, ex=1, reps=None, hold=None, load=None, unit="lb"):  # type: ignore[no-untyped-def]
    return SetFigures(
        on(n), 100 + n, ex, side, reps, hold, None if load is None else Decimal(load), unit
    )


def test_sessions_add_up_each_side_and_a_missing_side_is_said():
    # given: two sessions of a loaded single-leg deadlift (exercise 1), one with the left in kg
    sets = [
        _set(0, "left", reps=8, load=20),
        _set(0, "left", reps=8, load=20),
        _set(0, "right", reps=8, load=30),
        _set(0, "right", reps=8, load=30),
        _set(1, "left", reps=10, load=10, unit="kg"),
        _set(1, "right", reps=10, load=25),
        _set(2, "right", reps=10, load=25),
    ]

    # when
    groups = session_sides(sets, measurement_of={1: Exercise.Measurement.REPS_LOAD})

    # then: 320 lb·reps against 480; 220.462 against 250; the third has one side only
    assert [g.on for g in groups] == [on(0), on(1), on(2)]
    assert groups[0].asymmetry == Decimal(160) / Decimal(480)
    assert groups[0].reps == {"left": 16, "right": 16}
    assert groups[0].heaviest == {"left": 20, "right": 30}
    assert groups[1].asymmetry is not None
    assert round(groups[1].asymmetry, 4) == Decimal("0.1182")
    assert groups[2].asymmetry is None
    assert groups[2].one_side_missing


def test_the_largest_current_asymmetry_is_of_each_exercises_latest_session():
    # given: exercise 1 lagged badly at first and then evened out; exercise 2 lags now;
    # exercise 3 is two-sided (its "both" sets have no index)
    sets = [
        _set(0, "left", ex=1, hold=20),
        _set(0, "right", ex=1, hold=60),
        _set(4, "left", ex=1, hold=58),
        _set(4, "right", ex=1, hold=60),
        _set(3, "left", ex=2, reps=6),
        _set(3, "right", ex=2, reps=8),
        _set(5, "left", ex=2, reps=6),  # one side only: the session before still stands
        _set(4, "both", ex=3, reps=10),
    ]
    hold, reps = Exercise.Measurement.HOLD, Exercise.Measurement.REPS
    groups = session_sides(sets, measurement_of={1: hold, 2: reps, 3: reps})

    assert largest_asymmetry(groups, unilateral=[1, 2]) == (Decimal("0.25"), 2)
    assert largest_asymmetry(groups, unilateral=[1]) == (Decimal(2) / Decimal(60), 1)
    assert largest_asymmetry(groups, unilateral=[3]) is None
