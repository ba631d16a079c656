"""The one way a dose and a load band read: the `dose` and `load_band` filters, and the library,
builder and print pages that use them."""

import html
import re
from datetime import date
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse

from exercises.models import Exercise, Stage
from exercises.templatetags.dose import dose, load_band, per_side
from programs.models import Prescription
from tests.coach.factories import ClientFactory
from tests.exercises.factories import ExerciseFactory, StageFactory
from tests.programs.factories import add, assign, routine
from training.doses import dose_resolve

Laterality = Exercise.Laterality


def stage(laterality: str = Laterality.UNILATERAL, **dose_fields: object) -> Stage:
    return Stage(exercise=Exercise(laterality=laterality), **dose_fields)


def prescription(laterality: str = Laterality.UNILATERAL, **dose_fields: object) -> Prescription:
    return Prescription(exercise=Exercise(laterality=laterality), **dose_fields)


# --- dose ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("laterality", "expected"),
    [
        (Laterality.UNILATERAL, "3 sets × 8 per side, hold 60 s, rest 90 s"),
        (Laterality.ALTERNATING, "3 sets × 8 per side, hold 60 s, rest 90 s"),
        (Laterality.BILATERAL, "3 sets × 8, hold 60 s, rest 90 s"),
    ],
)
def test_only_one_sided_exercises_say_per_side(laterality, expected):
    full = {"sets": 3, "reps_per_side": 8, "hold_seconds": 60, "rest_seconds": 90}

    assert dose(stage(laterality, **full)) == expected
    assert dose(prescription(laterality, **full)) == expected


@pytest.mark.parametrize(
    ("laterality", "fields", "expected"),
    [
        (Laterality.UNILATERAL, {"sets": 1, "hold_seconds": 45}, "1 set, hold 45 s per side"),
        (Laterality.BILATERAL, {"sets": 2, "hold_seconds": 45}, "2 sets, hold 45 s"),
        (Laterality.ALTERNATING, {"hold_seconds": 30}, "hold 30 s per side"),
        (Laterality.UNILATERAL, {"reps_per_side": 10}, "10 reps per side"),
        (Laterality.BILATERAL, {"reps_per_side": 1}, "1 rep"),
        (Laterality.BILATERAL, {"sets": 4}, "4 sets"),
        (Laterality.BILATERAL, {"sets": 5, "reps_per_side": 5}, "5 sets × 5"),
        (Laterality.UNILATERAL, {"rest_seconds": 90}, "rest 90 s"),
        (Laterality.UNILATERAL, {"sets": 2, "rest_seconds": 30}, "2 sets, rest 30 s"),
    ],
)
def test_partial_doses(laterality, fields, expected):
    assert dose(stage(laterality, **fields)) == expected


def test_nothing_set_reads_as_nothing():
    assert dose(stage()) == ""
    assert dose(prescription()) == ""


def test_a_prescriptions_load_follows_the_volume():
    assert (
        dose(
            prescription(
                Laterality.BILATERAL,
                sets=3,
                reps_per_side=5,
                load=Decimal("12.5"),
                load_unit="kg",
                rest_seconds=120,
            )
        )
        == "3 sets × 5 @ 12.5 kg, rest 120 s"
    )
    assert (
        dose(prescription(sets=2, reps_per_side=8, load=Decimal("10.0"), load_unit="lb"))
        == "2 sets × 8 per side @ 10 lb"
    )
    assert dose(prescription(load=Decimal(20), load_unit="lb")) == "20 lb"


def test_the_exercise_given_decides_per_side_without_loading_the_stages_own(
    db, django_assert_num_queries
):
    exercise = ExerciseFactory.create(laterality=Laterality.BILATERAL)
    saved = StageFactory.create(exercise=exercise, sets=3, reps_per_side=8)
    unloaded = Stage.objects.get(pk=saved.pk)

    with django_assert_num_queries(0):
        assert dose(unloaded, exercise) == "3 sets × 8"


def test_in_a_template_the_dose_is_escaped_text_with_a_fallback():
    rendered = Template(
        "{% load dose %}<p>{{ a|dose }}</p><p>{{ b|dose|default:'As prescribed' }}</p>"
        "<p>{{ c|dose }}</p>"
    ).render(
        Context(
            {
                "a": stage(sets=3, reps_per_side=8),
                "b": stage(),
                "c": prescription(sets=1, load=Decimal(1), load_unit="<b>"),
            }
        )
    )

    assert rendered == ("<p>3 sets × 8 per side</p><p>As prescribed</p><p>1 set @ 1 &lt;b&gt;</p>")


# --- load band -----------------------------------------------------------------------------------


def lb(low: str, high: str) -> tuple[Decimal, Decimal]:
    return Decimal(low), Decimal(high)


@pytest.mark.parametrize(
    ("general", "women", "men", "expected"),
    [
        (lb("10", "20"), None, None, "10–20 lb"),
        (
            lb("10", "20"),
            lb("25", "35"),
            lb("35.0", "47.5"),
            "10–20 lb, building to 25–35 lb (women) / 35–47.5 lb (men)",
        ),
        (lb("5", "10"), lb("15", "20"), None, "5–10 lb, building to 15–20 lb (women)"),
        (None, None, lb("35", "45"), "35–45 lb (men)"),
        (None, None, None, "lb"),
    ],
)
def test_load_band_general_then_by_sex(general, women, men, expected):
    fields = {}
    for suffix, pair in (("", general), ("_female", women), ("_male", men)):
        if pair:
            fields[f"load_min{suffix}"], fields[f"load_max{suffix}"] = pair

    assert load_band(Stage(load_unit="lb", **fields)) == expected


def test_load_band_without_bands_or_unit_is_empty():
    assert load_band(Stage()) == ""


# --- pages ---------------------------------------------------------------------------------------

DOSE = {"sets": 3, "reps_per_side": 8, "hold_seconds": 60, "rest_seconds": 90}


def page_text(response) -> str:
    assert response.status_code == 200
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


@pytest.mark.parametrize(
    ("laterality", "expected"),
    [
        (Laterality.UNILATERAL, "3 sets × 8 per side, hold 60 s, rest 90 s"),
        (Laterality.BILATERAL, "3 sets × 8, hold 60 s, rest 90 s"),
    ],
)
def test_library_builder_and_print_sheet_read_the_same_dose(
    coach_client, coach, laterality, expected
):
    # given an exercise whose first stage has the dose, and a routine prescribing the same dose,
    # assigned to two clients together so that their shared copy is shown read-only
    exercise = ExerciseFactory.create(owner=coach, name="Step-down", laterality=laterality)
    StageFactory.create(exercise=exercise, order=1, name="Low step", **DOSE)
    template = routine(coach, length_days=2, name="Steps")
    add(coach, template, 1, exercise, **DOSE)
    first, _ = assign(
        coach,
        template,
        starts_on=date(2027, 3, 1),
        clients=ClientFactory.create_batch(2, coach=coach),
    )

    # when the coach opens the library page, the builder of the copy and its print sheet
    pages = {
        "library": page_text(coach_client.get(reverse("exercise-detail", args=[exercise.pk]))),
        "builder": page_text(coach_client.get(reverse("program-builder", args=[first.program_id]))),
        "print": page_text(coach_client.get(reverse("program-print", args=[first.program_id]))),
    }

    # then each shows the dose in the same words, saying "per side" only for one-sided work
    for name, text in pages.items():
        assert expected in text, name
        assert ("per side" in text) == (laterality == Laterality.UNILATERAL), name


# --- a stage's own laterality, and timed work ------------------------------------------------


def test_a_rung_done_on_both_feet_is_not_dosed_per_side_though_its_exercise_is():
    set_up = Stage(
        exercise=Exercise(laterality=Laterality.UNILATERAL),
        laterality=Laterality.BILATERAL,
        sets=1,
        hold_seconds=60,
    )
    one_leg = Stage(exercise=set_up.exercise, sets=1, hold_seconds=60)

    assert dose(set_up) == "1 set, hold 60 s"
    assert dose(one_leg) == "1 set, hold 60 s per side"
    # A prescription fixed at the rung reads as the rung does; at the client's stage, as the
    # exercise.
    fixed = Prescription(exercise=set_up.exercise, stage=set_up, sets=2, hold_seconds=30)
    assert dose(fixed) == "2 sets, hold 30 s"
    assert dose(Prescription(exercise=set_up.exercise, sets=2, hold_seconds=30)) == (
        "2 sets, hold 30 s per side"
    )
    assert (per_side(set_up), per_side(one_leg), per_side(fixed)) == (False, True, False)


def test_a_resolved_dose_follows_its_stage():
    set_up = Stage(
        exercise=Exercise(laterality=Laterality.UNILATERAL),
        laterality=Laterality.BILATERAL,
        hold_seconds=60,
    )
    resolved = dose_resolve(Prescription(exercise=set_up.exercise), set_up)
    assert dose(resolved) == "hold 60 s"
    assert resolved.is_per_side is False


@pytest.mark.parametrize(
    ("laterality", "fields", "expected"),
    [
        (Laterality.ALTERNATING, {"sets": 6, "hold_seconds": 30, "rest_seconds": 90},
         "6 sets × 30 s per side, rest 90 s"),
        (Laterality.BILATERAL, {"sets": 4, "hold_seconds": 20}, "4 sets × 20 s"),
        (Laterality.UNILATERAL, {"hold_seconds": 20}, "20 s per side"),
        (Laterality.UNILATERAL, {"sets": 2, "reps_per_side": 5, "hold_seconds": 3},
         "2 sets × 5 per side, hold 3 s"),
    ],
)  # fmt: skip
def test_timed_work_reads_as_sets_of_seconds(laterality, fields, expected):
    timed = Exercise(laterality=laterality, measurement=Exercise.Measurement.TIME)
    assert dose(Stage(exercise=timed, **fields)) == expected
