"""A stage's load unit is chosen from a list (free text written before is mapped onto it), and
a stage's texts that quote its load band follow the band when the band changes."""

import html
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from exercises.models import Exercise, Stage
from exercises.services import exercise_copy, exercise_create, exercise_update, library_seed
from tests.conftest import api_url
from tests.exercises.factories import exercise_data, shared, stage_data

pytestmark = pytest.mark.django_db

EXERCISES = "/api/v1/exercises/"
BEFORE_CHOICES = ("exercises", "0005_exercise_warm_up_drill")
SLDL_LOADED = (
    "Hold a dumbbell or kettlebell. Start at 10-20 lb and build over the weeks toward 25-35 lb "
    "for women or 35-45 lb for men."
)


def text(response) -> str:
    return html.unescape(response.content.decode())


def ladder_data(exercise: Exercise, **changes_by_order: dict) -> list[dict]:
    """The exercise's ladder as the services take it, with `changes_by_order` (“o2={...}”)."""
    rows = []
    for stage in exercise.stages.order_by("order"):
        row = {"id": stage.pk, "name": stage.name}
        for field in (
            "description",
            "criteria_note",
            "differs_note",
            "sets",
            "reps_per_side",
            "load_unit",
            *(f"load_{end}{who}" for end in ("min", "max") for who in ("", "_female", "_male")),
        ):
            row[field] = getattr(stage, field)
        row.update(changes_by_order.get(f"o{stage.order}", {}))
        rows.append(row)
    return rows


# --- the list of units --------------------------------------------------------------------


def test_the_units_are_a_list_with_labels():
    assert dict(Stage.LoadUnit.choices) == {
        "lb": "lb (pounds)",
        "kg": "kg (kilograms)",
        "band": "Resistance band",
        "bodyweight": "Bodyweight",
    }


def test_the_stage_form_offers_the_units_to_choose(coach_client, coach):
    exercise = exercise_create(coach=coach, data=exercise_data())

    page = text(coach_client.get(reverse("exercise-edit", args=[exercise.pk])))

    assert '<select name="stages-1-load_unit"' in page
    assert '<option value="kg" selected>kg (kilograms)</option>' in page
    assert '<option value="bodyweight">Bodyweight</option>' in page
    assert '<option value="">No load</option>' in page


def test_a_unit_not_on_the_list_is_shown_on_the_form(coach_client):
    data = {
        "name": "Split squat",
        "category": "strength",
        "laterality": "unilateral",
        "measurement": "reps_load",
        "stages-TOTAL_FORMS": "1",
        "stages-INITIAL_FORMS": "0",
        "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "1000",
        "stages-0-name": "Loaded",
        "stages-0-load_unit": "stone",
        "stages-0-load_min": "1",
        "stages-0-load_max": "2",
        "stages-0-ORDER": "1",
    }

    response = coach_client.post(reverse("exercise-create"), data)

    assert response.status_code == 200
    assert "Select a valid choice. stone is not one of the available choices." in text(response)
    assert not Exercise.objects.exists()


def test_the_api_takes_only_units_of_the_list(api):
    payload = exercise_data(
        stages=[stage_data("Loaded", load_unit="stone", load_min="1", load_max="2")]
    )

    refused = api.post(EXERCISES, payload, content_type="application/json")
    payload["stages"][0]["load_unit"] = "bodyweight"
    created = api.post(EXERCISES, payload, content_type="application/json")

    assert refused.status_code == 400
    # Named under its stage (however the error shape nests it), with the reason.
    assert "load_unit" in str(refused.json()["fields"])
    assert '"stone" is not a valid choice.' in str(refused.json()["fields"])
    assert created.status_code == 201
    assert created.json()["stages"][0]["load_unit"] == "bodyweight"


def test_the_seeded_stages_use_units_of_the_list(library):
    units = dict(Stage.LoadUnit.choices)
    for stage in Stage.objects.filter(exercise__owner=None):
        stage.full_clean()
        assert stage.load_unit == "" or stage.load_unit in units, stage
    assert shared("single-leg-deadlift").stages.get(key="loaded").load_unit == "lb"
    assert shared("single-leg-balance-hold").stages.get(key="light-band").load_unit == "band"


# --- free text written before the list is mapped onto it ---------------------------------


def _export_with_units(*units: str) -> dict:
    stages = [
        stage_data(f"Rung {n}", load_unit=unit, load_min="5", load_max="10")
        for n, unit in enumerate(units, start=1)
    ]
    return {
        "format": "coach.exercises",
        "version": 1,
        "exercises": [{**exercise_data("Goblet squat"), "stages": stages}],
    }


def test_an_older_export_spelling_units_its_own_way_is_imported(api, coach):
    response = api.post(
        f"{EXERCISES}import/",
        _export_with_units("lbs", "Kilograms", "BW", "band"),
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    imported = Exercise.objects.get(owner=coach, name="Goblet squat")
    units = list(imported.stages.order_by("order").values_list("load_unit", flat=True))
    assert units == ["lb", "kg", "bodyweight", "band"]


def test_an_import_with_a_unit_off_the_list_says_which_units_to_use(api, coach):
    response = api.post(
        f"{EXERCISES}import/", _export_with_units("kg", "stone"), content_type="application/json"
    )

    assert response.status_code == 400
    message = str(response.json())
    assert "stage 2, load_unit: Give the load unit as one of: lb, kg, band, bodyweight" in message
    assert "Nothing was imported." in message
    assert not Exercise.objects.filter(owner=coach).exists()


def _migrate(target: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.migrate(target)


@pytest.fixture
def before_choices() -> Iterator:
    """The database as it was while units were free text; migrated forward again afterwards."""
    state = _migrate([BEFORE_CHOICES])
    try:
        yield state.apps
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_units_written_as_text_are_mapped_onto_the_list(before_choices):
    # given stages whose units were typed freely
    OldExercise = before_choices.get_model("exercises", "Exercise")
    OldStage = before_choices.get_model("exercises", "Stage")
    exercise = OldExercise.objects.create(
        owner=None,
        slug="carry",
        name="Carry",
        laterality="unilateral",
        measurement="reps",
        category="strength",
    )
    written = {
        "lbs": "lb",
        "Pounds": "lb",
        "KG": "kg",
        "kilograms": "kg",
        "Thick band": "band",
        "tubing": "band",
        "mini-band": "band",
        "BW": "bodyweight",
        "body weight": "bodyweight",
        "dumbbell": "lb",
        "": "",
        "band": "band",
    }
    ids = {
        text: OldStage.objects.create(
            exercise=exercise, order=order, name=f"Rung {order}", load_unit=text
        ).pk
        for order, text in enumerate(written, start=1)
    }

    # when the database is migrated
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    # then each is a unit of the list, and every rung is valid as it stands
    for text, expected in written.items():
        stage = Stage.objects.get(pk=ids[text])
        assert stage.load_unit == expected, text
        stage.full_clean()


# --- texts that quote the band follow it --------------------------------------------------


@pytest.fixture
def sldl_copy(coach, library) -> Exercise:
    return exercise_copy(coach=coach, exercise=shared("single-leg-deadlift"))


def test_the_description_follows_a_changed_band(coach, sldl_copy):
    loaded = sldl_copy.stages.get(order=2)
    assert loaded.description.startswith(SLDL_LOADED)

    exercise_update(
        coach=coach,
        exercise=sldl_copy,
        data={
            "stages": ladder_data(
                sldl_copy,
                o2={
                    "load_min": Decimal("15"),
                    "load_max": Decimal("25"),
                    "load_min_female": Decimal("30"),
                    "load_max_female": Decimal("40"),
                },
            )
        },
        partial=True,
    )

    loaded.refresh_from_db()
    assert loaded.description.startswith(
        "Hold a dumbbell or kettlebell. Start at 15–25 lb and build over the weeks toward "
        "30–40 lb for women or 35-45 lb for men."
    )
    assert loaded.load_range_for("female") == (Decimal("30"), Decimal("40"))


def test_bands_that_trade_places_are_each_quoted_once(coach, sldl_copy):
    # The general band becomes the women's old one, and theirs the men's old one.
    exercise_update(
        coach=coach,
        exercise=sldl_copy,
        data={
            "stages": ladder_data(
                sldl_copy,
                o2={
                    "load_min": Decimal("25"),
                    "load_max": Decimal("35"),
                    "load_min_female": Decimal("35"),
                    "load_max_female": Decimal("45"),
                    "load_min_male": Decimal("45"),
                    "load_max_male": Decimal("55"),
                },
            )
        },
        partial=True,
    )

    description = sldl_copy.stages.get(order=2).description
    assert "Start at 25–35 lb" in description
    assert "toward 35–45 lb for women or 45–55 lb for men." in description


def test_a_new_unit_is_quoted_with_the_same_figures(coach, sldl_copy):
    exercise_update(
        coach=coach,
        exercise=sldl_copy,
        data={"stages": ladder_data(sldl_copy, o2={"load_unit": "kg"})},
        partial=True,
    )

    description = sldl_copy.stages.get(order=2).description
    assert "Start at 10–20 kg" in description
    assert "toward 25–35 kg for women or 35–45 kg for men." in description


def test_a_cleared_band_and_other_texts_are_left_as_written(coach, sldl_copy):
    loaded = sldl_copy.stages.get(order=2)
    before = loaded.description
    exercise_update(
        coach=coach,
        exercise=sldl_copy,
        data={
            "stages": ladder_data(
                sldl_copy,
                o2={
                    "load_min_male": None,
                    "load_max_male": None,
                    "differs_note": "The material starts at 10-20 lb.",
                },
            )
        },
        partial=True,
    )

    loaded.refresh_from_db()
    assert loaded.description == before
    assert loaded.differs_note == "The material starts at 10-20 lb."


def test_the_api_and_the_page_show_the_description_of_the_new_band(api, coach, sldl_copy):
    rows = ladder_data(sldl_copy, o2={"load_min": "12.5", "load_max": "22.5"})
    for row in rows:
        row.pop("differs_note")

    response = api.patch(
        api_url(EXERCISES, sldl_copy.pk), {"stages": rows}, content_type="application/json"
    )

    assert response.status_code == 200, response.content
    assert "Start at 12.5–22.5 lb" in response.json()["stages"][1]["description"]
    page = text(api.get(reverse("exercise-detail", args=[sldl_copy.pk])))
    assert "Start at 12.5–22.5 lb and build" in page
    assert "12.5–22.5 lb, building to 25–35 lb (women)" in page


def test_reseeding_keeps_the_seeded_text(library):
    library_seed()
    assert (
        shared("single-leg-deadlift").stages.get(key="loaded").description.startswith(SLDL_LOADED)
    )
