"""Builders shared by the tests of the client-training API: a one-sided hold on a two-rung
ladder, a routine of it given to a client with a login, and requests to the endpoints."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.test import Client as HttpClient

from coach.models import Client, Coach, User
from exercises.models import Exercise, Stage
from programs.models import Assignment, Prescription, Program
from tests.coach.factories import ClientFactory
from tests.exercises.factories import ExerciseFactory
from tests.programs.factories import assign, routine

LOGS = "/api/v1/logs/"
SET_LOGS = "/api/v1/set-logs/"


def plan_url(client: Client) -> str:
    return f"/api/v1/clients/{client.pk}/plan/"


def stages_url(client: Client) -> str:
    return f"/api/v1/clients/{client.pk}/stages/"


def browser(user: User | None) -> HttpClient:
    """A test browser logged in as `user` from now: log in after moving the clock, since a
    login made before would have expired by then."""
    assert user is not None
    http = HttpClient()
    http.force_login(user)
    return http


def one_sided_hold(coach: Coach, **data: Any) -> Exercise:
    """A one-sided hold on two rungs: rung 1 is 2 sets × 7 per side, hold 10 s, rest 30 s and
    asks for 3 sessions to move up; rung 2 is 3 × 8, hold 20 s, rest 60 s."""
    return ExerciseFactory.create(
        owner=coach,
        name=data.pop("name", "Wall single-leg hold"),
        laterality=Exercise.Laterality.UNILATERAL,
        measurement=Exercise.Measurement.HOLD,
        stages=2,
        **data,
    )


def rung(exercise: Exercise, order: int) -> Stage:
    return exercise.stages.get(order=order)


def routine_of(coach: Coach, exercise: Exercise, *, length_days: int) -> Program:
    """A routine with the exercise on every day, at the client's own stage and its dose."""
    program = routine(coach, length_days=length_days, name=f"{length_days}-day routine")
    Prescription.objects.bulk_create(
        Prescription(day=day, exercise=exercise, order=1) for day in program.days.all()
    )
    return program


@dataclass
class Trainee:
    """A client with a login on a routine, and that routine's one prescription a day."""

    client: Client
    assignment: Assignment
    exercise: Exercise

    @property
    def http(self) -> HttpClient:
        """A test browser logged in as the client."""
        return browser(self.client.user)

    def prescription_on(self, number: int) -> Prescription:
        return Prescription.objects.get(day__program=self.assignment.program, day__number=number)


def trainee(
    coach: Coach,
    *,
    starts_on: date,
    length_days: int = 30,
    time_zone: str = "UTC",
    exercise: Exercise | None = None,
    **client_data: Any,
) -> Trainee:
    exercise = exercise or one_sided_hold(coach)
    person = ClientFactory.create(with_login=True, coach=coach, time_zone=time_zone, **client_data)
    (assignment,) = assign(
        coach,
        routine_of(coach, exercise, length_days=length_days),
        starts_on=starts_on,
        clients=[person],
    )
    return Trainee(client=person, assignment=assignment, exercise=exercise)


def set_row(prescription: Prescription, side: str, **data: Any) -> dict[str, Any]:
    """One set as the API takes it: set 1 held 10 s at good form unless told otherwise."""
    return {
        "prescription": prescription.pk,
        "set_number": 1,
        "side": side,
        "hold_seconds": 10,
        "form": 4,
        **data,
    }


def log_body(person: Trainee, on: date, *sets: dict[str, Any], **data: Any) -> dict[str, Any]:
    return {"assignment": person.assignment.pk, "on": on.isoformat(), "sets": list(sets), **data}


def post_log(http: HttpClient, body: dict[str, Any], *, key: str | None = None) -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return http.post(LOGS, body, content_type="application/json", headers=headers)


def patch(http: HttpClient, url: str, body: dict[str, Any]) -> Any:
    return http.patch(url, body, content_type="application/json")
