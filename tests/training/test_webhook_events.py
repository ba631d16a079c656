"""The services announce what happened to the coach's webhooks: a logged set, a finished
session, a move up a ladder and a program's end, each once."""

from datetime import UTC, datetime, timedelta

import pytest

from coach.models import WebhookDelivery
from programs.models import Assignment
from programs.services import assignments_complete_due
from tests.coach.api_access_factories import WebhookEndpointFactory
from tests.training.test_today_page import (  # noqa: F401 - fixtures used by name
    LOG_SESSION,
    LOG_SET,
    START,
    TODAY,
    _noon_on_12_march,
    ivy,
    on_wall_month,
    set_form,
    wall_month,
)
from training.services import client_stage_step

pytestmark = pytest.mark.django_db

EVENTS = ["log.created", "session.completed", "stage.advanced", "assignment.completed"]


def events_sent() -> list[str]:
    return list(WebhookDelivery.objects.order_by("id").values_list("event", flat=True))


@pytest.fixture
def endpoint(wall_month):  # noqa: F811
    return WebhookEndpointFactory.create(coach=wall_month[0], events=EVENTS)


def test_a_logged_set_and_a_finished_session_are_announced_once(
    client,
    endpoint,
    on_wall_month,  # noqa: F811
) -> None:
    client.post(LOG_SET, set_form(on_wall_month))
    finish = {"assignment": on_wall_month.pk, "on": TODAY.isoformat(), "status": "done"}
    client.post(LOG_SESSION, finish)
    client.post(LOG_SESSION, {**finish, "note": "Felt steady."})  # changed, not finished again

    assert events_sent() == ["log.created", "session.completed"]
    logged = WebhookDelivery.objects.get(event="log.created")
    assert logged.payload["client"]["name"] == "Ivy Park"
    assert logged.payload["set_log"]["side"] == "left"


def test_a_move_up_is_announced(endpoint, wall_month, ivy) -> None:  # noqa: F811
    coach, program = wall_month
    hold = program.days.get(number=1).prescriptions.get().exercise

    client_stage_step(by=coach.user, client=ivy, exercise=hold, up=True, reason="Ready")

    assert events_sent() == ["stage.advanced"]


def test_a_programs_end_is_announced_once(endpoint, on_wall_month) -> None:  # noqa: F811
    after_the_end = datetime.combine(START + timedelta(days=31), datetime.min.time(), UTC)

    assignments_complete_due(now=after_the_end)
    assignments_complete_due(now=after_the_end + timedelta(hours=1))

    assert Assignment.objects.get(pk=on_wall_month.pk).status == Assignment.Status.COMPLETED
    assert events_sent() == ["assignment.completed"]
