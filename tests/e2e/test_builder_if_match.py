"""The builder names the version of the program it shows on every write: a change made
meanwhile in another tab or tool is never overwritten. The coach is told to reload, and the
other change stays."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from coach.tokens import token_create
from programs.models import Day, Prescription
from tests.coach.factories import CoachFactory
from tests.e2e.conftest import NewPage, log_in
from tests.exercises.factories import ExerciseFactory
from tests.programs.factories import add, routine

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

STALE = (
    "This program was changed in another tab or tool. Reload the page to see the latest "
    "version; your last change was not saved."
)


def sets_input(page: Page, number: int) -> Locator:
    return page.locator(f"#day-{number} [data-field='sets']").first


def test_an_edit_over_a_change_made_elsewhere_asks_for_a_reload(
    page: Page, new_page: NewPage
) -> None:
    # given a coach's routine with an exercise on days 1 and 2, open in the builder
    coach = CoachFactory.create(user__email="versions@example.org")
    exercise = ExerciseFactory.create(owner=coach, name="Step-up")
    program = routine(coach, length_days=2, name="Two days")
    first = add(coach, program, 1, exercise, sets=3)
    add(coach, program, 2, exercise, sets=3)
    _, secret = token_create(user=coach.user, name="Spreadsheet", scope="write")
    log_in(page, "versions@example.org")
    page.goto(f"/programs/{program.pk}/")
    expect(page.locator("#builder")).to_have_attribute(
        "data-etag", re.compile(rf'^"program-{program.pk}-\d+"$')
    )
    page.evaluate("window.stillTheSamePage = true")

    # edits made here follow one another: each names the version the last one made
    sets_input(page, 1).fill("4")
    sets_input(page, 1).press("Tab")
    expect(page.locator("#builder-status")).to_have_text("Saved.")
    sets_input(page, 2).fill("2")
    sets_input(page, 2).press("Tab")
    expect(page.locator("#builder-status")).to_have_text("Saved.")

    # when another tool changes the program behind the page's back
    tool = new_page().request
    day_two = Day.objects.get(program=program, number=2)
    changed = tool.patch(
        f"/api/v1/program-days/{day_two.pk}/",
        data={"title": "Changed in the spreadsheet"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert changed.status == 200

    # and the coach edits the page as it was
    sets_input(page, 1).fill("6")
    sets_input(page, 1).press("Tab")

    # then the page asks for a reload, and nothing is overwritten
    expect(page.locator("#builder-status")).to_have_text(STALE)
    assert Prescription.objects.get(pk=first.pk).sets == 4
    assert Day.objects.get(pk=day_two.pk).title == "Changed in the spreadsheet"
    # the page did not reload itself: what the coach typed is still there to copy
    assert page.evaluate("window.stillTheSamePage") is True
    expect(sets_input(page, 1)).to_have_value("6")

    # a reload shows the other change, and edits save again
    page.reload()
    expect(page.locator(f"#title-{day_two.pk}")).to_have_value("Changed in the spreadsheet")
    sets_input(page, 1).fill("6")
    sets_input(page, 1).press("Tab")
    expect(page.locator("#builder-status")).to_have_text("Saved.")
    assert Prescription.objects.get(pk=first.pk).sets == 6
