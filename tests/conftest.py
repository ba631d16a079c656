"""Shared test set-up. The environment the settings read is set in pyproject.toml (pytest-env)."""

import os
import shutil

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip when a service or tool is missing; in CI a missing one is a failure instead."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI needs this to run: {reason}")
    pytest.skip(reason)


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


def uses_real_services() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")) and (
        os.environ.get("CELERY_BROKER_URL", "").startswith("redis")
    )


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Argon2 is the production hasher (asserted in test_settings); tests need speed.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    """Tasks run in-process unless a test asks for the real worker."""
    from coach.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def coach(db):
    from tests.coach.factories import CoachFactory

    return CoachFactory()


@pytest.fixture
def coach_client(client, coach):
    """Django's test client, logged in as `coach`."""
    client.force_login(coach.user)
    return client
