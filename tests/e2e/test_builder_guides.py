"""The builder in a real browser: a visible "Saved" after each change, errors beside the field
that caused them, copies that ask before replacing, a stage's dose shown and overridden, parts
that update without a page load, focus that follows moves and removals, a jump control, and
targets big enough for a thumb on a phone."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Dialog, Locator, Page, expect

from coach.models import Coach
from exercises.models import Exercise
from programs import services
from programs.models import Block, Day, Prescription, Program
from tests.coach.factories import CoachFactory
from tests.e2e.conftest import PHONE, NewPage, log_in
from tests.exercises.factories import ExerciseFactory, StageFactory
from tests.programs.factories import add, day, plan, routine

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The live server has no collected static files; it serves them from the finders instead.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

EMAIL = "builder@example.org"


def coach_with_lunge() -> tuple[Coach, Exercise]:
    """A coach and their lunge: rung 1 is 3 × 10 (rest 60 s, 10–20 lb); rung 2 is 4 × 8."""
    coach = CoachFactory.create(user__email=EMAIL)
    lunge = ExerciseFactory.create(
        owner=coach, name="Lunge", measurement=Exercise.Measurement.REPS_LOAD
    )
    StageFactory.create(
        exercise=lunge, order=1, name="Bodyweight", sets=3, reps_per_side=10,
        rest_seconds=60, load_min=Decimal(10), load_max=Decimal(20), load_unit="lb",
    )  # fmt: skip
    StageFactory.create(
        exercise=lunge, order=2, name="Loaded", sets=4, reps_per_side=8, rest_seconds=90
    )
    return coach, lunge


def open_builder(page: Page, program: Program) -> None:
    log_in(page, EMAIL)
    page.goto(f"/programs/{program.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(program.name)
    page.evaluate("window.stillTheSamePage = true")


def card(page: Page, number: int) -> Locator:
    return page.locator(f"#day-{number}")


def field(page: Page, number: int, name: str) -> Locator:
    """The first exercise's `name` field of day `number`."""
    return card(page, number).locator(f"[data-field='{name}']").first


def status(page: Page) -> Locator:
    return page.locator("#builder-status")


def names(page: Page, number: int) -> Locator:
    return card(page, number).locator(".prescription-name a")


def still_the_same_page(page: Page) -> bool:
    return page.evaluate("window.stillTheSamePage === true")


def test_each_save_shows_saved_and_an_error_sits_beside_its_field(page: Page):
    coach, lunge = coach_with_lunge()
    program = routine(coach, length_days=3, name="Lunge days")
    prescription = add(coach, program, 1, lunge)
    open_builder(page, program)

    sets = field(page, 1, "sets")
    sets.fill("5")
    sets.press("Tab")
    expect(status(page)).to_have_text("Saved.")
    expect(status(page)).to_be_visible()
    prescription.refresh_from_db()
    assert prescription.sets == 5

    # A value the API refuses: the message is under the field, names it, and is tied to it.
    sets.fill("-2")
    sets.press("Tab")
    error = card(page, 1).locator("label:has([data-field='sets']) + .field-error")
    expect(error).to_have_text("Sets: Ensure this value is greater than or equal to 0.")
    expect(sets).to_have_attribute("aria-invalid", "true")
    error_id = error.get_attribute("id")
    assert error_id
    expect(sets).to_have_attribute("aria-describedby", re.compile(rf"\b{error_id}\b"))
    expect(status(page)).to_have_text(re.compile(r"^Not saved\. Sets: "))
    prescription.refresh_from_db()
    assert prescription.sets == 5

    sets.fill("4")
    sets.press("Tab")
    expect(status(page)).to_have_text("Saved.")
    expect(card(page, 1).locator(".field-error")).to_have_count(0)
    expect(sets).not_to_have_attribute("aria-invalid", "true")

    # An overlapping block is refused beside the field to change, and nothing is added.
    blocks = page.locator("#blocks-card")
    blocks.get_by_label("Name").fill("Base")
    blocks.get_by_label("From day").fill("1")
    blocks.get_by_label("to", exact=True).fill("2")
    blocks.get_by_role("button", name="Add block").click()
    expect(blocks.locator(".block")).to_have_text([re.compile(r"Base · Stability · days 1–2")])
    blocks = page.locator("#blocks-card")
    blocks.get_by_label("Name").fill("Peak")
    blocks.get_by_label("From day").fill("2")
    blocks.get_by_label("to", exact=True).fill("3")
    blocks.get_by_role("button", name="Add block").click()
    start_error = blocks.locator("label:has([name='start']) + .field-error")
    expect(start_error).to_have_text(
        "From day: This block (days 2–3) overlaps “Base” (days 1–2). Blocks do not share a day: "
        "start this one after day 2, end it before day 1, or change “Base” first."
    )
    expect(blocks.get_by_label("From day")).to_have_attribute("aria-invalid", "true")
    assert list(Block.objects.filter(program=program).values_list("name", flat=True)) == ["Base"]
    assert still_the_same_page(page)


def test_a_picked_stage_shows_its_dose_which_the_coach_overrides_field_by_field(page: Page):
    coach, lunge = coach_with_lunge()
    program = routine(coach, length_days=1, name="One lunge day")
    prescription = add(coach, program, 1, lunge)
    open_builder(page, program)
    expect(field(page, 1, "sets")).to_have_attribute("placeholder", "3")
    expect(field(page, 1, "load")).to_have_attribute("placeholder", "10–20")

    field(page, 1, "stage").select_option(label="2. Loaded")

    expect(field(page, 1, "sets")).to_have_attribute("placeholder", "4")
    expect(field(page, 1, "reps_per_side")).to_have_attribute("placeholder", "8")
    expect(field(page, 1, "rest_seconds")).to_have_attribute("placeholder", "90")
    expect(field(page, 1, "load")).not_to_have_attribute("placeholder", re.compile("."))
    for name in ("sets", "reps_per_side", "rest_seconds"):
        expect(field(page, 1, name)).to_have_value("")
    shown = card(page, 1).locator(".stage-dose")
    expect(shown).to_contain_text("Empty fields come from stage 2: 4 sets × 8 per side, rest 90 s")
    expect(status(page)).to_have_text(
        re.compile(r"^Saved\. Empty fields come from stage 2: 4 sets × 8 per side, rest 90 s")
    )
    # The day was drawn again; the stage's control keeps the focus.
    expect(field(page, 1, "stage")).to_be_focused()

    # The coach sets the sets; the reps and rest still come from the stage.
    field(page, 1, "sets").fill("2")
    field(page, 1, "sets").press("Tab")
    expect(status(page)).to_have_text("Saved.")
    prescription.refresh_from_db()
    loaded = lunge.stages.get(order=2)
    assert (prescription.stage_id, prescription.sets, prescription.reps_per_side) == (
        loaded.pk,
        2,
        None,
    )

    # Emptied, the field follows the stage again.
    field(page, 1, "sets").fill("")
    field(page, 1, "sets").press("Tab")
    expect(status(page)).to_have_text("Saved. Sets: from the stage (4).")
    prescription.refresh_from_db()
    assert prescription.sets is None
    assert still_the_same_page(page)


def test_copies_ask_before_replacing_and_update_the_page_in_place(page: Page):
    coach, lunge = coach_with_lunge()
    plank = ExerciseFactory.create(owner=coach, name="Plank", measurement="hold")
    program = plan(coach, weeks=3, weekdays=[0, 3], name="Three weeks")
    add(coach, program, 1, lunge)
    add(coach, program, 3, plank)
    open_builder(page, program)
    asked: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    # Day 3 holds the plank: the copy asks first, and "Cancel" leaves everything as it was.
    page.once("dialog", dismiss)
    card(page, 1).get_by_label("Copy to days").fill("2-3")
    card(page, 1).get_by_role("button", name="Copy", exact=True).click()
    expect(status(page)).to_have_text("Nothing was copied.")
    assert asked == ["Day 3 already holds exercises. Copying day 1 replaces them. Copy anyway?"]
    expect(names(page, 3)).to_have_text(["Plank"])
    expect(names(page, 2)).to_have_count(0)

    def accept(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    card(page, 1).get_by_role("button", name="Copy", exact=True).click()
    expect(status(page)).to_have_text("Saved. Day 1 copied to days 2 and 3.")
    expect(names(page, 2)).to_have_text(["Lunge"])
    expect(names(page, 3)).to_have_text(["Lunge"])
    assert len(asked) == 2

    # Week 3 is empty: copied onto as a lighter week without a question.
    page.on("dialog", accept)
    copy_week = page.locator("[data-copy-week]")
    copy_week.get_by_label("Week", exact=True).fill("1")
    copy_week.get_by_label("onto week").fill("3")
    copy_week.get_by_label("as a lighter week (deload)").check()
    copy_week.get_by_role("button", name="Copy week").click()
    expect(status(page)).to_have_text("Saved. Week 1 copied onto week 3 as a lighter week.")
    assert len(asked) == 2
    expect(field(page, 5, "sets")).to_have_value("2")  # 60 % of the stage's 3 sets
    expect(field(page, 5, "load")).to_have_value("10.0")  # the low end of its band
    expect(page.get_by_label("Intensity of day 5")).to_have_value("low")
    assert list(
        Prescription.objects.filter(day__program=program, day__number=5).values_list(
            "sets", flat=True
        )
    ) == [2]
    assert day(program, 5).intensity == Day.Intensity.LOW

    # A block shows in its week's heading at once, and goes again when removed.
    blocks = page.locator("#blocks-card")
    blocks.get_by_label("Name").fill("Easy week")
    blocks.get_by_label("Focus").select_option(label="Deload")
    blocks.get_by_label("From week").fill("3")
    blocks.get_by_label("to", exact=True).fill("3")
    blocks.get_by_role("button", name="Add block").click()
    expect(page.locator("#week-3")).to_have_text(re.compile(r"^Week 3\s+· Easy week \(Deload\)$"))
    expect(page.locator("#week-2")).to_have_text("Week 2")
    expect(page.locator("#jump-to option[value='week-3']")).to_have_text("Week 3 · Easy week")
    new_block = page.locator("#blocks-card .block")
    expect(new_block).to_be_focused()
    page.once("dialog", accept)
    page.get_by_role("button", name="Remove block Easy week").click()
    expect(page.locator("#week-3")).to_have_text("Week 3")
    expect(page.locator("#blocks-card .block")).to_have_count(0)
    expect(page.get_by_role("heading", name="Blocks")).to_be_focused()
    assert not Block.objects.filter(program=program).exists()
    assert still_the_same_page(page)


def test_focus_follows_moves_and_removals_and_the_jump_control_moves_it(page: Page):
    coach, lunge = coach_with_lunge()
    bridge = ExerciseFactory.create(owner=coach, name="Bridge")
    plank = ExerciseFactory.create(owner=coach, name="Plank", measurement="hold")
    program = plan(coach, weeks=2, weekdays=[1, 4], name="Focus plan")
    for exercise in (lunge, bridge, plank):
        add(coach, program, 1, exercise)
    open_builder(page, program)
    page.on("dialog", lambda dialog: dialog.accept())

    # Moved with the keyboard, the exercise keeps the focus and can move on.
    page.get_by_role("button", name="Move Bridge up").focus()
    page.keyboard.press("Enter")
    expect(names(page, 1)).to_have_text(["Bridge", "Lunge", "Plank"])
    expect(page.get_by_role("button", name="Move Bridge up")).to_be_focused()
    page.get_by_role("button", name="Move Lunge down").focus()
    page.keyboard.press("Enter")
    expect(names(page, 1)).to_have_text(["Bridge", "Plank", "Lunge"])
    expect(page.get_by_role("button", name="Move Lunge down")).to_be_focused()

    # Removed: the next exercise takes the focus, else the one before, else the day's heading.
    page.get_by_role("button", name="Remove Plank").focus()
    page.keyboard.press("Enter")
    expect(status(page)).to_have_text("Plank removed from day 1.")
    expect(names(page, 1)).to_have_text(["Bridge", "Lunge"])
    expect(names(page, 1).filter(has_text="Lunge")).to_be_focused()
    page.get_by_role("button", name="Remove Lunge").click()
    expect(status(page)).to_have_text("Lunge removed from day 1.")
    expect(names(page, 1)).to_have_text(["Bridge"])
    expect(names(page, 1).filter(has_text="Bridge")).to_be_focused()
    page.get_by_role("button", name="Remove Bridge").click()
    expect(status(page)).to_have_text("Bridge removed from day 1.")
    expect(names(page, 1)).to_have_count(0)
    expect(page.get_by_role("heading", name=re.compile(r"^Day 1\b"))).to_be_focused()
    assert not Prescription.objects.filter(day__program=program).exists()

    # Jump to a day and to a week: the heading takes the focus.
    jump = page.get_by_label("Jump to", exact=True)
    jump.select_option(label="Day 4 · Friday")
    page.get_by_role("button", name="Go", exact=True).click()
    expect(page.locator("#day-4-heading")).to_be_focused()
    expect(page.locator("#day-4-heading")).to_be_in_viewport()
    jump.select_option(label="Week 1")
    page.get_by_role("button", name="Go", exact=True).click()
    expect(page.get_by_role("heading", name="Week 1", exact=True)).to_be_focused()
    assert still_the_same_page(page)


SMALL_TARGETS = """
() => Array.from(document.querySelectorAll(
  "#builder button, #builder input:not([type=checkbox]):not([type=hidden]), #builder select, "
  + "#builder textarea, #builder summary, #builder .inline-check, #builder .prescription-name a"
)).filter((el) => el.offsetParent !== null).map((el) => {
  const box = el.getBoundingClientRect();
  return { what: el.outerHTML.slice(0, 80), width: box.width, height: box.height };
}).filter((box) => box.height < 44 || box.width < 44)
"""


def test_on_a_phone_the_builders_targets_are_44_px_and_the_navigation_is_one_line(
    new_page: NewPage,
):
    coach, lunge = coach_with_lunge()
    program = plan(coach, weeks=2, weekdays=[0], name="Phone plan")
    add(coach, program, 1, lunge, tempo="3-1-1-0")
    services.block_create(coach=coach, program=program, data={"name": "Base", "start": 1, "end": 2})
    page = new_page(phone=True)
    log_in(page, EMAIL)
    page.set_viewport_size(PHONE)
    page.goto(f"/programs/{program.pk}/")
    # The rarely used fields are folded away until asked for.
    tempo = field(page, 1, "tempo")
    expect(tempo).to_be_hidden()
    card(page, 1).get_by_text("More: tempo, effort, notes…").click()
    expect(tempo).to_be_visible()
    expect(tempo).to_have_value("3-1-1-0")

    assert page.evaluate(SMALL_TARGETS) == []

    # The top navigation: one line, no sideways scrolling, each link 44 px tall.
    page.evaluate("window.scrollTo(0, 0)")
    nav = page.get_by_role("navigation", name="Main")
    middles = []
    for item in nav.locator(".brand, .nav-links > li").all():
        box = item.bounding_box()
        assert box is not None
        middles.append(box["y"] + box["height"] / 2)
    assert len(middles) >= 5
    assert max(middles) - min(middles) <= 4, middles
    nav_box = nav.bounding_box()
    assert nav_box is not None
    assert nav_box["height"] < 70
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for link in nav.locator(".nav-links a, .nav-links button").all():
        box = link.bounding_box()
        assert box is not None
        assert box["height"] >= 44, link.inner_text()
