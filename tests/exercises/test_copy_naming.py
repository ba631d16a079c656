"""A copy of a shared exercise is named so it can be told from the original in a picker, its
name is then the coach's to change, and an exercise of one's own is never copied."""

import html

import pytest
from django.urls import reverse

from coach.errors import DomainError
from exercises.models import Exercise
from exercises.services import exercise_copy, exercise_create, exercise_update
from tests.coach.factories import CoachFactory
from tests.conftest import api_url
from tests.exercises.factories import ExerciseFactory, exercise_data, shared

pytestmark = pytest.mark.django_db

EXERCISES = "/api/v1/exercises/"


def text(response) -> str:
    return html.unescape(response.content.decode())


def own_names(coach) -> list[str]:
    return list(Exercise.objects.owned_by(coach).order_by("pk").values_list("name", flat=True))


def test_copies_are_named_mine_then_numbered(coach, library):
    sldl = shared("single-leg-deadlift")

    first = exercise_copy(coach=coach, exercise=sldl)
    second = exercise_copy(coach=coach, exercise=sldl)
    third = exercise_copy(coach=coach, exercise=sldl)

    assert [first.name, second.name, third.name] == [
        "Single-leg deadlift (mine)",
        "Single-leg deadlift (mine 2)",
        "Single-leg deadlift (mine 3)",
    ]
    assert len({first.slug, second.slug, third.slug}) == 3
    sldl.refresh_from_db()
    assert sldl.name == "Single-leg deadlift"


def test_the_number_counts_only_the_coachs_own_copies(coach, library):
    sldl = shared("single-leg-deadlift")
    exercise_copy(coach=CoachFactory.create(), exercise=sldl)

    assert exercise_copy(coach=coach, exercise=sldl).name == "Single-leg deadlift (mine)"


def test_a_free_name_is_taken_again(coach, library):
    # given a copy renamed away from "(mine)"
    sldl = shared("single-leg-deadlift")
    first = exercise_copy(coach=coach, exercise=sldl)
    exercise_update(coach=coach, exercise=first, data={"name": "My SLDL"}, partial=True)

    # when another copy is made, then "(mine)" is free again
    assert exercise_copy(coach=coach, exercise=sldl).name == "Single-leg deadlift (mine)"


def test_a_copy_is_renamed_freely_even_to_the_originals_name(coach, library):
    sldl = shared("single-leg-deadlift")
    copy = exercise_copy(coach=coach, exercise=sldl)
    exercise_copy(coach=coach, exercise=sldl)

    exercise_update(coach=coach, exercise=copy, data={"name": "Single-leg deadlift"}, partial=True)

    copy.refresh_from_db()
    assert copy.name == "Single-leg deadlift"
    assert own_names(coach) == ["Single-leg deadlift", "Single-leg deadlift (mine 2)"]


def test_a_long_name_is_shortened_to_fit_its_mark(coach):
    long_name = "Slow " * 23 + "hinge"
    original = ExerciseFactory.create(owner=None, name=long_name[:120])

    first = exercise_copy(coach=coach, exercise=original)
    second = exercise_copy(coach=coach, exercise=original)

    assert first.name.endswith(" (mine)")
    assert second.name.endswith(" (mine 2)")
    assert max(len(first.name), len(second.name)) <= 120
    first.full_clean()


def test_the_service_refuses_to_copy_an_own_exercise(coach):
    mine = exercise_create(coach=coach, data=exercise_data("Towel scrunch"))

    with pytest.raises(DomainError, match="already in your library"):
        exercise_copy(coach=coach, exercise=mine)

    assert own_names(coach) == ["Towel scrunch"]


def test_the_picker_tells_the_copy_from_the_original(api, coach, library):
    exercise_copy(coach=coach, exercise=shared("single-leg-deadlift"))

    found = api.get(EXERCISES, {"search": "single-leg deadlift"}).json()["results"]

    names = [row["name"] for row in found]
    assert names[:2] == ["Single-leg deadlift", "Single-leg deadlift (mine)"]
    assert [row["is_shared"] for row in found[:2]] == [True, False]


def test_the_api_copy_is_named_and_refused_for_an_own_exercise(api, coach, library):
    copied = api.post(api_url(EXERCISES, shared("deadlift").pk, "copy"))
    assert copied.status_code == 201
    assert copied.json()["name"] == "Deadlift (mine)"

    again = api.post(api_url(EXERCISES, copied.json()["id"], "copy"))

    assert again.status_code == 400
    assert "already in your library" in str(again.json())
    assert own_names(coach) == ["Deadlift (mine)"]

    renamed = api.patch(
        api_url(EXERCISES, copied.json()["id"]),
        {"name": "Trap-bar deadlift"},
        content_type="application/json",
    )
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Trap-bar deadlift"


def test_the_page_offers_copy_on_shared_exercises_only(coach_client, coach, library):
    sldl = shared("single-leg-deadlift")
    shared_page = text(coach_client.get(reverse("exercise-detail", args=[sldl.pk])))
    assert "Copy to my library" in shared_page

    response = coach_client.post(reverse("exercise-copy", args=[sldl.pk]))
    copy = Exercise.objects.get(owner=coach)
    assert response.url == reverse("exercise-edit", args=[copy.pk])
    assert "“Single-leg deadlift (mine)” is now in your library" in text(
        coach_client.get(response.url)
    )

    own_page = text(coach_client.get(reverse("exercise-detail", args=[copy.pk])))
    assert "Copy to my library" not in own_page
    assert reverse("exercise-copy", args=[copy.pk]) not in own_page


def test_posting_a_copy_of_an_own_exercise_explains_and_copies_nothing(coach_client, coach):
    mine = exercise_create(coach=coach, data=exercise_data("Towel scrunch"))

    response = coach_client.post(reverse("exercise-copy", args=[mine.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("exercise-detail", args=[mine.pk])
    assert "“Towel scrunch” is already in your library: edit it there." in text(response)
    assert own_names(coach) == ["Towel scrunch"]
