"""Cached daily plans: served from the shared cache, never another person's, never stale."""

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coach import services as coach_services
from exercises import services as exercise_services
from exercises.models import Exercise
from programs import services as program_services
from tests.coach.factories import ClientFactory
from tests.exercises.factories import ExerciseFactory, StageFactory
from tests.programs.factories import add, assign, routine
from training import services
from training.selectors import daily_plans_cached

pytestmark = pytest.mark.django_db

TODAY = date(2027, 6, 10)


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel("2027-06-10 12:00:00+00:00", tick=False):
        yield


@pytest.fixture
def two_clients(coach):  # type: ignore[no-untyped-def]
    exercise = ExerciseFactory.create(
        owner=coach, name="Split squat", laterality=Exercise.Laterality.UNILATERAL
    )
    rungs = [
        StageFactory.create(exercise=exercise, order=n, name=f"Rung {n}", sets=n, reps_per_side=8)
        for n in (1, 2)
    ]
    program = routine(coach, length_days=14)
    for number in range(1, 15):
        add(coach, program, number, exercise)
    first = ClientFactory.create(coach=coach, time_zone="UTC", name="First")
    second = ClientFactory.create(coach=coach, time_zone="UTC", name="Second")
    (a1, a2) = assign(coach, program, starts_on=TODAY - timedelta(days=3), clients=[first, second])
    return exercise, rungs, (first, a1), (second, a2)


def _queries(client, on=TODAY):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        plans = daily_plans_cached(client=client, on=on)
    return plans, len(captured.captured_queries)


def test_a_second_read_comes_from_the_cache(two_clients) -> None:
    _, _, (first, _), _ = two_clients
    fresh, cold = _queries(first)
    cached, warm = _queries(first)
    assert cold > 5
    assert warm <= 2  # the cache's own table on the embedded default; none with Redis
    assert [p.day_number for p in cached] == [p.day_number for p in fresh] == [4]
    assert cached[0].items[0].sets == fresh[0].items[0].sets


def test_clients_never_see_each_others_plan(coach, two_clients) -> None:
    exercise, rungs, (first, a1), (second, _) = two_clients
    daily_plans_cached(client=first, on=TODAY)
    services.client_stage_set(by=coach.user, client=first, exercise=exercise, stage=rungs[1])
    prescription = daily_plans_cached(client=first, on=TODAY)[0].items[0].prescription
    services.set_log_create(
        by=coach.user, client=first, assignment=a1, on=TODAY,
        prescription_id=prescription.pk, data={"side": "left", "reps": 8},
    )  # fmt: skip

    mine = daily_plans_cached(client=first, on=TODAY)[0]
    theirs = daily_plans_cached(client=second, on=TODAY)[0]

    assert mine.items[0].stage == rungs[1]
    assert len(mine.items[0].logged) == 1
    assert theirs.assignment.client == second
    assert theirs.items[0].stage == rungs[0]
    assert theirs.items[0].logged == []


def test_a_log_a_stage_move_and_client_details_show_at_once(coach, two_clients) -> None:
    exercise, _rungs, (first, a1), _ = two_clients
    prescription = daily_plans_cached(client=first, on=TODAY)[0].items[0].prescription

    services.set_log_create(
        by=coach.user, client=first, assignment=a1, on=TODAY,
        prescription_id=prescription.pk, data={"side": "left", "reps": 7},
    )  # fmt: skip
    assert [s.reps for s in daily_plans_cached(client=first, on=TODAY)[0].items[0].logged] == [7]

    services.client_stage_step(by=coach.user, client=first, exercise=exercise, up=True)
    assert daily_plans_cached(client=first, on=TODAY)[0].items[0].sets == 2

    coach_services.client_update(client=first, data={"prefers_kg": True})
    first.refresh_from_db()
    assert daily_plans_cached(client=first, on=TODAY)  # built again, not an error


def test_program_and_library_edits_reach_every_cached_plan(coach, two_clients) -> None:
    exercise, rungs, (first, a1), (second, _) = two_clients
    daily_plans_cached(client=first, on=TODAY)
    daily_plans_cached(client=second, on=TODAY)

    # the coach customises the first client's copy and sets a dose on today's exercise
    own = program_services.assignment_customise(coach=coach, assignment=a1)
    prescription = own.days.get(number=4).prescriptions.get()
    program_services.prescription_update(
        coach=coach, prescription=prescription, data={"reps_per_side": 12}
    )
    assert daily_plans_cached(client=first, on=TODAY)[0].items[0].reps_per_side == 12

    # and changes the ladder's first rung in the library
    exercise_services.exercise_update(
        coach=coach,
        exercise=exercise,
        data={"stages": [{"id": rungs[0].pk, "name": "Rung 1", "sets": 5, "reps_per_side": 8},
                         {"id": rungs[1].pk, "name": "Rung 2", "sets": 2, "reps_per_side": 8}]},
    )  # fmt: skip
    assert daily_plans_cached(client=second, on=TODAY)[0].items[0].sets == 5


def test_pausing_empties_today_at_once(coach, two_clients) -> None:
    _, _, (first, a1), _ = two_clients
    assert daily_plans_cached(client=first, on=TODAY)[0].items
    program_services.assignment_pause(coach=coach, assignment=a1, on=TODAY)
    plans = daily_plans_cached(client=first, on=TODAY)
    assert all(not p.items for p in plans)


def test_the_plan_endpoint_answers_the_same_from_the_cache_and_in_the_browsable_api(
    coach, two_clients
) -> None:
    from django.test import Client as HttpClient

    _, _, (first, _), _ = two_clients
    api = HttpClient()
    api.force_login(coach.user)
    url = f"/api/v1/clients/{first.pk}/plan/"

    built = api.get(url)
    cached = api.get(url)
    page = api.get(url, headers={"Accept": "text/html"})

    assert built.status_code == cached.status_code == 200
    assert built["Content-Type"] == cached["Content-Type"] == "application/json"
    assert built.json() == cached.json()
    assert built.json()["assignments"][0]["day_number"] == 4
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert "day_number" in page.content.decode()


def _drawn_whole(client_row, on=TODAY) -> bytes:  # type: ignore[no-untyped-def]
    """The plan answer drawn from scratch, as the endpoint drew it before it kept anything."""
    from rest_framework.renderers import JSONRenderer

    from training.api import PlanSerializer
    from training.selectors import daily_plans, upcoming_program

    plans = daily_plans(client=client_row, on=on, include_inactive=True)
    body = {
        "client": client_row.pk,
        "date": on,
        "today": TODAY,
        "assignments": plans,
        "upcoming": upcoming_program(plans=plans),
    }
    return JSONRenderer().render(PlanSerializer(body, context={"client": client_row}).data)


def test_a_log_redraws_only_the_days_logs_of_the_plan_endpoint(coach, two_clients) -> None:
    from django.test import Client as HttpClient

    # given the plan read once (kept)
    _, _, (first, assignment), _ = two_clients
    api = HttpClient()
    api.force_login(coach.user)
    url = f"/api/v1/clients/{first.pk}/plan/"
    api.get(url)
    prescription = assignment.program.days.get(number=4).prescriptions.get()

    # when the client logs a set and finishes the day
    services.session_log_enter(
        by=coach.user,
        client=first,
        assignment=assignment,
        on=TODAY,
        data={"status": "done", "effort": 7},
        sets=[
            {
                "prescription": prescription.pk,
                "side": "left",
                "reps": 8,
                "form": 4,
                "load": Decimal("12.5"),
                "load_unit": "kg",
                "client_uuid": UUID("0b7e6c52-3f1a-4d5e-9c8b-2a1f0e9d8c7b"),
            }
        ],
    )

    # then the next read shows them, without reading the program again, and reads exactly as
    # an answer drawn from scratch
    with CaptureQueriesContext(connection) as captured:
        after = api.get(url)
    assert not any("programs_prescription" in q["sql"] for q in captured.captured_queries)
    plan = after.json()["assignments"][0]
    assert plan["session"]["status"] == "done"
    assert [(s["side"], s["reps"], s["load"]) for s in plan["items"][0]["logged"]] == [
        ("left", 8, "12.5")
    ]
    assert after.content == _drawn_whole(first)


def test_a_late_log_shows_as_last_time_on_the_plan_of_today(coach, two_clients) -> None:
    from django.test import Client as HttpClient

    _, _, (first, assignment), _ = two_clients
    api = HttpClient()
    api.force_login(coach.user)
    url = f"/api/v1/clients/{first.pk}/plan/"
    assert api.get(url).json()["assignments"][0]["items"][0]["last_time"] is None
    yesterday = TODAY - timedelta(days=1)
    prescription = assignment.program.days.get(number=3).prescriptions.get()

    services.set_log_create(
        by=coach.user,
        client=first,
        assignment=assignment,
        on=yesterday,
        prescription_id=prescription.pk,
        data={"set_number": 1, "side": "right", "reps": 6},
    )

    after = api.get(url)
    last_time = after.json()["assignments"][0]["items"][0]["last_time"]
    assert last_time["on"] == yesterday.isoformat()
    assert after.content == _drawn_whole(first)
