"""The routine generator: each exercise progresses its own way, rows come and go, and what is
previewed is what is created, through the service, the API and the page."""

import re
from typing import Any

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from coach.errors import DomainError
from coach.models import Coach
from exercises.models import Exercise
from programs import services
from programs.models import Prescription, Program
from programs.services.generator import RoutinePlan, routine_plan
from tests.conftest import assert_error_shape
from tests.exercises.factories import ExerciseFactory, stage_of

pytestmark = pytest.mark.django_db

GENERATE = "/api/v1/programs/generate/"


@pytest.fixture
def four(coach: Coach) -> dict[str, Exercise]:
    """A hold, a rep exercise, a three-rung ladder and one repeated as it is."""
    return {
        "hold": ExerciseFactory.create(
            owner=coach, name="Wall hold", measurement=Exercise.Measurement.HOLD, stages=2
        ),
        "reps": ExerciseFactory.create(owner=coach, name="Step-up"),
        "ladder": ExerciseFactory.create(owner=coach, name="Single-leg deadlift", stages=3),
        "same": ExerciseFactory.create(owner=coach, name="Deadbug", stages=1),
    }


def four_ways(four: dict[str, Exercise]) -> list[dict[str, Any]]:
    return [
        {"exercise": four["hold"].pk, "hold_seconds": 30, "step": "hold", "step_amount": 15,
         "every_days": 7},
        {"exercise": four["reps"].pk, "reps_per_side": 5, "step": "reps", "step_amount": 2,
         "every_days": 3},
        {"exercise": four["ladder"].pk, "step": "stage", "step_amount": 1, "every_days": 5},
        {"exercise": four["same"].pk, "sets": 2, "step": "none"},
    ]  # fmt: skip


def by_day(program: Program, order: int, field: str) -> dict[int, Any]:
    rows = Prescription.objects.filter(day__program=program, order=order)
    return dict(rows.values_list("day__number", field))


def stored(program: Program) -> list[list[tuple[Any, ...]]]:
    """Every day's prescriptions as stored: exercise, stage and every dose field."""
    days: dict[int, list[tuple[Any, ...]]] = {}
    for p in Prescription.objects.filter(day__program=program).order_by("day__number", "order"):
        row = (p.exercise_id, p.stage_id, *(getattr(p, f) for f in services.PRESCRIPTION_FIELDS))
        days.setdefault(p.day.number, []).append(row)
    return [days[n] for n in sorted(days)]


def planned(plan: RoutinePlan) -> list[list[tuple[Any, ...]]]:
    """Every day's prescriptions of a plan, as `stored` reads them from the database."""
    return [
        [(p.exercise_id, p.stage_id, *(getattr(p, f) for f in services.PRESCRIPTION_FIELDS))
         for p in day]
        for day in plan.days
    ]  # fmt: skip


# --- the service -----------------------------------------------------------------------------


def test_each_exercise_progresses_its_own_way(coach, four):
    program = services.routine_generate(
        coach=coach, name="Four ways", items=four_ways(four), length_days=30
    )

    holds = by_day(program, 1, "hold_seconds")
    assert (holds[1], holds[7], holds[8], holds[15], holds[30]) == (30, 30, 45, 60, 90)
    assert set(by_day(program, 1, "reps_per_side").values()) == {None}
    reps = by_day(program, 2, "reps_per_side")
    assert (reps[1], reps[3], reps[4], reps[7], reps[30]) == (5, 5, 7, 9, 23)
    assert set(by_day(program, 2, "hold_seconds").values()) == {None}
    ladder = [stage_of(four["ladder"], n).pk for n in (1, 2, 3)]
    stages = by_day(program, 3, "stage")
    assert {stages[n] for n in range(1, 6)} == {ladder[0]}
    assert {stages[n] for n in range(6, 11)} == {ladder[1]}
    # Never past the last rung, however many steps remain.
    assert {stages[n] for n in range(11, 31)} == {ladder[2]}
    same = Prescription.objects.filter(day__program=program, order=4)
    assert {(p.stage_id, p.sets, p.hold_seconds, p.reps_per_side) for p in same} == {
        (None, 2, None, None)
    }


def test_exercises_without_their_own_step_follow_the_routine(coach, four):
    program = services.routine_generate(
        coach=coach,
        name="Mixed",
        items=[
            {"exercise": four["hold"].pk, "hold_seconds": 20},
            {"exercise": four["reps"].pk, "reps_per_side": 6, "step": "reps", "step_amount": 1},
            {"exercise": four["same"].pk, "every_days": 1},
        ],
        length_days=15,
        step="hold",
        step_amount=10,
        every_days=7,
    )

    holds = by_day(program, 1, "hold_seconds")
    assert (holds[1], holds[8], holds[15]) == (20, 30, 40)
    reps = by_day(program, 2, "reps_per_side")
    assert (reps[1], reps[8], reps[15]) == (6, 7, 8)
    # The routine's step, at the exercise's own pace: the stage's 10 s hold grows daily.
    assert by_day(program, 3, "hold_seconds")[1] is None
    assert (by_day(program, 3, "hold_seconds")[2], by_day(program, 3, "hold_seconds")[15]) == (
        20,
        150,
    )


@pytest.mark.parametrize(
    ("item", "field", "message"),
    [
        ({"step": "stage", "step_amount": 1}, "items.1.step", "has no stages to climb"),
        ({"step": "hold", "step_amount": 5}, "items.1.step", "has no hold to add to"),
        ({"step": "reps"}, "items.1.step_amount", "Give the amount"),
        ({"step": "reps", "step_amount": 1, "every_days": 0}, "items.1.every_days", "every day"),
        ({"step": "faster", "step_amount": 1}, "items.1.step", "Choose how"),
        ({"stage": 999_999}, "items.1.stage", "Choose a stage"),
    ],
)
def test_a_progression_that_does_not_fit_its_exercise_is_refused(coach, four, item, field, message):
    plain = ExerciseFactory.create(owner=coach, name="Box jump")  # no stages, counted in reps

    with pytest.raises(DomainError) as error:
        services.routine_generate(
            coach=coach,
            name="Bad",
            items=[{"exercise": four["hold"].pk}, {"exercise": plain.pk, **item}],
        )

    assert error.value.field == field
    assert message in error.value.message
    assert not Program.objects.exists()


def test_a_routine_default_that_does_not_fit_an_exercise_leaves_it_as_it_is(coach):
    # The routine's own step predates per-exercise steps: it skips what it cannot grow.
    plain = ExerciseFactory.create(owner=coach, name="Box jump")

    program = services.routine_generate(
        coach=coach, name="Old style", items=[{"exercise": plain.pk}], step="stage", step_amount=1
    )

    assert set(by_day(program, 1, "stage").values()) == {None}
    assert set(by_day(program, 1, "reps_per_side").values()) == {8}


def test_the_plan_is_exactly_what_is_created(coach, four):
    plan = routine_plan(coach=coach, items=four_ways(four), length_days=30)

    program = services.routine_generate(
        coach=coach, name="Same", items=four_ways(four), length_days=30
    )

    assert planned(plan) == stored(program)
    assert plan.length_days == 30
    assert routine_plan(coach=coach, items=four_ways(four)).digest() == plan.digest()
    different = four_ways(four)
    different[0]["step_amount"] = 10
    assert routine_plan(coach=coach, items=different).digest() != plan.digest()


# --- the API ---------------------------------------------------------------------------------


def post(api, data: dict[str, Any]):
    return api.post(GENERATE, data, content_type="application/json")


def test_the_api_takes_a_progression_per_exercise_and_previews_what_it_creates(api, coach, four):
    body = {"name": "Four ways", "length_days": 30, "items": four_ways(four)}

    preview = post(api, {**body, "preview": True})
    assert preview.status_code == 200, preview.json()
    assert not Program.objects.exists()
    created = post(api, body)

    assert created.status_code == 201, created.json()
    keys = ("exercise", "stage", *services.PRESCRIPTION_FIELDS)
    previewed = [
        [tuple(p[k] for k in keys) for p in day["prescriptions"]] for day in preview.json()["days"]
    ]
    made = [
        [tuple(p[k] for k in keys) for p in day["prescriptions"]] for day in created.json()["days"]
    ]
    assert previewed == made
    assert preview.json()["length_days"] == 30
    days = preview.json()["days"]
    assert [d["number"] for d in days] == list(range(1, 31))
    assert [p["exercise_name"] for p in days[29]["prescriptions"]] == [
        "Wall hold", "Step-up", "Single-leg deadlift", "Deadbug"
    ]  # fmt: skip
    assert days[29]["prescriptions"][0]["hold_seconds"] == 90
    assert days[29]["prescriptions"][1]["reps_per_side"] == 23
    assert days[29]["prescriptions"][2]["stage_order"] == 3


def test_the_api_refuses_a_bad_progression_with_the_rows_field(api, coach, four):
    plain = ExerciseFactory.create(owner=coach, name="Box jump")

    no_ladder = post(
        api,
        {
            "name": "Bad",
            "items": [
                {"exercise": four["hold"].pk},
                {"exercise": plain.pk, "step": "stage", "step_amount": 1},
            ],
        },
    )
    bad_choice = post(api, {"name": "Bad", "items": [{"exercise": plain.pk, "step": "sideways"}]})
    preview_too = post(
        api,
        {"name": "Bad", "preview": True, "items": [{"exercise": plain.pk, "step": "reps"}]},
    )

    assert no_ladder.status_code == 400
    assert_error_shape(no_ladder.json())
    assert "has no stages to climb" in no_ladder.json()["fields"]["items.1.step"][0]
    assert bad_choice.status_code == 400
    assert "not a valid choice" in bad_choice.json()["fields"]["items.0.step"][0]
    assert preview_too.status_code == 400
    assert "Give the amount" in preview_too.json()["fields"]["items.0.step_amount"][0]
    assert not Program.objects.exists()


def test_the_api_schema_documents_the_per_exercise_progression(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    item = schema["components"]["schemas"]["GenerateItem"]["properties"]
    assert {"step", "step_amount", "every_days"} <= set(item)
    assert "never past the last" in item["step"]["description"]
    generate = schema["paths"][GENERATE]["post"]["responses"]
    assert {"200", "201"} <= set(generate)


# --- the page --------------------------------------------------------------------------------


PAGE = "/programs/generate/"


def routine_fields(**overrides: Any) -> dict[str, Any]:
    return {"name": "Four ways", "length_days": 30, "intensity": "low", "goal": "", **overrides}


def rows(*items: dict[str, Any], total: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "items-TOTAL_FORMS": str(len(items) if total is None else total),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "12",
    }
    for index, item in enumerate(items):
        for key, value in item.items():
            data[f"items-{index}-{key}"] = value
    return data


def page_rows(four: dict[str, Exercise]) -> list[dict[str, Any]]:
    """The four exercises as the page's rows (stage by number, not id)."""
    return [{k: v for k, v in item.items() if v is not None} for item in four_ways(four)]


def row_values(html: str, field: str) -> list[str]:
    """The value of `field` in each row, in order, as the page shows it."""
    values = []
    for match in re.finditer(rf'<(input|select)[^>]*name="items-(\d+)-{field}"[^>]*>', html):
        if match.group(1) == "input":
            value = re.search(r'value="([^"]*)"', match.group(0))
            values.append(value.group(1) if value else "")
        else:
            rest = html[match.end() :]
            selected = re.search(
                r'<option value="([^"]*)"[^>]*selected', rest[: rest.index("</select>")]
            )
            values.append(selected.group(1) if selected else "")
    return values


def test_the_page_starts_with_one_row_and_a_button_to_add_more(coach_client):
    response = coach_client.get(PAGE)

    assertContains(response, 'id="items-0-title">Exercise <span data-row-number>1</span></h3>')
    assertNotContains(response, "data-row-number>2<")
    assertContains(response, "Add another exercise")
    assertContains(response, "Every step, add")
    assertContains(response, "Preview")
    assertNotContains(response, 'id="preview"')


def test_rows_are_added_and_removed_without_javascript_keeping_what_was_typed(coach_client, four):
    typed = page_rows(four)[:2]

    added = coach_client.post(PAGE, {**routine_fields(name="Kept"), **rows(*typed), "add": "1"})
    removed = coach_client.post(PAGE, {**routine_fields(), **rows(*typed), "remove": "0"})

    html = added.content.decode()
    assert row_values(html, "exercise") == [str(four["hold"].pk), str(four["reps"].pk), ""]
    assert row_values(html, "step") == ["hold", "reps", "none"]
    assert row_values(html, "step_amount") == ["15", "2", ""]
    assertContains(added, 'value="Kept"')
    assertContains(added, 'name="items-TOTAL_FORMS" value="3"')
    assertNotContains(added, "errorlist")
    assert not Program.objects.exists()
    html = removed.content.decode()
    assert row_values(html, "exercise") == [str(four["reps"].pk)]
    assert row_values(html, "every_days") == ["3"]
    assertContains(removed, 'name="items-TOTAL_FORMS" value="1"')


def test_a_thirteenth_row_is_refused_with_a_message(coach_client, four):
    twelve = [{"exercise": four["same"].pk, "step": "none"}] * 12

    more = coach_client.post(PAGE, {**routine_fields(), **rows(*twelve), "add": "1"}, follow=True)
    forged = coach_client.post(
        PAGE, {**routine_fields(), **rows(*twelve, {"exercise": four["same"].pk}, total=13)}
    )

    assertContains(more, "A day repeats at most 12 exercises. Remove one to add another.")
    assert len(row_values(more.content.decode(), "exercise")) == 12
    assertContains(forged, "A day repeats at most 12 exercises.")
    assert not Program.objects.exists()


def test_preview_shows_every_day_and_create_makes_exactly_that(coach_client, coach, four):
    data = {**routine_fields(), **rows(*page_rows(four))}

    preview = coach_client.post(PAGE, {**data, "preview": "1"})

    assert preview.status_code == 200
    assert not Program.objects.exists()
    assertContains(preview, "Preview: 30 days")
    html = preview.content.decode()
    table = html[html.index('class="preview-table"') :]
    assert table.count('<th scope="row">Day ') == 30
    for name in ("Wall hold", "Step-up", "Single-leg deadlift", "Deadbug"):
        assertContains(preview, f'<th scope="col">{name}</th>')
    day_30 = table[table.index("Day 30</th>") :]
    assert "hold 90 s" in day_30
    assert "23 per side" in day_30
    assert "Stage 3" in day_30
    digest = re.search(r'name="previewed" value="(\w+)"', html).group(1)  # type: ignore[union-attr]

    created = coach_client.post(PAGE, {**data, "previewed": digest}, follow=True)

    program = Program.objects.get(owner=coach, name="Four ways")
    assertRedirects(created, reverse("program-builder", args=[program.pk]))
    plan = routine_plan(coach=coach, items=four_ways(four), length_days=30)
    assert plan.digest() == digest
    assert stored(program) == planned(plan)


def test_create_after_a_change_shows_the_new_preview_instead(coach_client, four):
    data = {**routine_fields(), **rows(*page_rows(four))}
    preview = coach_client.post(PAGE, {**data, "preview": "1"})
    digest = re.search(r'name="previewed" value="(\w+)"', preview.content.decode()).group(1)  # type: ignore[union-attr]
    changed = {**data, "items-0-step_amount": "20"}

    response = coach_client.post(PAGE, {**changed, "previewed": digest})

    assert response.status_code == 200
    assertContains(response, "The routine changed since its preview.")
    assertContains(response, "Preview: 30 days")
    assert digest not in response.content.decode()
    assert not Program.objects.exists()


def test_bad_rows_are_shown_beside_their_field_with_what_was_typed(coach_client, coach, four):
    plain = ExerciseFactory.create(owner=coach, name="Box jump")
    typed = [
        {"exercise": four["hold"].pk, "hold_seconds": 30, "step": "hold", "step_amount": 15},
        {"exercise": plain.pk, "step": "stage", "step_amount": 1, "every_days": 4},
    ]

    response = coach_client.post(PAGE, {**routine_fields(name="Typed"), **rows(*typed)})

    assert response.status_code == 200
    html = response.content.decode()
    second = html[html.index("data-row-number>2<") :]
    step_field = second[: second.index("field-step_amount")]
    assert "has-error" in step_field
    assert "Box jump has no stages to climb: choose another progression." in step_field
    assert row_values(html, "every_days") == ["", "4"]
    assert row_values(html, "step") == ["hold", "stage"]
    assertContains(response, 'value="Typed"')
    assert not Program.objects.exists()


def test_a_missing_amount_is_shown_on_its_row(coach_client, four):
    typed = [{"exercise": four["reps"].pk, "step": "reps"}]

    response = coach_client.post(PAGE, {**routine_fields(), **rows(*typed), "preview": "1"})

    html = response.content.decode()
    amount = html[html.index("field-step_amount") :]
    assert "Give the amount added at each step." in amount[: amount.index("field-every_days")]
    assertNotContains(response, 'id="preview"')
