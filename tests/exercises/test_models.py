"""The rules the database keeps even when full_clean is bypassed, and the Stage's own checks."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from exercises.models import Exercise, Stage
from exercises.services import library_seed
from tests.coach.factories import CoachFactory
from tests.exercises.factories import ExerciseFactory, StageFactory

pytestmark = pytest.mark.django_db


# Each range of a stage's load: general, for women, for men.
LOAD_RANGES = [
    ("load_min", "load_max"),
    ("load_min_female", "load_max_female"),
    ("load_min_male", "load_max_male"),
]


def save_rejected(obj: Exercise | Stage) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


def unsaved_stage(**fields: object) -> Stage:
    """A rung of a saved exercise, not saved itself."""
    return StageFactory.build(exercise=ExerciseFactory.create(), **fields)


# --- database constraints -------------------------------------------------------------------


def test_stage_order_is_unique_per_exercise():
    exercise = ExerciseFactory.create()
    StageFactory.create(exercise=exercise, order=1)
    save_rejected(StageFactory.build(exercise=exercise, order=1))
    # Another exercise may have its own stage 1.
    StageFactory.create(exercise=ExerciseFactory.create(), order=1)


def test_stage_order_starts_at_one():
    save_rejected(unsaved_stage(order=0))


@pytest.mark.parametrize(("low", "high"), LOAD_RANGES)
def test_negative_load_is_rejected(low, high):
    stage = unsaved_stage(load_unit="lb")
    setattr(stage, low, Decimal("-5"))
    setattr(stage, high, Decimal("10"))
    save_rejected(stage)


@pytest.mark.parametrize(("low", "high"), LOAD_RANGES)
def test_load_min_above_max_is_rejected(low, high):
    stage = unsaved_stage(load_unit="lb")
    setattr(stage, low, Decimal("30"))
    setattr(stage, high, Decimal("20"))
    save_rejected(stage)


@pytest.mark.parametrize("field", [field for pair in LOAD_RANGES for field in pair])
def test_one_end_of_a_load_range_alone_is_rejected(field):
    stage = unsaved_stage(load_unit="lb")
    setattr(stage, field, Decimal("10"))
    save_rejected(stage)


def test_a_full_load_range_is_stored():
    stage = StageFactory.create(
        load_unit="lb",
        load_min=Decimal("10"),
        load_max=Decimal("10"),
        load_min_female=Decimal("25"),
        load_max_female=Decimal("35"),
        load_min_male=Decimal("35"),
        load_max_male=Decimal("45"),
    )
    stage.refresh_from_db()
    assert (stage.load_min, stage.load_max) == (Decimal("10"), Decimal("10"))


@pytest.mark.parametrize("form", [0, 6])
def test_criteria_form_outside_one_to_five_is_rejected(form):
    save_rejected(unsaved_stage(criteria_min_form=form))


@pytest.mark.parametrize("form", [1, 5])
def test_criteria_form_at_the_ends_is_stored(form):
    assert StageFactory.create(criteria_min_form=form).pk


def test_criteria_gap_above_100_percent_is_rejected():
    save_rejected(unsaved_stage(criteria_max_gap_pct=101))
    assert StageFactory.create(criteria_max_gap_pct=100).pk


def test_slug_is_unique_per_owner():
    coach = CoachFactory.create()
    ExerciseFactory.create(owner=coach, name="Step down", slug="step-down")
    save_rejected(ExerciseFactory.build(owner=coach, name="Step down again", slug="step-down"))
    # Another coach, and the shared library, may use the same slug.
    ExerciseFactory.create(owner=CoachFactory.create(), name="Step down", slug="step-down")
    ExerciseFactory.create(owner=None, name="Step down", slug="step-down")


def test_slug_is_unique_in_the_shared_library():
    ExerciseFactory.create(owner=None, name="Step down", slug="step-down")
    save_rejected(ExerciseFactory.build(owner=None, name="Another step down", slug="step-down"))


# --- Stage.clean ----------------------------------------------------------------------------


def clean_errors(**fields: object) -> dict[str, list[str]]:
    stage = unsaved_stage(**fields)
    with pytest.raises(ValidationError) as caught:
        stage.full_clean()
    return caught.value.message_dict


def test_clean_asks_for_both_ends_of_a_range():
    assert clean_errors(load_unit="lb", load_min=Decimal("10")) == {
        "load_max": ["Give both ends of the range, or neither."]
    }
    assert clean_errors(load_unit="lb", load_max_male=Decimal("40")) == {
        "load_min_male": ["Give both ends of the range, or neither."]
    }


def test_clean_rejects_an_upside_down_range():
    errors = clean_errors(
        load_unit="lb", load_min_female=Decimal("35"), load_max_female=Decimal("25")
    )
    assert errors == {"load_max_female": ["The upper end must be at least the lower end."]}


def test_clean_asks_for_the_load_unit():
    errors = clean_errors(load_min=Decimal("10"), load_max=Decimal("20"))
    assert errors == {"load_unit": ["Say what the load is measured in (lb, kg, band, …)."]}


def test_clean_rejects_negative_loads_and_form_out_of_range():
    errors = clean_errors(
        load_unit="lb",
        load_min=Decimal("-1"),
        load_max=Decimal("5"),
        criteria_min_form=6,
        criteria_max_gap_pct=150,
    )
    assert set(errors) >= {"load_min", "criteria_min_form", "criteria_max_gap_pct"}


def test_clean_accepts_a_good_stage():
    stage = unsaved_stage(
        load_unit="lb",
        load_min=Decimal("10"),
        load_max=Decimal("20"),
        criteria_sessions=3,
        criteria_min_form=4,
        criteria_max_gap_pct=10,
    )
    stage.full_clean()


def test_exercise_clean_checks_lists():
    exercise = ExerciseFactory.build(
        owner=None,
        name="Bad lists",
        instructions=["ok", "  "],
        faults=[{"fault": "no fix"}],
    )
    with pytest.raises(ValidationError) as caught:
        exercise.full_clean()
    assert caught.value.message_dict["instructions"] == ["Give a list of non-empty lines."]
    assert caught.value.message_dict["faults"] == ["Each fault needs a fault and its fix."]


# --- load_range_for -------------------------------------------------------------------------


def test_load_range_for_the_single_leg_deadlift_loaded_stage():
    library_seed()
    stage = Stage.objects.get(exercise__owner=None, exercise__slug="single-leg-deadlift", order=2)

    assert stage.load_range_for("female") == (Decimal("25"), Decimal("35"))
    assert stage.load_range_for("male") == (Decimal("35"), Decimal("45"))
    assert stage.load_range_for("") == (Decimal("10"), Decimal("20"))
    assert stage.load_range_for("other") == (Decimal("10"), Decimal("20"))


def test_load_range_for_falls_back_to_the_general_range_and_to_none():
    general_only = StageFactory.create(load_unit="kg", load_min=Decimal("4"), load_max=Decimal("8"))
    assert general_only.load_range_for("female") == (Decimal("4"), Decimal("8"))
    assert StageFactory.create().load_range_for("male") is None


def test_zero_sessions_in_a_row_is_rejected_by_the_database():
    save_rejected(unsaved_stage(criteria_sessions=0))


def test_clean_asks_for_the_session_count_when_other_criteria_are_given():
    errors = clean_errors(criteria_min_form=4, criteria_max_gap_pct=10)
    assert errors == {
        "criteria_sessions": ["Say how many sessions in a row must meet the criteria to move up."]
    }
