"""The routine generator in a real browser: rows added and removed with the keyboard, a different
progression for each exercise, the whole routine previewed, then created as previewed."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from exercises.models import Exercise
from programs.models import Prescription, Program
from tests.coach.factories import CoachFactory
from tests.e2e.conftest import Screenshot, log_in
from tests.exercises.factories import ExerciseFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The live server has no collected static files; it serves them from the finders instead.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

ROUTINE = "Three weeks, four ways"


def label(text: str) -> re.Pattern[str]:
    """A form label as Django renders it, with or without its ":" suffix."""
    return re.compile(rf"^{re.escape(text)}:?$")


def row(page: Page, number: int) -> Locator:
    return page.locator("#generator-rows > li").nth(number - 1)


def fill_row(page: Page, number: int, exercise: str, step: str, amount: str = "") -> None:
    fields = row(page, number)
    fields.get_by_label(label("Exercise")).select_option(label=exercise)
    fields.get_by_label(label("Every step, add")).select_option(label=step)
    if amount:
        fields.get_by_label(label("Amount")).fill(amount)


def preview_cell(page: Page, day: int, column: int) -> Locator:
    return page.locator(".preview-table tbody tr").nth(day - 1).locator("td").nth(column - 1)


def test_rows_progressions_preview_and_create(page: Page, screenshot: Screenshot):
    coach = CoachFactory.create(user__email="rows@example.org")
    ExerciseFactory.create(
        owner=coach, name="Wall hold", measurement=Exercise.Measurement.HOLD, stages=2
    )
    ExerciseFactory.create(owner=coach, name="Step-up")
    ExerciseFactory.create(owner=coach, name="Single-leg deadlift", stages=3)
    ExerciseFactory.create(owner=coach, name="Deadbug", stages=1)
    log_in(page, "rows@example.org")
    page.goto("/programs/generate/")
    page.get_by_label(label("Name")).fill(ROUTINE)
    page.get_by_label(label("Days")).fill("21")
    rows = page.locator("#generator-rows > li")
    status = page.locator("#generator-status")
    expect(rows).to_have_count(1)

    # Add four rows from the keyboard: each new row's exercise gets the focus.
    add = page.get_by_role("button", name="Add another exercise")
    for count in (2, 3, 4, 5):
        add.focus()
        page.keyboard.press("Enter")
        expect(rows).to_have_count(count)
        expect(row(page, count).get_by_label(label("Exercise"))).to_be_focused()
        expect(status).to_have_text(f"Exercise {count} added.")
    expect(row(page, 5).get_by_role("heading")).to_have_text("Exercise 5")

    fill_row(page, 1, "Wall hold", "seconds of hold", "15")
    row(page, 1).get_by_label(label("Hold (s)")).fill("30")
    fill_row(page, 2, "Deadbug", "nothing (repeat as is)")
    fill_row(page, 3, "Step-up", "reps per side", "2")
    row(page, 3).get_by_label(label("Reps per side")).fill("5")
    row(page, 3).get_by_label(label("Step every (days)")).fill("3")
    fill_row(page, 4, "Single-leg deadlift", "stages (up the ladder)", "1")
    row(page, 4).get_by_label(label("Step every (days)")).fill("5")

    # Remove row 2 with the keyboard: the rows after it move up and the focus follows.
    row(page, 2).get_by_role("button", name="Remove exercise 2").press("Enter")
    expect(rows).to_have_count(4)
    expect(status).to_have_text("Exercise 2 removed. 4 left.")
    expect(row(page, 2).get_by_label(label("Exercise"))).to_be_focused()
    expect(row(page, 2).get_by_role("heading")).to_have_text("Exercise 2")
    expect(row(page, 2).get_by_label(label("Exercise"))).to_have_value(
        str(Exercise.objects.get(name="Step-up").pk)
    )
    fill_row(page, 4, "Deadbug", "nothing (repeat as is)")
    screenshot(page, "generator-01-rows")

    page.get_by_role("button", name="Preview", exact=True).click()

    expect(page).to_have_url(re.compile(r"/programs/generate/#preview$"))
    expect(page.get_by_role("heading", name="Preview: 21 days")).to_be_visible()
    expect(page.locator(".preview-table thead th")).to_have_text(
        ["Day", "Wall hold", "Step-up", "Single-leg deadlift", "Deadbug"]
    )
    expect(page.locator(".preview-table tbody tr")).to_have_count(21)
    expect(preview_cell(page, 1, 1)).to_contain_text("hold 30 s")
    expect(preview_cell(page, 8, 1)).to_contain_text("hold 45 s")
    expect(preview_cell(page, 8, 1)).to_have_class("changed")
    expect(preview_cell(page, 4, 2)).to_contain_text("7 per side")
    expect(preview_cell(page, 21, 2)).to_contain_text("17 per side")
    expect(preview_cell(page, 5, 3)).to_contain_text("Stage 1")
    expect(preview_cell(page, 6, 3)).to_contain_text("Stage 2")
    expect(preview_cell(page, 21, 3)).to_contain_text("Stage 3")
    expect(preview_cell(page, 21, 4)).to_have_text(preview_cell(page, 1, 4).inner_text())
    # What was typed is still there, row by row.
    expect(rows).to_have_count(4)
    expect(row(page, 2).get_by_label(label("Step every (days)"))).to_have_value("3")
    assert not Program.objects.exists()
    screenshot(page, "generator-02-preview")

    page.get_by_role("button", name="Generate routine").click()

    expect(page).to_have_url(re.compile(r"/programs/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(ROUTINE)
    program = Program.objects.get(owner=coach, name=ROUTINE)
    assert program.days.count() == 21
    day_21 = Prescription.objects.filter(day__program=program, day__number=21).order_by("order")
    assert [p.exercise.name for p in day_21] == [
        "Wall hold", "Step-up", "Single-leg deadlift", "Deadbug"
    ]  # fmt: skip
    assert (day_21[0].hold_seconds, day_21[1].reps_per_side, day_21[2].stage.order) == (60, 17, 3)  # type: ignore[union-attr]


def test_the_thirteenth_row_is_refused_with_a_message(page: Page):
    CoachFactory.create(user__email="many@example.org")
    log_in(page, "many@example.org")
    page.goto("/programs/generate/")
    add = page.get_by_role("button", name="Add another exercise")

    for _ in range(11):
        add.click()
    expect(page.locator("#generator-rows > li")).to_have_count(12)
    add.click()

    expect(page.locator("#generator-rows > li")).to_have_count(12)
    expect(page.locator("#generator-status")).to_have_text(
        "A day repeats at most 12 exercises. Remove one to add another."
    )


def test_enter_in_a_field_previews_and_removes_no_row(page: Page):
    coach = CoachFactory.create(user__email="enter@example.org")
    ExerciseFactory.create(owner=coach, name="Step-up")
    log_in(page, "enter@example.org")
    page.goto("/programs/generate/")
    row(page, 1).get_by_label(label("Exercise")).select_option(label="Step-up")
    page.get_by_role("button", name="Add another exercise").click()

    page.get_by_label(label("Days")).fill("10")
    page.get_by_label(label("Days")).press("Enter")

    expect(page.get_by_role("heading", name="Preview: 10 days")).to_be_visible()
    expect(page.locator("#generator-rows > li")).to_have_count(2)
    expect(row(page, 1).get_by_label(label("Exercise"))).to_have_value(
        str(Exercise.objects.get(name="Step-up").pk)
    )
    assert not Program.objects.exists()
