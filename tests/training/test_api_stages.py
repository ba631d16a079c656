"""/api/v1/clients/{id}/stages/: where a client stands on each ladder; the coach moves them."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from exercises.models import Stage
from tests.coach.factories import ClientFactory, CoachFactory
from tests.conftest import assert_error_shape
from tests.training.api_support import (
    browser,
    log_body,
    one_sided_hold,
    plan_url,
    post_log,
    rung,
    set_row,
    stages_url,
    trainee,
)
from training.models import ClientStage, StageChange

pytestmark = pytest.mark.django_db

START = date(2027, 3, 1)


@pytest.fixture(autouse=True)
def _morning_of_10_march():  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime(2027, 3, 10, 8, 0, tzinfo=UTC), tick=False):
        yield


def move(http, person, **body):  # type: ignore[no-untyped-def]
    return http.post(
        stages_url(person.client),
        {"exercise": person.exercise.pk, **body},
        content_type="application/json",
    )


def test_the_coach_moves_a_client_up_and_the_next_plan_shows_the_new_stage(coach) -> None:
    # given a client on rung 1
    person = trainee(coach, starts_on=START)
    coach_http = browser(coach.user)

    # when the coach moves them one step up
    response = move(coach_http, person, step="up", reason="Steady for two weeks")

    # then they stand on rung 2, with the move in their history
    assert response.status_code == 200
    body = response.json()
    assert (body["exercise"], body["stage"], body["stage_name"]) == (
        person.exercise.pk,
        rung(person.exercise, 2).pk,
        "Stage 2",
    )
    assert (body["ready_since"], body["ready_evidence"]) == (None, [])
    change = StageChange.objects.get()
    assert (change.from_stage, change.to_stage, change.changed_by, change.reason) == (
        rung(person.exercise, 1),
        rung(person.exercise, 2),
        coach.user,
        "Steady for two weeks",
    )
    # and the client's plan has rung 2's dose, with a note that the coach moved them
    (item,) = person.http.get(plan_url(person.client)).json()["assignments"][0]["items"]
    assert item["stage"]["name"] == "Stage 2"
    assert item["dose"]["text"] == "3 sets × 8 per side, hold 20 s, rest 60 s"
    assert (item["moved"]["from"]["name"], item["moved"]["to"]["name"]) == ("Stage 1", "Stage 2")
    assert item["moved"]["at"].startswith("2027-03-10T08:00:00")


def test_the_coach_steps_a_client_back_down(coach) -> None:
    person = trainee(coach, starts_on=START)
    coach_http = browser(coach.user)
    move(coach_http, person, stage=rung(person.exercise, 2).pk)

    response = move(coach_http, person, step="down", reason="Knee sore")

    assert response.json()["stage"] == rung(person.exercise, 1).pk
    history = StageChange.objects.select_related("from_stage", "to_stage")
    assert [(c.from_stage, c.to_stage.order, c.reason) for c in history] == [
        (rung(person.exercise, 2), 1, "Knee sore"),
        (rung(person.exercise, 1), 2, ""),
    ]
    (item,) = person.http.get(plan_url(person.client)).json()["assignments"][0]["items"]
    assert item["stage"]["name"] == "Stage 1"
    assert item["dose"]["text"] == "2 sets × 7 per side, hold 10 s, rest 30 s"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"step": "down"}, "stage"),  # already on the first rung
        ({"step": "sideways"}, "step"),
        ({}, "stage"),  # neither a stage nor a step
        ({"step": "up", "stage": "mine"}, "stage"),
        ({"stage": "other exercise"}, "stage"),
        ({"exercise": "another practice's", "step": "up"}, "exercise"),
    ],
)
def test_a_move_that_cannot_be_made_is_a_400_and_changes_nothing(
    coach, body: dict, field: str
) -> None:
    person = trainee(coach, starts_on=START)
    if body.get("stage") == "mine":
        body["stage"] = rung(person.exercise, 2).pk
    if body.get("stage") == "other exercise":
        body["stage"] = rung(one_sided_hold(coach, name="Side plank"), 2).pk
    if body.get("exercise") == "another practice's":
        body["exercise"] = one_sided_hold(CoachFactory.create()).pk

    response = move(browser(coach.user), person, **body)

    assert response.status_code == 400
    assert_error_shape(response.json(), flat_fields=True)
    assert list(response.json()["fields"]) == [field]
    assert not StageChange.objects.exists()
    assert not ClientStage.objects.exists()


def test_the_client_reads_their_stages_but_only_the_coach_moves_them(coach) -> None:
    person = trainee(coach, starts_on=START)
    move(browser(coach.user), person, step="up")

    listed = person.http.get(stages_url(person.client))
    refused = move(person.http, person, step="down")

    assert listed.status_code == 200
    assert [(row["exercise_name"], row["stage_order"]) for row in listed.json()] == [
        ("Wall single-leg hold", 2)
    ]
    assert refused.status_code == 403
    assert ClientStage.objects.get().stage == rung(person.exercise, 2)


def test_no_one_else_reads_or_moves_a_clients_stages(coach) -> None:
    person = trainee(coach, starts_on=START)
    neighbour = browser(ClientFactory.create(with_login=True, coach=coach).user)
    stranger = browser(CoachFactory.create().user)

    for other in (neighbour, stranger):
        assert other.get(stages_url(person.client)).status_code == 404
        assert move(other, person, step="up").status_code == 404
    assert not StageChange.objects.exists()


def test_a_move_retried_with_its_idempotency_key_moves_once(coach) -> None:
    person = trainee(coach, starts_on=START)
    coach_http = browser(coach.user)

    def send():  # type: ignore[no-untyped-def]
        return coach_http.post(
            stages_url(person.client),
            {"exercise": person.exercise.pk, "step": "up"},
            content_type="application/json",
            headers={"Idempotency-Key": "advance-1"},
        )

    first, again = send(), send()

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert StageChange.objects.count() == 1
    assert ClientStage.objects.get().stage == rung(person.exercise, 2)


def _log_days(person, days: range, *, left: int, right: int) -> None:  # type: ignore[no-untyped-def]
    for number in days:
        prescription = person.prescription_on(number)
        response = post_log(
            person.http,
            log_body(
                person,
                date(2027, 3, number),
                set_row(prescription, "left", hold_seconds=left, form=4),
                set_row(prescription, "right", hold_seconds=right, form=4),
                status="done",
            ),
        )
        assert response.status_code == 201


def test_readiness_shows_after_enough_good_sessions_and_not_with_a_side_lagging(coach) -> None:
    # given rung 1 asks for 3 sessions at form 4 or better with a left/right gap of at most 10%
    exercise = one_sided_hold(coach)
    Stage.objects.filter(pk=rung(exercise, 1).pk).update(
        criteria_sessions=3, criteria_min_form=4, criteria_max_gap_pct=10
    )
    balanced = trainee(coach, starts_on=START, exercise=exercise)
    lagging = trainee(coach, starts_on=START, exercise=exercise)
    coach_http = browser(coach.user)

    # when one client logs two good sessions, then a third (all late, on past days)
    _log_days(balanced, range(6, 8), left=30, right=29)
    (after_two,) = coach_http.get(stages_url(balanced.client)).json()
    _log_days(balanced, range(8, 9), left=30, right=28)
    # and the other logs three with the right side 10 s short of the left
    _log_days(lagging, range(6, 9), left=30, right=20)

    # then the first is ready, with the three sessions as evidence; the second is not
    assert after_two["ready_since"] is None
    (ready,) = coach_http.get(stages_url(balanced.client)).json()
    assert ready["ready_since"].startswith("2027-03-10T08:00:00")
    assert [(e["on"], e["late"]) for e in ready["ready_evidence"]] == [
        ("2027-03-08", True),
        ("2027-03-07", True),
        ("2027-03-06", True),
    ]
    (gap,) = coach_http.get(stages_url(lagging.client)).json()
    assert (gap["stage_order"], gap["ready_since"], gap["ready_evidence"]) == (1, None, [])
    # and the client sees their own readiness too
    assert balanced.http.get(stages_url(balanced.client)).json()[0]["ready_since"] is not None
