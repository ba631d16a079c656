"""Small things, in a real browser: the time-zone box starts at the coach's own zone and finds
zones as one types; the sign-up form can be sent again after an error."""

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from coach.models import Client
from tests.coach.factories import CoachFactory
from tests.e2e.conftest import DESKTOP, TIMEOUT_MS, Screenshot, log_in

pytestmark = [
    pytest.mark.browser,
    # The live server has no collected static files; it serves them from the finders instead.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

EMAIL = "rita@example.org"
PASSWORD_LABEL = re.compile(r"^Password:?$")

PageIn = Callable[[str], Page]


@pytest.fixture
def page_in(browser: Browser, live_server) -> Iterator[PageIn]:
    """`page_in("Europe/Lisbon")`: a desktop page whose browser lives in that time zone."""
    expect.set_options(timeout=TIMEOUT_MS)
    contexts = []

    def open_page(zone: str) -> Page:
        context = browser.new_context(
            base_url=live_server.url, viewport=DESKTOP, locale="en-GB", timezone_id=zone
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("zone", ["Europe/Lisbon", "America/New_York", "Asia/Tokyo"])
def test_a_new_client_starts_in_the_coachs_browser_zone(page_in: PageIn, zone: str):
    CoachFactory.create(user__email=EMAIL)
    page = page_in(zone)
    log_in(page, EMAIL)

    page.goto("/clients/new/")

    box = page.get_by_role("combobox", name="Time zone")
    expect(box).to_have_value(zone)
    page.get_by_label("Name").fill("Ada Lovelace")
    page.get_by_label("E-mail address").fill("ada@example.org")
    page.get_by_role("button", name="Add client").click()
    expect(page).to_have_url(re.compile(r"/clients/\d+/$"))
    assert Client.objects.get(name="Ada Lovelace").time_zone == zone


def test_the_time_zone_is_found_by_typing_and_a_wrong_one_is_explained(
    page_in: PageIn, screenshot: Screenshot
):
    CoachFactory.create(user__email=EMAIL)
    page = page_in("Europe/Lisbon")
    log_in(page, EMAIL)
    page.goto("/clients/new/")
    page.get_by_label("Name").fill("Ada Lovelace")
    page.get_by_label("E-mail address").fill("ada@example.org")
    box = page.get_by_role("combobox", name="Time zone")

    # A typo: the form comes back with what was typed and says what is wrong.
    box.fill("")
    box.press_sequentially("Pacific/Aukland")
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_text("is not a time zone we know")).to_be_visible()
    box = page.get_by_role("combobox", name="Time zone")
    expect(box).to_have_value("Pacific/Aukland")  # not replaced by the browser's zone
    expect(box).to_have_attribute("aria-invalid", "true")
    screenshot(page, "client-form-unknown-time-zone")

    # The box suggests from the zones the server accepts (the browser draws the list itself,
    # out of the page's reach), and the city's name alone is enough.
    expect(
        page.locator("datalist#id_time_zone_choices option[value='Pacific/Auckland']")
    ).to_have_count(1)
    box.fill("")
    box.press_sequentially("auckland")
    page.get_by_role("button", name="Add client").click()

    expect(page).to_have_url(re.compile(r"/clients/\d+/$"))
    expect(page.locator(".details")).to_contain_text("Pacific/Auckland")


def test_the_digest_starts_in_the_browser_zone(page_in: PageIn):
    CoachFactory.create(user__email=EMAIL)
    page = page_in("Asia/Tokyo")
    log_in(page, EMAIL)

    page.goto("/settings/digest/")

    expect(page.get_by_role("combobox", name="Your time zone")).to_have_value("Asia/Tokyo")


def test_sign_up_works_after_passwords_that_do_not_match(page_in: PageIn, screenshot: Screenshot):
    page = page_in("Europe/Lisbon")
    page.goto("/accounts/signup/")
    page.get_by_label("Your name").fill("Sam Reyes")
    page.get_by_label("E-mail").fill("sam@example.org")
    page.get_by_label(PASSWORD_LABEL).fill("lift-heavy-things-42")
    page.get_by_label("Password again").fill("lift-heavy-things-24")
    page.get_by_role("button", name="Sign up").click()

    # The error is beside the field, and both boxes say they need typing again.
    again = page.get_by_label("Password again")
    expect(again).to_have_accessible_description(re.compile("The two passwords do not match"))
    expect(again).to_have_accessible_description(re.compile("Type the password again"))
    first = page.get_by_label(PASSWORD_LABEL)
    expect(first).to_have_accessible_description(re.compile("Type the password again"))
    expect(first).to_be_focused()
    screenshot(page, "signup-type-passwords-again")

    # Typing straight away, with the keyboard alone, gets through.
    page.keyboard.type("lift-heavy-things-42")
    page.keyboard.press("Tab")
    expect(again).to_be_focused()
    page.keyboard.type("lift-heavy-things-42")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()


def test_sign_up_works_after_a_weak_password(page_in: PageIn):
    page = page_in("Europe/Lisbon")
    page.goto("/accounts/signup/")
    page.get_by_label("Your name").fill("Sam Reyes")
    page.get_by_label("E-mail").fill("sam@example.org")
    page.get_by_label(PASSWORD_LABEL).fill("12345678")
    page.get_by_label("Password again").fill("12345678")
    page.get_by_role("button", name="Sign up").click()

    first = page.get_by_label(PASSWORD_LABEL)
    expect(first).to_have_accessible_description(re.compile("too common", re.IGNORECASE))
    expect(first).to_be_focused()
    first.fill("a-much-better-secret-93")
    page.get_by_label("Password again").fill("a-much-better-secret-93")
    page.get_by_role("button", name="Sign up").click()

    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
