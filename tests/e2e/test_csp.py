"""The Content-Security-Policy in a real browser: the main pages of a coach and of a client, and
the API docs, load with nothing refused; the print and confirm controls, whose inline handlers
the policy would block, still work from the static script."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import ConsoleMessage, Dialog, Page, expect

from coach.models import Client
from programs.models import Assignment, Program
from tests.coach.factories import PASSWORD, ClientFactory, CoachFactory
from tests.e2e.conftest import NewPage, log_in
from tests.exercises.factories import ExerciseFactory
from tests.programs.factories import add, assign, routine

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# Records every violation the browser reports in each document, and counts print requests
# (a headless browser has no print dialog to see).
SPY = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} ` +
    `(${event.sourceFile || document.location.pathname}:${event.lineNumber})`
  );
});
window.__printed = 0;
window.print = () => { window.__printed += 1; };
"""


class Violations:
    """What the browser refused on the pages a test opens: from the page's own
    `securitypolicyviolation` events and from the console, where Chromium reports them too."""

    def __init__(self) -> None:
        self.console: list[str] = []

    def watch(self, page: Page) -> Page:
        page.add_init_script(SPY)
        page.on("console", self._console)
        return page

    def _console(self, message: ConsoleMessage) -> None:
        # Chromium also reports a Permissions-Policy feature it does not know there.
        if "Content Security Policy" in message.text or "Permissions-Policy" in message.text:
            self.console.append(message.text)

    def assert_none(self, page: Page) -> None:
        events = page.evaluate("window.__violations")
        assert not events, f"{page.url} had CSP violations: {events}"
        assert not self.console, f"CSP violations on the console: {self.console}"


def visit(page: Page, path: str, violations: Violations, loaded: Callable[[Page], None]) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, f"{path} answered {response.status}"
    policy = response.headers.get("content-security-policy", "")
    script_src = re.search(r"script-src ([^;]*)", policy)
    assert script_src, f"{path} has no script-src in its policy: {policy!r}"
    assert "unsafe-inline" not in script_src.group(1)
    loaded(page)
    page.wait_for_load_state("networkidle")
    violations.assert_none(page)


def heading(text: str) -> Callable[[Page], None]:
    def check(page: Page) -> None:
        expect(page.get_by_role("heading", level=1)).to_contain_text(text)

    return check


@dataclass
class Practice:
    client: Client
    program: Program
    assignment: Assignment


@pytest.fixture
def practice() -> Practice:
    coach = CoachFactory.create(user__email="coach@example.org")
    client = ClientFactory.create(
        coach=coach, with_login=True, name="Rosa Diaz", email="rosa@example.org", time_zone="UTC"
    )
    squat = ExerciseFactory.create(owner=coach, name="Split squat")
    program = routine(coach, name="Legs routine", length_days=7)
    for number in range(1, 8):
        add(coach, program, number, squat, sets=3, reps=8)
    (assignment,) = assign(coach, program, starts_on=client.local_today(), clients=[client])
    return Practice(client=client, program=program, assignment=assignment)


def test_the_main_pages_run_under_the_policy_with_nothing_refused(
    new_page: NewPage, practice
) -> None:
    client, program = practice.client, practice.program
    violations = Violations()

    # The coach's pages.
    page = violations.watch(new_page())
    log_in(page, "coach@example.org")
    visit(page, "/dashboard/", violations, heading("Clients"))
    visit(page, "/exercises/", violations, heading("Exercise library"))
    visit(page, f"/programs/{program.pk}/", violations, heading("Legs routine"))
    visit(page, f"/clients/{client.pk}/", violations, heading("Rosa Diaz"))
    visit(page, f"/programs/{program.pk}/print/", violations, heading("Legs routine"))

    def docs_rendered(docs: Page) -> None:
        # Swagger UI drew the schema: its title and the operations of a resource.
        expect(docs.get_by_role("heading", name=re.compile("Coach API"))).to_be_visible()
        expect(docs.locator(".opblock").first).to_be_visible()
        # and opens an operation with its parameters and example answers
        docs.locator(".opblock-summary").first.click()
        expect(docs.locator(".opblock-body").first).to_be_visible()

    visit(page, "/api/docs/", violations, docs_rendered)

    # The client's Today.
    phone = violations.watch(new_page(phone=True))
    phone.goto("/accounts/login/")
    phone.get_by_label("E-mail").fill("rosa@example.org")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    expect(phone).to_have_url(re.compile(r"/me/$"))

    def today_ready(today: Page) -> None:
        expect(today.locator("#today[data-ready]")).to_have_count(1)
        expect(today.get_by_role("heading", name="Split squat")).to_be_visible()

    visit(phone, "/me/", violations, today_ready)
    # Today may keep the screen awake during a timer; the devices no page uses are off.
    allowed = phone.evaluate(
        """["screen-wake-lock", "camera", "microphone", "geolocation"]
             .map((feature) => document.featurePolicy.allowsFeature(feature))"""
    )
    assert allowed == [True, False, False, False]


def test_the_policy_refuses_an_inline_handler_and_the_test_sees_it(
    new_page: NewPage, practice
) -> None:
    # given a page watched for violations
    violations = Violations()
    page = violations.watch(new_page())
    log_in(page, "coach@example.org")
    page.goto("/dashboard/")

    # when something puts an inline handler and an inline script into it
    page.evaluate(
        """() => {
          document.body.insertAdjacentHTML("beforeend", '<img src="/static/none.png" alt=""'
            + ' onerror="window.__ran = true">');
          const script = document.createElement("script");
          script.textContent = "window.__ran = true";
          document.body.append(script);
        }"""
    )

    # then neither runs, and both are reported
    page.wait_for_function("window.__violations.length >= 2")
    assert page.evaluate("window.__ran === undefined")
    with pytest.raises(AssertionError, match="CSP violations"):
        violations.assert_none(page)


def test_print_and_confirm_work_without_inline_handlers(new_page: NewPage, practice) -> None:
    client, program, assignment = practice.client, practice.program, practice.assignment
    violations = Violations()
    page = violations.watch(new_page())
    log_in(page, "coach@example.org")

    # The print sheet's button opens the print dialog.
    page.goto(f"/programs/{program.pk}/print/")
    page.get_by_role("button", name="Print").click()
    page.wait_for_function("window.__printed === 1")

    # Cancelling a program asks first: saying no keeps it, saying yes cancels it.
    page.goto(f"/clients/{client.pk}/")
    questions: list[str] = []

    def answer(accept: bool) -> Callable[[Dialog], None]:
        def handle(dialog: Dialog) -> None:
            questions.append(dialog.message)
            if accept:
                dialog.accept()
            else:
                dialog.dismiss()

        return handle

    cancel = page.get_by_role("button", name="Cancel", exact=True)
    page.once("dialog", answer(accept=False))
    cancel.click()
    expect(cancel).to_be_visible()
    page.wait_for_load_state("networkidle")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACTIVE

    page.once("dialog", answer(accept=True))
    with page.expect_navigation():
        cancel.click()
    expect(page.get_by_role("button", name="Cancel", exact=True)).to_have_count(0)
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CANCELLED
    assert questions == ["Cancel this program for Rosa Diaz? Their logs are kept."] * 2
    violations.assert_none(page)
