"""The builder guides the coach: blocks never overlap, a week copies as a lighter week for a
deload, and the parts the page re-renders in place (blocks, weeks, days) show what is stored."""

import re
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.test import Client as Browser
from django.urls import reverse

from coach.errors import DomainError
from exercises.models import Exercise
from programs import services
from programs.models import Block, Day, Prescription, Program
from tests.coach.factories import CoachFactory
from tests.conftest import api_url, assert_error_shape, get_counting_queries
from tests.exercises.factories import ExerciseFactory, StageFactory
from tests.programs.factories import add, day, plan, routine

pytestmark = pytest.mark.django_db

BLOCKS = "/api/v1/blocks/"
PROGRAMS = "/api/v1/programs/"


def post(api, path: str, data: Any):
    return api.post(path, data, content_type="application/json")


def words(html: str) -> str:
    """The words of a page or fragment, tags dropped and spaces folded."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()))


def block(coach, program: Program, name: str, start: int, end: int, focus: str = "general"):
    return services.block_create(
        coach=coach,
        program=program,
        data={"name": name, "focus": focus, "start": start, "end": end},
    )


@pytest.fixture
def lunge(coach) -> Exercise:
    """The coach's lunge: rung 1 is 3 × 10 (rest 60 s) with a 10–20 lb band; rung 2 is 4 × 8."""
    exercise = ExerciseFactory.create(
        owner=coach, name="Lunge", measurement=Exercise.Measurement.REPS_LOAD
    )
    StageFactory.create(
        exercise=exercise, order=1, name="Bodyweight", sets=3, reps_per_side=10,
        hold_seconds=None, rest_seconds=60, load_min=Decimal(10), load_max=Decimal(20),
        load_unit="lb",
    )  # fmt: skip
    StageFactory.create(
        exercise=exercise, order=2, name="Loaded", sets=4, reps_per_side=8,
        hold_seconds=None, rest_seconds=90,
    )  # fmt: skip
    return exercise


# --- blocks do not overlap -----------------------------------------------------------------


def test_an_overlapping_block_is_refused_with_the_block_it_overlaps(coach):
    program = plan(coach, weeks=8, weekdays=[0, 3])
    block(coach, program, "Stability", 1, 3, "stability")
    block(coach, program, "Strength", 4, 6, "strength")  # next to it: fine

    with pytest.raises(DomainError) as error:
        block(coach, program, "Deload", 6, 7, "deload")

    assert error.value.field == "start"
    assert error.value.message.startswith("This block (weeks 6–7) overlaps “Strength” (weeks 4–6).")
    assert "start this one after week 6" in error.value.message
    assert list(program.blocks.values_list("name", flat=True)) == ["Stability", "Strength"]


def test_a_block_moved_onto_another_is_refused_but_may_change_within_its_own_range(coach):
    program = routine(coach, length_days=30)
    first = block(coach, program, "Base", 1, 10)
    second = block(coach, program, "Build", 11, 20)

    services.block_update(coach=coach, block=second, data={"start": 12, "end": 20})
    with pytest.raises(
        DomainError, match=r"This block \(days 9–20\) overlaps “Base” \(days 1–10\)"
    ):
        services.block_update(coach=coach, block=second, data={"start": 9})

    second.refresh_from_db()
    assert (first.start, first.end, second.start, second.end) == (1, 10, 12, 20)


def test_the_whole_structure_save_refuses_overlapping_blocks(coach):
    program = plan(coach, weeks=4, weekdays=[0])

    with pytest.raises(DomainError) as error:
        services.program_structure_save(
            coach=coach,
            program=program,
            blocks=[
                {"name": "A", "focus": "strength", "start": 1, "end": 2},
                {"name": "B", "focus": "speed", "start": 2, "end": 4},
            ],
            days=None,
        )

    assert error.value.field == "blocks.1.start"
    assert "overlaps “A” (weeks 1–2)" in error.value.message
    assert not program.blocks.exists()


def test_the_api_answers_an_overlapping_block_with_the_field_and_message(api, coach):
    program = plan(coach, weeks=4, weekdays=[0])
    taken = block(coach, program, "Base", 1, 2)
    later = block(coach, program, "Peak", 3, 4)

    created = post(api, BLOCKS, {"program": program.pk, "name": "X", "start": 2, "end": 3})
    moved = api.patch(api_url(BLOCKS, later.pk), {"start": 2}, content_type="application/json")

    assert created.status_code == 400
    body = created.json()
    assert_error_shape(body, flat_fields=True)
    assert body["fields"] == {
        "start": [
            "This block (weeks 2–3) overlaps “Base” (weeks 1–2). Blocks do not share a week: "
            "start this one after week 2, end it before week 1, or change “Base” first."
        ]
    }
    assert moved.status_code == 400
    assert "overlaps “Base”" in moved.json()["fields"]["start"][0]
    assert list(Block.objects.filter(program=program).values_list("pk", "start")) == [
        (taken.pk, 1),
        (later.pk, 3),
    ]


# --- a lighter week ------------------------------------------------------------------------


def test_a_week_copied_as_a_lighter_week_has_fewer_sets_less_load_and_easier_effort(coach, lunge):
    program = plan(coach, weeks=2, weekdays=[0, 3])
    services.day_update(coach=coach, day=day(program, 1), data={"intensity": "high"})
    own = add(coach, program, 1, lunge, sets=5, load=Decimal("52.5"), target_rpe=Decimal(8))
    staged = add(coach, program, 1, lunge)  # everything from rung 1: 3 × 10, 10–20 lb
    single = add(coach, program, 2, lunge, stage=lunge.stages.get(order=2), sets=1)

    services.week_copy_lighter(coach=coach, program=program, from_week=1, to_week=2)

    week_two = list(
        Prescription.objects.filter(day__program=program, day__week=2).order_by(
            "day__number", "order"
        )
    )
    assert [
        (p.exercise_id, p.sets, p.reps_per_side, p.load, p.load_unit, p.target_rpe)
        for p in week_two
    ] == [
        # 60 % of 5 sets; 80 % of 52.5 lb to the half; RPE 2 lower; reps left to the stage.
        (lunge.pk, 3, None, Decimal("42.0"), "", Decimal("6.0")),
        # 60 % of the stage's 3 sets; the low end of its band.
        (lunge.pk, 2, None, Decimal("10.0"), "lb", None),
        # One set stays one.
        (lunge.pk, 1, None, None, "", None),
    ]
    assert list(program.days.filter(week=2).values_list("intensity", flat=True)) == [
        Day.Intensity.LOW,
        Day.Intensity.LOW,
    ]
    # The week copied from is as it was.
    own.refresh_from_db()
    staged.refresh_from_db()
    assert (own.sets, own.load, own.target_rpe) == (5, Decimal("52.5"), Decimal(8))
    assert (staged.sets, staged.load) == (None, None)
    assert day(program, 1).intensity == Day.Intensity.HIGH
    assert single.pk not in {p.pk for p in week_two}


def test_copy_week_in_the_api_takes_the_lighter_option(api, coach, lunge):
    program = plan(coach, weeks=3, weekdays=[2])
    add(coach, program, 1, lunge, sets=4)

    same = post(api, api_url(PROGRAMS, program.pk, "copy-week"), {"from_week": 1, "to_week": 2})
    lighter = post(
        api,
        api_url(PROGRAMS, program.pk, "copy-week"),
        {"from_week": 1, "to_week": 3, "lighter": True},
    )
    wrong = post(
        api,
        api_url(PROGRAMS, program.pk, "copy-week"),
        {"from_week": 1, "to_week": 3, "lighter": "perhaps"},
    )

    assert same.status_code == 200
    assert lighter.status_code == 200
    days = {d["number"]: d for d in lighter.json()["days"]}
    assert [p["sets"] for p in days[2]["prescriptions"]] == [4]
    assert [p["sets"] for p in days[3]["prescriptions"]] == [2]
    assert (days[2]["intensity"], days[3]["intensity"]) == ("moderate", "low")
    assert wrong.status_code == 400
    assert set(wrong.json()["fields"]) == {"lighter"}


def test_the_builder_states_what_a_lighter_week_does(coach_client, coach):
    program = plan(coach, weeks=2, weekdays=[0])

    text = words(coach_client.get(reverse("program-builder", args=[program.pk])).content.decode())

    assert "as a lighter week (deload)" in text
    assert (
        "A lighter week has 60% of the sets (at least 1), 80% of a load you set (or the low end "
        "of the stage's load band), target effort (RPE) 2 lower, and its days at low intensity"
    ) in text


# --- what the builder page and its parts show --------------------------------------------------


def test_week_headings_show_their_blocks(coach_client, coach):
    program = plan(coach, weeks=3, weekdays=[0], name="Three weeks")
    block(coach, program, "Base", 1, 2, "stability")
    block(coach, program, "Deload", 3, 3, "deload")

    html = coach_client.get(reverse("program-builder", args=[program.pk])).content.decode()

    headings = [words(h) for h in re.findall(r'<h2 id="week-\d+"[^>]*>(.*?)</h2>', html, re.S)]
    assert headings == ["Week 1 · Base (Stability)", "Week 2 · Base (Stability)", "Week 3 · Deload"]


def test_a_routines_week_names_each_block_with_its_days(coach_client, coach):
    program = routine(coach, length_days=14)
    block(coach, program, "Base", 1, 10, "stability")
    block(coach, program, "Build", 11, 14, "strength")

    html = coach_client.get(reverse("program-builder", args=[program.pk])).content.decode()

    headings = [words(h) for h in re.findall(r'<h2 id="week-\d+"[^>]*>(.*?)</h2>', html, re.S)]
    assert headings == [
        "Week 1 · Base (Stability) days 1–10",
        "Week 2 · Base (Stability) days 1–10 · Build (Strength) days 11–14",
    ]


def test_a_block_added_shows_on_the_next_visit_of_the_cached_page(coach_client, coach):
    program = plan(coach, weeks=2, weekdays=[0])
    path = reverse("program-builder", args=[program.pk])
    assert "Peak" not in words(coach_client.get(path).content.decode())

    block(coach, program, "Peak", 2, 2, "speed")

    assert "Week 2 · Peak (Speed)" in words(coach_client.get(path).content.decode())


def test_the_parts_carry_the_blocks_card_weeks_and_days_asked_for(coach_client, coach, lunge):
    program = plan(coach, weeks=3, weekdays=[0, 3])
    block(coach, program, "Base", 2, 3, "stability")
    add(coach, program, 5, lunge)
    path = reverse("program-parts", args=[program.pk])

    html = coach_client.get(path, {"blocks": "1", "weeks": "2,x", "days": "5"}).content.decode()

    ids = re.findall(r'<(?:section|article)[^>]* id="([^"]+)"', html)
    # Week 2 with its days (3 and 4), and day 5 of week 3 on its own.
    assert ids == ["blocks-card", "week-2-section", "day-3", "day-4", "day-5"]
    assert "Base · Stability · weeks 2–3" in words(html)
    assert "Week 2 · Base (Stability)" in words(html)
    day_five = html[html.index('id="day-5"') :]
    assert 'data-field="sets"' in day_five
    assert "Empty fields come from the client's stage (stage 1 to start): 3 sets × 10" in words(
        day_five
    )
    # The jump control comes with every answer: it names the weeks' blocks and the days.
    assert 'id="jump-form"' in html
    assert '<option value="week-2">Week 2 · Base</option>' in html
    nothing = coach_client.get(path).content.decode()
    assert re.findall(r' id="([^"]+)"', nothing) == ["jump-form", "jump-to"]


def test_another_coach_gets_no_parts(coach, lunge):
    program = plan(coach, weeks=1, weekdays=[0])
    other = Browser()
    other.force_login(CoachFactory.create().user)

    response = other.get(reverse("program-parts", args=[program.pk]), {"weeks": "1"})

    assert response.status_code == 404


def test_the_rarely_used_dose_fields_are_folded_and_the_stage_gives_the_load(
    coach_client, coach, lunge
):
    program = routine(coach, length_days=1)
    prescription = add(coach, program, 1, lunge, tempo="3-1-1-0", target_rpe=Decimal(7))

    html = coach_client.get(reverse("program-builder", args=[program.pk])).content.decode()

    row = re.search(
        rf'<li class="prescription" data-prescription="{prescription.pk}">.*?</li>', html, re.S
    )
    assert row is not None
    folded = re.search(r'<details class="more-dose">(.*?)</details>', row.group(0), re.S)
    assert folded is not None
    assert words(folded.group(1)).startswith("More: tempo, effort, notes… tempo 3-1-1-0 RPE 7")
    for field in ("tempo", "target_rpe", "superset_group", "notes"):
        assert f'data-field="{field}"' in folded.group(1)
    unfolded = row.group(0).replace(folded.group(0), "")
    for field in ("stage", "sets", "reps_per_side", "hold_seconds", "load", "rest_seconds"):
        assert f'data-field="{field}"' in unfolded
    load = re.search(r'<input[^>]*data-field="load"[^>]*>', unfolded)
    assert load is not None
    assert 'placeholder="10–20"' in load.group(0)


def test_the_jump_control_lists_every_week_and_day_with_their_targets(coach_client, coach):
    program = plan(coach, weeks=2, weekdays=[1, 4])

    html = coach_client.get(reverse("program-builder", args=[program.pk])).content.decode()

    options = re.findall(r'<option value="((?:week|day)-\d+)">([^<]*)</option>', html)
    assert options == [
        ("week-1", "Week 1"),
        ("day-1", "Day 1 · Tuesday"),
        ("day-2", "Day 2 · Friday"),
        ("week-2", "Week 2"),
        ("day-3", "Day 3 · Tuesday"),
        ("day-4", "Day 4 · Friday"),
    ]
    for value, _ in options:
        target = f"{value}-heading" if value.startswith("day-") else value
        assert f'id="{target}" tabindex="-1"' in html


def test_the_parts_take_the_same_queries_however_many_weeks_and_refuse_no_input(
    coach_client, coach, lunge
):
    program = plan(coach, weeks=6, weekdays=[0, 2, 4])
    for number in range(1, 19):
        add(coach, program, number, lunge)
    block(coach, program, "Base", 1, 6)
    path = reverse("program-parts", args=[program.pk])

    _, one = get_counting_queries(coach_client, path, {"weeks": "1", "blocks": "1"})
    response, six = get_counting_queries(
        coach_client, path, {"weeks": "1,2,3,4,5,6", "days": "1,18", "blocks": "1"}
    )
    odd = coach_client.get(path, {"weeks": "9" * 5000 + ",\x00,-1", "days": "0,999"})

    assert six == one
    assert words(response.content.decode()).count("Lunge") == 20
    assert odd.status_code == 200
    assert "data-day=" not in odd.content.decode()
