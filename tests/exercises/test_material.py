"""The library read next to the training material: each exercise names its articles, the figures
the product chose are marked "default" on the coach's pages (never on a client's), a rung that
departs from the material says so, and a coach's own values replace the defaults."""

import re
from datetime import date
from html import unescape

import pytest
import time_machine
from django.urls import reverse

from exercises.forms import stage_initial
from exercises.services import exercise_copy, exercise_update
from programs import services as program_services
from tests.coach.factories import ClientFactory
from tests.exercises.factories import shared

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]


def text_of(html: str) -> str:
    """The words of a piece of page as a person reads them."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    return unescape(re.sub(r" ([;,.!?])", r"\1", text))


def rung_html(html: str, order: int) -> str:
    """The part of the exercise page about one rung of the ladder."""
    rungs = re.findall(r'<li class="rung">.*?</li>', html, re.S)
    return rungs[order - 1]


def marks_in(html: str) -> list[str]:
    """The tooltips of the "default" marks in a piece of page."""
    return [
        unescape(title)
        for title in re.findall(r'class="badge badge-soft default-mark" title="([^"]*)"', html)
    ]


def detail(coach_client, exercise) -> str:
    response = coach_client.get(reverse("exercise-detail", args=[exercise.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_exercise_page_names_the_articles_its_facts_come_from(coach_client):
    page = text_of(detail(coach_client, shared("single-leg-deadlift")))
    assert (
        "From the training material: Restore: the hips program; Back leg training: 4 "
        "recommended single leg movements!" in page
    )


def test_the_wall_hold_sets_up_on_both_feet_then_doses_each_side(coach_client):
    html = detail(coach_client, shared("wall-single-leg-hold"))

    set_up, minute = text_of(rung_html(html, 1)), text_of(rung_html(html, 2))

    assert "Stage 1: Two-foot set-up" in set_up
    assert "Sides Both legs together" in set_up
    assert "Dose 1 set, hold 60 s " in set_up + " "
    assert "per side" not in set_up
    assert "Stage 2: Single-leg hold, 1 minute" in minute
    assert "Dose 1 set, hold 60 s per side" in minute


def test_figures_the_material_does_not_give_are_marked_as_defaults(coach_client):
    html = detail(coach_client, shared("wall-single-leg-hold"))

    # The minute on both feet is the material's; how many sessions show it is mastered is not.
    set_up = rung_html(html, 1)
    assert [m for m in marks_in(set_up) if "hold" in m.split(":")[0]] == []
    assert any("sessions in a row" in m for m in marks_in(set_up))
    # The first single-leg minute is the product's choice.
    minute = rung_html(html, 2)
    assert any(m.startswith("Product default (hold and rest)") for m in marks_in(minute))
    # The 2-minute rung is a step of the product's, and says where it departs.
    two = rung_html(html, 3)
    assert "A step of this product's" in " ".join(marks_in(two))
    assert "Differs from the material" in text_of(two)


def test_the_single_leg_deadlift_bands_are_the_materials_and_its_dose_is_ours(coach_client):
    loaded = rung_html(detail(coach_client, shared("single-leg-deadlift")), 2)
    facts = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", loaded, re.S))

    assert marks_in(facts["Load"]) == []
    assert "10–20 lb, building to 25–35 lb (women) / 35–45 lb (men)" in facts["Load"]
    assert marks_in(facts["Dose"]) == [
        "Product default (sets, reps and rest): the training material gives no figure here. "
        "Your own values replace it."
    ]


def test_a_rung_that_departs_from_the_material_says_so(coach_client):
    html = detail(coach_client, shared("leg-lowering"))
    straight = text_of(rung_html(html, 3))
    assert "Differs from the material" in straight
    assert "lets the knee bend" in straight


def test_a_coachs_copy_keeps_the_marks_until_the_coach_gives_values_of_their_own(
    coach_client, coach
):
    copy = exercise_copy(coach=coach, exercise=shared("single-leg-deadlift"))
    loaded = copy.stages.get(order=2)
    assert loaded.defaults == shared("single-leg-deadlift").stages.get(order=2).defaults

    # when the coach sets their own sets on the loaded rung (and keeps the rest)
    stages = stage_initial(copy)
    stages[1]["sets"] = 4
    exercise_update(coach=coach, exercise=copy, data={"stages": stages})

    # then sets are theirs; reps and rest are still the product's
    loaded.refresh_from_db()
    assert loaded.sets == 4
    assert "sets" not in loaded.defaults
    assert {"reps_per_side", "rest_seconds"} <= set(loaded.defaults)
    dose = dict(
        re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", rung_html(detail(coach_client, copy), 2), re.S)
    )["Dose"]
    assert marks_in(dose) == [
        "Product default (reps and rest): the training material gives no figure here. "
        "Your own values replace it."
    ]


def test_the_stage_form_offers_the_sides_and_marks_the_defaults(coach_client, coach):
    copy = exercise_copy(coach=coach, exercise=shared("wall-single-leg-hold"))

    html = coach_client.get(reverse("exercise-edit", args=[copy.pk])).content.decode()

    first = re.search(r'<li class="stage-form card" data-stage-form>.*?</li>', html, re.S)
    assert first is not None
    assert '<option value="bilateral" selected>Bilateral</option>' in first.group(0)
    assert "As the exercise" in first.group(0)
    assert any("Sessions in a row" in m for m in marks_in(first.group(0)))


def test_a_rung_done_on_both_feet_can_be_set_on_a_coachs_own_exercise(coach_client, coach):
    copy = exercise_copy(coach=coach, exercise=shared("single-leg-balance-hold"))
    stages = stage_initial(copy)
    stages[0]["laterality"] = "bilateral"

    exercise_update(coach=coach, exercise=copy, data={"stages": stages})

    first = copy.stages.get(order=1)
    assert first.laterality == "bilateral"
    assert "per side" not in text_of(rung_html(detail(coach_client, copy), 1))


@time_machine.travel("2027-03-12 12:00:00+00:00", tick=False)
def test_a_client_never_sees_the_default_marks(client, coach):
    # given a client on the wall hold (rung 2: a product-default hold) and its starter-like day
    hold = shared("wall-single-leg-hold")
    program = program_services.routine_generate(
        coach=coach, name="Wall", items=[{"exercise": hold.pk}], length_days=7
    )
    person = ClientFactory.create(coach=coach, with_login=True, time_zone="UTC")
    program_services.assignment_create_bulk(
        coach=coach,
        template=program,
        clients=[person],
        starts_on=date(2027, 3, 12),
        starting_stages={hold.pk: hold.stages.get(order=2).pk},
    )
    assert person.user is not None
    client.force_login(person.user)

    # when the client opens Today
    html = client.get("/me/").content.decode()

    # then the dose is there, and no mark
    assert "hold 60 s per side" in text_of(html)
    assert "default-mark" not in html
    assert "Product default" not in html
