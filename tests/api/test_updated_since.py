"""`?updated_since=` on every list whose rows have `updated_at`: only the rows changed at or
after the time given, with any other filter; a value that is not an ISO 8601 date and time is a
400 naming the parameter. A program's days, prescriptions and blocks are read with their
program, whose `updated_at` every write to them moves."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.test import Client as HttpClient

from coach import services as coach_services
from coach.models import Coach
from exercises import services as exercise_services
from programs import services as program_services
from tests.api.support import (
    ASSIGNMENTS,
    CLIENTS,
    EXERCISES,
    LOGS,
    PRESCRIPTIONS,
    PROGRAMS,
    program_with_parts,
    send,
)
from tests.coach.factories import ClientFactory
from tests.conftest import assert_error_shape
from tests.exercises.factories import ExerciseFactory
from tests.programs.factories import assign, routine

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 3, 1, 8, tzinfo=UTC)
NOON = datetime(2026, 3, 1, 12, tzinfo=UTC)
EVENING = datetime(2026, 3, 1, 18, tzinfo=UTC)


def ids(http: HttpClient, path: str, **params: str) -> list[int]:
    response = http.get(path, params)
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def test_clients_exercises_programs_and_assignments_changed_since(
    api: HttpClient, coach: Coach
) -> None:
    with time_machine.travel(MORNING, tick=False):
        old_client, new_client = ClientFactory.create_batch(2, coach=coach)
        old_exercise = ExerciseFactory.create(owner=coach)
        new_exercise = ExerciseFactory.create(owner=coach)
        old_program, new_program = routine(coach, name="Old"), routine(coach, name="New")
        program_with_parts(coach)  # a third, never changed later
        for program in (old_program, new_program):
            program_services.prescription_add(
                coach=coach, day=program.days.get(number=1), exercise_id=old_exercise.pk
            )
        (old_assignment,) = assign(coach, old_program, starts_on=date(2026, 2, 20))
        (new_assignment,) = assign(coach, new_program, starts_on=date(2026, 2, 20))
    with time_machine.travel(EVENING, tick=False):
        coach_services.client_update(client=new_client, data={"notes": "Later"})
        exercise_services.exercise_update(
            coach=coach, exercise=new_exercise, data={"name": "Renamed"}, partial=True
        )
        program_services.assignment_pause(
            coach=coach, assignment=new_assignment, on=date(2026, 3, 1)
        )
    # a write to a part, through the API, moves its program
    with time_machine.travel(EVENING, tick=False):
        prescription = new_program.days.get(number=1).prescriptions.get()
        assert (
            send(api, "PATCH", f"{PRESCRIPTIONS}{prescription.pk}/", {"sets": 2}).status_code == 200
        )

    since = NOON.isoformat()
    assert ids(api, CLIENTS, updated_since=since) == [new_client.pk]
    assert ids(api, CLIENTS, updated_since=since, sex=new_client.sex) == [new_client.pk]
    assert ids(api, EXERCISES, updated_since=since, scope="mine") == [new_exercise.pk]
    assert ids(api, PROGRAMS, updated_since=since) == [new_program.pk]
    assert ids(api, ASSIGNMENTS, updated_since=since) == [new_assignment.pk]
    # from before every change, every row
    assert len(ids(api, CLIENTS, updated_since=MORNING.isoformat())) == 4  # 2 + the assignees
    assert old_assignment.pk in ids(api, ASSIGNMENTS, updated_since=MORNING.isoformat())
    assert old_client.pk in ids(api, CLIENTS, updated_since="2026-03-01T08:00:00+00:00")
    assert old_exercise.pk not in ids(api, EXERCISES, updated_since=since)


@pytest.mark.parametrize("path", [CLIENTS, EXERCISES, PROGRAMS, ASSIGNMENTS, LOGS])
@pytest.mark.parametrize("value", ["yesterday", "2027-13-01T00:00:00Z", "12"])
def test_a_time_that_does_not_parse_is_a_400_naming_the_parameter(
    api: HttpClient, path: str, value: str
) -> None:
    response = api.get(path, {"updated_since": value})

    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body, flat_fields=True)
    assert list(body["fields"]) == ["updated_since"]


def test_a_list_with_updated_since_is_still_drawn_again_after_a_write(
    api: HttpClient, coach: Coach
) -> None:
    with time_machine.travel(MORNING, tick=False):
        client = ClientFactory.create(coach=coach)
    since = NOON.isoformat()
    assert ids(api, CLIENTS, updated_since=since) == []  # kept in the list cache

    with time_machine.travel(EVENING, tick=False):
        coach_services.client_update(client=client, data={"notes": "Changed"})

    assert ids(api, CLIENTS, updated_since=since) == [client.pk]


def test_a_sync_of_the_library_reads_the_exercises_archived_since(
    api: HttpClient, coach: Coach
) -> None:
    with time_machine.travel(MORNING, tick=False):
        kept, archived = ExerciseFactory.create_batch(2, owner=coach)
    with time_machine.travel(EVENING, tick=False):
        exercise_services.exercise_archive(coach=coach, exercise=archived)

    rows = api.get(EXERCISES, {"updated_since": NOON.isoformat(), "scope": "mine"}).json()

    assert [(row["id"], row["is_archived"]) for row in rows["results"]] == [(archived.pk, True)]
    # without updated_since, the library hides it as before
    assert ids(api, EXERCISES, scope="mine") == [kept.pk]


def test_a_sync_of_the_clients_reads_those_archived_since(api: HttpClient, coach: Coach) -> None:
    with time_machine.travel(MORNING, tick=False):
        kept, archived = ClientFactory.create_batch(2, coach=coach)
    with time_machine.travel(EVENING, tick=False):
        coach_services.client_archive(client=archived)

    rows = api.get(CLIENTS, {"updated_since": NOON.isoformat()}).json()["results"]

    assert [(row["id"], row["is_archived"]) for row in rows] == [(archived.pk, True)]
    assert ids(api, CLIENTS) == [kept.pk]
