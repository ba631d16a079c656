"""The guarantees, on PostgreSQL with real Celery workers on Redis and a real SMTP server started
here: (a) two dispatchers at once send one e-mail per client; (b) a worker killed in mid-batch
leaves every reminder not yet started to be sent, none twice, and at most the one in flight
"unknown"; (c) a mail server that refuses and then recovers gets it on a retry; (e) after an
hour without dispatching, the missed reminders go out, on their day and at most three hours
late, never a day late. (d), the daylight-saving changes, is in test_dst.py."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections

from coach.celery import app as celery_app
from coach.models import Client, Coach
from reminders.models import Reminder
from reminders.services import reminders_dispatch
from tests.conftest import require, uses_real_services
from tests.reminders.smtp_sink import Sink, start_sink
from tests.reminders.support import client_on, wall_hold_routine
from tests.test_worker import _wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
Start = Callable[[], "subprocess.Popen[str]"]


def _zone_at(hour: int, now: datetime) -> str:
    """A fixed-offset zone whose clock shows `hour` o'clock at `now`."""
    offset = (hour - now.hour) % 24
    if offset > 14:
        offset -= 24
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # POSIX signs are inverted


def _due(now: datetime, zone: str, ago: timedelta) -> clock:
    """The reminder time, in `zone`, that fell `ago` before `now`."""
    return (now - ago).astimezone(ZoneInfo(zone)).time().replace(second=0, microsecond=0)


def _clients(coach: Coach, count: int, *, zone: str, at: clock, now: datetime) -> list[Client]:
    """Clients on day 2 of a routine, in `zone`, reminded at `at`."""
    program = wall_hold_routine(coach, length_days=7)
    yesterday = now.astimezone(ZoneInfo(zone)).date() - timedelta(days=1)
    return [
        client_on(coach, program, starts_on=yesterday, time_zone=zone, at=at) for _ in range(count)
    ]


def _statuses() -> dict[str, int]:
    found: dict[str, int] = {}
    for status in Reminder.objects.values_list("status", flat=True):
        found[status] = found.get(status, 0) + 1
    return found


@pytest.fixture
def sink() -> Iterator[Sink]:
    require(
        uses_real_services(),
        "needs DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://… (run by .ci/run)",
    )
    controller, found = start_sink()
    yield found
    found.released.set()
    controller.stop()


@pytest.fixture
def workers(sink: Sink, tmp_path: Path) -> Iterator[Start]:
    """Starts `celery worker` processes on the test database, sending to the sink."""
    test_db_url = (
        urlparse(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"])
    ).geturl()
    env = {
        **os.environ,
        "DATABASE_URL": test_db_url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "VAR_DIR": str(tmp_path / "var"),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    started: list[subprocess.Popen[str]] = []

    def start() -> "subprocess.Popen[str]":
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "coach", "worker", "--pool=solo",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
             "-n", f"reminders{len(started)}@%h"],
            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        started.append(process)
        return process

    try:
        yield start
    finally:
        celery_app.conf.task_always_eager = True
        sink.released.set()
        for process in started:
            if process.poll() is None:
                process.send_signal(signal.SIGQUIT)  # a cold shutdown: the work is done
            try:
                output, _ = process.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                output, _ = process.communicate()
            print(output)  # shown by pytest when the test fails


def test_a_two_dispatchers_at_the_same_moment_send_one_email_per_client(
    coach: Coach, sink: Sink, workers: Start
) -> None:
    # given 20 clients whose reminder time was a minute ago
    now = datetime.now(UTC)
    zone = _zone_at(12, now)
    clients = _clients(coach, 20, zone=zone, at=_due(now, zone, timedelta(minutes=1)), now=now)
    workers()

    # when two dispatchers run at the same moment, each with its own connection
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            reminders_dispatch(now=now)
        except BaseException as error:  # pragma: no cover - shown below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    # then each client gets one e-mail
    assert sink.wait_for(20, timeout=60), sink.recipients()
    assert _wait_for(lambda: _statuses() == {"sent": 20}, timeout=20), _statuses()
    time.sleep(1)  # nothing more comes
    assert sink.recipients() == {client.email: 1 for client in clients}


def test_b_a_worker_killed_in_mid_batch_leaves_nothing_unsent_and_nothing_twice(
    coach: Coach, sink: Sink, workers: Start
) -> None:
    # given 30 clients due, and a mail server that keeps the 11th message's sender waiting
    now = datetime.now(UTC)
    zone = _zone_at(12, now)
    clients = _clients(coach, 30, zone=zone, at=_due(now, zone, timedelta(minutes=1)), now=now)
    sink.hold_after = 10
    first = workers()
    reminders_dispatch(now=now)

    # when the worker is killed while it hands that message over
    assert sink.holding.wait(timeout=60), "the worker never reached the 11th message"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    sink.released.set()
    assert _statuses() == {"sent": 10, "sending": 1, "pending": 19}

    # and a new worker runs while the dispatcher, minutes later, recovers the batch
    workers()
    later = datetime.now(UTC) + timedelta(minutes=11)
    result = reminders_dispatch(now=later)
    assert (result.unknown, result.requeued) == (1, 19)

    # then every reminder not yet started went out, none twice; the one in flight is unknown
    assert _wait_for(lambda: _statuses() == {"sent": 29, "unknown": 1}, timeout=60), _statuses()
    time.sleep(1)
    assert sink.recipients() == {client.email: 1 for client in clients}


def test_c_a_mail_server_that_refuses_then_recovers_gets_it_on_a_retry(
    coach: Coach, sink: Sink, workers: Start
) -> None:
    now = datetime.now(UTC)
    zone = _zone_at(12, now)
    (client,) = _clients(coach, 1, zone=zone, at=_due(now, zone, timedelta(minutes=1)), now=now)
    sink.refuse = 1
    workers()

    reminders_dispatch(now=now)

    assert sink.wait_for(1, timeout=60), "nothing arrived"
    assert _wait_for(lambda: _statuses() == {"sent": 1}, timeout=20), _statuses()
    reminder = Reminder.objects.get()
    assert reminder.attempts == 2
    assert sink.recipients() == {client.email: 1}


def test_e_an_hour_without_dispatching_the_missed_ones_go_out_within_three_hours_on_their_day(
    coach: Coach, sink: Sink, workers: Start
) -> None:
    now = datetime.now(UTC)
    noon, midnight = _zone_at(12, now), _zone_at(0, now)
    # due an hour ago, on today's date where it is now midday
    (late,) = _clients(coach, 1, zone=noon, at=_due(now, noon, timedelta(hours=1)), now=now)
    # due four hours ago: past the three hours
    (too_late,) = _clients(coach, 1, zone=noon, at=_due(now, noon, timedelta(hours=4)), now=now)
    # due an hour ago where it is now just after midnight: that was yesterday
    (yesterday,) = _clients(
        coach, 1, zone=midnight, at=_due(now, midnight, timedelta(hours=1)), now=now
    )
    # the dispatcher ran five hours ago, then not again until now
    reminders_dispatch(now=now - timedelta(hours=5))
    workers()

    reminders_dispatch(now=now)

    assert sink.wait_for(1, timeout=60), "nothing arrived"
    assert _wait_for(lambda: _statuses() == {"sent": 1, "skipped": 2}, timeout=20), _statuses()
    time.sleep(1)
    assert sink.recipients() == {late.email: 1}
    sent = Reminder.objects.get(client=late)
    assert sent.on == now.astimezone(ZoneInfo(noon)).date()
    assert timedelta(0) < sent.sent_at - sent.due_at <= timedelta(hours=3)  # type: ignore[operator]
    for missed in (too_late, yesterday):
        reminder = Reminder.objects.get(client=missed)
        assert reminder.status == "skipped"
        assert "too late" in reminder.reason
