"""Hostile input never crashes and never loses data: the API answers 400 with field messages in
its one JSON shape, the pages re-show the form with messages, and nothing stored changes.

Each test is a 500 (or a crash) that fuzzing the API and the pages once found. Several were seen
only on PostgreSQL (null characters, values past a column's size); the tests assert the answer a
user gets, so they hold on SQLite as well.
"""

import json
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from coach.models import Client, User
from exercises.models import Equipment, Exercise, Region
from programs import selectors, services
from programs.models import Assignment, Prescription, Program
from tests.coach.factories import ClientFactory
from tests.conftest import assert_error_shape
from tests.exercises.factories import ExerciseFactory, StageFactory
from tests.programs.factories import add, assign, day, routine

pytestmark = pytest.mark.django_db

PAST_ANY_ID = 2**70  # more than a 64-bit id: SQLite cannot even look it up


@pytest.fixture
def exercise(coach) -> Exercise:
    return ExerciseFactory.create(owner=coach, name="Split squat")


def send(api, method: str, path: str, body: Any):
    """Send `body` as JSON; a str is sent as it is (for JSON Python would not write)."""
    return getattr(api, method)(path, body, content_type="application/json")


def assert_400(response, field: str | None) -> dict[str, Any]:
    """A 400 in the API's one shape, with a message for `field` (None: for the whole body)."""
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert_error_shape(body)
    if field is not None:
        assert field in body["fields"], body
    return body


def prescriptions(program: Program) -> list[tuple[int, int, int]]:
    return list(
        Prescription.objects.filter(day__program=program)
        .order_by("day__number", "order")
        .values_list("day__number", "order", "exercise_id")
    )


# --- request bodies --------------------------------------------------------------------------


@pytest.mark.parametrize("body", [[None, None], [], '"x"', 5])
def test_a_json_body_that_is_not_an_object_is_a_400(api, coach, exercise, body):
    program = routine(coach, length_days=3)
    add(coach, program, 1, exercise)
    first = day(program, 1)
    before = prescriptions(program)

    duplicate = send(api, "post", f"/api/v1/programs/{program.pk}/duplicate/", body)
    copy_day = send(api, "post", f"/api/v1/program-days/{first.pk}/duplicate/", body)
    reorder = send(api, "post", f"/api/v1/program-days/{first.pk}/reorder/", body)

    assert_400(duplicate, "non_field_errors")
    assert_400(copy_day, "to_days")
    assert_400(reorder, "ids")
    assert Program.objects.count() == 1
    assert prescriptions(program) == before


def test_json_nested_too_deeply_is_a_400(api, coach):
    response = send(api, "post", "/api/v1/clients/", "[" * 100_000)

    assert assert_400(response, None)["code"] == "parse_error"
    assert "nested too deeply" in response.json()["message"]
    assert not Client.objects.exists()


def test_an_import_file_nested_too_deeply_is_refused(api, coach_client, coach):
    deep = b'{"format": ' * 50_000

    through_api = api.post("/api/v1/exercises/import/", {"file": _upload(deep)})
    through_page = coach_client.post(reverse("exercise-import"), {"file": _upload(deep)})

    assert assert_400(through_api, "file")["fields"]["file"] == ["The file is not valid JSON."]
    assertContains(through_page, "The file is not valid JSON.")
    assert not Exercise.objects.filter(owner=coach).exists()


def _upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("mine.json", content, content_type="application/json")


def test_an_error_quoting_a_lone_surrogate_is_still_sent(api, coach, coach_client):
    # "\ud800" is valid in a JSON string but cannot be encoded as UTF-8; messages quote it.
    bad_choice = send(
        api, "post", "/api/v1/clients/", '{"name": "A", "email": "a@example.org", "sex": "\\ud800"}'
    )
    export = (
        '{"format": "coach.exercises", "version": 1, "exercises": '
        '[{"name": "Lunge \\ud800", "laterality": "sideways"}]}'
    )
    bad_import = api.post("/api/v1/exercises/import/", {"file": _upload(export.encode())})
    bad_import_page = coach_client.post(
        reverse("exercise-import"), {"file": _upload(export.encode())}
    )

    assert "\\ud800" in assert_400(bad_choice, "sex")["fields"]["sex"][0]
    assert "Lunge \\ud800" in assert_400(bad_import, "file")["fields"]["file"][0]
    assertContains(bad_import_page, "Nothing was imported.")
    assert not Client.objects.exists()
    assert not Exercise.objects.filter(owner=coach).exists()


# --- ids past any row ------------------------------------------------------------------------


def test_ids_past_the_largest_one_are_a_400(api, coach, exercise):
    program = routine(coach, length_days=3)
    add(coach, program, 1, exercise)
    client = ClientFactory.create(coach=coach)
    before = prescriptions(program)

    assign_it = send(
        api,
        "post",
        f"/api/v1/programs/{program.pk}/assign/",
        {"clients": [client.pk, PAST_ANY_ID], "starts_on": "2027-02-01"},
    )
    neighbours = send(
        api, "patch", f"/api/v1/exercises/{exercise.pk}/", {"prerequisites": [PAST_ANY_ID]}
    )
    structure = send(
        api,
        "patch",
        f"/api/v1/programs/{program.pk}/",
        {"days": [{"number": 1, "prescriptions": [{"exercise": PAST_ANY_ID}]}]},
    )
    copy_day = send(
        api,
        "post",
        f"/api/v1/program-days/{day(program, 1).pk}/duplicate/",
        {"to_days": [2, PAST_ANY_ID]},
    )

    assert_400(assign_it, "clients.1")
    assert_400(neighbours, "prerequisites.0")
    assert_400(structure, "days.0.prescriptions.0.exercise")
    assert_400(copy_day, "to_days")
    assert not Assignment.objects.exists()
    assert not exercise.prerequisites.exists()
    assert prescriptions(program) == before


def test_pages_refuse_ids_past_the_largest_one(coach_client, coach, exercise):
    program = routine(coach, length_days=3)
    ClientFactory.create(coach=coach)

    edit = coach_client.post(
        reverse("exercise-edit", args=[exercise.pk]),
        {
            "name": "Renamed",
            "category": "strength",
            "laterality": "bilateral",
            "measurement": "reps",
            "prerequisites": [str(PAST_ANY_ID)],
            **_no_stages(),
        },
    )
    assign_it = coach_client.post(
        reverse("program-assign", args=[program.pk]),
        {"clients": [str(PAST_ANY_ID)], "starts_on": "2027-02-01"},
    )

    assertContains(edit, "Select a valid choice.")
    assertContains(assign_it, "Select a valid choice.")
    exercise.refresh_from_db()
    assert exercise.name == "Split squat"
    assert not Assignment.objects.exists()


def _no_stages() -> dict[str, str]:
    return {
        "stages-TOTAL_FORMS": "0",
        "stages-INITIAL_FORMS": "0",
        "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "1000",
    }


# --- values past what a column holds ---------------------------------------------------------


def test_a_duplicate_name_longer_than_a_program_name_is_a_400(api, coach):
    program = routine(coach, length_days=3)

    too_long = send(api, "post", f"/api/v1/programs/{program.pk}/duplicate/", {"name": "n" * 151})
    null_char = send(api, "post", f"/api/v1/programs/{program.pk}/duplicate/", {"name": "a\x00"})
    not_text = send(api, "post", f"/api/v1/programs/{program.pk}/duplicate/", {"name": {"a": 1}})

    assert_400(too_long, "name")
    assert_400(null_char, "name")
    assert_400(not_text, "name")
    assert Program.objects.count() == 1


def test_duplicating_a_program_with_the_longest_name_keeps_the_copy_within_it(coach_client, coach):
    program = routine(coach, length_days=3, name="L" * 150)

    response = coach_client.post(reverse("program-duplicate", args=[program.pk]))

    copy = Program.objects.exclude(pk=program.pk).get()
    assert response.status_code == 302
    assert len(copy.name) == 150
    assert copy.name.endswith(" (copy)")


def test_a_tag_longer_than_its_column_is_refused_everywhere(api, coach_client, coach, exercise):
    long_tag = "r" * 51
    by_api = send(api, "patch", f"/api/v1/exercises/{exercise.pk}/", {"regions": [long_tag]})
    by_page = coach_client.post(
        reverse("exercise-create"),
        {
            "name": "Tagged",
            "category": "strength",
            "laterality": "bilateral",
            "measurement": "reps",
            "equipment": f"{'e' * 60}, dumbbell",
            **_no_stages(),
        },
    )
    export = {
        "format": "coach.exercises",
        "version": 1,
        "exercises": [
            {
                "name": "Imported",
                "laterality": "bilateral",
                "measurement": "reps",
                "category": "strength",
                "regions": [long_tag],
            }
        ],
    }
    by_import = api.post(
        "/api/v1/exercises/import/", {"file": _upload(json.dumps(export).encode())}
    )

    assert "50 characters" in assert_400(by_api, "regions")["fields"]["regions"][0]
    assertContains(by_page, "Keep each one to 50 characters")
    assert "regions" in assert_400(by_import, "file")["fields"]["file"][0]
    assert not Region.objects.exists()
    assert not Equipment.objects.exists()
    assert list(Exercise.objects.filter(owner=coach)) == [exercise]


def test_a_null_character_in_a_list_of_lines_is_refused(coach_client, coach):
    # Stored as JSON, a null character is refused by PostgreSQL: the form must catch it.
    response = coach_client.post(
        reverse("exercise-create"),
        {
            "name": "Nulls",
            "category": "strength",
            "laterality": "bilateral",
            "measurement": "reps",
            "instructions": "Stand\x00 tall",
            "cues": "Breathe\x00",
            "faults": "Rushing\x00 | Slow down",
            **_no_stages(),
        },
    )

    assert response.status_code == 200
    assert response.content.decode().count("Null characters are not allowed.") == 3
    assert not Exercise.objects.filter(owner=coach).exists()


def test_a_null_character_in_a_search_is_not_an_error(coach_client, coach):
    routine(coach, length_days=3, name="Morning routine")
    ClientFactory.create(coach=coach, name="Maya")

    programs = coach_client.get(reverse("program-list"), {"q": "Morning\x00"})
    clients = coach_client.get(reverse("dashboard"), {"q": "Ma\x00ya"})

    assertContains(programs, "Morning routine")
    assertContains(clients, "Maya")


def test_a_sign_up_e_mail_longer_than_the_column_re_shows_the_form(client, db):
    response = client.post(
        reverse("signup"),
        {
            "name": "Long",
            "email": "a" * 300 + "@example.org",
            "practice_name": "",
            "password1": "a-Long-passphrase-2026",
            "password2": "a-Long-passphrase-2026",
        },
    )

    assertContains(response, "at most 254 characters")
    assert not User.objects.exists()


def test_plan_weekdays_are_numbers_not_true_or_false(api, coach):
    response = send(
        api,
        "post",
        "/api/v1/programs/",
        {"name": "Plan", "kind": "plan", "weeks": 2, "weekdays": [True]},
    )

    assert_400(response, "weekdays")
    assert not Program.objects.exists()


# --- the builder -----------------------------------------------------------------------------


def test_a_day_listed_twice_in_a_structure_save_is_a_400(api, coach, exercise):
    program = routine(coach, length_days=3)
    add(coach, program, 1, exercise)
    before = prescriptions(program)
    one = {"number": 1, "prescriptions": [{"exercise": exercise.pk}]}

    response = send(api, "patch", f"/api/v1/programs/{program.pk}/", {"days": [one, one]})

    assert assert_400(response, "days.1.number")["fields"]["days.1.number"] == [
        "A day appears twice."
    ]
    assert prescriptions(program) == before


def test_a_day_holds_at_most_a_hundred_exercises(api, coach, exercise):
    program = routine(coach, length_days=2)
    first = day(program, 1)
    Prescription.objects.bulk_create(
        Prescription(day=first, order=n, exercise=exercise) for n in range(1, 101)
    )
    before = prescriptions(program)

    one_more = send(
        api, "post", "/api/v1/prescriptions/", {"day": first.pk, "exercise": exercise.pk}
    )
    too_many = send(
        api,
        "patch",
        f"/api/v1/programs/{program.pk}/",
        {"days": [{"number": 2, "prescriptions": [{"exercise": exercise.pk}] * 101}]},
    )

    assert_400(one_more, "day")
    assert_400(too_many, "days.0.prescriptions")
    assert prescriptions(program) == before


def test_copying_a_day_onto_days_outside_the_program_is_a_400(api, coach, exercise):
    program = routine(coach, length_days=3)
    add(coach, program, 1, exercise)
    before = prescriptions(program)

    response = send(
        api,
        "post",
        f"/api/v1/program-days/{day(program, 1).pk}/duplicate/",
        {"to_days": list(range(1, 100_001))},
    )

    assert_400(response, "to_days")
    assert prescriptions(program) == before


def test_program_pages_do_not_load_long_exercise_texts_once_per_day(coach_client, coach):
    # A 366-day routine holds its exercises thousands of times; each loaded with its summary,
    # a long summary once exhausted the server's memory.
    wordy = ExerciseFactory.create(owner=coach, summary="x" * 100_000, instructions=["y" * 1000])
    program = services.routine_generate(
        coach=coach, name="Long", items=[{"exercise": wordy.pk}], length_days=366
    )

    loaded = selectors.program_get_for(coach=coach, pk=program.pk, full=True)
    exercise = loaded.days.all()[365].prescriptions.all()[0].exercise

    assert {"summary", "instructions"} <= exercise.get_deferred_fields()
    assert coach_client.get(reverse("program-builder", args=[program.pk])).status_code == 200


# --- the routine generator -------------------------------------------------------------------


def test_a_generator_step_past_what_a_day_can_hold_is_a_400(api, coach, exercise):
    hold = send(
        api,
        "post",
        "/api/v1/programs/generate/",
        {
            "name": "Forever",
            "length_days": 366,
            "items": [{"exercise": exercise.pk, "hold_seconds": 2_147_483_000}],
            "step": "hold",
            "step_amount": 600,
            "every_days": 1,
        },
    )

    assert "Add less at each step" in assert_400(hold, "step_amount")["fields"]["step_amount"][0]
    assert not Program.objects.exists()


def test_the_generator_page_re_shows_a_step_past_what_a_day_can_hold(coach_client, coach, exercise):
    response = coach_client.post(
        reverse("program-generate"),
        {
            "name": "Many reps",
            "length_days": 366,
            "intensity": "low",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "12",
            "items-0-exercise": exercise.pk,
            "items-0-reps_per_side": 500,
            "items-0-step": "reps",
            "items-0-step_amount": 600,
            "items-0-every_days": 1,
        },
    )

    assertContains(response, "Add less at each step")
    assert not Program.objects.exists()


def test_the_generator_repeats_at_most_twelve_exercises(api, coach, exercise):
    response = send(
        api,
        "post",
        "/api/v1/programs/generate/",
        {"name": "Crowded", "length_days": 366, "items": [{"exercise": exercise.pk}] * 13},
    )

    assert_400(response, "items")
    assert not Program.objects.exists()


def test_the_generator_makes_366_days_of_twelve_exercises(api, coach):
    items = [
        {"exercise": StageFactory.create(exercise__owner=coach).exercise_id} for _ in range(12)
    ]

    response = send(
        api,
        "post",
        "/api/v1/programs/generate/",
        {
            "name": "A year",
            "length_days": 366,
            "items": items,
            "step": "stage",
            "step_amount": 1,
            "every_days": 1,
        },
    )

    assert response.status_code == 201
    assert Prescription.objects.filter(day__program_id=response.json()["id"]).count() == 366 * 12


# --- dates past the end of the calendar ------------------------------------------------------


def test_a_start_date_whose_program_ends_past_the_calendar_is_refused(api, coach_client, coach):
    program = routine(coach, length_days=30)
    client = ClientFactory.create(coach=coach)

    by_api = send(
        api,
        "post",
        f"/api/v1/programs/{program.pk}/assign/",
        {"clients": [client.pk], "starts_on": "9999-12-31"},
    )
    by_page = coach_client.post(
        reverse("program-assign", args=[program.pk]),
        {"clients": [client.pk], "starts_on": "9999-12-03"},
    )

    assert_400(by_api, "starts_on")
    assertContains(by_page, "past the end of the calendar")
    assert not Assignment.objects.exists()
    # The last possible start still fits: its last day is 9999-12-31.
    (last,) = assign(coach, program, clients=[client], starts_on=date(9999, 12, 2))
    assert last.last_day == date(9999, 12, 31)


def test_resuming_past_the_end_of_the_calendar_is_refused(api, coach_client, coach):
    program = routine(coach, length_days=30)
    (assignment,) = assign(coach, program, starts_on=date(2027, 1, 4))
    services.assignment_pause(coach=coach, assignment=assignment, on=date(1, 1, 1))

    by_api = send(api, "post", f"/api/v1/assignments/{assignment.pk}/resume/", {"on": "9999-12-31"})
    by_page = coach_client.post(
        reverse("assignment-action", args=[assignment.pk, "resume"]),
        {"on": "9999-12-31"},
        follow=True,
    )

    assert_400(by_api, "on")
    assertContains(by_page, "past the end of the calendar")
    assignment.refresh_from_db()
    assert (assignment.status, assignment.shift_days) == (Assignment.Status.PAUSED, 0)
    # Everything that reads its dates still works.
    assert api.get("/api/v1/assignments/").status_code == 200
    assert services.assignments_complete_due(now=timezone.now()) == 0
