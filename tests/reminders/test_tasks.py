"""The reminder tasks as the worker and beat load them."""

from typing import Any

import pytest
from celery.schedules import crontab
from django.conf import settings

from coach.celery import app
from reminders import services
from reminders.tasks import reminders_dispatch_task, reminders_send_task


def test_beat_runs_the_dispatcher_every_minute_and_only_it() -> None:
    entries = [
        entry
        for entry in app.conf.beat_schedule.values()
        if entry["task"] == "reminders.tasks.reminders_dispatch_task"
    ]

    assert len(entries) == 1, "beat does not run the reminder dispatcher (coach/celery.py)"
    assert entries[0]["schedule"] == crontab()  # every minute of every hour
    # no entry per client: the one dispatcher finds who is due
    assert not any(
        e["task"] == "reminders.tasks.reminders_send_task" for e in app.conf.beat_schedule.values()
    )


def test_the_tasks_are_registered_under_their_names() -> None:
    app.loader.import_default_modules()
    assert reminders_dispatch_task.name in app.tasks
    assert reminders_send_task.name in app.tasks


def test_the_sender_retries_only_transient_mail_errors_with_backoff_and_jitter() -> None:
    task: Any = reminders_send_task
    assert task.autoretry_for == (services.TransientMailError,)
    assert task.max_retries == settings.REMINDERS_MAX_RETRIES
    assert task.retry_backoff == settings.REMINDERS_RETRY_BACKOFF
    assert task.retry_jitter is True
    assert task.soft_time_limit < task.time_limit
    # a reminder left "sending" is given up on only once no sender can still hold it
    assert settings.REMINDERS_SENDING_STALE.total_seconds() > task.time_limit


@pytest.mark.django_db
def test_sends_queue_behind_everything_else(
    monkeypatch, settings, django_capture_on_commit_callbacks
) -> None:
    # On Redis priority 0 is served first and 9 last: a minute with a large batch of reminders
    # must not hold up the next minute's dispatch, an invite or a digest.
    from reminders import services as reminder_services

    queued: list[tuple[list[int], int]] = []
    monkeypatch.setattr(
        reminders_send_task,
        "apply_async",
        lambda args, priority: queued.append((args[0], priority)),
    )
    settings.REMINDERS_CHUNK_SIZE = 2

    with django_capture_on_commit_callbacks(execute=True):
        reminder_services._queue_on_commit([1, 2, 3])

    assert queued == [([1, 2], 9), ([3], 9)]
