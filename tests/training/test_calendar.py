"""The client's calendar feed, read back with the icalendar library as a calendar app reads it."""

from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from coach.calendar_feeds import calendar_feed_regenerate
from coach.models import CalendarFeed, Client
from coach.services import client_archive
from programs.models import Prescription
from programs.services import assignment_pause, assignment_resume
from tests.coach.api_access_factories import CalendarFeedFactory
from tests.coach.factories import ClientFactory, CoachFactory
from tests.programs.factories import add, assign, plan, routine, set_day
from tests.training.api_support import one_sided_hold, routine_of, trainee

pytestmark = pytest.mark.django_db


def feed_path(feed: CalendarFeed) -> str:
    return reverse("calendar-feed", args=[feed.key, feed.secret])


def events_of(response) -> list:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return sorted(calendar.walk("VEVENT"), key=lambda event: event.decoded("dtstart"))


def dates_of(events: list) -> list[date]:
    found = []
    for event in events:
        start = event.decoded("dtstart")
        # All-day: a date, never a time that a time-zone change could move.
        assert type(start) is date, start
        assert event["dtstart"].params.get("VALUE") == "DATE"
        assert event.decoded("dtend") == start + timedelta(days=1)
        found.append(start)
    return found


def fetch(feed: CalendarFeed):
    return HttpClient().get(feed_path(feed))


# --- what the feed holds ---------------------------------------------------------------------


def test_each_training_day_is_an_all_day_event_with_its_exercises_and_a_link_to_today(coach):
    person = trainee(coach, starts_on=date(2026, 5, 4), length_days=3, sex="female")
    feed = calendar_feed_regenerate(client=person.client)

    events = events_of(fetch(feed))

    assert dates_of(events) == [date(2026, 5, 4), date(2026, 5, 5), date(2026, 5, 6)]
    first = events[0]
    assert str(first["summary"]) == "Day 1 of 3: 3-day routine"
    description = str(first["description"])
    assert "Wall single-leg hold" in description
    stage = person.exercise.stages.get(order=1)
    assert f"Stage 1: {stage.name}" in description
    assert "2 sets × 7 per side, hold 10 s, rest 30 s" in description
    assert str(first["url"]) == "http://testserver/me/?date=2026-05-04"
    assert "http://testserver/me/?date=2026-05-04" in description
    assert len({str(event["uid"]) for event in events}) == 3


def test_the_dose_follows_the_clients_current_stage(coach):
    from training.services import client_stage_set

    person = trainee(coach, starts_on=date(2026, 5, 4), length_days=2)
    client_stage_set(
        by=coach.user,
        client=person.client,
        exercise=person.exercise,
        stage=person.exercise.stages.get(order=2),
    )
    feed = calendar_feed_regenerate(client=person.client)

    description = str(events_of(fetch(feed))[0]["description"])

    assert "Stage 2" in description
    assert "3 sets × 8 per side, hold 20 s, rest 60 s" in description


def test_rest_days_and_empty_days_are_not_listed(coach):
    person = trainee(coach, starts_on=date(2026, 5, 4), length_days=5)
    program = person.assignment.program
    set_day(coach, program, 2, is_rest=True)
    Prescription.objects.filter(day__program=program, day__number=4).delete()
    feed = calendar_feed_regenerate(client=person.client)

    events = events_of(fetch(feed))

    assert dates_of(events) == [date(2026, 5, 4), date(2026, 5, 6), date(2026, 5, 8)]
    assert [str(e["summary"]).split(":")[0] for e in events] == [
        "Day 1 of 5",
        "Day 3 of 5",
        "Day 5 of 5",
    ]


def test_paused_days_are_not_listed_and_move_once_resumed(coach):
    person = trainee(coach, starts_on=date(2026, 5, 4), length_days=4)
    feed = calendar_feed_regenerate(client=person.client)
    assert len(events_of(fetch(feed))) == 4

    assignment_pause(coach=coach, assignment=person.assignment, on=date(2026, 5, 6))

    assert dates_of(events_of(fetch(feed))) == [date(2026, 5, 4), date(2026, 5, 5)]

    person.assignment.refresh_from_db()
    assignment_resume(coach=coach, assignment=person.assignment, on=date(2026, 5, 9))

    assert dates_of(events_of(fetch(feed))) == [
        date(2026, 5, 4),
        date(2026, 5, 5),
        date(2026, 5, 9),
        date(2026, 5, 10),
    ]


def test_a_finished_or_cancelled_program_leaves_the_calendar(coach):
    from programs.services import assignment_cancel

    person = trainee(coach, starts_on=date(2026, 5, 4), length_days=3)
    feed = calendar_feed_regenerate(client=person.client)

    assignment_cancel(coach=coach, assignment=person.assignment, on=date(2026, 5, 5))

    assert events_of(fetch(feed)) == []


@pytest.mark.parametrize(
    ("time_zone", "starts_on"),
    [
        ("Europe/Berlin", date(2026, 3, 27)),  # clocks go forward on Sunday 29 March
        ("Europe/Berlin", date(2026, 10, 23)),  # and back on Sunday 25 October
        ("America/New_York", date(2026, 3, 6)),  # forward on Sunday 8 March
        ("America/New_York", date(2026, 10, 30)),  # back on Sunday 1 November
    ],
)
def test_days_keep_their_dates_across_a_daylight_saving_change(
    coach, time_machine, time_zone, starts_on
):
    # Read late in the client's evening, when UTC is already on the next date.
    time_machine.move_to("2026-03-01 23:30:00+00:00", tick=False)
    person = trainee(coach, starts_on=starts_on, length_days=6, time_zone=time_zone)
    feed = calendar_feed_regenerate(client=person.client)

    events = events_of(fetch(feed))

    assert dates_of(events) == [starts_on + timedelta(days=n) for n in range(6)]
    assert [str(e["summary"])[:10] for e in events] == [f"Day {n} of 6" for n in range(1, 7)]


def test_a_weekly_plan_keeps_its_weekdays_across_a_daylight_saving_change(coach):
    exercise = one_sided_hold(coach)
    template = plan(coach, weeks=2, weekdays=(0, 2, 4), name="Twice-weekly plan")
    for number in range(1, 7):
        add(coach, template, number, exercise)
    person = ClientFactory.create(coach=coach, time_zone="Europe/Berlin")
    # Monday 19 October 2026: the clocks go back in Berlin on the 25th.
    assign(coach, template, starts_on=date(2026, 10, 19), clients=[person])
    feed = calendar_feed_regenerate(client=person)

    on = dates_of(events_of(fetch(feed)))

    assert on == [
        date(2026, 10, 19),
        date(2026, 10, 21),
        date(2026, 10, 23),
        date(2026, 10, 26),
        date(2026, 10, 28),
        date(2026, 10, 30),
    ]
    assert {day.weekday() for day in on} == {0, 2, 4}


def test_the_feed_has_only_its_clients_days(coach):
    ana = trainee(coach, starts_on=date(2026, 5, 4), length_days=2, name="Ana")
    other_exercise = one_sided_hold(coach, name="Copenhagen plank")
    ben = ClientFactory.create(coach=coach, name="Ben")
    assign(
        coach,
        routine_of(coach, other_exercise, length_days=9),
        starts_on=date(2026, 5, 4),
        clients=[ben],
    )
    feed = calendar_feed_regenerate(client=ana.client)

    content = fetch(feed).content.decode()

    assert "Copenhagen plank" not in content
    assert "9-day routine" not in content
    assert "Ben" not in content
    assert len(events_of(fetch(feed))) == 2


def test_the_feed_costs_the_same_queries_for_a_week_and_for_two_months(coach):
    short = trainee(coach, starts_on=date(2026, 5, 4), length_days=7)
    long = trainee(coach, starts_on=date(2026, 5, 4), length_days=60, exercise=short.exercise)
    feeds = [calendar_feed_regenerate(client=p.client) for p in (short, long)]
    counts = []
    for feed in feeds:
        with CaptureQueriesContext(connection) as queries:
            assert fetch(feed).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_the_feed_follows_changes_to_the_plan(coach):
    person = trainee(coach, starts_on=date(2026, 5, 4), length_days=2)
    feed = calendar_feed_regenerate(client=person.client)
    assert len(events_of(fetch(feed))) == 2  # now in the cache

    assign(
        coach,
        routine(coach, length_days=3, name="Extra"),
        starts_on=date(2026, 6, 1),
        clients=[person.client],
    )
    add(
        coach,
        Client.objects.get(pk=person.client.pk).assignments.get(program__name="Extra").program,
        1,
        person.exercise,
    )

    assert "Extra" in fetch(feed).content.decode()


# --- the secret address ----------------------------------------------------------------------


def test_a_wrong_secret_or_key_is_a_404(coach):
    person = trainee(coach, starts_on=date(2026, 5, 4), length_days=2)
    feed = calendar_feed_regenerate(client=person.client)
    other = CalendarFeedFactory.create()

    wrong_secret = HttpClient().get(reverse("calendar-feed", args=[feed.key, feed.secret[:-1]]))
    swapped = HttpClient().get(reverse("calendar-feed", args=[feed.key, other.secret]))
    unknown_key = HttpClient().get(reverse("calendar-feed", args=["0" * 16, feed.secret]))

    assert wrong_secret.status_code == 404
    assert swapped.status_code == 404
    assert unknown_key.status_code == 404
    assert b"routine" not in wrong_secret.content


def test_an_archived_clients_feed_is_a_404(coach):
    person = trainee(coach, starts_on=date(2026, 5, 4), length_days=2)
    feed = calendar_feed_regenerate(client=person.client)

    client_archive(client=person.client)

    assert fetch(feed).status_code == 404


def test_the_client_makes_and_replaces_their_address_and_the_old_one_dies_at_once(coach):
    person = trainee(coach, starts_on=date(2026, 5, 4), length_days=2)
    http = HttpClient()
    assert person.client.user is not None
    http.force_login(person.client.user)

    page = http.get(reverse("my-calendar")).content.decode()
    assert "Make my calendar address" in page
    assert not CalendarFeed.objects.exists()

    made = http.post(reverse("my-calendar"), follow=True).content.decode()
    first = CalendarFeed.objects.get(client=person.client)
    first_url = f"http://testserver{feed_path(first)}"
    assert first_url in made
    assert len(events_of(HttpClient().get(feed_path(first)))) == 2

    # Replacing asks first, and changes nothing until confirmed.
    asked = http.post(reverse("my-calendar"))
    assert "Make a new calendar address?" in asked.content.decode()
    assert HttpClient().get(feed_path(first)).status_code == 200

    http.post(reverse("my-calendar"), {"confirm": "1"})

    second = CalendarFeed.objects.get(client=person.client)
    assert HttpClient().get(feed_path(first)).status_code == 404
    assert len(events_of(HttpClient().get(feed_path(second)))) == 2
    assert (
        f"http://testserver{feed_path(second)}" in http.get(reverse("my-calendar")).content.decode()
    )


def test_the_coach_can_replace_a_clients_address(coach_client, coach):
    person = trainee(coach, starts_on=date(2026, 5, 4), length_days=2)
    first = calendar_feed_regenerate(client=person.client)
    url = reverse("client-calendar", args=[person.client.pk])

    assert (
        urlsplit(f"http://testserver{feed_path(first)}").path
        in coach_client.get(url).content.decode()
    )
    coach_client.post(url, {"confirm": "1"})

    assert HttpClient().get(feed_path(first)).status_code == 404
    second = CalendarFeed.objects.get(client=person.client)
    assert HttpClient().get(feed_path(second)).status_code == 200


def test_another_coach_cannot_see_or_replace_a_clients_address(client, coach):
    person = trainee(coach, starts_on=date(2026, 5, 4), length_days=2)
    feed = calendar_feed_regenerate(client=person.client)
    client.force_login(CoachFactory.create().user)
    url = reverse("client-calendar", args=[person.client.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "1"}).status_code == 404
    assert CalendarFeed.objects.get(client=person.client).secret == feed.secret
