"""The client's Today page: day N of the program, each exercise with its dose."""

from datetime import date, timedelta

import pytest
import time_machine

from exercises.models import Exercise
from exercises.services import library_seed
from programs import services
from tests.coach.factories import ClientFactory, CoachFactory
from training.selectors import daily_plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def wall_routine(db):  # type: ignore[no-untyped-def]
    library_seed()
    coach = CoachFactory.create()
    hold = Exercise.objects.shared().get(slug="wall-single-leg-hold")
    program = services.routine_generate(
        coach=coach,
        name="Wall month",
        items=[{"exercise": hold.pk, "sets": 1, "hold_seconds": 60}],
        step="hold",
        step_amount=15,
    )
    return coach, program


@time_machine.travel("2027-03-10 12:00:00+00:00", tick=False)
def test_client_sees_todays_day_and_dose(client, wall_routine) -> None:  # type: ignore[no-untyped-def]
    # given a routine assigned nine days ago
    coach, program = wall_routine
    person = ClientFactory.create(with_login=True, coach=coach, name="Ivy Park", time_zone="UTC")
    services.assignment_create_bulk(
        coach=coach, template=program, clients=[person], starts_on=date(2027, 3, 1)
    )
    client.force_login(person.user)

    # when the client opens Today
    page = client.get("/me/").content.decode()

    # then it is day 10 of 30, with the second week's longer hold, on both feet (the set-up)
    assert "Day 10 of 30" in page
    assert "Wall single-leg hold" in page
    assert "1 set, hold 75 s" in page


@time_machine.travel("2027-03-10 12:00:00+00:00", tick=False)
def test_today_follows_the_clients_time_zone(wall_routine) -> None:  # type: ignore[no-untyped-def]
    coach, program = wall_routine
    # 12:00 UTC on 10 March is already 11 March in Auckland.
    person = ClientFactory.create(with_login=True, coach=coach, time_zone="Pacific/Auckland")
    services.assignment_create_bulk(
        coach=coach, template=program, clients=[person], starts_on=date(2027, 3, 1)
    )
    today = person.local_today()
    assert today == date(2027, 3, 11)
    assert daily_plans(client=person, on=today)[0].day_number == 11


def test_paused_and_finished_programs_show_no_day(wall_routine) -> None:  # type: ignore[no-untyped-def]
    coach, program = wall_routine
    person = ClientFactory.create(with_login=True, coach=coach)
    start = date(2027, 1, 1)
    (assignment,) = services.assignment_create_bulk(
        coach=coach, template=program, clients=[person], starts_on=start
    )
    assert daily_plans(client=person, on=start + timedelta(days=30)) == []
    services.assignment_pause(coach=coach, assignment=assignment, on=start + timedelta(days=3))
    assert daily_plans(client=person, on=start + timedelta(days=4)) == []


def test_client_without_a_program_sees_the_empty_state(client, db) -> None:  # type: ignore[no-untyped-def]
    person = ClientFactory.create(with_login=True)
    client.force_login(person.user)
    assert "has not given you a program yet" in client.get("/me/").content.decode()
