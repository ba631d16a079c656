"""An id in a body (or a filter) that the caller cannot use, another practice's exercise,
client, program, day, stage or assignment, is refused with the same 400, code and message as an
id that names nothing at all: never ignored, and never a sign that the row exists."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client as HttpClient

from coach.models import Coach
from exercises.models import Exercise
from programs.models import Assignment, Block, Prescription, Program
from tests.api.support import (
    ASSIGNMENTS,
    BLOCKS,
    CLIENTS,
    EXERCISES,
    LOGS,
    PRESCRIPTIONS,
    PROGRAMS,
    RUNS,
    program_with_parts,
    send,
)
from tests.coach.factories import ClientFactory, CoachFactory
from tests.conftest import assert_error_shape
from tests.exercises.factories import ExerciseFactory
from tests.training.api_support import trainee
from training.models import RunMetric, SessionLog

pytestmark = pytest.mark.django_db

MISSING = 987_654  # an id no row has


class World:
    """The coach's own rows beside another practice's."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach
        self.mine = program_with_parts(coach)
        self.theirs_coach = CoachFactory.create()
        self.theirs = program_with_parts(self.theirs_coach)
        self.their_stage = ExerciseFactory.create(owner=self.theirs_coach, stages=2).stages.first()
        self.their_client = ClientFactory.create(coach=self.theirs_coach)
        self.client = ClientFactory.create(coach=coach)
        today = datetime.now(UTC).date()
        self.person = trainee(coach, starts_on=today - timedelta(days=3))
        self.their_person = trainee(self.theirs_coach, starts_on=today - timedelta(days=3))
        self.today = today


@pytest.fixture
def world(coach: Coach) -> World:
    return World(coach)


Request = Callable[[HttpClient, Any], Any]


def stage_id(world: World, which: str) -> int:
    assert world.their_stage is not None
    return world.their_stage.pk if which == "theirs" else MISSING


# Each case: the field named, and a request given the id to try (another practice's or none).
CASES: dict[str, tuple[str, Callable[[World, str], Any]]] = {
    "a new prescription's day": (
        "day",
        lambda w, which: (
            "POST",
            PRESCRIPTIONS,
            {
                "day": w.theirs.day.pk if which == "theirs" else MISSING,
                "exercise": w.mine.exercise.pk,
            },
        ),
    ),
    "a new prescription's exercise": (
        "exercise",
        lambda w, which: (
            "POST",
            PRESCRIPTIONS,
            {
                "day": w.mine.day.pk,
                "exercise": w.theirs.exercise.pk if which == "theirs" else MISSING,
            },
        ),
    ),
    "a new prescription's stage": (
        "stage",
        lambda w, which: (
            "POST",
            PRESCRIPTIONS,
            {"day": w.mine.day.pk, "exercise": w.mine.exercise.pk, "stage": stage_id(w, which)},
        ),
    ),
    "a prescription's new exercise": (
        "exercise",
        lambda w, which: (
            "PATCH",
            f"{PRESCRIPTIONS}{w.mine.prescription.pk}/",
            {"exercise": w.theirs.exercise.pk if which == "theirs" else MISSING},
        ),
    ),
    "a new block's program": (
        "program",
        lambda w, which: (
            "POST",
            BLOCKS,
            {
                "program": w.theirs.program.pk if which == "theirs" else MISSING,
                "name": "Peak",
                "start": 2,
                "end": 2,
            },
        ),
    ),
    "a program's nested exercise": (
        "days.0.prescriptions.0.exercise",
        lambda w, which: (
            "PATCH",
            f"{PROGRAMS}{w.mine.program.pk}/",
            {
                "days": [
                    {
                        "number": 1,
                        "prescriptions": [
                            {"exercise": w.theirs.exercise.pk if which == "theirs" else MISSING}
                        ],
                    }
                ]
            },
        ),
    ),
    "the clients a program is given to": (
        "clients",
        lambda w, which: (
            "POST",
            f"{PROGRAMS}{w.mine.program.pk}/assign/",
            {
                "clients": [w.client.pk, w.their_client.pk if which == "theirs" else MISSING],
                "starts_on": w.today.isoformat(),
                "starts_on_mismatch": "keep",
            },
        ),
    ),
    "a new assignment's client": (
        "client",
        lambda w, which: (
            "POST",
            ASSIGNMENTS,
            {
                "client": w.their_client.pk if which == "theirs" else MISSING,
                "program": w.mine.program.pk,
                "starts_on": w.today.isoformat(),
                "starts_on_mismatch": "keep",
            },
        ),
    ),
    "a new assignment's program": (
        "program",
        lambda w, which: (
            "POST",
            ASSIGNMENTS,
            {
                "client": w.client.pk,
                "program": w.theirs.program.pk if which == "theirs" else MISSING,
                "starts_on": w.today.isoformat(),
            },
        ),
    ),
    "a log's assignment": (
        "assignment",
        lambda w, which: (
            "POST",
            LOGS,
            {
                "assignment": w.their_person.assignment.pk if which == "theirs" else MISSING,
                "on": w.today.isoformat(),
            },
        ),
    ),
    "a logged set's prescription": (
        "sets.0.prescription",
        lambda w, which: (
            "POST",
            LOGS,
            {
                "assignment": w.person.assignment.pk,
                "on": w.today.isoformat(),
                "sets": [
                    {
                        "prescription": w.their_person.prescription_on(1).pk
                        if which == "theirs"
                        else MISSING,
                        "side": "left",
                        "hold_seconds": 10,
                    }
                ],
            },
        ),
    ),
    "a logged set's exercise": (
        "sets.0.exercise",
        lambda w, which: (
            "POST",
            LOGS,
            {
                "assignment": w.person.assignment.pk,
                "on": w.today.isoformat(),
                "sets": [
                    {
                        "exercise": w.their_person.exercise.pk if which == "theirs" else MISSING,
                        "side": "left",
                        "hold_seconds": 10,
                    }
                ],
            },
        ),
    ),
    "a run's client": (
        "client",
        lambda w, which: (
            "POST",
            RUNS,
            {
                "client": w.their_client.pk if which == "theirs" else MISSING,
                "on": w.today.isoformat(),
                "cadence_spm": 170,
            },
        ),
    ),
    "an exercise's prerequisites": (
        "prerequisites",
        lambda w, which: (
            "PATCH",
            f"{EXERCISES}{w.mine.exercise.pk}/",
            {"prerequisites": [w.theirs.exercise.pk if which == "theirs" else MISSING]},
        ),
    ),
    "an exercise's progressions": (
        "progressions",
        lambda w, which: (
            "PATCH",
            f"{EXERCISES}{w.mine.exercise.pk}/",
            {"progressions": [w.theirs.exercise.pk if which == "theirs" else MISSING]},
        ),
    ),
    "an exercise's regressions": (
        "regressions",
        lambda w, which: (
            "PATCH",
            f"{EXERCISES}{w.mine.exercise.pk}/",
            {"regressions": [w.theirs.exercise.pk if which == "theirs" else MISSING]},
        ),
    ),
    "the exercise a client is moved on": (
        "exercise",
        lambda w, which: (
            "POST",
            f"{CLIENTS}{w.person.client.pk}/stages/",
            {
                "exercise": w.their_person.exercise.pk if which == "theirs" else MISSING,
                "step": "up",
            },
        ),
    ),
    "the stage a client is moved to": (
        "stage",
        lambda w, which: (
            "POST",
            f"{CLIENTS}{w.person.client.pk}/stages/",
            {"exercise": w.person.exercise.pk, "stage": stage_id(w, which)},
        ),
    ),
}


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Prescription, Block, Assignment, Program, SessionLog, RunMetric, Exercise)
    )


@pytest.mark.parametrize("case", list(CASES))
def test_another_practices_id_is_refused_like_an_id_of_nothing(
    api: HttpClient, world: World, case: str
) -> None:
    field, make = CASES[case]
    before = counts()

    answers = []
    for which in ("theirs", "missing"):
        method, path, body = make(world, which)
        response = send(api, method, path, body)
        assert response.status_code == 400, (which, response.content)
        answers.append(response.json())

    theirs, missing = answers
    assert_error_shape(theirs)
    assert theirs == missing
    assert field in theirs["fields"]
    assert counts() == before
    assert world.mine.exercise.prerequisites.count() == 0


FILTERS = {
    ASSIGNMENTS: lambda w: {"client": w.their_client.pk},
    f"{ASSIGNMENTS}?template": lambda w: {"template": w.theirs.program.pk},
    RUNS: lambda w: {"client": w.their_client.pk},
    LOGS: lambda w: {"client": w.their_person.client.pk},
    "/api/v1/set-logs/export/": lambda w: {"client": w.their_person.client.pk},
}


@pytest.mark.parametrize("path", list(FILTERS))
def test_a_filter_by_another_practices_id_answers_as_one_by_an_id_of_nothing(
    api: HttpClient, world: World, path: str
) -> None:
    params = FILTERS[path](world)
    url = path.split("?")[0]
    missing = dict.fromkeys(params, MISSING)

    theirs_answer, missing_answer = api.get(url, params), api.get(url, missing)

    assert theirs_answer.status_code == missing_answer.status_code
    assert theirs_answer.content == missing_answer.content
    # and the caller's own id is a choice like any other
    assert (
        api.get(url, {"client": world.client.pk} if "client" in params else {}).status_code == 200
    )


def test_a_library_filter_by_a_tag_only_another_practice_uses_answers_as_an_unknown_one(
    api: HttpClient, coach: Coach
) -> None:
    ExerciseFactory.create(owner=coach, regions=["quads"], equipment=["bench"])
    ExerciseFactory.create(owner=CoachFactory.create(), regions=["secret-spot"], equipment=["sled"])

    for name, theirs, own in (("region", "secret-spot", "quads"), ("equipment", "sled", "bench")):
        their_answer = api.get(EXERCISES, {name: theirs})
        unknown_answer = api.get(EXERCISES, {name: "no-such-tag"})
        assert their_answer.status_code == 400
        assert their_answer.json() == unknown_answer.json()
        assert api.get(EXERCISES, {name: own, "scope": "mine"}).json()["count"] == 1
