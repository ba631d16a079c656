"""Assignment guardrails in a real browser: the coach assigns a Monday plan on a Thursday and is
asked which date to use, is told the client already follows a program on those dates and
assigns anyway; the client, on a phone, sees the first week of a program that has not started."""

import re
from datetime import date, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from coach.models import Client, Coach
from programs.models import Assignment, Program
from programs.services import assignment_create_bulk
from tests.coach.factories import PASSWORD, ClientFactory, CoachFactory
from tests.e2e.conftest import NewPage, Screenshot, log_in
from tests.exercises.factories import ExerciseFactory
from tests.programs.factories import add, plan, routine

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The live server has no collected static files; it serves them from the finders instead.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def serious_violations(page: Page) -> list[str]:
    """What axe-core finds on the page as it stands that would stop or seriously hinder someone."""
    axe = Axe()
    return [
        f"{v['id']}: {v['help']}"
        for v in axe.run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def long_date(on: date) -> str:
    return f"{on:%A} {on.day} {on:%B}"


def next_weekday_after(on: date, weekday: int) -> date:
    """The first date strictly after `on` that falls on `weekday` (0 = Monday)."""
    return on + timedelta(days=(weekday - on.weekday()) % 7 or 7)


def runner_base(coach: Coach) -> Program:
    """A 4-week plan on Monday, Wednesday and Friday."""
    squat = ExerciseFactory.create(owner=coach, name="Split squat")
    hinge = ExerciseFactory.create(owner=coach, name="Single-leg hinge")
    program = plan(coach, weeks=4, weekdays=(0, 2, 4), name="Runner base")
    add(coach, program, 1, squat, sets=3, reps_per_side=8)
    add(coach, program, 1, hinge, sets=2, reps_per_side=6)
    add(coach, program, 2, hinge, sets=3, reps_per_side=6)
    add(coach, program, 3, squat, sets=3, reps_per_side=10)
    return program


def ana_of(coach: Coach) -> Client:
    return ClientFactory.create(
        with_login=True, coach=coach, name="Ana", email="ana@example.org", time_zone="UTC"
    )


def test_the_coach_chooses_the_start_and_confirms_an_overlap(
    page: Page, screenshot: Screenshot
) -> None:
    # given Ana, who follows a 30-day routine from today, and a Monday plan
    coach = CoachFactory.create(user__email="coach@example.org")
    ana = ana_of(coach)
    today = ana.local_today()
    mobility = routine(coach, length_days=30, name="Mobility month")
    add(coach, mobility, 1, ExerciseFactory.create(owner=coach, name="Ankle rocks"), sets=1)
    assignment_create_bulk(coach=coach, template=mobility, clients=[ana], starts_on=today)
    program = runner_base(coach)
    thursday = next_weekday_after(today, 3)
    monday = next_weekday_after(thursday, 0)

    # when the coach assigns the plan from a Thursday
    log_in(page, "coach@example.org")
    page.goto(f"/programs/{program.pk}/assign/")
    expect(page.get_by_text("This plan's first session is on a Monday")).to_be_visible()
    page.get_by_label("Ana").check()
    page.get_by_label(re.compile("^Start date")).fill(thursday.isoformat())
    page.get_by_role("button", name="Assign").click()

    # then they are asked which date to use; nothing is assigned yet
    next_monday = page.get_by_label(f"Start on the next Monday, {long_date(monday)} {monday.year}")
    expect(next_monday).to_be_visible()
    assert serious_violations(page) == []
    expect(page.get_by_label(re.compile(r"as chosen$"))).to_be_visible()
    assert not Assignment.objects.filter(template=program).exists()

    # when they choose the next Monday
    next_monday.check()
    page.get_by_role("button", name="Assign").click()

    # then the routine Ana already follows is named, with an "Assign anyway" box
    expect(
        page.get_by_role("alert").filter(has_text="A client already has a program")
    ).to_be_visible()
    expect(
        page.get_by_text(re.compile("Ana already follows “Mobility month” from"))
    ).to_be_visible()
    screenshot(page, "guardrails-01-overlap")
    assert serious_violations(page) == []
    assert not Assignment.objects.filter(template=program).exists()

    # when they assign anyway
    page.get_by_label("Assign anyway").check()
    page.get_by_role("button", name="Assign").click()

    # then Ana has the plan from Monday, shown as scheduled on her page
    expect(page.get_by_role("status").first).to_contain_text("“Runner base” was assigned to Ana.")
    assert Assignment.objects.get(template=program).starts_on == monday
    page.goto(f"/clients/{ana.pk}/")
    row = page.locator("table tbody tr").filter(has_text="Runner base")
    expect(row.locator(".badge")).to_have_text("Scheduled")
    expect(
        page.locator("table tbody tr").filter(has_text="Mobility month").locator(".badge")
    ).to_have_text("Active")
    screenshot(page, "guardrails-02-scheduled")


def test_the_client_sees_the_first_week_before_the_start_on_a_phone(
    new_page: NewPage, screenshot: Screenshot
) -> None:
    # given Ana, whose only program starts next Monday
    coach = CoachFactory.create()
    ana = ana_of(coach)
    monday = next_weekday_after(ana.local_today(), 0)
    assignment_create_bulk(
        coach=coach, template=runner_base(coach), clients=[ana], starts_on=monday
    )

    # when she opens Today on her phone
    phone = new_page(phone=True)
    phone.goto("/accounts/login/")
    phone.get_by_label("E-mail").fill("ana@example.org")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    expect(phone).to_have_url(re.compile(r"/me/$"))

    # then she reads when it starts and what each day of its first week holds
    expect(
        phone.get_by_role("heading", name=f"Your program starts {long_date(monday)}")
    ).to_be_visible()
    days = phone.locator(".upcoming-day")
    expect(days).to_have_count(3)
    for number, (offset, exercises) in enumerate(
        [(0, ["Split squat", "Single-leg hinge"]), (2, ["Single-leg hinge"]), (4, ["Split squat"])]
    ):
        on = monday + timedelta(days=offset)
        expect(days.nth(number).get_by_role("heading")).to_have_text(long_date(on))
        expect(days.nth(number).get_by_role("listitem")).to_have_text(exercises)
    expect(phone.get_by_text("A rest day.")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scroll"
    screenshot(phone, "guardrails-03-upcoming-phone")
    assert serious_violations(phone) == []
