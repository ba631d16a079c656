"""Programs in a real browser: generate a 30-day routine, adjust it in the builder, assign it to
two clients, print it as a log sheet, and watch the training rules react to a change."""

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, ViewportSize, expect

from coach.models import Coach
from exercises.models import Exercise
from exercises.services import library_seed
from programs import services
from programs.models import Assignment, Day, Prescription, Program
from tests.coach.factories import ClientFactory, CoachFactory
from tests.e2e.conftest import SCREENSHOT_DIR, Screenshot, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The live server has no collected static files; it serves them from the finders instead.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

ROUTINE = "Wall hold, 30 days"
WALL_HOLD = "Wall single-leg hold"
SPLIT_SQUAT = "Split squat"
START = date(2026, 3, 2)
A4 = ViewportSize(width=794, height=1123)  # at 96 dpi
# A PDF page object; "/Type /Pages" (the page tree) does not match.
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def label(text: str) -> re.Pattern[str]:
    """A form label as Django renders it, with or without its ":" suffix."""
    return re.compile(rf"^{re.escape(text)}:?$")


def day_card(page: Page, number: int) -> Locator:
    return page.locator(f"#day-{number}")


def dose(page: Page, number: int, field: str) -> Locator:
    """The first exercise's dose input of day `number`."""
    return day_card(page, number).locator(f"[data-field='{field}']").first


def exercise_names(page: Page, number: int) -> Locator:
    return day_card(page, number).locator(".prescription-name a")


def day_hold(program: Program, number: int) -> int | None:
    return (
        Prescription.objects.filter(day__program=program, day__number=number)
        .values_list("hold_seconds", flat=True)
        .first()
    )


def rules_panel(page: Page) -> Locator:
    return page.locator("#warnings")


def coach_with_two_clients() -> Coach:
    library_seed()
    coach = CoachFactory.create(user__email="routine@example.org", practice_name="Wall Works")
    ClientFactory(coach=coach, name="Ana Ortiz")
    ClientFactory(coach=coach, name="Ben Carter")
    return coach


def test_generate_adjust_assign_and_print_a_30_day_routine(page: Page, screenshot: Screenshot):
    coach = coach_with_two_clients()
    log_in(page, "routine@example.org")

    # a) Generate the routine: one day repeated 30 times, 15 s more hold every 7 days.
    page.goto("/programs/generate/")
    expect(page.get_by_role("heading", name="Generate a routine")).to_be_visible()
    page.get_by_label(label("Name")).fill(ROUTINE)
    page.get_by_label(label("Days")).fill("30")
    page.get_by_label(label("Intensity")).select_option(label="Moderate")
    page.get_by_label(label("Every step, add")).select_option(label="seconds of hold")
    page.get_by_label(label("Amount")).fill("15")
    page.get_by_label(label("Step every (days)")).fill("7")
    first = page.locator("li.stage-form").filter(
        has=page.get_by_role("heading", name="Exercise 1", exact=True)
    )
    first.get_by_label(label("Exercise")).select_option(label=WALL_HOLD)
    first.get_by_label(label("Sets")).fill("1")
    first.get_by_label(label("Hold (s)")).fill("60")
    screenshot(page, "program-01-generate")
    page.get_by_role("button", name="Generate routine").click()

    expect(page).to_have_url(re.compile(r"/programs/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(ROUTINE)
    expect(page.get_by_role("status").first).to_contain_text(f"“{ROUTINE}” has 30 days.")
    expect(page.get_by_role("heading", name=re.compile(r"^Week \d+$"))).to_have_text(
        ["Week 1", "Week 2", "Week 3", "Week 4", "Week 5"]
    )
    expect(page.locator(".day-card")).to_have_count(30)
    expect(page.get_by_role("heading", name="Day 30", exact=True)).to_be_visible()
    expect(dose(page, 1, "hold_seconds")).to_have_value("60")
    expect(dose(page, 1, "sets")).to_have_value("1")
    expect(dose(page, 8, "hold_seconds")).to_have_value("75")
    expect(dose(page, 30, "hold_seconds")).to_have_value("120")  # 60 + 4 steps × 15
    expect(rules_panel(page)).to_contain_text("No rule is broken.")
    program = Program.objects.get(owner=coach, name=ROUTINE)
    assert program.is_template
    assert program.days.count() == 30
    assert set(program.days.values_list("intensity", flat=True)) == {Day.Intensity.MODERATE}
    screenshot(page, "program-02-builder")

    # Change day 2's hold: saved through the API, still there after a reload.
    dose(page, 2, "hold_seconds").fill("75")
    dose(page, 2, "hold_seconds").press("Tab")
    expect(page.locator("#builder-status")).to_have_text("Saved.")
    page.reload()
    expect(dose(page, 2, "hold_seconds")).to_have_value("75")
    expect(dose(page, 3, "hold_seconds")).to_have_value("60")
    assert Prescription.objects.get(day__program=program, day__number=2).hold_seconds == 75

    # Add an exercise to day 3 through the picker, without a full page load.
    page.evaluate("window.stillTheSamePage = true")
    day3 = day_card(page, 3)
    day3.get_by_label("Add an exercise to day 3").fill("split")
    option = day3.get_by_role("button", name=SPLIT_SQUAT, exact=True)
    expect(option).to_be_visible()
    day3.screenshot(path=SCREENSHOT_DIR / "program-03-picker.png")
    # The results are reached with the arrow keys, and Escape goes back to the search field.
    search = day3.get_by_label("Add an exercise to day 3")
    search.press("ArrowDown")
    expect(day3.locator(".picker-option").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(search).to_be_focused()
    option.click()
    expect(exercise_names(page, 3)).to_have_text([WALL_HOLD, SPLIT_SQUAT])
    expect(page.locator("#builder-status")).to_have_text(f"{SPLIT_SQUAT} added to day 3.")
    expect(exercise_names(page, 4)).to_have_text([WALL_HOLD])
    screenshot(page, "program-03-day-3-added")

    # Move it up, then remove it (confirming the dialog).
    day3.get_by_role("button", name=f"Move {SPLIT_SQUAT} up").click()
    expect(exercise_names(page, 3)).to_have_text([SPLIT_SQUAT, WALL_HOLD])
    names = Prescription.objects.filter(day__program=program, day__number=3).order_by("order")
    assert [p.exercise.name for p in names] == [SPLIT_SQUAT, WALL_HOLD]
    page.once("dialog", lambda dialog: dialog.accept())
    day3.get_by_role("button", name=f"Remove {SPLIT_SQUAT}").click()
    expect(exercise_names(page, 3)).to_have_text([WALL_HOLD])
    assert page.evaluate("window.stillTheSamePage") is True
    assert Prescription.objects.filter(day__program=program).count() == 30

    # b) Assign it to both clients.
    page.get_by_role("link", name="Assign", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Assign “{ROUTINE}”")
    page.get_by_label("Ana Ortiz").check()
    page.get_by_label("Ben Carter").check()
    page.get_by_label(label("Start date")).fill(START.isoformat())
    screenshot(page, "program-04-assign")
    page.get_by_role("button", name="Assign").click()
    expect(page).to_have_url(re.compile(rf"/programs/{program.pk}/$"))
    expect(page.get_by_role("status").first).to_contain_text(
        f"“{ROUTINE}” was assigned to Ana Ortiz, Ben Carter."
    )

    assignments = list(Assignment.objects.filter(template=program).select_related("program"))
    assert len(assignments) == 2
    assert {a.client.name for a in assignments} == {"Ana Ortiz", "Ben Carter"}
    # Assigned together: one frozen copy for both, not the template.
    assert len({a.program_id for a in assignments} | {program.pk}) == 2
    for assignment in assignments:
        copy = assignment.program
        assert assignment.starts_on == START
        assert assignment.status == Assignment.Status.ACTIVE
        assert not copy.is_template
        assert copy.copied_from_id == program.pk
        assert copy.owner_id == coach.pk
        assert copy.days.count() == 30
        holds = dict(
            Prescription.objects.filter(day__program=copy).values_list(
                "day__number", "hold_seconds"
            )
        )
        assert len(holds) == 30
        assert (holds[1], holds[2], holds[3], holds[30]) == (60, 75, 60, 120)

    for assignment in assignments:
        page.goto(f"/clients/{assignment.client_id}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(assignment.client.name)
        row = page.locator("table tbody tr").filter(has_text=ROUTINE)
        expect(row).to_have_count(1)
        expect(row.locator(".badge")).to_have_text("Active")
        expect(row).to_contain_text("2 Mar 2026 – 31 Mar 2026")
        # The link opens the client's own copy, not the template.
        expect(row.get_by_role("link", name=ROUTINE)).to_have_attribute(
            "href", f"/programs/{assignment.program_id}/"
        )
    screenshot(page, "program-05-client")

    # The shared copy is read-only until the coach customises it for one client.
    ana = next(a for a in assignments if a.client.name == "Ana Ortiz")
    page.goto(f"/programs/{ana.program_id}/")
    expect(page.locator("[data-picker]")).to_have_count(0)
    page.get_by_role("button", name="Customise for Ana Ortiz").click()
    expect(page.get_by_role("status").first).to_contain_text("Ana Ortiz's own copy")
    ana.refresh_from_db()
    expect(page).to_have_url(re.compile(rf"/programs/{ana.program_id}/$"))
    day_one = page.locator('[data-number="1"]')
    hold = day_one.locator('input[data-field="hold_seconds"]')
    hold.fill("90")
    hold.press("Tab")
    expect(page.locator("#builder-status")).to_have_text("Saved.")
    ben = next(a for a in assignments if a.client.name == "Ben Carter")
    assert ana.program_id != ben.program_id
    assert day_hold(ana.program, 1) == 90
    assert day_hold(ben.program, 1) == 60
    assert day_hold(program, 1) == 60

    # c) Print the routine: the wall hold starts on its two-foot set-up, one box a set (the
    # single-leg rungs after it have boxes per side), no navigation.
    page.goto(f"/programs/{program.pk}/print/")
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", level=1)).to_have_text(ROUTINE)
    expect(page.locator(".sheet-day")).to_have_count(30)
    wall_rows = page.locator("table.log tbody tr").filter(has_text=WALL_HOLD)
    expect(wall_rows).to_have_count(30)
    expect(wall_rows.first.locator(".box-wide")).to_have_count(1)
    expect(wall_rows.first.locator(".box-wide")).to_be_visible()
    expect(page.locator(".box[data-side='L']")).to_have_count(0)
    expect(wall_rows.nth(1).locator("td.dose")).to_have_text("1 set, hold 75 s")
    expect(page.get_by_role("heading", name=re.compile(r"^Day 2\b"))).to_contain_text("Day 2 ")
    expect(page.get_by_role("heading", name="Day 2: Day 2")).to_have_count(0)
    expect(page.get_by_role("navigation")).to_have_count(0)
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.get_by_role("link", name="Back")).to_be_hidden()
    screenshot(page, "program-print")
    page.set_viewport_size(A4)  # roughly what the PDF below lays out
    screenshot(page, "program-print-a4")

    pdf = SCREENSHOT_DIR / "program-print.pdf"
    pdf.unlink(missing_ok=True)
    page.pdf(path=pdf, format="A4", prefer_css_page_size=True)
    assert pdf.exists()
    content = Path(pdf).read_bytes()
    assert content.startswith(b"%PDF")
    assert len(PDF_PAGE.findall(content)) >= 3


def test_training_rules_react_to_a_lighter_day(page: Page, screenshot: Screenshot):
    coach = coach_with_two_clients()
    squat = Exercise.objects.shared().get(slug="squat")
    split_squat = Exercise.objects.shared().get(slug="split-squat")
    assert squat.laterality == Exercise.Laterality.BILATERAL
    # Monday and Tuesday: two hard bilateral days one day apart.
    plan = services.program_create(
        coach=coach,
        data={"name": "Back-to-back squats", "kind": "plan", "weeks": 1, "weekdays": [0, 1]},
    )
    monday, tuesday = plan.days.order_by("number")
    for day in (monday, tuesday):
        services.day_update(coach=coach, day=day, data={"intensity": Day.Intensity.HIGH})
        services.prescription_add(coach=coach, day=day, exercise_id=squat.pk)
    services.prescription_add(coach=coach, day=monday, exercise_id=split_squat.pk)

    log_in(page, "routine@example.org")
    page.goto(f"/programs/{plan.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Back-to-back squats")
    warning = rules_panel(page).locator(".warning")
    expect(warning).to_have_count(1)
    expect(warning).to_have_attribute("data-rule", "bilateral_48h")
    expect(warning).to_contain_text(
        "Day 2 has high-intensity bilateral work less than 48 h after day 1."
    )
    expect(warning.get_by_role("link", name="Day 2")).to_have_attribute("href", "#day-2")
    expect(page.get_by_role("heading", name="Day 2 Tuesday, week 1")).to_be_visible()
    expect(page.locator(".page-head + .muted")).to_have_text("1 week, 2 training days")
    screenshot(page, "program-06-rules-warning")

    # Make Tuesday lighter: the day and the rules panel refresh without a page load.
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Intensity of day 2").select_option(label="Low")
    expect(rules_panel(page)).to_contain_text("No rule is broken.")
    expect(rules_panel(page).locator(".warning")).to_have_count(0)
    expect(day_card(page, 2)).to_have_class(re.compile(r"\bintensity-low\b"))
    expect(page.get_by_label("Intensity of day 2")).to_have_value("low")
    assert page.evaluate("window.stillTheSamePage") is True
    tuesday.refresh_from_db()
    assert tuesday.intensity == Day.Intensity.LOW
    screenshot(page, "program-07-rules-ok")
