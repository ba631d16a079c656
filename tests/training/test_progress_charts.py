"""The server-drawn charts: the drawing, its words and its table for screen readers."""

import re
from datetime import date

from training.charts import Marker, Series, line_chart, nice_scale, number_text

MAR = [date(2027, 3, d) for d in range(1, 32)]


def _points(svg: str, kind: str = "circle") -> list[tuple[float, float]]:
    if kind == "circle":
        return [
            (float(x), float(y)) for x, y in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)
        ]
    # a square's corner is 3 from its centre
    return [
        (float(x) + 3, float(y) + 3) for x, y in re.findall(r'<rect x="([\d.]+)" y="([\d.]+)"', svg)
    ]


def test_an_axis_runs_from_zero_to_a_round_number_above_the_top_value():
    assert nice_scale([45, 61]).ticks == [0, 20, 40, 60, 80]
    assert nice_scale([0.13, 0.4]).ticks == [0, 0.1, 0.2, 0.3, 0.4]
    assert nice_scale([3]).ticks == [0, 1, 2, 3]
    assert nice_scale([0]).high > 0  # a flat line at zero still has an axis
    assert nice_scale([20, 30], floor=None).low == 20


def test_figures_read_as_whole_numbers_or_one_decimal():
    assert number_text(60, "s") == "60 s"
    assert number_text(22.0462, "lb") == "22 lb"
    assert number_text(22.46, "lb") == "22.5 lb"
    assert number_text(12.5, "%") == "12.5%"
    assert number_text(8) == "8"


def test_a_chart_draws_each_point_where_its_date_and_value_fall():
    # given: left 30 then 60 seconds over ten days, right one value in the middle
    left = Series("Left", [(MAR[0], 30), (MAR[10], 60)])
    right = Series("Right", [(MAR[5], 60)])

    # when
    html = str(line_chart([left, right], title="Longest hold", unit="s", chart_id="c"))

    # then: later dates to the right, higher values higher up (smaller y)
    (x1, y1), (x2, y2) = _points(html)
    assert x1 < x2
    assert y1 > y2
    ((xr, yr),) = _points(html, "rect")
    assert x1 < xr < x2
    assert abs(yr - y2) < 0.2
    assert html.count("<polyline") == 1  # a single point draws no line
    assert 'role="img"' in html
    assert 'aria-labelledby="c-title" aria-describedby="c-desc"' in html


def test_a_chart_says_in_words_and_in_a_table_what_it_shows():
    left = Series("Left", [(MAR[0], 30), (MAR[7], 45)])
    right = Series("Right", [(MAR[0], 40)])

    html = str(line_chart([left, right], title="Longest hold", unit="s"))

    assert "Left: 30 s on 1 Mar, 45 s on 8 Mar (2 sessions, highest 45 s)." in html
    assert "Right: 40 s on 1 Mar." in html
    table = html[html.index("<table") :]
    assert '<th scope="col">Left</th><th scope="col">Right</th>' in table
    assert '<th scope="row">Mon 1 Mar 2027</th><td>30 s</td><td>40 s</td>' in table
    assert '<th scope="row">Mon 8 Mar 2027</th><td>45 s</td><td>—</td>' in table


def test_a_missing_value_breaks_the_line():
    series = Series("Gap", [(MAR[0], 10), (MAR[1], 12), (MAR[2], None), (MAR[3], 9), (MAR[4], 11)])

    html = str(line_chart([series], title="Gaps"))

    assert html.count("<polyline") == 2
    assert len(_points(html)) == 4


def test_stage_changes_are_drawn_and_listed_within_the_range_only():
    series = Series("Both", [(MAR[0], 5), (MAR[20], 9)])
    markers = [Marker(MAR[10], "Stage 2: loaded"), Marker(date(2027, 2, 1), "Stage 1")]

    html = str(line_chart([series], title="Reps", markers=markers))

    assert html.count('class="marker"') == 1
    assert "<li>11 Mar: Stage 2: loaded</li>" in html
    assert "Stage 1" not in html


def test_names_and_titles_are_escaped():
    html = str(line_chart([Series("<b>L</b>", [(MAR[0], 1)])], title="A & <B>"))

    assert "<b>" not in html
    assert "&lt;b&gt;L&lt;/b&gt;" in html
    assert "A &amp; &lt;B&gt;" in html


def test_a_chart_without_values_says_so():
    html = str(line_chart([Series("Left", [(MAR[0], None)])], title="Longest hold"))

    assert "<svg" not in html
    assert "Nothing logged in this time range." in html
