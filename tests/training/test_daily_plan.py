"""The daily plan fetches the one day that falls on a date, whatever the program's length."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs import services
from programs.schedule import day_date
from tests.coach.factories import ClientFactory
from tests.exercises.factories import ExerciseFactory
from tests.programs.factories import add, assign, plan, routine
from training.selectors import daily_plans

pytestmark = pytest.mark.django_db


def _rows_fetched(queries: list[dict[str, str]]) -> int:
    """How many rows the captured SELECTs returned, counted by running each one again."""
    total = 0
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if sql.lstrip().upper().startswith("SELECT"):
                cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS fetched")  # noqa: S608
                total += cursor.fetchone()[0]
    return total


def _routine_for(coach, length_days: int):  # type: ignore[no-untyped-def]
    program = routine(coach, length_days=length_days, name=f"{length_days} days")
    first, second = ExerciseFactory.create(owner=coach), ExerciseFactory.create(owner=coach)
    for number in range(1, length_days + 1):
        add(coach, program, number, first, sets=2, reps_per_side=number, hold_seconds=None)
        add(coach, program, number, second, sets=3, reps_per_side=None, hold_seconds=number)
    return program


def test_a_short_and_a_long_routine_cost_the_same_queries_and_rows(coach) -> None:
    # given a client on a 7-day routine and another on a 365-day routine, both on day 5
    start = date(2027, 1, 1)
    short = assign(coach, _routine_for(coach, 7), starts_on=start)[0].client
    long = assign(coach, _routine_for(coach, 365), starts_on=start)[0].client
    on = start + timedelta(days=4)

    # when each one's plan for that date is read
    costs = []
    for person in (short, long):
        with CaptureQueriesContext(connection) as captured:
            (plan_of_day,) = daily_plans(client=person, on=on)
        costs.append((len(captured.captured_queries), _rows_fetched(captured.captured_queries)))
        # then it is day 5 with that day's own dose
        assert plan_of_day.day_number == 5
        assert [item.reps_per_side for item in plan_of_day.items] == [5, None]
        assert [item.hold_seconds for item in plan_of_day.items] == [None, 5]

    # and both cost the same: the assignment, its one day and that day's two exercises
    assert costs[0] == costs[1]
    assert costs[0][0] <= 9


def test_two_active_programs_cost_what_one_does(coach, django_assert_num_queries) -> None:
    start = date(2027, 1, 4)  # a Monday
    person = ClientFactory.create(coach=coach)
    assign(coach, _routine_for(coach, 30), starts_on=start, clients=[person])
    weekly = plan(coach, weeks=4, weekdays=[0, 3])
    add(coach, weekly, 1, ExerciseFactory.create(owner=coach))
    assign(coach, weekly, starts_on=start, clients=[person])

    with django_assert_num_queries(9):
        plans = daily_plans(client=person, on=start)

    assert [p.day_number for p in plans] == [1, 1]
    assert [len(p.items) for p in plans] == [2, 1]


@pytest.mark.parametrize("start", [date(2027, 1, 4), date(2027, 1, 6), date(2027, 1, 10)])
def test_every_day_of_a_plan_is_found_on_its_own_date(coach, start: date) -> None:
    # given a plan on Monday, Wednesday and Saturday, started on a Monday, a Wednesday or a Sunday
    weekly = plan(coach, weeks=3, weekdays=[0, 2, 5])
    (assignment,) = assign(coach, weekly, starts_on=start)
    person = assignment.client

    # then each session is on the date the schedule gives it, and the other dates are days off
    session_dates = {day_date(assignment=assignment, day=d): d.number for d in weekly.days.all()}
    for offset in range(weekly.total_days):
        on = start + timedelta(days=offset)
        (found,) = daily_plans(client=person, on=on)
        assert found.day_number == session_dates.get(on), on
        if on in session_dates:
            assert on.weekday() in (0, 2, 5)


def test_after_a_pause_the_remaining_days_are_found_later(coach) -> None:
    program = _routine_for(coach, 10)
    (assignment,) = assign(coach, program, starts_on=date(2027, 2, 1))
    services.assignment_pause(coach=coach, assignment=assignment, on=date(2027, 2, 3))
    services.assignment_resume(coach=coach, assignment=assignment, on=date(2027, 2, 6))

    (found,) = daily_plans(client=assignment.client, on=date(2027, 2, 6))

    # paused on day 3 for three days: 6 February is day 3 again
    assert found.day_number == 3
    assert [item.reps_per_side for item in found.items] == [3, None]
