"""GET /api/v1/clients/{id}/plan/: the client's day, for the client and their coach alone."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client as HttpClient

from coach.common import plans_version
from programs import services as program_services
from tests.coach.factories import ClientFactory, CoachFactory
from tests.conftest import assert_error_shape, get_counting_queries
from tests.training.api_support import (
    browser,
    log_body,
    one_sided_hold,
    plan_url,
    post_log,
    rung,
    set_row,
    trainee,
)
from training.models import SessionLog, SetLog

pytestmark = pytest.mark.django_db

NOON_10_MARCH = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


@time_machine.travel(NOON_10_MARCH, tick=False)
def test_the_client_reads_todays_plan_with_their_stage_dose_and_cues(coach) -> None:
    # given a client on day 10 of a routine of a one-sided hold, on its first rung
    person = trainee(coach, starts_on=date(2027, 3, 1))

    # when the client asks for their plan
    response = person.http.get(plan_url(person.client))

    # then it is today's day 10 of 30, at rung 1 with that rung's dose, per side
    assert response.status_code == 200
    body = response.json()
    assert (body["client"], body["date"], body["today"]) == (
        person.client.pk,
        "2027-03-10",
        "2027-03-10",
    )
    (day,) = body["assignments"]
    assert day["assignment"] == person.assignment.pk
    assert day["program"]["name"] == "30-day routine"
    assert (day["state"], day["day_number"], day["calendar_day"], day["total_days"]) == (
        "training",
        10,
        10,
        30,
    )
    assert (day["starts_on"], day["last_day"]) == ("2027-03-01", "2027-03-30")
    assert day["session"] is None
    (item,) = day["items"]
    assert item["prescription"] == person.prescription_on(10).pk
    assert item["exercise"]["name"] == "Wall single-leg hold"
    assert item["exercise"]["cues"] == ["Breathe"]
    assert item["exercise"]["instructions"] == ["Stand tall.", "Move well."]
    assert item["stage"]["name"] == "Stage 1"
    assert item["stage_is_fixed"] is False
    assert item["current_stage"]["id"] == rung(person.exercise, 1).pk
    assert item["per_side"] is True
    assert item["dose"]["text"] == "2 sets × 7 per side, hold 10 s, rest 30 s"
    assert item["dose"]["from_stage"] == ["hold_seconds", "reps_per_side", "rest_seconds", "sets"]
    assert (item["logged"], item["last_time"], item["moved"]) == ([], None, None)

    # and their coach reads the very same plan
    assert browser(coach.user).get(plan_url(person.client)).json() == body


@time_machine.travel(NOON_10_MARCH, tick=False)
def test_the_plan_shows_what_is_logged_so_far_and_last_time(coach) -> None:
    person = trainee(coach, starts_on=date(2027, 3, 1))
    http = person.http
    yesterday, today = date(2027, 3, 9), date(2027, 3, 10)
    post_log(http, log_body(person, yesterday, set_row(person.prescription_on(9), "left")))
    post_log(
        http,
        log_body(person, today, set_row(person.prescription_on(10), "right", hold_seconds=12)),
    )

    (day,) = http.get(plan_url(person.client)).json()["assignments"]

    (item,) = day["items"]
    assert [(s["side"], s["hold_seconds"]) for s in item["logged"]] == [("right", 12)]
    assert day["session"]["on"] == "2027-03-10"
    assert [s["side"] for s in day["session"]["sets"]] == ["right"]
    assert item["last_time"]["on"] == "2027-03-09"
    assert [(s["side"], s["is_late"]) for s in item["last_time"]["sets"]] == [("left", True)]


@time_machine.travel(NOON_10_MARCH, tick=False)
def test_one_instant_is_a_different_date_in_auckland_and_los_angeles(coach) -> None:
    # given two clients on the same routine from 1 March, one in Auckland, one in Los Angeles
    exercise = one_sided_hold(coach)
    auckland = trainee(
        coach, starts_on=date(2027, 3, 1), time_zone="Pacific/Auckland", exercise=exercise
    )
    los_angeles = trainee(
        coach, starts_on=date(2027, 3, 1), time_zone="America/Los_Angeles", exercise=exercise
    )

    # when each plan is read at 12:00 UTC on 10 March (01:00 on the 11th in Auckland, 04:00 on
    # the 10th in Los Angeles)
    api = browser(coach.user)
    seen = {
        person.client.time_zone: api.get(plan_url(person.client)).json()
        for person in (auckland, los_angeles)
    }

    # then each is that client's own date and day
    assert seen["Pacific/Auckland"]["date"] == "2027-03-11"
    assert seen["Pacific/Auckland"]["assignments"][0]["day_number"] == 11
    assert seen["America/Los_Angeles"]["date"] == "2027-03-10"
    assert seen["America/Los_Angeles"]["assignments"][0]["day_number"] == 10


@pytest.mark.parametrize(
    ("time_zone", "instant", "local_date"),
    [
        # London moves to summer time at 01:00 UTC on 28 March 2027 and back on 31 October.
        ("Europe/London", "2027-03-28T00:05Z", date(2027, 3, 28)),
        ("Europe/London", "2027-03-28T23:05Z", date(2027, 3, 29)),
        ("Europe/London", "2027-10-30T23:05Z", date(2027, 10, 31)),
        ("Europe/London", "2027-11-01T00:05Z", date(2027, 11, 1)),
        # New York moves on 14 March and back on 7 November.
        ("America/New_York", "2027-03-14T05:05Z", date(2027, 3, 14)),
        ("America/New_York", "2027-03-15T04:05Z", date(2027, 3, 15)),
        ("America/New_York", "2027-11-07T04:05Z", date(2027, 11, 7)),
        ("America/New_York", "2027-11-08T05:05Z", date(2027, 11, 8)),
        ("America/New_York", "2027-11-08T04:30Z", date(2027, 11, 7)),
    ],
)
def test_the_days_around_a_clock_change_start_at_local_midnight(
    coach, time_zone: str, instant: str, local_date: date
) -> None:
    # given a client whose routine has its tenth day on `local_date`
    person = trainee(coach, starts_on=local_date - timedelta(days=9), time_zone=time_zone)

    # when the plan is read at `instant`, just after (or just before) the client's midnight
    with time_machine.travel(datetime.fromisoformat(instant), tick=False):
        body = browser(coach.user).get(plan_url(person.client)).json()

    # then it is the client's date there, and the day that falls on it
    assert body["date"] == body["today"] == local_date.isoformat()
    assert body["assignments"][0]["day_number"] == 10
    assert body["assignments"][0]["state"] == "training"


def test_a_pause_stops_the_days_and_a_resume_moves_only_those_ahead(coach) -> None:
    # given a client who logged day 3, then was paused on day 4 for three days
    person = trainee(coach, starts_on=date(2027, 2, 1), length_days=10)
    day_three = log_body(person, date(2027, 2, 3), set_row(person.prescription_on(3), "left"))
    with time_machine.travel(datetime(2027, 2, 3, 18, tzinfo=UTC), tick=False):
        assert post_log(person.http, day_three).status_code == 201
    program_services.assignment_pause(
        coach=coach, assignment=person.assignment, on=date(2027, 2, 4)
    )

    # when the plan is read while paused
    with time_machine.travel(datetime(2027, 2, 5, 9, tzinfo=UTC), tick=False):
        (paused,) = browser(coach.user).get(plan_url(person.client)).json()["assignments"]

    # then nothing is due
    assert (paused["state"], paused["day_number"], paused["items"]) == ("paused", None, [])

    # when the coach resumes on 7 February
    program_services.assignment_resume(
        coach=coach, assignment=person.assignment, on=date(2027, 2, 7)
    )
    with time_machine.travel(datetime(2027, 2, 7, 9, tzinfo=UTC), tick=False):
        api = browser(coach.user)
        (resumed,) = api.get(plan_url(person.client)).json()["assignments"]
        (logged_day,) = api.get(plan_url(person.client), {"date": "2027-02-03"}).json()[
            "assignments"
        ]

    # then day 4 is today and the program ends three days later, while the logged day 3 keeps
    # its date and its log
    assert (resumed["state"], resumed["day_number"], resumed["last_day"]) == (
        "training",
        4,
        "2027-02-13",
    )
    assert (logged_day["day_number"], logged_day["session"]["on"]) == (3, "2027-02-03")
    assert [s["side"] for s in logged_day["items"][0]["logged"]] == ["left"]


@time_machine.travel(NOON_10_MARCH, tick=False)
def test_the_states_before_the_start_on_a_rest_day_and_after_the_end(coach) -> None:
    api = browser(coach.user)
    person = trainee(coach, starts_on=date(2027, 3, 1), length_days=7)
    day_three = person.assignment.program.days.get(number=3)
    day_three.is_rest = True
    day_three.save()

    def state_on(on: str) -> tuple[str, int | None]:
        (day,) = api.get(plan_url(person.client), {"date": on}).json()["assignments"]
        return day["state"], day["day_number"]

    assert state_on("2027-02-28") == ("before_start", None)
    assert state_on("2027-03-03") == ("rest", 3)
    assert state_on("2027-03-07") == ("training", 7)
    assert state_on("2027-03-08") == ("finished", None)


def test_a_date_that_is_not_a_date_is_a_400(coach, api) -> None:
    person = trainee(coach, starts_on=date(2027, 3, 1))

    response = api.get(plan_url(person.client), {"date": "2027-02-30"})

    assert response.status_code == 400
    assert_error_shape(response.json(), flat_fields=True)
    assert list(response.json()["fields"]) == ["date"]


def test_no_one_else_reaches_a_clients_plan(coach) -> None:
    # given a client, another client of the same coach, and another practice's coach
    person = trainee(coach, starts_on=date(2027, 3, 1))
    other_client = ClientFactory.create(with_login=True, coach=coach)
    stranger = browser(CoachFactory.create().user)
    neighbour = browser(other_client.user)

    # then neither reaches it: a 404, as for a client that does not exist
    assert stranger.get(plan_url(person.client)).status_code == 404
    assert neighbour.get(plan_url(person.client)).status_code == 404
    assert neighbour.get(plan_url(other_client)).status_code == 200  # their own
    assert HttpClient().get(plan_url(person.client)).status_code in {401, 403}


def _past_sessions(person, count: int, *, before: date) -> None:  # type: ignore[no-untyped-def]
    """`count` done sessions with a set per side on the days before `before`."""
    sessions = SessionLog.objects.bulk_create(
        SessionLog(
            client=person.client,
            assignment=person.assignment,
            on=before - timedelta(days=n),
            status=SessionLog.Status.DONE,
        )
        for n in range(1, count + 1)
    )
    stage = rung(person.exercise, 1)
    SetLog.objects.bulk_create(
        SetLog(session=session, exercise=person.exercise, stage=stage, set_number=1, side=side)
        for session in sessions
        for side in ("left", "right")
    )


@time_machine.travel(datetime(2027, 11, 1, 12, tzinfo=UTC), tick=False)
def test_the_plan_costs_the_same_queries_for_a_week_or_a_year_and_for_1_or_300_sessions(
    coach, django_assert_num_queries
) -> None:
    # given three clients on day 5 of their routine: a 7-day one with 1 logged session, a
    # 365-day one with 1, and a 365-day one with 300
    today = date(2027, 11, 1)
    exercise = one_sided_hold(coach)
    week = trainee(coach, starts_on=today - timedelta(days=4), length_days=7, exercise=exercise)
    year_start = today - timedelta(days=304)
    year = trainee(coach, starts_on=year_start, length_days=365, exercise=exercise)
    busy_year = trainee(coach, starts_on=year_start, length_days=365, exercise=exercise)
    _past_sessions(week, 1, before=today)
    _past_sessions(year, 1, before=today)
    _past_sessions(busy_year, 300, before=today)
    api = browser(coach.user)
    api.get(plan_url(week.client))  # the coach's session and user are read alike from here on
    cache.clear()  # each plan below is built, not read from the cache
    plans_version(0)  # the programs' version exists, as it does once anything was read
    api.get("/api/v1/clients/")  # and the session is back in the cache

    # when each plan is read
    response, queries = get_counting_queries(api, plan_url(week.client))
    week_plan = response.json()
    with django_assert_num_queries(queries):
        year_plan = api.get(plan_url(year.client)).json()
    with django_assert_num_queries(queries):
        busy_plan = api.get(plan_url(busy_year.client)).json()

    # then each has its day and last time, at the same cost
    assert [p["assignments"][0]["day_number"] for p in (week_plan, year_plan, busy_plan)] == [
        5,
        305,
        305,
    ]
    for plan in (week_plan, year_plan, busy_plan):
        assert plan["assignments"][0]["items"][0]["last_time"]["on"] == "2027-10-31"
