"""A tool that holds a coach's token drives a whole day over real HTTP against a running server:
it creates an exercise, a program with a day and a prescription, a client and an assignment;
reads today's plan; logs the sets (one request retried with its Idempotency-Key); reads the
progress; and receives the signed webhooks at its own HTTP receiver, checking each signature
with the code coach/WEBHOOKS.md gives receivers."""

import json
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest

from coach.models import PersonalAccessToken, WebhookDelivery
from coach.tokens import token_create
from coach.webhooks import EVENTS, webhook_endpoint_create
from tests.coach.factories import CoachFactory
from training.models import SetLog

pytestmark = pytest.mark.django_db(transaction=True)

WEBHOOKS_GUIDE = Path(__file__).resolve().parents[2] / "coach" / "WEBHOOKS.md"


def documented_signature_check() -> Callable[[str, str, bytes], bool]:
    """`coach_signature_is_valid` exactly as the receivers' guide prints it: the test runs the
    guide's own code, so a guide that drifted from the server fails here."""
    blocks = re.findall(r"```python\n(.*?)```", WEBHOOKS_GUIDE.read_text(), flags=re.S)
    source = next(block for block in blocks if "def coach_signature_is_valid" in block)
    namespace: dict[str, Any] = {}
    exec(source, namespace)  # noqa: S102 - the repository's own documentation
    return namespace["coach_signature_is_valid"]


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver:
    """The tool's webhook receiver: an HTTP server on a free loopback port."""

    requests: list[Received] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def serve(self) -> Iterator[str]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.arrived:
                    receiver.requests.append(Received(dict(self.headers), body))
                    receiver.arrived.notify_all()
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}/coach-events"
        finally:
            server.shutdown()
            server.server_close()

    def wait_for(self, count: int, timeout: float = 10) -> list[Received]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.requests) >= count, timeout=timeout)
            return list(self.requests)


@pytest.fixture
def receiver(settings) -> Iterator[tuple[Receiver, str]]:
    # Loopback receivers are refused in production; a test's own receiver is on loopback.
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    receiver = Receiver()
    yield from ((receiver, url) for url in receiver.serve())


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


class Tool:
    """The other tool's HTTP client: urllib, a Bearer token, JSON in and out."""

    def __init__(self, base_url: str, token: str):
        self.base_url = base_url
        self.token = token

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Answer:
        request = Request(  # noqa: S310 - the live test server's own http:// address
            self.base_url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Authorization": f"Bearer {self.token}",
                "Accept": "application/json",
                "Content-Type": "application/json",
                **(headers or {}),
            },
        )
        try:
            with urlopen(request, timeout=30) as response:  # noqa: S310
                raw, status, sent = response.read(), response.status, dict(response.headers)
        except HTTPError as error:
            raw, status, sent = error.read(), error.code, dict(error.headers)
        return Answer(status, sent, json.loads(raw) if raw else None)

    def get(self, path: str) -> Answer:
        return self.call("GET", path)

    def post(self, path: str, body: Any, **headers: str) -> Answer:
        return self.call("POST", path, body, headers)


def created(answer: Answer) -> dict[str, Any]:
    assert answer.status == 201, answer.body
    return answer.body


def test_a_tool_with_a_token_drives_a_day_and_receives_signed_webhooks(live_server, receiver):
    # given a coach who made a token for their tool and registered its webhook receiver
    receiver_log, receiver_url = receiver
    coach = CoachFactory.create()
    _, token = token_create(user=coach.user, name="Gym sync", scope=PersonalAccessToken.Scope.WRITE)
    endpoint = webhook_endpoint_create(coach=coach, url=receiver_url, events=list(EVENTS))
    tool = Tool(live_server.url, token)

    # when the tool builds a client's program
    exercise = created(
        tool.post(
            "/api/v1/exercises/",
            {
                "name": "Goblet squat",
                "laterality": "bilateral",
                "measurement": "reps",
                "category": "strength",
            },
        )
    )
    program = created(
        tool.post(
            "/api/v1/programs/",
            {
                "name": "One-day squat routine",
                "kind": "routine",
                "length_days": 1,
                "days": [
                    {
                        "number": 1,
                        "title": "Squat day",
                        "prescriptions": [{"exercise": exercise["id"], "sets": 2}],
                    }
                ],
            },
        )
    )
    client = created(
        tool.post(
            "/api/v1/clients/",
            {"name": "Lena Berg", "email": "lena@example.org", "time_zone": "UTC"},
        )
    )
    plan_url = f"/api/v1/clients/{client['id']}/plan/"
    today = tool.get(plan_url).body["today"]
    assignment = created(
        tool.post(
            "/api/v1/assignments/",
            {"client": client["id"], "program": program["id"], "starts_on": today},
        )
    )

    # then today's plan holds the squat
    plan = tool.get(plan_url)
    assert plan.status == 200
    (day,) = plan.body["assignments"]
    assert (day["assignment"], day["state"], day["day_number"]) == (
        assignment["id"],
        "training",
        1,
    )
    (item,) = day["items"]
    assert item["exercise"]["name"] == "Goblet squat"
    assert item["logged"] == []

    # when the tool logs the first set, its answer is lost, and it sends the same request again
    first_set = {
        "assignment": assignment["id"],
        "on": today,
        "sets": [
            {"prescription": item["prescription"], "set_number": 1, "side": "both", "reps": 8}
        ],
    }
    key = str(uuid.uuid4())
    first = tool.post("/api/v1/logs/", first_set, **{"Idempotency-Key": key})
    retried = tool.post("/api/v1/logs/", first_set, **{"Idempotency-Key": key})
    # and then logs the second set, finishing the session
    last = tool.post(
        "/api/v1/logs/",
        {
            "assignment": assignment["id"],
            "on": today,
            "status": "done",
            "sets": [
                {"prescription": item["prescription"], "set_number": 2, "side": "both", "reps": 7}
            ],
        },
        **{"Idempotency-Key": str(uuid.uuid4())},
    )

    # then the retry was answered from the first request, and each set is stored once
    assert (first.status, retried.status, last.status) == (201, 201, 201)
    assert retried.body == first.body
    assert last.body["id"] == first.body["id"]
    assert last.body["status"] == "done"
    assert sorted((s["set_number"], s["reps"]) for s in last.body["sets"]) == [(1, 8), (2, 7)]
    assert SetLog.objects.filter(session_id=first.body["id"]).count() == 2
    logged = tool.get(plan_url).body["assignments"][0]["items"][0]["logged"]
    assert len(logged) == 2

    # and the progress shows the session done
    progress = tool.get(f"/api/v1/clients/{client['id']}/progress/")
    assert progress.status == 200
    assert progress.body["adherence"]["last_7_days"]["done"] == 1
    (squat,) = progress.body["exercises"]
    assert squat["name"] == "Goblet squat"
    assert [session["session"] for session in squat["sessions"]] == [first.body["id"]]

    # and the receiver got one event per set and one for the finished session, each signed
    # with the endpoint's secret as the guide says, and each only once
    received = receiver_log.wait_for(3)
    assert sorted(r.event["event"] for r in received) == [
        "log.created",
        "log.created",
        "session.completed",
    ]
    is_valid = documented_signature_check()
    endpoint.refresh_from_db()
    for request in received:
        assert is_valid(endpoint.secret, request.headers["Coach-Signature"], request.body)
        assert set(request.event) == {"id", "event", "created_at", "data"}
        assert request.headers["Coach-Event"] == request.event["event"]
        assert request.headers["Coach-Delivery"] == request.event["id"]
        assert request.event["data"]["client"] == {"id": client["id"], "name": "Lena Berg"}
        # a body changed on the way, or another secret, does not pass the check
        assert not is_valid(
            endpoint.secret, request.headers["Coach-Signature"], request.body + b" "
        )
        assert not is_valid("whsec_other", request.headers["Coach-Signature"], request.body)
    set_ids = sorted(
        r.event["data"]["set_log"]["id"] for r in received if r.event["event"] == "log.created"
    )
    assert set_ids == sorted(s["id"] for s in last.body["sets"])
    assert set(
        WebhookDelivery.objects.filter(endpoint=endpoint).values_list("status", flat=True)
    ) == {WebhookDelivery.Status.DELIVERED}
