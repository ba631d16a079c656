"""Validators: `ETag` on detail reads and on the answers of writes, 304 for `If-None-Match`,
412 for an `If-Match` that names an older version. A program's days, prescriptions and blocks
share the program's version: any write to one of them changes the program's `ETag`."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient

from coach.models import Client, Coach
from programs.models import Block, Prescription
from tests.api.support import (
    ASSIGNMENTS,
    BLOCKS,
    CLIENTS,
    DAYS,
    EXERCISES,
    PRESCRIPTIONS,
    PROGRAMS,
    RUNS,
    Parts,
    program_etag,
    program_with_parts,
    send,
)
from tests.coach.factories import ClientFactory, CoachFactory, client_data
from tests.conftest import RunMetricFactory, assert_error_shape
from tests.exercises.factories import ExerciseFactory
from tests.programs.factories import assign
from tests.training.api_support import (
    browser,
    log_body,
    plan_url,
    post_log,
    set_row,
    stages_url,
    trainee,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def parts(coach: Coach) -> Parts:
    return program_with_parts(coach)


def test_a_detail_read_has_an_etag_and_a_read_naming_it_is_a_304(api: HttpClient) -> None:
    created = send(api, "POST", CLIENTS, client_data(name="Ana"))
    url = f"{CLIENTS}{created.json()['id']}/"

    first = api.get(url)
    again = api.get(url, headers={"If-None-Match": first["ETag"]})
    other = api.get(url, headers={"If-None-Match": '"client-1-0"'})

    assert first.status_code == 200
    assert first["ETag"].startswith('"')
    assert first["ETag"].endswith('"')
    assert created["ETag"] == first["ETag"]
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", first["ETag"])
    assert other.status_code == 200
    assert other.json()["name"] == "Ana"


def test_a_write_changes_the_etag_and_one_from_before_it_is_refused(api: HttpClient) -> None:
    url = f"{CLIENTS}{send(api, 'POST', CLIENTS, client_data()).json()['id']}/"
    read = api.get(url)["ETag"]

    changed = send(api, "PATCH", url, {"notes": "Knee"}, If_Match=read)
    stale = send(api, "PATCH", url, {"notes": "Hip"}, If_Match=read)

    assert changed.status_code == 200
    assert changed["ETag"] != read
    assert changed["ETag"] == api.get(url)["ETag"]
    assert stale.status_code == 412
    assert_error_shape(stale.json())
    assert stale.json()["code"] == "precondition_failed"
    assert api.get(url).json()["notes"] == "Knee"
    # a read naming the old version is answered in full
    assert api.get(url, headers={"If-None-Match": read}).status_code == 200


def test_if_match_star_and_a_weak_tag(api: HttpClient) -> None:
    url = f"{CLIENTS}{send(api, 'POST', CLIENTS, client_data()).json()['id']}/"
    tag = api.get(url)["ETag"]

    star = send(api, "PATCH", url, {"notes": "A"}, If_Match="*")
    weak = send(api, "PATCH", url, {"notes": "B"}, If_Match="W/" + star["ETag"])
    listed = send(api, "PATCH", url, {"notes": "C"}, If_Match=f"{tag}, {star['ETag']}")

    assert star.status_code == 200
    assert weak.status_code == 412  # If-Match compares strongly: a weak tag never matches
    assert listed.status_code == 200


def test_a_stale_delete_or_action_is_refused_and_changes_nothing(
    api: HttpClient, coach: Coach, parts: Parts
) -> None:
    stale = program_etag(api, parts.program)
    send(api, "PATCH", f"{DAYS}{parts.day.pk}/", {"title": "Heavy"})

    deleted = send(api, "DELETE", f"{PRESCRIPTIONS}{parts.prescription.pk}/", If_Match=stale)
    copied = send(
        api,
        "POST",
        f"{PROGRAMS}{parts.program.pk}/copy-week/",
        {"from_week": 1, "to_week": 2},
        If_Match=stale,
    )

    assert (deleted.status_code, copied.status_code) == (412, 412)
    assert Prescription.objects.filter(pk=parts.prescription.pk).exists()
    assert not Prescription.objects.filter(day__program=parts.program, day__number=3).exists()


def test_a_client_action_with_a_stale_tag_is_refused(api: HttpClient, coach: Coach) -> None:
    client = ClientFactory.create(coach=coach)
    url = f"{CLIENTS}{client.pk}/"
    stale = api.get(url)["ETag"]
    send(api, "PATCH", url, {"notes": "New"})

    refused = send(api, "POST", f"{url}archive/", If_Match=stale)

    assert refused.status_code == 412
    client.refresh_from_db()
    assert client.archived_at is None


def test_another_practices_row_is_a_404_whatever_the_if_match(
    api: HttpClient, parts: Parts
) -> None:
    theirs = ClientFactory.create(coach=CoachFactory.create())

    for method in ("GET", "PATCH", "DELETE"):
        url = f"{CLIENTS}{theirs.pk}/" if method != "DELETE" else f"{BLOCKS}999999/"
        response = send(api, method, url, {}, If_Match='"x"', If_None_Match="*")
        assert response.status_code == 404


PartWrite = Callable[[HttpClient, Parts], Any]

PART_WRITES: dict[str, PartWrite] = {
    "a day's title": lambda api, p: send(api, "PATCH", f"{DAYS}{p.day.pk}/", {"title": "A"}),
    "a dose": lambda api, p: send(
        api, "PATCH", f"{PRESCRIPTIONS}{p.prescription.pk}/", {"sets": 5}
    ),
    "an exercise added": lambda api, p: send(
        api, "POST", PRESCRIPTIONS, {"day": p.day.pk, "exercise": p.exercise.pk}
    ),
    "an exercise removed": lambda api, p: send(
        api, "DELETE", f"{PRESCRIPTIONS}{p.prescription.pk}/"
    ),
    "the day reordered": lambda api, p: send(
        api, "POST", f"{DAYS}{p.day.pk}/reorder/", {"ids": [p.prescription.pk]}
    ),
    "a day copied": lambda api, p: send(
        api, "POST", f"{DAYS}{p.day.pk}/duplicate/", {"to_days": [2]}
    ),
    "a block added": lambda api, p: send(
        api, "POST", BLOCKS, {"program": p.program.pk, "name": "Peak", "start": 2, "end": 2}
    ),
    "a block renamed": lambda api, p: send(
        api, "PATCH", f"{BLOCKS}{p.block.pk}/", {"name": "Build"}
    ),
    "a block removed": lambda api, p: send(api, "DELETE", f"{BLOCKS}{p.block.pk}/"),
    "a week copied": lambda api, p: send(
        api, "POST", f"{PROGRAMS}{p.program.pk}/copy-week/", {"from_week": 1, "to_week": 2}
    ),
    "the program renamed": lambda api, p: send(
        api, "PATCH", f"{PROGRAMS}{p.program.pk}/", {"name": "Legs 2"}
    ),
}


@pytest.mark.parametrize("write", list(PART_WRITES))
def test_every_write_to_a_program_or_a_part_gives_the_program_a_new_etag(
    api: HttpClient, parts: Parts, write: str
) -> None:
    before = program_etag(api, parts.program)

    response = PART_WRITES[write](api, parts)

    assert response.status_code in {200, 201, 204}, response.content
    after = program_etag(api, parts.program)
    assert after != before
    # the write's answer names the program's new version, even with no body (204)
    assert response["ETag"] == after
    # and a part reads with the program's version
    assert api.get(f"{DAYS}{parts.day.pk}/")["ETag"] == after


@pytest.mark.parametrize("write", list(PART_WRITES))
def test_every_write_to_a_program_or_a_part_is_refused_with_an_older_version(
    api: HttpClient, parts: Parts, write: str
) -> None:
    before = program_etag(api, parts.program)
    api.get(f"{PROGRAMS}{parts.program.pk}/")
    send(api, "PATCH", f"{PROGRAMS}{parts.program.pk}/", {"goal": "Stronger legs"})
    current = program_etag(api, parts.program)
    stale_client = HttpClient(headers={"If-Match": before})
    stale_client.force_login(parts.program.owner.user)  # type: ignore[union-attr]

    refused = PART_WRITES[write](stale_client, parts)

    assert refused.status_code == 412, refused.content
    assert refused.json()["code"] == "precondition_failed"
    assert program_etag(api, parts.program) == current
    assert Block.objects.filter(pk=parts.block.pk).get().name == "Base"


def test_writes_made_from_the_current_version_chain_through_the_answers(
    api: HttpClient, parts: Parts
) -> None:
    tag = program_etag(api, parts.program)

    for write in ("a dose", "an exercise added", "a block renamed", "an exercise removed"):
        http = HttpClient(headers={"If-Match": tag})
        http.force_login(parts.program.owner.user)  # type: ignore[union-attr]
        response = PART_WRITES[write](http, parts)
        assert response.status_code in {200, 201, 204}, (write, response.content)
        tag = response["ETag"]

    assert tag == program_etag(api, parts.program)


def test_the_builder_page_carries_the_programs_etag(api: HttpClient, parts: Parts) -> None:
    before = program_etag(api, parts.program)
    page = api.get(f"/programs/{parts.program.pk}/").content.decode()
    assert f"data-etag='{before}'" in page

    send(api, "PATCH", f"{PRESCRIPTIONS}{parts.prescription.pk}/", {"sets": 4})

    after = program_etag(api, parts.program)
    assert f"data-etag='{after}'" in api.get(f"/programs/{parts.program.pk}/").content.decode()


def test_exercises_assignments_and_runs_have_etags_too(api: HttpClient, coach: Coach) -> None:
    exercise = ExerciseFactory.create(owner=coach)
    client: Client = ClientFactory.create(coach=coach)
    run = RunMetricFactory.create(client=client)
    parts = program_with_parts(coach)
    (assignment,) = assign(coach, parts.program, starts_on=date(2027, 2, 1), clients=[client])

    for url in (
        f"{EXERCISES}{exercise.pk}/",
        f"{ASSIGNMENTS}{assignment.pk}/",
        f"{RUNS}{run.pk}/",
    ):
        first = api.get(url)
        assert first.status_code == 200
        assert api.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304

    exercise_tag = api.get(f"{EXERCISES}{exercise.pk}/")["ETag"]
    renamed = send(api, "PATCH", f"{EXERCISES}{exercise.pk}/", {"name": "Box step-up"})
    assert renamed["ETag"] != exercise_tag
    paused = send(
        api,
        "POST",
        f"{ASSIGNMENTS}{assignment.pk}/pause/",
        {"on": "2027-02-03"},
        If_Match=api.get(f"{ASSIGNMENTS}{assignment.pk}/")["ETag"],
    )
    assert paused.status_code == 200
    assert paused["ETag"] == api.get(f"{ASSIGNMENTS}{assignment.pk}/")["ETag"]


def test_a_clients_plan_stages_and_progress_are_read_conditionally(coach: Coach) -> None:
    today = datetime.now(UTC).date()
    person = trainee(coach, starts_on=today - timedelta(days=2))
    http = browser(coach.user)
    progress_url = f"{CLIENTS}{person.client.pk}/progress/"

    for url in (plan_url(person.client), stages_url(person.client), progress_url):
        first = http.get(url)
        assert first.status_code == 200
        again = http.get(url, headers={"If-None-Match": first["ETag"]})
        assert (again.status_code, again.content) == (304, b"")

    before = http.get(plan_url(person.client))["ETag"]
    logged = post_log(
        person.http, log_body(person, today, set_row(person.prescription_on(3), "left"))
    )
    assert logged.status_code == 201
    after = http.get(plan_url(person.client), headers={"If-None-Match": before})
    assert after.status_code == 200
    assert after["ETag"] != before


def test_a_session_logs_etag_follows_its_sets(coach: Coach) -> None:
    today = datetime.now(UTC).date()
    person = trainee(coach, starts_on=today - timedelta(days=2))
    session = post_log(
        person.http, log_body(person, today, set_row(person.prescription_on(3), "left"))
    ).json()
    url, set_url = f"/api/v1/logs/{session['id']}/", f"/api/v1/set-logs/{session['sets'][0]['id']}/"
    http = person.http
    before, set_before = http.get(url)["ETag"], http.get(set_url)["ETag"]

    changed = send(http, "PATCH", set_url, {"hold_seconds": 15}, If_Match=set_before)
    refused = send(http, "PATCH", set_url, {"hold_seconds": 20}, If_Match=set_before)

    assert changed.status_code == 200
    assert refused.status_code == 412
    assert http.get(url)["ETag"] != before  # a set changed: the session reads differently
    assert http.get(url, headers={"If-None-Match": before}).status_code == 200
    assert http.get(set_url).json()["hold_seconds"] == 15
