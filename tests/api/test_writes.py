"""Writes through the API with a read-and-write token: an exercise, a program (nested, then part
by part), a client, an assignment (created, paused, resumed, cancelled) and logs (a retry with
the same Idempotency-Key stores nothing twice)."""

from datetime import UTC, datetime, timedelta

import pytest

from coach.models import Coach
from programs.models import Assignment, Program
from tests.api.support import (
    ASSIGNMENTS,
    BLOCKS,
    CLIENTS,
    DAYS,
    EXERCISES,
    LOGS,
    PRESCRIPTIONS,
    PROGRAMS,
    send,
    token_client,
)
from tests.coach.factories import client_data
from tests.exercises.factories import exercise_data
from tests.training.api_support import trainee
from training.models import SessionLog, SetLog

pytestmark = pytest.mark.django_db


def test_a_token_builds_a_program_and_gives_it_to_a_client(coach: Coach) -> None:
    http = token_client(coach.user)
    today = datetime.now(UTC).date()

    exercise = send(http, "POST", EXERCISES, exercise_data("Split squat")).json()
    assert exercise["stages"]
    program = send(
        http,
        "POST",
        PROGRAMS,
        {
            "name": "Legs",
            "kind": "routine",
            "length_days": 3,
            "days": [
                {
                    "number": 1,
                    "title": "A",
                    "prescriptions": [{"exercise": exercise["id"], "sets": 2}],
                }
            ],
            "blocks": [{"name": "Base", "focus": "strength", "start": 1, "end": 2}],
        },
    )
    assert program.status_code == 201, program.content
    body = program.json()
    day_one, day_two = body["days"][0], body["days"][1]
    assert [p["exercise"] for p in day_one["prescriptions"]] == [exercise["id"]]

    # part by part
    added = send(http, "POST", PRESCRIPTIONS, {"day": day_two["id"], "exercise": exercise["id"]})
    dose = send(http, "PATCH", f"{PRESCRIPTIONS}{added.json()['id']}/", {"sets": 4})
    titled = send(http, "PATCH", f"{DAYS}{day_two['id']}/", {"title": "B"})
    block = send(
        http, "POST", BLOCKS, {"program": body["id"], "name": "Peak", "start": 3, "end": 3}
    )
    assert [added.status_code, dose.status_code, titled.status_code, block.status_code] == [
        201,
        200,
        200,
        201,
    ]
    shown = http.get(f"{PROGRAMS}{body['id']}/").json()
    assert shown["days"][1]["title"] == "B"
    assert shown["days"][1]["prescriptions"][0]["sets"] == 4
    assert [b["name"] for b in shown["blocks"]] == ["Base", "Peak"]

    # a client, then the program given to them
    client = send(http, "POST", CLIENTS, client_data(name="Ana"))
    renamed = send(http, "PATCH", f"{CLIENTS}{client.json()['id']}/", {"name": "Ana Ruiz"})
    assert (client.status_code, renamed.json()["name"]) == (201, "Ana Ruiz")
    assigned = send(
        http,
        "POST",
        ASSIGNMENTS,
        {
            "client": client.json()["id"],
            "program": body["id"],
            "starts_on": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert assigned.status_code == 201, assigned.content
    row = assigned.json()
    assert (row["client"], row["template"], row["status"]) == (
        client.json()["id"],
        body["id"],
        "active",
    )
    assert assigned["ETag"] == http.get(f"{ASSIGNMENTS}{row['id']}/")["ETag"]
    # the client's copy, not the template, is what they follow
    assert Program.objects.get(pk=row["program"]).is_template is False

    url = f"{ASSIGNMENTS}{row['id']}/"
    paused = send(http, "POST", f"{url}pause/", {"on": today.isoformat()})
    resumed = send(http, "POST", f"{url}resume/", {"on": (today + timedelta(days=2)).isoformat()})
    cancelled = send(http, "POST", f"{url}cancel/", {})
    assert [paused.json()["status"], resumed.json()["status"], cancelled.json()["status"]] == [
        "paused",
        "active",
        "cancelled",
    ]
    assert Assignment.objects.get(pk=row["id"]).status == Assignment.Status.CANCELLED


def test_a_read_only_token_cannot_write(coach: Coach) -> None:
    http = token_client(coach.user, scope="read")

    refused = send(http, "POST", CLIENTS, client_data())

    assert refused.status_code == 403
    assert http.get(CLIENTS).status_code == 200


def test_a_log_sent_twice_with_one_key_is_stored_once(coach: Coach) -> None:
    person = trainee(coach, starts_on=datetime.now(UTC).date() - timedelta(days=2))
    http = token_client(coach.user)
    body = {
        "assignment": person.assignment.pk,
        "on": datetime.now(UTC).date().isoformat(),
        "sets": [
            {
                "prescription": person.prescription_on(3).pk,
                "side": "left",
                "hold_seconds": 12,
                "client_uuid": "7f1a2b3c-0000-4000-8000-000000000001",
            }
        ],
    }

    first = http.post(
        LOGS, body, content_type="application/json", headers={"Idempotency-Key": "k1"}
    )
    retry = http.post(
        LOGS, body, content_type="application/json", headers={"Idempotency-Key": "k1"}
    )

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert (SessionLog.objects.count(), SetLog.objects.count()) == (1, 1)
