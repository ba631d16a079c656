"""Export and import of a coach's own exercises: a faithful round trip, all or nothing."""

import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coach.errors import DomainError
from exercises.models import Exercise, Stage
from exercises.services import (
    exercise_archive,
    exercise_copy,
    exercise_create,
    library_seed,
)
from exercises.transfer import exercises_export, exercises_import
from tests.coach.factories import CoachFactory
from tests.conftest import assert_error_shape
from tests.exercises.factories import exercise_data, shared, stage_data

pytestmark = pytest.mark.django_db

# Every field of a stage but its id and exercise: an export or import that drops one fails.
STAGE_SNAPSHOT_FIELDS = tuple(
    field.name for field in Stage._meta.concrete_fields if field.name not in {"id", "exercise"}
)


def snapshot(exercise: Exercise) -> dict[str, Any]:
    """What a coach sees of an exercise, with neighbours named by slug."""
    return {
        "slug": exercise.slug,
        "name": exercise.name,
        "summary": exercise.summary,
        "instructions": exercise.instructions,
        "cues": exercise.cues,
        "faults": exercise.faults,
        "breathing": exercise.breathing,
        "laterality": exercise.laterality,
        "measurement": exercise.measurement,
        "category": exercise.category,
        "video_url": exercise.video_url,
        "archived": exercise.is_archived,
        "regions": sorted(exercise.regions.values_list("slug", flat=True)),
        "equipment": sorted(exercise.equipment.values_list("slug", flat=True)),
        "prerequisites": sorted(exercise.prerequisites.values_list("slug", flat=True)),
        "progressions": sorted(exercise.progressions.values_list("slug", flat=True)),
        "regressions": sorted(exercise.regressions.values_list("slug", flat=True)),
        "stages": list(exercise.stages.order_by("order").values(*STAGE_SNAPSHOT_FIELDS)),
    }


def library_of(coach) -> list[dict[str, Any]]:
    return [snapshot(e) for e in Exercise.objects.owned_by(coach).order_by("name")]


@pytest.fixture
def source(coach):
    """A coach with a varied own library: a copy of a shared exercise, own neighbours,
    sex-specific load bands, hold criteria, and an archived exercise."""
    library_seed()
    sldl = exercise_copy(coach=coach, exercise=shared("single-leg-deadlift"))
    split = exercise_create(
        coach=coach,
        data=exercise_data(
            "Split squat",
            video_url="https://video.example.org/split",
            stages=[
                stage_data(
                    "Hold at the bottom",
                    hold_seconds=20,
                    criteria_sessions=4,
                    criteria_min_form=4,
                    criteria_max_gap_pct=15,
                    criteria_min_hold_seconds=20,
                    criteria_note="Both sides quiet.",
                ),
                stage_data(
                    "Loaded",
                    load_unit="kg",
                    load_min=Decimal("7.5"),
                    load_max=Decimal("12.5"),
                    load_min_female=Decimal("5"),
                    load_max_female=Decimal("10"),
                    load_min_male=Decimal("10"),
                    load_max_male=Decimal("15"),
                ),
            ],
        ),
    )
    exercise_create(
        coach=coach,
        data=exercise_data(
            "Walking lunge",
            laterality="alternating",
            regions=["quads", "adductors"],
            equipment=[],
            stages=[],
            prerequisites=[split.pk, shared("squat").pk],
            regressions=[split.pk],
        ),
    )
    old = exercise_create(coach=coach, data=exercise_data("Old drill", stages=[]))
    exercise_archive(coach=coach, exercise=old)
    assert sldl.stages.count() == 3
    return coach


def test_export_then_import_reproduces_the_exercises(source):
    document = json.loads(json.dumps(exercises_export(coach=source)))
    target = CoachFactory.create()

    created = exercises_import(coach=target, payload=document)

    assert len(created) == 4
    assert library_of(target) == library_of(source)
    # The imported exercises are the target's own, and point at the target's own copies.
    lunge = Exercise.objects.get(owner=target, slug="walking-lunge")
    split = Exercise.objects.get(owner=target, slug="split-squat")
    assert split in lunge.prerequisites.all()
    assert split in lunge.regressions.all()
    assert shared("squat") in lunge.prerequisites.all()
    assert Exercise.objects.owned_by(source).count() == 4


def test_the_sldl_load_bands_survive_the_trip(source):
    target = CoachFactory.create()
    exercises_import(coach=target, payload=json.dumps(exercises_export(coach=source)))

    loaded = Stage.objects.get(
        exercise__owner=target, exercise__slug="single-leg-deadlift-mine", order=2
    )
    assert loaded.load_range_for("female") == (Decimal("25"), Decimal("35"))
    assert loaded.load_range_for("male") == (Decimal("35"), Decimal("45"))
    assert loaded.load_range_for("") == (Decimal("10"), Decimal("20"))
    assert loaded.criteria_sessions == 3


def test_import_into_the_same_library_adds_copies_without_overwriting(source):
    before = library_of(source)
    exercises_import(coach=source, payload=exercises_export(coach=source))

    assert Exercise.objects.owned_by(source).count() == 8
    slugs = set(Exercise.objects.owned_by(source).values_list("slug", flat=True))
    assert {"split-squat", "split-squat-2", "walking-lunge", "walking-lunge-2"} <= slugs
    originals = [s for s in library_of(source) if s["slug"] in {b["slug"] for b in before}]
    assert originals == before
    # The imported lunge needs the imported split squat, not the old one.
    lunge2 = Exercise.objects.get(owner=source, slug="walking-lunge-2")
    assert list(lunge2.prerequisites.order_by("slug").values_list("slug", flat=True)) == [
        "split-squat-2",
        "squat",
    ]


def test_import_via_the_page(coach_client, coach, source):
    other = CoachFactory.create()
    exercise_create(coach=other, data=exercise_data("Their split squat"))
    exported = coach_client.get(reverse("exercise-export"))
    coach_client.force_login(other.user)

    response = coach_client.post(
        reverse("exercise-import"),
        {"file": SimpleUploadedFile("mine.json", exported.content, "application/json")},
    )

    assert response.status_code == 302
    assert Exercise.objects.owned_by(other).count() == 5
    imported = [e for e in library_of(other) if e["name"] != "Their split squat"]
    assert imported == library_of(source)


def test_import_via_the_api_as_json_and_as_a_file(client, source):
    document = exercises_export(coach=source)
    target = CoachFactory.create()
    client.force_login(target.user)

    response = client.post("/api/v1/exercises/import/", document, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["imported"] == 4
    assert library_of(target) == library_of(source)

    file = SimpleUploadedFile("mine.json", json.dumps(document).encode(), "application/json")
    response = client.post("/api/v1/exercises/import/", {"file": file})
    assert response.status_code == 201
    assert Exercise.objects.owned_by(target).count() == 8


def test_export_via_the_api(client, source):
    client.force_login(source.user)
    response = client.get("/api/v1/exercises/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="my-exercises.json"'
    document = json.loads(response.content)
    assert document["format"] == "coach.exercises"
    assert document["version"] == 1
    assert len(document["exercises"]) == 4


# --- bad files ------------------------------------------------------------------------------


def good_document(coach) -> dict[str, Any]:
    for n in range(1, 5):
        exercise_create(coach=coach, data=exercise_data(f"Drill {n}"))
    document = json.loads(json.dumps(exercises_export(coach=coach)))
    Exercise.objects.owned_by(coach).delete()
    return document


def broken(document: dict[str, Any], change) -> dict[str, Any]:
    document = copy.deepcopy(document)
    change(document)
    return document


def third_stage_upside_down(document):
    document["exercises"][2]["stages"][1].update(load_min="20", load_max="10")


def unknown_prerequisite(document):
    document["exercises"][3]["prerequisites"] = ["drill-1", "levitation"]


def bad_laterality(document):
    document["exercises"][1]["laterality"] = "sideways"


def duplicate_slug(document):
    document["exercises"][1]["slug"] = document["exercises"][0]["slug"]


def prerequisite_cycle(document):
    document["exercises"][0]["prerequisites"] = ["drill-2"]
    document["exercises"][1]["prerequisites"] = ["drill-1"]


BAD_FILES = [
    ("not-json", b"{this is not json", "The file is not valid JSON."),
    ("not-utf8", b"\xff\xfe\x00garbage", "The file is not valid JSON."),
    ("a list", b"[1, 2, 3]", "This is not an exercise export"),
    ("wrong format", lambda d: d.update(format="coach.programs"), "This is not an exercise export"),
    ("no format", lambda d: d.pop("format"), "This is not an exercise export"),
    ("wrong version", lambda d: d.update(version=99), "Only version 1 exports can be imported."),
    ("no exercises", lambda d: d.update(exercises=[]), "The file has no exercises to import."),
    ("an entry that is not an object", lambda d: d["exercises"].insert(2, "squat"), "Exercise 3"),
    ("third has a stage with min > max", third_stage_upside_down, "Exercise 3 (Drill 3)"),
    ("unknown prerequisite", unknown_prerequisite, "“levitation”"),
    ("bad laterality", bad_laterality, "Exercise 2 (Drill 2)"),
    ("duplicate slug", duplicate_slug, "Two exercises in the file have the same slug."),
    ("prerequisite cycle", prerequisite_cycle, "require itself"),
]


@pytest.mark.parametrize(("case", "change", "message"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_a_bad_file_is_refused_with_a_clear_error_and_imports_nothing(coach, case, change, message):
    document = good_document(CoachFactory.create())
    payload = change if isinstance(change, bytes) else json.dumps(broken(document, change))
    before = (Exercise.objects.count(), Stage.objects.count())

    with pytest.raises(DomainError) as caught:
        exercises_import(coach=coach, payload=payload)

    assert message in caught.value.message
    assert caught.value.field == "file"
    assert (Exercise.objects.count(), Stage.objects.count()) == before
    assert not Exercise.objects.owned_by(coach).exists()


def test_the_error_for_a_bad_stage_says_which_stage_and_field(coach):
    document = broken(good_document(CoachFactory.create()), third_stage_upside_down)
    with pytest.raises(DomainError) as caught:
        exercises_import(coach=coach, payload=document)
    message = caught.value.message
    assert "Exercise 3 (Drill 3)" in message
    assert "stage 2" in message
    assert "The upper end must be at least the lower end." in message
    assert "Nothing was imported." in message


def test_the_error_for_an_unknown_prerequisite_names_the_exercise(coach):
    document = broken(good_document(CoachFactory.create()), unknown_prerequisite)
    with pytest.raises(DomainError) as caught:
        exercises_import(coach=coach, payload=document)
    assert caught.value.message == (
        "Exercise 4 (Drill 4) refers to “levitation”, which is not in the file or your "
        "library. Nothing was imported."
    )


@pytest.mark.parametrize(
    ("case", "change", "message"),
    [BAD_FILES[0], BAD_FILES[3], BAD_FILES[8], BAD_FILES[9]],
    ids=["not-json", "wrong-format", "bad-stage", "unknown-prerequisite"],
)
def test_a_bad_file_on_the_page(coach_client, coach, case, change, message):
    document = good_document(CoachFactory.create())
    content = change if isinstance(change, bytes) else json.dumps(broken(document, change)).encode()
    before = Exercise.objects.count()

    response = coach_client.post(
        reverse("exercise-import"),
        {"file": SimpleUploadedFile("bad.json", content, "application/json")},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Exercise.objects.count() == before


@pytest.mark.parametrize(
    ("case", "change", "message"),
    [BAD_FILES[3], BAD_FILES[8], BAD_FILES[9]],
    ids=["wrong-format", "bad-stage", "unknown-prerequisite"],
)
def test_a_bad_file_through_the_api(api, case, change, message):
    document = good_document(CoachFactory.create())
    before = Exercise.objects.count()

    response = api.post(
        "/api/v1/exercises/import/", broken(document, change), content_type="application/json"
    )

    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body)
    assert message in body["fields"]["file"][0]
    assert Exercise.objects.count() == before


def test_a_file_that_is_not_json_through_the_api(api):
    response = api.post(
        "/api/v1/exercises/import/",
        {"file": SimpleUploadedFile("bad.json", b"nope", "application/json")},
    )
    assert response.status_code == 400
    assert response.json()["fields"]["file"] == ["The file is not valid JSON."]
    assert not Exercise.objects.exists()
