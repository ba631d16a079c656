"""The library on a phone: the filters fold away so the results come first, every control is
big enough to tap, a YouTube demo shows its thumbnail (made in the browser from the video's id)
and "Copy to my library" is offered on shared exercises only."""

import base64
import re

import pytest
from playwright.sync_api import Page, Route, expect

from exercises.models import Exercise
from exercises.services import exercise_create, library_seed
from tests.coach.factories import CoachFactory
from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOT_DIR, NewPage, Screenshot, log_in
from tests.exercises.factories import exercise_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The live server has no collected static files; it serves them from the finders instead.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

YOUTUBE_ID = "M7lc1UVf-VE"
THUMBNAIL = f"https://i.ytimg.com/vi/{YOUTUBE_ID}/hqdefault.jpg"
# A 1×1 PNG served in place of the thumbnail host: the tests never reach the internet.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
# What a person taps on the library's pages.
TAPPABLE = "main a, main button, main summary, main input:not([type=hidden]), main select"


def phone_page(new_page: NewPage, email: str) -> Page:
    page = new_page(phone=True)
    log_in(page, email)
    page.set_viewport_size(PHONE)
    return page


def too_small(page: Page) -> list[str]:
    """The visible controls in the page's main part less than 44 px high or wide."""
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector))
            .filter((el) => el.getClientRects().length)
            .filter((el) => getComputedStyle(el).visibility !== "hidden")
            .filter((el) => { const r = el.getBoundingClientRect();
                              return r.height < 44 || r.width < 44; })
            .map((el) => el.tagName + ": " + (el.textContent || el.name || "").trim().slice(0, 40)
                         + " " + Math.round(el.getBoundingClientRect().width) + "x"
                         + Math.round(el.getBoundingClientRect().height))""",
        TAPPABLE,
    )


def test_filters_fold_away_on_a_phone_so_the_results_come_first(
    new_page: NewPage, screenshot: Screenshot
):
    library_seed()
    CoachFactory.create(user__email="phone@example.org")
    page = phone_page(new_page, "phone@example.org")

    page.goto("/exercises/")

    filters = page.locator("details.filter-fold")
    category = page.get_by_label("Category")
    expect(filters).not_to_have_attribute("open", re.compile(".*"))
    expect(category).to_be_hidden()
    expect(page.get_by_role("searchbox", name="Search")).to_be_visible()
    # The first results are on the first screen, and above every filter.
    first_card = page.locator(".exercise-card").first
    expect(first_card).to_be_visible()
    card, fold = first_card.bounding_box(), filters.bounding_box()
    assert card is not None
    assert fold is not None
    assert card["y"] < PHONE["height"]
    assert card["y"] > fold["y"] + fold["height"]
    assert too_small(page) == []
    screenshot(page, "library-phone-01-folded")
    page.screenshot(path=SCREENSHOT_DIR / "library-phone-01-first-screen.png")

    # Unfolded with a tap, a filter is applied; the fold then says how many filters are on.
    page.get_by_text("Filters", exact=True).click()
    expect(category).to_be_visible()
    category.select_option("mobility")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"category=mobility"))
    expect(category).to_be_hidden()
    expect(page.locator("details.filter-fold summary")).to_have_text("Filters 1 on")
    expect(page.locator(".exercise-card").first).to_be_visible()
    categories = page.locator(".exercise-card .badge.cat-mobility")
    expect(categories).to_have_count(page.locator(".exercise-card").count())
    screenshot(page, "library-phone-02-filtered")

    # On a wide screen the filters are open, and fold again when the window narrows.
    page.set_viewport_size(DESKTOP)
    expect(category).to_be_visible()
    page.set_viewport_size(PHONE)
    expect(category).to_be_hidden()


def test_the_whole_library_page_has_big_enough_controls(new_page: NewPage):
    library_seed()
    CoachFactory.create(user__email="taps@example.org")
    page = phone_page(new_page, "taps@example.org")

    page.goto("/exercises/")
    page.get_by_text("Filters", exact=True).click()

    # The filters unfolded, and the pages after the first (more than 20 exercises).
    expect(page.get_by_label("Category")).to_be_visible()
    expect(page.get_by_role("link", name="Next →")).to_be_visible()
    assert too_small(page) == []


def test_a_youtube_demo_shows_its_thumbnail_and_vimeo_a_plain_link(
    new_page: NewPage, screenshot: Screenshot
):
    library_seed()
    coach = CoachFactory.create(user__email="video@example.org")
    youtube = exercise_create(
        coach=coach,
        data=exercise_data(
            "Split squat", video_url=f"https://www.youtube.com/watch?v={YOUTUBE_ID}&t=12s"
        ),
    )
    short_link = exercise_create(
        coach=coach,
        data=exercise_data("Step-up", video_url=f"https://youtu.be/{YOUTUBE_ID}"),
    )
    vimeo = exercise_create(
        coach=coach,
        data=exercise_data("Lunge", video_url="https://vimeo.com/76979871"),
    )
    page = phone_page(new_page, "video@example.org")
    thumbnails_asked: list[str] = []

    def serve_thumbnail(route: Route) -> None:
        thumbnails_asked.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=PIXEL)

    page.route("https://i.ytimg.com/**", serve_thumbnail)

    page.goto(f"/exercises/{youtube.pk}/")
    demo = page.get_by_role("link", name="Watch the demo")
    thumbnail = demo.locator("img")
    expect(thumbnail).to_have_attribute("src", THUMBNAIL)
    expect(thumbnail).to_be_visible()
    # Loaded, not refused (by the Content-Security-Policy, say).
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    # The thumbnail is made in the browser: the page the server sends has none.
    sent = page.request.get(f"/exercises/{youtube.pk}/").text()
    assert "data-video-link" in sent
    assert "ytimg" not in sent
    assert too_small(page) == []
    screenshot(page, "library-phone-03-youtube-thumbnail")
    demo.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOT_DIR / "library-phone-03-thumbnail-on-screen.png")

    page.goto(f"/exercises/{short_link.pk}/")
    expect(page.get_by_role("link", name="Watch the demo").locator("img")).to_have_attribute(
        "src", THUMBNAIL
    )
    assert thumbnails_asked
    assert set(thumbnails_asked) == {THUMBNAIL}

    page.goto(f"/exercises/{vimeo.pk}/")
    plain = page.get_by_role("link", name="Watch the demo")
    expect(plain).to_be_visible()
    expect(plain).to_have_attribute("href", "https://vimeo.com/76979871")
    expect(plain.locator("img")).to_have_count(0)


def test_copy_is_offered_on_shared_exercises_only(new_page: NewPage):
    library_seed()
    coach = CoachFactory.create(user__email="copy@example.org")
    page = phone_page(new_page, "copy@example.org")
    sldl = Exercise.objects.get(owner=None, slug="single-leg-deadlift")

    page.goto(f"/exercises/{sldl.pk}/")
    page.get_by_role("button", name="Copy to my library").click()

    expect(page.get_by_role("status")).to_contain_text(
        "“Single-leg deadlift (mine)” is now in your library"
    )
    copy = Exercise.objects.get(owner=coach)
    page.goto(f"/exercises/{copy.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Single-leg deadlift (mine)")
    expect(page.get_by_role("link", name="Edit")).to_be_visible()
    expect(page.get_by_role("button", name="Copy to my library")).to_have_count(0)
