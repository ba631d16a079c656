"""Schemathesis over every operation of the API, against a running server, with tokens.

The practice holds one of everything (a client with a login, an exercise with stages, a routine
with a block and a prescription, an assignment, logged sessions with sets, runs). Each
operation's `{id}` names that practice's own row of its resource, and ids inside bodies name
its own rows too, so requests reach real rows as well as bad input: every operation with the
coach's token, the client's own operations with the client's. What the server answers must be
what the committed schema says: no server error, a documented status code and content type, a
body and headers of their schema.
"""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings

from coach.models import PersonalAccessToken
from exercises.models import Exercise
from programs import services as program_services
from tests.coach.api_access_factories import token_for
from tests.coach.factories import ClientFactory, CoachFactory
from tests.exercises.factories import StageFactory
from tests.programs.factories import add, assign, routine
from training import running
from training import services as training_services

SCHEMA = Path(settings.BASE_DIR) / "coach" / "openapi.yaml"
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
]
# Test cases per operation, valid and not: enough to reach each operation's bad inputs and its
# success, few enough that the whole run stays within about two minutes. (The coverage phase,
# every boundary of every input, takes several minutes over the nested bodies of exercises and
# programs: it is left out.)
MAX_EXAMPLES = 10
# The client's own: their plan, stages and progress, logs, set logs and runs.
CLIENT_PATHS = r"^/api/v1/(logs|set-logs|runs)/|^/api/v1/clients/\{id\}/(plan|stages|progress)/"
CLIENT_MAX_EXAMPLES = 6


@dataclass
class Practice:
    """A coach's practice with one row of each resource, and a read-write token for the coach
    and for the client."""

    coach_token: str
    client_token: str
    ids: dict[str, int]
    client_ids: dict[str, int]
    bodies: dict[str, Any]


def _practice() -> Practice:
    coach = CoachFactory.create()
    client = ClientFactory.create(coach=coach, with_login=True, time_zone="Europe/London")
    assert client.user is not None
    other = ClientFactory.create(coach=coach, time_zone="America/New_York")
    exercise = Exercise.objects.create(
        owner=coach,
        name="Single-leg deadlift",
        slug="single-leg-deadlift",
        laterality="unilateral",
        measurement="reps_load",
        category="strength",
    )
    StageFactory.create(exercise=exercise, order=1, name="Supported")
    StageFactory.create(exercise=exercise, order=2, name="Loaded")
    program = routine(coach, length_days=14, name="Single-leg fortnight")
    prescription = add(coach, program, 1, exercise, sets=3, reps_per_side=8)
    block = program_services.block_create(
        coach=coach,
        program=program,
        data={"name": "Base", "focus": "strength", "start": 1, "end": 7},
    )
    today = client.local_today()
    assignment = assign(coach, program, starts_on=today - timedelta(days=3), clients=[client])[0]
    first = assignment.program.days.get(number=1).prescriptions.get()
    session = training_services.session_log_enter(
        by=client.user,
        client=client,
        assignment=assignment,
        on=assignment.starts_on,
        data={"status": "done", "effort": 7},
        sets=[{"prescription": first.pk, "set_number": 1, "side": "left", "reps": 8}],
    )
    run, _ = running.run_metric_save(
        by=client.user,
        client=client,
        on=today - timedelta(days=1),
        data={"cadence_spm": 172, "ground_contact_ms": 240, "stride_length_m": Decimal("1.20")},
    )
    # The client's run deletes what it may: a session and a run of its own, not the coach's.
    own_session = training_services.session_log_enter(
        by=client.user,
        client=client,
        assignment=assignment,
        on=assignment.starts_on + timedelta(days=1),
        data={"status": "done", "effort": 6},
        sets=[],
    )
    own_set = training_services.session_log_enter(
        by=client.user,
        client=client,
        assignment=assignment,
        on=assignment.starts_on,
        data={},
        sets=[{"prescription": first.pk, "set_number": 2, "side": "right", "reps": 8}],
    ).sets.order_by("-id")[0]
    own_run, _ = running.run_metric_save(
        by=client.user,
        client=client,
        on=today - timedelta(days=2),
        data={"cadence_spm": 168},
    )
    _, coach_token = token_for(coach.user, scope=PersonalAccessToken.Scope.WRITE)
    _, client_token = token_for(client.user, scope=PersonalAccessToken.Scope.WRITE)
    ids = {
        "clients": client.pk,
        "exercises": exercise.pk,
        "programs": program.pk,
        "program-days": program.days.get(number=1).pk,
        "prescriptions": prescription.pk,
        "blocks": block.pk,
        "assignments": assignment.pk,
        "logs": session.pk,
        "set-logs": session.sets.order_by("id")[0].pk,
        "runs": run.pk,
    }
    client_ids = {
        **ids,
        "logs": own_session.pk,
        "set-logs": own_set.pk,
        "runs": own_run.pk,
    }
    yesterday = (today - timedelta(days=1)).isoformat()
    first_day = assignment.starts_on.isoformat()
    # Ids in bodies that name the practice's own rows, so that valid bodies can succeed.
    bodies = {
        "POST /api/v1/clients/{id}/stages/": {"body.exercise": exercise.pk},
        "POST /api/v1/logs/": {
            "body.assignment": assignment.pk,
            "body.on": first_day,
            "body.sets.*.prescription": first.pk,
        },
        "POST /api/v1/programs/{id}/assign/": {"body.clients": [other.pk]},
        "POST /api/v1/assignments/": {"body.client": other.pk, "body.program": program.pk},
        "POST /api/v1/prescriptions/": {
            "body.day": ids["program-days"],
            "body.exercise": exercise.pk,
        },
        "POST /api/v1/blocks/": {"body.program": program.pk},
        "POST /api/v1/runs/": {"body.client": client.pk, "body.on": yesterday},
        "POST /api/v1/programs/generate/": {"body.items.*.exercise": exercise.pk},
    }
    return Practice(coach_token, client_token, ids, client_ids, bodies)


# Security parameters (the session cookie) are not generated: every request carries the token.
PHASES = """
[generation]
with-security-parameters = false
"""


def _toml(value: Any) -> str:
    return json.dumps(value)  # numbers, strings and lists of them read the same in TOML


def _config(practice: Practice, ids: dict[str, int]) -> str:
    """schemathesis.toml: the id of the practice's own row under each resource's paths, and
    the ids in the bodies that name other rows."""
    lines = [PHASES]
    for label, overrides in practice.bodies.items():
        method, path = label.split(" ")
        resource = path.split("/")[3]
        parameters = dict(overrides)
        if "{id}" in path:
            parameters["path.id"] = ids[resource]
        pattern = "^" + path.replace("{id}", "\\\\{id\\\\}") + "$"
        lines += [
            "[[operations]]",
            f"include-method = {_toml(method)}",
            f'include-path-regex = "{pattern}"',
            "parameters = { "
            + ", ".join(f"{_toml(k)} = {_toml(v)}" for k, v in parameters.items())
            + " }",
            "",
        ]
    for resource, pk in ids.items():
        lines += [
            "[[operations]]",
            f'include-path-regex = "^/api/v1/{resource}/\\\\{{id\\\\}}/"',
            f'parameters = {{ "path.id" = {pk} }}',
            "",
        ]
    return "\n".join(lines)


def _schemathesis(
    tmp_path: Path, url: str, token: str, *, name: str, max_examples: int, only: str = ""
) -> tuple[subprocess.CompletedProcess[str], dict[str, set[int]]]:
    """Run Schemathesis with `token`; its output, and the status codes answered to each
    operation."""
    report = tmp_path / f"{name}.ndjson"
    command = [
        str(Path(sys.executable).with_name("st")),
        "--no-color",
        "--config-file",
        str(tmp_path / f"{name}.toml"),
        "run",
        str(SCHEMA),
        "--url",
        url,
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        ",".join(CHECKS),
        "--phases",
        "examples,fuzzing",
        "--max-examples",
        str(max_examples),
        "--seed",
        "13",
        "--workers",
        "1",
        "--generation-database",
        "none",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
        "--request-timeout",
        "30",
    ]
    if only:
        command += ["--include-path-regex", only]
    result = subprocess.run(
        command,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    answered: dict[str, set[int]] = {}
    if report.exists():
        for line in report.read_text().splitlines():
            finished = json.loads(line).get("ScenarioFinished")
            if not finished:
                continue
            recorder = finished["recorder"]
            codes = answered.setdefault(recorder["label"], set())
            for interaction in recorder.get("interactions", {}).values():
                if interaction.get("response"):
                    codes.add(interaction["response"]["status_code"])
    return result, answered


def _succeeded(codes: set[int]) -> bool:
    return any(200 <= code < 300 or code == 304 for code in codes)


@pytest.mark.django_db(transaction=True)
def test_the_api_keeps_its_schema_on_every_operation(live_server, tmp_path, settings):
    # The rate limits have tests of their own; here they would turn most requests into 429s.
    unlimited = {"token": "100000/min", "user": "100000/min", "anon": "100000/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": unlimited}
    # given a practice with data, a coach's and a client's read-write tokens
    practice = _practice()
    (tmp_path / "coach.toml").write_text(_config(practice, practice.ids))
    (tmp_path / "client.toml").write_text(_config(practice, practice.client_ids))
    operations = {
        f"{method.upper()} {path}"
        for path, methods in yaml.safe_load(SCHEMA.read_text())["paths"].items()
        for method in methods
    }
    reads = {label for label in operations if label.startswith("GET ")}

    # when Schemathesis runs the client's own operations with the client's token (on rows of
    # their own), then every operation with the coach's (the client first: the coach's run
    # archives the client, which revokes the client's tokens)
    client_run, client_answers = _schemathesis(
        tmp_path,
        live_server.url,
        practice.client_token,
        name="client",
        max_examples=CLIENT_MAX_EXAMPLES,
        only=CLIENT_PATHS,
    )
    coach_run, coach_answers = _schemathesis(
        tmp_path, live_server.url, practice.coach_token, name="coach", max_examples=MAX_EXAMPLES
    )

    # then no answer breaks the schema, every operation was run, and the reads succeeded
    for run in (coach_run, client_run):
        assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-3000:]
    assert set(coach_answers) == operations
    assert {label for label in reads if not _succeeded(coach_answers[label])} == set()
    client_reads = {label for label in client_answers if label.startswith("GET ")}
    assert len(client_reads) >= 8
    assert {label for label in client_reads if not _succeeded(client_answers[label])} == set()
