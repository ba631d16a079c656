"""Running indicators: a client's cadence, ground contact time and stride length per run, typed
in or imported from a watch's CSV export with columns the user maps once.

One row per client and date: entering or importing a date again replaces that date's figures.
An import is all or nothing: when any line is refused, nothing is stored and every refused line
is named.
"""

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from coach.common import logs_changed
from coach.compiled import Compiled
from coach.errors import DomainError
from coach.models import Client, User
from coach.selectors import get_in_scope
from training.models import (
    CADENCE_SPM,
    GROUND_CONTACT_MS,
    STRIDE_LENGTH_M,
    RunImportMapping,
    RunMetric,
)

RUN_FIELDS = ("cadence_spm", "ground_contact_ms", "stride_length_m", "note")
NOTE_LENGTH = RunMetric._meta.get_field("note").max_length or 300
# A watch export of several years of runs stays well under these; a larger file is refused
# rather than held in memory and carried through the import form.
MAX_IMPORT_BYTES = 512 * 1024
MAX_IMPORT_ROWS = 5000

# The columns a user maps: what each is, in the order the mapping form asks for them.
IMPORT_COLUMNS = {
    "on": "Date",
    "cadence_spm": "Cadence (steps per minute)",
    "ground_contact_ms": "Ground contact (ms)",
    "stride_length_m": "Stride length",
    "note": "Note",
}
METRIC_COLUMNS = ("cadence_spm", "ground_contact_ms", "stride_length_m")
# Words in a header that suggest a column, for a first upload with no saved mapping.
COLUMN_HINTS = {
    "on": ("date", "day", "start"),
    "cadence_spm": ("cadence", "spm", "steps per"),
    "ground_contact_ms": ("contact", "gct"),
    "stride_length_m": ("stride",),
    "note": ("note", "title", "comment", "name"),
}
STRIDE_UNITS = {"m": ("metres", Decimal(1)), "cm": ("centimetres", Decimal(100))}
DATE_FORMATS = {
    "iso": "2027-03-21 (year-month-day, a time after it is fine)",
    "dmy": "21/03/2027 (day/month/year)",
    "mdy": "03/21/2027 (month/day/year)",
}
DEFAULT_UNITS = {"stride": "m", "date_format": "iso"}
EMPTY_CELLS = frozenset(["", "-", "--", "n/a", "na"])
CENTS = Decimal("0.01")


# --- reads ---------------------------------------------------------------------------------


# (compiled: every progress page reads them)
_RUNS: Compiled[RunMetric] = Compiled(
    lambda client_id: RunMetric.objects.filter(client_id=client_id).order_by("on", "id"), ids=1
)
_RUNS_SINCE: Compiled[RunMetric] = Compiled(
    lambda client_id, since: RunMetric.objects.filter(client_id=client_id, on__gte=since).order_by(
        "on", "id"
    ),
    ids=1,
    dates=1,
)


def runs_for(client: Client, since: date | None = None) -> list[RunMetric]:
    """The client's runs from `since` on (all of them with None), oldest first. One query."""
    return _RUNS(client.pk) if since is None else _RUNS_SINCE(client.pk, since)


def run_metrics_for(*, user: Any) -> QuerySet[RunMetric]:
    """The runs a user may reach: a coach their clients', a client their own."""
    coach = getattr(user, "coach", None)
    if coach is not None:
        return RunMetric.objects.filter(client__coach=coach)
    client = getattr(user, "client", None)
    if client is None:
        return RunMetric.objects.none()
    return RunMetric.objects.filter(client=client)


def run_metric_get_for(*, user: Any, pk: object) -> RunMetric:
    """One run the user may reach; Http404 for anyone else's."""
    return get_in_scope(run_metrics_for(user=user).select_related("client"), pk=pk)


def run_import_mapping_of(user: User) -> dict[str, dict[str, str]]:
    """The user's saved columns and units ({} each when they never imported)."""
    saved = RunImportMapping.objects.filter(user=user).first()
    if saved is None:
        return {"columns": {}, "units": dict(DEFAULT_UNITS)}
    return {"columns": dict(saved.columns), "units": {**DEFAULT_UNITS, **saved.units}}


# --- typing a run in -----------------------------------------------------------------------


def _writable(client: Client) -> None:
    if client.archived_at is not None:
        raise DomainError("Restore this client before recording their runs.")


def _checked(run: RunMetric) -> RunMetric:
    """The run's fields, their bounds and the rule that one figure at least is given (the
    model's check constraints, each a query; the date's uniqueness is not checked: a date
    recorded again replaces its figures)."""
    try:
        run.full_clean(exclude=["client", "entered_by"], validate_unique=False)
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from error
    return run


def _not_ahead(client: Client, on: date) -> None:
    if on > client.local_today():
        raise DomainError("This date has not come yet.", field="on")


@transaction.atomic
def run_metric_save(
    *, by: User, client: Client, on: date, data: Mapping[str, Any]
) -> tuple[RunMetric, bool]:
    """Record a run's figures (`cadence_spm`, `ground_contact_ms`, `stride_length_m`, `note`)
    for the client's date `on`; a date already recorded has its figures replaced. Returns the
    run and whether it is new."""
    _writable(client)
    _not_ahead(client, on)
    values = {name: data.get(name) for name in RUN_FIELDS}
    values["note"] = (values["note"] or "").replace("\x00", "")
    _checked(RunMetric(client=client, on=on, **values))
    run, created = RunMetric.objects.update_or_create(
        client=client, on=on, defaults={**values, "entered_by": by}
    )
    logs_changed(client_id=client.pk)
    return run, created


@transaction.atomic
def run_metric_delete(*, run: RunMetric) -> None:
    _writable(run.client)
    run.delete()
    logs_changed(client_id=run.client_id)


# --- importing a watch's export ------------------------------------------------------------


@dataclass
class CsvFile:
    """An uploaded CSV as text: its header and its rows, each with the line it ends on."""

    text: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]


@dataclass
class LineError:
    line: int
    message: str


class RunImportRefused(DomainError):
    """Some lines of the file cannot be imported; nothing was stored."""

    def __init__(self, errors: list[LineError]):
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"Line {first.line}: {first.message}{more}", field="content")
        self.errors = errors


@dataclass
class RunImported:
    created: int = 0
    updated: int = 0
    # Dates found on more than one line: the last of their lines is the one kept.
    repeated: dict[date, list[int]] = field(default_factory=dict)


def csv_text(raw: bytes) -> str:
    """An uploaded file's bytes as text: UTF-8 (with or without a byte-order mark), else the
    Windows encoding spreadsheets on it use."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise DomainError(
            f"The file is larger than {MAX_IMPORT_BYTES // 1024} KB: export a shorter period.",
            field="file",
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def csv_read(text: str) -> CsvFile:
    """The file's header and rows, comma, semicolon or tab separated. Blank lines are passed
    over; a file with no header or no row is refused."""
    text = text.replace("\x00", "")
    if len(text.encode()) > MAX_IMPORT_BYTES:
        raise DomainError("The file is too large: export a shorter period.", field="file")
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        headers = [cell.strip() for cell in next(reader, [])]
        rows = []
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
            if len(rows) > MAX_IMPORT_ROWS:
                raise DomainError(
                    f"The file has more than {MAX_IMPORT_ROWS} runs: export a shorter period.",
                    field="file",
                )
    except csv.Error as error:
        raise DomainError(f"This is not a CSV file we can read ({error}).", field="file") from error
    if not any(headers):
        raise DomainError("The file is empty: export your runs as CSV and try again.", field="file")
    if not rows:
        raise DomainError("The file has a header but no runs.", field="file")
    return CsvFile(text=text, headers=headers, rows=rows)


def columns_guess(headers: Iterable[str]) -> dict[str, str]:
    """For a first upload: the header that most likely holds each field, by its words."""
    guessed: dict[str, str] = {}
    for name, hints in COLUMN_HINTS.items():
        for header in headers:
            if header not in guessed.values() and any(h in header.lower() for h in hints):
                guessed[name] = header
                break
    return guessed


def mapping_check(*, headers: list[str], columns: Mapping[str, str]) -> dict[str, int]:
    """Each mapped field's place in the row: the date and one figure at least, each from a
    column of this file, no column used twice."""
    places: dict[str, int] = {}
    used: dict[str, str] = {}
    for name, header in columns.items():
        if name not in IMPORT_COLUMNS or not header:
            continue
        if header not in headers:
            raise DomainError(f"The file has no column “{header}”.", field=name)
        if header in used:
            raise DomainError(
                f"“{header}” is already the {IMPORT_COLUMNS[used[header]].lower()} column.",
                field=name,
            )
        used[header] = name
        places[name] = headers.index(header)
    if "on" not in places:
        raise DomainError("Choose the column that holds the date.", field="on")
    if not any(name in places for name in METRIC_COLUMNS):
        raise DomainError(
            "Choose a column for cadence, ground contact or stride length.", field="cadence_spm"
        )
    return places


_DATE_PARTS = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})\b")


def _date_of(cell: str, date_format: str, zone: ZoneInfo) -> date:
    cell = cell.strip()
    if date_format == "iso":
        try:
            moment = datetime.fromisoformat(cell)
        except ValueError:
            raise ValueError(f"“{cell}” is not a date like 2027-03-21.") from None
        if moment.tzinfo is not None:  # a time with its offset: the client's date then
            return moment.astimezone(zone).date()
        return moment.date()
    found = _DATE_PARTS.match(cell)
    example = "21/03/2027" if date_format == "dmy" else "03/21/2027"
    if found is None:
        raise ValueError(f"“{cell}” is not a date like {example}.")
    first, second, year = (int(part) for part in found.groups())
    day, month = (first, second) if date_format == "dmy" else (second, first)
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"“{cell}” is not a date like {example}.") from None


def _number(cell: str, label: str) -> Decimal | None:
    cell = cell.strip()
    if cell.lower() in EMPTY_CELLS:
        return None
    if "," in cell and "." not in cell:  # a decimal comma, as semicolon-separated files have
        cell = cell.replace(",", ".")
    try:
        value = Decimal(cell)
    except InvalidOperation:
        raise ValueError(f"{label} “{cell}” is not a number.") from None
    if not value.is_finite():
        raise ValueError(f"{label} “{cell}” is not a number.")
    return value


def _in_range(value: Decimal | None, bounds: tuple[Any, Any], text: str) -> None:
    if value is not None and not Decimal(bounds[0]) <= value <= Decimal(bounds[1]):
        raise ValueError(text.format(value=format(value.normalize(), "f")))


def _row_values(
    cells: list[str], places: Mapping[str, int], units: Mapping[str, str], client: Client
) -> tuple[date, dict[str, Any]]:
    def cell(name: str) -> str:
        return cells[places[name]] if name in places and places[name] < len(cells) else ""

    if not cell("on").strip():
        raise ValueError("The date is empty.")
    on = _date_of(cell("on"), units.get("date_format", "iso"), ZoneInfo(client.time_zone))
    if on > client.local_today():
        raise ValueError(f"{on:%d %b %Y} has not come yet.")
    cadence = _number(cell("cadence_spm"), "Cadence")
    contact = _number(cell("ground_contact_ms"), "Ground contact")
    stride = _number(cell("stride_length_m"), "Stride length")
    if stride is not None:
        stride = stride / STRIDE_UNITS[units.get("stride", "m")][1]
    if cadence is None and contact is None and stride is None:
        raise ValueError("No cadence, ground contact or stride length on this line.")
    cadence = cadence.quantize(Decimal(1), ROUND_HALF_UP) if cadence is not None else None
    contact = contact.quantize(Decimal(1), ROUND_HALF_UP) if contact is not None else None
    stride = stride.quantize(CENTS, ROUND_HALF_UP) if stride is not None else None
    _in_range(cadence, CADENCE_SPM, "Cadence {value} is outside 60–260 steps per minute.")
    _in_range(contact, GROUND_CONTACT_MS, "Ground contact {value} ms is outside 100–1000 ms.")
    unit = units.get("stride", "m")
    _in_range(
        stride,
        STRIDE_LENGTH_M,
        "Stride length {value} m is outside 0.30–3.00 m"
        + (" (is the stride column in metres?)." if unit == "cm" else " (is it in centimetres?)."),
    )
    return on, {
        "cadence_spm": int(cadence) if cadence is not None else None,
        "ground_contact_ms": int(contact) if contact is not None else None,
        "stride_length_m": stride,
        "note": cell("note").strip().replace("\x00", "")[:NOTE_LENGTH],
    }


def units_check(units: Mapping[str, str]) -> dict[str, str]:
    checked = {**DEFAULT_UNITS, **{k: v for k, v in units.items() if k in DEFAULT_UNITS}}
    if checked["stride"] not in STRIDE_UNITS:
        raise DomainError("Choose metres or centimetres.", field="stride")
    if checked["date_format"] not in DATE_FORMATS:
        raise DomainError("Choose how the dates are written.", field="date_format")
    return checked


@transaction.atomic
def run_import(
    *, by: User, client: Client, text: str, columns: Mapping[str, str], units: Mapping[str, str]
) -> RunImported:
    """Import a watch's CSV export for the client, its columns mapped by `columns` (field →
    header) and read in `units` (`stride`: m or cm; `date_format`: iso, dmy or mdy).

    All or nothing: when any line is refused, RunImportRefused lists every such line by its
    number in the file and nothing is stored. A date already recorded is updated; a date on
    several lines keeps its last line. The mapping is saved for the user's next import.
    """
    _writable(client)
    units = units_check(units)
    parsed = csv_read(text)
    places = mapping_check(headers=parsed.headers, columns=columns)
    found: dict[date, dict[str, Any]] = {}
    lines: dict[date, list[int]] = {}
    errors = []
    for line, cells in parsed.rows:
        try:
            on, values = _row_values(cells, places, units, client)
        except ValueError as error:
            errors.append(LineError(line, str(error)))
            continue
        found[on] = values
        lines.setdefault(on, []).append(line)
    if errors:
        raise RunImportRefused(errors)
    existing = {run.on: run for run in RunMetric.objects.filter(client=client, on__in=found)}
    new, changed = [], []
    for on, values in found.items():
        run = existing.get(on)
        if run is None:
            new.append(RunMetric(client=client, on=on, entered_by=by, **values))
        else:
            for name, value in values.items():
                setattr(run, name, value)
            run.entered_by = by
            changed.append(run)
    RunMetric.objects.bulk_create(new)
    RunMetric.objects.bulk_update(changed, [*RUN_FIELDS, "entered_by"])
    run_import_mapping_save(
        user=by, columns={k: v for k, v in columns.items() if k in places}, units=units
    )
    logs_changed(client_id=client.pk)
    return RunImported(
        created=len(new),
        updated=len(changed),
        repeated={on: numbers for on, numbers in lines.items() if len(numbers) > 1},
    )


def run_import_mapping_save(
    *, user: User, columns: Mapping[str, str], units: Mapping[str, str]
) -> RunImportMapping:
    """Keep the user's columns and units for their next import."""
    mapping, _ = RunImportMapping.objects.update_or_create(
        user=user, defaults={"columns": dict(columns), "units": dict(units)}
    )
    return mapping
