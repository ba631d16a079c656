"""Line charts drawn on the server as inline SVG, each with a text and a table alternative.

    line_chart([Series("Left", [(date, 45), (date, 50)]), Series("Right", [...])],
               title="Longest hold", unit="s", markers=[Marker(date, "Stage 2")])

returns one `<figure>`: the SVG (a role="img" named by its title and described by a text summary
of each series),
a legend, and the figures as a table inside a `<details>` element. Points may be None (a gap in
the line). The drawing is sized by its viewBox and scales to its container, so one drawing reads
on a phone and on a desktop. Series are told apart by dash pattern and marker shape as well as
colour.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from html import escape as escape_text
from itertools import count

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

Number = int | float | Decimal

WIDTH, HEIGHT = 360, 200
# Room for the y labels on the left and the dates below.
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 12, 28
STYLES = [  # class, dash pattern, marker shape
    ("series-1", "", "circle"),
    ("series-2", "6 4", "square"),
    ("series-3", "2 3", "diamond"),
    ("series-4", "10 3 2 3", "circle"),
]
_ids = count(1)


@dataclass(frozen=True)
class Series:
    """One line: a name ("Left") and its (date, value) points, in any order. A None value is
    a gap in the line, which the table writes as `gap_text`."""

    name: str
    points: Sequence[tuple[date, Number | None]]
    gap_text: str = "—"


@dataclass(frozen=True)
class Marker:
    """An event on the time line, drawn as a vertical rule: a stage change."""

    on: date
    label: str


@dataclass(frozen=True)
class Scale:
    low: float
    high: float
    ticks: list[float] = field(default_factory=list)


def nice_scale(values: Sequence[float], *, floor: float | None = 0, ticks: int = 4) -> Scale:
    """An axis from `floor` (or the lowest value) to a round number at or above the highest
    value, with about `ticks` steps of 1, 2 or 5 times a power of ten."""
    low = min(values, default=0.0)
    if floor is not None:
        low = min(floor, low)
    high = max(values, default=1.0)
    if high <= low:
        high = low + 1
    raw = (high - low) / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    end = math.ceil(high / step) * step
    steps = round((end - start) / step)
    return Scale(start, end, [round(start + i * step, 9) for i in range(steps + 1)])


def number_text(value: Number, unit: str = "") -> str:
    """A figure as the chart writes it: whole numbers without decimals, else one decimal."""
    value = float(value)
    text = f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}" if unit else text


# The names of days and months, as `strftime` writes them in English (a dozen times faster than
# it: a long history's tables and calendars write hundreds of dates).
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS_SHORT = tuple(name[:3] for name in WEEKDAY_NAMES)
_MONTHS_SHORT = tuple(name[:3] for name in MONTH_NAMES)


def _day(on: date) -> str:
    """'9 Mar'."""
    return f"{on.day} {_MONTHS_SHORT[on.month - 1]}"


def day_and_date(on: date, *, long: bool = False, year: bool = True) -> str:
    """'Tue 9 Mar 2027' ('Tuesday 9 March 2027' when `long`; without the year unless `year`)."""
    if long:
        text = f"{WEEKDAY_NAMES[on.weekday()]} {on.day} {MONTH_NAMES[on.month - 1]}"
    else:
        text = f"{_WEEKDAYS_SHORT[on.weekday()]} {on.day} {_MONTHS_SHORT[on.month - 1]}"
    return f"{text} {on.year}" if year else text


def _segments(points: Sequence[tuple[date, Number | None]]) -> list[list[tuple[date, float]]]:
    """The runs of points without a gap (a None value), in date order."""
    runs: list[list[tuple[date, float]]] = [[]]
    for on, value in sorted(points, key=lambda point: point[0]):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((on, float(value)))
    return [run for run in runs if run]


def _shape(kind: str, x: float, y: float, label: str) -> str:
    """A point's marker, named by `label` (escaped already)."""
    title = f"<title>{label}</title>"
    if kind == "square":
        return f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6">{title}</rect>'
    if kind == "diamond":
        points = f"{x:.1f},{y - 4:.1f} {x + 4:.1f},{y:.1f} {x:.1f},{y + 4:.1f} {x - 4:.1f},{y:.1f}"
        return f'<polygon points="{points}">{title}</polygon>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3">{title}</circle>'


def summary_text(series: Sequence[Series], *, unit: str = "") -> str:
    """What the chart shows, in words: each series from its first to its last value."""
    parts = []
    for line in series:
        points = sorted((on, v) for on, v in line.points if v is not None)
        if not points:
            parts.append(f"{line.name}: nothing logged.")
        elif len(points) == 1:
            on, value = points[0]
            parts.append(f"{line.name}: {number_text(value, unit)} on {_day(on)}.")
        else:
            (first_on, first), (last_on, last) = points[0], points[-1]
            high = max(v for _, v in points)
            parts.append(
                f"{line.name}: {number_text(first, unit)} on {_day(first_on)}, "
                f"{number_text(last, unit)} on {_day(last_on)} "
                f"({len(points)} sessions, highest {number_text(high, unit)})."
            )
    return " ".join(parts)


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    unit: str = "",
    markers: Sequence[Marker] = (),
    since: date | None = None,
    until: date | None = None,
    floor: float | None = 0,
    table_caption: str = "",
    chart_id: str = "",
) -> SafeString:
    """The chart of `series` over dates (from `since` to `until`, else the points' own span),
    with `markers` as vertical rules. `unit` follows each figure ("s", "lb", "%"); `chart_id`
    names its elements (one is made up when empty)."""
    uid = chart_id or f"chart-{next(_ids)}"
    dates = [on for line in series for on, v in line.points if v is not None]
    values = [float(v) for line in series for _, v in line.points if v is not None]
    if not values:
        return format_html(
            '<figure class="chart chart-empty"><figcaption>{}</figcaption>'
            '<p class="muted">Nothing logged in this time range.</p></figure>',
            title,
        )
    start = since or min(dates)
    end = until or max(dates)
    if start > end:
        start, end = end, start
    span = max((end - start).days, 1)
    scale = nice_scale(values, floor=floor)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(on: date) -> float:
        if start == end:
            return LEFT + inner_w / 2
        return LEFT + inner_w * (on - start).days / span

    def y_of(value: float) -> float:
        return TOP + inner_h * (1 - (value - scale.low) / (scale.high - scale.low))

    parts = [
        f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{uid}-title" aria-describedby="{uid}-desc" focusable="false">',
        f'<title id="{uid}-title">{escape(title)}</title>',
        f'<desc id="{uid}-desc">{escape(summary_text(series, unit=unit))}</desc>',
    ]
    for tick in scale.ticks:
        y = y_of(tick)
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="y-label" x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(number_text(tick, unit if unit == '%' else ''))}</text>"
        )
    for on, anchor in ((start, "start"), (end, "end")):
        if on == end and start == end:
            continue
        parts.append(
            f'<text class="x-label" x="{x_of(on):.1f}" y="{HEIGHT - 8}" '
            f'text-anchor="{anchor}">{escape(_day(on))}</text>'
        )
    for marker in markers:
        if not start <= marker.on <= end:
            continue
        x = x_of(marker.on)
        parts.append(
            f'<g class="marker"><line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" '
            f'y2="{HEIGHT - BOTTOM}"/><title>{escape(_day(marker.on))}: '
            f"{escape(marker.label)}</title></g>"
        )
    for index, line in enumerate(series):
        css, dash, shape = STYLES[index % len(STYLES)]
        points = sorted((on, float(v)) for on, v in line.points if v is not None)
        coords = [(x_of(on), y_of(v)) for on, v in points]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<g class="series {css}">')
        for segment in _segments(line.points):
            if len(segment) > 1:
                path = " ".join(f"{x_of(on):.1f},{y_of(v):.1f}" for on, v in segment)
                parts.append(f'<polyline points="{path}"{dash_attr}/>')
        name = escape_text(line.name)
        parts += [
            _shape(shape, x, y, f"{name}, {_day(on)}: {escape_text(number_text(v, unit))}")
            for (x, y), (on, v) in zip(coords, points, strict=True)
        ]
        parts.append("</g>")
    parts.append("</svg>")

    legend = format_html_join(
        "",
        '<li><span class="swatch {}" aria-hidden="true"></span>{}</li>',
        ((STYLES[i % len(STYLES)][0], line.name) for i, line in enumerate(series)),
    )
    marker_list = format_html_join(
        "", "<li>{}: {}</li>", ((_day(m.on), m.label) for m in markers if start <= m.on <= end)
    )
    return format_html(
        '<figure class="chart" aria-labelledby="{}-caption">'
        '<figcaption id="{}-caption">{}</figcaption>{}'
        '<ul class="chart-legend">{}</ul>{}'
        "<details><summary>The figures as a table</summary>{}</details></figure>",
        uid,
        uid,
        title,
        mark_safe("".join(parts)),  # noqa: S308 - every text in it is escaped above
        legend,
        format_html('<ul class="chart-markers small">{}</ul>', marker_list) if marker_list else "",
        _table(series, unit=unit, caption=table_caption or title),
    )


def _table(series: Sequence[Series], *, unit: str, caption: str) -> SafeString:
    """One row per date, one column per series."""
    by_date: dict[date, dict[int, str]] = {}
    for index, line in enumerate(series):
        for on, value in line.points:
            text = line.gap_text if value is None else number_text(value, unit)
            by_date.setdefault(on, {})[index] = text
    # (written out with the standard library's escape, which Django's own calls: a table of
    # a long history has hundreds of cells)
    head = "".join(f'<th scope="col">{escape_text(line.name)}</th>' for line in series)
    rows = "".join(
        f'<tr><th scope="row">{day_and_date(on)}</th>'
        + "".join(f"<td>{escape_text(texts.get(i, '—'))}</td>" for i in range(len(series)))
        + "</tr>"
        for on, texts in sorted(by_date.items())
    )
    return format_html(
        '<table class="table chart-table"><caption>{}</caption>'
        '<thead><tr><th scope="col">Date</th>{}</tr></thead><tbody>{}</tbody></table>',
        caption,
        mark_safe(head),  # noqa: S308 - every text in it is escaped above
        mark_safe(rows),  # noqa: S308 - as above
    )
