"""Browser tests: real Chromium driven through Playwright against pytest-django's live_server.

Debian's Chromium is used (Playwright cannot download its own browsers here); install it with
`make browser` or point CHROMIUM_PATH at another binary. Without it these tests skip locally and
fail in CI (see tests/conftest.py: require).
"""

import os
import re
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    ViewportSize,
    expect,
    sync_playwright,
)

from tests.coach.factories import PASSWORD
from tests.conftest import chromium_path, require

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
DESKTOP = ViewportSize(width=1280, height=800)
PHONE = ViewportSize(width=390, height=844)
SCREENSHOT_DIR = Path(settings.VAR_DIR) / "screenshots"
# Generous for a cold first page load on a slow CI machine, short enough to fail fast.
TIMEOUT_MS = 10_000

NewPage = Callable[..., Page]
Screenshot = Callable[[Page, str], Path]


def log_in(page: Page, email: str) -> None:
    """Log in on the login page, in a desktop window, as the factories' user with `email`."""
    page.set_viewport_size(DESKTOP)
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    # Lets fixtures see whether the test body failed, to keep a screenshot of the failure.
    setattr(item, f"rep_{report.when}", report)
    return report


@contextmanager
def async_unsafe_allowed() -> Iterator[None]:
    """Let the test thread use the ORM while Playwright's event loop is running in it.

    Playwright's sync API keeps an asyncio loop running in the test thread from start to stop, so
    Django refuses ORM calls from the tests (factories, reading rows back, flushing the database)
    as "async unsafe". The tests never touch the ORM while the browser waits on a request, so
    allowing it is safe here. It is undone afterwards: left set, it would leak into other tests
    and into the processes they start (`manage.py check --deploy` fails on it: async.E001).
    """
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        yield
    finally:
        if previous is None:
            del os.environ[ASYNC_UNSAFE]
        else:
            os.environ[ASYNC_UNSAFE] = previous


# One browser for every test in tests/e2e. Package scope rather than session scope, so that
# Playwright (and its event loop in this thread) stops once the browser tests are done instead of
# staying around, with the ORM guard switched off, for the rest of the test run.
# A browser test that waits on something that never comes (a promise, a page that never
# settles) would otherwise hold the whole run until CI's own limit: it fails after this long.
TEST_TIME_LIMIT_SECONDS = 180


@pytest.fixture(autouse=True)
def _time_limit() -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"This browser test ran past {TEST_TIME_LIMIT_SECONDS} s.")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(TEST_TIME_LIMIT_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    path = chromium_path()
    require(
        path is not None and Path(path).exists(),
        f"Chromium not found ({path or 'no `chromium` on PATH'}): "
        "run `make browser` or set CHROMIUM_PATH",
    )
    with async_unsafe_allowed(), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Browser, live_server, request: pytest.FixtureRequest) -> Iterator[NewPage]:
    """Open a page in a fresh browser context: its own cookies, so a separate, logged-out person.

    `new_page()` is a desktop window, `new_page(phone=True)` a 390x844 phone.
    If the test fails, its open pages are saved as var/screenshots/FAILED-<test>-<n>.png.
    """
    expect.set_options(timeout=TIMEOUT_MS)
    contexts: list[BrowserContext] = []

    def open_page(*, phone: bool = False) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=PHONE if phone else DESKTOP,
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=2 if phone else 1,
            locale="en-GB",
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page

    report = getattr(request.node, "rep_call", None)
    name = re.sub(r"[^\w-]+", "-", request.node.name)
    for number, context in enumerate(contexts, start=1):
        if report is not None and report.failed:
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            for page in context.pages:
                page.screenshot(path=SCREENSHOT_DIR / f"FAILED-{name}-{number}.png", full_page=True)
        context.close()


@pytest.fixture
def page(new_page: NewPage) -> Page:
    """A desktop page, for the common case."""
    return new_page()


@pytest.fixture(scope="session")
def screenshot() -> Screenshot:
    """`screenshot(page, "onboarding-signup")` saves var/screenshots/onboarding-signup.png."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> Path:
        path = SCREENSHOT_DIR / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take
