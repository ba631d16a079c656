"""The library's search puts the best matches first, on the library page and in the API (the
builder's exercise picker): the name itself, then names that start with the words, then what an
abbreviation or other name stands for (SLDL, RDL, single-leg RDL), then every other match."""

import html
import re
from collections.abc import Callable

import pytest
from django.urls import reverse

from exercises.models import Exercise
from exercises.selectors import SEARCH_ALIASES, exercise_search
from exercises.services import exercise_copy, exercise_create
from tests.exercises.factories import exercise_data, shared

pytestmark = pytest.mark.django_db

EXERCISES = "/api/v1/exercises/"
CARD_NAME = re.compile(r'class="card exercise-card">\s*<h2><a href="[^"]+">([^<]+)</a>')

Search = Callable[..., list[str]]


def _api_names(client, term: str, **filters: str) -> list[str]:
    response = client.get(EXERCISES, {"search": term, **filters})
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def _page_names(client, term: str, **filters: str) -> list[str]:
    response = client.get(reverse("exercise-list"), {"q": term, **filters})
    assert response.status_code == 200
    return [html.unescape(name) for name in CARD_NAME.findall(response.content.decode())]


@pytest.fixture(params=["api", "page"])
def search(request, coach_client) -> Search:
    """The names a search finds, in order, on the library page or in the API."""
    find = _api_names if request.param == "api" else _page_names
    return lambda term, **filters: find(coach_client, term, **filters)


@pytest.fixture
def rdl_library(coach, library):
    """The shared library and, of the coach's own, one exercise for each rank of "RDL"."""
    for name, summary in [
        ("Block pull", "A slow RDL from blocks, the bar never touching the floor."),
        ("RDL with a pause", "Stop at the knee on the way down."),
        ("RDL", "The two-leg Romanian deadlift."),
    ]:
        exercise_create(coach=coach, data=exercise_data(name, summary=summary))
    exercise_copy(coach=coach, exercise=shared("single-leg-deadlift"))


def test_exact_then_prefix_then_alias_then_contains(search, rdl_library):
    found = search("RDL")

    ranked = [
        "RDL",  # the name itself
        "RDL with a pause",  # starts with it
        "Deadlift",  # what it stands for, by name…
        "Single-leg deadlift",
        "Single-leg deadlift (mine)",  # …and the coach's copy of it
    ]
    assert found[: len(ranked)] == ranked
    # Words found anywhere else come last.
    assert "Block pull" in found[len(ranked) :]


def test_an_abbreviation_finds_the_exercise_first(search, library):
    for term in ("SLDL", "sldl", "single-leg RDL", "Single leg RDL", "SL RDL"):
        assert search(term)[0] == "Single-leg deadlift", term


def test_hyphens_and_case_do_not_count_for_an_exact_match(search, library):
    assert search("SINGLE LEG DEADLIFT")[0] == "Single-leg deadlift"
    assert search("deadlift")[0] == "Deadlift"


def test_a_name_that_starts_with_the_words_comes_before_one_that_contains_them(search, library):
    found = search("single-leg b")

    # "Single-leg balance hold", "… bench bridge" start with it; the reach only contains it.
    assert found[:2] == ["Single-leg balance hold", "Single-leg bridge on a bench"]


def test_words_in_any_order_are_still_found(search, library):
    assert "Single-leg deadlift" in search("DEADLIFT single")


def test_a_renamed_copy_is_found_by_the_abbreviation_of_its_original(search, coach, library):
    copy = exercise_copy(coach=coach, exercise=shared("single-leg-deadlift"))
    copy.name = "My hinge on one leg"
    copy.save()

    assert "My hinge on one leg" in search("SLDL")[:3]


def test_the_ranking_keeps_the_other_filters(search, rdl_library):
    assert search("RDL", scope="mine") == [
        "RDL",
        "RDL with a pause",
        "Single-leg deadlift (mine)",
        "Block pull",
    ]


def test_nothing_found_is_an_empty_list(search, library):
    assert search("underwater basket weaving") == []


def test_every_alias_names_a_seeded_exercise(library):
    names = set(Exercise.objects.shared().values_list("name", flat=True))
    for term, targets in SEARCH_ALIASES.items():
        assert set(targets) <= names, term
        # Written as the search compares it: lower case, no hyphens, single spaces.
        assert term == " ".join(term.lower().replace("-", " ").split())


def test_the_rank_is_annotated_for_every_match(coach, rdl_library):
    found = exercise_search(Exercise.objects.visible_to(coach), term="rdl")
    ranks = dict(found.values_list("name", "search_rank"))  # type: ignore[misc]

    assert ranks["RDL"] == 0
    assert ranks["RDL with a pause"] == 1
    assert ranks["Single-leg deadlift"] == ranks["Single-leg deadlift (mine)"] == 2
    assert ranks["Block pull"] == 3
    assert "Squat" not in ranks
