"""The coach's morning digest: who missed yesterday, whose sides drift apart, who is ready to
move up. Off until the coach turns it on; scheduled like reminders (the every-minute dispatch,
the coach's own time zone) and sent at most once a day."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from coach.errors import DomainError
from coach.models import TIME_ZONES, Client, Coach
from exercises.models import Exercise
from reminders.models import CoachDigest
from reminders.selectors import plans_on
from reminders.services import absolute_url
from reminders.timing import next_occurrence, zone_named
from training.models import ClientStage, SessionLog, SetLog
from training.selectors import DailyPlan
from training.services import asymmetry

# Sides drift apart: the latest session of an exercise in this many days has a left/right gap
# of at least DRIFT_GAP (the share of the stronger side).
DRIFT_DAYS = 14
DRIFT_GAP = Decimal("0.15")


@transaction.atomic
def coach_digest_update(
    *, coach: Coach, enabled: bool, send_time: time, time_zone: str, now: datetime | None = None
) -> CoachDigest:
    """Turn the digest on or off, at a time of the coach's own time zone."""
    if time_zone not in TIME_ZONES:
        raise DomainError("Choose a time zone from the list.", field="time_zone")
    now = now or timezone.now()
    digest, _ = CoachDigest.objects.select_for_update().get_or_create(coach=coach)
    digest.enabled, digest.send_time, digest.time_zone = enabled, send_time, time_zone
    _schedule(digest, now=now)
    digest.save()
    return digest


def _schedule(digest: CoachDigest, *, now: datetime) -> None:
    if not digest.enabled:
        digest.next_due_at = digest.send_until = None
        return
    zone = zone_named(digest.time_zone)
    if zone is None:
        digest.next_due_at = digest.send_until = None
        return
    not_before = digest.last_sent_on + timedelta(days=1) if digest.last_sent_on else None
    if digest.next_on is not None and digest.next_due_at is not None:
        not_before = max(not_before or digest.next_on, digest.next_on)
    when = next_occurrence(at=digest.send_time, zone=zone, now=now, not_before=not_before)
    digest.next_on, digest.next_due_at, digest.send_until = when.on, when.due_at, when.send_until


def digests_dispatch(*, now: datetime) -> int:
    """Queue the digests due by `now` (not when too late) and move each on to its next day.
    Returns how many were queued."""
    from reminders.tasks import coach_digest_send_task

    queued: list[tuple[int, str]] = []
    with transaction.atomic():
        for digest in CoachDigest.objects.select_for_update(skip_locked=True).filter(
            next_due_at__lte=now
        ):
            on = digest.next_on
            if digest.enabled and on is not None and digest.send_until and now < digest.send_until:
                queued.append((digest.pk, on.isoformat()))
            if on is not None:
                digest.next_on = on + timedelta(days=1)
            _schedule(digest, now=now)
            digest.save(update_fields=["next_on", "next_due_at", "send_until", "updated_at"])

        def queue() -> None:
            for coach_id, on_text in queued:
                coach_digest_send_task.delay(coach_id, on_text)

        if queued:
            transaction.on_commit(queue)
    return len(queued)


@dataclass
class Drift:
    client: Client
    exercise: Exercise
    gap: Decimal
    on: date

    @property
    def percent(self) -> int:
        return round(self.gap * 100)


@dataclass
class Digest:
    """What the morning digest of `on` says (yesterday is the day before)."""

    coach: Coach
    on: date
    missed: list[DailyPlan] = field(default_factory=list)
    skipped: list[DailyPlan] = field(default_factory=list)
    drifting: list[Drift] = field(default_factory=list)
    ready: list[ClientStage] = field(default_factory=list)

    @property
    def yesterday(self) -> date:
        return self.on - timedelta(days=1)

    @property
    def is_empty(self) -> bool:
        return not (self.missed or self.skipped or self.drifting or self.ready)


def digest_build(*, coach: Coach, on: date) -> Digest:
    """The digest of `on` for the coach's active clients: their training days of yesterday with
    nothing logged (or skipped), the latest session of an exercise in the last two weeks whose
    sides differ by 15 % or more, and the stages they are ready to move up from."""
    clients = list(Client.objects.for_coach(coach).active().order_by("name", "id"))
    result = Digest(coach=coach, on=on)
    if not clients:
        return result
    yesterday = on - timedelta(days=1)
    plans = plans_on(wanted=[(client.pk, client, yesterday) for client in clients])
    by_pk = {client.pk: client for client in clients}
    logged = (SessionLog.Status.DONE, SessionLog.Status.PARTIAL)
    for client in clients:
        for plan in plans.get(client.pk, []):
            if plan.state != "training":
                continue
            plan.assignment.client = client
            if plan.session is None or plan.session.status == SessionLog.Status.OPEN:
                result.missed.append(plan)
            elif plan.session.status not in logged:
                result.skipped.append(plan)
    result.drifting = _drifting(by_pk, since=on - timedelta(days=DRIFT_DAYS))
    result.ready = list(
        ClientStage.objects.filter(client__in=clients, ready_since__isnull=False)
        .select_related("client", "exercise", "stage")
        .order_by("client__name", "client_id", "exercise__name")
    )
    return result


def _drifting(clients: dict[int, Client], *, since: date) -> list[Drift]:
    sessions: dict[tuple[int, int], dict[int, list[SetLog]]] = defaultdict(dict)
    exercises: dict[int, Exercise] = {}
    days: dict[int, date] = {}
    for set_log in (
        SetLog.objects.alive()
        .filter(
            session__client_id__in=clients,
            session__deleted_at__isnull=True,
            session__on__gte=since,
        )
        .filter(Q(side=SetLog.Side.LEFT) | Q(side=SetLog.Side.RIGHT))
        .select_related("exercise", "session")
        .only(
            "side", "reps", "hold_seconds", "load", "exercise", "session__client_id", "session__on"
        )
    ):
        key = (set_log.session.client_id, set_log.exercise_id)
        sessions[key].setdefault(set_log.session_id, []).append(set_log)
        exercises[set_log.exercise_id] = set_log.exercise
        days[set_log.session_id] = set_log.session.on
    found = []
    for (client_id, exercise_id), by_session in sessions.items():
        latest = max(by_session, key=lambda pk: (days[pk], pk))
        exercise = exercises[exercise_id]
        gap = asymmetry(by_session[latest], exercise.measurement)
        if gap is not None and gap >= DRIFT_GAP:
            found.append(Drift(clients[client_id], exercise, gap, days[latest]))
    return sorted(found, key=lambda d: (-d.gap, d.client.name))


def coach_digest_send(*, coach_id: int, on: str) -> bool:
    """E-mail the coach's digest of `on` (an ISO date). False when it is off or was already
    sent for that day: the day is claimed before sending, and released if sending fails."""
    day = date.fromisoformat(on)
    digest = CoachDigest.objects.select_related("coach__user").filter(pk=coach_id).first()
    if digest is None or not digest.enabled:
        return False
    before = digest.last_sent_on
    claimed = (
        CoachDigest.objects.filter(pk=coach_id, enabled=True)
        .filter(Q(last_sent_on__isnull=True) | Q(last_sent_on__lt=day))
        .update(last_sent_on=day)
    )
    if not claimed:
        return False
    context = {
        "digest": digest_build(coach=digest.coach, on=day),
        "dashboard_url": absolute_url(reverse("dashboard")),
        "settings_url": absolute_url(reverse("digest-settings")),
    }
    message = EmailMultiAlternatives(
        subject=f"Your clients this morning, {day:%A %-d %B}",
        body=render_to_string("emails/reminder_digest.txt", context),
        to=[digest.coach.user.email],
    )
    message.attach_alternative(
        render_to_string("emails/reminder_digest.html", context), "text/html"
    )
    try:
        message.send()
    except Exception:
        CoachDigest.objects.filter(pk=coach_id, last_sent_on=day).update(last_sent_on=before)
        raise
    return True
