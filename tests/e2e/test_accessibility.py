"""Every page a person reaches, checked by axe-core in Chromium, on the demo practice.

A coach, a client and someone logged out each open their pages at desktop and phone sizes; a
violation of impact "serious" or "critical" fails the page's own test with the rule, its impact,
the elements and the rule's help page. The list of pages is held against the URL configuration:
a new page is either checked here or excluded with its reason.

Loading the demo practice takes seconds and the database is emptied after each browser test,
so the pages are all scanned once, by the first test that needs them, and each page's test then
reads its own result.
"""

import importlib.util
import re
import signal
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Browser, Page

from coach import services as coach_services
from coach.models import Client, SignUpRequest
from exercises.models import Exercise
from exercises.services import exercise_copy
from programs import services as program_services
from programs.models import Program
from reminders.services import unsubscribe_token
from tests.coach.api_access_factories import PersonalAccessTokenFactory, WebhookEndpointFactory
from tests.coach.factories import ClientFactory, InviteFactory
from tests.conftest import RunMetricFactory, require
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    SCREENSHOT_DIR,
    TEST_TIME_LIMIT_SECONDS,
    TIMEOUT_MS,
)
from training.demo import DEMO_COACH_EMAIL, DEMO_PASSWORD, demo_data_load
from training.models import SessionLog

BROWSER = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The live server has no collected static files; it serves them from the finders instead.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]
FAILING_IMPACTS = ("serious", "critical")
CLIENT_EMAIL = "ana@example.com"

ANONYMOUS, COACH, CLIENT = "anonymous", "coach", "client"


@dataclass(frozen=True)
class Demo:
    """The rows the pages with arguments are opened on: the demo practice and a few more."""

    client: Client
    session: SessionLog
    exercise: Exercise
    own_exercise: Exercise
    program: Program
    webhook: int
    token: int
    run: int
    links: dict[str, str]


def demo_pages_data() -> Demo:
    coach = demo_data_load()
    ana = coach.clients.get(email=CLIENT_EMAIL)
    sldl = Exercise.objects.shared().get(slug="single-leg-deadlift")
    wall = Exercise.objects.shared().get(slug="wall-single-leg-hold")
    program = program_services.routine_generate(
        coach=coach,
        name="Morning holds",
        items=[{"exercise": wall.pk, "step": "hold", "step_amount": 10, "every_days": 7}],
    )
    invited = ClientFactory.create(coach=coach, name="Dev Patel", email="dev@example.com")
    invite = InviteFactory.create(client=invited)
    sign_up = SignUpRequest.objects.create(
        email="new.coach@example.com", name="Noor Coach", password="!"
    )
    links = {
        "invite": coach_services.invite_token(invite),
        "sign_up": coach_services.sign_up_token(sign_up),
        "login_email": coach_services.login_email_change_token(
            user=coach.user, new_email="dana@example.com"
        ),
        "unsubscribe": unsubscribe_token(ana),
        "reset_uid": urlsafe_base64_encode(force_bytes(coach.user.pk)),
        "reset_token": default_token_generator.make_token(coach.user),
    }
    return Demo(
        client=ana,
        session=SessionLog.objects.filter(client=ana).order_by("-on").first(),  # type: ignore[arg-type]
        exercise=sldl,
        own_exercise=exercise_copy(coach=coach, exercise=sldl),
        program=program,
        webhook=WebhookEndpointFactory.create(coach=coach).pk,
        token=PersonalAccessTokenFactory.create(user=coach.user).pk,
        run=RunMetricFactory.create(client=ana, on=timezone.localdate() - timedelta(days=2)).pk,
        links=links,
    )


def _none(demo: Demo) -> Sequence[object]:
    return ()


@dataclass(frozen=True)
class Check:
    """One page as one person opens it: a route of the URL configuration, its arguments from
    the demo data, at desktop size or on a phone."""

    route: str
    who: str
    args: Callable[[Demo], Sequence[object]] = _none
    phone: bool = False
    variant: str = ""
    path: str = ""
    # What the person does on the page before it is checked (a form sent with errors, say).
    then: Callable[[Page], None] | None = None
    status: int = 200

    @property
    def id(self) -> str:
        parts = [self.who, self.variant or self.route, "phone" if self.phone else "desktop"]
        return "-".join(parts)

    def url(self, demo: Demo) -> str:
        return self.path or reverse(self.route, args=self.args(demo))


def _client(demo: Demo) -> Sequence[object]:
    return (demo.client.pk,)


def _exercise(demo: Demo) -> Sequence[object]:
    return (demo.exercise.pk,)


def _own_exercise(demo: Demo) -> Sequence[object]:
    return (demo.own_exercise.pk,)


def _program(demo: Demo) -> Sequence[object]:
    return (demo.program.pk,)


def _webhook(demo: Demo) -> Sequence[object]:
    return (demo.webhook,)


def _link(name: str) -> Callable[[Demo], Sequence[object]]:
    return lambda demo: (demo.links[name],)


def _wrong_password(page: Page) -> None:
    page.get_by_label("E-mail").fill("nobody@example.com")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    page.locator(".form-errors, .errorlist").first.wait_for()


def _send_empty(button: str) -> Callable[[Page], None]:
    def send(page: Page) -> None:
        page.locator("main").get_by_role("button", name=button, exact=True).click()
        page.locator(".errorlist, .form-errors").first.wait_for()

    return send


def _generator_preview(page: Page) -> None:
    page.get_by_label(re.compile("^Exercise:?$")).select_option(label="Wall single-leg hold")
    page.get_by_label(re.compile("^Every step, add:?$")).select_option("hold")
    page.get_by_label(re.compile("^Amount:?$")).fill("10")
    page.get_by_role("button", name="Add another exercise").click()
    page.locator("main").get_by_role("button", name="Preview", exact=True).click()
    page.locator("#preview").wait_for()


def _generator_errors(page: Page) -> None:
    page.get_by_label(re.compile("^Exercise:?$")).select_option(label="Squat")
    page.get_by_label(re.compile("^Every step, add:?$")).select_option("reps")
    page.locator("main").get_by_role("button", name="Preview", exact=True).click()
    page.locator(".has-error").first.wait_for()


def _picker_open(page: Page) -> None:
    page.locator("[data-picker]").first.fill("split")
    page.locator(".picker-option").first.wait_for()


ANONYMOUS_PAGES = [
    Check("home", ANONYMOUS),
    Check("login", ANONYMOUS),
    Check("login", ANONYMOUS, variant="login-refused", then=_wrong_password),
    Check("signup", ANONYMOUS),
    Check("signup", ANONYMOUS, variant="signup-errors", then=_send_empty("Sign up")),
    Check("signup-sent", ANONYMOUS),
    Check("signup-confirm", ANONYMOUS, _link("sign_up")),
    Check(
        "signup-confirm",
        ANONYMOUS,
        lambda demo: ("not-a-link",),
        variant="link-invalid",
        status=404,
    ),
    Check("password_reset", ANONYMOUS),
    Check("password_reset_done", ANONYMOUS),
    Check(
        "password_reset_confirm",
        ANONYMOUS,
        lambda demo: (demo.links["reset_uid"], demo.links["reset_token"]),
    ),
    Check("password_reset_complete", ANONYMOUS),
    Check("invite-accept", ANONYMOUS, _link("invite")),
    Check("login-email-confirm", ANONYMOUS, _link("login_email")),
    Check("reminder-unsubscribe", ANONYMOUS, _link("unsubscribe")),
    Check("", ANONYMOUS, variant="page-not-found", path="/no-such-page/", status=404),
]
COACH_PAGES = [
    Check("dashboard", COACH),
    Check("client-create", COACH),
    Check("client-create", COACH, variant="client-errors", then=_send_empty("Add client")),
    Check("client-detail", COACH, _client),
    Check("client-edit", COACH, _client),
    Check("client-archive", COACH, _client),
    Check("client-calendar", COACH, _client),
    Check("client-progress", COACH, _client),
    Check("client-session-enter", COACH, _client),
    Check("client-session-review", COACH, lambda demo: (demo.client.pk, demo.session.pk)),
    Check("client-runs", COACH, _client),
    Check("client-run-import", COACH, _client),
    Check("client-run-delete", COACH, lambda demo: (demo.client.pk, demo.run)),
    Check("exercise-list", COACH),
    Check("exercise-detail", COACH, _exercise),
    Check("exercise-create", COACH),
    Check("exercise-edit", COACH, _own_exercise),
    Check("exercise-archive", COACH, _own_exercise),
    Check("exercise-import", COACH),
    Check("program-list", COACH),
    Check("program-create", COACH),
    Check("program-generate", COACH),
    Check("program-generate", COACH, variant="generator-preview", then=_generator_preview),
    Check("program-generate", COACH, variant="generator-errors", then=_generator_errors),
    Check("program-builder", COACH, _program),
    Check("program-builder", COACH, _program, variant="builder-picker", then=_picker_open),
    Check("program-edit", COACH, _program),
    Check("program-archive", COACH, _program),
    Check("program-assign", COACH, _program),
    Check("program-print", COACH, _program),
    Check("webhook-list", COACH),
    Check("webhook-create", COACH),
    Check("webhook-detail", COACH, _webhook),
    Check("webhook-edit", COACH, _webhook),
    Check("webhook-delete", COACH, _webhook),
    Check("digest-settings", COACH),
    Check("account", COACH),
    Check("login-email-change", COACH),
    Check("token-list", COACH),
    Check("token-revoke", COACH, lambda demo: (demo.token,)),
    Check("password_change", COACH),
    Check("password_change_done", COACH),
]
CLIENT_PAGES = [
    Check("client-home", CLIENT),
    Check("my-progress", CLIENT),
    Check("me-runs", CLIENT),
    Check("me-run-import", CLIENT),
    Check("me-run-delete", CLIENT, lambda demo: (demo.run,)),
    Check("reminder-settings", CLIENT),
    Check("my-calendar", CLIENT),
    Check("account", CLIENT),
]
PAGES = [*ANONYMOUS_PAGES, *COACH_PAGES, *CLIENT_PAGES]
CHECKS = [*PAGES, *[replace(check, phone=True) for check in PAGES]]

# Routes that are not pages a person opens, and why.
EXCLUDED = {
    "logout": "a button in the navigation (POST)",
    "client-restore": "a button on the client's page (POST)",
    "client-invite": "a button on the client's page (POST)",
    "client-stage-step": "a button on the client's page (POST)",
    "client-session-comment": "a form on the session's page (POST)",
    "dashboard-threshold": "a form on the dashboard (POST)",
    "exercise-copy": "a button on the exercise's page (POST)",
    "exercise-restore": "a button on the library page (POST)",
    "exercise-export": "a JSON file to download",
    "favicon": "a redirect to the site's icon",
    "program-duplicate": "a button on the builder (POST)",
    "program-restore": "a button on the programs list (POST)",
    "program-day": "a part of the builder, fetched into it (checked with the builder)",
    "program-warnings": "a part of the builder, fetched into it (checked with the builder)",
    "program-parts": "parts of the builder, fetched into it (checked with the builder)",
    "assignment-action": "buttons on the client's page (POST)",
    "webhook-test": "a button on the webhook's page (POST)",
    "webhook-rotate": "a button on the webhook's page (POST)",
    "today-set-log": "Today's logging, answered with JSON or a redirect (POST)",
    "today-session-log": "Today's logging, answered with JSON or a redirect (POST)",
    "today-login-check": "JSON for Today's offline queue",
    "calendar-feed": "an iCalendar file for calendar apps",
    "client-log-export": "a CSV file to download",
    "all-logs-export": "a CSV file to download",
    "me-log-export": "a CSV file to download",
}
EXCLUDED_PREFIXES = {
    "api-": "the JSON API, its schema and Swagger UI's page of its documentation",
    "admin:": "Django's admin, for staff, not the product's pages",
}

# Pages that fail today, each with the rule and its fix; the mark goes once the page is fixed.
# Checks expected to fail, with the reason (none at present): each one must fail, or the mark
# has outlived its reason.
KNOWN_FAILURES: dict[str, str] = {}


@dataclass
class Scan:
    """What axe found on each page (by check id), and how many lines the top navigation took
    on a phone, for each person."""

    violations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # The address asked for, the one reached, its status and the page's heading.
    opened: dict[str, tuple[str, str, int, str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    nav_lines: dict[str, int] = field(default_factory=dict)
    overflow: dict[str, int] = field(default_factory=dict)


_scan: Scan | Exception | None = None

# How many lines the top navigation's items take (an item starting below the bottom of the line
# before it starts a new line), and how far the furthest reaches past the window's right edge.
NAV_FIT = """() => {
  const boxes = [...document.querySelectorAll('.nav .brand, .nav-links > li')]
    .map((element) => element.getBoundingClientRect())
    .sort((a, b) => a.top - b.top);
  let lines = 0;
  let bottom = -Infinity;
  for (const box of boxes) {
    if (box.top >= bottom - 1) { lines += 1; bottom = box.bottom; }
    else { bottom = Math.max(bottom, box.bottom); }
  }
  const right = Math.max(...boxes.map((box) => box.right));
  return [lines, Math.ceil(right - document.documentElement.clientWidth)];
}"""


def _log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/(dashboard|me)/$"))


def _scan_pages(browser: Browser, base_url: str) -> Scan:
    require(
        importlib.util.find_spec("axe_playwright_python") is not None,
        "axe-playwright-python is not installed: install the dev dependencies",
    )
    axe = importlib.import_module("axe_playwright_python.sync_playwright").Axe()
    demo = demo_pages_data()
    scan = Scan()
    logins = {ANONYMOUS: None, COACH: DEMO_COACH_EMAIL, CLIENT: CLIENT_EMAIL}
    for who, email in logins.items():
        for phone in (False, True):
            context = browser.new_context(
                base_url=base_url,
                viewport=PHONE if phone else DESKTOP,
                is_mobile=phone,
                has_touch=phone,
                locale="en-GB",
            )
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            if email:
                _log_in(page, email)
            for check in CHECKS:
                if check.who != who or check.phone != phone:
                    continue
                # Many pages in one test: each has the browser tests' whole time limit.
                signal.alarm(TEST_TIME_LIMIT_SECONDS)
                url = check.url(demo)
                try:
                    response = page.goto(url)
                    if check.then:
                        check.then(page)
                    results = axe.run(page)
                except Exception as error:  # reported as that page's failure
                    scan.errors[check.id] = f"{type(error).__name__}: {error}"
                    continue
                scan.opened[check.id] = (
                    url,
                    page.url.removeprefix(base_url),
                    response.status if response else 0,
                    page.locator("h1").first.text_content() or "",
                )
                scan.violations[check.id] = results.response["violations"]
                if phone and who not in scan.nav_lines:
                    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
                    page.locator(".site-header").screenshot(
                        path=SCREENSHOT_DIR / f"accessibility-navigation-{who}-phone.png"
                    )
                    scan.nav_lines[who], scan.overflow[who] = page.evaluate(NAV_FIT)
            context.close()
    return scan


@pytest.fixture
def scan(browser: Browser, live_server) -> Scan:
    global _scan  # one scan for every page's test: see the module's docstring
    if _scan is None:
        try:
            _scan = _scan_pages(browser, live_server.url)
        except Exception as error:
            # Every page's test fails with it, without scanning again.
            _scan = error
    if isinstance(_scan, Exception):
        raise _scan
    return _scan


def _report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = [", ".join(map(str, node["target"])) for node in violation["nodes"]]
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  on: {'; '.join(targets[:5])}{' …' if len(targets) > 5 else ''}\n"
            f"  see: {violation['helpUrl']}"
        )
    return "\n".join(lines)


def _params() -> Iterator[Any]:
    for check in CHECKS:
        reason = KNOWN_FAILURES.get(check.id)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(check, id=check.id, marks=[*BROWSER, *marks])


@pytest.mark.parametrize("check", list(_params()))
def test_the_page_has_no_serious_accessibility_violation(check: Check, scan: Scan):
    assert check.id not in scan.errors, scan.errors.get(check.id)
    asked, reached, status, heading = scan.opened[check.id]
    # The page itself was checked, not the login page it might send a person to.
    assert (status, "/accounts/login/" in reached) == (check.status, check.route == "login"), (
        f"{asked} answered {status} at {reached}: {heading}"
    )
    serious = [v for v in scan.violations[check.id] if v["impact"] in FAILING_IMPACTS]
    if serious:
        pytest.fail(f"{check.id}:\n{_report(serious)}", pytrace=False)


@pytest.mark.parametrize("who", [ANONYMOUS, COACH, CLIENT])
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore:No directory at:UserWarning")
def test_the_top_navigation_fits_one_line_on_a_phone(who: str, scan: Scan):
    assert scan.nav_lines[who] == 1
    assert scan.overflow[who] <= 0


# --- every page is checked -------------------------------------------------------------------


def _route_names(patterns: Sequence[Any], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{pattern.namespace}:" if pattern.namespace else namespace
            yield from _route_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_page_of_the_site_is_checked_or_excluded_with_a_reason():
    routes = {
        name
        for name in _route_names(get_resolver().url_patterns)
        if not name.startswith(tuple(EXCLUDED_PREFIXES))
    }
    checked = {check.route for check in CHECKS if check.route}

    assert routes - checked - set(EXCLUDED) == set(), "check these pages or exclude them"
    assert (checked | set(EXCLUDED)) - routes == set(), "these routes are gone"
    assert not checked & set(EXCLUDED)
    assert {c.route for c in CHECKS if c.who == COACH} >= {
        "dashboard", "client-detail", "client-edit", "exercise-list", "exercise-detail",
        "exercise-edit", "program-list", "program-builder", "program-generate",
        "program-assign", "program-print", "account",
    }  # fmt: skip
    assert any(c.route == "client-home" and c.phone for c in CHECKS)
    assert len({c.id for c in CHECKS}) == len(CHECKS)
