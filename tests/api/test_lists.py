"""Every list of the API is paginated, filtered and ordered alike: `page`, `count`, `next`,
`results`; `?ordering=` over the fields the list offers (`-` reverses, commas combine) and a
400 for any other; its filters applied."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client as HttpClient

from coach.models import Coach
from tests.api.support import (
    ASSIGNMENTS,
    CLIENTS,
    EXERCISES,
    LOGS,
    PROGRAMS,
    RUNS,
    program_with_parts,
)
from tests.coach.factories import ClientFactory
from tests.conftest import RunMetricFactory
from tests.exercises.factories import ExerciseFactory
from tests.programs.factories import assign
from tests.training.api_support import log_body, one_sided_hold, post_log, set_row, trainee

pytestmark = pytest.mark.django_db

# Each list and a field it can be ordered by, besides `id`.
LISTS = {
    CLIENTS: "name",
    EXERCISES: "name",
    PROGRAMS: "name",
    ASSIGNMENTS: "starts_on",
    LOGS: "on",
    RUNS: "on",
}


@pytest.fixture
def rows(coach: Coach) -> None:
    """At least three rows in every list."""
    today = datetime.now(UTC).date()
    hold = one_sided_hold(coach)
    people = [trainee(coach, starts_on=today - timedelta(days=5), exercise=hold) for _ in range(3)]
    for person in people:
        post_log(person.http, log_body(person, today, set_row(person.prescription_on(6), "left")))
        RunMetricFactory.create(client=person.client)
    ExerciseFactory.create_batch(3, owner=coach)
    program = program_with_parts(coach).program
    assign(coach, program, starts_on=today, clients=[ClientFactory.create(coach=coach)])


def ids(api: HttpClient, path: str, **params: str) -> list[int]:
    response = api.get(path, {"scope": "mine", **params} if path == EXERCISES else params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize("path", list(LISTS))
def test_every_list_is_paginated(api: HttpClient, rows: None, path: str) -> None:
    page = api.get(path).json()

    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] >= 3
    assert api.get(path, {"page": 99}).status_code == 404


@pytest.mark.parametrize("path", list(LISTS))
def test_every_list_is_ordered_by_the_fields_it_offers(
    api: HttpClient, rows: None, path: str
) -> None:
    ascending = ids(api, path, ordering="id")
    descending = ids(api, path, ordering="-id")
    by_field = ids(api, path, ordering=f"{LISTS[path]},-id")

    assert len(ascending) >= 3
    assert ascending == sorted(ascending)
    assert descending == ascending[::-1]
    assert sorted(by_field) == ascending
    refused = api.get(path, {"ordering": "password"})
    assert refused.status_code == 400
    assert list(refused.json()["fields"]) == ["ordering"]


def test_the_lists_filters_apply(api: HttpClient, coach: Coach, rows: None) -> None:
    client = ClientFactory.create(coach=coach, sex="male", name="Zed")
    assign(
        coach,
        program_with_parts(coach).program,
        starts_on=datetime.now(UTC).date(),
        clients=[client],
    )

    assert ids(api, ASSIGNMENTS, client=str(client.pk)) == list(
        client.assignments.values_list("pk", flat=True)
    )
    assert [r["name"] for r in api.get(CLIENTS, {"search": "Zed"}).json()["results"]] == ["Zed"]
    assert ids(api, PROGRAMS, kind="plan") == sorted(ids(api, PROGRAMS, kind="plan"))
    assert all(
        row["kind"] == "plan" for row in api.get(PROGRAMS, {"kind": "plan"}).json()["results"]
    )
