"""The coach's library pages: list with search and filters, detail, create/edit with inline
stages, copy, archive, import/export, and who may see what."""

import html
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from exercises.models import Exercise, Stage
from exercises.services import exercise_create
from exercises.transfer import exercises_export
from tests.coach.factories import ClientFactory, CoachFactory
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

LIST = reverse("exercise-list")
CARD_NAME = re.compile(r'class="card exercise-card">\s*<h2><a href="[^"]+">([^<]+)</a>')


def names(response) -> list[str]:
    assert response.status_code == 200
    return [html.unescape(name) for name in CARD_NAME.findall(response.content.decode())]


def text(response) -> str:
    return html.unescape(response.content.decode())


# --- list: search, filters, pagination, empty states ----------------------------------------


def test_search_finds_the_single_leg_deadlift(coach_client, library):
    found = names(coach_client.get(LIST, {"q": "single-leg deadlift"}))

    assert "Single-leg deadlift" in found
    assert "Squat" not in found
    assert "Deadbug" not in found
    # Without a search the whole library is there, a page at a time.
    assert len(names(coach_client.get(LIST))) == 20


def test_search_is_case_insensitive_and_matches_words_in_any_order(coach_client, library):
    assert "Single-leg deadlift" in names(coach_client.get(LIST, {"q": "DEADLIFT single"}))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Balance hold", "Hinge drill", "My lunge", "My sprint"]),
        ({"category": "stability"}, ["Balance hold", "Hinge drill"]),
        ({"category": "strength"}, ["My lunge"]),
        ({"laterality": "bilateral"}, ["Hinge drill", "My sprint"]),
        ({"laterality": "alternating"}, ["My lunge"]),
        ({"region": "quads"}, ["My lunge", "My sprint"]),
        ({"region": "ankles"}, ["Balance hold"]),
        ({"equipment": "dumbbell"}, ["My lunge"]),
        ({"has_stages": "true"}, ["Balance hold", "My lunge"]),
        ({"has_stages": "false"}, ["Hinge drill", "My sprint"]),
        ({"scope": "mine"}, ["My lunge", "My sprint"]),
        ({"scope": "shared"}, ["Balance hold", "Hinge drill"]),
        ({"category": "stability", "has_stages": "true"}, ["Balance hold"]),
        ({"q": "lunge", "scope": "mine"}, ["My lunge"]),
    ],
)
def test_each_filter_narrows_the_list(coach_client, sample_library, params, expected):
    response = coach_client.get(LIST, params)
    assert names(response) == expected
    assert f"{len(expected)} exercise" in text(response)


def test_the_list_shows_stage_counts_and_whose_exercise_it_is(coach_client, sample_library):
    page = text(coach_client.get(LIST, {"q": "lunge"}))
    assert "2 stages" in page
    assert "Mine" in page


def test_yes_no_filters_offer_any(coach_client):
    page = text(coach_client.get(LIST))
    assert '<option value="" selected>Any</option>' in page
    assert "Unknown" not in page


def test_archived_exercises_are_hidden_unless_asked_for(coach_client, coach):
    ExerciseFactory.create(owner=coach, name="Old drill", archived_at="2024-01-01T00:00:00Z")
    ExerciseFactory.create(owner=coach, name="New drill")

    assert names(coach_client.get(LIST)) == ["New drill"]
    assert names(coach_client.get(LIST, {"archived": "true"})) == ["Old drill"]


def test_pagination_twenty_a_page_keeping_the_filters(coach_client, coach):
    bulk_library(coach, 45, name="Drill")
    ExerciseFactory.create(owner=None, name="Shared drill")

    first = coach_client.get(LIST, {"scope": "mine"})
    assert names(first) == [f"Drill {n:03}" for n in range(20)]
    page = text(first)
    assert "45 exercises" in page
    assert "Page 1 of 3" in page
    assert 'href="?scope=mine&page=2"' in page

    last = coach_client.get(LIST, {"scope": "mine", "page": 3})
    assert names(last) == [f"Drill {n:03}" for n in range(40, 45)]
    assert "Page 3 of 3" in text(last)
    # A page past the end shows the last page rather than an error.
    assert names(coach_client.get(LIST, {"scope": "mine", "page": 99})) == names(last)


def test_empty_library(coach_client):
    page = text(coach_client.get(LIST))
    assert "The library is empty" in page
    assert "Add your first exercise" in page
    assert "No exercise matches" not in page


def test_no_match_for_a_search(coach_client, library):
    response = coach_client.get(LIST, {"q": "underwater basket weaving"})
    assert names(response) == []
    page = text(response)
    assert "No exercise matches" in page
    assert "Try fewer filters or another word." in page
    assert "Clear filters" in page


def test_a_filter_with_no_result_shows_the_filtered_empty_state(coach_client, library):
    # The seeded library has no exercise of the coach's own yet.
    response = coach_client.get(LIST, {"scope": "mine"})
    assert names(response) == []
    assert "No exercise matches" in text(response)


def test_an_unknown_region_shows_the_error_not_the_whole_library(coach_client, library):
    response = coach_client.get(LIST, {"region": "elbows-of-steel"})
    assert names(response) == []
    assert "Select a valid choice" in text(response)


@pytest.mark.parametrize("params", [{}, {"q": "bulk", "has_stages": "true", "region": "quads"}])
def test_the_list_takes_as_many_queries_for_500_exercises_as_for_5(params):
    def queries_for(count: int) -> int:
        response, queries = list_queries(LIST, params, own=count)
        assert len(names(response)) == min(count, 20)
        return queries

    assert queries_for(5) == queries_for(500)


# --- detail ---------------------------------------------------------------------------------


def test_detail_shows_the_single_leg_deadlift_ladder(coach_client, library):
    exercise = shared("single-leg-deadlift")
    page = text(coach_client.get(reverse("exercise-detail", args=[exercise.pk])))

    assert "Stage 1: Supported, unloaded" in page
    assert "Stage 2: Loaded" in page
    assert "Stage 3: Free-standing, heaviest controlled load" in page
    assert page.index("Stage 1:") < page.index("Stage 2:") < page.index("Stage 3:")
    assert "10–20 lb" in page
    assert "25–35 lb (women)" in page
    assert "35–45 lb (men)" in page
    assert "3 sets × 8 per side" in page
    assert "3 sessions in a row with form 4/5 or better, left/right gap ≤ 10%" in page
    # Coaching text and neighbours.
    assert "Keys to success" in page
    assert "Hip hinge" in page
    assert "Deadlift" in page
    assert "Shared library" in page
    assert "Copy to my library" in page
    # A shared exercise cannot be edited or archived from its page.
    assert reverse("exercise-edit", args=[exercise.pk]) not in page
    assert reverse("exercise-archive", args=[exercise.pk]) not in page


def test_detail_of_an_own_exercise_offers_edit_and_archive(coach_client, coach):
    exercise = exercise_create(coach=coach, data=exercise_data())
    page = text(coach_client.get(reverse("exercise-detail", args=[exercise.pk])))
    assert reverse("exercise-edit", args=[exercise.pk]) in page
    assert reverse("exercise-archive", args=[exercise.pk]) in page
    assert "5–10 kg" in page


# --- create and edit with inline stages -----------------------------------------------------


def management(total: int, initial: int = 0) -> dict[str, Any]:
    return {
        "stages-TOTAL_FORMS": str(total),
        "stages-INITIAL_FORMS": str(initial),
        "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "1000",
    }


def exercise_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Rear-foot elevated split squat",
        "summary": "Back foot on a bench.",
        "category": "strength",
        "laterality": "unilateral",
        "measurement": "reps_load",
        "instructions": "Set the back foot on a bench.\n\nLower the back knee.\nDrive up.",
        "cues": "Front shin vertical\nTall torso",
        "faults": "Knee caves | Push the knee out over the little toe",
        "breathing": "Out on the way up.",
        "regions": "quads, glutes",
        "equipment": "bench, dumbbell",
        "video_url": "https://video.example.org/rfess",
        **management(2),
        "stages-0-name": "Bodyweight",
        "stages-0-support": "wall",
        "stages-0-sets": "3",
        "stages-0-reps_per_side": "8",
        "stages-0-criteria_sessions": "3",
        "stages-0-criteria_min_form": "4",
        "stages-0-criteria_max_gap_pct": "10",
        "stages-0-ORDER": "1",
        "stages-1-name": "Dumbbells",
        "stages-1-sets": "3",
        "stages-1-reps_per_side": "6",
        "stages-1-load_unit": "kg",
        "stages-1-load_min": "8",
        "stages-1-load_max": "12",
        "stages-1-load_min_female": "6",
        "stages-1-load_max_female": "10",
        "stages-1-ORDER": "2",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_create_with_two_stages(coach_client, coach):
    hinge = ExerciseFactory.create(owner=None, name="Hip hinge")
    response = coach_client.post(
        reverse("exercise-create"), exercise_post(prerequisites=[str(hinge.pk)])
    )

    exercise = Exercise.objects.get(owner=coach)
    assert response.status_code == 302
    assert response.url == reverse("exercise-detail", args=[exercise.pk])
    assert exercise.name == "Rear-foot elevated split squat"
    assert exercise.instructions == [
        "Set the back foot on a bench.",
        "Lower the back knee.",
        "Drive up.",
    ]
    assert exercise.faults == [
        {"fault": "Knee caves", "fix": "Push the knee out over the little toe"}
    ]
    assert set(exercise.regions.values_list("slug", flat=True)) == {"quads", "glutes"}
    assert list(exercise.prerequisites.all()) == [hinge]
    stages = list(exercise.stages.order_by("order"))
    assert [(s.order, s.name) for s in stages] == [(1, "Bodyweight"), (2, "Dumbbells")]
    assert stages[0].criteria_min_form == 4
    assert (stages[1].load_min, stages[1].load_max) == (Decimal("8"), Decimal("12"))
    assert stages[1].load_range_for("female") == (Decimal("6"), Decimal("10"))

    page = text(coach_client.get(response.url))
    assert "was added to your library" in page
    assert "Stage 2: Dumbbells" in page


def test_an_added_stage_left_empty_is_skipped(coach_client, coach):
    data = exercise_post(**management(3), **{"stages-2-ORDER": "3", "stages-2-DELETE": ""})

    response = coach_client.post(reverse("exercise-create"), data)

    assert response.status_code == 302
    exercise = Exercise.objects.get(owner=coach)
    assert list(exercise.stages.values_list("name", flat=True)) == ["Bodyweight", "Dumbbells"]


def test_the_new_exercise_form_renders_the_stage_template(coach_client):
    page = text(coach_client.get(reverse("exercise-create")))
    assert 'name="stages-TOTAL_FORMS"' in page
    assert 'id="stage-template"' in page
    assert "stages-__prefix__-name" in page
    assert "Add stage" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"stages-1-load_min": "20"}, "The upper end must be at least the lower end."),
        ({"name": ""}, "This field is required."),
        ({"stages-0-name": ""}, "This field is required."),
        ({"stages-1-load_unit": ""}, "Say what the load is measured in"),
        ({"stages-0-criteria_min_form": "9"}, "less than or equal to 5"),
        ({"faults": "Knee caves"}, "write the fault, a bar, then its fix"),
        ({"laterality": "sideways"}, "Select a valid choice"),
    ],
)
def test_invalid_create_shows_the_message_and_stores_nothing(coach_client, overrides, message):
    response = coach_client.post(reverse("exercise-create"), exercise_post(**overrides))

    assert response.status_code == 200
    page = text(response)
    assert "Please correct the marked fields below." in page
    assert message in page
    # What was typed is still there.
    assert "Dumbbells" in page
    assert not Exercise.objects.exists()
    assert not Stage.objects.exists()


def test_edit_reorders_and_removes_stages(coach_client, coach):
    exercise = exercise_create(
        coach=coach,
        data=exercise_data(stages=[stage_data("One"), stage_data("Two"), stage_data("Three")]),
    )
    one, two, three = exercise.stages.order_by("order")
    url = reverse("exercise-edit", args=[exercise.pk])

    form_page = text(coach_client.get(url))
    assert 'value="Three"' in form_page
    assert "Front heel lifts | Lengthen the stride" in form_page

    data = exercise_post(
        name="Split squat, my way",
        **management(3, initial=3),
        **{
            "stages-0-id": str(one.pk),
            "stages-0-name": "One",
            "stages-0-ORDER": "2",
            "stages-1-id": str(two.pk),
            "stages-1-name": "Two",
            "stages-1-ORDER": "3",
            "stages-1-DELETE": "on",
            "stages-1-load_unit": "",
            "stages-1-load_min": "",
            "stages-1-load_max": "",
            "stages-1-load_min_female": "",
            "stages-1-load_max_female": "",
            "stages-2-id": str(three.pk),
            "stages-2-name": "Three, now first",
            "stages-2-ORDER": "1",
        },
    )
    response = coach_client.post(url, data)

    assert response.status_code == 302
    assert response.url == reverse("exercise-detail", args=[exercise.pk])
    stages = list(exercise.stages.order_by("order"))
    assert [(s.pk, s.order, s.name) for s in stages] == [
        (three.pk, 1, "Three, now first"),
        (one.pk, 2, "One"),
    ]
    assert not Stage.objects.filter(pk=two.pk).exists()
    exercise.refresh_from_db()
    assert exercise.name == "Split squat, my way"


def test_edit_with_an_error_keeps_the_stored_exercise(coach_client, coach):
    exercise = exercise_create(coach=coach, data=exercise_data())
    first, second = exercise.stages.order_by("order")
    data = exercise_post(
        **management(2, initial=2),
        **{
            "stages-0-id": str(first.pk),
            "stages-1-id": str(second.pk),
            "stages-1-load_max_female": "1",
        },
    )
    response = coach_client.post(reverse("exercise-edit", args=[exercise.pk]), data)

    assert response.status_code == 200
    assert "The upper end must be at least the lower end." in text(response)
    exercise.refresh_from_db()
    assert exercise.name == "Split squat"
    assert list(exercise.stages.order_by("order").values_list("name", flat=True)) == [
        "Bodyweight",
        "Loaded",
    ]


def test_an_error_from_the_rules_shows_on_the_form(coach_client, coach):
    first = exercise_create(coach=coach, data=exercise_data("First"))
    second = exercise_create(coach=coach, data=exercise_data("Second", prerequisites=[first.pk]))
    data = exercise_post(name="First", prerequisites=[str(second.pk)], **management(0))

    response = coach_client.post(reverse("exercise-edit", args=[first.pk]), data)

    assert response.status_code == 200
    assert "These prerequisites would make the exercise require itself." in text(response)
    assert not first.prerequisites.exists()


# --- copy, archive --------------------------------------------------------------------------


def test_copy_goes_to_the_edit_page_of_an_own_copy(coach_client, coach, library):
    original = shared("single-leg-deadlift")

    response = coach_client.post(reverse("exercise-copy", args=[original.pk]))

    copy = Exercise.objects.get(owner=coach)
    assert response.status_code == 302
    assert response.url == reverse("exercise-edit", args=[copy.pk])
    assert copy.copied_from == original
    assert copy.stages.count() == 3
    page = text(coach_client.get(response.url))
    assert "is now in your library" in page
    assert "Edit Single-leg deadlift" in page
    assert 'value="Free-standing, heaviest controlled load"' in page


def test_copy_needs_a_post(coach_client, library):
    response = coach_client.get(reverse("exercise-copy", args=[shared("deadlift").pk]))
    assert response.status_code == 405
    assert not Exercise.objects.filter(owner__isnull=False).exists()


def test_archive_asks_first_then_archives(coach_client, coach):
    exercise = ExerciseFactory.create(owner=coach, name="Old favourite")
    url = reverse("exercise-archive", args=[exercise.pk])

    confirm = coach_client.get(url)
    assert confirm.status_code == 200
    assert "Archive “Old favourite”?" in text(confirm)
    exercise.refresh_from_db()
    assert exercise.archived_at is None

    response = coach_client.post(url)
    assert response.status_code == 302
    exercise.refresh_from_db()
    assert response.url == reverse("exercise-detail", args=[exercise.pk])
    assert exercise.is_archived
    detail = text(coach_client.get(response.url))
    assert "was archived" in detail
    assert "Restore" in detail
    assert "Old favourite" not in names(coach_client.get(LIST))

    coach_client.post(reverse("exercise-restore", args=[exercise.pk]))
    exercise.refresh_from_db()
    assert not exercise.is_archived


def test_an_unused_exercise_can_be_deleted_for_good(coach_client, coach):
    exercise = ExerciseFactory.create(owner=coach, name="Mistake")
    assert "Delete for good" in text(
        coach_client.get(reverse("exercise-archive", args=[exercise.pk]))
    )

    response = coach_client.post(reverse("exercise-archive", args=[exercise.pk]), {"delete": "1"})

    assert response.status_code == 302
    assert response.url == LIST
    assert not Exercise.objects.filter(pk=exercise.pk).exists()


def test_a_used_exercise_can_only_be_archived(coach_client, coach):
    exercise = ExerciseFactory.create(owner=coach, name="In a program")
    use_in_a_program(exercise)
    url = reverse("exercise-archive", args=[exercise.pk])

    page = text(coach_client.get(url))
    assert "Delete for good" not in page
    assert "It is used in your programs or logs" in page

    # Even a forged "delete" only archives it.
    response = coach_client.post(url, {"delete": "1"})
    assert response.status_code == 302
    exercise.refresh_from_db()
    assert exercise.is_archived


def test_removing_a_used_rung_on_the_form_explains_why_not(coach_client, coach):
    exercise = exercise_create(coach=coach, data=exercise_data())
    first, second = exercise.stages.order_by("order")
    use_in_a_program(exercise, stage=second)
    data = exercise_post(
        **management(2, initial=2),
        **{"stages-0-id": str(first.pk), "stages-1-id": str(second.pk), "stages-1-DELETE": "on"},
    )

    response = coach_client.post(reverse("exercise-edit", args=[exercise.pk]), data)

    assert response.status_code == 200
    assert "Stage 2 (“Loaded”) is used in programs or by clients" in text(response)
    assert list(exercise.stages.values_list("name", flat=True)) == ["Bodyweight", "Loaded"]


# --- who may see what -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("exercise-detail", "get"),
        ("exercise-edit", "get"),
        ("exercise-edit", "post"),
        ("exercise-archive", "get"),
        ("exercise-archive", "post"),
        ("exercise-restore", "post"),
        ("exercise-copy", "post"),
    ],
)
def test_another_coachs_exercise_is_not_found(coach_client, name, method):
    theirs = ExerciseFactory.create(owner=CoachFactory.create(), name="Their drill")
    response = getattr(coach_client, method)(reverse(name, args=[theirs.pk]), exercise_post())
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Their drill"
    assert theirs.archived_at is None
    assert Exercise.objects.count() == 1


def test_another_coachs_exercise_is_not_listed(coach_client):
    ExerciseFactory.create(owner=CoachFactory.create(), name="Their drill")
    assert names(coach_client.get(LIST, {"q": "their"})) == []


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("exercise-edit", "get"),
        ("exercise-edit", "post"),
        ("exercise-archive", "get"),
        ("exercise-archive", "post"),
        ("exercise-restore", "post"),
    ],
)
def test_the_shared_library_cannot_be_changed_from_the_pages(coach_client, library, name, method):
    exercise = shared("single-leg-deadlift")
    response = getattr(coach_client, method)(reverse(name, args=[exercise.pk]), exercise_post())
    assert response.status_code == 404
    exercise.refresh_from_db()
    assert exercise.name == "Single-leg deadlift"
    assert exercise.archived_at is None
    assert exercise.stages.count() == 3


@pytest.mark.parametrize(
    "url",
    [LIST, reverse("exercise-create"), reverse("exercise-import"), reverse("exercise-export")],
)
def test_pages_are_for_coaches_only(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))

    client.force_login(ClientFactory.create(with_login=True).user)
    assert client.get(url).status_code == 404


# --- export and import ----------------------------------------------------------------------


def test_export_downloads_the_coachs_own_exercises(coach_client, coach, library):
    exercise_create(coach=coach, data=exercise_data())
    ExerciseFactory.create(owner=CoachFactory.create(), name="Their drill")

    response = coach_client.get(reverse("exercise-export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="my-exercises.json"'
    document = json.loads(response.content)
    assert document["format"] == "coach.exercises"
    assert [e["name"] for e in document["exercises"]] == ["Split squat"]
    assert [s["name"] for s in document["exercises"][0]["stages"]] == ["Bodyweight", "Loaded"]


def upload(content: bytes, name: str = "my-exercises.json"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/json")


def test_import_page_with_a_bad_file_shows_the_error_and_imports_nothing(coach_client, coach):
    response = coach_client.post(reverse("exercise-import"), {"file": upload(b"{not json")})

    assert response.status_code == 200
    assert "The file is not valid JSON." in text(response)
    assert not Exercise.objects.exists()


def test_import_page_adds_the_exercises(coach_client, coach):
    other = CoachFactory.create()
    exercise_create(coach=other, data=exercise_data())
    document = json.dumps(exercises_export(coach=other)).encode()

    response = coach_client.post(reverse("exercise-import"), {"file": upload(document)})

    assert response.status_code == 302
    assert response.url == f"{LIST}?scope=mine"
    listing = coach_client.get(response.url)
    assert names(listing) == ["Split squat"]
    assert "1 exercise was imported." in text(listing)


# --- admin, for staff ------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    from coach.models import User

    client.force_login(User.objects.create_superuser("staff@example.org", "pw-not-used-123"))
    return client


def test_staff_curate_the_library_in_the_admin(staff_client, library):
    sldl = shared("single-leg-deadlift")

    changelist = staff_client.get("/admin/exercises/exercise/", {"q": "deadlift"})
    assert changelist.status_code == 200
    assert "Single-leg deadlift" in text(changelist)

    change = staff_client.get(f"/admin/exercises/exercise/{sldl.pk}/change/")
    assert change.status_code == 200
    page = text(change)
    assert "Criteria to move up" in page
    assert 'value="Free-standing, heaviest controlled load"' in page

    assert staff_client.get("/admin/exercises/exercise/add/").status_code == 200
    assert staff_client.get("/admin/exercises/region/").status_code == 200


def test_staff_add_a_shared_exercise_with_stages_in_the_admin(staff_client):
    data = {
        "owner": "",
        "name": "Lateral lunge",
        "slug": "lateral-lunge",
        "summary": "Step wide and sit into one hip.",
        "instructions": '["Step wide.", "Sit back into the hip."]',
        "cues": '["Chest up"]',
        "faults": '[{"fault": "Knee caves", "fix": "Push it out"}]',
        "breathing": "",
        "laterality": "alternating",
        "measurement": "reps",
        "category": "strength",
        "video_url": "",
        "copied_from": "",
        "archived_at_0": "",
        "archived_at_1": "",
        "stages-TOTAL_FORMS": "2",
        "stages-INITIAL_FORMS": "0",
        "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "1000",
        "stages-0-order": "1",
        "stages-0-name": "Bodyweight",
        "stages-1-order": "2",
        "stages-1-name": "Goblet",
        "stages-1-load_unit": "kg",
        "stages-1-load_min": "8",
        "stages-1-load_max": "4",
    }
    response = staff_client.post("/admin/exercises/exercise/add/", data)
    assert response.status_code == 200
    assert "The upper end must be at least the lower end." in text(response)
    assert not Exercise.objects.exists()

    data["stages-1-load_max"] = "16"
    response = staff_client.post("/admin/exercises/exercise/add/", data)
    assert response.status_code == 302
    exercise = Exercise.objects.get(slug="lateral-lunge")
    assert exercise.is_shared
    assert list(exercise.stages.values_list("order", "name")) == [(1, "Bodyweight"), (2, "Goblet")]


def test_coaches_are_not_let_into_the_admin(coach_client):
    response = coach_client.get("/admin/exercises/exercise/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_another_coachs_copy_never_shows_among_the_neighbours(client, library):
    first, second = CoachFactory.create(), CoachFactory.create()
    sldl = shared("single-leg-deadlift")
    lift = shared("single-leg-hinge-and-lift")
    client.force_login(first.user)
    client.post(reverse("exercise-copy", args=[sldl.pk]))
    theirs = Exercise.objects.get(owner=first)
    their_link = reverse("exercise-detail", args=[theirs.pk])

    client.force_login(second.user)
    page = text(client.get(reverse("exercise-detail", args=[lift.pk])))
    assert reverse("exercise-detail", args=[sldl.pk]) in page
    assert their_link not in page

    client.post(reverse("exercise-copy", args=[lift.pk]))
    mine = Exercise.objects.get(owner=second)
    assert theirs not in mine.progressions.all()
    assert sldl in mine.progressions.all()
