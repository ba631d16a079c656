"""The sender: one connection per chunk, each reminder claimed before it goes to the mail server
and recorded after; transient failures retried, permanent ones recorded with why; a reminder
found half-sent is never sent again; one left pending is queued again."""

import smtplib
from datetime import date, timedelta

import pytest
from django.core import mail

from reminders.models import Reminder
from reminders.services import reminders_dispatch, reminders_send
from reminders.tasks import reminders_send_task
from tests.reminders.factories import ReminderFactory
from tests.reminders.mailbox import scripted
from tests.reminders.support import client_on, local, wall_hold_routine

pytestmark = pytest.mark.django_db
START = date(2027, 3, 1)
SEVEN = local("Europe/Berlin", 2027, 3, 1, 7, 0)


@pytest.fixture
def due(coach, time_machine):  # type: ignore[no-untyped-def]
    """Three clients whose reminders are due now, created but not yet sent: their ids."""
    program = wall_hold_routine(coach, length_days=7)
    for _ in range(3):
        client_on(coach, program, starts_on=START)
    time_machine.move_to(SEVEN, tick=False)
    reminders_dispatch(now=SEVEN)  # the sends would be queued after the commit
    return list(Reminder.objects.order_by("pk").values_list("pk", flat=True))


@pytest.fixture
def retries_in_process():  # type: ignore[no-untyped-def]
    """A task's retries run in this process at once (they are not raised to the test)."""
    from coach.celery import app

    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


def _statuses() -> list[tuple[str, int]]:
    return [(r.status, r.attempts) for r in Reminder.objects.order_by("pk")]


def test_a_chunk_goes_out_over_one_connection(settings, due) -> None:
    backend = scripted(settings)

    reminders_send_task.delay(due)

    assert backend.opened == 1
    assert len(mail.outbox) == 3
    assert _statuses() == [("sent", 1)] * 3


@pytest.mark.usefixtures("retries_in_process")
def test_a_server_that_asks_to_try_later_gets_it_on_a_retry(settings, due) -> None:
    backend = scripted(settings, None, smtplib.SMTPDataError(451, b"Try again later"))

    reminders_send_task.delay(due)

    # the first went out, the second was refused then sent on the retry, with the third
    assert [m.to for m in mail.outbox] == [
        [r.client.email] for r in Reminder.objects.order_by("pk")
    ]
    assert _statuses() == [("sent", 1), ("sent", 2), ("sent", 1)]
    assert backend.opened == 2


@pytest.mark.usefixtures("retries_in_process")
def test_a_server_that_cannot_be_reached_is_retried(settings, due) -> None:
    scripted(settings, ConnectionRefusedError(111, "Connection refused"))

    reminders_send_task.delay(due)

    assert len(mail.outbox) == 3


def test_a_refused_address_fails_with_why_and_the_rest_go_out(settings, due) -> None:
    refused = smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"No such mailbox")})
    scripted(settings, refused)

    reminders_send_task.delay(due)

    first = Reminder.objects.order_by("pk").first()
    assert first is not None
    assert first.status == "failed"
    assert first.reason == "The mail server did not take it: 550 No such mailbox"
    assert _statuses()[1:] == [("sent", 1), ("sent", 1)]


@pytest.mark.usefixtures("retries_in_process")
def test_the_last_retry_that_fails_marks_it_failed(settings, due) -> None:
    failures = [smtplib.SMTPServerDisconnected("Connection unexpectedly closed")] * 10
    scripted(settings, *failures)

    reminders_send_task.delay(due[:1])

    (reminder,) = Reminder.objects.filter(pk=due[0])
    assert reminder.status == "failed"
    assert reminder.attempts == 1 + settings.REMINDERS_MAX_RETRIES
    assert "Connection unexpectedly closed" in reminder.reason
    assert mail.outbox == []


def test_reminders_already_sent_or_in_another_senders_hands_are_left_alone(settings, due) -> None:
    scripted(settings)
    Reminder.objects.filter(pk=due[0]).update(status="sent")
    Reminder.objects.filter(pk=due[1]).update(status="sending", sending_at=SEVEN)

    result = reminders_send(reminder_ids=due)

    assert result == {"sent": 1}
    assert [m.to for m in mail.outbox] == [[Reminder.objects.get(pk=due[2]).client.email]]
    assert [s for s, _ in _statuses()] == ["sent", "sending", "sent"]


def test_a_reminder_left_sending_by_a_stopped_sender_is_unknown_and_never_resent(
    settings, due, time_machine
) -> None:
    scripted(settings)
    Reminder.objects.filter(pk=due[0]).update(status="sending", sending_at=SEVEN)

    # ten minutes on, the dispatcher gives up on it
    later = SEVEN + settings.REMINDERS_SENDING_STALE + timedelta(seconds=1)
    time_machine.move_to(later, tick=False)
    assert reminders_dispatch(now=later).unknown == 1
    reminders_send(reminder_ids=due)

    unknown = Reminder.objects.get(pk=due[0])
    assert unknown.status == "unknown"
    assert "may or may not have arrived" in unknown.reason
    assert len(mail.outbox) == 2


def test_reminders_still_pending_minutes_later_are_queued_again(
    settings, due, time_machine, django_capture_on_commit_callbacks
) -> None:
    scripted(settings)
    later = SEVEN + settings.REMINDERS_REQUEUE_AFTER + timedelta(seconds=1)
    time_machine.move_to(later, tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        result = reminders_dispatch(now=later)

    assert result.requeued == 3
    assert len(mail.outbox) == 3


def test_a_reminder_that_can_no_longer_go_out_in_time_is_skipped(
    settings, due, time_machine
) -> None:
    scripted(settings)
    time_machine.move_to(SEVEN + timedelta(hours=3), tick=False)

    reminders_send(reminder_ids=due)

    assert mail.outbox == []
    assert {r.reason for r in Reminder.objects.all()} == {
        "Not sent: it could not go out within three hours of its time, on its day."
    }


def test_a_reminder_for_a_client_without_a_program_is_skipped(settings) -> None:
    scripted(settings)
    reminder = ReminderFactory.create()

    reminders_send(reminder_ids=[reminder.pk])

    reminder.refresh_from_db()
    assert (reminder.status, reminder.reason) == ("skipped", "Not sent: no current program.")
