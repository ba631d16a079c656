"""Onboarding, as a person sees it in a real browser: a coach signs up, adds and invites a client,
and the client sets a password from the e-mailed link."""

import re

import pytest
from django.core.mail import EmailMessage
from playwright.sync_api import Page, expect

from coach.models import Client
from tests.coach.factories import ClientFactory, CoachFactory
from tests.e2e.conftest import PHONE, NewPage, Screenshot, log_in

pytestmark = [
    pytest.mark.browser,
    # The live server has no collected static files; it serves them from the finders instead.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

INVITE_LINK = re.compile(r"https?://\S+/invite/[^/\s]+/")
# "Password" but not "Password again" (Django adds a ":" label suffix).
PASSWORD_LABEL = re.compile(r"^Password:?$")


def sign_up(page: Page, *, name: str, email: str, practice: str, password: str, again: str):
    page.goto("/accounts/signup/")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Practice name").fill(practice)
    page.get_by_label(PASSWORD_LABEL).fill(password)
    page.get_by_label("Password again").fill(again)


def invite_link(mail: EmailMessage) -> str:
    found = INVITE_LINK.search(str(mail.body))
    assert found, f"no invite link in the e-mail:\n{mail.body}"
    return found.group(0)


def test_coach_signs_up_adds_and_invites_a_client_who_sets_a_password(
    new_page: NewPage, screenshot: Screenshot, mailoutbox: list[EmailMessage]
):
    coach = new_page()

    # Sign up.
    sign_up(
        coach,
        name="Maya Stone",
        email="maya@example.org",
        practice="Stone Strength",
        password="lift-heavy-things-42",
        again="lift-heavy-things-42",
    )
    screenshot(coach, "onboarding-01-signup")
    coach.get_by_role("button", name="Sign up").click()

    # The address is confirmed from the e-mail before the practice exists.
    expect(coach.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    assert len(mailoutbox) == 1
    confirm = re.search(r"https?://\S+/accounts/signup/confirm/[^/\s]+/", str(mailoutbox[0].body))
    assert confirm
    coach.goto(confirm[0])
    coach.get_by_role("button", name="Create my practice").click()
    mailoutbox.clear()

    # The dashboard greets a coach without clients.
    expect(coach).to_have_url(re.compile(r"/dashboard/$"))
    expect(coach.get_by_role("status")).to_contain_text("Welcome! Your practice is ready.")
    expect(coach.get_by_role("heading", name="No clients yet")).to_be_visible()
    expect(coach.get_by_role("table")).to_have_count(0)
    screenshot(coach, "onboarding-02-dashboard-empty")

    # Add a client.
    coach.get_by_role("link", name="Add your first client").click()
    expect(coach.get_by_role("heading", name="Add a client")).to_be_visible()
    coach.get_by_label("Name").fill("Ada Lovelace")
    coach.get_by_label("E-mail address").fill("Ada@Example.org")
    coach.get_by_label("Time zone").fill("America/New_York")
    coach.get_by_label("Reminder time").fill("18:30")
    coach.get_by_label("Sex (optional)").select_option(label="Female")
    screenshot(coach, "onboarding-03-client-form")
    coach.get_by_role("button", name="Add client").click()

    # The client's page shows what was entered.
    expect(coach).to_have_url(re.compile(r"/clients/\d+/$"))
    expect(coach.get_by_role("status")).to_contain_text("Ada Lovelace was added.")
    expect(coach.get_by_role("heading", level=1)).to_have_text("Ada Lovelace")
    details = coach.locator(".details")
    expect(details).to_contain_text("ada@example.org")
    expect(details).to_contain_text("America/New York")
    expect(details).to_contain_text("18:30")
    expect(details).to_contain_text("Female")
    expect(coach.get_by_text("Ada Lovelace has no login yet.")).to_be_visible()

    # Invite them.
    coach.get_by_role("button", name="Send invite").click()
    expect(coach.get_by_role("status")).to_contain_text(
        "An invite is on its way to ada@example.org."
    )
    expect(coach.get_by_text(re.compile(r"Invite sent \d+ \w+ \d{4}"))).to_be_visible()
    expect(coach.get_by_role("button", name="Send a new invite")).to_be_visible()
    screenshot(coach, "onboarding-04-client-detail")

    # The e-mail went out once the invite was committed.
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ada@example.org"]
    assert mail.subject == "Stone Strength invited you to train together"
    assert "Hello Ada Lovelace" in mail.body
    link = invite_link(mail)

    # The client opens the link on their phone, not logged in, and sets a password.
    client = new_page(phone=True)
    client.goto(link)
    expect(client.get_by_role("heading", name="Welcome, Ada Lovelace")).to_be_visible()
    expect(client.get_by_text("Stone Strength invited you.")).to_be_visible()
    expect(client.get_by_role("link", name="Log in")).to_be_visible()  # nobody is logged in
    client.get_by_label(PASSWORD_LABEL).fill("my-own-secret-77")
    client.get_by_label("Password again").fill("my-own-secret-77")
    screenshot(client, "onboarding-05-invite-accept")
    client.get_by_role("button", name="Set password").click()

    # They land on their own page, logged in.
    expect(client).to_have_url(re.compile(r"/me/$"))
    expect(client.get_by_role("status")).to_contain_text("Your password is set. Welcome!")
    expect(client.get_by_role("heading", name="Hello, Ada Lovelace")).to_be_visible()
    today = client.locator("section.card").filter(
        has=client.get_by_role("heading", name="Today", exact=True)
    )
    expect(today).to_be_visible()
    expect(today).to_contain_text("Stone Strength has not given you a program yet.")
    expect(client.get_by_role("button", name="Log out")).to_be_visible()
    screenshot(client, "onboarding-06-client-home")

    # The link works once.
    client.goto(link)
    expect(client.get_by_role("heading", name="This invite cannot be used")).to_be_visible()

    # The coach now sees that the client has a login.
    coach.reload()
    expect(coach.get_by_text("Ada Lovelace has a login.")).to_be_visible()
    assert Client.objects.get(email="ada@example.org").user is not None


def test_sign_up_with_mismatched_passwords_keeps_what_was_typed(page: Page, screenshot: Screenshot):
    sign_up(
        page,
        name="Sam Reyes",
        email="sam@example.org",
        practice="Reyes Movement",
        password="lift-heavy-things-42",
        again="lift-heavy-things-24",
    )
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    expect(page.get_by_role("heading", name="Create your practice")).to_be_visible()
    expect(page.get_by_text("The two passwords do not match.")).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Sam Reyes")
    expect(page.get_by_label("E-mail")).to_have_value("sam@example.org")
    expect(page.get_by_label("Practice name")).to_have_value("Reyes Movement")
    # Passwords are never sent back to the browser.
    expect(page.get_by_label(PASSWORD_LABEL)).to_have_value("")
    expect(page.get_by_label("Password again")).to_have_value("")
    screenshot(page, "signup-password-mismatch")


def test_dashboard_search_and_pagination(page: Page, screenshot: Screenshot):
    coach = CoachFactory(user__email="busy@example.org", user__name="Busy Coach")
    for number in range(1, 31):
        ClientFactory(coach=coach, name=f"Client {number:02d}")
    ClientFactory(coach=coach, name="Zora Quill", email="zora@example.org")
    ClientFactory(name="Zora Elsewhere")  # another coach's client never shows up

    log_in(page, "busy@example.org")

    # 31 clients: 25 on the first page, 6 on the second.
    rows = page.locator("table tbody tr")
    pages = page.get_by_role("navigation", name="Pages")
    expect(rows).to_have_count(25)
    expect(pages).to_contain_text("Page 1 of 2")
    expect(pages.get_by_role("link", name="← Previous")).to_have_count(0)
    screenshot(page, "dashboard-page-1")
    pages.get_by_role("link", name="Next →").click()
    expect(page).to_have_url(re.compile(r"\?page=2$"))
    expect(pages).to_contain_text("Page 2 of 2")
    expect(rows).to_have_count(6)
    expect(rows.last).to_contain_text("Zora Quill")
    pages.get_by_role("link", name="← Previous").click()
    expect(pages).to_contain_text("Page 1 of 2")

    # Search by name, from the search box.
    page.get_by_role("searchbox", name="Search clients").fill("zora")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"\?q=zora$"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Zora Quill")
    expect(pages).to_have_count(0)
    expect(page.get_by_role("searchbox", name="Search clients")).to_have_value("zora")
    screenshot(page, "dashboard-search")
    page.set_viewport_size(PHONE)  # the table turns into stacked rows on a phone
    expect(rows.first).to_contain_text("Zora Quill")
    screenshot(page, "dashboard-search-phone")

    # The found client opens from the result.
    rows.first.get_by_role("link", name="Zora Quill").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zora Quill")
