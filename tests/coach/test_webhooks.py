"""Outgoing webhooks: recording events, signed delivery to a real local receiver, retries,
refused addresses, and the coach's pages."""

import hashlib
import hmac
import json
import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coach import webhooks
from coach.models import WebhookDelivery, WebhookEndpoint
from coach.tasks import webhook_deliveries_requeue_task, webhook_delivery_attempt_task
from tests.coach.api_access_factories import WebhookDeliveryFactory, WebhookEndpointFactory
from tests.coach.factories import ClientFactory, CoachFactory

pytestmark = pytest.mark.django_db


def coach_signature_is_valid(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The receiver's check, as coach/WEBHOOKS.md gives it."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    signed = f"{timestamp}.".encode() + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


class Receiver:
    """An HTTP server on 127.0.0.1 (a free port) that records each POST and answers with the
    next of `statuses` (200 once they run out); 302 redirects to /elsewhere."""

    def __init__(self, statuses: list[int] | None = None):
        self.statuses = list(statuses or [])
        self.requests: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                if status == 302:
                    self.send_header("Location", "/elsewhere")
                answer = b"thanks" if status < 300 else b"something broke"
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hook?source=coach"

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def allow_private(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def receiver(allow_private):
    with Receiver() as running:
        yield running


def emit_log(coach, **payload: Any) -> list[WebhookDelivery]:
    return webhooks.emit(
        coach_id=coach.pk, event="log.created", payload=payload or {"set_log": {"id": 5}}
    )


# --- recording ----------------------------------------------------------------------------


def test_an_event_is_recorded_for_each_endpoint_that_wants_it_and_sent_after_commit(
    coach, django_capture_on_commit_callbacks
):
    wants = WebhookEndpointFactory.create(coach=coach, events=["log.created", "stage.advanced"])
    WebhookEndpointFactory.create(coach=coach, events=["session.completed"])
    WebhookEndpointFactory.create(coach=coach, events=["log.created"], active=False)
    WebhookEndpointFactory.create(events=["log.created"])  # another coach's

    with django_capture_on_commit_callbacks() as callbacks:
        (delivery,) = emit_log(coach, set_log={"id": 5, "on": date(2026, 5, 4)})

    assert delivery.endpoint == wants
    assert delivery.status == "pending"
    assert delivery.attempts == 0
    assert delivery.payload == {"set_log": {"id": 5, "on": "2026-05-04"}}
    assert len(callbacks) == 1  # the sending waits for the commit


def test_nothing_is_recorded_or_sent_when_the_change_is_rolled_back(
    coach, django_capture_on_commit_callbacks
):
    WebhookEndpointFactory.create(coach=coach)

    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                emit_log(coach)
                raise RuntimeError("the change fails")
        except RuntimeError:
            pass

    assert not WebhookDelivery.objects.exists()
    assert callbacks == []


def test_an_event_with_a_key_is_recorded_once(coach):
    WebhookEndpointFactory.create(coach=coach)

    webhooks.emit(coach_id=coach.pk, event="log.created", payload={}, key="set_log:5")
    webhooks.emit(coach_id=coach.pk, event="log.created", payload={}, key="set_log:5")

    assert WebhookDelivery.objects.count() == 1


def test_the_payload_is_built_only_when_an_endpoint_wants_the_event(coach):
    built = []

    def payload() -> dict[str, Any]:
        built.append(1)
        return {}

    webhooks.emit(coach_id=coach.pk, event="log.created", payload=payload)

    assert built == []
    assert not WebhookDelivery.objects.exists()


def test_a_broker_that_cannot_be_reached_does_not_fail_the_change(
    coach, monkeypatch, django_capture_on_commit_callbacks
):
    WebhookEndpointFactory.create(coach=coach)

    def unreachable(*args: Any) -> None:
        raise ConnectionError("the broker is down")

    monkeypatch.setattr(webhook_delivery_attempt_task, "delay", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = emit_log(coach)

    delivery.refresh_from_db()
    assert delivery.status == "pending"  # queued again later by the periodic task
    assert delivery.pk in webhooks.deliveries_due(now=timezone.now() + timedelta(minutes=6))


# --- delivery to a real receiver ------------------------------------------------------------


def test_a_delivery_is_posted_signed_to_the_receiver(
    coach, receiver, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpointFactory.create(coach=coach, url=receiver.url)

    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = emit_log(coach)

    (request,) = receiver.requests
    assert request["path"] == "/hook?source=coach"
    headers = request["headers"]
    assert headers["Content-Type"] == "application/json"
    assert headers["Coach-Event"] == "log.created"
    assert headers["Coach-Delivery"] == str(delivery.uuid)
    assert headers["Host"] == f"127.0.0.1:{receiver.server.server_port}"
    assert coach_signature_is_valid(endpoint.secret, headers["Coach-Signature"], request["body"])
    assert webhooks.signature_valid(
        secret=endpoint.secret, header=headers["Coach-Signature"], body=request["body"]
    )
    assert not coach_signature_is_valid("whsec_other", headers["Coach-Signature"], request["body"])
    assert not coach_signature_is_valid(
        endpoint.secret, headers["Coach-Signature"], request["body"] + b" "
    )
    body = json.loads(request["body"])
    assert body["id"] == str(delivery.uuid)
    assert body["event"] == "log.created"
    assert body["data"] == {"set_log": {"id": 5}}
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert delivery.attempts == 1
    assert delivery.last_status_code == 200
    assert delivery.last_response == "thanks"
    assert delivery.delivered_at is not None


def test_an_old_signature_is_refused():
    body = b'{"event":"log.created"}'
    old = webhooks.signature(secret="whsec_x", timestamp=int(time.time()) - 600, body=body)

    assert not coach_signature_is_valid("whsec_x", old, body)
    assert not webhooks.signature_valid(secret="whsec_x", header=old, body=body)


def test_a_failed_delivery_is_retried_later_until_it_succeeds(
    coach, allow_private, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to("2026-05-04 07:00:00+00:00", tick=False)
    with Receiver([500, 503]) as failing:
        WebhookEndpointFactory.create(coach=coach, url=failing.url)
        with django_capture_on_commit_callbacks(execute=True):
            (delivery,) = emit_log(coach)

        delivery.refresh_from_db()
        assert delivery.status == "pending"
        assert delivery.attempts == 1
        assert delivery.last_status_code == 500
        assert delivery.last_response == "something broke"
        assert delivery.next_attempt is not None
        wait = delivery.next_attempt - timezone.now()
        assert timedelta(seconds=15) <= wait <= timedelta(seconds=30)

        # Not due yet: a second copy of the task does nothing.
        webhook_delivery_attempt_task.delay(delivery.pk)
        assert len(failing.requests) == 1

        time_machine.shift(wait + timedelta(seconds=1))
        webhook_delivery_attempt_task.delay(delivery.pk)
        delivery.refresh_from_db()
        assert delivery.attempts == 2
        assert delivery.last_status_code == 503
        assert delivery.next_attempt is not None
        second_wait = delivery.next_attempt - timezone.now()
        assert timedelta(seconds=30) <= second_wait <= timedelta(seconds=60)

        time_machine.shift(second_wait + timedelta(seconds=1))
        webhook_delivery_attempt_task.delay(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert delivery.attempts == 3
    assert len(failing.requests) == 3
    # Every attempt is the same delivery, signed anew.
    assert {r["headers"]["Coach-Delivery"] for r in failing.requests} == {str(delivery.uuid)}


def test_a_delivery_gives_up_after_the_last_attempt(coach, allow_private, settings, time_machine):
    settings.WEBHOOKS_MAX_ATTEMPTS = 3
    time_machine.move_to("2026-05-04 07:00:00+00:00", tick=False)
    with Receiver([500] * 10) as failing:
        delivery = WebhookDeliveryFactory.create(
            endpoint=WebhookEndpointFactory.create(coach=coach, url=failing.url)
        )
        for _ in range(5):
            webhook_delivery_attempt_task.delay(delivery.pk)
            time_machine.shift(timedelta(hours=1))

    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.attempts == 3
    assert delivery.next_attempt is None
    assert len(failing.requests) == 3


def test_the_backoff_doubles_up_to_its_ceiling(settings):
    settings.WEBHOOKS_RETRY_BASE = 30
    settings.WEBHOOKS_RETRY_MAX = 600
    for attempts, ceiling in [(1, 30), (2, 60), (3, 120), (5, 480), (6, 600), (20, 600)]:
        delays = {webhooks.retry_delay(attempts) for _ in range(20)}
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len(delays) > 1  # jitter


def test_a_redirect_is_not_followed(coach, allow_private):
    with Receiver([302]) as redirecting:
        delivery = WebhookDeliveryFactory.create(
            endpoint=WebhookEndpointFactory.create(coach=coach, url=redirecting.url)
        )
        webhook_delivery_attempt_task.delay(delivery.pk)

    assert [r["path"] for r in redirecting.requests] == ["/hook?source=coach"]
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert delivery.last_status_code == 302
    assert "Redirects are not followed" in delivery.last_error


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_private_address_is_refused_in_production(coach, settings, host):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with Receiver() as local:
        url = local.url.replace("127.0.0.1", host)
        delivery = WebhookDeliveryFactory.create(
            endpoint=WebhookEndpointFactory.create(coach=coach, url=url)
        )
        webhook_delivery_attempt_task.delay(delivery.pk)

    assert local.requests == []
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.last_error.startswith("Refused:")
    assert "not a public address" in delivery.last_error


@pytest.mark.parametrize(
    "address",
    [
        "10.1.2.3",
        "192.168.0.4",
        "172.16.9.9",
        "169.254.169.254",
        "::1",
        "fc00::1",
        "0.0.0.0",  # noqa: S104 - an address to refuse, not one to bind
        "100.64.0.1",
        "::ffff:127.0.0.1",
        "224.0.0.1",
        "240.0.0.1",
    ],
)
def test_addresses_that_are_not_public_are_refused(settings, monkeypatch, address):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    monkeypatch.setattr(
        "socket.getaddrinfo", lambda *args, **kwargs: [(None, None, None, "", (address, 443))]
    )

    with pytest.raises(webhooks.RefusedAddress):
        webhooks.post("https://hooks.example.org/x", body=b"{}", headers={})


def test_the_name_is_resolved_once_and_that_address_is_connected_to(settings, monkeypatch):
    """DNS rebinding: the address checked is the address used, whatever a second lookup says."""
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    lookups = []

    def resolve(host, port, **kwargs):
        lookups.append(host)
        return [(None, None, None, "", ("93.184.215.14", port))]

    connected = []

    def connect(address, timeout=None, *args, **kwargs):
        connected.append(address)
        raise ConnectionRefusedError("no route in tests")

    monkeypatch.setattr("socket.getaddrinfo", resolve)
    monkeypatch.setattr("socket.create_connection", connect)

    with pytest.raises(ConnectionRefusedError):
        webhooks.post("http://hooks.example.org:8080/x", body=b"{}", headers={})

    assert lookups == ["hooks.example.org"]
    assert connected == [("93.184.215.14", 8080)]


def test_an_unreachable_receiver_is_retried(coach, allow_private):
    with Receiver() as closed:
        url = closed.url
    delivery = WebhookDeliveryFactory.create(
        endpoint=WebhookEndpointFactory.create(coach=coach, url=url)
    )

    webhook_delivery_attempt_task.delay(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert delivery.attempts == 1
    assert delivery.last_error
    assert delivery.next_attempt is not None
    assert delivery.next_attempt > timezone.now()


def test_a_paused_endpoint_is_not_sent_to(coach, receiver):
    delivery = WebhookDeliveryFactory.create(
        endpoint=WebhookEndpointFactory.create(coach=coach, url=receiver.url, active=False)
    )

    webhook_delivery_attempt_task.delay(delivery.pk)

    assert receiver.requests == []
    delivery.refresh_from_db()
    assert delivery.status == "failed"


def test_lost_deliveries_are_queued_again(coach, receiver, time_machine):
    time_machine.move_to("2026-05-04 07:00:00+00:00", tick=False)
    endpoint = WebhookEndpointFactory.create(coach=coach, url=receiver.url)
    lost = WebhookDeliveryFactory.create(endpoint=endpoint)  # its task never ran
    later = WebhookDeliveryFactory.create(
        endpoint=endpoint, next_attempt=timezone.now() + timedelta(minutes=30)
    )
    done = WebhookDeliveryFactory.create(endpoint=endpoint, status="delivered")

    time_machine.shift(timedelta(minutes=6))
    assert webhook_deliveries_requeue_task.delay().get() == 1

    lost.refresh_from_db()
    later.refresh_from_db()
    assert lost.status == "delivered"
    assert later.status == "pending"
    assert len(receiver.requests) == 1
    assert done.attempts == 0


# --- the coach's pages ----------------------------------------------------------------------


def test_the_webhooks_page_without_endpoints_says_so(coach_client):
    page = coach_client.get(reverse("webhook-list")).content.decode()

    assert "No endpoints yet" in page
    assert "log.created" in page


def test_a_coach_registers_an_endpoint_sends_a_test_event_and_sees_the_delivery(
    coach_client, coach, receiver, django_capture_on_commit_callbacks
):
    response = coach_client.post(
        reverse("webhook-create"),
        {"url": receiver.url, "events": ["log.created", "session.completed"], "active": "on"},
        follow=True,
    )

    endpoint = WebhookEndpoint.objects.get(coach=coach)
    assert endpoint.events == ["log.created", "session.completed"]
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.secret in response.content.decode()
    assert "Nothing sent yet" in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        coach_client.post(reverse("webhook-test", args=[endpoint.pk]))

    (request,) = receiver.requests
    assert request["headers"]["Coach-Event"] == "webhook.test"
    assert coach_signature_is_valid(
        endpoint.secret, request["headers"]["Coach-Signature"], request["body"]
    )
    page = coach_client.get(reverse("webhook-detail", args=[endpoint.pk])).content.decode()
    assert "webhook.test" in page
    assert "Delivered" in page
    assert "HTTP 200" in page
    assert "thanks" in page


def test_the_delivery_log_shows_failures_and_the_next_try(coach_client, coach):
    endpoint = WebhookEndpointFactory.create(coach=coach)
    WebhookDeliveryFactory.create(
        endpoint=endpoint,
        attempts=2,
        last_status_code=500,
        last_response="Internal error",
        next_attempt=timezone.now() + timedelta(minutes=1),
    )

    page = coach_client.get(reverse("webhook-detail", args=[endpoint.pk])).content.decode()

    assert "Pending" in page
    assert "HTTP 500" in page
    assert "Internal error" in page
    assert "next try" in page


def test_an_endpoint_needs_an_event_and_a_web_address(coach_client, coach):
    response = coach_client.post(
        reverse("webhook-create"), {"url": "ftp://example.org/x", "events": []}
    )

    errors = response.context["form"].errors
    assert "events" in errors
    assert "url" in errors
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/x", "http://localhost:8000/x", "https://10.0.0.8/", "http://[::1]/x"],
)
def test_a_private_address_cannot_be_registered_in_production(coach_client, settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE = False

    response = coach_client.post(reverse("webhook-create"), {"url": url, "events": ["log.created"]})

    assert response.status_code == 200
    assert not WebhookEndpoint.objects.exists()


def test_a_url_with_a_password_is_refused(coach_client):
    response = coach_client.post(
        reverse("webhook-create"),
        {"url": "https://user:pw@hooks.example.org/x", "events": ["log.created"]},
    )

    assert "Leave the user name and password out" in response.content.decode()


def test_an_endpoint_is_edited_and_deleted_after_a_confirmation(coach_client, coach):
    endpoint = WebhookEndpointFactory.create(coach=coach)
    WebhookDeliveryFactory.create(endpoint=endpoint)

    coach_client.post(
        reverse("webhook-edit", args=[endpoint.pk]),
        {"url": "https://hooks.example.org/v2", "events": ["stage.advanced"]},
    )
    endpoint.refresh_from_db()
    assert endpoint.url == "https://hooks.example.org/v2"
    assert endpoint.events == ["stage.advanced"]
    assert endpoint.active is False  # unticked

    asked = coach_client.get(reverse("webhook-delete", args=[endpoint.pk]))
    assert "Delete this endpoint?" in asked.content.decode()
    assert WebhookEndpoint.objects.exists()

    coach_client.post(reverse("webhook-delete", args=[endpoint.pk]))
    assert not WebhookEndpoint.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_a_new_secret_is_made_after_a_confirmation(coach_client, coach):
    endpoint = WebhookEndpointFactory.create(coach=coach)
    old = endpoint.secret

    asked = coach_client.post(reverse("webhook-rotate", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert "Make a new signing secret?" in asked.content.decode()
    assert endpoint.secret == old

    coach_client.post(reverse("webhook-rotate", args=[endpoint.pk]), {"confirm": "1"})
    endpoint.refresh_from_db()
    assert endpoint.secret != old


@pytest.mark.parametrize(
    "name", ["webhook-detail", "webhook-edit", "webhook-delete", "webhook-test", "webhook-rotate"]
)
def test_another_practices_endpoint_is_a_404(client, name):
    endpoint = WebhookEndpointFactory.create()
    for user in (CoachFactory.create().user, ClientFactory.create(with_login=True).user):
        client.force_login(user)
        url = reverse(name, args=[endpoint.pk])
        assert client.get(url).status_code in {404, 405}
        assert client.post(url, {"confirm": "1"}).status_code == 404
    endpoint.refresh_from_db()
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_a_client_has_no_webhooks_page(client):
    client.force_login(ClientFactory.create(with_login=True).user)

    assert client.get(reverse("webhook-list")).status_code == 404


# --- the training events' payloads (training/webhook_payloads.py) --------------------------


@pytest.fixture
def ana(coach):
    from tests.training.api_support import trainee

    return trainee(coach, starts_on=date(2026, 5, 4), length_days=7, name="Ana")


def endpoint_for(coach, *events: str) -> WebhookEndpoint:
    return WebhookEndpointFactory.create(coach=coach, events=list(events))


def test_a_logged_set_makes_a_log_created_event(coach, ana, time_machine):
    from training import services, webhook_payloads

    time_machine.move_to("2026-05-05 08:00:00+00:00", tick=False)
    endpoint_for(coach, "log.created")
    set_log = services.set_log_create(
        by=ana.client.user,
        client=ana.client,
        assignment=ana.assignment,
        on=date(2026, 5, 5),
        prescription_id=ana.prescription_on(2).pk,
        data={"side": "left", "hold_seconds": 12, "form": 4, "load": "5.5"},
    )

    webhook_payloads.set_log_created(set_log=set_log, client=ana.client, assignment=ana.assignment)
    webhook_payloads.set_log_created(set_log=set_log, client=ana.client, assignment=ana.assignment)

    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.event == "log.created"
    data = json.loads(webhooks.delivery_body(delivery))["data"]
    assert data["client"] == {"id": ana.client.pk, "name": "Ana"}
    assert data["assignment"]["program"]["name"] == "7-day routine"
    assert data["session"]["on"] == "2026-05-05"
    assert data["session"]["day_number"] == 2
    logged = data["set_log"]
    assert logged["id"] == set_log.pk
    assert logged["exercise"]["name"] == "Wall single-leg hold"
    assert logged["stage"]["order"] == 1
    assert logged["side"] == "left"
    assert logged["hold_seconds"] == 12
    assert logged["load"] == "5.5"


def test_a_finished_session_makes_a_session_completed_event(coach, ana, time_machine):
    from tests.training.log_support import log_day
    from training import webhook_payloads

    time_machine.move_to("2026-05-05 08:00:00+00:00", tick=False)
    endpoint_for(coach, "session.completed")
    session = log_day(
        ana, date(2026, 5, 4), [{"side": "left", "hold_seconds": 10}, {"side": "right"}], effort=7
    )

    webhook_payloads.session_completed(
        session=session, client=ana.client, assignment=ana.assignment
    )

    (delivery,) = WebhookDelivery.objects.all()
    data = delivery.payload
    assert data["session"]["status"] == "done"
    assert data["session"]["effort"] == 7
    assert data["session"]["set_count"] == 2
    assert data["session"]["exercises"] == ["Wall single-leg hold"]
    assert data["session"]["is_late"] is True
    assert data["client"]["name"] == "Ana"


def test_only_a_move_up_is_a_stage_advanced_event(coach, ana):
    from training import services, webhook_payloads
    from training.models import StageChange

    endpoint_for(coach, "stage.advanced")

    services.client_stage_step(by=coach.user, client=ana.client, exercise=ana.exercise, up=True)
    up = StageChange.objects.get()
    webhook_payloads.stage_changed(change=up, client=ana.client)
    services.client_stage_step(by=coach.user, client=ana.client, exercise=ana.exercise, up=False)
    down = StageChange.objects.exclude(pk=up.pk).get()
    webhook_payloads.stage_changed(change=down, client=ana.client)

    (delivery,) = WebhookDelivery.objects.all()
    change = delivery.payload["stage_change"]
    assert change["from_stage"]["order"] == 1
    assert change["to_stage"]["order"] == 2
    assert change["exercise"]["name"] == "Wall single-leg hold"
    assert change["by_coach"] is True


def test_a_completed_program_makes_an_assignment_completed_event(coach, ana):
    from datetime import UTC, datetime

    from programs.models import Assignment
    from programs.services import assignments_complete_due

    endpoint_for(coach, "assignment.completed")
    assignments_complete_due(now=datetime(2026, 6, 1, tzinfo=UTC))
    completed = Assignment.objects.filter(status="completed").select_related("client", "program")

    webhooks.assignments_completed(completed)
    webhooks.assignments_completed(completed)  # a second run of the same job

    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.payload["assignment"] == {
        "id": ana.assignment.pk,
        "status": "completed",
        "starts_on": "2026-05-04",
        "ended_on": "2026-05-10",
        "program": {"id": ana.assignment.program_id, "name": "7-day routine"},
    }
    assert delivery.payload["client"]["name"] == "Ana"
