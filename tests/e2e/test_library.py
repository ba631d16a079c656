"""The exercise library in a real browser: find the single-leg deadlift, copy it, add a fourth
rung inline, and reorder rungs with the arrow buttons."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from exercises.models import Exercise
from exercises.services import exercise_create, library_seed
from tests.coach.factories import CoachFactory
from tests.e2e.conftest import SCREENSHOT_DIR, Screenshot, log_in
from tests.exercises.factories import exercise_data, stage_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The live server has no collected static files; it serves them from the finders instead.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

NEW_STAGE = "Deficit, heaviest controlled load"


def rung_titles(page: Page) -> Locator:
    return page.locator("ol.ladder > li.rung h3")


def stage_forms(page: Page) -> Locator:
    return page.locator("#stage-forms > [data-stage-form]")


def field(stage: Locator, name: str) -> Locator:
    return stage.locator(f"[name$='-{name}']")


def test_copy_the_single_leg_deadlift_and_add_a_fourth_stage(page: Page, screenshot: Screenshot):
    library_seed()
    coach = CoachFactory.create(user__email="sldl@example.org")
    log_in(page, "sldl@example.org")

    # Search the library.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    expect(page.get_by_role("heading", name="Exercise library")).to_be_visible()
    page.get_by_role("searchbox", name="Search").fill("single-leg deadlift")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"\?.*q=single-leg\+deadlift"))
    cards = page.locator(".exercise-card")
    expect(cards.filter(has_text="Single-leg deadlift")).to_have_count(1)
    expect(cards.filter(has_text="Squat")).to_have_count(0)
    screenshot(page, "library-01-search")

    # Open it: the shared ladder with its load bands.
    page.get_by_role("link", name="Single-leg deadlift", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Single-leg deadlift")
    expect(rung_titles(page)).to_have_text(
        [
            "Stage 1: Supported, unloaded",
            "Stage 2: Loaded",
            "Stage 3: Free-standing, heaviest controlled load",
        ]
    )
    expect(page.locator(".ladder")).to_contain_text("25–35 lb (women)")
    expect(page.locator(".ladder")).to_contain_text("35–45 lb (men)")
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    screenshot(page, "library-02-detail-shared")

    # Copy it to the coach's own library: the edit page of the copy opens.
    page.get_by_role("button", name="Copy to my library").click()
    expect(page).to_have_url(re.compile(r"/exercises/\d+/edit/$"))
    expect(page.get_by_role("status")).to_contain_text("is now in your library")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Single-leg deadlift (mine)")
    expect(stage_forms(page)).to_have_count(3)
    page.screenshot(path=SCREENSHOT_DIR / "library-03-edit-copy-top.png")
    copy = Exercise.objects.get(owner=coach)
    assert copy.copied_from is not None

    # Add a fourth rung inline.
    page.get_by_role("button", name="Add stage").click()
    expect(stage_forms(page)).to_have_count(4)
    fourth = stage_forms(page).nth(3)
    expect(fourth.locator("[data-stage-number]")).to_have_text("4")
    expect(field(fourth, "name")).to_be_focused()
    field(fourth, "name").fill(NEW_STAGE)
    field(fourth, "description").fill("Stand on a low step to deepen the hinge.")
    field(fourth, "sets").fill("3")
    field(fourth, "reps_per_side").fill("5")
    field(fourth, "load_unit").select_option("lb")
    field(fourth, "load_min").fill("40")
    field(fourth, "load_max").fill("55")
    screenshot(page, "library-03-edit-new-stage")
    # A close-up of the new rung's form: the full page is too tall to judge the layout.
    fourth.screenshot(path=SCREENSHOT_DIR / "library-03-edit-new-stage-closeup.png")
    page.get_by_role("button", name="Save exercise").click()

    # The detail page shows the four rungs in order.
    expect(page).to_have_url(re.compile(rf"/exercises/{copy.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("The exercise was saved.")
    expect(rung_titles(page)).to_have_text(
        [
            "Stage 1: Supported, unloaded",
            "Stage 2: Loaded",
            "Stage 3: Free-standing, heaviest controlled load",
            f"Stage 4: {NEW_STAGE}",
        ]
    )
    fourth_rung = page.locator("ol.ladder > li.rung").nth(3)
    expect(fourth_rung).to_contain_text("40–55 lb")
    expect(fourth_rung).to_contain_text("3 sets × 5 per side")
    expect(page.locator(".badge-own")).to_be_visible()
    screenshot(page, "library-04-detail-four-rungs")

    # The shared original is unchanged.
    original = Exercise.objects.get(owner=None, slug="single-leg-deadlift")
    assert original.stages.count() == 3
    assert list(copy.stages.values_list("name", flat=True))[-1] == NEW_STAGE


def test_reorder_rungs_with_the_arrow_buttons(page: Page, screenshot: Screenshot):
    coach = CoachFactory.create(user__email="ladder@example.org")
    exercise = exercise_create(
        coach=coach,
        data=exercise_data(
            "Step down",
            stages=[stage_data("Low box"), stage_data("Middle box"), stage_data("High box")],
        ),
    )
    log_in(page, "ladder@example.org")

    page.goto(f"/exercises/{exercise.pk}/edit/")
    forms = stage_forms(page)
    expect(forms).to_have_count(3)
    # Without JavaScript the order is typed in; with it, the arrows replace that field.
    expect(page.locator(".stage-order").first).to_be_hidden()

    # Move "High box" up once: it becomes the second rung, and the numbers follow.
    forms.nth(2).get_by_role("button", name="Move stage up").click()
    expect(field(forms.nth(1), "name")).to_have_value("High box")
    expect(forms.locator("[data-stage-number]")).to_have_text(["1", "2", "3"])
    # Moving the first rung up does nothing.
    forms.nth(0).get_by_role("button", name="Move stage up").click()
    expect(field(forms.nth(0), "name")).to_have_value("Low box")
    screenshot(page, "library-05-reorder")
    forms.nth(1).screenshot(path=SCREENSHOT_DIR / "library-05-reorder-closeup.png")
    page.get_by_role("button", name="Save exercise").click()

    expect(page).to_have_url(re.compile(rf"/exercises/{exercise.pk}/$"))
    expect(rung_titles(page)).to_have_text(
        ["Stage 1: Low box", "Stage 2: High box", "Stage 3: Middle box"]
    )
    screenshot(page, "library-06-detail-reordered")

    # Down works too, and removing a rung drops it.
    page.get_by_role("link", name="Edit").click()
    forms.nth(0).get_by_role("button", name="Move stage down").click()
    expect(field(forms.nth(1), "name")).to_have_value("Low box")
    forms.nth(2).get_by_text("Remove").click()
    # A rung added by mistake and left empty is simply dropped.
    page.get_by_role("button", name="Add stage").click()
    expect(forms).to_have_count(4)
    page.get_by_role("button", name="Save exercise").click()
    expect(rung_titles(page)).to_have_text(["Stage 1: High box", "Stage 2: Low box"])
    assert list(exercise.stages.order_by("order").values_list("name", flat=True)) == [
        "High box",
        "Low box",
    ]
