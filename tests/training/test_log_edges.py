"""Edges of logging: ended programs, deleted sessions, odd input that must never be a 500."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from coach.errors import DomainError
from programs import services as program_services
from tests.training.api_support import browser, set_row, trainee
from training import services
from training.models import ClientStage, SessionLog, SetLog
from training.selectors import daily_plans

pytestmark = pytest.mark.django_db

TODAY = date(2027, 3, 10)


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel("2027-03-10 12:00:00+00:00", tick=False):
        yield


def _prescription(person, on):  # type: ignore[no-untyped-def]
    return daily_plans(client=person.client, on=on)[0].items[0].prescription


def test_a_cancelled_program_takes_no_logs_after_it_ended(coach) -> None:
    person = trainee(coach, starts_on=TODAY - timedelta(days=9))
    prescription = _prescription(person, TODAY - timedelta(days=6))
    program_services.assignment_cancel(
        coach=coach, assignment=person.assignment, on=TODAY - timedelta(days=5)
    )
    with pytest.raises(DomainError) as error:
        services.set_log_create(
            by=person.client.user,  # type: ignore[arg-type]
            client=person.client,
            assignment=person.assignment,
            on=TODAY,
            prescription_id=prescription.pk,
            data={"side": "left", "hold_seconds": 10},
        )
    assert error.value.field == "on"
    # a day before it ended can still be logged
    services.set_log_create(
        by=person.client.user,  # type: ignore[arg-type]
        client=person.client,
        assignment=person.assignment,
        on=TODAY - timedelta(days=6),
        prescription_id=prescription.pk,
        data={"side": "left", "hold_seconds": 10},
    )
    assert SetLog.objects.count() == 1


def test_deleting_a_session_withdraws_the_readiness_it_showed(coach) -> None:
    person = trainee(coach, starts_on=TODAY - timedelta(days=9))
    for days_ago in (3, 2, 1):
        on = TODAY - timedelta(days=days_ago)
        prescription = _prescription(person, on)
        for side in ("left", "right"):
            services.set_log_create(
                by=person.client.user,  # type: ignore[arg-type]
                client=person.client,
                assignment=person.assignment,
                on=on,
                prescription_id=prescription.pk,
                data={"side": side, "hold_seconds": 10, "form": 5},
            )
    row = ClientStage.objects.get(client=person.client)
    assert row.ready_since is not None

    services.session_log_delete(session=SessionLog.objects.order_by("-on")[0])

    row.refresh_from_db()
    assert row.ready_since is None
    assert row.ready_evidence == []


def test_sets_beyond_any_person_are_refused_on_every_database(coach) -> None:
    person = trainee(coach, starts_on=TODAY - timedelta(days=2))
    prescription = _prescription(person, TODAY)
    api = browser(person.client.user)
    for field, value in (("reps", 10**6), ("hold_seconds", 10**9), ("set_number", 10**4)):
        response = api.post(
            "/api/v1/logs/",
            {
                "assignment": person.assignment.pk,
                "on": TODAY.isoformat(),
                "sets": [set_row(prescription, "left", **{field: value})],
            },
            content_type="application/json",
        )
        assert response.status_code == 400, field
    assert not SetLog.objects.exists()


def test_odd_input_is_refused_not_a_server_error(coach) -> None:
    person = trainee(coach, starts_on=TODAY - timedelta(days=2))
    api = browser(person.client.user)
    # a superscript digit as the exercise of the plain form
    page = api.post(
        "/me/log/set/",
        {"assignment": person.assignment.pk, "on": TODAY.isoformat(), "prescription": "²"},
    )
    assert page.status_code in (302, 400)
    # a file sent with an idempotency key
    note = SimpleUploadedFile("a.txt", b"x")
    upload = api.post(
        "/api/v1/logs/",
        {"assignment": person.assignment.pk, "on": TODAY.isoformat(), "note": note},
        headers={"Idempotency-Key": "upload-1"},
    )
    assert upload.status_code < 500
    # a key with a control character
    bad_key = api.post(
        "/api/v1/logs/",
        {"assignment": person.assignment.pk, "on": TODAY.isoformat()},
        content_type="application/json",
        headers={"Idempotency-Key": "a\tb"},
    )
    assert bad_key.status_code == 400


def test_a_coach_comment_with_a_nul_character_is_kept_without_it(coach) -> None:
    person = trainee(coach, starts_on=TODAY - timedelta(days=2))
    session = services.session_log_save(
        by=person.client.user,  # type: ignore[arg-type]
        client=person.client,
        assignment=person.assignment,
        on=TODAY,
        data={"status": "done"},
    )
    services.session_log_comment(session=session, comment="Good\x00 work")
    session.refresh_from_db()
    assert session.coach_comment == "Good work"


def test_an_archived_client_is_neither_logged_for_nor_moved(coach) -> None:
    from coach import services as coach_services

    person = trainee(coach, starts_on=TODAY - timedelta(days=2))
    prescription = _prescription(person, TODAY)
    coach_services.client_archive(client=person.client)
    with pytest.raises(DomainError, match="Restore this client"):
        services.set_log_create(
            by=coach.user,
            client=person.client,
            assignment=person.assignment,
            on=TODAY,
            prescription_id=prescription.pk,
            data={"side": "left", "hold_seconds": 10},
        )
    with pytest.raises(DomainError, match="Restore this client"):
        services.client_stage_step(
            by=coach.user, client=person.client, exercise=person.exercise, up=True
        )
    assert not SetLog.objects.exists()
