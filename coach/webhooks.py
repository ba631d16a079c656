"""Outgoing webhooks: a coach's endpoints, the events recorded for them, and their delivery.

An event is recorded in the request that caused it (`emit`: one indexed read, and a row per
endpoint that wants it) and sent by Celery once that request's transaction commits, so the
request never waits on another server. Each delivery is a POST of JSON signed with the
endpoint's secret (`Coach-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">`);
failures are retried with exponential backoff and jitter, up to WEBHOOKS_MAX_ATTEMPTS.

Receivers on loopback, private, link-local or reserved addresses are refused (unless
WEBHOOKS_ALLOW_PRIVATE), judged on the address actually connected to: the name is resolved
once and that address is used, with the name kept for the Host header and TLS. Redirects are
not followed. See WEBHOOKS.md for the receiver's side.

Payloads of other apps' objects are built in those apps (training/webhook_payloads.py); the
lowest layer knows only clients and, by their attributes, assignments.
"""

import hashlib
import hmac
import http.client
import ipaddress
import json
import secrets
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from coach.compiled import Compiled
from coach.errors import DomainError
from coach.models import Client, Coach, WebhookDelivery, WebhookEndpoint
from coach.selectors import get_in_scope

EVENTS: dict[str, str] = {
    "log.created": "A set is logged",
    "session.completed": "A session is finished: done, partly done or skipped",
    "stage.advanced": "A client moves up a stage",
    "assignment.completed": "A program comes to its end",
}
TEST_EVENT = "webhook.test"
USER_AGENT = "Coach-Webhooks/1.0"
RESPONSE_EXCERPT = 1000  # characters of the receiver's answer kept for the coach
# While an attempt runs, its delivery is not due: a second copy of the task finds nothing to
# do. An attempt that never finished (its worker died) is due again after this.
ATTEMPT_LEASE = timedelta(minutes=2)

Payload = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


# --- payloads of the lowest layer -----------------------------------------------------------


def client_payload(client: Client) -> dict[str, Any]:
    return {"id": client.pk, "name": client.name}


def assignment_payload(assignment: Any) -> dict[str, Any]:
    """An assignment (programs' Assignment, read by its attributes: this layer cannot import
    it) with its program and client loaded."""
    return {
        "assignment": {
            "id": assignment.pk,
            "status": assignment.status,
            "starts_on": assignment.starts_on,
            "ended_on": assignment.ended_on,
            "program": {"id": assignment.program_id, "name": assignment.program.name},
        },
        "client": client_payload(assignment.client),
    }


def assignments_completed(assignments: Iterable[Any]) -> None:
    """`assignment.completed` for each assignment (with program and client loaded) that has
    just been completed; recorded once per assignment, however often this is called."""
    for assignment in assignments:
        emit(
            coach_id=assignment.coach_id,
            event="assignment.completed",
            key=f"assignment:{assignment.pk}",
            payload=partial(assignment_payload, assignment),
        )


# --- recording events -----------------------------------------------------------------------


def _as_json(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload as plain JSON values (dates, decimals and ids as the API writes them)."""
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


# The coach's active endpoints and the events each wants (asked on every write that may
# send an event).
_ACTIVE_ENDPOINTS: Compiled[WebhookEndpoint] = Compiled(
    lambda coach_id: WebhookEndpoint.objects.filter(coach_id=coach_id, active=True).only(
        "id", "events"
    ),
    ids=1,
)


def emit(*, coach_id: int, event: str, payload: Payload, key: str = "") -> list[WebhookDelivery]:
    """Record `event` for each active endpoint of the coach that wants it, and send each once
    the current transaction commits. `payload` may be a function, called only when some
    endpoint wants the event. With `key` (what the event is about, e.g. "set_log:12"), an event
    already recorded for an endpoint is not recorded again."""
    endpoints = [endpoint for endpoint in _ACTIVE_ENDPOINTS(coach_id) if event in endpoint.events]
    if not endpoints:
        return []
    data = _as_json(payload() if callable(payload) else payload)
    deliveries = [
        delivery
        for endpoint in endpoints
        if (delivery := _record(endpoint=endpoint, event=event, payload=data, key=key))
    ]
    for delivery in deliveries:
        _send_after_commit(delivery)
    return deliveries


def _record(
    *, endpoint: WebhookEndpoint, event: str, payload: dict[str, Any], key: str
) -> WebhookDelivery | None:
    if key and WebhookDelivery.objects.filter(endpoint=endpoint, event=event, key=key).exists():
        return None
    try:
        with transaction.atomic():
            return WebhookDelivery.objects.create(
                endpoint=endpoint, event=event, key=key[:64], payload=payload
            )
    except IntegrityError:  # recorded meanwhile by a concurrent request
        return None


def _send_after_commit(delivery: WebhookDelivery) -> None:
    from coach.tasks import webhook_delivery_attempt_task

    # Robust: a broker that cannot be reached must not fail the request whose change is
    # already saved; the delivery stays pending and is queued again later (deliveries_due).
    def send() -> None:
        webhook_delivery_attempt_task.delay(delivery.pk)

    transaction.on_commit(send, robust=True)


# --- endpoints: services and selectors ------------------------------------------------------


def _check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DomainError("Enter an http or https URL.", field="url")
    if parts.username or parts.password:
        raise DomainError("Leave the user name and password out of the URL.", field="url")
    try:
        parts.port  # noqa: B018 - raises for a port that is not a number
    except ValueError as exc:
        raise DomainError("The port of this URL is not valid.", field="url") from exc
    if not settings.WEBHOOKS_ALLOW_PRIVATE:
        host = parts.hostname.rstrip(".").lower()
        if host == "localhost" or host.endswith(".localhost"):
            raise DomainError("Events cannot be sent to this computer.", field="url")
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        if literal is not None and not _public(literal):
            raise DomainError(
                "Events can only be sent to a public address, not a private one.", field="url"
            )
    return url


def _check_events(events: Iterable[str]) -> list[str]:
    chosen = [event for event in EVENTS if event in set(events)]
    if not chosen or len(chosen) != len(set(events)):
        raise DomainError("Choose at least one event from the list.", field="events")
    return chosen


def webhook_endpoint_create(
    *, coach: Coach, url: str, events: Iterable[str], active: bool = True
) -> WebhookEndpoint:
    """Register an address for the coach's events, with a new signing secret."""
    return WebhookEndpoint.objects.create(
        coach=coach,
        url=_check_url(url),
        events=_check_events(events),
        active=active,
        secret=new_secret(),
    )


def webhook_endpoint_update(
    *, endpoint: WebhookEndpoint, url: str, events: Iterable[str], active: bool
) -> WebhookEndpoint:
    endpoint.url = _check_url(url)
    endpoint.events = _check_events(events)
    endpoint.active = active
    endpoint.save(update_fields=["url", "events", "active", "updated_at"])
    return endpoint


def webhook_endpoint_secret_rotate(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new signing secret; deliveries from now on are signed with it."""
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint with its delivery log; nothing more is sent to it."""
    endpoint.delete()


@transaction.atomic
def webhook_test_send(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A test event for this endpoint alone, whatever events it chose."""
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event=TEST_EVENT,
        payload={"message": "A test event. Your endpoint received it."},
    )
    _send_after_commit(delivery)
    return delivery


def webhook_endpoint_list(*, coach: Coach) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(coach=coach).order_by("created_at", "id")


def webhook_endpoint_get_for(*, coach: Coach, pk: Any) -> WebhookEndpoint:
    """One of the coach's endpoints; Http404 for anyone else's."""
    return get_in_scope(WebhookEndpoint.objects.filter(coach=coach), pk=pk)


def webhook_delivery_list(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """The endpoint's deliveries, newest first, without their payloads."""
    return endpoint.deliveries.defer("payload").order_by("-created_at", "-id")


# --- signing --------------------------------------------------------------------------------


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The `Coach-Signature` header of a body sent at `timestamp`."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def signature_valid(
    *, secret: str, header: str, body: bytes, tolerance: int = 300, now: float | None = None
) -> bool:
    """What a receiver checks: a v1 signature of this body by this secret, made within
    `tolerance` seconds of `now` (so that a captured request cannot be replayed later)."""
    fields: dict[str, list[str]] = {}
    for item in header.split(","):
        name, _, value = item.strip().partition("=")
        fields.setdefault(name, []).append(value)
    try:
        timestamp = int(fields["t"][0])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = signature(secret=secret, timestamp=timestamp, body=body).split("v1=", 1)[1]
    return any(hmac.compare_digest(expected, given) for given in fields.get("v1", []))


def delivery_body(delivery: WebhookDelivery) -> bytes:
    envelope = {
        "id": str(delivery.uuid),
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()


# --- sending --------------------------------------------------------------------------------


class RefusedAddress(Exception):
    """The receiver's address is not public, and private ones are not allowed."""


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _address_for(host: str, port: int) -> str:
    """The one address the request goes to: the first the name resolves to that may be used."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"The name {host} could not be resolved.") from exc
    for *_, sockaddr in found:
        address = str(sockaddr[0])
        if settings.WEBHOOKS_ALLOW_PRIVATE or _public(ipaddress.ip_address(address.split("%")[0])):
            return address
    raise RefusedAddress(f"Refused: {host} is not a public address.")


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to a chosen address, with the URL's name in the Host header."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a chosen address; the certificate is checked for the URL's name (SNI)."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def post(url: str, *, body: bytes, headers: Mapping[str, str]) -> tuple[int, str]:
    """POST `body` to `url` once: the status and the start of the answer. Redirects are not
    followed (a 3xx is an answer like any other). RefusedAddress or OSError when no request
    could be made."""
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    host = parts.hostname or ""
    port = parts.port or (443 if secure else 80)
    address = _address_for(host, port)
    connection_class = _PinnedHTTPSConnection if secure else _PinnedHTTPConnection
    connection = connection_class(host, port, address=address, timeout=settings.WEBHOOKS_TIMEOUT)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", target, body=body, headers=dict(headers))
        response = connection.getresponse()
        excerpt = response.read(RESPONSE_EXCERPT).decode("utf-8", "replace")
    except http.client.HTTPException as exc:
        raise OSError(f"The answer was not HTTP: {exc!r}") from exc
    finally:
        connection.close()
    return response.status, excerpt


def retry_delay(attempts: int) -> float:
    """Seconds before the next attempt after `attempts` failed ones: doubling from
    WEBHOOKS_RETRY_BASE up to WEBHOOKS_RETRY_MAX, the second half of it at random (so that many
    deliveries failing together do not retry together)."""
    ceiling = min(settings.WEBHOOKS_RETRY_MAX, settings.WEBHOOKS_RETRY_BASE * 2 ** (attempts - 1))
    return ceiling / 2 + secrets.SystemRandom().uniform(0, ceiling / 2)


def _claim(delivery_id: int, now: datetime) -> WebhookDelivery | None:
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("endpoint")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        if delivery is None or (delivery.next_attempt and delivery.next_attempt > now):
            return None  # done, given up, being attempted, or not due yet
        delivery.attempts += 1
        delivery.next_attempt = now + ATTEMPT_LEASE
        delivery.save(update_fields=["attempts", "next_attempt"])
    return delivery


def delivery_attempt(*, delivery_id: int) -> float | None:
    """Send a due delivery once and record how it went. Returns the seconds until its next
    attempt when it failed and may be retried, else None (delivered, given up, or nothing to
    do: another attempt holds it or it is not due)."""
    now = timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    endpoint = delivery.endpoint
    update: dict[str, Any] = {"last_status_code": None, "last_response": "", "last_error": ""}
    retry = None
    if not endpoint.active:
        update.update(status=WebhookDelivery.Status.FAILED, last_error="Not sent: paused.")
    else:
        body = delivery_body(delivery)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Coach-Event": delivery.event,
            "Coach-Delivery": str(delivery.uuid),
            "Coach-Signature": signature(
                secret=endpoint.secret, timestamp=int(time.time()), body=body
            ),
        }
        try:
            status_code, excerpt = post(endpoint.url, body=body, headers=headers)
        except RefusedAddress as exc:
            update.update(status=WebhookDelivery.Status.FAILED, last_error=str(exc)[:300])
        except (OSError, ValueError) as exc:
            update["last_error"] = (str(exc) or exc.__class__.__name__)[:300]
        else:
            update.update(last_status_code=status_code, last_response=excerpt)
            if 200 <= status_code < 300:
                update.update(status=WebhookDelivery.Status.DELIVERED, delivered_at=timezone.now())
            elif 300 <= status_code < 400:
                update["last_error"] = "Redirects are not followed: use the final URL."
        if "status" not in update:
            if delivery.attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
                update["status"] = WebhookDelivery.Status.FAILED
            else:
                retry = retry_delay(delivery.attempts)
    update["next_attempt"] = timezone.now() + timedelta(seconds=retry) if retry else None
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**update)
    return retry


def deliveries_due(*, now: datetime, late: timedelta = timedelta(minutes=5)) -> list[int]:
    """Pending deliveries whose attempt should have run a while ago: their task was lost (a
    worker died, or the broker lost it). A periodic task queues them again."""
    late_since = now - late
    return list(
        WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING)
        .filter(
            Q(next_attempt__lte=late_since)
            | Q(next_attempt__isnull=True, created_at__lte=late_since)
        )
        .order_by("id")
        .values_list("pk", flat=True)[:1000]
    )
