"""A task through a real Celery worker process on the real broker (not eager mode)."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.db import connection

from coach import services
from coach.celery import app as celery_app
from coach.models import Invite
from tests.coach.factories import ClientFactory
from tests.conftest import require, uses_real_services

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _wait_for(predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


@pytest.fixture
def worker(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A `celery worker` subprocess on the test database; yields the folder mail is written to."""
    require(
        uses_real_services(),
        "needs DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://… (run by .ci/run)",
    )
    test_db_url = (
        urlparse(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"])
    ).geturl()
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DATABASE_URL": test_db_url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "VAR_DIR": str(tmp_path / "var"),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "coach", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        yield mail_dir
    finally:
        celery_app.conf.task_always_eager = True
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output)  # shown by pytest when the test fails


def test_invite_email_is_delivered_by_a_real_worker(worker: Path) -> None:
    # given a client of a coach
    client = ClientFactory.create(name="Wren Walker", email="wren@example.org")

    # when the coach sends an invite (queued on commit to the broker)
    invite = services.invite_create(client=client, base_url="https://coach.example/")

    # then a separate worker process sends the e-mail and records it
    assert _wait_for(lambda: worker.exists() and any(worker.iterdir()), timeout=60), (
        "the worker sent no e-mail within 60 s"
    )
    message = next(worker.iterdir()).read_text()
    assert "wren@example.org" in message
    assert "https://coach.example/invite/" in message
    assert _wait_for(
        lambda: Invite.objects.filter(pk=invite.pk, sent_at__isnull=False).exists(), timeout=10
    )
