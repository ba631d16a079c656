"""A program seen for one client: the print sheet at the client's stages, and the builder and the
sheet naming the days whose fixed stage differs from the client's. Also the words these use."""

import html
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from coach.models import Client
from exercises.models import Exercise, Stage
from programs.models import Assignment, Program
from tests.coach.factories import ClientFactory
from tests.conftest import get_counting_queries
from tests.exercises.factories import ExerciseFactory
from tests.programs.factories import add, assign, routine
from training import services
from training.models import SetLog
from training.templatetags.client_plan import day_numbers_text, sets_text

pytestmark = pytest.mark.django_db

START = date(2027, 3, 1)


def words(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    page = re.sub(r"</?(a|strong|span|small|em|b)\b[^>]*>", "", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _ladder(coach) -> Exercise:  # type: ignore[no-untyped-def]
    """Single-leg deadlift: stage 1 unloaded, stage 2 loaded 10–20 lb building to 25–35 lb
    (women) or 35–45 lb (men)."""
    exercise = ExerciseFactory.create(
        owner=coach,
        name="Single-leg deadlift",
        laterality=Exercise.Laterality.UNILATERAL,
        measurement=Exercise.Measurement.REPS_LOAD,
        stages=3,
    )
    Stage.objects.filter(exercise=exercise, order=2).update(
        name="Loaded",
        hold_seconds=None,
        load_unit="lb",
        load_min=10,
        load_max=20,
        load_min_female=25,
        load_max_female=35,
        load_min_male=35,
        load_max_male=45,
    )
    return exercise


def _program(coach, exercise: Exercise, *, length_days: int = 4) -> Program:  # type: ignore[no-untyped-def]
    """Day 1 and every day after day 2 at the client's stage; day 2 fixes stage 1."""
    program = routine(coach, length_days=length_days, name="Hinge block")
    for number in range(1, length_days + 1):
        if number == 2:
            add(coach, program, number, exercise, stage=exercise.stages.get(order=1))
        else:
            add(coach, program, number, exercise)
    return program


@pytest.fixture
def ana_on_stage_2(coach, time_machine) -> tuple[Assignment, Exercise]:
    time_machine.move_to(datetime(2027, 2, 20, 12, tzinfo=UTC), tick=False)
    exercise = _ladder(coach)
    person = ClientFactory.create(coach=coach, name="Ana Ruiz", sex=Client.Sex.FEMALE)
    (assignment,) = assign(coach, _program(coach, exercise), starts_on=START, clients=[person])
    services.client_stage_set(
        by=coach.user, client=person, exercise=exercise, stage=exercise.stages.get(order=2)
    )
    return assignment, exercise


def _print_url(assignment: Assignment) -> str:
    url = reverse("program-print", args=[assignment.program_id])
    return f"{url}?assignment={assignment.pk}"


# --- print -------------------------------------------------------------------------------------


def test_the_print_sheet_for_a_client_shows_their_stage_dose_and_load(
    ana_on_stage_2, coach_client
) -> None:
    assignment, _ = ana_on_stage_2

    page = words(coach_client.get(_print_url(assignment)))

    # "the client's current stage" reads at Ana's rung, with its dose and her load band
    assert "Stage 2: Loaded · Ana Ruiz's stage" in page
    assert "3 sets × 8 per side @ 10–20 lb, building to 25–35 lb, rest 60 s" in page
    # the day that fixes stage 1 keeps it, and says where Ana is
    assert "Stage 1: Stage 1 · Ana Ruiz is on stage 2" in page
    assert "Day 2 fixes stage 1 (Stage 1) of Single-leg deadlift; Ana Ruiz is on stage 2" in page


def test_the_sheet_has_a_box_per_set_of_the_clients_stage(ana_on_stage_2, coach_client) -> None:
    assignment, _ = ana_on_stage_2
    response = coach_client.get(_print_url(assignment))
    day_one = response.content.decode().split('class="sheet-day"')[1]

    # stage 2 asks for 3 sets, each with a left and a right box
    assert day_one.count('data-side="L"') == 3
    assert day_one.count('data-side="R"') == 3


def test_the_print_sheet_without_a_client_says_nothing_of_one(ana_on_stage_2, coach_client):
    assignment, _ = ana_on_stage_2
    template_sheet = words(
        coach_client.get(reverse("program-print", args=[assignment.template_id]))
    )
    copy_sheet = words(coach_client.get(reverse("program-print", args=[assignment.program_id])))

    for page in (template_sheet, copy_sheet):
        assert "Ana Ruiz's stage" not in page
        assert "is on stage" not in page
        assert "Stage 1: Stage 1" in page  # the fixed stage of day 2


def test_the_print_sheet_for_a_client_costs_the_same_for_a_short_and_a_long_program(
    coach, client, time_machine
) -> None:
    time_machine.move_to(datetime(2027, 2, 20, 12, tzinfo=UTC), tick=False)
    client.force_login(coach.user)
    exercise = _ladder(coach)
    counts = []
    for length in (4, 40):
        program = _program(coach, exercise, length_days=length)
        (assignment,) = assign(coach, program, starts_on=START)
        _, queries = get_counting_queries(client, _print_url(assignment))
        counts.append(queries)
    assert counts[0] == counts[1]
    # and a client's sheet costs four more than the copy's own: the assignment, the client's
    # stages, the rungs chosen when assigning, and the ladders of exercises without a stage yet
    _, plain = get_counting_queries(client, reverse("program-print", args=[assignment.program_id]))
    assert counts[1] - plain == 4


# --- builder -----------------------------------------------------------------------------------


def test_the_builder_of_a_clients_copy_names_a_fixed_stage_that_differs(
    ana_on_stage_2, coach_client
) -> None:
    assignment, exercise = ana_on_stage_2

    page = words(coach_client.get(reverse("program-builder", args=[assignment.program_id])))
    template = words(coach_client.get(reverse("program-builder", args=[assignment.template_id])))

    note = "Day 2 fixes stage 1 (Stage 1) of Single-leg deadlift; Ana Ruiz is on stage 2 (Loaded)."
    assert note in page
    assert "is on stage" not in template

    # once Ana is back on stage 1, the builder has nothing to say
    services.client_stage_step(
        by=assignment.client.coach.user, client=assignment.client, exercise=exercise, up=False
    )
    page = words(coach_client.get(reverse("program-builder", args=[assignment.program_id])))
    assert "is on stage" not in page


# --- words -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numbers", "text"),
    [
        ([12], "Day 12"),
        ([7, 8, 9, 10], "Days 7–10"),
        ([10, 7, 8, 9, 12], "Days 7–10 and 12"),
        ([3, 5, 7, 8, 9], "Days 3, 5 and 7–9"),
        ([4, 6], "Days 4 and 6"),
    ],
)
def test_days_read_as_runs(numbers: list[int], text: str) -> None:
    assert day_numbers_text(numbers) == text


def test_a_sides_sets_read_in_one_line() -> None:
    held = [SetLog(hold_seconds=45, form=4), SetLog(hold_seconds=40, form=3, rpe=7)]
    loaded = [
        SetLog(reps=8, load=Decimal("15"), load_unit="lb"),
        SetLog(reps=6, load=Decimal("20.5"), load_unit="lb"),
    ]
    same_load = [SetLog(reps=8, load=Decimal("15"), load_unit="lb", form=5)] * 2

    assert sets_text(held) == "45 s, 40 s; form 3–4, effort 7"
    assert sets_text(loaded) == "8 @ 15 lb, 6 @ 20.5 lb"
    assert sets_text(same_load) == "8, 8 @ 15 lb; form 5"
    assert sets_text([]) == ""
