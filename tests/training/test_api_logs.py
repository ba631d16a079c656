"""/api/v1/logs/ and /api/v1/set-logs/: what a client did, logged by them or by their coach."""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.coach.factories import ClientFactory, CoachFactory
from tests.conftest import assert_error_shape, database_queries, get_counting_queries
from tests.training.api_support import (
    LOGS,
    SET_LOGS,
    browser,
    log_body,
    one_sided_hold,
    patch,
    post_log,
    rung,
    set_row,
    trainee,
)
from training import services
from training.models import SessionLog, SetLog

pytestmark = pytest.mark.django_db

TODAY = date(2027, 3, 10)
START = date(2027, 3, 1)


@pytest.fixture(autouse=True)
def _evening_of_10_march():  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime(2027, 3, 10, 18, 0, tzinfo=UTC), tick=False):
        yield


def test_a_client_logs_both_sides_and_finishes_the_day(coach) -> None:
    # given a client on day 10
    person = trainee(coach, starts_on=START)
    prescription = person.prescription_on(10)

    # when they log a set per side and finish the session
    response = post_log(
        person.http,
        log_body(
            person,
            TODAY,
            set_row(prescription, "left", hold_seconds=12, rpe=6),
            set_row(prescription, "right", hold_seconds=9, rpe=7, load="2.5", note="wobbly"),
            status="done",
            effort=6,
        ),
    )

    # then the session is done, with both sides as logged, at the client's stage, on time
    assert response.status_code == 201
    session = response.json()
    assert (session["client"], session["assignment"], session["on"]) == (
        person.client.pk,
        person.assignment.pk,
        "2027-03-10",
    )
    assert (session["day_number"], session["status"], session["effort"]) == (10, "done", 6)
    assert session["completed_at"] is not None
    assert (session["is_late"], session["entered_by_coach"]) == (False, False)
    assert [
        (s["side"], s["hold_seconds"], s["rpe"], s["load"], s["load_unit"], s["note"])
        for s in session["sets"]
    ] == [("left", 12, 6, None, "", ""), ("right", 9, 7, "2.5", "lb", "wobbly")]
    assert {s["stage"] for s in session["sets"]} == {rung(person.exercise, 1).pk}
    stored = SetLog.objects.get(side="right")
    assert stored.prescribed["stage"]["name"] == "Stage 1"
    assert stored.prescribed["hold_seconds"] == 10


def test_a_second_log_of_the_day_adds_to_its_session(coach) -> None:
    person = trainee(coach, starts_on=START)
    prescription = person.prescription_on(10)
    http = person.http

    first = post_log(http, log_body(person, TODAY, set_row(prescription, "left"))).json()
    second = post_log(http, log_body(person, TODAY, set_row(prescription, "right"))).json()

    assert first["id"] == second["id"]
    assert [s["side"] for s in second["sets"]] == ["left", "right"]
    assert SessionLog.objects.count() == 1


def test_a_past_day_is_logged_late(coach) -> None:
    person = trainee(coach, starts_on=START)

    response = post_log(
        person.http, log_body(person, date(2027, 3, 8), set_row(person.prescription_on(8), "left"))
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["day_number"], body["is_late"]) == (8, True)
    assert [s["is_late"] for s in body["sets"]] == [True]


def test_a_coach_logs_a_session_for_a_client_without_a_login(coach) -> None:
    # given a client without a login who reported their session by message
    person = trainee(coach, starts_on=START)
    person.client.user = None
    person.client.save()

    # when the coach enters it
    response = post_log(
        browser(coach.user),
        log_body(person, TODAY, set_row(person.prescription_on(10), "both"), status="done"),
    )

    # then it is stored for the client, marked as entered by the coach
    assert response.status_code == 201
    body = response.json()
    assert (body["client"], body["status"], body["entered_by_coach"]) == (
        person.client.pk,
        "done",
        True,
    )
    assert body["sets"][0]["entered_by_coach"] is True
    assert SessionLog.objects.get().entered_by == coach.user


def test_a_set_sent_again_with_its_client_uuid_is_stored_once(coach) -> None:
    person = trainee(coach, starts_on=START)
    row = set_row(person.prescription_on(10), "left", client_uuid=str(uuid.uuid4()))

    first = post_log(person.http, log_body(person, TODAY, row))
    again = post_log(person.http, log_body(person, TODAY, row))

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["sets"] == first.json()["sets"]
    assert SetLog.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"set": {"load": "-5"}}, "sets.1.load"),
        ({"set": {"form": 6}}, "sets.1.form"),
        ({"set": {"rpe": 0}}, "sets.1.rpe"),
        ({"set": {"side": "middle"}}, "sets.1.side"),
        ({"set": {"reps": -1}}, "sets.1.reps"),
        ({"set": {"prescription": 10**6}}, "sets.1.prescription"),
        ({"on": "2027-02-28"}, "on"),  # the day before the program starts
        ({"on": "2027-03-11"}, "on"),  # tomorrow
        ({"on": "2027-02-30"}, "on"),
        ({"status": "finished"}, "status"),
        ({"status": "skipped"}, "skip_reason"),
        ({"effort": 11}, "effort"),
    ],
)
def test_a_bad_value_is_a_400_naming_it_and_nothing_is_stored(
    coach, change: dict, field: str
) -> None:
    # given a log of two sets, one of them or the session with a bad value
    person = trainee(coach, starts_on=START)
    prescription = person.prescription_on(10)
    good, bad = set_row(prescription, "left"), set_row(prescription, "right")
    bad.update(change.pop("set", {}))
    body = {**log_body(person, TODAY, good, bad), **change}

    # when it is sent
    response = post_log(person.http, body)

    # then it is refused, the message under the bad field, and nothing at all is stored
    assert response.status_code == 400
    assert_error_shape(response.json(), flat_fields=True)
    assert list(response.json()["fields"]) == [field]
    assert not SessionLog.objects.exists()
    assert not SetLog.objects.exists()


def test_a_body_that_is_not_a_log_is_a_400(coach) -> None:
    person = trainee(coach, starts_on=START)
    row = set_row(person.prescription_on(10), "left")

    too_many = post_log(person.http, log_body(person, TODAY, *[row] * 201))
    not_a_list = post_log(person.http, {**log_body(person, TODAY), "sets": "left"})
    a_list = person.http.post(LOGS, [row], content_type="application/json")

    assert [r.status_code for r in (too_many, not_a_list, a_list)] == [400, 400, 400]
    assert list(too_many.json()["fields"]) == ["sets"]
    assert list(not_a_list.json()["fields"]) == ["sets"]
    assert_error_shape(a_list.json(), flat_fields=True)
    assert not SessionLog.objects.exists()


def test_no_one_else_reads_or_writes_a_clients_logs(coach) -> None:
    # given a client with a logged session, another client of the same coach, and a coach of
    # another practice
    person = trainee(coach, starts_on=START)
    session = post_log(
        person.http, log_body(person, TODAY, set_row(person.prescription_on(10), "left"))
    ).json()
    set_url = f"{SET_LOGS}{session['sets'][0]['id']}/"
    session_url = f"{LOGS}{session['id']}/"
    neighbour = browser(ClientFactory.create(with_login=True, coach=coach).user)
    stranger = browser(CoachFactory.create().user)

    for other in (neighbour, stranger):
        # then they do not see it in the list, and reach neither the session nor its set
        assert other.get(LOGS).json()["count"] == 0
        assert other.get(LOGS, {"client": person.client.pk}).json()["count"] == 0
        for url in (session_url, set_url):
            assert other.get(url).status_code == 404
            assert patch(other, url, {"note": "mine", "coach_comment": "x"}).status_code == 404
            assert other.delete(url).status_code == 404
        # nor log into the client's program: its id reads as one that does not exist
        row = set_row(person.prescription_on(10), "right")
        refused = post_log(other, log_body(person, TODAY, row))
        assert refused.status_code == 400
        assert refused.json()["fields"] == {"assignment": ["Choose one of this client's programs."]}

    # and the log is as it was
    assert SetLog.objects.alive().count() == 1
    assert SessionLog.objects.get().note == ""
    assert SessionLog.objects.get().coach_comment == ""


def test_the_coach_reads_and_comments_and_only_the_client_changes_the_log(coach) -> None:
    person = trainee(coach, starts_on=START)
    session = post_log(
        person.http, log_body(person, TODAY, set_row(person.prescription_on(10), "left"))
    ).json()
    url = f"{LOGS}{session['id']}/"
    set_url = f"{SET_LOGS}{session['sets'][0]['id']}/"
    coach_http = browser(coach.user)

    # the coach reads it and comments
    assert coach_http.get(url).json()["sets"] == session["sets"]
    commented = patch(coach_http, url, {"coach_comment": "Good balance."})
    assert (commented.status_code, commented.json()["coach_comment"]) == (200, "Good balance.")
    # but cannot change what the client did, nor delete it
    assert patch(coach_http, url, {"note": "Tired."}).status_code == 403
    assert patch(coach_http, set_url, {"reps": 3}).status_code == 403
    assert coach_http.delete(url).status_code == 403
    assert coach_http.delete(set_url).status_code == 403
    # the client changes their own, but not the coach's comment
    assert patch(person.http, url, {"coach_comment": "Great!"}).status_code == 403
    changed = patch(person.http, url, {"note": "Tired.", "effort": 7, "status": "partial"})
    assert changed.status_code == 200
    assert (changed.json()["note"], changed.json()["effort"], changed.json()["status"]) == (
        "Tired.",
        7,
        "partial",
    )
    stored = SessionLog.objects.get()
    assert (stored.coach_comment, stored.note, SetLog.objects.get().reps) == (
        "Good balance.",
        "Tired.",
        None,
    )


def test_the_client_corrects_and_deletes_a_set(coach) -> None:
    person = trainee(coach, starts_on=START)
    http = person.http
    session = post_log(
        http,
        log_body(
            person,
            TODAY,
            set_row(person.prescription_on(10), "left"),
            set_row(person.prescription_on(10), "right"),
        ),
    ).json()
    left, right = (f"{SET_LOGS}{s['id']}/" for s in session["sets"])

    corrected = patch(http, left, {"hold_seconds": 14, "form": 5})
    refused = patch(http, left, {"form": 6})
    deleted = http.delete(right)

    assert (corrected.status_code, corrected.json()["hold_seconds"]) == (200, 14)
    assert refused.status_code == 400
    assert list(refused.json()["fields"]) == ["form"]
    assert deleted.status_code == 204
    assert http.get(right).status_code == 404
    shown = http.get(f"{LOGS}{session['id']}/").json()
    assert [(s["side"], s["hold_seconds"], s["form"]) for s in shown["sets"]] == [("left", 14, 5)]
    assert SetLog.objects.get(side="right").deleted_at is not None


def test_a_deleted_log_is_gone_from_the_list_but_shown_to_updated_since_readers(coach) -> None:
    # given two logged days, and a reader that synced before the client deletes one
    person = trainee(coach, starts_on=START)
    http = person.http
    kept, dropped = (
        post_log(http, log_body(person, on, set_row(person.prescription_on(on.day), "left"))).json()
        for on in (date(2027, 3, 9), TODAY)
    )
    synced_at = datetime(2027, 3, 10, 18, 30, tzinfo=UTC)

    # when the client deletes one, an hour later
    with time_machine.travel(synced_at + timedelta(hours=1), tick=False):
        assert person.http.delete(f"{LOGS}{dropped['id']}/").status_code == 204
        listed = person.http.get(LOGS).json()
        since = person.http.get(LOGS, {"updated_since": synced_at.isoformat()}).json()

    # then the list has the other day only, and the sync reader is told of the deletion
    assert [s["id"] for s in listed["results"]] == [kept["id"]]
    (deletion,) = since["results"]
    assert deletion["id"] == dropped["id"]
    assert deletion["deleted_at"] is not None
    assert [s["deleted_at"] is not None for s in deletion["sets"]] == [True]
    assert person.http.get(f"{LOGS}{dropped['id']}/").status_code == 404


def test_a_corrected_set_brings_its_session_to_updated_since_readers(coach) -> None:
    person = trainee(coach, starts_on=START)
    session = post_log(
        person.http, log_body(person, TODAY, set_row(person.prescription_on(10), "left"))
    ).json()
    later = datetime(2027, 3, 10, 20, 0, tzinfo=UTC)

    with time_machine.travel(later, tick=False):
        patch(person.http, f"{SET_LOGS}{session['sets'][0]['id']}/", {"hold_seconds": 20})
        since = person.http.get(LOGS, {"updated_since": later.isoformat()}).json()
    before = person.http.get(LOGS, {"updated_since": "2027-03-10T21:00:00Z"}).json()

    assert [(s["id"], s["sets"][0]["hold_seconds"]) for s in since["results"]] == [
        (session["id"], 20)
    ]
    assert before["count"] == 0


def test_the_list_filters_by_client_exercise_and_dates(coach) -> None:
    # given two clients of the coach, one logging two exercises on different days
    person = trainee(coach, starts_on=START)
    other = trainee(coach, starts_on=START, exercise=person.exercise)
    side_plank = one_sided_hold(coach, name="Side plank")
    person.assignment.program.days.get(number=8).prescriptions.create(exercise=side_plank, order=2)
    plank_day = person.assignment.program.days.get(number=8).prescriptions.get(order=2)
    for who, on, prescription in (
        (person, date(2027, 3, 8), plank_day),
        (person, date(2027, 3, 9), person.prescription_on(9)),
        (other, date(2027, 3, 9), other.prescription_on(9)),
    ):
        post_log(who.http, log_body(who, on, set_row(prescription, "left")))
    coach_http = browser(coach.user)

    def days(**query: str | int) -> list[tuple[int, str]]:
        results = coach_http.get(LOGS, query).json()["results"]
        return [(r["client"], r["on"]) for r in results]

    mine, theirs = person.client.pk, other.client.pk
    assert days() == [(theirs, "2027-03-09"), (mine, "2027-03-09"), (mine, "2027-03-08")]
    assert days(client=mine) == [(mine, "2027-03-09"), (mine, "2027-03-08")]
    assert days(exercise=side_plank.pk) == [(mine, "2027-03-08")]
    assert days(date_from="2027-03-09") == [(theirs, "2027-03-09"), (mine, "2027-03-09")]
    assert days(date_to="2027-03-08") == [(mine, "2027-03-08")]
    assert days(client=theirs, date_from="2027-03-01", date_to="2027-03-31") == [
        (theirs, "2027-03-09")
    ]
    # and the client sees only their own
    assert {r["client"] for r in person.http.get(LOGS).json()["results"]} == {mine}
    # a filter that is not a number or a date is a 400, not an empty list
    for bad in ({"client": "x"}, {"date_from": "March"}, {"updated_since": "soon"}):
        response = coach_http.get(LOGS, bad)
        assert response.status_code == 400, bad
        assert list(response.json()["fields"]) == list(bad)


def _many_sessions(person, count: int) -> None:  # type: ignore[no-untyped-def]
    sessions = SessionLog.objects.bulk_create(
        SessionLog(client=person.client, assignment=person.assignment, on=TODAY - timedelta(n))
        for n in range(count)
    )
    SetLog.objects.bulk_create(
        SetLog(
            session=s, exercise=person.exercise, stage=None, set_number=1, side=side, entered_by=u
        )
        for s in sessions
        for side, u in (("left", person.client.user), ("right", None))
    )


def test_the_list_is_paginated_and_costs_the_same_for_1_or_50_sessions(
    coach, django_assert_num_queries
) -> None:
    start = TODAY - timedelta(days=79)
    person = trainee(coach, starts_on=start, length_days=90)
    many = trainee(coach, starts_on=start, length_days=90, exercise=person.exercise)
    _many_sessions(person, 1)
    _many_sessions(many, 80)
    coach_http = browser(coach.user)
    coach_http.get(LOGS)

    response, queries = get_counting_queries(coach_http, LOGS, {"client": person.client.pk})
    with django_assert_num_queries(queries):
        page = coach_http.get(LOGS, {"client": many.client.pk}).json()

    assert response.json()["count"] == 1
    assert (page["count"], len(page["results"])) == (80, 50)
    assert all(len(s["sets"]) == 2 for s in page["results"])
    second = coach_http.get(page["next"]).json()
    assert len(second["results"]) == 30
    assert second["results"][-1]["on"] == start.isoformat()


def test_the_answer_to_a_log_is_the_session_as_a_read_gives_it(coach) -> None:
    # given a day with a set logged, one deleted and the session skipped
    person = trainee(coach, starts_on=START)
    prescription = person.prescription_on(10)
    first = post_log(
        person.http,
        log_body(
            person,
            TODAY,
            set_row(prescription, "left"),
            set_row(prescription, "right"),
            status="skipped",
            skip_reason="sore knee",
        ),
    ).json()
    gone = person.http.delete(f"{SET_LOGS}{first['sets'][1]['id']}/")
    assert gone.status_code == 204

    # when the client logs one more set that day, and then their coach another
    # then each answer is the session as a read of it gives it, with the same tag: the sets
    # not deleted, in order, and the session open again
    answers = []
    for http, row, more in (
        (person.http, set_row(prescription, "left", note="b"), {}),
        (browser(coach.user), set_row(prescription, "right", reps=3), {}),
        # every kind of value a set and a session hold: a load, a device's id, an effort
        (
            person.http,
            set_row(
                prescription,
                "left",
                load="12.5",
                load_unit="kg",
                rpe=7,
                client_uuid="0b7e6c52-3f1a-4d5e-9c8b-2a1f0e9d8c7b",
            ),
            {"effort": 6, "note": "heavy legs"},
        ),
    ):
        answer = post_log(http, log_body(person, TODAY, row, **more))
        assert answer.status_code == 201
        read = http.get(f"{LOGS}{first['id']}/")
        assert answer.json() == read.json()
        assert answer["ETag"] == read["ETag"]
        answers.append(answer)
    body = answers[-1].json()
    assert [s["note"] for s in body["sets"]] == ["", "b", "", ""]
    assert [s["entered_by_coach"] for s in body["sets"]] == [False, False, True, False]
    assert (body["sets"][-1]["load"], body["sets"][-1]["load_unit"]) == ("12.5", "kg")
    assert body["sets"][-1]["client_uuid"] == "0b7e6c52-3f1a-4d5e-9c8b-2a1f0e9d8c7b"
    assert (body["effort"], body["note"], body["status"]) == (6, "heavy legs", "open")


def test_a_log_costs_the_same_few_queries_for_a_first_or_a_tenth_set(coach) -> None:
    # given two clients on the same routine, one with a day of nine sets already
    person = trainee(coach, starts_on=START)
    busy = trainee(coach, starts_on=START, exercise=person.exercise)
    for number in range(9):
        row = set_row(busy.prescription_on(10), "left", set_number=number + 1)
        assert post_log(busy.http, log_body(busy, TODAY, row)).status_code == 201
    yesterday = log_body(
        person, TODAY - timedelta(days=1), set_row(person.prescription_on(9), "left")
    )
    assert post_log(person.http, yesterday).status_code == 201

    # when each logs one set
    first_http, busy_http = person.http, busy.http
    first_body = log_body(person, TODAY, set_row(person.prescription_on(10), "left"))
    tenth_body = log_body(busy, TODAY, set_row(busy.prescription_on(10), "left", set_number=10))
    with CaptureQueriesContext(connection) as first_context:
        first = post_log(first_http, first_body)
    with CaptureQueriesContext(connection) as tenth_context:
        tenth = post_log(busy_http, tenth_body)

    # then both are stored and answered with the same few queries: the session made for the
    # first (and its day looked up), found for the tenth
    assert (first.status_code, tenth.status_code) == (201, 201)
    assert (len(first.json()["sets"]), len(tenth.json()["sets"])) == (1, 10)
    made, found = database_queries(first_context), database_queries(tenth_context)
    assert len(made) == len(found) + 2, (made, found)
    assert len(found) <= 12, "\n".join(found)


def test_the_answer_to_a_log_shows_a_change_made_meanwhile_by_another_request(
    coach, monkeypatch
) -> None:
    # given a client's day with a set logged
    person = trainee(coach, starts_on=START)
    prescription = person.prescription_on(10)
    first = post_log(person.http, log_body(person, TODAY, set_row(prescription, "left"))).json()
    logged = services._set_logged

    def commented_meanwhile(*args: Any, **kwargs: Any) -> Any:
        # the coach's comment, stored by another request while this one works
        SessionLog.objects.filter(pk=first["id"]).update(coach_comment="Nice and steady.")
        return logged(*args, **kwargs)

    monkeypatch.setattr(services, "_set_logged", commented_meanwhile)

    # when the client logs another set and finishes the day
    answer = post_log(
        person.http, log_body(person, TODAY, set_row(prescription, "right"), status="done")
    )

    # then the answer shows the session as it now is, comment and all, under a read's tag
    assert answer.status_code == 201
    read = person.http.get(f"{LOGS}{first['id']}/")
    assert answer.json()["coach_comment"] == "Nice and steady."
    assert answer.json() == read.json()
    assert answer["ETag"] == read["ETag"]
