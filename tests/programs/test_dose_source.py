"""Each dose field of a prescription is either set by the coach or left to the stage: the builder
and the generator store only what the coach gave, and the pages show the stage's values for the
rest, so a change to the stage (or a client's move to another rung) reaches every day."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from exercises.models import Exercise, Stage
from programs import services
from programs.doses import template_dose
from programs.models import Prescription, Program
from tests.coach.factories import ClientFactory
from tests.conftest import api_url
from tests.exercises.factories import ExerciseFactory, StageFactory
from tests.programs.factories import add, assign, day, routine
from training.doses import dose_resolve

pytestmark = pytest.mark.django_db

PRESCRIPTIONS = "/api/v1/prescriptions/"
DOSE = ("sets", "reps_per_side", "hold_seconds", "rest_seconds")


@pytest.fixture
def hold(coach) -> Exercise:
    """A one-sided hold of the coach's own: rung 1 is 2 × 60 s (rest 30 s); rung 2 is 3 × 90 s
    (rest 45 s) with a load band of 10–20 lb."""
    exercise = ExerciseFactory.create(
        owner=coach, name="Wall hold", measurement=Exercise.Measurement.HOLD
    )
    StageFactory.create(
        exercise=exercise, order=1, name="Supported", sets=2, reps_per_side=None,
        hold_seconds=60, rest_seconds=30,
    )  # fmt: skip
    StageFactory.create(
        exercise=exercise, order=2, name="Loaded", sets=3, reps_per_side=None,
        hold_seconds=90, rest_seconds=45, load_min=Decimal(10), load_max=Decimal(20),
        load_unit="lb",
    )  # fmt: skip
    return exercise


def rung(exercise: Exercise, order: int) -> Stage:
    return exercise.stages.get(order=order)


def stored(prescription: Prescription) -> tuple:
    prescription.refresh_from_db()
    return tuple(getattr(prescription, name) for name in DOSE)


def shown(prescription: Prescription) -> tuple:
    """The dose as the program shows it, read afresh (the stage may have changed)."""
    fresh = Prescription.objects.select_related("exercise", "stage").get(pk=prescription.pk)
    dose = template_dose(fresh)
    return tuple(getattr(dose, name) for name in DOSE)


def input_for(html: str, prescription: Prescription, field: str) -> str:
    row = re.search(
        rf'<li class="prescription" data-prescription="{prescription.pk}">.*?</li>', html, re.S
    )
    assert row is not None
    found = re.search(rf'<input[^>]*data-field="{field}"[^>]*>', row.group(0))
    assert found is not None
    return found.group(0)


def text_of(html: str) -> str:
    """The page's words, tags dropped and spaces folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- what is stored ------------------------------------------------------------------------------


def test_adding_an_exercise_with_a_ladder_stores_no_dose_the_coach_did_not_give(api, coach, hold):
    program = routine(coach, length_days=3)

    current = add(coach, program, 1, hold)
    fixed = add(coach, program, 1, hold, stage=rung(hold, 2))
    given = add(coach, program, 1, hold, stage=rung(hold, 1), hold_seconds=45)
    response = api.post(
        PRESCRIPTIONS,
        {"day": day(program, 2).pk, "exercise": hold.pk, "stage": rung(hold, 2).pk},
        content_type="application/json",
    )

    assert stored(current) == (None, None, None, None)
    assert stored(fixed) == (None, None, None, None)
    assert stored(given) == (None, None, 45, None)
    assert response.status_code == 201
    body = response.json()
    assert [body[name] for name in DOSE] == [None, None, None, None]
    assert api.get(api_url(PRESCRIPTIONS, body["id"])).json()["hold_seconds"] is None


def test_an_exercise_without_stages_gets_the_default_dose(coach):
    plain = ExerciseFactory.create(owner=coach, measurement=Exercise.Measurement.HOLD)
    program = routine(coach, length_days=1)

    prescription = add(coach, program, 1, plain)
    own = add(coach, program, 1, plain, sets=4)

    assert stored(prescription) == (2, None, 30, 30)
    assert stored(own) == (4, None, 30, 30)
    assert template_dose(prescription).from_stage == set()


def test_a_coach_set_value_overrides_the_stage_and_the_rest_follows_the_clients_rung(coach, hold):
    program = routine(coach, length_days=1)
    prescription = add(coach, program, 1, hold, hold_seconds=45)
    prescription.refresh_from_db()

    # The program shows the first rung under the coach's hold.
    assert shown(prescription) == (2, None, 45, 30)
    assert template_dose(prescription).from_stage == {"sets", "rest_seconds"}
    # A client moved up to rung 2 gets its sets, rest and load band; the coach's hold stays.
    at_two = dose_resolve(prescription, rung(hold, 2), sex="female")
    assert (at_two.sets, at_two.hold_seconds, at_two.rest_seconds) == (3, 45, 45)
    assert at_two.load_text.startswith("10–20 lb")


# --- what the builder and the print sheet show ---------------------------------------------------


def test_the_builder_card_shows_the_stages_values_as_from_the_stage(coach_client, coach, hold):
    program = routine(coach, length_days=1)
    current = add(coach, program, 1, hold)
    fixed = add(coach, program, 1, hold, stage=rung(hold, 2), sets=5)

    html = coach_client.get(reverse("program-builder", args=[program.pk])).content.decode()

    sets = input_for(html, current, "sets")
    assert 'value=""' in sets
    assert 'placeholder="2"' in sets
    assert f'aria-describedby="stage-dose-{current.pk}"' in sets
    assert 'placeholder="60"' in input_for(html, current, "hold_seconds")
    words = text_of(html)
    assert (
        "Empty fields come from the client's stage (stage 1 to start): "
        "2 sets, hold 60 s per side, rest 30 s." in words
    )
    # A coach's value is in the field; the stage's stays visible beside it.
    assert 'value="5"' in input_for(html, fixed, "sets")
    assert 'placeholder="3"' in input_for(html, fixed, "sets")
    assert 'placeholder="90"' in input_for(html, fixed, "hold_seconds")
    assert (
        "Empty fields come from stage 2: 3 sets, hold 90 s per side, rest 45 s; "
        "load 10–20 lb." in words
    )


def test_a_read_only_card_names_what_comes_from_the_stage(coach_client, coach, hold):
    template = routine(coach, length_days=1)
    add(coach, template, 1, hold)
    add(coach, template, 1, hold, stage=rung(hold, 2), sets=5)
    first, _ = assign(
        coach,
        template,
        starts_on=date(2027, 1, 4),
        clients=ClientFactory.create_batch(2, coach=coach),
    )

    # Two clients share the copy: its builder is read-only.
    html = coach_client.get(reverse("program-builder", args=[first.program_id])).content.decode()

    words = text_of(html)
    assert "data-field=" not in html
    assert (
        "Client's stage · 2 sets, hold 60 s per side, rest 30 s "
        "(sets, hold and rest from the client's stage, stage 1 to start)" in words
    )
    assert (
        "Stage 2 · 5 sets, hold 90 s per side @ 10–20 lb, rest 45 s "
        "(hold, load and rest from the stage)" in words
    )


def test_changing_the_stages_dose_later_changes_what_the_program_shows(coach_client, coach, hold):
    program = routine(coach, length_days=1, name="Holds")
    prescription = add(coach, program, 1, hold)
    coached = add(coach, program, 1, hold, stage=rung(hold, 1), sets=2)

    Stage.objects.filter(pk=rung(hold, 1).pk).update(sets=4, hold_seconds=75)

    assert stored(prescription) == (None, None, None, None)
    assert shown(prescription) == (4, None, 75, 30)
    assert shown(coached) == (2, None, 75, 30)
    builder = coach_client.get(reverse("program-builder", args=[program.pk])).content.decode()
    assert 'placeholder="4"' in input_for(builder, prescription, "sets")
    assert 'placeholder="75"' in input_for(builder, prescription, "hold_seconds")
    sheet = coach_client.get(reverse("program-print", args=[program.pk])).content.decode()
    rows = re.findall(r"<tr>.*?</tr>", sheet, flags=re.S)[1:]
    assert [text_of(re.search(r'<td class="dose">(.*?)</td>', r).group(1)) for r in rows] == [  # type: ignore[union-attr]
        "4 sets, hold 75 s per side, rest 30 s",
        "2 sets, hold 75 s per side, rest 30 s",
    ]
    # One box per side for every set the stage gives.
    assert [r.count('data-side="L"') for r in rows] == [4, 2]


# --- the routine generator ---------------------------------------------------------------------


def test_the_generators_hold_step_starts_from_the_stage(coach, hold):
    program = services.routine_generate(
        coach=coach,
        name="Holds for a month",
        items=[{"exercise": hold.pk, "stage": rung(hold, 1).pk}, {"exercise": hold.pk}],
        length_days=30,
        step="hold",
        step_amount=15,
        every_days=7,
    )

    for order in (1, 2):
        prescriptions = {
            p.day.number: p
            for p in Prescription.objects.filter(day__program=program, order=order)
            .select_related("day", "exercise", "stage")
            .prefetch_related("exercise__stages")
        }
        holds = {n: template_dose(p).hold_seconds for n, p in prescriptions.items()}
        assert [holds[n] for n in (1, 7, 8, 14, 15, 22, 29, 30)] == [
            60, 60, 75, 75, 90, 105, 120, 120
        ]  # fmt: skip
        # Until the first step the stage gives the hold; from then on the program sets it.
        assert {prescriptions[n].hold_seconds for n in range(1, 8)} == {None}
        assert prescriptions[8].hold_seconds == 75
        # Sets and rest are the stage's on every day: none was copied.
        assert {(p.sets, p.rest_seconds) for p in prescriptions.values()} == {(None, None)}
        assert {template_dose(p).sets for p in prescriptions.values()} == {2}


def test_the_generators_stage_step_leaves_each_rungs_dose_to_it(coach, hold):
    program = services.routine_generate(
        coach=coach,
        name="Climb",
        items=[{"exercise": hold.pk, "hold_seconds": 40}],
        length_days=14,
        step="stage",
        step_amount=1,
        every_days=7,
    )

    by_day = {
        p.day.number: p
        for p in Prescription.objects.filter(day__program=program).select_related(
            "day", "exercise", "stage"
        )
    }
    assert stored(by_day[1]) == (None, None, 40, None)
    assert stored(by_day[8]) == (None, None, None, None)
    assert by_day[8].stage == rung(hold, 2)
    assert shown(by_day[8]) == (3, None, 90, 45)
    assert Program.objects.get(pk=program.pk).days.count() == 14
