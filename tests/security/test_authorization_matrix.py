"""Who may call which API operation: every /api/v1/ route, with every method it allows, for
every kind of caller, against one table of expected statuses.

The routes come from the URL configuration, so a new endpoint without a row in MATRIX fails
(test_every_api_operation_has_a_row_and_every_row_an_operation), and so does a row left behind
by a removed one. OPTIONS and HEAD are left out: they answer like GET, without a body.

The callers (the columns):
- anonymous: no credentials at all;
- client A: a client with a login, whose coach is coach A; the rows called are theirs;
- client B: another client of coach A, the nearest neighbour a client could reach into;
- coach A: owns every row called;
- coach B: another practice;
- read only: a read-only token of coach A;
- expired, revoked: tokens of coach A that no longer work.
Every caller but anonymous sends `Authorization: Bearer <token>` (read and write unless said).

Each call targets practice A's rows (an id in the path is theirs; an operation that needs a row
in some state, such as resuming, gets one in that state). A write sends a body that succeeds for
the caller the row belongs to (coach A; client A for their own logs), so a refused cell is
refused for who is asking, never for what was sent.
Each cell runs in a transaction that is rolled back, so no cell sees another's writes. Beyond
the status, a 401 must say how to authenticate, and no answer may show a row its caller may not
see (the SECRET and PRIVATE markers below).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from coach.models import Client, Coach, PersonalAccessToken
from exercises.models import Exercise
from exercises.transfer import exercises_export
from programs import services as program_services
from programs.models import Assignment, Block, Day, Prescription, Program
from tests.coach.api_access_factories import token_for
from tests.coach.factories import ClientFactory, CoachFactory
from tests.conftest import RunMetricFactory
from tests.exercises.factories import ExerciseFactory
from tests.programs.factories import add, assign, day, plan, routine
from tests.test_url_access import Route, build_url, checked_routes
from training import services as training_services
from training.models import RunMetric, SessionLog, SetLog

pytestmark = pytest.mark.django_db

CALLERS = (
    "anonymous",
    "client A",
    "client B",
    "coach A",
    "coach B",
    "read only",
    "expired",
    "revoked",
)
# Practice A's rows carry this in their names and notes: no answer to coach B, or to a caller
# without working credentials, may contain it.
SECRET = "Alphasecret"
# Client A's own rows (their name, their logs and runs) carry this as well: no answer to client
# B may contain it.
PRIVATE = "Zuluprivate"
LEAK_CHECKED: dict[str, tuple[str, ...]] = {
    "anonymous": (SECRET, PRIVATE),
    "client B": (PRIVATE,),
    "coach B": (SECRET, PRIVATE),
    "expired": (SECRET, PRIVATE),
    "revoked": (SECRET, PRIVATE),
}

Statuses = tuple[int, int, int, int, int, int, int, int]

# fmt: off
MATRIX: dict[tuple[str, str], Statuses] = {
    # (route name, method):                   anon clA  clB  coA  coB  ro   exp  rev
    ("api-root", "GET"):                      (401, 200, 200, 200, 200, 200, 401, 401),
    ("api-client-list", "GET"):               (401, 403, 403, 200, 200, 200, 401, 401),
    ("api-client-list", "POST"):              (401, 403, 403, 201, 201, 403, 401, 401),
    ("api-client-detail", "GET"):             (401, 403, 403, 200, 404, 200, 401, 401),
    ("api-client-detail", "PUT"):             (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-client-detail", "PATCH"):           (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-client-archive", "POST"):           (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-client-restore", "POST"):           (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-client-plan", "GET"):               (401, 200, 404, 200, 404, 200, 401, 401),
    ("api-client-stages", "GET"):             (401, 200, 404, 200, 404, 200, 401, 401),
    ("api-client-stages", "POST"):            (401, 403, 404, 200, 404, 403, 401, 401),
    ("api-client-progress", "GET"):           (401, 200, 404, 200, 404, 200, 401, 401),
    ("api-exercise-list", "GET"):             (401, 403, 403, 200, 200, 200, 401, 401),
    ("api-exercise-list", "POST"):            (401, 403, 403, 201, 201, 403, 401, 401),
    ("api-exercise-export", "GET"):           (401, 403, 403, 200, 200, 200, 401, 401),
    ("api-exercise-import-", "POST"):         (401, 403, 403, 201, 201, 403, 401, 401),
    ("api-exercise-detail", "GET"):           (401, 403, 403, 200, 404, 200, 401, 401),
    ("api-exercise-detail", "PUT"):           (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-exercise-detail", "PATCH"):         (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-exercise-archive", "POST"):         (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-exercise-restore", "POST"):         (401, 403, 403, 200, 404, 403, 401, 401),
    # a shared exercise: any coach may copy it
    ("api-exercise-copy", "POST"):            (401, 403, 403, 201, 201, 403, 401, 401),
    ("api-program-list", "GET"):              (401, 403, 403, 200, 200, 200, 401, 401),
    ("api-program-list", "POST"):             (401, 403, 403, 201, 201, 403, 401, 401),
    # coach B: practice A's exercise in the body, likewise
    ("api-program-generate", "POST"):         (401, 403, 403, 201, 400, 403, 401, 401),
    ("api-program-detail", "GET"):            (401, 403, 403, 200, 404, 200, 401, 401),
    ("api-program-detail", "PUT"):            (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-program-detail", "PATCH"):          (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-program-archive", "POST"):          (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-program-duplicate", "POST"):        (401, 403, 403, 201, 404, 403, 401, 401),
    ("api-program-assign", "POST"):           (401, 403, 403, 201, 404, 403, 401, 401),
    ("api-program-copy-week", "POST"):        (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-program-warnings", "GET"):          (401, 403, 403, 200, 404, 200, 401, 401),
    ("api-program-day-detail", "GET"):        (401, 403, 403, 200, 404, 200, 401, 401),
    ("api-program-day-detail", "PUT"):        (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-program-day-detail", "PATCH"):      (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-program-day-duplicate", "POST"):    (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-program-day-reorder", "POST"):      (401, 403, 403, 200, 404, 403, 401, 401),
    # coach B: practice A's day in the body, refused like an unknown id
    ("api-prescription-list", "POST"):        (401, 403, 403, 201, 400, 403, 401, 401),
    ("api-prescription-detail", "GET"):       (401, 403, 403, 200, 404, 200, 401, 401),
    ("api-prescription-detail", "PUT"):       (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-prescription-detail", "PATCH"):     (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-prescription-detail", "DELETE"):    (401, 403, 403, 204, 404, 403, 401, 401),
    # coach B: practice A's program in the body, likewise
    ("api-block-list", "POST"):               (401, 403, 403, 201, 400, 403, 401, 401),
    ("api-block-detail", "GET"):              (401, 403, 403, 200, 404, 200, 401, 401),
    ("api-block-detail", "PUT"):              (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-block-detail", "PATCH"):            (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-block-detail", "DELETE"):           (401, 403, 403, 204, 404, 403, 401, 401),
    ("api-assignment-list", "GET"):           (401, 403, 403, 200, 200, 200, 401, 401),
    # coach B: practice A's client and program in the body, likewise
    ("api-assignment-list", "POST"):          (401, 403, 403, 201, 400, 403, 401, 401),
    ("api-assignment-detail", "GET"):         (401, 403, 403, 200, 404, 200, 401, 401),
    ("api-assignment-pause", "POST"):         (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-assignment-resume", "POST"):        (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-assignment-cancel", "POST"):        (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-assignment-customise", "POST"):     (401, 403, 403, 200, 404, 403, 401, 401),
    ("api-log-list", "GET"):                  (401, 200, 200, 200, 200, 200, 401, 401),
    # B's: practice A's assignment in the body is refused like an unknown id
    ("api-log-list", "POST"):                 (401, 201, 400, 201, 400, 403, 401, 401),
    ("api-log-detail", "GET"):                (401, 200, 404, 200, 404, 200, 401, 401),
    # the coach only comments (coach_comment); the log is the client's
    ("api-log-detail", "PATCH"):              (401, 200, 404, 403, 404, 403, 401, 401),
    # only the client who logged it deletes it
    ("api-log-detail", "DELETE"):             (401, 204, 404, 403, 404, 403, 401, 401),
    ("api-set-log-detail", "GET"):            (401, 200, 404, 200, 404, 200, 401, 401),
    # only the client who logged it corrects it
    ("api-set-log-detail", "PATCH"):          (401, 200, 404, 403, 404, 403, 401, 401),
    # only the client who logged it deletes it
    ("api-set-log-detail", "DELETE"):         (401, 204, 404, 403, 404, 403, 401, 401),
    ("api-set-log-export", "GET"):            (401, 200, 200, 200, 200, 200, 401, 401),
    ("api-run-list", "GET"):                  (401, 200, 200, 200, 200, 200, 401, 401),
    # B's: client A in the body is refused like an unknown id
    ("api-run-list", "POST"):                 (401, 201, 400, 201, 400, 403, 401, 401),
    ("api-run-detail", "GET"):                (401, 200, 404, 200, 404, 200, 401, 401),
    ("api-run-detail", "DELETE"):             (401, 204, 404, 204, 404, 403, 401, 401),
}
# fmt: on


# --- the routes and their methods ------------------------------------------------------------


def api_routes() -> list[Route]:
    return [route for route in checked_routes() if route.display.startswith("api/v1/")]


def allowed_methods(route: Route) -> list[str]:
    """The methods the route's view answers, apart from OPTIONS and HEAD (metadata, and GET
    without a body)."""
    callback = route.pattern.callback
    actions = getattr(callback, "actions", None)
    if actions is not None:
        methods = set(actions)
    else:
        view_class = callback.view_class  # type: ignore[attr-defined]
        methods = {name for name in view_class.http_method_names if hasattr(view_class, name)}
    return sorted(method.upper() for method in methods - {"options", "head"})


def operations() -> list[tuple[str, str]]:
    found = []
    for route in api_routes():
        assert route.name, f"{route} has no name: give it one to give it a row"
        found += [(route.name, method) for method in allowed_methods(route)]
    return found


# --- practice A's rows and the callers -------------------------------------------------------


@dataclass
class World:
    coach: Coach
    client: Client
    neighbour: Client
    exercise: Exercise
    program: Program
    day: Day
    block: Block
    prescription: Prescription
    assignment: Assignment
    session_log: SessionLog
    set_log: SetLog
    run: RunMetric
    shared_exercise: Exercise
    plan: Program
    paused: Assignment
    tokens: dict[str, str | None] = field(default_factory=dict)


def build_world() -> World:
    coach = CoachFactory.create(practice_name=f"{SECRET} practice")
    client = ClientFactory.create(coach=coach, with_login=True, name=f"{SECRET} {PRIVATE}")
    neighbour = ClientFactory.create(coach=coach, with_login=True, name="Bravo Client")
    exercise = ExerciseFactory.create(owner=coach, name=f"{SECRET} lunge", stages=2)
    program = routine(coach, length_days=7, name=f"{SECRET} routine")
    for number in range(1, 8):
        add(coach, program, number, exercise, sets=3, reps=8)
    block = program_services.block_create(
        coach=coach, program=program, data={"name": f"{SECRET} base", "start": 1, "end": 3}
    )
    today = client.local_today()
    (assignment,) = assign(coach, program, starts_on=today, clients=[client])
    prescription = Prescription.objects.get(day__program=assignment.program, day__number=1)
    session_log = training_services.session_log_enter(
        by=client.user,  # type: ignore[arg-type]
        client=client,
        assignment=assignment,
        on=today,
        data={"status": "done", "note": f"{SECRET} {PRIVATE} felt good"},
        sets=[{"prescription": prescription.pk, "set_number": 1, "side": "left", "reps": 8}],
    )
    (paused,) = assign(coach, program, starts_on=today, clients=[neighbour])
    program_services.assignment_pause(coach=coach, assignment=paused, on=today)
    other = CoachFactory.create(practice_name="Bravo practice")
    world = World(
        coach=coach,
        client=client,
        neighbour=neighbour,
        exercise=exercise,
        program=program,
        day=day(program, 1),
        block=block,
        prescription=Prescription.objects.get(day__program=program, day__number=1),
        assignment=assignment,
        session_log=session_log,
        set_log=session_log.sets.get(),
        run=RunMetricFactory.create(client=client, note=f"{SECRET} {PRIVATE} easy run"),
        shared_exercise=ExerciseFactory.create(owner=None, name="Shared step-up"),
        plan=plan(coach, weeks=2, weekdays=(0, 3), name=f"{SECRET} plan"),
        paused=paused,
    )
    write = PersonalAccessToken.Scope.WRITE
    read = PersonalAccessToken.Scope.READ
    yesterday = timezone.now() - timedelta(days=1)
    world.tokens = {
        "anonymous": None,
        "client A": token_for(client.user, scope=write)[1],
        "client B": token_for(neighbour.user, scope=write)[1],
        "coach A": token_for(coach.user, scope=write)[1],
        "coach B": token_for(other.user, scope=write)[1],
        "read only": token_for(coach.user, scope=read)[1],
        "expired": token_for(coach.user, scope=write, expires_at=yesterday)[1],
        "revoked": token_for(coach.user, scope=write, revoked_at=yesterday)[1],
    }
    return world


# Which of practice A's rows a route's id names, by the route's path.
TARGETS: dict[str, Callable[[World], int]] = {
    "clients/": lambda w: w.client.pk,
    "exercises/": lambda w: w.exercise.pk,
    "programs/": lambda w: w.program.pk,
    "program-days/": lambda w: w.day.pk,
    "prescriptions/": lambda w: w.prescription.pk,
    "blocks/": lambda w: w.block.pk,
    "assignments/": lambda w: w.assignment.pk,
    "logs/": lambda w: w.session_log.pk,
    "set-logs/": lambda w: w.set_log.pk,
    "runs/": lambda w: w.run.pk,
}

# Operations whose row is another than their path's: one in the state the operation needs.
TARGET_OF_OPERATION: dict[str, Callable[[World], int]] = {
    "api-exercise-copy": lambda w: w.shared_exercise.pk,  # only the shared library is copied
    "api-program-copy-week": lambda w: w.plan.pk,  # a plan has weeks, a routine does not
    "api-assignment-resume": lambda w: w.paused.pk,
}


def _today(w: World) -> str:
    return w.client.local_today().isoformat()


def _exercise(w: World) -> dict[str, Any]:
    return {
        "name": "Step-up",
        "laterality": "bilateral",
        "measurement": "reps",
        "category": "strength",
    }


def _client(w: World) -> dict[str, Any]:
    return {"name": "Nova Client", "email": "nova@example.org", "time_zone": "UTC"}


def _prescription(w: World) -> dict[str, Any]:
    return {"day": w.day.pk, "exercise": w.exercise.pk, "sets": 2, "reps": 10}


def _block(w: World) -> dict[str, Any]:
    return {"program": w.program.pk, "name": "Build", "start": 4, "end": 7}


def _day(w: World) -> dict[str, Any]:
    return {"number": 1, "title": "Strength A", "prescriptions": [{"exercise": w.exercise.pk}]}


# What a write sends: a body coach A could send. Writes not named send `{}`.
BODIES: dict[tuple[str, str], Callable[[World], Any]] = {
    ("api-client-stages", "POST"): lambda w: {
        "exercise": w.exercise.pk,
        "step": "up",
        "reason": "Three clean sessions.",
    },
    ("api-client-list", "POST"): _client,
    ("api-client-detail", "PUT"): lambda w: {
        "name": "Renamed client",
        "email": w.client.email,
        "time_zone": "UTC",
    },
    ("api-client-detail", "PATCH"): lambda w: {"notes": "Knee better."},
    ("api-exercise-list", "POST"): _exercise,
    ("api-exercise-import-", "POST"): lambda w: exercises_export(coach=w.coach),
    ("api-exercise-detail", "PUT"): _exercise,
    ("api-exercise-detail", "PATCH"): lambda w: {"summary": "Slow and steady."},
    ("api-program-list", "POST"): lambda w: {"name": "New", "kind": "routine", "length_days": 3},
    ("api-program-generate", "POST"): lambda w: {
        "name": "Generated",
        "length_days": 7,
        "items": [{"exercise": w.exercise.pk, "sets": 2, "reps": 8}],
        "step": "none",
    },
    ("api-program-detail", "PUT"): lambda w: {
        "name": "Renamed routine",
        "kind": "routine",
        "length_days": 7,
    },
    ("api-program-detail", "PATCH"): lambda w: {"goal": "Run pain-free"},
    ("api-program-assign", "POST"): lambda w: {
        "clients": [w.neighbour.pk],
        "starts_on": _today(w),
        "confirm_overlap": True,
    },
    ("api-program-copy-week", "POST"): lambda w: {"from_week": 1, "to_week": 2},
    ("api-program-duplicate", "POST"): lambda w: {"name": "Copy"},
    ("api-program-day-detail", "PUT"): _day,
    ("api-program-day-detail", "PATCH"): lambda w: {"title": "Strength B"},
    ("api-program-day-duplicate", "POST"): lambda w: {"to_days": [2]},
    ("api-program-day-reorder", "POST"): lambda w: {"ids": [w.prescription.pk]},
    ("api-prescription-list", "POST"): _prescription,
    ("api-prescription-detail", "PUT"): _prescription,
    ("api-prescription-detail", "PATCH"): lambda w: {"sets": 4},
    ("api-block-list", "POST"): _block,
    ("api-block-detail", "PUT"): _block,
    ("api-block-detail", "PATCH"): lambda w: {"name": "Base two"},
    ("api-assignment-list", "POST"): lambda w: {
        "client": w.neighbour.pk,
        "program": w.program.pk,
        "starts_on": _today(w),
        "confirm_overlap": True,
    },
    ("api-assignment-cancel", "POST"): lambda w: {"on": _today(w)},
    ("api-assignment-pause", "POST"): lambda w: {"on": _today(w)},
    ("api-assignment-resume", "POST"): lambda w: {"on": _today(w)},
    ("api-log-list", "POST"): lambda w: {
        "assignment": w.assignment.pk,
        "on": _today(w),
        "status": "done",
        "sets": [
            {"prescription": w.set_log.prescription_id, "set_number": 2, "side": "right", "reps": 8}
        ],
    },
    ("api-log-detail", "PATCH"): lambda w: {"note": "Felt steady."},
    ("api-set-log-detail", "PATCH"): lambda w: {"reps": 9},
    ("api-run-list", "POST"): lambda w: {
        "client": w.client.pk,
        "on": _today(w),
        "cadence_spm": 172,
    },
}


def url_of(route: Route, world: World) -> str:
    path = route.display.removeprefix("api/v1/").lstrip("^")
    target = TARGET_OF_OPERATION.get(route.name or "") or next(
        (pick for prefix, pick in TARGETS.items() if path.startswith(prefix)), None
    )
    return build_url(route, target(world) if target else 0)


@dataclass
class Answer:
    status: int
    www_authenticate: str
    text: str


def call(world: World, caller: str, route: Route, method: str) -> Answer:
    http = APIClient()
    token = world.tokens[caller]
    if token is not None:
        http.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = BODIES.get((route.name or "", method), lambda w: {})(world)
    with transaction.atomic():
        response = http.generic(
            method,
            url_of(route, world),
            data="" if method in {"GET", "DELETE"} else json.dumps(body, default=str),
            content_type="application/json",
        )
        # Read while the cell's rows are still there: an export streams as it is read.
        content = (
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
            if response.streaming
            else response.content
        )
        transaction.set_rollback(True)
    return Answer(
        status=response.status_code,
        www_authenticate=response.headers.get("WWW-Authenticate", ""),
        text=content.decode(errors="replace"),
    )


# --- the tests ------------------------------------------------------------------------------


def test_every_api_operation_has_a_row_and_every_row_an_operation(db):
    served = set(operations())
    assert len(served) > 50, "the API's routes were not found"

    missing = sorted(served - set(MATRIX))
    gone = sorted(set(MATRIX) - served)

    assert not missing, (
        "API operations without a row in MATRIX (add the expected status of each caller): "
        + ", ".join(f"{method} {name}" for name, method in missing)
    )
    assert not gone, (
        "Rows in MATRIX for operations the API no longer has (remove them): "
        + ", ".join(f"{method} {name}" for name, method in gone)
    )


@pytest.mark.parametrize(
    ("name", "method"), sorted(MATRIX), ids=[f"{m} {n}" for n, m in sorted(MATRIX)]
)
def test_each_caller_gets_the_expected_status(name, method):
    # given practice A's rows and a caller of every kind
    routes = {route.name: route for route in api_routes()}
    assert name in routes, f"{name} is no longer a route: remove its rows from MATRIX"
    world = build_world()
    problems = []

    for caller, expected in zip(CALLERS, MATRIX[name, method], strict=True):
        # when
        response = call(world, caller, routes[name], method)

        # then
        where = f"{method} {name} as {caller}"
        if response.status != expected:
            problems.append(f"{where}: {response.status}, expected {expected}")
        if response.status == 401 and not response.www_authenticate.startswith("Bearer"):
            problems.append(f"{where}: 401 without WWW-Authenticate: Bearer")
        problems += [
            f"{where}: the answer shows {marker}, from a row it may not see"
            for marker in LEAK_CHECKED.get(caller, ())
            if marker in response.text
        ]

    assert not problems, "\n".join(problems)


def test_the_markers_are_in_the_answers_of_those_who_may_see_the_rows():
    # The leak check above looks for the markers: they must be there when a row is visible.
    routes = {route.name: route for route in api_routes()}
    world = build_world()

    log = call(world, "client A", routes["api-log-detail"], "GET")
    client = call(world, "coach A", routes["api-client-detail"], "GET")
    exports = call(world, "coach A", routes["api-set-log-export"], "GET")

    assert (log.status, client.status, exports.status) == (200, 200, 200)
    assert PRIVATE in log.text
    assert SECRET in client.text
    assert PRIVATE in exports.text


@pytest.mark.parametrize(
    "token",
    ["coach_", "coach_0123456789ab_wrongsecret", "not-a-token", "coach_x_y_z"],
    ids=["empty", "unknown", "malformed", "mangled"],
)
def test_a_bad_token_is_told_how_to_authenticate_on_every_operation(client, token):
    problems = []
    for route in api_routes():
        for method in allowed_methods(route):
            response = client.generic(
                method,
                build_url(route, 1),
                data="{}",
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
            if response.status_code != 401 or not response.headers.get(
                "WWW-Authenticate", ""
            ).startswith("Bearer"):
                problems.append(f"{method} {route.name}: {response.status_code}")

    assert not problems, "\n".join(problems)
