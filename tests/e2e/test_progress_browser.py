"""The coach's eye, in a real browser: the coach sorts the dashboard by left/right asymmetry,
opens the flagged client's progress, reads the asymmetry chart through its text alternative,
comments on the client's latest session, and the client reads the comment on their phone."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.coach.factories import PASSWORD, ClientFactory, CoachFactory
from tests.e2e.conftest import NewPage, Screenshot, log_in
from tests.programs.factories import assign
from tests.training.api_support import one_sided_hold, routine_of
from tests.training.progress_support import sessions_load
from training.models import SessionLog

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The live server has no collected static files; it serves them from the finders instead.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

COMMENT = "Lead with the left leg for two sets before the right."


def test_the_coach_finds_the_lagging_side_and_the_client_reads_the_comment_on_a_phone(
    new_page: NewPage, screenshot: Screenshot
):
    # given: Ada's left side holds a third less than her right for a week; Bo's sides are even
    coach = CoachFactory.create(user__email="coach@example.org", practice_name="Balance Lab")
    exercise = one_sided_hold(coach, name="Wall single-leg hold")
    template = routine_of(coach, exercise, length_days=30)
    ada = ClientFactory.create(
        with_login=True, coach=coach, name="Ada Lind", email="ada@example.org", time_zone="UTC"
    )
    bo = ClientFactory.create(coach=coach, name="Bo Berg", time_zone="UTC")
    today = ada.local_today()
    week = [today - timedelta(days=n) for n in range(6, -1, -1)]
    for person, left in ((ada, 20), (bo, 30)):
        (assignment,) = assign(coach, template, starts_on=week[0], clients=[person])
        sessions_load(assignment, week, left=left, right=30)
    latest = SessionLog.objects.get(client=ada, on=today)

    # The coach sorts the dashboard by asymmetry, largest first, from the keyboard.
    page = new_page()
    log_in(page, "coach@example.org")
    sort = page.get_by_role("link", name="Largest asymmetry")
    sort.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"sort=-asymmetry"))
    expect(page.locator('th[aria-sort="descending"]')).to_contain_text("Largest asymmetry")
    rows = page.locator("table.dashboard-table tbody tr")
    expect(rows.first).to_contain_text("Ada Lind")
    expect(rows.first).to_contain_text("33% Wall single-leg hold")
    expect(rows.first).to_contain_text("Above 15%")
    expect(rows.nth(1)).to_contain_text("Bo Berg")
    screenshot(page, "progress-01-dashboard-by-asymmetry")

    # She opens the flagged client's progress and reads the asymmetry chart in words and figures.
    rows.first.get_by_role("link", name="Progress").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Lind: progress")
    chart = page.get_by_role("img", name=re.compile(r"Wall single-leg hold: left.right asymmetry"))
    expect(chart).to_be_visible()
    expect(chart).to_have_accessible_description(
        re.compile(r"Asymmetry index: 33.3% on .* \(7 sessions, highest 33.3%\)")
    )
    figure = page.locator("figure.chart").filter(has=chart)
    figure.get_by_text("The figures as a table").click()
    table = figure.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(8)  # a header and 7 sessions
    expect(
        table.get_by_role("row", name=f"{today:%a} {today.day} {today:%b %Y} 33.3%")
    ).to_be_visible()
    expect(page.get_by_text("Last 7 days")).to_be_visible()
    screenshot(page, "progress-02-coach-reads-the-chart")

    # She comments on the latest session from the client's page.
    page.locator(".breadcrumb").get_by_role("link", name="Ada Lind").click()
    session = page.locator(f"#session-{latest.pk}")
    session.get_by_text("Add a comment").click()
    session.get_by_label(re.compile("Your comment on")).fill(COMMENT)
    session.get_by_role("button", name="Save comment").click()
    expect(page.get_by_role("status")).to_contain_text("Comment saved on Ada Lind's session")

    # Ada reads it on Today, on her phone, and sees her own progress there too.
    phone = new_page(phone=True)
    phone.goto("/accounts/login/")
    phone.get_by_label("E-mail").fill("ada@example.org")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    expect(phone).to_have_url(re.compile(r"/me/$"))
    expect(phone.get_by_text(COMMENT)).to_be_visible()
    expect(phone.get_by_text("Balance Lab on this session")).to_be_visible()
    screenshot(phone, "progress-03-client-reads-the-comment")
    phone.goto("/me/progress/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your progress")
    expect(
        phone.get_by_role("img", name=re.compile("Wall single-leg hold: longest hold per side"))
    ).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scroll"
    screenshot(phone, "progress-04-client-progress-on-a-phone")
