"""The dashboard's rows, drawn here rather than in a template loop: the page is the coach's
most read, and its rows are most of its cost (a page of 25 rows should cost what one of 3 does).
Every text that comes from a person (names) is escaped; the rest are figures and labels."""

import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any, NamedTuple

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from coach.common import keep_at, kept_at, key_digest
from coach.models import Client, Coach
from training.models import ClientSummary
from training.selectors import dashboard_clients, dashboard_clients_by_id
from training.summaries import (
    dashboard_page_version,
    dashboard_row_versions,
    summaries_fresh,
    summaries_refresh_changed,
)

TODAY_LABELS = dict(ClientSummary.Today.choices)
# An id no row has, to be replaced by each row's own in its links.
PLACEHOLDER_ID = 2**62 + 12345
# An entry is never stale (it is kept with the versions it was drawn at); this bounds an unread one.
DASHBOARD_PAGE_SECONDS = 6 * 60 * 60


def percent_text(share: Decimal | None) -> str:
    return "" if share is None else f"{round(share * 100)}%"


def day_text(on: date | None) -> str:
    return "" if on is None else f"{on.day} {on:%b %Y}"


@dataclass(frozen=True)
class DashboardRow:
    client: Client
    detail_url: str
    progress_url: str
    has_summary: bool
    today: str  # ClientSummary.Today value, "" without a summary
    today_label: str
    adherence_7: str  # "83%", or "" when no session was due
    adherence_30: str
    missed: int | None
    asymmetry: str
    asymmetry_exercise: str
    asymmetry_flagged: bool
    ready_count: int
    last_logged: str

    @property
    def missed_flagged(self) -> bool:
        return self.missed is not None and self.missed >= 2

    def html(self, *, threshold_pct: int, programs_url: str) -> SafeString:
        """The row's `<tr>`, in the order of views.DASHBOARD_COLUMNS."""
        client = self.client
        login = "" if client.user_id else " · no login yet"
        if not self.has_summary:
            today = '<span class="muted">—</span>'
        else:
            today = f'<span class="badge today-{self.today}">{self.today_label}</span>'
            if self.today == ClientSummary.Today.NONE and not client.is_archived:
                today += f' <a class="small" href="{programs_url}">Assign a program</a>'
        if self.missed_flagged:
            missed = f'<strong class="attention">{self.missed} sessions</strong>'
        else:
            missed = "—" if self.missed is None else str(self.missed)
        asymmetry = "—"
        if self.asymmetry:
            flagged = ' class="attention"' if self.asymmetry_flagged else ""
            asymmetry = (
                f"<span{flagged}>{self.asymmetry}</span> "
                f'<span class="small">{escape(self.asymmetry_exercise)}</span>'
            )
            if self.asymmetry_flagged:
                asymmetry += f' <span class="badge badge-flag">Above {threshold_pct}%</span>'
        ready = "No"
        if self.ready_count:
            more = f" on {self.ready_count} exercises" if self.ready_count > 1 else ""
            ready = f'<a class="badge badge-ready" href="{self.detail_url}#stages">Ready{more}</a>'
        return mark_safe(  # noqa: S308 - the names are escaped, the rest is ours
            f'<tr><td><a href="{self.detail_url}">{escape(client.name)}</a><br>'
            f'<span class="muted small">{escape(client.get_time_zone_display())}{login}</span>'
            f'</td><td data-label="Today">{today}</td>'
            f'<td data-label="7 days">{self.adherence_7 or "—"}</td>'
            f'<td data-label="30 days">{self.adherence_30 or "—"}</td>'
            f'<td data-label="Missed in a row">{missed}</td>'
            f'<td data-label="Largest asymmetry">{asymmetry}</td>'
            f'<td data-label="Ready to advance">{ready}</td>'
            f'<td data-label="Last logged">{self.last_logged or "Never"}<br>'
            f'<a class="small" href="{self.progress_url}">Progress</a></td></tr>'
        )


def dashboard_rows(clients: Iterable[Client], *, threshold_pct: int) -> list[DashboardRow]:
    """A row per client (read with its summary and the summary's exercise), against the
    practice's asymmetry threshold (in %)."""
    threshold = Decimal(threshold_pct) / 100
    # One reverse() per page, not two per row: the rows' links differ by their id alone.
    detail_of, progress_of = (
        reverse(name, args=[PLACEHOLDER_ID]) for name in ("client-detail", "client-progress")
    )
    rows = []
    for client in clients:
        summary: ClientSummary | None = getattr(client, "summary", None)
        detail = detail_of.replace(str(PLACEHOLDER_ID), str(client.pk))
        asymmetry = summary.asymmetry if summary else None
        exercise = summary.asymmetry_exercise if summary else None
        rows.append(
            DashboardRow(
                client=client,
                detail_url=detail,
                progress_url=progress_of.replace(str(PLACEHOLDER_ID), str(client.pk)),
                has_summary=summary is not None,
                today=summary.today_status if summary else "",
                today_label=TODAY_LABELS.get(summary.today_status, "") if summary else "",
                adherence_7=percent_text(summary.adherence_7) if summary else "",
                adherence_30=percent_text(summary.adherence_30) if summary else "",
                missed=summary.missed_in_a_row if summary else None,
                asymmetry=percent_text(asymmetry),
                asymmetry_exercise=exercise.name if exercise else "",
                asymmetry_flagged=asymmetry is not None and asymmetry > threshold,
                ready_count=summary.ready_count if summary else 0,
                last_logged=day_text(summary.last_logged_on) if summary else "",
            )
        )
    return rows


def dashboard_table_body(clients: Iterable[Client], *, threshold_pct: int) -> SafeString:
    """The `<tr>` of each client, for the dashboard's table."""
    rows = rows_html(clients, threshold_pct=threshold_pct).values()
    return mark_safe("".join(rows))  # noqa: S308 - each row is made safe by DashboardRow.html


def rows_html(clients: Iterable[Client], *, threshold_pct: int) -> dict[int, SafeString]:
    """Each client's `<tr>` by their id, in the clients' order."""
    programs_url = reverse("program-list")
    return {
        row.client.pk: row.html(threshold_pct=threshold_pct, programs_url=programs_url)
        for row in dashboard_rows(clients, threshold_pct=threshold_pct)
    }


@dataclass
class DashboardPage:
    """A page of the coach's dashboard, each part read when it is first used (a page drawn
    before is shown from the cache and reads none of them)."""

    coach: Coach
    query: str
    archived: bool
    attention: bool
    sort: str
    page: str | None
    per_page: int

    @property
    def by_name(self) -> bool:
        """Whether the page's clients and their order do not depend on their figures (sorted by
        name, not filtered by them, active clients): its rows are then kept apart, each under
        its client's version (see `page_by_name`)."""
        return self.sort.removeprefix("-") == "name" and not self.attention and not self.archived

    @cached_property
    def clients(self) -> Page[Client]:
        """The page of clients, with their summaries (the stale ones refreshed). The figures
        writes have changed are worked out first, so that the sort and the filters use them.
        A page by name reads its clients alone: its rows are drawn apart."""
        if self.by_name:
            return Paginator(
                dashboard_clients(coach=self.coach, query=self.query, sort=self.sort),
                self.per_page,
            ).get_page(self.page)
        if not self.archived:
            summaries_refresh_changed(coach_id=self.coach.pk)
        found = dashboard_clients(
            coach=self.coach,
            query=self.query,
            archived=self.archived,
            sort=self.sort,
            attention=self.attention,
        )
        page = Paginator(found, self.per_page).get_page(self.page)
        if not self.archived:
            summaries_fresh(page.object_list)
        return page

    @cached_property
    def rows(self) -> SafeString:
        if self.by_name:
            return rows_mark(self.clients.object_list)
        return dashboard_table_body(
            self.clients.object_list, threshold_pct=self.coach.asymmetry_threshold_pct
        )

    @property
    def has_any_client(self) -> bool:
        """Whether to show the search and the table rather than the first steps."""
        return bool(
            self.query
            or self.archived
            or self.attention
            or self.clients.paginator.count
            or Client.objects.for_coach(self.coach).exists()
        )


# --- rows kept apart ----------------------------------------------------------------------------
# A page sorted by name is kept with a mark where its rows go, naming each client and their time
# zone, and with each row as drawn under the version of its client's figures (which every write
# that changes them changes: training.summaries.dashboard_row_versions) and their local date
# (their figures turn with their day), so that a log draws again only its client's row.
ROWS_MARK = re.compile(r"<!--dashboard-rows:([^<>]*?)-->")


def rows_mark(clients: Iterable[Client]) -> SafeString:
    named = ";".join(f"{client.pk}@{client.time_zone}" for client in clients)
    return mark_safe(f"<!--dashboard-rows:{named}-->")  # noqa: S308 - ids and zone names


def page_by_name(request: HttpRequest, *, coach: Coach, context: dict[str, Any]) -> SafeString:
    """The dashboard's page by name (the body of its template, drawn from `context`) as kept,
    with its rows, each drawn again only when its client's figures or day or the page's
    version changed since it was kept. The page and its rows are one entry of the cache, read
    in the same round trip as the page's version and the coach's figures' version (which
    every change to any of their clients' figures changes): while that is as the page was
    kept, no row's figures changed, and the rows' own versions are not read."""
    key = f"dashboard:page:{coach.pk}:{key_digest(request.get_full_path())}"
    version, figures, kept = dashboard_page_version(coach.pk, kept=[key])
    # Beyond the practice's version: the threshold (the rows' flags, the form).
    at = f"{version}.{coach.asymmetry_threshold_pct}"
    page: KeptPage | None = kept_at(kept.get(key), at)
    drawn = page is None
    if page is None:
        html = render_to_string("training/_dashboard_body.html", context, request=request)
        page = KeptPage(html=html, figures="", rows={})
    mark = ROWS_MARK.search(page.html)
    if mark is None:  # no client on the page
        if drawn:
            keep_at(key, at, page, DASHBOARD_PAGE_SECONDS)
        return mark_safe(page.html)  # noqa: S308 - our own drawing
    zones = dict(named.split("@", 1) for named in mark.group(1).split(";") if named)
    ids = [int(pk) for pk in zones]
    now = timezone.now()
    days = {zone: now.astimezone(zoneinfo.ZoneInfo(zone)).date() for zone in set(zones.values())}
    # Beyond the client's figures and the page's version: the client's day.
    day_of = {pk: days[zones[str(pk)]] for pk in ids}
    rows = page.rows
    if page.figures == figures and all(pk in rows and rows[pk][0] == day_of[pk] for pk in ids):
        return _with_rows(page.html, mark, [rows[pk][2] for pk in ids])
    row_versions = dashboard_row_versions(ids)
    shown = {
        pk: rows[pk][2]
        for pk in ids
        if pk in rows and rows[pk][:2] == (day_of[pk], row_versions[pk])
    }
    stale = [pk for pk in ids if pk not in shown]
    if stale:
        # Read after the rows' versions: a write committed meanwhile is at worst drawn under
        # the version before it (and drawn again at the next visit), never kept as it was
        # under its own version.
        clients = dashboard_clients_by_id(coach=coach, ids=stale)
        summaries_fresh(clients, now=now)
        shown.update(rows_html(clients, threshold_pct=coach.asymmetry_threshold_pct))
    kept_rows = {pk: (day_of[pk], row_versions[pk], shown[pk]) for pk in ids if pk in shown}
    # (under the figures' version read first: a change since is seen at the next visit)
    keep_at(key, at, KeptPage(page.html, figures, kept_rows), DASHBOARD_PAGE_SECONDS)
    # A client deleted since the page was kept has no row (the page is drawn again anyway).
    return _with_rows(page.html, mark, [shown.get(pk, "") for pk in ids])


class KeptPage(NamedTuple):
    """A dashboard page by name as kept: its body with the rows' mark, the coach's figures'
    version it was kept at, and each row by client: the client's day, their row's version and
    the row."""

    html: str
    figures: str
    rows: dict[int, tuple[date, str, str]]


def _with_rows(html: str, mark: re.Match[str], rows: list[str]) -> SafeString:
    return mark_safe(f"{html[: mark.start()]}{''.join(rows)}{html[mark.end() :]}")  # noqa: S308
