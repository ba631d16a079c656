"""What the API convention tests share: JSON requests, bearer-token clients and a small
program with a day, a prescription and a block."""

import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client as HttpClient

from coach.models import Coach, User
from coach.tokens import token_create
from exercises.models import Exercise
from programs import services as program_services
from programs.models import Block, Day, Prescription, Program
from tests.exercises.factories import ExerciseFactory
from tests.programs.factories import add, day, plan

PROGRAMS = "/api/v1/programs/"
DAYS = "/api/v1/program-days/"
PRESCRIPTIONS = "/api/v1/prescriptions/"
BLOCKS = "/api/v1/blocks/"
CLIENTS = "/api/v1/clients/"
EXERCISES = "/api/v1/exercises/"
ASSIGNMENTS = "/api/v1/assignments/"
LOGS = "/api/v1/logs/"
RUNS = "/api/v1/runs/"


def send(http: HttpClient, method: str, path: str, body: Any = None, **headers: str) -> Any:
    """A JSON request; `headers` by their HTTP names with _ for - (If_Match="...")."""
    extra = {name.replace("_", "-"): value for name, value in headers.items()}
    data = json.dumps(body, cls=DjangoJSONEncoder) if body is not None else ""
    return http.generic(method, path, data, content_type="application/json", headers=extra)


def token_client(user: User, *, scope: str = "write", name: str = "Sync") -> HttpClient:
    """A client that sends a bearer token of `user` on every request."""
    _, secret = token_create(user=user, name=name, scope=scope)
    return HttpClient(headers={"Authorization": f"Bearer {secret}"})


@dataclass
class Parts:
    program: Program
    day: Day
    prescription: Prescription
    block: Block
    exercise: Exercise


def program_with_parts(coach: Coach) -> Parts:
    """A 2-week plan of the coach's with one exercise on day 1 and a block."""
    exercise = ExerciseFactory.create(owner=coach)
    program = plan(coach, weeks=2, weekdays=[0, 3], name="Legs")
    prescription = add(coach, program, 1, exercise, sets=3)
    block = program_services.block_create(
        coach=coach,
        program=program,
        data={"name": "Base", "focus": "strength", "start": 1, "end": 1},
    )
    program.refresh_from_db()
    return Parts(program, day(program, 1), prescription, block, exercise)


def program_etag(http: HttpClient, program: Program) -> str:
    response = http.get(f"{PROGRAMS}{program.pk}/")
    assert response.status_code == 200
    return str(response["ETag"])
