"""One search parameter across the API: `?search=`. The exercises endpoint also takes `?q=`, which
the library page's search box sends."""

import html

import pytest
from django.urls import reverse

from exercises.services import library_seed

pytestmark = pytest.mark.django_db

EXERCISES = "/api/v1/exercises/"
CLIENTS = "/api/v1/clients/"
PROGRAMS = "/api/v1/programs/"


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("single-leg deadlift", {"Single-leg deadlift"}),
        ("DEADLIFT single", {"Single-leg deadlift"}),
        ("wall-single", {"Wall single-leg hold"}),
        ("deadbug", {"Deadbug"}),
        ("underwater basket weaving", set()),
    ],
)
def test_search_and_q_find_the_same_exercises(api, words, expected):
    library_seed()
    everything = names(api.get(EXERCISES))

    by_search = names(api.get(EXERCISES, {"search": words}))
    by_q = names(api.get(EXERCISES, {"q": words}))

    assert by_search == by_q
    assert expected <= set(by_search)
    assert len(by_search) < len(everything)


def test_search_reaches_a_coachs_own_exercise(api):
    created = api.post(
        EXERCISES,
        {
            "name": "Towel scrunch",
            "laterality": "unilateral",
            "measurement": "reps",
            "category": "stability",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    library_seed()

    assert names(api.get(EXERCISES, {"search": "towel"})) == ["Towel scrunch"]
    assert names(api.get(EXERCISES, {"q": "towel"})) == ["Towel scrunch"]


def test_the_library_page_searches_with_q_and_keeps_the_words_in_the_box(api):
    library_seed()

    response = api.get(reverse("exercise-list"), {"q": "wall-single"})

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert 'name="q" value="wall-single"' in page
    assert "Wall single-leg hold" in page
    assert "Deadbug" not in page


def test_search_finds_clients_by_name_or_email(api):
    for name, email in [("Noor Haddad", "noor@example.org"), ("Sam Ito", "sam@runners.example")]:
        created = api.post(
            CLIENTS,
            {"name": name, "email": email, "time_zone": "Europe/London"},
            content_type="application/json",
        )
        assert created.status_code == 201, created.content

    assert names(api.get(CLIENTS, {"search": "noor"})) == ["Noor Haddad"]
    assert names(api.get(CLIENTS, {"search": "RUNNERS"})) == ["Sam Ito"]


def test_search_finds_programs_by_name_or_goal(api):
    for name, goal in [("Morning holds", "Balance"), ("Track block", "Speed")]:
        created = api.post(
            PROGRAMS,
            {"name": name, "goal": goal, "kind": "routine", "length_days": 7},
            content_type="application/json",
        )
        assert created.status_code == 201, created.content

    assert names(api.get(PROGRAMS, {"search": "balance"})) == ["Morning holds"]
    assert names(api.get(PROGRAMS, {"search": "track"})) == ["Track block"]


def test_the_schema_names_the_search_parameter_search_everywhere(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()

    def query_parameters(path: str) -> set[str]:
        listing = schema["paths"][path]["get"]
        return {p["name"] for p in listing.get("parameters", []) if p["in"] == "query"}

    for path in (EXERCISES, CLIENTS, PROGRAMS):
        assert "search" in query_parameters(path), path
    for path in schema["paths"]:
        if "get" in schema["paths"][path]:
            assert "q" not in query_parameters(path), path
