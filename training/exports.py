"""Logs as CSV: one row per set and side (a session with no set, a skipped one say, is one row of
its own), in the client's local dates and times, for a spreadsheet to read.

Dates are ISO dates and numbers plain numbers, so a spreadsheet reads them as such; text that a
spreadsheet would run as a formula is escaped. The rows are read with one query and streamed,
whatever the number of sessions.
"""

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import cast
from zoneinfo import ZoneInfo

from django.db.models import Case, F, FilteredRelation, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.http import StreamingHttpResponse
from django.utils.text import slugify

from coach.models import Client
from training.models import LogQuerySet, SessionLog, SetLog

HEADER = [
    "Client",
    "Date",
    "Program",
    "Day",
    "Exercise",
    "Stage",
    "Stage name",
    "Set",
    "Side",
    "Reps",
    "Hold (s)",
    "Load",
    "Unit",
    "Support",
    "RPE",
    "Form (1-5)",
    "Late",
    "Entered by coach",
    "Note",
    "Session status",
    "Session effort (RPE)",
    "Skip reason",
    "Session note",
    "Logged at (client's time)",
]
# What the query reads, in the order a row is built from it ("done" is each alive set).
_FIELDS = [
    "client__name",
    "client__time_zone",
    "client__user_id",
    "on",
    "assignment__program__name",
    "day_number",
    "done__exercise__name",
    "done__stage__order",
    "done__stage__name",
    "done__set_number",
    "done__side",
    "done__reps",
    "done__hold_seconds",
    "done__load",
    "done__load_unit",
    "done__support",
    "done__rpe",
    "done__form",
    "done__is_late",
    "done__entered_by_id",
    "done__note",
    "done__logged_at",
    "status",
    "effort",
    "skip_reason",
    "note",
    "is_late",
    "entered_by_id",
    "completed_at",
]
# A cell a spreadsheet would take for a formula starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SIDES = dict(SetLog.Side.choices)
STATUSES = dict(SessionLog.Status.choices)
# Rows written per chunk of the response: fewer, larger writes than one per row.
ROWS_PER_CHUNK = 200


def cell(value: object) -> str | int:
    """A value as a spreadsheet should read it: a number stays a number (a decimal without an
    exponent or trailing zeros), a date is an ISO date, True/False read yes/no, and text that
    would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def log_export_queryset(sessions: QuerySet[SessionLog]) -> QuerySet[SessionLog]:
    """The sessions (already scoped to the requester) each joined to its sets not deleted, as
    `done`: filter on `done__…` to keep only some sets (of one exercise, say)."""
    return (
        cast(LogQuerySet, sessions)
        .alive()
        .annotate(done=FilteredRelation("sets", condition=Q(sets__deleted_at__isnull=True)))
    )


def log_export_rows(rows: QuerySet[SessionLog]) -> Iterator[Sequence[object]]:
    """The header, then a row per set and side: by client, date, the exercise's place in the
    day, set number and side (left, right, both). One query, read in chunks."""
    side_order = Case(
        When(done__side=SetLog.Side.LEFT, then=Value(0)),
        When(done__side=SetLog.Side.RIGHT, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    ordered = rows.annotate(side_order=side_order).order_by(
        Lower("client__name"),
        "client_id",
        "on",
        "id",
        F("done__prescription__order").asc(nulls_last=True),
        "done__exercise__name",
        "done__set_number",
        "side_order",
        "done__id",
    )
    yield HEADER
    zones: dict[str, ZoneInfo] = {}
    for values in ordered.values_list(*_FIELDS).iterator(chunk_size=2000):
        row = dict(zip(_FIELDS, values, strict=True))
        zone = zones.setdefault(row["client__time_zone"], ZoneInfo(row["client__time_zone"]))
        has_set = row["done__side"] is not None
        entered_by = row["done__entered_by_id"] if has_set else row["entered_by_id"]
        logged_at: datetime | None = row["done__logged_at"] if has_set else row["completed_at"]
        yield [
            row["client__name"],
            row["on"],
            row["assignment__program__name"],
            row["day_number"],
            row["done__exercise__name"],
            row["done__stage__order"],
            row["done__stage__name"],
            row["done__set_number"],
            SIDES.get(row["done__side"], ""),
            row["done__reps"],
            row["done__hold_seconds"],
            row["done__load"],
            row["done__load_unit"],
            row["done__support"],
            row["done__rpe"],
            row["done__form"],
            bool(row["is_late"] or row["done__is_late"]),
            entered_by is not None and entered_by != row["client__user_id"],
            row["done__note"],
            STATUSES.get(row["status"], row["status"]),
            row["effort"],
            row["skip_reason"],
            row["note"],
            f"{logged_at.astimezone(zone):%Y-%m-%d %H:%M}" if logged_at else "",
        ]


class _Echo:
    """A file that hands back what is written to it, for csv.writer to make one line."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """The rows as CSV text in chunks, after a byte-order mark (so that a spreadsheet reads
    the file as UTF-8 and names with accents come out right)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    chunk: list[str] = []
    for row in rows:
        chunk.append(writer.writerow([cell(value) for value in row]))
        if len(chunk) >= ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def csv_response(rows: Iterable[Iterable[object]], *, filename: str) -> StreamingHttpResponse:
    return StreamingHttpResponse(
        csv_lines(rows),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def export_filename(*, client: Client | None, on: date) -> str:
    """“logs-ana-ruiz-2027-03-10.csv”, or “logs-all-clients-2027-03-10.csv”."""
    who = "all-clients" if client is None else (slugify(client.name) or f"client-{client.pk}")
    return f"logs-{who}-{on.isoformat()}.csv"
