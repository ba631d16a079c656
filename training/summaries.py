"""The figures of the coach's dashboard, stored per client (ClientSummary) so that the dashboard
sorts and filters them in SQL at the same cost for 3 clients and for 3,000.

A write that changes them (the log and stage services call `summary_changed`) counts itself on
the client's row and, once it commits, queues one task that works out again every summary
counted as changed (`summaries_refresh_changed`): many writes of many clients, one batch of a
fixed number of queries, and no request waits for it. The dashboard refreshes the changed
summaries of the coach before it sorts and filters (so it never shows figures a write has made
stale, task or no task), and the stale rows of the page it shows (the client's day has turned,
or a program of theirs changed since); a pass each hour refreshes the clients whose day has
turned since (`summaries_refresh_due`): "missed" grows with time alone.

The dashboard's drawn pages are kept in the shared cache under the coach's dashboard version
(`dashboard_version`), which every write that changes the figures of one of the coach's clients
changes, with the versions of the practice (clients added or changed) and of the programs and
library. A page sorted by name is kept without the figures: each of its rows is kept apart under
its client's own version (`dashboard_row_versions`), which only that client's writes change,
and the client's local date. A refresh changes no row's version: the figures it works out are
those a write already announced, or those of a client's new day, or of a program changed since
(which changes the programs' version). Figures of a new day, of a changed program or made for
the first time do change the coach's version (`announce`): a page sorted or filtered by them
reads every client's, not only its own rows'.
"""

import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone

from coach.common import (
    PLANS_VERSION_KEY,
    code_version,
    new_versions,
    versions,
    versions_and_kept,
)
from coach.models import Client
from coach.response_cache import _practice_key
from programs.models import Assignment
from training.models import ClientStage, ClientSummary, SessionLog, SetLog
from training.progress import (
    DayStatus,
    ProgramDay,
    SetFigures,
    adherence,
    largest_asymmetry,
    missed_in_a_row,
    session_sides,
    streaks,
)
from training.selectors import ProgramCalendar, program_calendars, set_figures

# Clients refreshed per round of reads: bounds the rows a round holds in memory.
BATCH_SIZE = 200
# The asymmetry that counts as current: each exercise's latest session within these days.
ASYMMETRY_DAYS = 28
# Far enough back for the 30-day adherence.
WINDOW_DAYS = 31
SUMMARY_FIELDS = [
    "on",
    "today_status",
    "adherence_7",
    "adherence_30",
    "missed_in_a_row",
    "current_streak",
    "asymmetry",
    "asymmetry_exercise",
    "ready_count",
    "last_logged_on",
    "refreshed_at",
]
# Set while a refresh task is queued: the writes meanwhile queue no other one.
REFRESH_QUEUED_KEY = "summaries:refresh-queued"
# How long a queued task counts as queued (one lost by the broker is replaced after this).
REFRESH_QUEUED_SECONDS = 30
# The task runs this long after the first write it answers, to take the writes after it too.
REFRESH_DELAY_SECONDS = 1
Today = ClientSummary.Today
logger = logging.getLogger(__name__)
LOGGED = [SessionLog.Status.DONE, SessionLog.Status.PARTIAL, SessionLog.Status.SKIPPED]


def today_status(days: Iterable[ProgramDay], *, today: date) -> str:
    """How the client's day stands, over every program with a session today."""
    due = [d.status for d in days if d.on == today]
    if not due:
        return Today.NONE
    sessions = [s for s in due if s not in (DayStatus.REST, DayStatus.PAUSED)]
    if not sessions:
        return Today.PAUSED if DayStatus.PAUSED in due else Today.REST
    if all(s == DayStatus.DONE for s in sessions):
        return Today.DONE
    if all(s == DayStatus.SKIPPED for s in sessions):
        return Today.SKIPPED
    if any(s in (DayStatus.DONE, DayStatus.PARTIAL) for s in sessions):
        return Today.PARTIAL
    return Today.NOT_YET


def _with_upcoming(status: str, calendars: Iterable[ProgramCalendar], *, today: date) -> str:
    """A client with no program today but one that starts later is waiting, not without one."""
    if status != Today.NONE:
        return status
    for calendar in calendars:
        assignment = calendar.assignment
        if assignment.status == Assignment.Status.ACTIVE and assignment.starts_on > today:
            return Today.UPCOMING
    return status


def _share(ratio: Decimal | None) -> Decimal | None:
    return None if ratio is None else ratio.quantize(Decimal("0.001"))


def summaries_refresh(
    *, client_ids: Sequence[int], now: datetime | None = None, announce: bool = True
) -> int:
    """Work out and store the summary of each client; returns how many were stored. A fixed
    number of queries per batch of clients, in bulk. `announce`: the coaches' kept dashboard
    pages are stale after it (see summaries_refresh_changed for when they are not)."""
    now = now or timezone.now()
    stored = 0
    for start in range(0, len(client_ids), BATCH_SIZE):
        ids = sorted(client_ids[start : start + BATCH_SIZE])
        with transaction.atomic():
            # The batch's stored summaries are locked first, in one order: a refresh of the same
            # clients running meanwhile (another worker, a dashboard) waits, and then works from
            # the data this one saw and after, never writing older figures over newer ones. The
            # count of changes is read before the figures: a write that commits after it has
            # not been counted here, and its count is left for the next refresh.
            seen = dict(
                ClientSummary.objects.select_for_update()
                .filter(client_id__in=ids)
                .order_by("client_id")
                .values_list("client_id", "changes")
            )
            batch = list(
                Client.objects.filter(pk__in=ids).only("id", "time_zone", "coach_id").order_by("pk")
            )
            rows = _summaries(batch, now=now)
            ClientSummary.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["client"],
                update_fields=SUMMARY_FIELDS,
            )
            settled = Q()
            for client_id, changes in seen.items():
                if changes:
                    settled |= Q(client_id=client_id, changes=changes)
            if settled:
                ClientSummary.objects.filter(settled).update(changes=0)
            if announce:
                dashboard_changed(coach_ids={client.coach_id for client in batch})
        stored += len(rows)
    return stored


def summaries_refresh_changed(*, coach_id: int | None = None) -> int:
    """Work out again the summaries that writes have changed: of one coach's clients (the
    dashboard, before it sorts), or of everyone (the task).

    The coach's dashboard refreshing them does not make its kept pages stale: each write
    already did (summary_changed), and every page drawn since works them out before it reads
    them, so no kept page shows the figures before the refresh; the page being drawn is kept
    under the version it was asked for, and the next visit reads it. The task's refresh still
    says so, to be safe: it is off the requests' path."""
    changed = ClientSummary.objects.filter(changes__gt=0)
    if coach_id is not None:
        changed = changed.filter(client__coach_id=coach_id)
    ids = list(changed.order_by("client_id").values_list("client_id", flat=True))
    return summaries_refresh(client_ids=ids, announce=coach_id is None) if ids else 0


def _dashboard_key(coach_id: int) -> str:
    return f"dashboard:version:{coach_id}"


def _dashboard_row_key(client_id: int) -> str:
    return f"dashboard:version:client:{client_id}"


def dashboard_changed(*, coach_ids: Iterable[int], client_ids: Iterable[int] = ()) -> None:
    """The dashboard pages of these coaches drawn before this write are stale, and the rows of
    these clients (theirs: a page by name reads its rows' versions only once its coach's has
    changed): now, for this request and the tests, and again once the transaction commits, for
    a page drawn meanwhile from the rows as they were before the commit."""
    keys = [_dashboard_key(coach_id) for coach_id in coach_ids]
    keys += [_dashboard_row_key(client_id) for client_id in client_ids]
    if keys:
        new_versions(keys)


def dashboard_version(coach_id: int) -> str:
    """The version a drawn page of the coach's dashboard is kept under: of the code, of the
    programs and library, of the practice (clients added, changed or archived) and of the
    summaries of the coach's clients."""
    version, figures, _ = dashboard_page_version(coach_id)
    return f"{version}.{figures}"


def dashboard_page_version(
    coach_id: int, *, kept: Sequence[str] = ()
) -> tuple[str, str, dict[str, Any]]:
    """The version of a page of the coach's dashboard whose clients and order do not depend on
    their figures (sorted by name, not filtered by them), whose rows are kept apart under their
    clients' own versions (`dashboard_row_versions`): that of `dashboard_version` without the
    summaries'; and apart, the version of the figures of all the coach's clients (which every
    change to one's row changes too). With the entries `kept` that the cache holds, in one
    round trip."""
    keys = [PLANS_VERSION_KEY, _practice_key(coach_id), _dashboard_key(coach_id)]
    read, found = versions_and_kept(keys, kept)
    version, figures = read.rsplit(".", 1)
    return f"{code_version()}.{version}", figures, found


def dashboard_row_versions(client_ids: Sequence[int]) -> dict[int, str]:
    """The version of each client's dashboard row (each write that changes the client's
    figures changes it), in one round trip."""
    if not client_ids:
        return {}
    read = versions([_dashboard_row_key(client_id) for client_id in client_ids])
    return dict(zip(client_ids, read.split("."), strict=True))


def summary_changed(*, client: Client) -> None:
    """After a write that changes what the client's dashboard row shows: counted on the row
    now, worked out again after the commit by the task (see the module's text)."""
    counted = ClientSummary.objects.filter(client_id=client.pk).update(changes=F("changes") + 1)
    if not counted:
        # The client's first figures: a row to count on, so that the dashboard's sort and
        # filters find them changed (and the task works them out).
        _, made = ClientSummary.objects.get_or_create(
            client_id=client.pk, defaults={"on": client.local_today(), "changes": 1}
        )
        if not made:  # made meanwhile by another request
            ClientSummary.objects.filter(client_id=client.pk).update(changes=F("changes") + 1)
    dashboard_changed(coach_ids={client.coach_id}, client_ids=[client.pk])
    transaction.on_commit(_queue_refresh)


def _queue_refresh() -> None:
    """One task for the writes of the next second; none when one is queued already."""
    from training.tasks import summaries_refresh_changed_task

    if not cache.add(REFRESH_QUEUED_KEY, 1, REFRESH_QUEUED_SECONDS):
        return
    try:
        summaries_refresh_changed_task.apply_async(countdown=REFRESH_DELAY_SECONDS)
    except Exception:
        # The write is stored; the dashboard and the hourly pass work the figures out instead.
        cache.delete(REFRESH_QUEUED_KEY)
        logger.exception("Could not queue the refresh of the dashboard figures")


def _summaries(clients: list[Client], *, now: datetime) -> list[ClientSummary]:
    if not clients:
        return []
    ids = [c.pk for c in clients]
    today_of = {c.pk: c.local_today(now) for c in clients}
    earliest = min(today_of.values())
    calendars = program_calendars(
        clients=clients, today_of=today_of, ended_since=earliest - timedelta(days=WINDOW_DAYS)
    )
    figures: dict[int, list[SetFigures]] = {pk: [] for pk in ids}
    measurement_of: dict[int, str] = {}
    unilateral: set[int] = set()
    rows = set_figures(client_ids=ids, since=earliest - timedelta(days=ASYMMETRY_DAYS))
    for client_id, on, session, exercise, side, reps, hold, load, unit, _, measure, lat in rows:
        if on < today_of[client_id] - timedelta(days=ASYMMETRY_DAYS - 1):
            continue
        figures[client_id].append(SetFigures(on, session, exercise, side, reps, hold, load, unit))
        measurement_of[exercise] = measure
        if lat != "bilateral":
            unilateral.add(exercise)
    ready = _ready_counts(ids)
    last_logged = dict(
        SessionLog.objects.alive()
        .filter(client__in=ids)
        .filter(
            Q(status__in=LOGGED) | Exists(SetLog.objects.alive().filter(session=OuterRef("pk")))
        )
        .values_list("client_id")
        .annotate(last=Max("on"))
    )
    summaries = []
    for client in clients:
        today = today_of[client.pk]
        days = [day for calendar in calendars.get(client.pk, []) for day in calendar.days]
        gap = largest_asymmetry(
            session_sides(figures[client.pk], measurement_of=measurement_of),
            unilateral=unilateral,
        )
        summaries.append(
            ClientSummary(
                client=client,
                on=today,
                today_status=_with_upcoming(
                    today_status(days, today=today),
                    calendars.get(client.pk, []),
                    today=today,
                ),
                adherence_7=_share(adherence(days, today=today, last_days=7).ratio),
                adherence_30=_share(adherence(days, today=today, last_days=30).ratio),
                missed_in_a_row=missed_in_a_row(days),
                current_streak=streaks(days)[0],
                asymmetry=None if gap is None else _share(gap[0]),
                asymmetry_exercise_id=None if gap is None else gap[1],
                ready_count=ready.get(client.pk, 0),
                last_logged_on=last_logged.get(client.pk),
                refreshed_at=now,
            )
        )
    return summaries


def _ready_counts(client_ids: list[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for client_id in ClientStage.objects.filter(
        client__in=client_ids, ready_since__isnull=False
    ).values_list("client_id", flat=True):
        counts[client_id] = counts.get(client_id, 0) + 1
    return counts


def stale_summaries(clients: Iterable[Client], *, now: datetime | None = None) -> list[int]:
    """Of these clients (read with their summary), those whose summary is missing, from
    another day of theirs, changed by a write since, or older than the last change to one of
    their programs. One query."""
    return list(_staleness(clients, now=now))


def _staleness(clients: Iterable[Client], *, now: datetime | None = None) -> dict[int, bool]:
    """`stale_summaries`, each with whether only the writes counted on it made it stale."""
    now = now or timezone.now()
    clients = list(clients)
    changed = dict(
        Assignment.objects.filter(client__in=[c.pk for c in clients])
        .values_list("client_id")
        .annotate(last=Max("updated_at"))
    )
    stale: dict[int, bool] = {}
    for client in clients:
        summary = getattr(client, "summary", None)
        if (
            summary is None
            or summary.on != client.local_today(now)
            or (client.pk in changed and changed[client.pk] > summary.refreshed_at)
        ):
            stale[client.pk] = False
        elif summary.changes:
            stale[client.pk] = True
    return stale


def summaries_fresh(clients: Iterable[Client], *, now: datetime | None = None) -> None:
    """Refresh the stale summaries of these clients (read with their summary: a page of the
    dashboard) and put the new ones on them. Figures stale only by the writes counted on them
    change no page (each write did: `summary_changed`); those of a client's new day, of a
    program changed since or made for the first time change the coach's pages sorted or
    filtered by them, which read every client's."""
    clients = list(clients)  # a queryset keeps these same rows for whoever reads it next
    stale = _staleness(clients, now=now)
    if not stale:
        return
    summaries_refresh(client_ids=list(stale), now=now, announce=not all(stale.values()))
    fresh = {
        summary.pk: summary
        for summary in ClientSummary.objects.filter(pk__in=list(stale)).select_related(
            "asymmetry_exercise"
        )
    }
    for client in clients:
        if client.pk in fresh:
            client.summary = fresh[client.pk]


def summaries_refresh_due(*, now: datetime | None = None) -> int:
    """The pass run each hour: refresh the summary of every active client whose day has
    turned since it was made (or who has none, or whose program changed since). Each client is
    refreshed once a day by it, soon after their local midnight."""
    now = now or timezone.now()
    clients = (
        Client.objects.active()
        .select_related("summary")
        .only("id", "time_zone", "summary__on", "summary__refreshed_at", "summary__changes")
        .order_by("pk")
    )
    due: list[int] = []
    batch: list[Client] = []
    for client in clients.iterator(chunk_size=BATCH_SIZE):
        batch.append(client)
        if len(batch) == BATCH_SIZE:
            due += stale_summaries(batch, now=now)
            batch = []
    due += stale_summaries(batch, now=now) if batch else []
    return summaries_refresh(client_ids=due, now=now)
