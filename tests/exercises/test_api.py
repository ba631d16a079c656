"""/api/v1/exercises/: the library for other tools, with nested stages and the same filters."""

from decimal import Decimal
from functools import partial
from typing import Any

import pytest

from exercises.models import Exercise, Stage
from exercises.services import exercise_copy, exercise_create, library_seed
from tests.coach.factories import ClientFactory, CoachFactory
from tests.conftest import api_url, assert_error_shape
from tests.exercises.factories import (
    ExerciseFactory,
    bulk_library,
    exercise_data,
    list_queries,
    shared,
    stage_data,
    use_in_a_program,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/exercises/"


detail = partial(api_url, LIST)


def new_exercise(**overrides: Any) -> dict[str, Any]:
    """A one-sided hold with sex-specific load bands, as a client of the API posts it."""
    return (
        exercise_data(
            "Copenhagen plank",
            summary="Side plank with the top leg on a bench.",
            instructions=["Lie on your side.", "Top leg on the bench.", "Lift the hips."],
            cues=["Straight line head to heel"],
            faults=[{"fault": "Hips sag", "fix": "Shorten the hold"}],
            breathing="Slow breaths through the nose.",
            laterality="unilateral",
            measurement="hold",
            category="stability",
            regions=["adductors", "core"],
            equipment=["bench"],
            video_url="https://video.example.org/copenhagen",
            stages=[
                {
                    "name": "Short lever",
                    "support": "knee on the bench",
                    "sets": 3,
                    "hold_seconds": 20,
                    "criteria_sessions": 3,
                    "criteria_min_form": 4,
                    "criteria_max_gap_pct": 10,
                    "criteria_min_hold_seconds": 20,
                    "criteria_note": "Both sides steady.",
                },
                {
                    "name": "Long lever, loaded",
                    "support": "foot on the bench",
                    "sets": 3,
                    "hold_seconds": 30,
                    "load_unit": "kg",
                    "load_min": "2.5",
                    "load_max": "5",
                    "load_min_female": "2",
                    "load_max_female": "4",
                    "load_min_male": "4",
                    "load_max_male": "6",
                },
            ],
        )
        | overrides
    )


# --- list and filters -----------------------------------------------------------------------


def test_list_is_paginated_with_nested_stages(api, coach):
    library_seed()
    body = api.get(LIST).json()

    assert body["count"] == Exercise.objects.count()
    assert body["count"] >= 25
    assert len(body["results"]) == min(body["count"], 50)
    assert {"count", "next", "previous", "results"} <= set(body)
    sldl = next(row for row in body["results"] if row["slug"] == "single-leg-deadlift")
    assert [stage["order"] for stage in sldl["stages"]] == [1, 2, 3]
    assert sldl["is_shared"] is True


def test_the_list_pages_on(api, coach):
    bulk_library(coach, 55, name="Drill")
    first = api.get(LIST).json()
    assert first["count"] == 55
    assert len(first["results"]) == 50
    second = api.get(first["next"]).json()
    assert [row["name"] for row in second["results"]] == [f"Drill {n:03}" for n in range(50, 55)]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Balance hold", "Hinge drill", "My lunge", "My sprint"]),
        ({"q": "lunge"}, ["My lunge"]),
        ({"q": "SINK step"}, ["My lunge"]),
        ({"q": "drill"}, ["Hinge drill"]),
        ({"category": "stability"}, ["Balance hold", "Hinge drill"]),
        ({"laterality": "bilateral"}, ["Hinge drill", "My sprint"]),
        ({"region": "quads"}, ["My lunge", "My sprint"]),
        ({"equipment": "balance-pad"}, ["Balance hold"]),
        ({"has_stages": "true"}, ["Balance hold", "My lunge"]),
        ({"has_stages": "false"}, ["Hinge drill", "My sprint"]),
        ({"scope": "mine"}, ["My lunge", "My sprint"]),
        ({"scope": "shared"}, ["Balance hold", "Hinge drill"]),
        ({"archived": "true"}, ["My archived drill"]),
        ({"region": "quads", "laterality": "alternating"}, ["My lunge"]),
    ],
)
def test_list_filters_like_the_page(api, sample_library, params, expected):
    response = api.get(LIST, params)
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == expected


def test_a_bad_filter_value_is_a_400(api, sample_library):
    response = api.get(LIST, {"laterality": "sideways"})
    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body)
    assert "laterality" in body["fields"]


@pytest.mark.parametrize("params", [{}, {"q": "bulk", "has_stages": "true", "region": "quads"}])
def test_the_list_takes_as_many_queries_for_500_exercises_as_for_5(params):
    def queries_for(count: int) -> int:
        response, queries = list_queries(LIST, params, own=count)
        assert response.json()["count"] == count
        assert all(len(row["stages"]) == 2 for row in response.json()["results"])
        return queries

    assert queries_for(5) == queries_for(500)


# --- detail ---------------------------------------------------------------------------------


def test_detail_has_the_ladder_with_load_bands(api):
    library_seed()
    sldl = shared("single-leg-deadlift")

    body = api.get(detail(sldl.pk)).json()

    assert body["name"] == "Single-leg deadlift"
    assert body["laterality"] == "unilateral"
    assert set(body["regions"]) >= {"hamstrings", "glutes"}
    assert sorted(body["prerequisites"]) == sorted([shared("hip-hinge").pk, shared("deadlift").pk])
    assert sorted(body["regressions"]) == sorted(
        [shared("deadlift").pk, shared("single-leg-hinge-and-lift").pk]
    )
    loaded = body["stages"][1]
    assert loaded["order"] == 2
    assert loaded["load_unit"] == "lb"
    assert (loaded["load_min"], loaded["load_max"]) == ("10.0", "20.0")
    assert (loaded["load_min_female"], loaded["load_max_female"]) == ("25.0", "35.0")
    assert (loaded["load_min_male"], loaded["load_max_male"]) == ("35.0", "45.0")
    assert loaded["criteria_sessions"] == 3
    assert body["stages"][2]["criteria_sessions"] is None
    assert body["faults"][0].keys() == {"fault", "fix"}


# --- create, update -------------------------------------------------------------------------


def test_create_with_stages(api, coach):
    response = api.post(LIST, new_exercise(), content_type="application/json")

    assert response.status_code == 201
    body = response.json()
    exercise = Exercise.objects.get(pk=body["id"])
    assert exercise.owner == coach
    assert body["slug"] == "copenhagen-plank"
    assert body["is_shared"] is False
    assert sorted(body["regions"]) == ["adductors", "core"]
    assert [(s["order"], s["name"]) for s in body["stages"]] == [
        (1, "Short lever"),
        (2, "Long lever, loaded"),
    ]
    stage = exercise.stages.get(order=2)
    assert stage.load_range_for("male") == (Decimal("4"), Decimal("6"))
    assert exercise.stages.get(order=1).criteria_min_hold_seconds == 20


def test_put_replaces_the_stages(api, coach):
    exercise = exercise_create(
        coach=coach,
        data=exercise_data(stages=[stage_data("One"), stage_data("Two"), stage_data("Three")]),
    )
    one, two, three = exercise.stages.order_by("order")
    payload = new_exercise(
        name="Split squat, reworked",
        stages=[
            {"id": three.pk, "name": "Three first"},
            {"id": one.pk, "name": "One second", "sets": 4},
            {"name": "Brand new"},
        ],
    )

    response = api.put(detail(exercise.pk), payload, content_type="application/json")

    assert response.status_code == 200
    body = response.json()
    assert [(s["id"], s["order"], s["name"]) for s in body["stages"][:2]] == [
        (three.pk, 1, "Three first"),
        (one.pk, 2, "One second"),
    ]
    assert body["stages"][2]["name"] == "Brand new"
    assert not Stage.objects.filter(pk=two.pk).exists()
    exercise.refresh_from_db()
    assert exercise.name == "Split squat, reworked"
    assert exercise.measurement == "hold"


def test_put_without_stages_keeps_the_ladder(api, coach):
    exercise = exercise_create(coach=coach, data=exercise_data())
    stage_ids = list(exercise.stages.order_by("order").values_list("pk", flat=True))
    payload = new_exercise(name="Split squat")
    del payload["stages"]

    response = api.put(detail(exercise.pk), payload, content_type="application/json")

    assert response.status_code == 200
    assert [s["id"] for s in response.json()["stages"]] == stage_ids


def test_dropping_a_used_rung_is_a_400(api, coach):
    exercise = exercise_create(coach=coach, data=exercise_data())
    first, second = exercise.stages.order_by("order")
    use_in_a_program(exercise, stage=second)

    response = api.patch(
        detail(exercise.pk),
        {"stages": [{"id": first.pk, "name": "Bodyweight"}]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert_error_shape(response.json())
    assert "is used in programs" in response.json()["fields"]["stages"][0]
    assert exercise.stages.count() == 2


def test_the_same_stage_twice_is_refused(api, coach):
    exercise = exercise_create(coach=coach, data=exercise_data())
    first = exercise.stages.get(order=1)

    response = api.patch(
        detail(exercise.pk),
        {"stages": [{"id": first.pk, "name": "A"}, {"id": first.pk, "name": "B"}]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"stages": ["A stage appears twice in the ladder."]}
    assert list(exercise.stages.order_by("order").values_list("name", flat=True)) == [
        "Bodyweight",
        "Loaded",
    ]


def test_patch_changes_only_what_is_sent(api, coach):
    exercise = exercise_create(coach=coach, data=exercise_data())

    response = api.patch(
        detail(exercise.pk), {"summary": "Now with a pause."}, content_type="application/json"
    )

    assert response.status_code == 200
    exercise.refresh_from_db()
    assert exercise.summary == "Now with a pause."
    assert exercise.name == "Split squat"
    assert exercise.stages.count() == 2
    assert set(exercise.regions.values_list("slug", flat=True)) == {"quads", "glutes"}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (new_exercise(laterality="sideways"), "laterality"),
        (new_exercise(name=""), "name"),
        (new_exercise(faults=[{"fault": "Only a fault"}]), "faults.0.fix"),
        (
            new_exercise(
                stages=[
                    {"name": "Ok"},
                    {"name": "Bad", "load_unit": "lb", "load_min": 30, "load_max": 20},
                ]
            ),
            "stages.1.load_max",
        ),
        (
            new_exercise(stages=[{"name": "Bad gap", "criteria_max_gap_pct": 150}]),
            "stages.0.criteria_max_gap_pct",
        ),
        (
            new_exercise(
                stages=[{"name": "Neg", "load_unit": "kg", "load_min": -1, "load_max": 2}]
            ),
            "stages.0.load_min",
        ),
        (new_exercise(prerequisites=[999_999]), "prerequisites"),
    ],
)
def test_bad_input_is_a_400_in_one_shape_and_stores_nothing(api, payload, field):
    response = api.post(LIST, payload, content_type="application/json")

    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body)
    assert field in body["fields"]
    assert all(isinstance(m, str) for m in body["fields"][field]) or field == "stages"
    assert not Exercise.objects.exists()
    assert not Stage.objects.exists()


def test_stage_min_above_max_message(api):
    payload = new_exercise(
        stages=[{"name": "Bad", "load_unit": "lb", "load_min": 30, "load_max": 20}]
    )
    body = api.post(LIST, payload, content_type="application/json").json()
    assert body["fields"] == {
        "stages.0.load_max": ["The upper end must be at least the lower end."]
    }


def test_a_bad_update_changes_nothing(api, coach):
    exercise = exercise_create(coach=coach, data=exercise_data())
    stage_ids = list(exercise.stages.values_list("pk", flat=True))

    response = api.put(
        detail(exercise.pk),
        new_exercise(stages=[{"name": "Half", "load_unit": "lb", "load_min": 5}]),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "stages.0.load_max" in response.json()["fields"]
    exercise.refresh_from_db()
    assert exercise.name == "Split squat"
    assert list(exercise.stages.values_list("pk", flat=True)) == stage_ids


# --- the shared library and other coaches' exercises ----------------------------------------


def test_the_shared_library_is_read_only(api):
    library_seed()
    sldl = shared("single-leg-deadlift")

    for method, url, payload in [
        ("put", detail(sldl.pk), new_exercise()),
        ("patch", detail(sldl.pk), {"name": "Hacked"}),
        ("post", detail(sldl.pk, "archive"), None),
        ("post", detail(sldl.pk, "restore"), None),
    ]:
        response = getattr(api, method)(url, payload, content_type="application/json")
        assert response.status_code == 403, (method, url)
        body = response.json()
        assert_error_shape(body)
        assert "Copy the exercise to your library" in body["message"]

    sldl.refresh_from_db()
    assert sldl.name == "Single-leg deadlift"
    assert sldl.archived_at is None
    assert sldl.stages.count() == 3


@pytest.mark.parametrize(
    ("method", "action"),
    [
        ("get", ""),
        ("put", ""),
        ("patch", ""),
        ("post", "archive"),
        ("post", "restore"),
        ("post", "copy"),
    ],
)
def test_another_coachs_exercise_is_not_found(api, method, action):
    theirs = ExerciseFactory.create(owner=CoachFactory.create(), name="Their drill")

    response = getattr(api, method)(
        detail(theirs.pk, action), new_exercise(), content_type="application/json"
    )

    assert response.status_code == 404
    assert_error_shape(response.json())
    theirs.refresh_from_db()
    assert theirs.name == "Their drill"
    assert theirs.archived_at is None
    assert Exercise.objects.count() == 1


def test_delete_is_not_offered(api, coach):
    exercise = ExerciseFactory.create(owner=coach)
    assert api.delete(detail(exercise.pk)).status_code == 405
    assert Exercise.objects.filter(pk=exercise.pk).exists()


# --- archive, restore, copy -----------------------------------------------------------------


def test_archive_and_restore(api, coach):
    exercise = ExerciseFactory.create(owner=coach)

    archived = api.post(detail(exercise.pk, "archive"))
    assert archived.status_code == 200
    assert archived.json()["is_archived"] is True
    assert api.get(LIST).json()["count"] == 0
    # Still readable by id, for the programs that use it.
    assert api.get(detail(exercise.pk)).json()["is_archived"] is True

    restored = api.post(detail(exercise.pk, "restore"))
    assert restored.status_code == 200
    assert restored.json()["is_archived"] is False
    assert api.get(LIST).json()["count"] == 1


def test_copy_a_shared_exercise(api, coach):
    library_seed()
    sldl = shared("single-leg-deadlift")

    response = api.post(detail(sldl.pk, "copy"))

    assert response.status_code == 201
    body = response.json()
    assert body["is_shared"] is False
    assert body["copied_from"] == sldl.pk
    assert len(body["stages"]) == 3
    assert {s["id"] for s in body["stages"]}.isdisjoint(sldl.stages.values_list("pk", flat=True))
    assert Exercise.objects.get(pk=body["id"]).owner == coach
    # The copy is the coach's to change.
    renamed = api.patch(detail(body["id"]), {"name": "My SLDL"}, content_type="application/json")
    assert renamed.status_code == 200


# --- who may use the API --------------------------------------------------------------------


def test_a_client_user_is_forbidden(client):
    client.force_login(ClientFactory.create(with_login=True).user)
    exercise = ExerciseFactory.create(owner=None)
    for response in (
        client.get(LIST),
        client.get(detail(exercise.pk)),
        client.post(LIST, new_exercise(), content_type="application/json"),
    ):
        assert response.status_code == 403
        assert_error_shape(response.json())
    assert Exercise.objects.count() == 1


def test_anonymous_is_refused(client):
    exercise = ExerciseFactory.create(owner=None)
    for response in (
        client.get(LIST),
        client.get(detail(exercise.pk)),
        client.post(LIST, new_exercise(), content_type="application/json"),
    ):
        assert response.status_code in {401, 403}
        assert_error_shape(response.json())
    assert Exercise.objects.count() == 1


def test_the_schema_documents_the_resource(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert b"/api/v1/exercises/{id}/archive/" in response.content


def test_another_coachs_copy_is_not_revealed_as_a_neighbour(api, coach):
    library_seed()
    sldl = shared("single-leg-deadlift")
    theirs = exercise_copy(coach=CoachFactory.create(), exercise=sldl)
    lift = shared("single-leg-hinge-and-lift")

    body = api.get(detail(lift.pk)).json()
    assert sldl.pk in body["progressions"]
    assert theirs.pk not in body["progressions"]

    listed = api.get(LIST, {"q": "hinge and lift"}).json()["results"][0]
    assert theirs.pk not in listed["progressions"]
    hinge = api.get(detail(shared("hip-hinge").pk)).json()
    assert theirs.pk not in hinge["progressions"]
