"""Shared test set-up. The environment the settings read is set in pyproject.toml (pytest-env)."""

import os
import shutil
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

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


@pytest.fixture
def api(coach_client):
    """The same logged-in client, by the name the API tests use."""
    return coach_client


@pytest.fixture
def library(db):
    """The seeded shared exercise library."""
    from exercises.services import library_seed

    library_seed()


@pytest.fixture
def sample_library(coach):
    """A small controlled library: two shared exercises (one with a stage), the coach's own
    lunge (two stages), sprint (none) and archived drill, and another coach's drill."""
    from tests.coach.factories import CoachFactory
    from tests.exercises.factories import ExerciseFactory, StageFactory

    ExerciseFactory.create(
        owner=None,
        name="Hinge drill",
        category="stability",
        laterality="bilateral",
        regions=["hamstrings"],
        equipment=["dowel"],
    )
    balance = ExerciseFactory.create(
        owner=None,
        name="Balance hold",
        category="stability",
        laterality="unilateral",
        regions=["ankles"],
        equipment=["balance-pad"],
    )
    StageFactory.create(exercise=balance, order=1)
    lunge = ExerciseFactory.create(
        owner=coach,
        name="My lunge",
        summary="Step forward and sink.",
        category="strength",
        laterality="alternating",
        regions=["quads", "glutes"],
        equipment=["dumbbell"],
    )
    StageFactory.create(exercise=lunge, order=1)
    StageFactory.create(exercise=lunge, order=2)
    ExerciseFactory.create(
        owner=coach, name="My sprint", category="power", laterality="bilateral", regions=["quads"]
    )
    ExerciseFactory.create(
        owner=coach, name="My archived drill", archived_at="2024-01-01T00:00:00Z"
    )
    ExerciseFactory.create(
        owner=CoachFactory.create(), name="Their secret drill", category="strength"
    )


def api_url(base: str, pk: int, action: str = "") -> str:
    """A row of an API resource, or one of its actions: `/api/v1/clients/7/invite/`."""
    return f"{base}{pk}/{action + '/' if action else ''}"


def assert_error_shape(body: dict[str, Any], *, flat_fields: bool = True) -> None:
    """The API's one error shape: a code, a message and the messages by field, each field's
    messages a list of text (an input inside a list is named by its dotted path)."""
    assert set(body) == {"code", "message", "fields"}
    assert isinstance(body["code"], str)
    assert body["code"]
    assert isinstance(body["message"], str)
    assert body["message"]
    assert isinstance(body["fields"], dict)
    if flat_fields:
        for messages in body["fields"].values():
            assert isinstance(messages, list)
            assert all(isinstance(message, str) for message in messages)


def get_counting_queries(
    client: Client, path: str, data: Any = None, *, cache: bool = True
) -> tuple[Any, int]:
    """GET `path` and check it answers 200: the response and the number of queries it took
    (without the cache's own with `cache=False`: see `database_queries`)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, data)
    assert response.status_code == 200
    return response, len(queries) if cache else len(database_queries(queries))


def database_queries(context: CaptureQueriesContext) -> list[str]:
    """The statements run, but the cache's own (a table in the embedded default, one statement
    per entry where Redis takes one round trip for many) and the savepoints around them."""
    return [
        q["sql"]
        for q in context.captured_queries
        if "coach_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]


# --- factories: running indicators -----------------------------------------------------------
# Imported by tests as `from tests.conftest import RunMetricFactory`.

import datetime as _datetime  # noqa: E402
from decimal import Decimal as _Decimal  # noqa: E402

import factory  # noqa: E402

from training.models import RunImportMapping, RunMetric  # noqa: E402


class RunMetricFactory(factory.django.DjangoModelFactory[RunMetric]):
    """A run a few days ago with all three figures."""

    class Meta:
        model = RunMetric

    client = factory.SubFactory("tests.coach.factories.ClientFactory")
    on = factory.Sequence(lambda n: _datetime.date(2027, 1, 1) + _datetime.timedelta(days=n))
    cadence_spm = 170
    ground_contact_ms = 250
    stride_length_m = _Decimal("1.10")


class RunImportMappingFactory(factory.django.DjangoModelFactory[RunImportMapping]):
    class Meta:
        model = RunImportMapping

    user = factory.SubFactory("tests.coach.factories.UserFactory")
    columns = factory.LazyFunction(lambda: {"on": "Date", "cadence_spm": "Cadence"})
    units = factory.LazyFunction(lambda: {"stride": "m", "date_format": "iso"})
