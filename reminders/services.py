"""Writes of reminders: the every-minute dispatch, the sender, and the client's settings.

The dispatch, once a minute (beat, in UTC):

1. brings each client's `ReminderSchedule` up to date with the client: a row for every client
   with a current program, worked out again when their time zone or reminder time changed or
   when reminders come back on (one query finds them);
2. takes the rows due by now (an index on `next_due_at`), inserts their reminders in one
   `INSERT … SELECT … ON CONFLICT DO NOTHING` (unique per client, local date and channel, so a
   second dispatcher inserts nothing), moves each row on to its next day, and queues the sends
   once the transaction has committed, a task per chunk;
3. marks "unknown" the reminders left "sending" by a sender that stopped, and queues again the
   ones still pending a few minutes after they were queued (a task lost with its worker).

The sender claims each reminder ("sending", committed) before it talks to the mail server, and
records "sent" after; a reminder found "sending" later is never sent again.
"""

import logging
import smtplib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from coach.errors import DomainError
from coach.models import Client
from coach.services import client_update
from programs.models import Assignment
from reminders.models import Reminder, ReminderSchedule
from reminders.selectors import plans_on
from reminders.timing import Occurrence, next_occurrence, zone_named
from training.models import SessionLog
from training.selectors import DailyPlan

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "reminders.unsubscribe"
MISSED = "Not sent: its time passed while reminders were stopped, and it was too late to send."
TOO_LATE = "Not sent: it could not go out within three hours of its time, on its day."
UNKNOWN = (
    "The sender stopped while handing it to the mail server: it may or may not have arrived. "
    "It is not sent again."
)
# How many stale pending reminders one dispatch queues again, at most.
REQUEUE_LIMIT = 20_000


def batched(items: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    """`items` in slices of `size` (itertools.batched, from Python 3.12)."""
    return (items[start : start + size] for start in range(0, len(items), size))


class TransientMailError(Exception):
    """The mail server failed in a way that may pass (it was down, or asked to try later)."""


# --- the schedule --------------------------------------------------------------------------


def _current_assignment(client: str = "pk") -> Exists:
    return Exists(Assignment.objects.filter(client=OuterRef(client)).current())


def _zone(name: str) -> ZoneInfo | None:
    zone = zone_named(name)
    if zone is None:
        logger.warning("Unknown time zone %r: no reminders for its clients", name)
    return zone


def _occurrences(
    keys: Iterable[tuple[str, time, date | None]], *, now: datetime
) -> dict[tuple[str, time, date | None], Occurrence]:
    """The next occurrence for each (time zone, time, not before), each worked out once."""
    found = {}
    for name, at, not_before in set(keys):
        zone = _zone(name)
        if zone is not None:
            found[(name, at, not_before)] = next_occurrence(
                at=at, zone=zone, now=now, not_before=not_before
            )
    return found


def _due_fields(when: Occurrence | None) -> dict[str, object]:
    if when is None:
        return {"next_due_at": None, "send_until": None}
    return {"next_on": when.on, "next_due_at": when.due_at, "send_until": when.send_until}


def _insert_select(
    model: type[Model], columns: Sequence[str], rows: QuerySet[Any], returning: str = ""
) -> CursorWrapper:
    """Run `INSERT INTO model (columns) SELECT …` of the rows a queryset selects (one value
    per column, in order), skipping those that would break a unique constraint; the cursor, for
    its `rowcount` or the `returning` columns (SQL) of the rows inserted. One statement, however
    many rows."""
    quote = connection.ops.quote_name
    select, params = rows.order_by().query.sql_with_params()
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "
        f"{select} ON CONFLICT DO NOTHING"
    )
    cursor = connection.cursor()
    cursor.execute(f"{sql} RETURNING {returning}" if returning else sql, params)
    return cursor


# More new schedules than this at once (the first dispatch after a deploy, a large import):
# the planner's statistics of the table are refreshed before it is read again.
ANALYZE_AFTER = 1000


def schedules_sync(*, now: datetime) -> int:
    """Give every client with a current program a schedule, and work out again the schedules
    whose client changed time zone or reminder time, or that have nothing scheduled although
    reminders are on. Returns how many rows it worked out.

    A schedule moved this way is due at the first occurrence that is not too late, from the
    date it had not yet handled: a reminder already handled today is not sent again, and one
    not yet handled goes out at the new time (now, if that has just passed). One query finds
    them all; the occurrences are worked out once per time zone and time, and written by
    primary key.
    """
    stale = list(
        Client.objects.active()
        .filter(_current_assignment())
        .filter(
            Q(reminder_schedule__isnull=True)
            | Q(reminder_schedule__enabled=True)
            & (
                Q(reminder_schedule__next_due_at__isnull=True)
                | ~Q(reminder_schedule__time_zone=F("time_zone"))
                | ~Q(reminder_schedule__reminder_time=F("reminder_time"))
            )
        )
        .values_list(
            "pk", "time_zone", "reminder_time", "reminder_schedule__next_on", "reminder_schedule"
        )
    )
    if not stale:
        return 0
    # New rows are inserted apart from the query that found them: an INSERT that reads the
    # table it fills (to skip the clients who have a row) rereads every row it has just added,
    # for each client it looks at, when the planner's figures say the table is empty.
    created = 0
    for chunk in batched([pk for pk, *_, row in stale if row is None], 5000):
        rows = Client.objects.filter(pk__in=chunk).values_list(
            "pk", Value(True), Value(""), "time_zone", "reminder_time", Value(now)
        )
        with _insert_select(
            ReminderSchedule,
            ["client_id", "enabled", "turned_off_via", "time_zone", "reminder_time", "updated_at"],
            rows,
        ) as cursor:
            created += cursor.rowcount
    if created > ANALYZE_AFTER and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The figures of a table that was small: the dispatch below would walk it row by row.
            cursor.execute(f"ANALYZE {connection.ops.quote_name(ReminderSchedule._meta.db_table)}")
    groups: dict[tuple[str, time, date | None], list[int]] = {}
    for pk, tz, at, on, _ in stale:
        groups.setdefault((tz, at, on), []).append(pk)
    times = _occurrences(groups, now=now)
    for (tz, at, on), ids in groups.items():
        for chunk in batched(ids, 2000):  # by primary key: the same plan at any size
            ReminderSchedule.objects.filter(client_id__in=chunk).update(
                time_zone=tz,
                reminder_time=at,
                updated_at=now,
                **_due_fields(times.get((tz, at, on))),
            )
    return len(stale)


@transaction.atomic
def schedule_refresh(*, client: Client, now: datetime | None = None) -> ReminderSchedule:
    """Work out the client's next reminder now, after a change to their settings: scheduled
    when reminders are on and they have a current program, else nothing scheduled."""
    now = now or timezone.now()
    schedule, _ = ReminderSchedule.objects.select_for_update().get_or_create(
        client=client,
        defaults={"time_zone": client.time_zone, "reminder_time": client.reminder_time},
    )
    schedule.time_zone, schedule.reminder_time = client.time_zone, client.reminder_time
    zone = _zone(client.time_zone)
    when = None
    if (
        schedule.enabled
        and zone is not None
        and client.archived_at is None
        and Assignment.objects.filter(client=client).current().exists()
    ):
        when = next_occurrence(
            at=client.reminder_time, zone=zone, now=now, not_before=schedule.next_on
        )
    for name, value in _due_fields(when).items():
        setattr(schedule, name, value)
    schedule.save()
    return schedule


# --- the dispatch --------------------------------------------------------------------------


@dataclass
class Dispatched:
    """What one dispatch did."""

    scheduled: int = 0
    queued: int = 0
    missed: int = 0
    requeued: int = 0
    unknown: int = 0
    digests: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            name: getattr(self, name)
            for name in ("scheduled", "queued", "missed", "requeued", "unknown", "digests")
        }


def reminders_dispatch(*, now: datetime | None = None) -> Dispatched:
    """One minute's work (see the module's docstring). Safe to run twice at once: the unique
    reminder per client and day is the proof that it went out once."""
    from reminders.digest import digests_dispatch

    now = now or timezone.now()
    result = Dispatched(scheduled=schedules_sync(now=now))
    result.queued, result.missed = _reminders_create_due(now=now)
    result.unknown = _sending_given_up(now=now)
    result.requeued = _pending_requeue(now=now)
    result.digests = digests_dispatch(now=now)
    return result


def _due_reminders(now: datetime) -> QuerySet[Any]:
    """A reminder's columns for each schedule row due by `now` whose client trains on that date
    (an active assignment started by then, or one paused only later): pending, or skipped when
    its time to send has passed."""
    trains = Assignment.objects.filter(
        client=OuterRef("client_id"), starts_on__lte=OuterRef("next_on")
    ).filter(
        Q(status=Assignment.Status.ACTIVE)
        | Q(status=Assignment.Status.PAUSED, paused_on__gt=OuterRef("next_on"))
    )
    in_time = Q(send_until__gt=now)
    stamp = Value(now, output_field=DateTimeField())
    return (
        ReminderSchedule.objects.filter(next_due_at__lte=now)
        .filter(Exists(trains))
        .order_by()
        .values_list(
            "client_id",
            "next_on",
            Value(Reminder.Channel.EMAIL),
            Case(
                When(in_time, then=Value(Reminder.Status.PENDING)),
                default=Value(Reminder.Status.SKIPPED),
            ),
            Case(When(in_time, then=Value("")), default=Value(MISSED)),
            "next_due_at",
            "send_until",
            stamp,
            stamp,
            stamp,
        )
    )


@transaction.atomic
def _reminders_create_due(*, now: datetime) -> tuple[int, int]:
    """Insert the due reminders, move their schedules on, queue the sends on commit. Returns
    (queued, skipped as missed).

    A row whose reminder was missed (its time to send passed while nothing dispatched) gets a
    skipped reminder, then moves on to today's, which may be due already: a second pass takes
    it. The third pass finds nothing: a row moves on only to an occurrence still in time.
    """
    due = ReminderSchedule.objects.filter(next_due_at__lte=now)
    # Nothing to remind of (reminders off, client archived, no current program): nothing is
    # scheduled until the sync finds a reason again.
    due.filter(
        Q(enabled=False) | Q(client__archived_at__isnull=False) | ~_current_assignment("client")
    ).update(next_due_at=None, send_until=None, updated_at=now)
    pending: list[int] = []
    missed = 0
    for _ in range(3):
        groups = list(due.values_list("time_zone", "reminder_time", "next_on").distinct())
        if not groups:
            break
        with _insert_select(
            Reminder,
            [
                "client_id", "on", "channel", "status", "reason", "due_at", "send_until",
                "queued_at", "created_at", "updated_at",
            ],
            _due_reminders(now),
            returning='"id", "status"',
        ) as cursor:  # fmt: skip
            inserted = cursor.fetchall()
        pending += [pk for pk, status in inserted if status == Reminder.Status.PENDING]
        missed += sum(1 for _, status in inserted if status != Reminder.Status.PENDING)
        after = _occurrences(
            ((tz, at, on + timedelta(days=1)) for tz, at, on in groups if on is not None), now=now
        )
        for tz, at, on in groups:
            when = after.get((tz, at, on + timedelta(days=1))) if on is not None else None
            due.filter(time_zone=tz, reminder_time=at, next_on=on).update(
                updated_at=now, **_due_fields(when)
            )
    _queue_on_commit(pending)
    return len(pending), missed


# The sends go behind everything else in the queue (Redis serves priority 0 first, 9 last): a
# minute with 100,000 reminders must not hold up the next minutes' dispatches.
SEND_PRIORITY = 9


def _queue_on_commit(ids: list[int]) -> None:
    from reminders.tasks import reminders_send_task

    def queue() -> None:
        for chunk in batched(ids, settings.REMINDERS_CHUNK_SIZE):
            reminders_send_task.apply_async(args=(list(chunk),), priority=SEND_PRIORITY)

    if ids:
        transaction.on_commit(queue)


def _sending_given_up(*, now: datetime) -> int:
    """Reminders left "sending" longer than any sender takes: it stopped (a worker killed)
    while handing them to the mail server. They may have gone out, so they are never resent."""
    return Reminder.objects.filter(
        status=Reminder.Status.SENDING, sending_at__lt=now - settings.REMINDERS_SENDING_STALE
    ).update(status=Reminder.Status.UNKNOWN, reason=UNKNOWN, updated_at=now)


@transaction.atomic
def _pending_requeue(*, now: datetime) -> int:
    """Queue again the reminders still pending a few minutes after they were queued: their
    task went down with a worker, and the broker would hand it out only much later."""
    ids = list(
        Reminder.objects.select_for_update(skip_locked=True)
        .filter(
            status=Reminder.Status.PENDING,
            queued_at__lt=now - settings.REMINDERS_REQUEUE_AFTER,
        )
        .order_by("queued_at", "id")
        .values_list("pk", flat=True)[:REQUEUE_LIMIT]
    )
    for chunk in batched(ids, 1000):
        Reminder.objects.filter(pk__in=chunk).update(queued_at=now)
    _queue_on_commit(ids)
    return len(ids)


# --- the sender ----------------------------------------------------------------------------


def _is_transient(error: BaseException) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, smtplib.SMTPServerDisconnected | OSError)


def _text(answer: bytes | str) -> str:
    return answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)


def _mail_error(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, answer = next(iter(error.recipients.values()))
        detail = f"{code} {_text(answer)}"
    elif isinstance(error, smtplib.SMTPResponseException):
        detail = f"{error.smtp_code} {_text(error.smtp_error)}"
    else:
        detail = str(error) or type(error).__name__
    return f"The mail server did not take it: {detail}"[:300]


@dataclass
class Outgoing:
    """A reminder about to go out, with what it lists."""

    reminder: Reminder
    plans: list[DailyPlan]
    summary: str


def reminder_summary(plans: Sequence[DailyPlan]) -> str:
    """What a reminder lists, in a line: "Wall hold routine, day 12 of 30"."""
    return "; ".join(
        f"{plan.assignment.program.name}, day {plan.calendar_day} of {plan.total_days}"
        for plan in plans
    )[:300]


def _why_nothing(plans: Sequence[DailyPlan]) -> str:
    states = {plan.state for plan in plans}
    sessions = [plan.session for plan in plans if plan.state == "training" and plan.session]
    if "training" in states:
        if all(s.status == SessionLog.Status.SKIPPED for s in sessions):
            return "Not sent: the client skipped this day."
        return "Not sent: the day was already logged as done."
    for state, reason in (
        ("rest", "Not sent: a rest day."),
        ("paused", "Not sent: the program is paused."),
        ("before_start", "Not sent: the program has not started yet."),
        ("finished", "Not sent: the program has ended."),
    ):
        if state in states:
            return reason
    return "Not sent: no current program."


def _still_to_do(plans: Sequence[DailyPlan]) -> list[DailyPlan]:
    """The training days not yet logged as done (or skipped by the client)."""
    finished = (SessionLog.Status.DONE, SessionLog.Status.SKIPPED)
    return [
        plan
        for plan in plans
        if plan.state == "training"
        and (plan.session is None or plan.session.status not in finished)
    ]


def unsubscribe_token(client: Client) -> str:
    return signing.dumps(client.pk, salt=UNSUBSCRIBE_SALT)


def client_from_unsubscribe_token(token: str) -> Client:
    """The client an unsubscribe link was made for; a DomainError for a link that is not one."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as exc:
        raise DomainError("This link is not valid.", code="not_found") from exc
    client = Client.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if client is None:
        raise DomainError("This link is not valid.", code="not_found")
    return client


def absolute_url(path: str) -> str:
    """A link for an e-mail: the site's address (SITE_URL) and the path."""
    return f"{settings.SITE_URL}{path}"


class ReminderWriter:
    """Writes reminder e-mails: plain text and HTML from templates, with a one-click
    unsubscribe link in the text and in the headers (RFC 8058).

    What several reminders of a batch share is written once: the links, and the days they list
    (the same program day at the same stages reads the same for everyone of the same sex and
    units). Rendering the days is most of the cost of writing an e-mail.
    """

    def __init__(self, *, connection: object = None) -> None:
        self.connection = connection
        self.today_url = absolute_url(reverse("client-home"))
        self.settings_url = absolute_url(reverse("reminder-settings"))
        self.parts: dict[tuple[object, ...], tuple[str, str]] = {}

    def _days(self, outgoing: Outgoing) -> tuple[str, str]:
        client = outgoing.reminder.client
        key = (
            client.sex,
            client.prefers_kg,
            *(
                (
                    plan.assignment.program_id,
                    plan.offset,
                    plan.day.pk if plan.day else None,
                    tuple((i.prescription.pk, i.stage.pk if i.stage else None) for i in plan.items),
                )
                for plan in outgoing.plans
            ),
        )
        if key not in self.parts:
            context = {"plans": outgoing.plans}
            self.parts[key] = (
                render_to_string("emails/reminder_plans.txt", context),
                render_to_string("emails/reminder_plans.html", context),
            )
        return self.parts[key]

    def message(self, outgoing: Outgoing) -> EmailMultiAlternatives:
        reminder, client = outgoing.reminder, outgoing.reminder.client
        unsubscribe = absolute_url(
            reverse("reminder-unsubscribe", args=[unsubscribe_token(client)])
        )
        text, html = self._days(outgoing)
        context = {
            "client": client,
            "coach": client.coach,
            "on": reminder.on,
            "today_url": self.today_url,
            "settings_url": self.settings_url,
            "unsubscribe_url": unsubscribe,
        }
        message = EmailMultiAlternatives(
            subject=f"Today's training: {outgoing.summary}",
            body=render_to_string("emails/reminder.txt", {**context, "plans_part": text}),
            to=[client.email],
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "X-Coach-Reminder": str(reminder.pk),
            },
            connection=self.connection,
        )
        message.attach_alternative(
            render_to_string("emails/reminder.html", {**context, "plans_part": mark_safe(html)}),  # noqa: S308 - rendered by our template, escaped there
            "text/html",
        )
        return message


def reminder_message(outgoing: Outgoing) -> EmailMultiAlternatives:
    """The e-mail of one reminder (see ReminderWriter)."""
    return ReminderWriter().message(outgoing)


def reminders_send(*, reminder_ids: Sequence[int], last_attempt: bool = False) -> dict[str, int]:
    """Send the reminders of one chunk over one connection to the mail server.

    Each is claimed ("sending", committed) just before it is handed to the server and marked
    "sent" just after, so a sender that stops leaves at most the one in hand "sending" (never
    resent; the dispatcher marks it "unknown"). One already sent, taken by another sender, or
    no longer due is left alone or skipped with why. A transient mail error puts the reminder
    back to pending and raises TransientMailError, for the task to retry the chunk later; on
    the `last_attempt` it marks the reminder failed with the reason, as a permanent one does.
    """
    counts: Counter[str] = Counter()
    outgoing = _take(reminder_ids, counts)
    if outgoing:
        mail = get_connection(fail_silently=False, timeout=settings.REMINDERS_SMTP_TIMEOUT)
        try:
            mail.open()
        except Exception as error:
            _failed_to_connect(error, outgoing, last_attempt=last_attempt, counts=counts)
        else:
            try:
                _send_each(mail, outgoing, last_attempt=last_attempt, counts=counts)
            finally:
                try:
                    mail.close()
                except Exception:  # a server gone mid-chunk: nothing left to close
                    logger.warning("Closing the mail connection failed", exc_info=True)
    return {outcome: count for outcome, count in counts.items() if count}


def _take(reminder_ids: Sequence[int], counts: Counter[str]) -> list[Outgoing]:
    """Lock the chunk's reminders not yet done (skipping those another sender holds), settle
    those that must not go out, and return the rest with what each lists."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                pk__in=reminder_ids, status__in=[Reminder.Status.PENDING, Reminder.Status.SENDING]
            )
            .select_related("client__coach__user", "client__reminder_schedule")
            .order_by("pk")
        )
        stale = [
            r.pk
            for r in rows
            if r.status == Reminder.Status.SENDING
            and r.sending_at is not None
            and r.sending_at < now - settings.REMINDERS_SENDING_STALE
        ]
        counts["unknown"] += _settle(stale, Reminder.Status.UNKNOWN, UNKNOWN, now, was="sending")
        pending = [r for r in rows if r.status == Reminder.Status.PENDING]
        why = {r.pk: _why_not_now(r, now) for r in pending}
        for reason in set(why.values()) - {""}:
            ids = [pk for pk, found in why.items() if found == reason]
            counts["skipped"] += _settle(ids, Reminder.Status.SKIPPED, reason, now)
        ready = [r for r in pending if not why[r.pk]]
        plans = plans_on(wanted=[(r.pk, r.client, r.on) for r in ready])
        outgoing = []
        nothing: dict[str, list[int]] = {}
        for reminder in ready:
            todo = _still_to_do(plans.get(reminder.pk, []))
            if todo:
                outgoing.append(Outgoing(reminder, todo, reminder_summary(todo)))
            else:
                nothing.setdefault(_why_nothing(plans.get(reminder.pk, [])), []).append(reminder.pk)
        for reason, ids in nothing.items():
            counts["skipped"] += _settle(ids, Reminder.Status.SKIPPED, reason, now)
    return outgoing


def _why_not_now(reminder: Reminder, now: datetime) -> str:
    client = reminder.client
    schedule = getattr(client, "reminder_schedule", None)
    if client.archived_at is not None:
        return "Not sent: the client is archived."
    if schedule is not None and not schedule.enabled:
        return "Not sent: the client turned reminders off."
    if now >= reminder.send_until:
        return TOO_LATE
    return ""


def _settle(ids: list[int], status: str, reason: str, now: datetime, was: str = "pending") -> int:
    if not ids:
        return 0
    return Reminder.objects.filter(pk__in=ids, status=was).update(
        status=status, reason=reason, updated_at=now
    )


def _failed_to_connect(
    error: Exception, outgoing: list[Outgoing], *, last_attempt: bool, counts: Counter[str]
) -> None:
    if _is_transient(error) and not last_attempt:
        raise TransientMailError(_mail_error(error)) from error
    ids = [item.reminder.pk for item in outgoing]
    counts["failed"] += _settle(ids, Reminder.Status.FAILED, _mail_error(error), timezone.now())


# One statement, one commit per e-mail: the one just sent is recorded "sent" and the next one
# is claimed "sending" (a commit costs a disk flush: it bounds how fast a sender goes).
CLAIM_SQL = """
UPDATE {table} SET
    {status} = CASE WHEN {id} = %s THEN 'sending' ELSE 'sent' END,
    {sending_at} = CASE WHEN {id} = %s THEN %s ELSE {sending_at} END,
    {sent_at} = CASE WHEN {id} = %s THEN {sent_at} ELSE %s END,
    {attempts} = CASE WHEN {id} = %s THEN {attempts} + 1 ELSE {attempts} END,
    {summary} = CASE WHEN {id} = %s THEN %s ELSE {summary} END,
    {reason} = CASE WHEN {id} = %s THEN {reason} ELSE '' END,
    {updated_at} = %s
WHERE ({id} = %s AND {status} = 'sending') OR ({id} = %s AND {status} = 'pending')
RETURNING {id}
"""


def _claim(*, sent: Outgoing | None, claim: Outgoing | None) -> bool:
    """Record `sent` as sent and claim `claim` for sending, in one commit. True if claimed (it
    was still pending: no other sender has it)."""
    if sent is None and claim is None:
        return False
    quote = connection.ops.quote_name
    sql = CLAIM_SQL.format(
        table=quote(Reminder._meta.db_table),
        **{
            name: quote(name)
            for name in (
                "id", "status", "sending_at", "sent_at", "attempts", "summary", "reason",
                "updated_at",
            )
        },
    )  # fmt: skip
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    claim_id = claim.reminder.pk if claim else -1
    sent_id = sent.reminder.pk if sent else -1
    summary = claim.summary if claim else ""
    params = [claim_id, claim_id, now, claim_id, now, claim_id, claim_id, summary, claim_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, now, sent_id, claim_id])
        changed = {row[0] for row in cursor.fetchall()}
    return claim_id in changed


def _send_each(
    mail: object, outgoing: list[Outgoing], *, last_attempt: bool, counts: Counter[str]
) -> None:
    sent: Outgoing | None = None
    writer = ReminderWriter(connection=mail)
    for item in outgoing:
        try:  # written before the claim: a template that fails leaves nothing "sending"
            message = writer.message(item)
        except Exception as error:
            logger.exception("Reminder %s could not be written", item.reminder.pk)
            _claim(sent=sent, claim=None)
            sent = None
            counts["failed"] += _settle(
                [item.reminder.pk],
                Reminder.Status.FAILED,
                f"The e-mail could not be written: {error}"[:300],
                timezone.now(),
            )
            continue
        if not _claim(sent=sent, claim=item):
            sent = None
            continue
        sent = None
        try:
            message.send()
        except Exception as error:
            now = timezone.now()
            if _is_transient(error) and not last_attempt:
                Reminder.objects.filter(pk=item.reminder.pk, status=Reminder.Status.SENDING).update(
                    status=Reminder.Status.PENDING,
                    reason=f"Retrying. {_mail_error(error)}"[:300],
                    updated_at=now,
                )
                raise TransientMailError(_mail_error(error)) from error
            counts["failed"] += _settle(
                [item.reminder.pk], Reminder.Status.FAILED, _mail_error(error), now, was="sending"
            )
            continue
        counts["sent"] += 1
        sent = item
    _claim(sent=sent, claim=None)


# --- the client's settings -----------------------------------------------------------------


@transaction.atomic
def reminder_settings_update(
    *, client: Client, enabled: bool, reminder_time: time, now: datetime | None = None
) -> ReminderSchedule:
    """The client turns reminders on or off and sets their time (their own time zone)."""
    if reminder_time != client.reminder_time:
        client_update(client=client, data={"reminder_time": reminder_time})
    return _turn(
        client=client, enabled=enabled, via=ReminderSchedule.TurnedOffVia.SETTINGS, now=now
    )


def reminders_turn_off(
    *, client: Client, via: str, now: datetime | None = None
) -> ReminderSchedule:
    """Stop the client's reminders (from their settings, a link or their mail program)."""
    return _turn(client=client, enabled=False, via=via, now=now)


def reminders_turn_on(*, client: Client, now: datetime | None = None) -> ReminderSchedule:
    return _turn(client=client, enabled=True, via="", now=now)


@transaction.atomic
def _turn(*, client: Client, enabled: bool, via: str, now: datetime | None) -> ReminderSchedule:
    now = now or timezone.now()
    schedule, _ = ReminderSchedule.objects.select_for_update().get_or_create(
        client=client,
        defaults={"time_zone": client.time_zone, "reminder_time": client.reminder_time},
    )
    if schedule.enabled != enabled:
        schedule.enabled = enabled
        schedule.turned_off_at = None if enabled else now
        schedule.turned_off_via = "" if enabled else via
        schedule.save(update_fields=["enabled", "turned_off_at", "turned_off_via", "updated_at"])
    return schedule_refresh(client=client, now=now)
