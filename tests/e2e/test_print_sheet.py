"""The print sheet in a real browser: a client's sheet with long exercise names, many sets and
long notes stays within the page width when printed on A4 or Letter, and on a phone's screen."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from exercises.models import Exercise
from programs import services
from programs.models import Assignment, Program
from tests.coach.factories import ClientFactory, CoachFactory
from tests.e2e.conftest import PHONE, SCREENSHOT_DIR, NewPage, Screenshot, log_in
from tests.exercises.factories import ExerciseFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The live server has no collected static files; it serves them from the finders instead.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

EMAIL = "sheet@example.org"
LONG_NAME = (
    "Rear-foot-elevated single-leg Romanian deadlift with contralateral kettlebell "
    "and a three-second pause"
)
# One word with no place to break, as a pasted link or a coach's shorthand can be.
UNBROKEN = "Hiphingebracebreathedrivelockoutreset" * 3
# Roughly A4 and Letter portrait at 96 dpi, whole page and within the sheet's 12 mm margins.
PAGE_WIDTHS = {"A4": 794, "A4 inside margins": 703, "Letter inside margins": 726}


def _sheet_for_a_client() -> Assignment:
    coach = CoachFactory.create(user__email=EMAIL)
    long_one = ExerciseFactory.create(
        owner=coach, name=LONG_NAME, laterality=Exercise.Laterality.UNILATERAL
    )
    unbroken = ExerciseFactory.create(
        owner=coach, name=UNBROKEN, laterality=Exercise.Laterality.BILATERAL
    )
    template = services.program_create(
        coach=coach,
        data={"name": "Posterior chain", "kind": Program.Kind.PLAN, "weeks": 1, "weekdays": [0, 3]},
    )
    for day in template.days.all():
        services.prescription_add(
            coach=coach,
            day=day,
            exercise_id=long_one.pk,
            data={
                "sets": 12,
                "reps_per_side": 6,
                "tempo": "3-1-1-0",
                "target_rpe": Decimal("8"),
                "notes": "Keep the hips square to the floor; " * 6 + UNBROKEN,
            },
        )
        services.prescription_add(
            coach=coach, day=day, exercise_id=unbroken.pk, data={"sets": 15, "hold_seconds": 30}
        )
    client = ClientFactory.create(coach=coach, name="Noor Haddad")
    (assignment,) = services.assignment_create_bulk(
        coach=coach, template=template, clients=[client], starts_on=date(2027, 4, 5)
    )
    return assignment


def _overflow(page: Page) -> list[str]:
    """What sticks out past the page's right edge: the page's own scroll width, and any element
    of the sheet whose box ends beyond the visible width."""
    return page.evaluate(
        """() => {
          const root = document.documentElement;
          const width = root.clientWidth;
          const found = [];
          if (root.scrollWidth > width) found.push(`page ${root.scrollWidth} > ${width}`);
          for (const el of document.querySelectorAll('.sheet-day, .sheet-day *')) {
            const right = el.getBoundingClientRect().right;
            if (right > width + 0.5) found.push(`${el.tagName}.${el.className} ends at ${right}`);
          }
          return found;
        }"""
    )


def test_a_clients_sheet_fits_a4_and_letter_width_when_printed(
    page: Page, screenshot: Screenshot
) -> None:
    assignment = _sheet_for_a_client()
    log_in(page, EMAIL)
    page.goto(f"/programs/{assignment.program_id}/print/?assignment={assignment.pk}")
    page.emulate_media(media="print")

    for paper, width in PAGE_WIDTHS.items():
        page.set_viewport_size(ViewportSize(width=width, height=1123))
        assert _overflow(page) == [], paper
    # the client's dates, and the row's cues, are on the sheet as printed
    headings = page.get_by_role("heading", level=2)
    expect(headings.first).to_contain_text("Monday 5 April 2027")
    expect(headings.nth(1)).to_contain_text("Thursday 8 April 2027")
    first_row = page.locator("table.log tbody tr").first
    expect(first_row).to_contain_text("Target effort 8 out of 10")
    expect(first_row).to_contain_text("Tempo 3-1-1-0")
    expect(first_row.locator(".box[data-side='L']")).to_have_count(12)
    screenshot(page, "program-print-client")

    pdf = SCREENSHOT_DIR / "program-print-client.pdf"
    pdf.unlink(missing_ok=True)
    page.pdf(path=pdf, format="Letter", prefer_css_page_size=False)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_sheet_fits_a_phone_screen(new_page: NewPage, screenshot: Screenshot) -> None:
    assignment = _sheet_for_a_client()
    page = new_page(phone=True)
    log_in(page, EMAIL)
    page.set_viewport_size(PHONE)
    page.goto(f"/programs/{assignment.program_id}/print/?assignment={assignment.pk}")

    expect(page.get_by_role("button", name="Print")).to_be_visible()
    assert _overflow(page) == []
    screenshot(page, "program-print-phone")
