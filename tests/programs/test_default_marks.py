"""The builder marks the figures the product chose: a stage's defaults it gives a day, and every
figure a starter template sets itself; a coach's own values carry no mark."""

import re
from html import unescape

import pytest
from django.urls import reverse

from exercises.services import library_seed
from programs.models import Program
from programs.starters import SLDL, WALL_HOLD, starters_seed
from tests.exercises.factories import shared, stage_of
from tests.programs.factories import add, routine

pytestmark = pytest.mark.django_db


@pytest.fixture
def starters(db) -> dict[str, Program]:
    library_seed()
    starters_seed()
    return {p.name: p for p in Program.objects.starters()}


def dose_lines(html: str, day: int) -> dict[str, str]:
    """Each exercise of a day card of the builder: its name and what is shown of its dose."""
    card = re.search(rf'<article[^>]*id="day-{day}".*?</article>', html, re.S)
    assert card is not None
    lines = {}
    for item in re.findall(r'<li class="prescription".*?</li>', card.group(0), re.S):
        name = re.search(r'<a href="/exercises/\d+/">(.*?)</a>', item)
        assert name is not None
        shown = re.findall(r'<p class="(?:dose-text|stage-dose)[^"]*"[^>]*>(.*?)</p>', item, re.S)
        lines[unescape(name.group(1))] = " ".join(shown)
    return lines


def marks_in(html: str) -> list[str]:
    return [
        unescape(title)
        for title in re.findall(r'class="badge badge-soft default-mark" title="([^"]*)"', html)
    ]


def builder(coach_client, program: Program) -> str:
    response = coach_client.get(reverse("program-builder", args=[program.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_starters_own_figures_and_its_stages_defaults_are_marked(coach_client, starters):
    html = builder(coach_client, starters[SLDL])

    week_3 = dose_lines(html, 5)  # Monday of week 3: loaded, with support

    assert marks_in(week_3["Hip hinge"]) == [
        "Product default (sets, reps and rest): the training material gives no figure here. "
        "Your own values replace it."
    ]
    assert "sets, reps, rest and effort" in marks_in(week_3["Deadlift"])[0]
    # The stage's load bands are the material's: sets, reps and rest are not.
    sldl = week_3["Single-leg deadlift"]
    assert "10–20 lb" in unescape(sldl)
    assert [m.split(":")[0] for m in marks_in(sldl)] == ["Product default (sets, reps and rest)"]


def test_a_day_of_the_materials_own_figures_carries_no_mark(coach_client, starters):
    line = dose_lines(builder(coach_client, starters[WALL_HOLD]), 1)["Wall single-leg hold"]

    # The minute on both feet: one hold, on both legs, no figure of the product's.
    assert "1 set, hold 60 s" in line
    assert "per side" not in line
    assert marks_in(line) == []


def test_a_coachs_own_figures_replace_the_marked_defaults(coach_client, coach):
    library_seed()
    sldl = shared("single-leg-deadlift")
    program = routine(coach, length_days=2)
    add(coach, program, 1, shared("hip-hinge"))
    add(coach, program, 1, shared("deadlift"))
    add(coach, program, 1, sldl, stage=stage_of(sldl, 1))
    add(coach, program, 2, sldl, stage=stage_of(sldl, 1), sets=5, rest_seconds=120)

    html = builder(coach_client, program)

    # Day 1 leaves the dose to the stage: its defaults are marked.
    assert "sets, reps and rest" in marks_in(dose_lines(html, 1)["Single-leg deadlift"])[0]
    # Day 2 has the coach's own sets and rest: only the stage's reps are still a default.
    assert "Product default (reps)" in marks_in(dose_lines(html, 2)["Single-leg deadlift"])[0]
    # A coach's own exercise without stages: figures the coach sees and sets, no mark.
    assert marks_in(dose_lines(html, 1)["Hip hinge"]) == []
