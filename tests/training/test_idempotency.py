"""A create retried with its Idempotency-Key header returns the first response, stores nothing
twice, and refuses the key for another request; keys belong to one user each."""

import threading
import time
import uuid
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client as HttpClient

from tests.conftest import assert_error_shape, require
from tests.training.api_support import browser, log_body, post_log, set_row, trainee
from training import services
from training.models import IdempotencyKey, SessionLog, SetLog

TODAY = date(2027, 3, 10)
START = date(2027, 3, 1)


@pytest.fixture
def person(coach):  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime(2027, 3, 10, 18, 0, tzinfo=UTC), tick=False):
        yield trainee(coach, starts_on=START)


def _both_sides(person) -> dict:  # type: ignore[no-untyped-def]
    prescription = person.prescription_on(10)
    return log_body(
        person, TODAY, set_row(prescription, "left"), set_row(prescription, "right"), effort=5
    )


@pytest.mark.django_db
def test_the_same_key_twice_stores_one_log_and_returns_the_first_response(person) -> None:
    http = person.http
    body = _both_sides(person)

    first = post_log(http, body, key="3f0c6a1e-day-10")
    again = post_log(http, body, key="3f0c6a1e-day-10")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert (SessionLog.objects.count(), SetLog.objects.count()) == (1, 2)
    # without the key, the same body is a new request: two more sets
    assert post_log(http, body).status_code == 201
    assert SetLog.objects.count() == 4


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_a_409_and_stores_nothing(person) -> None:
    http = person.http
    body = _both_sides(person)
    post_log(http, body, key="day-10")

    other = post_log(http, {**body, "effort": 9}, key="day-10")

    assert other.status_code == 409
    assert_error_shape(other.json())
    assert other.json()["code"] == "idempotency_key_reused"
    assert SessionLog.objects.get().effort == 5
    assert SetLog.objects.count() == 2


@pytest.mark.django_db
def test_the_order_of_the_keys_in_the_body_does_not_make_another_request(person) -> None:
    body = _both_sides(person)
    reordered = dict(reversed(list(body.items())))

    post_log(person.http, body, key="k")
    again = post_log(person.http, reordered, key="k")

    assert again.status_code == 201
    assert SetLog.objects.count() == 2


@pytest.mark.django_db
def test_keys_belong_to_one_user(coach, person) -> None:
    # given the client and their coach each log with the same key
    body = _both_sides(person)
    mine = post_log(person.http, body, key="same")
    coachs = post_log(browser(coach.user), body, key="same")

    # then both are carried out: the coach's key is not the client's
    assert (mine.status_code, coachs.status_code) == (201, 201)
    assert SetLog.objects.count() == 4
    assert IdempotencyKey.objects.filter(key="same").count() == 2


@pytest.mark.django_db
def test_a_refused_request_keeps_no_key_so_it_can_be_corrected(person) -> None:
    http = person.http
    body = _both_sides(person)
    bad = {**body, "effort": 0}

    refused = post_log(http, bad, key="fix-me")
    corrected = post_log(http, body, key="fix-me")

    assert (refused.status_code, corrected.status_code) == (400, 201)
    assert SetLog.objects.count() == 2


@pytest.mark.django_db
def test_a_key_that_is_empty_or_too_long_is_a_400(person) -> None:
    for key in ("   ", "k" * 256):
        response = post_log(person.http, _both_sides(person), key=key)
        assert response.status_code == 400
        assert list(response.json()["fields"]) == ["Idempotency-Key"]
    assert not SessionLog.objects.exists()


def _at_once(user, send_one, monkeypatch) -> list:  # type: ignore[no-untyped-def]
    """Run `send_one(http)` in two threads at the same moment, each on its own database
    connection, with every set taking a while to store (so that the two overlap)."""
    # The race needs two connections that block each other: PostgreSQL, not SQLite in memory.
    require(connection.vendor == "postgresql", "needs DATABASE_URL=postgres://… (run by .ci/run)")
    create = services.set_log_create

    def slow_create(**kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.3)
        return create(**kwargs)

    monkeypatch.setattr(services, "set_log_create", slow_create)
    start = threading.Barrier(2)
    responses = []

    def send() -> None:
        try:
            http = HttpClient()
            http.force_login(user)
            start.wait()
            responses.append(send_one(http))
        finally:
            connection.close()

    # The clock stays at the fixture's time in every thread.
    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return responses


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_identical_requests_at_the_same_moment_store_one_log(person, monkeypatch) -> None:
    # when the same request is sent twice at once, with its key
    body = _both_sides(person)
    responses = _at_once(
        person.client.user, lambda http: post_log(http, body, key="sent-twice"), monkeypatch
    )

    # then both get the one response, and the log is stored once
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert sorted(r.has_header("Idempotent-Replayed") for r in responses) == [False, True]
    assert (SessionLog.objects.count(), SetLog.objects.count()) == (1, 2)
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_set_sent_twice_at_once_with_its_client_uuid_is_stored_once(person, monkeypatch) -> None:
    # when a set with its device id is sent twice at once, without a key
    row = set_row(person.prescription_on(10), "left", client_uuid=str(uuid.uuid4()))
    body = log_body(person, TODAY, row)
    responses = _at_once(person.client.user, lambda http: post_log(http, body), monkeypatch)

    # then both are answered with that one set
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json()["sets"] == responses[1].json()["sets"]
    assert (SessionLog.objects.count(), SetLog.objects.count()) == (1, 1)
