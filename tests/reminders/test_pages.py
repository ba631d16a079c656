"""The client's reminder settings, the unsubscribe link and mail programs' one-click
unsubscribe, the reminder history on the coach's client page, the coach's digest settings."""

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from reminders.models import Reminder, ReminderSchedule
from reminders.services import unsubscribe_token
from tests.coach.factories import ClientFactory
from tests.reminders.factories import ReminderFactory
from tests.reminders.support import client_on, local, wall_hold_routine

pytestmark = pytest.mark.django_db
SETTINGS_URL = "/me/settings/reminders/"


@pytest.fixture
def member(coach, client):  # type: ignore[no-untyped-def]
    """A client with a login and a current program, logged in."""
    program = wall_hold_routine(coach, length_days=7)
    person = client_on(
        coach, program, starts_on=timezone.localdate(), time_zone="Asia/Tokyo", with_login=True
    )
    client.force_login(person.user)
    return person


def test_the_client_turns_reminders_off_and_changes_the_time(client, member) -> None:
    page = client.get(SETTINGS_URL)
    assert page.status_code == 200
    assert "Asia/Tokyo" in page.content.decode()
    assert 'value="07:00"' in page.content.decode()

    response = client.post(SETTINGS_URL, {"reminder_time": "06:15"}, follow=True)

    assert "Reminders are off." in response.content.decode()
    member.refresh_from_db()
    assert member.reminder_time == time(6, 15)
    schedule = ReminderSchedule.objects.get(client=member)
    assert (schedule.enabled, schedule.turned_off_via, schedule.next_due_at) == (
        False,
        "settings",
        None,
    )

    response = client.post(SETTINGS_URL, {"enabled": "on", "reminder_time": "06:15"}, follow=True)

    assert "Reminders are on, at 06:15 your time." in response.content.decode()
    schedule.refresh_from_db()
    assert schedule.enabled
    assert schedule.next_due_at is not None
    assert schedule.next_due_at.astimezone(ZoneInfo("Asia/Tokyo")).time() == time(6, 15)


def test_a_bad_time_is_shown_again_with_a_message(client, member) -> None:
    response = client.post(SETTINGS_URL, {"enabled": "on", "reminder_time": "25:99"})

    assert response.status_code == 200
    assert "Enter a valid time." in response.content.decode()
    member.refresh_from_db()
    assert member.reminder_time == time(7, 0)


def test_only_a_client_has_reminder_settings(coach_client) -> None:
    assert coach_client.get(SETTINGS_URL).status_code == 404


def test_the_unsubscribe_link_works_without_a_login(member) -> None:
    browser = Browser(enforce_csrf_checks=True)
    url = reverse("reminder-unsubscribe", args=[unsubscribe_token(member)])

    # opening the link asks first (mail scanners open links too)
    page = browser.get(url)
    assert page.status_code == 200
    assert "Unsubscribe from reminders" in page.content.decode()
    assert ReminderSchedule.objects.filter(client=member, enabled=False).count() == 0

    # the one button turns them off, with no login and no CSRF token
    done = browser.post(url, {"action": "off"})
    assert done.status_code == 200
    assert "Reminders are off" in done.content.decode()
    schedule = ReminderSchedule.objects.get(client=member)
    assert (schedule.enabled, schedule.turned_off_via) == (False, "link")

    # and the page offers to turn them back on
    again = browser.post(url, {"action": "on"})
    assert "Reminders are back on." in again.content.decode()
    assert ReminderSchedule.objects.get(client=member).enabled


def test_a_mail_programs_one_click_post_unsubscribes(member) -> None:
    browser = Browser(enforce_csrf_checks=True)
    url = reverse("reminder-unsubscribe", args=[unsubscribe_token(member)])

    # RFC 8058: a POST of "List-Unsubscribe=One-Click" to the header's link
    response = browser.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    schedule = ReminderSchedule.objects.get(client=member)
    assert (schedule.enabled, schedule.turned_off_via) == (False, "mail")


@pytest.mark.parametrize("token", ["nonsense", "MQ:1y4tnc:forged-signature"])
def test_a_forged_or_broken_link_changes_nothing(member, token: str) -> None:
    response = Browser().post(reverse("reminder-unsubscribe", args=[token]), {"action": "off"})

    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert not ReminderSchedule.objects.filter(enabled=False).exists()


def test_the_coach_reads_the_history_sent_skipped_failed_and_why(coach) -> None:
    person = ClientFactory.create(coach=coach, time_zone="Europe/Berlin")
    day = date(2027, 3, 1)
    ReminderFactory.create(
        client=person,
        on=day,
        status="sent",
        sent_at=local("Europe/Berlin", 2027, 3, 1, 7, 0),
        summary="Wall hold, day 1 of 7",
    )
    ReminderFactory.create(
        client=person, on=day + timedelta(days=1), status="skipped", reason="Not sent: a rest day."
    )
    ReminderFactory.create(
        client=person,
        on=day + timedelta(days=2),
        status="failed",
        reason="The mail server did not take it: 550 No such mailbox",
    )
    ReminderFactory.create(client=person, on=day + timedelta(days=3), status="unknown")

    html = Template("{% load reminders %}{% reminder_history client %}").render(
        Context({"client": person})
    )

    assert "Sent</span> at 07:00" in html
    assert "Wall hold, day 1 of 7" in html
    assert "Not sent: a rest day." in html
    assert "550 No such mailbox" in html
    assert "Unknown" in html
    assert html.index("Unknown") < html.index("550") < html.index("rest day")  # newest first


def test_the_history_says_when_the_client_turned_reminders_off(coach) -> None:
    from reminders.services import reminders_turn_off

    person = ClientFactory.create(coach=coach, name="Noor Haddad")
    reminders_turn_off(client=person, via="link")

    html = Template("{% load reminders %}{% reminder_history client %}").render(
        Context({"client": person})
    )

    assert "Noor Haddad turned them off from the link in a reminder" in html
    assert "No reminders yet." in html


def test_the_history_costs_two_queries_however_long(coach, django_assert_num_queries) -> None:
    person = ClientFactory.create(coach=coach)
    template = Template("{% load reminders %}{% reminder_history client %}")
    for offset in range(20):
        ReminderFactory.create(client=person, on=date(2027, 1, 1) + timedelta(days=offset))

    with django_assert_num_queries(2):
        template.render(Context({"client": person}))
    assert Reminder.objects.count() == 20


def test_the_coach_turns_the_digest_on_at_a_time_of_their_zone(coach_client, coach) -> None:
    response = coach_client.post(
        "/settings/digest/",
        {"enabled": "on", "send_time": "06:30", "time_zone": "Europe/Lisbon"},
        follow=True,
    )

    assert "The morning digest is on." in response.content.decode()
    digest = coach.digest
    assert (digest.enabled, digest.send_time, digest.time_zone) == (
        True,
        time(6, 30),
        "Europe/Lisbon",
    )
    assert digest.next_due_at is not None


def test_a_client_has_no_digest_settings(client, member) -> None:
    assert client.get("/settings/digest/").status_code == 404


def test_the_clients_page_shows_the_reminder_history(coach, coach_client) -> None:
    person = ClientFactory.create(coach=coach, time_zone="Europe/Berlin")
    ReminderFactory.create(
        client=person, on=date(2027, 3, 2), status="skipped", reason="Not sent: a rest day."
    )

    page = coach_client.get(reverse("client-detail", args=[person.pk])).content.decode()

    assert "Not sent: a rest day." in page


def test_the_dashboard_links_the_morning_digest(coach_client) -> None:
    page = coach_client.get(reverse("dashboard")).content.decode()

    assert f'href="{reverse("digest-settings")}"' in page
