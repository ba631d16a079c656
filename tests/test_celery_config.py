"""The Celery app's configuration as the worker and beat load it (from the CELERY_ settings).

task_always_eager is switched on for the test session by tests/conftest.py, so it is not checked.
"""

from datetime import timedelta

import pytest
from celery import Celery
from celery.schedules import crontab, schedule

import coach
from coach.celery import app

OWN_TASK_PREFIXES = ("coach.", "exercises.", "programs.", "training.", "reminders.")


@pytest.fixture(scope="module")
def registered_tasks() -> dict:
    # What a worker does at start-up: import every app's tasks module.
    app.loader.import_default_modules()
    return dict(app.tasks)


def test_the_package_exposes_the_app_for_celery_dash_a():
    assert isinstance(app, Celery)
    assert app.main == "coach"
    assert coach.celery_app is app


def test_messages_are_json_only():
    assert app.conf.task_serializer == "json"
    assert app.conf.result_serializer == "json"
    assert list(app.conf.accept_content) == ["json"]


def test_tasks_have_a_soft_limit_below_the_hard_limit():
    soft, hard = app.conf.task_soft_time_limit, app.conf.task_time_limit
    assert soft is not None
    assert hard is not None
    assert 0 < soft < hard


def test_a_task_is_acknowledged_after_it_ran_and_one_at_a_time():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_beat_runs_in_utc():
    assert app.conf.timezone == "UTC"
    assert app.conf.enable_utc is True


def test_the_broker_comes_from_the_django_settings(settings):
    assert app.conf.broker_url == settings.CELERY_BROKER_URL


def test_the_project_tasks_are_discovered(registered_tasks):
    assert "coach.tasks.sessions_clear_expired_task" in registered_tasks
    assert "coach.tasks.invite_send_task" in registered_tasks


def test_every_beat_entry_names_a_registered_task(registered_tasks):
    # given
    beat_schedule = app.conf.beat_schedule

    # then
    assert beat_schedule, "the beat schedule is empty"
    for entry_name, entry in beat_schedule.items():
        assert entry["task"] in registered_tasks, (
            f"beat entry {entry_name!r} names {entry['task']!r}, which no worker would run"
        )
        assert isinstance(entry["schedule"], crontab | schedule | timedelta), entry_name


def test_every_project_task_name_ends_with_task(registered_tasks):
    # given
    own = [name for name in registered_tasks if name.startswith(OWN_TASK_PREFIXES)]

    # then
    assert own, "no project task is registered"
    misnamed = [name for name in own if not name.endswith("_task")]
    assert misnamed == []
