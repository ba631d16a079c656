"""Running indicators drawn over time: cadence, ground contact and stride, one chart each."""

from collections.abc import Callable, Sequence
from decimal import Decimal

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from training.charts import Series, line_chart
from training.models import RunMetric

register = template.Library()

# name, title, unit, the figure of a run. Stride is drawn in centimetres: the charts write
# whole numbers, and 112 cm reads better than 1.1 m.
METRICS: list[tuple[str, str, str, Callable[[RunMetric], int | Decimal | None]]] = [
    ("cadence", "Cadence (steps per minute)", "spm", lambda run: run.cadence_spm),
    ("contact", "Ground contact time (ms)", "ms", lambda run: run.ground_contact_ms),
    (
        "stride",
        "Stride length (cm)",
        "cm",
        lambda run: None if run.stride_length_m is None else run.stride_length_m * 100,
    ),
]


@register.simple_tag
def run_charts(runs: Sequence[RunMetric]) -> SafeString:
    """`{% run_charts runs %}`: a chart for each figure recorded in `runs` (a figure never
    recorded has none), each with its table alternative."""
    charts = []
    for name, title, unit, figure in METRICS:
        points = [(run.on, figure(run)) for run in runs]
        if any(value is not None for _, value in points):
            charts.append(
                line_chart(
                    [Series(title.split(" (")[0], points)],
                    title=title,
                    unit=unit,
                    floor=None,
                    chart_id=f"runs-{name}",
                )
            )
    return format_html_join("", "{}", ((chart,) for chart in charts))
