"""The training rules: what their warnings say, beside the table of test_rule_table.py.

A plan is checked from every start weekday; a warning's `start_days` says which break a rule.
"""

import pytest
from django.urls import reverse

from programs import selectors, services
from programs.models import Program
from programs.rules import RuleWarning, program_warnings
from tests.exercises.factories import ExerciseFactory, shared, stage_of
from tests.programs.factories import add, plan, routine, set_day

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]

HIGH, MODERATE, LOW = "high", "moderate", "low"


def warnings_of(program: Program, code: str) -> list[RuleWarning]:
    full = selectors.program_get_for(coach=program.owner, pk=program.pk, full=True)  # type: ignore[arg-type]
    return [w for w in program_warnings(full) if w.rule == code]


def assert_names_day(warning: RuleWarning, number: int) -> None:
    assert warning.day == number
    assert f"Day {number}" in warning.message or f"day {number}" in warning.message


# --- 48 h between high-intensity bilateral days --------------------------------------------


def test_two_hard_bilateral_days_in_a_row_break_the_48_hour_rule(coach):
    program = routine(coach, length_days=7)
    for number in (1, 2):
        add(coach, program, number, shared("squat"))
        set_day(coach, program, number, intensity=HIGH)

    (warning,) = warnings_of(program, "bilateral_48h")

    assert_names_day(warning, 2)
    assert "day 1" in warning.message
    assert "48" in warning.message


def test_hard_bilateral_days_two_days_apart_are_fine(coach):
    program = routine(coach, length_days=7)
    for number in (1, 3, 5):
        add(coach, program, number, shared("nordic-hamstring-curl"))
        set_day(coach, program, number, intensity=HIGH)
    # Hard unilateral work in between, and easy bilateral work, do not count.
    add(coach, program, 2, shared("split-squat"))
    set_day(coach, program, 2, intensity=HIGH)
    add(coach, program, 4, shared("squat"))
    set_day(coach, program, 4, intensity=MODERATE)

    assert warnings_of(program, "bilateral_48h") == []


def test_a_rest_day_marked_high_does_not_count(coach):
    program = routine(coach, length_days=3)
    for number in (1, 2):
        add(coach, program, number, shared("squat"))
        set_day(coach, program, number, intensity=HIGH)
    set_day(coach, program, 2, is_rest=True)
    assert warnings_of(program, "bilateral_48h") == []


def test_plan_sessions_on_consecutive_weekdays_break_the_48_hour_rule(coach):
    program = plan(coach, weeks=1, weekdays=[0, 1, 3])  # Monday, Tuesday, Thursday
    for number in (1, 2, 3):
        add(coach, program, number, shared("deadlift"))
        add(coach, program, number, shared("split-squat"))
        set_day(coach, program, number, intensity=HIGH)

    (warning,) = warnings_of(program, "bilateral_48h")

    assert_names_day(warning, 2)  # Tuesday, a day after Monday; Thursday is fine


# --- one or two unilateral sessions a week -----------------------------------------------------


def test_three_unilateral_sessions_in_a_week_of_a_plan_break_the_rule(coach):
    program = plan(coach, weeks=2, weekdays=[0, 2, 4])
    for number in range(1, 7):
        add(coach, program, number, shared("split-squat") if number != 5 else shared("squat"))

    warnings = warnings_of(program, "unilateral_per_week")

    # From a Monday, the Friday of week 1 is the third within 7 days.
    monday = [w for w in warnings if 0 in w.start_days]
    assert [w.day for w in monday] == [3]
    assert_names_day(monday[0], 3)
    assert "third unilateral session within 7 days (after days 1 and 2)" in monday[0].message


def test_a_week_without_unilateral_work_breaks_the_rule(coach):
    program = plan(coach, weeks=2, weekdays=[0, 3])
    add(coach, program, 1, shared("split-squat"))
    add(coach, program, 2, shared("squat"))
    add(coach, program, 3, shared("squat"))  # week 2: bilateral only
    add(coach, program, 4, shared("deadlift"))

    (warning,) = warnings_of(program, "unilateral_per_week")

    assert_names_day(warning, 3)
    assert "7 days or more go by without a unilateral session (since day 1)" in warning.message
    assert warning.start_days == tuple(range(7))


def test_one_or_two_unilateral_sessions_a_week_are_fine_from_any_start_day(coach):
    # Single-leg work on the Mondays and Fridays, bilateral on the Wednesdays.
    program = plan(coach, weeks=2, weekdays=[0, 2, 4])
    add(coach, program, 1, shared("split-squat"))
    add(coach, program, 2, shared("squat"))
    add(coach, program, 3, shared("single-leg-calf-raise"))
    add(coach, program, 4, shared("step-down"))
    add(coach, program, 5, shared("squat"))
    add(coach, program, 6, shared("split-squat"))

    assert warnings_of(program, "unilateral_per_week") == []


def test_the_same_sessions_shifted_in_week_2_crowd_a_tuesday_or_wednesday_start(coach):
    program = plan(coach, weeks=2, weekdays=[0, 2, 4])
    add(coach, program, 1, shared("split-squat"))
    add(coach, program, 2, shared("squat"))
    add(coach, program, 3, shared("single-leg-calf-raise"))
    add(coach, program, 4, shared("squat"))
    add(coach, program, 5, shared("step-down"))
    add(coach, program, 6, shared("split-squat"))

    crowded = [w for w in warnings_of(program, "unilateral_per_week") if "third" in w.message]

    # From a Tuesday or a Wednesday: Friday, Monday and the next Wednesday fall within 7 days.
    assert [(w.day, w.start_days) for w in crowded] == [(5, (1, 2))]


def test_a_daily_low_intensity_routine_is_not_held_to_the_weekly_unilateral_rule(coach):
    program = services.routine_generate(
        coach=coach,
        name="Thirty days",
        items=[{"exercise": shared("wall-single-leg-hold").pk}],
        length_days=30,
    )
    assert warnings_of(program, "unilateral_per_week") == []


# --- a lighter week after three intensified weeks --------------------------------------------


def _four_hard_weeks(coach) -> Program:
    program = plan(coach, weeks=4, weekdays=[0, 3])
    for number in range(1, 9):
        add(coach, program, number, shared("split-squat"))
        set_day(coach, program, number, intensity=HIGH)
    return program


def test_a_fourth_intensified_week_without_a_deload_breaks_the_rule(coach):
    program = _four_hard_weeks(coach)

    (warning,) = warnings_of(program, "deload_after_3")

    assert_names_day(warning, 7)  # Monday of week 4
    assert "week 4 follows 3 intensified weeks" in warning.message


def test_a_lighter_fourth_week_is_fine(coach):
    program = _four_hard_weeks(coach)
    for number in (7, 8):
        set_day(coach, program, number, intensity=LOW)
    assert warnings_of(program, "deload_after_3") == []


def test_a_deload_block_by_name_alone_is_not_the_lighter_week(coach):
    program = _four_hard_weeks(coach)
    services.block_create(
        coach=coach,
        program=program,
        data={"name": "Deload", "focus": "deload", "start": 4, "end": 4},
    )
    (warning,) = warnings_of(program, "deload_after_3")
    assert_names_day(warning, 7)


def test_fewer_sets_make_a_lighter_week(coach):
    program = plan(coach, weeks=4, weekdays=[0, 3])
    for number in range(1, 9):
        add(coach, program, number, shared("split-squat"), sets=4 if number < 7 else 2)
        set_day(coach, program, number, intensity=HIGH)
    assert warnings_of(program, "deload_after_3") == []


def test_a_30_day_routine_of_hard_days_needs_a_lighter_week_and_says_so_every_week(coach):
    program = routine(coach, length_days=30)
    for number in (1, 4, 8, 11, 15, 18, 22, 25, 29):
        add(coach, program, number, shared("split-squat"))
        set_day(coach, program, number, intensity=HIGH)

    warnings = warnings_of(program, "deload_after_3")

    assert [w.day for w in warnings] == [22, 29]  # the first day of weeks 4 and 5
    assert "week 4 follows 3 intensified weeks" in warnings[0].message
    assert "week 5 follows 4 intensified weeks" in warnings[1].message


# --- prerequisites first ---------------------------------------------------------------------


def test_an_exercise_before_its_prerequisites_breaks_the_rule(coach):
    program = routine(coach, length_days=3)
    add(coach, program, 1, shared("single-leg-deadlift"))
    add(coach, program, 2, shared("hip-hinge"))
    add(coach, program, 2, shared("deadlift"))

    (warning,) = warnings_of(program, "prerequisites_first")

    assert_names_day(warning, 1)
    assert "Single-leg deadlift" in warning.message
    assert "Hip hinge" in warning.message
    assert "Deadlift" in warning.message


def test_prerequisites_later_on_the_same_day_break_the_rule(coach):
    program = routine(coach, length_days=2)
    add(coach, program, 2, shared("hip-hinge"))
    add(coach, program, 2, shared("single-leg-deadlift"))
    add(coach, program, 2, shared("deadlift"))

    (warning,) = warnings_of(program, "prerequisites_first")

    assert_names_day(warning, 2)
    assert "Deadlift" in warning.message
    assert "Hip hinge" not in warning.message


def test_prerequisites_scheduled_first_are_fine(coach):
    program = routine(coach, length_days=3)
    add(coach, program, 1, shared("hip-hinge"))
    add(coach, program, 1, shared("deadlift"))
    add(coach, program, 2, shared("single-leg-deadlift"))
    add(coach, program, 3, shared("deadbug"))
    add(coach, program, 3, shared("leg-lowering"))

    assert warnings_of(program, "prerequisites_first") == []


def test_a_coachs_own_copy_of_a_prerequisite_counts(coach):
    hinge = shared("hip-hinge")
    own_hinge = ExerciseFactory.create(
        owner=coach, name="My hinge", laterality="bilateral", copied_from=hinge
    )
    program = routine(coach, length_days=2)
    add(coach, program, 1, own_hinge)
    add(coach, program, 1, shared("deadlift"))
    add(coach, program, 2, shared("single-leg-deadlift"))

    assert warnings_of(program, "prerequisites_first") == []


# --- stage criteria reachable ---------------------------------------------------------------


def test_moving_up_before_the_stage_criteria_can_be_met_breaks_the_rule(coach):
    sldl = shared("single-leg-deadlift")
    assert stage_of(sldl, 1).criteria_sessions == 3
    program = routine(coach, length_days=5)
    for number in (1, 2):
        add(coach, program, number, shared("hip-hinge"))
        add(coach, program, number, shared("deadlift"))
        add(coach, program, number, sldl, stage=stage_of(sldl, 1))
    add(coach, program, 3, sldl, stage=stage_of(sldl, 2))

    (warning,) = warnings_of(program, "stage_criteria")

    assert_names_day(warning, 3)
    assert "stage 2 after 2 sessions at stage 1" in warning.message
    assert "need 3" in warning.message


def test_skipping_a_rung_breaks_the_rule(coach):
    sldl = shared("single-leg-deadlift")
    program = routine(coach, length_days=5)
    for number in (1, 2, 3):
        add(coach, program, number, sldl, stage=stage_of(sldl, 1))
    add(coach, program, 4, sldl, stage=stage_of(sldl, 3))

    (warning,) = warnings_of(program, "stage_criteria")

    assert_names_day(warning, 4)
    assert "skipping" in warning.message


def test_enough_sessions_at_each_stage_are_fine(coach):
    sldl = shared("single-leg-deadlift")
    program = routine(coach, length_days=10)
    stages = [1, 1, 1, 2, 2, 2, 3, 3]
    for number, order in enumerate(stages, start=1):
        add(coach, program, number, sldl, stage=stage_of(sldl, order))
    # Rest days and "the client's current stage" do not count either way.
    add(coach, program, 9, sldl)
    set_day(coach, program, 10, is_rest=True)

    assert warnings_of(program, "stage_criteria") == []


def test_a_rest_day_session_does_not_count_towards_the_criteria(coach):
    sldl = shared("single-leg-deadlift")
    program = routine(coach, length_days=5)
    for number in (1, 2, 3):
        add(coach, program, number, sldl, stage=stage_of(sldl, 1))
    set_day(coach, program, 3, is_rest=True)
    add(coach, program, 4, sldl, stage=stage_of(sldl, 2))

    (warning,) = warnings_of(program, "stage_criteria")
    assert_names_day(warning, 4)


# --- all together --------------------------------------------------------------------------


def test_warnings_are_ordered_by_day(coach):
    program = routine(coach, length_days=7)
    add(coach, program, 1, shared("single-leg-deadlift"))
    for number in (5, 6):
        add(coach, program, number, shared("squat"))
        set_day(coach, program, number, intensity=HIGH)
    full = selectors.program_get_for(coach=coach, pk=program.pk, full=True)

    assert [(w.day, w.rule) for w in program_warnings(full)] == [
        (1, "prerequisites_first"),
        (6, "bilateral_48h"),
    ]


# --- rest days, blocks, and the builder's panel --------------------------------------------


def test_work_on_a_rest_day_is_a_warning(coach):
    program = routine(coach, length_days=3)
    add(coach, program, 2, shared("hip-opener"))
    add(coach, program, 2, shared("toe-curl"))
    set_day(coach, program, 2, is_rest=True)

    (warning,) = warnings_of(program, "rest_day_work")

    assert_names_day(warning, 2)
    assert "rest day but has 2 exercises" in warning.message


def test_blocks_out_of_order_name_the_block_and_its_first_day(coach):
    program = plan(coach, weeks=4, weekdays=[1])
    for number in range(1, 5):
        add(coach, program, number, shared("split-squat"))
    for name, focus, start, end in (
        ("Legs", "strength", 1, 1),
        ("Power", "speed", 2, 2),
        ("Single legs", "strength", 3, 4),
    ):
        services.block_create(
            coach=coach,
            program=program,
            data={"name": name, "focus": focus, "start": start, "end": end},
        )

    (warning,) = warnings_of(program, "block_order")

    assert_names_day(warning, 3)
    assert "the Single legs block (strength) follows a speed block" in warning.message


def test_the_builder_panel_names_the_start_days_that_break_a_rule(coach_client, coach):
    program = plan(coach, weeks=1, weekdays=[0, 2])
    add(coach, program, 1, shared("hip-hinge"))
    add(coach, program, 1, shared("deadlift"))
    add(coach, program, 2, shared("single-leg-deadlift"))

    response = coach_client.get(reverse("program-warnings", args=[program.pk]))

    text = " ".join(response.content.decode().split())
    assert "Day 2: Single-leg deadlift comes before its prerequisites" in text
    assert "Only when it starts on a Tuesday or Wednesday." in text
