"""The coach's lists: the library page and /api/v1/exercises/, /api/v1/clients/ and
/api/v1/assignments/. Each page is read as plain rows and kept in the shared cache; it answers
what it answered before, costs the same queries however long the list, shows every write at
once and never shows one practice's rows to another."""

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.renderers import JSONRenderer

from coach import services as coach_services
from coach.api import ClientSerializer
from coach.models import Client as ClientRow
from coach.response_cache import changes_practice, practice_changed
from exercises import selectors as exercise_selectors
from exercises.api import ExerciseSerializer
from exercises.models import Exercise
from exercises.seed_data import LIBRARY
from exercises.services import exercise_copy, exercise_create, exercise_update, library_seed
from programs import services as program_services
from programs.api import AssignmentSerializer
from programs.models import Assignment
from tests.coach.factories import ClientFactory, CoachFactory, InviteFactory, client_data
from tests.conftest import api_url, get_counting_queries
from tests.exercises.factories import bulk_library, exercise_data, shared, stage_data
from tests.programs.factories import add, assign, routine

pytestmark = pytest.mark.django_db

EXERCISES = "/api/v1/exercises/"
CLIENTS = "/api/v1/clients/"
ASSIGNMENTS = "/api/v1/assignments/"
LIBRARY_PAGE = "/exercises/"


def post(api: Client, path: str, data: Any = None) -> Any:
    return api.post(path, data or {}, content_type="application/json")


def patch(api: Client, path: str, data: Any) -> Any:
    return api.patch(path, data, content_type="application/json")


def results(api: Client, path: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    response = api.get(path, params or {})
    assert response.status_code == 200
    return response.json()["results"]


def names(api: Client, path: str, params: dict[str, Any] | None = None) -> list[str]:
    return [row["name"] for row in results(api, path, params)]


def as_json(data: Any) -> Any:
    return json.loads(JSONRenderer().render(data))


def logged_in(user: Any) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


# --- the same answers -----------------------------------------------------------------------


def test_library_rows_are_what_the_serializer_writes_of_each_exercise(api, coach, library):
    exercise_create(
        coach=coach,
        data=exercise_data(
            "Banded split squat",
            prerequisites=[shared("hip-hinge").pk],
            video_url="https://video.example.org/split",
            stages=[
                stage_data("Light", load_unit="lb", load_min="5", load_max="10"),
                stage_data(
                    "Heavy",
                    load_unit="lb",
                    load_min_female="15.5",
                    load_max_female="25",
                    load_min_male="25",
                    load_max_male="35",
                    criteria_sessions=3,
                ),
            ],
        ),
    )
    exercise_copy(coach=coach, exercise=shared("single-leg-deadlift"))
    # Another coach's copy is linked to the shared exercise's neighbours, but is theirs alone.
    exercise_copy(coach=CoachFactory.create(), exercise=shared("single-leg-deadlift"))

    rows = results(api, EXERCISES)

    assert len(rows) == Exercise.objects.visible_to(coach).active().count() > 30
    for row in rows:
        exercise = exercise_selectors.exercise_get_for(coach=coach, pk=row["id"])
        expected = as_json(ExerciseSerializer(exercise).data)
        assert row == expected
        assert list(row) == list(expected)
    assert any(row["prerequisites"] and row["stages"] and row["regions"] for row in rows)
    assert any(row["copied_from"] for row in rows)


def test_client_rows_are_what_the_serializer_writes_of_each_client(api, coach):
    ClientFactory.create(coach=coach, with_login=True, sex="female", notes="Left knee.")
    ClientFactory.create(coach=coach, time_zone="Asia/Tokyo", prefers_kg=True)
    coach_services.client_archive(client=ClientFactory.create(coach=coach))

    rows = results(api, CLIENTS) + results(api, CLIENTS, {"archived": "1"})

    assert len(rows) == 3
    for row in rows:
        expected = as_json(ClientSerializer(ClientRow.objects.get(pk=row["id"])).data)
        assert row == expected
        assert list(row) == list(expected)


def test_assignment_rows_are_what_the_serializer_writes_of_each_assignment(api, coach, library):
    program = routine(coach, length_days=10, name="Ten days")
    add(coach, program, 1, shared("deadbug"))
    paused, cancelled, _ = assign(
        coach,
        program,
        starts_on=date(2027, 3, 1),
        clients=ClientFactory.create_batch(3, coach=coach),
    )
    program_services.assignment_pause(coach=coach, assignment=paused, on=date(2027, 3, 3))
    program_services.assignment_resume(coach=coach, assignment=paused, on=date(2027, 3, 8))
    program_services.assignment_cancel(coach=coach, assignment=cancelled, on=date(2027, 3, 4))

    rows = results(api, ASSIGNMENTS)

    assert len(rows) == 3
    for row in rows:
        expected = as_json(AssignmentSerializer(Assignment.objects.get(pk=row["id"])).data)
        assert row == expected
        assert list(row) == list(expected)
    resumed = next(row for row in rows if row["id"] == paused.pk)
    assert (resumed["first_day"], resumed["last_day"]) == ("2027-03-01", "2027-03-15")


# --- the same queries at any size -------------------------------------------------------------


def _grow(kind: str, coach: Any, count: int) -> None:
    if kind == "clients":
        ClientFactory.create_batch(count, coach=coach, with_login=True)
    elif kind == "assignments":
        program = routine(coach, length_days=3)
        add(coach, program, 1, shared("deadbug"))
        assign(
            coach,
            program,
            starts_on=date(2027, 3, 1),
            clients=ClientFactory.create_batch(count, coach=coach),
        )
    else:
        bulk_library(coach, count, name=f"Bulk {count}")


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("clients", CLIENTS),
        ("assignments", ASSIGNMENTS),
        ("exercises", EXERCISES),
        ("exercises", LIBRARY_PAGE),
        ("clients", f"{CLIENTS}?search=example&ordering=-name"),
        ("exercises", f"{EXERCISES}?q=bulk&has_stages=true"),
    ],
)
def test_a_list_costs_the_same_queries_for_a_few_rows_and_a_full_page(
    api, coach, library, kind, path
):
    def costs() -> tuple[int, int]:
        practice_changed(coach_id=coach.pk)  # as a write does: the next answer is drawn anew
        _, drawn = get_counting_queries(api, path)
        _, kept = get_counting_queries(api, path)
        return drawn, kept

    _grow(kind, coach, 2)
    api.get(path)  # the cache's versions are set once, by the first request
    few = costs()
    _grow(kind, coach, 60)
    many = costs()

    assert many == few
    assert few[1] < few[0]


# --- writes show at once ----------------------------------------------------------------------


def test_writes_to_the_library_show_at_once_in_the_endpoint_and_the_page(api, coach, library):
    def listed(params: dict[str, Any]) -> tuple[list[str], str]:
        page = api.get(LIBRARY_PAGE, params)
        assert page.status_code == 200
        return names(api, EXERCISES, params), page.content.decode()

    mine = {"scope": "mine", "archived": ""}
    assert listed(mine)[0] == []

    created = post(api, EXERCISES, exercise_data("Split squat"))
    assert created.status_code == 201
    pk = created.json()["id"]
    api_names, page = listed(mine)
    assert api_names == ["Split squat"]
    assert "Split squat" in page
    assert "2 stages" in page

    # an edit, and a stage added to the ladder
    stages = [*created.json()["stages"], stage_data("Deficit")]
    changed = patch(
        api, api_url(EXERCISES, pk), {"name": "Rear-foot split squat", "stages": stages}
    )
    assert changed.status_code == 200
    api_names, page = listed(mine)
    assert api_names == ["Rear-foot split squat"]
    assert [s["name"] for s in results(api, EXERCISES, mine)[0]["stages"]][-1] == "Deficit"
    assert "3 stages" in page

    copied = post(api, api_url(EXERCISES, shared("deadbug").pk, "copy"))
    assert copied.status_code == 201
    assert listed(mine)[0] == ["Deadbug (mine)", "Rear-foot split squat"]

    imported = post(
        api,
        f"{EXERCISES}import/",
        {
            "format": "coach.exercises",
            "version": 1,
            "exercises": [{**exercise_data("Imported lunge"), "stages": [stage_data("One")]}],
        },
    )
    assert imported.status_code == 201, imported.content
    api_names, page = listed(mine)
    assert api_names == ["Deadbug (mine)", "Imported lunge", "Rear-foot split squat"]
    assert "Imported lunge" in page

    assert post(api, api_url(EXERCISES, pk, "archive")).status_code == 200
    api_names, page = listed(mine)
    assert api_names == ["Deadbug (mine)", "Imported lunge"]
    assert "Rear-foot split squat" not in page
    assert names(api, EXERCISES, {"scope": "mine", "archived": "true"}) == ["Rear-foot split squat"]


def test_a_change_to_the_shared_library_shows_to_every_coach(api, coach, library):
    other = logged_in(CoachFactory.create().user)
    assert "Deadbug" in names(api, EXERCISES, {"q": "deadbug"})
    assert "Deadbug" in names(other, EXERCISES, {"q": "deadbug"})

    library_seed(
        [
            {**entry, "name": "Dead bug"} if entry["slug"] == "deadbug" else entry
            for entry in LIBRARY
        ]
    )

    assert names(api, EXERCISES, {"q": "dead"})[:1] == ["Dead bug"]
    assert "Dead bug" in api.get(LIBRARY_PAGE, {"q": "dead"}).content.decode()
    assert names(other, EXERCISES, {"q": "dead"})[:1] == ["Dead bug"]


def test_the_page_offers_the_regions_of_the_coachs_library_as_soon_as_it_has_them(api, coach):
    asked = {"region": "adductors"}
    # Another coach's exercise names a region: it is theirs, not offered here.
    exercise_create(coach=CoachFactory.create(), data=exercise_data(regions=["adductors"]))
    before = api.get(LIBRARY_PAGE, asked).content.decode()
    assert "Select a valid choice" in before
    assert 'value="adductors"' not in before

    exercise_update(
        coach=coach,
        exercise=exercise_create(coach=coach, data=exercise_data()),
        data={"regions": ["adductors"]},
        partial=True,
    )

    after = api.get(LIBRARY_PAGE, asked).content.decode()
    assert "Select a valid choice" not in after
    assert 'value="adductors" selected' in after


def test_another_coachs_edits_of_their_copies_never_show(api, coach, library):
    before = results(api, EXERCISES, {"q": "single-leg deadlift"})
    other = CoachFactory.create()
    theirs = exercise_copy(coach=other, exercise=shared("single-leg-deadlift"))
    exercise_update(coach=other, exercise=theirs, data={"name": "Their deadlift"}, partial=True)

    assert results(api, EXERCISES, {"q": "single-leg deadlift"}) == before
    assert "Their deadlift" not in names(api, EXERCISES, {"q": "deadlift"})
    assert all(
        theirs.pk not in row["progressions"] + row["regressions"] + row["prerequisites"]
        for row in results(api, EXERCISES)
    )


def test_writes_to_clients_show_at_once(api, coach):
    assert results(api, CLIENTS) == []

    created = post(api, CLIENTS, client_data(name="Maya Lindqvist"))
    assert created.status_code == 201
    pk = created.json()["id"]
    assert names(api, CLIENTS) == ["Maya Lindqvist"]

    assert patch(api, api_url(CLIENTS, pk), {"name": "Maya Berg"}).status_code == 200
    assert names(api, CLIENTS) == ["Maya Berg"]
    assert results(api, CLIENTS)[0]["has_login"] is False

    invite = InviteFactory.create(client=ClientRow.objects.get(pk=pk))
    coach_services.invite_accept(
        token=coach_services.invite_token(invite), password="a-long-password-123"
    )
    assert results(api, CLIENTS)[0]["has_login"] is True

    assert post(api, api_url(CLIENTS, pk, "archive")).status_code == 200
    assert names(api, CLIENTS) == []
    assert names(api, CLIENTS, {"archived": "1"}) == ["Maya Berg"]

    assert post(api, api_url(CLIENTS, pk, "restore")).status_code == 200
    assert names(api, CLIENTS) == ["Maya Berg"]


def test_writes_to_assignments_show_at_once(api, coach, library, time_machine):
    # On its first day: before it, it is listed as scheduled.
    time_machine.move_to(datetime(2027, 3, 1, 12, 0, tzinfo=UTC), tick=False)
    api.force_login(coach.user)
    program = routine(coach, length_days=10, name="Ten days")
    add(coach, program, 1, shared("deadbug"))
    maya = ClientFactory.create(coach=coach, name="Maya")
    assert results(api, ASSIGNMENTS) == []

    assigned = post(
        api,
        api_url("/api/v1/programs/", program.pk, "assign"),
        {"clients": [maya.pk], "starts_on": "2027-03-01"},
    )
    assert assigned.status_code == 201
    (pk,) = assigned.json()["assignments"]
    (row,) = results(api, ASSIGNMENTS)
    assert (row["id"], row["client_name"], row["status"]) == (pk, "Maya", "active")

    assert post(api, api_url(ASSIGNMENTS, pk, "pause"), {"on": "2027-03-03"}).status_code == 200
    assert results(api, ASSIGNMENTS)[0]["status"] == "paused"
    assert post(api, api_url(ASSIGNMENTS, pk, "resume"), {"on": "2027-03-05"}).status_code == 200
    assert results(api, ASSIGNMENTS)[0]["last_day"] == "2027-03-12"

    coach_services.client_update(client=maya, data={"name": "Maya Berg"})
    assert results(api, ASSIGNMENTS)[0]["client_name"] == "Maya Berg"
    copy = Assignment.objects.get(pk=pk).program
    assert (
        patch(api, api_url("/api/v1/programs/", copy.pk), {"name": "Maya's ten"}).status_code == 200
    )
    assert results(api, ASSIGNMENTS)[0]["program_name"] == "Maya's ten"

    assert post(api, api_url(ASSIGNMENTS, pk, "cancel"), {"on": "2027-03-06"}).status_code == 200
    assert results(api, ASSIGNMENTS)[0]["status"] == "cancelled"
    assert results(api, ASSIGNMENTS, {"status": "active"}) == []


# --- one practice never sees another's -------------------------------------------------------


def test_two_coaches_asking_for_the_same_pages_see_their_own_rows(coach, library):
    other = CoachFactory.create()
    for owner, name in ((coach, "Alma"), (other, "Otto")):
        client = ClientFactory.create(coach=owner, name=name)
        exercise_create(coach=owner, data=exercise_data(f"{name}'s lunge"))
        program = routine(owner, length_days=2, name=f"{name}'s routine")
        add(owner, program, 1, shared("deadbug"))
        assign(owner, program, starts_on=date(2027, 3, 1), clients=[client])
    mine, theirs = logged_in(coach.user), logged_in(other.user)

    # Each asks for the very same pages right after the other.
    for browser, name in ((theirs, "Otto"), (mine, "Alma"), (theirs, "Otto")):
        assert names(browser, CLIENTS) == [name]
        assert [row["client_name"] for row in results(browser, ASSIGNMENTS)] == [name]
        assert names(browser, EXERCISES, {"scope": "mine"}) == [f"{name}'s lunge"]
    assert "Otto" not in mine.get(LIBRARY_PAGE, {"scope": "mine"}).content.decode()
    assert "Alma" not in theirs.get(LIBRARY_PAGE, {"scope": "mine"}).content.decode()


# --- filters, search, pages and order keep working ----------------------------------------------


def test_each_query_has_its_own_answer_whatever_the_order_of_its_parameters(api, coach):
    for n in range(55):
        ClientFactory.create(
            coach=coach,
            name=f"Client {n:02}",
            email=f"c{n}@example.org",
            sex="female" if n % 2 else "",
        )

    first, second = results(api, CLIENTS), results(api, CLIENTS, {"page": 2})
    assert [r["name"] for r in first][:2] == ["Client 00", "Client 01"]
    assert [r["name"] for r in second] == [f"Client {n}" for n in range(50, 55)]
    assert names(api, CLIENTS, {"ordering": "-name"})[0] == "Client 54"
    assert names(api, CLIENTS, {"search": "Client 07"}) == ["Client 07"]
    assert len(results(api, CLIENTS, {"sex": "female"})) == 27

    # The same query asked the other way round is the answer kept for the first.
    one, drawn = get_counting_queries(api, f"{CLIENTS}?sex=female&ordering=-name")
    other, kept = get_counting_queries(api, f"{CLIENTS}?ordering=-name&sex=female")
    assert kept < drawn
    assert other.content == one.content


def test_page_links_name_the_host_that_was_asked(api, coach, settings):
    settings.ALLOWED_HOSTS = ["testserver", "coach.example.org"]
    ClientFactory.create_batch(51, coach=coach)

    here = api.get(CLIENTS).json()["next"]
    there = api.get(CLIENTS, HTTP_HOST="coach.example.org").json()["next"]

    assert here == "http://testserver/api/v1/clients/?page=2"
    assert there == "http://coach.example.org/api/v1/clients/?page=2"


def test_a_bad_filter_is_a_400_every_time_and_other_formats_still_answer(api, coach):
    for _ in range(2):
        response = api.get(EXERCISES, {"laterality": "sideways"})
        assert response.status_code == 400
    ClientFactory.create(coach=coach, name="Alma")
    assert "Alma" in api.get(CLIENTS, {"format": "api"}).content.decode()
    assert api.get(reverse("exercise-list"), {"region": "nowhere"}).status_code == 200


# --- the versions -------------------------------------------------------------------------------


def test_a_list_drawn_before_a_write_commits_is_not_read_after_it(
    api, coach, django_capture_on_commit_callbacks
):
    api.get(CLIENTS)
    with django_capture_on_commit_callbacks() as on_commit:
        practice_changed(coach_id=coach.pk)
        # Another request draws the list from the rows as they were before the commit.
        _, drawn = get_counting_queries(api, CLIENTS)
    for callback in on_commit:
        callback()

    _, after_commit = get_counting_queries(api, CLIENTS)
    _, kept = get_counting_queries(api, CLIENTS)

    assert after_commit == drawn > kept


def test_a_service_that_changes_the_practice_must_be_given_its_coach_or_client(db):
    calls = []

    @changes_practice
    def rename(*, name: str) -> None:
        calls.append(name)

    with pytest.raises(TypeError):
        rename(name="Maya")
    assert calls == []
