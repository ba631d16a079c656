"""Today on a phone, in a real browser: the client runs a hold timer on a clock the test
controls, logs both sides, loses the connection, logs a set that waits in the browser and is
sent once when the connection is back, and finishes the session; then the coach sees the
session on the client's page."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from exercises.models import Exercise
from exercises.services import library_seed
from programs import services
from tests.coach.factories import PASSWORD, ClientFactory, CoachFactory
from tests.e2e.conftest import NewPage, Screenshot, log_in
from tests.exercises.factories import ExerciseFactory
from tests.programs.factories import add, routine
from training.models import SessionLog, SetLog

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The live server has no collected static files; it serves them from the finders instead.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

HOLD = "Wall single-leg hold"
# Counts what the page asks of the device: each sound it starts (its pitch), each vibration,
# each request to keep the screen awake. A headless browser plays and shakes nothing.
DEVICE_SPY = """
window.__sounds = [];
window.__vibrations = [];
window.__wakeLocks = 0;
if (window.AudioContext) {
  window.AudioContext = class extends window.AudioContext {
    createOscillator() {
      const oscillator = super.createOscillator();
      const start = oscillator.start.bind(oscillator);
      oscillator.start = (...args) => {
        window.__sounds.push(oscillator.frequency.value);
        return start(...args);
      };
      return oscillator;
    }
  };
}
Object.defineProperty(navigator, "vibrate", {
  configurable: true,
  value: (pattern) => { window.__vibrations.push(pattern); return true; },
});
if (navigator.wakeLock) {
  const request = navigator.wakeLock.request.bind(navigator.wakeLock);
  navigator.wakeLock.request = (type) => { window.__wakeLocks += 1; return request(type); };
}
"""


def device(page: Page) -> dict[str, int]:
    """How many sounds, vibrations and wake locks the page has asked for so far."""
    return page.evaluate(
        "({sounds: __sounds.length, vibrations: __vibrations.length, wakeLocks: __wakeLocks})"
    )


def log_in_on_phone(phone: Page, email: str) -> None:
    phone.goto("/accounts/login/")
    phone.get_by_label("E-mail").fill(email)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    expect(phone).to_have_url(re.compile(r"/me/$"))
    # the page's script has taken over the forms (a click before that posts the plain form)
    expect(phone.locator("#today[data-ready]")).to_have_count(1)


def test_a_client_logs_a_day_on_a_phone_through_a_lost_connection(
    new_page: NewPage, screenshot: Screenshot
):
    # given Ivy on day 12 of a 30-day wall hold routine (75 s a side in its second week)
    library_seed()
    coach = CoachFactory.create(user__email="coach@example.org", practice_name="Wall Works")
    ivy = ClientFactory.create(
        with_login=True, coach=coach, name="Ivy Park", email="ivy@example.org", time_zone="UTC"
    )
    hold = Exercise.objects.shared().get(slug="wall-single-leg-hold")
    program = services.routine_generate(
        coach=coach,
        name="Wall month",
        items=[{"exercise": hold.pk, "sets": 1, "hold_seconds": 60}],
        step="hold",
        step_amount=15,
    )
    today = ivy.local_today()
    # She is past the two-foot set-up: on the first single-leg rung, held a side at a time.
    services.assignment_create_bulk(
        coach=coach,
        template=program,
        clients=[ivy],
        starts_on=today - timedelta(days=11),
        starting_stages={hold.pk: hold.stages.get(key="single-leg-1-min").pk},
    )

    # She opens Today on her phone; the page's clock is the test's.
    phone = new_page(phone=True)
    phone.add_init_script(DEVICE_SPY)
    started = datetime.now(UTC)
    phone.clock.install(time=started)
    log_in_on_phone(phone, "ivy@example.org")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hello, Ivy Park")
    expect(
        phone.get_by_text(re.compile(rf"^Today, {today:%A} {today.day} {today:%B %Y}$"))
    ).to_be_visible()
    expect(phone.get_by_text("Day 12 of 30")).to_be_visible()
    item = phone.locator("[data-item]").filter(has=phone.get_by_role("heading", name=HOLD))
    expect(item).to_contain_text("Stage 2: Single-leg hold, 1 minute")
    expect(item).to_contain_text("1 set, hold 75 s per side, rest 30 s")
    expect(item.locator("[data-timer-digits]")).to_have_text("1:15")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scroll"
    screenshot(phone, "today-01-day")

    # The hold timer runs left, then right, then the rest, only as the test moves the clock.
    phone.clock.pause_at(started + timedelta(hours=1))
    item.get_by_role("button", name="Start timer").click()
    phase, digits = item.locator("[data-timer-phase]"), item.locator("[data-timer-digits]")
    expect(phase).to_have_text("Left")
    # the screen is kept awake while it runs, and it is silent until a side ends
    assert device(phone) == {"sounds": 0, "vibrations": 0, "wakeLocks": 1}
    phone.clock.run_for(30_000)
    expect(digits).to_have_text("0:45")
    screenshot(phone, "today-02-timer")
    phone.clock.run_for(45_000)
    expect(phase).to_have_text("Right")
    expect(digits).to_have_text("1:15")
    assert device(phone) == {"sounds": 1, "vibrations": 1, "wakeLocks": 1}
    phone.clock.run_for(75_000)
    expect(phase).to_have_text("Rest")
    expect(digits).to_have_text("0:30")
    phone.clock.run_for(30_000)
    expect(phase).to_have_text("Done: log each side below")
    assert device(phone) == {"sounds": 3, "vibrations": 3, "wakeLocks": 1}

    # She logs both sides with what the timer held.
    item.get_by_role("button", name="Log left · held 75 s").click()
    item.get_by_role("button", name="Log right · held 75 s").click()
    logged = item.locator("[data-logged]")
    expect(logged).to_contain_text("Set 1 · Left · 75 s")
    expect(logged).to_contain_text("Set 1 · Right · 75 s")
    status = phone.locator("[data-sync-status]")
    expect(status).to_have_text("All sent · nothing waiting")
    assert list(
        SetLog.objects.order_by("id").values_list("side", "set_number", "hold_seconds")
    ) == [
        ("left", 1, 75),
        ("right", 1, 75),
    ]

    # The connection goes; she rates her form and logs another left side.
    phone.context.set_offline(True)
    item.get_by_role("button", name="More form (1–5)").click()
    expect(item.get_by_role("spinbutton", name="Form (1–5)")).to_have_value("4")
    item.get_by_role("button", name="Log left").click()
    expect(status).to_contain_text("1 waiting")
    expect(logged).to_contain_text("Set 2 · Left · 75 s · form 4/5 · waiting to be sent")
    screenshot(phone, "today-03-offline")
    assert SetLog.objects.count() == 2

    # The connection comes back: the set is sent, once.
    phone.context.set_offline(False)
    expect(status).to_have_text("All sent · nothing waiting")
    expect(logged).not_to_contain_text("waiting to be sent")
    assert SetLog.objects.filter(side="left", set_number=2).count() == 1
    assert SetLog.objects.get(side="left", set_number=2).form == 4
    assert SetLog.objects.count() == 3
    # Opening the page again sends nothing more.
    phone.reload()
    expect(phone.locator("#today[data-ready]")).to_have_count(1)
    expect(logged).to_contain_text("Set 2 · Left · 75 s · form 4/5")
    expect(logged.locator("li")).to_have_count(3)
    assert SetLog.objects.count() == 3

    # She finishes the session.
    phone.get_by_role("spinbutton", name="Overall effort (1–10)").fill("7")
    phone.get_by_role("button", name="Finish session").click()
    expect(phone.locator("[data-session-status]")).to_have_text("Done")
    expect(status).to_have_text("All sent · nothing waiting")
    session = SessionLog.objects.get()
    assert (session.status, session.effort, session.on) == ("done", 7, today)
    assert session.completed_at is not None
    screenshot(phone, "today-04-finished")

    # Her coach opens her page and sees the session.
    desk = new_page()
    log_in(desk, "coach@example.org")
    desk.goto(f"/clients/{ivy.pk}/")
    sessions = desk.locator("section").filter(
        has=desk.get_by_role("heading", name="Recent sessions")
    )
    logged_day = sessions.locator("article").filter(
        has=desk.get_by_role("heading", name=re.compile(rf"^{today:%a} {today.day} {today:%b %Y}"))
    )
    expect(logged_day).to_contain_text("Done")
    expect(logged_day).to_contain_text("Wall month, day 12")
    screenshot(desk, "today-05-coach-sees-the-session")


def test_sets_waiting_in_the_browser_are_sent_only_from_their_owners_login(new_page: NewPage):
    # given Ivy and Ben, clients of one coach, each on a routine
    library_seed()
    coach = CoachFactory.create(practice_name="Wall Works")
    hold = Exercise.objects.shared().get(slug="wall-single-leg-hold")
    program = services.routine_generate(
        coach=coach,
        name="Wall month",
        items=[{"exercise": hold.pk, "sets": 1, "hold_seconds": 60}],
        step="hold",
        step_amount=15,
    )
    ivy, ben = (
        ClientFactory.create(with_login=True, coach=coach, name=name, email=email, time_zone="UTC")
        for name, email in (("Ivy Park", "ivy@example.org"), ("Ben Carter", "ben@example.org"))
    )
    for person in (ivy, ben):
        services.assignment_create_bulk(
            coach=coach,
            template=program,
            clients=[person],
            starts_on=person.local_today(),
            starting_stages={hold.pk: hold.stages.get(key="single-leg-1-min").pk},
        )

    # Ivy logs a set without a connection on a shared phone.
    phone = new_page(phone=True)
    log_in_on_phone(phone, "ivy@example.org")
    phone.context.set_offline(True)
    phone.get_by_role("button", name="Log left").click()
    status = phone.locator("[data-sync-status]")
    expect(status).to_contain_text("1 waiting")

    # Her login expires before the connection comes back: the set stays in the browser.
    phone.context.clear_cookies()
    phone.context.set_offline(False)
    expect(status).to_contain_text("1 waiting · your login has expired")
    assert SetLog.objects.count() == 0

    # Ben logs in on the same phone: his Today does not send Ivy's set...
    other = phone.context.new_page()
    log_in_on_phone(other, "ben@example.org")
    expect(other.get_by_text("Day 1 of 30")).to_be_visible()
    queue_key = f"coach.today.queue.{ivy.user_id}"
    assert len(other.evaluate(f"JSON.parse(localStorage.getItem('{queue_key}'))")) == 1
    # ...nor does Ivy's page still open in the other tab, now that the login is Ben's.
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect(status).to_contain_text("1 waiting · this browser is logged in as someone else")
    assert SetLog.objects.count() == 0

    # Ben logs out; Ivy logs in again and her set is sent, under her name.
    other.get_by_role("button", name="Log out").click()
    # (his tab is left on the login page, not closed: Chromium can hang a close that races
    # the log-out's navigation)
    expect(other).to_have_url(re.compile(r"/accounts/login/"))
    phone.get_by_role("link", name="log in as Ivy Park to send them").click()
    phone.get_by_label("E-mail").fill("ivy@example.org")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    expect(phone).to_have_url(re.compile(r"/me/$"))
    # the page's script has taken over the forms (a click before that posts the plain form)
    expect(phone.locator("#today[data-ready]")).to_have_count(1)
    expect(phone.locator("[data-sync-status]")).to_have_text("All sent · nothing waiting")
    set_log = SetLog.objects.get()
    assert set_log.session.client == ivy
    assert set_log.entered_by == ivy.user
    assert phone.evaluate(f"localStorage.getItem('{queue_key}')") is None


def test_the_metronome_keeps_the_tempo_silently_until_the_sound_is_turned_on(new_page: NewPage):
    # given single-leg calf raises at a 2-0-2-0 tempo: 2 s down, 2 s up
    coach = CoachFactory.create(practice_name="Wall Works")
    calves = ExerciseFactory.create(owner=coach, name="Single-leg calf raise", stages=1)
    program = routine(coach, length_days=10, name="Calf ladder")
    add(coach, program, 1, calves, sets=3, reps_per_side=12, tempo="2-0-2-0")
    ivy = ClientFactory.create(
        with_login=True, coach=coach, name="Ivy Park", email="ivy@example.org", time_zone="UTC"
    )
    services.assignment_create_bulk(
        coach=coach, template=program, clients=[ivy], starts_on=ivy.local_today()
    )
    phone = new_page(phone=True)
    phone.add_init_script(DEVICE_SPY)
    started = datetime.now(UTC)
    phone.clock.install(time=started)
    log_in_on_phone(phone, "ivy@example.org")
    item = phone.locator("[data-item]").filter(
        has=phone.get_by_role("heading", name="Single-leg calf raise")
    )
    metronome = item.get_by_role("button", name="Metronome")
    sound = item.get_by_role("button", name="Sound")
    beat = item.locator("[data-metronome-text]")
    expect(beat).to_have_text("Tempo 2-0-2-0")
    expect(sound).to_have_attribute("aria-pressed", "false")

    # when she starts the metronome, it counts the reps and their phases without a sound
    phone.clock.pause_at(started + timedelta(hours=1))
    metronome.click()
    expect(metronome).to_have_attribute("aria-pressed", "true")
    expect(beat).to_have_text("Rep 1 · Lower 2 s")
    phone.clock.run_for(2_000)
    expect(beat).to_have_text("Rep 1 · Lift 2 s")
    phone.clock.run_for(2_000)
    expect(beat).to_have_text("Rep 2 · Lower 2 s")
    assert device(phone)["sounds"] == 0

    # with the sound on, each beat is heard
    sound.click()
    expect(sound).to_have_attribute("aria-pressed", "true")
    phone.clock.run_for(4_000)
    expect(beat).to_have_text("Rep 3 · Lower 2 s")
    assert device(phone)["sounds"] == 2
    metronome.click()
    expect(metronome).to_have_attribute("aria-pressed", "false")
    expect(beat).to_have_text("Tempo 2-0-2-0")

    # and the steppers change what one tap logs
    expect(item.get_by_role("spinbutton", name="Reps")).to_have_value("12")
    item.get_by_role("button", name="More reps").click()
    item.get_by_role("button", name="Log left").click()
    expect(item.locator("[data-logged]")).to_contain_text("Set 1 · Left · 13 reps")
    expect(phone.locator("[data-sync-status]")).to_have_text("All sent · nothing waiting")
    assert SetLog.objects.get().reps == 13
