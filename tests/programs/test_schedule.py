"""Calendar arithmetic: which program day falls on which date, across month ends, leap years,
mid-week plan starts and pauses."""

from datetime import date, timedelta

import pytest

from programs import schedule, services
from programs.models import Assignment, Program
from tests.programs.factories import assign, plan, routine

pytestmark = pytest.mark.django_db


def dates_by_number(assignment: Assignment) -> dict[int, date]:
    return {
        day.number: schedule.day_date(assignment=assignment, day=day)
        for day in assignment.program.days.all()
    }


# --- routines --------------------------------------------------------------------------------


def test_routine_days_are_consecutive_across_a_month_end(coach):
    template = routine(coach, length_days=30)
    (assignment,) = assign(coach, template, starts_on=date(2027, 1, 28))

    dates = dates_by_number(assignment)

    assert dates[1] == date(2027, 1, 28)
    assert dates[4] == date(2027, 1, 31)
    assert dates[5] == date(2027, 2, 1)
    assert dates[30] == date(2027, 2, 26)
    assert assignment.last_day == date(2027, 2, 26)


def test_routine_spans_the_leap_day(coach):
    template = routine(coach, length_days=30)
    (leap,) = assign(coach, template, starts_on=date(2028, 2, 27))
    (common,) = assign(coach, template, starts_on=date(2027, 2, 27))

    leap_dates = dates_by_number(leap)
    assert leap_dates[3] == date(2028, 2, 29)
    assert leap_dates[4] == date(2028, 3, 1)
    assert leap.last_day == date(2028, 3, 27)
    # Without a 29 February the same routine ends a day later in the month.
    assert dates_by_number(common)[3] == date(2027, 3, 1)
    assert common.last_day == date(2027, 3, 28)


def test_offset_on_maps_dates_back_to_days_and_is_none_outside(coach):
    template = routine(coach, length_days=30)
    (assignment,) = assign(coach, template, starts_on=date(2027, 1, 28))

    assert schedule.offset_on(assignment=assignment, on=date(2027, 1, 27)) is None
    assert schedule.offset_on(assignment=assignment, on=date(2027, 1, 28)) == 0
    assert schedule.offset_on(assignment=assignment, on=date(2027, 2, 1)) == 4
    assert schedule.offset_on(assignment=assignment, on=date(2027, 2, 26)) == 29
    assert schedule.offset_on(assignment=assignment, on=date(2027, 2, 27)) is None


# --- plans -------------------------------------------------------------------------------------


def test_plan_from_a_monday_puts_each_day_on_its_weekday(coach):
    template = plan(coach, weeks=2, weekdays=[0, 2, 4])
    monday = date(2027, 2, 1)
    assert monday.weekday() == 0
    (assignment,) = assign(coach, template, starts_on=monday)

    dates = dates_by_number(assignment)

    assert dates == {
        1: date(2027, 2, 1),
        2: date(2027, 2, 3),
        3: date(2027, 2, 5),
        4: date(2027, 2, 8),
        5: date(2027, 2, 10),
        6: date(2027, 2, 12),
    }
    assert assignment.last_day == date(2027, 2, 14)


def test_plan_starting_mid_week_keeps_weekdays_within_each_week(coach):
    template = plan(coach, weeks=2, weekdays=[0, 2, 4])
    wednesday = date(2027, 1, 27)
    assert wednesday.weekday() == 2
    (assignment,) = assign(coach, template, starts_on=wednesday)

    for day in assignment.program.days.all():
        on = schedule.day_date(assignment=assignment, day=day)
        assert on.weekday() == day.weekday, day
        assert day.week is not None
        week_start = wednesday + timedelta(days=7 * (day.week - 1))
        assert week_start <= on < week_start + timedelta(days=7), day
    dates = dates_by_number(assignment)
    # Week 1: the Wednesday and Friday sessions fall this week; its Monday is five days in.
    assert dates[2] == date(2027, 1, 27)
    assert dates[3] == date(2027, 1, 29)
    assert dates[1] == date(2027, 2, 1)
    assert dates[4] == date(2027, 2, 8)


def test_day_offset_without_a_start_lays_a_plan_out_from_monday(coach):
    template = plan(coach, weeks=2, weekdays=[1, 4])
    offsets = [
        schedule.day_offset(program=template, day=day) for day in template.days.order_by("number")
    ]
    assert offsets == [1, 4, 8, 11]
    sunday = [
        schedule.day_offset(program=template, day=day, start=date(2027, 1, 31))
        for day in template.days.order_by("number")
    ]
    assert sunday == [2, 5, 9, 12]


def test_routine_day_offset_ignores_the_start(coach):
    template = routine(coach, length_days=10)
    tenth = template.days.get(number=10)
    assert schedule.day_offset(program=template, day=tenth) == 9
    assert schedule.day_offset(program=template, day=tenth, start=date(2027, 3, 3)) == 9


# --- pause shifts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "paused", "shift"),
    [
        ("routine", 0, 0),
        ("routine", 3, 3),
        ("routine", 10, 10),
        ("plan", 0, 0),
        ("plan", 1, 7),
        ("plan", 3, 7),
        ("plan", 7, 7),
        ("plan", 8, 14),
    ],
)
def test_pause_shift_moves_routines_by_days_and_plans_by_whole_weeks(kind, paused, shift):
    program = Program(kind=kind)
    assert schedule.pause_shift(program=program, paused_days=paused) == shift


def test_paused_routine_across_a_month_end_moves_the_remaining_days(coach):
    template = routine(coach, length_days=30)
    (assignment,) = assign(coach, template, starts_on=date(2027, 1, 28))
    assert assignment.last_day == date(2027, 2, 26)

    services.assignment_pause(coach=coach, assignment=assignment, on=date(2027, 1, 31))
    services.assignment_resume(coach=coach, assignment=assignment, on=date(2027, 2, 3))
    assignment.refresh_from_db()

    assert assignment.shift_days == 3
    # Day 4 was due on the day it was paused; it is due again on the day it resumes.
    assert schedule.offset_on(assignment=assignment, on=date(2027, 2, 3)) == 3
    assert dates_by_number(assignment)[4] == date(2027, 2, 3)
    # The last day moves by the three paused days, into March.
    assert assignment.last_day == date(2027, 3, 1)


def test_paused_plan_moves_by_a_whole_week_and_keeps_weekdays(coach):
    template = plan(coach, weeks=2, weekdays=[0, 2, 4])
    (assignment,) = assign(coach, template, starts_on=date(2027, 2, 1))
    before = dates_by_number(assignment)

    services.assignment_pause(coach=coach, assignment=assignment, on=date(2027, 2, 3))
    services.assignment_resume(coach=coach, assignment=assignment, on=date(2027, 2, 6))
    assignment.refresh_from_db()

    assert assignment.shift_days == 7
    after = dates_by_number(assignment)
    paused_on = date(2027, 2, 3)
    # The Monday session before the pause keeps its date; the rest move a whole week.
    assert all(after[n] == before[n] for n in before if before[n] < paused_on)
    assert all(after[n] == before[n] + timedelta(days=7) for n in before if before[n] >= paused_on)
    assert all(after[n].weekday() == before[n].weekday() for n in before)
    assert assignment.last_day == date(2027, 2, 21)


def test_a_pause_never_moves_days_that_have_passed(coach):
    # given a 10-day routine paused twice
    template = routine(coach, length_days=10)
    (assignment,) = assign(coach, template, starts_on=date(2027, 3, 1))
    services.assignment_pause(coach=coach, assignment=assignment, on=date(2027, 3, 3))
    services.assignment_resume(coach=coach, assignment=assignment, on=date(2027, 3, 5))
    services.assignment_pause(coach=coach, assignment=assignment, on=date(2027, 3, 7))
    services.assignment_resume(coach=coach, assignment=assignment, on=date(2027, 3, 8))
    assignment.refresh_from_db()

    dates = dates_by_number(assignment)
    # then days 1-2 keep 1-2 March, days 3-4 moved two days, days 5 on moved three days
    assert [dates[n] for n in (1, 2)] == [date(2027, 3, 1), date(2027, 3, 2)]
    assert [dates[n] for n in (3, 4)] == [date(2027, 3, 5), date(2027, 3, 6)]
    assert dates[5] == date(2027, 3, 8)
    assert assignment.last_day == date(2027, 3, 13)
    # and the paused dates have no day, the others the day that falls on them
    on = {d: schedule.offset_on(assignment=assignment, on=d) for d in dates.values()}
    assert all(on[dates[n]] == n - 1 for n in dates)
    for paused in (date(2027, 3, 3), date(2027, 3, 4), date(2027, 3, 7)):
        assert schedule.offset_on(assignment=assignment, on=paused) is None
    assert len(assignment.pauses) == 2


def test_while_paused_no_day_is_due_from_the_pause_on(coach):
    template = routine(coach, length_days=10)
    (assignment,) = assign(coach, template, starts_on=date(2027, 3, 1))
    services.assignment_pause(coach=coach, assignment=assignment, on=date(2027, 3, 4))

    assert schedule.offset_on(assignment=assignment, on=date(2027, 3, 3)) == 2
    assert schedule.offset_on(assignment=assignment, on=date(2027, 3, 4)) is None
    assert schedule.offset_on(assignment=assignment, on=date(2027, 3, 9)) is None
