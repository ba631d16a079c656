"""When the dispatcher was stopped (beat down): the missed reminders go out when it is back, on
their own day and at most three hours late, never a day late."""

from datetime import date, time, timedelta

import pytest

from reminders.models import Reminder
from tests.reminders.support import client_on, dispatch, local, wall_hold_routine

pytestmark = pytest.mark.django_db

ZONE = "America/New_York"
START = date(2027, 5, 3)


@pytest.fixture
def program(coach):  # type: ignore[no-untyped-def]
    return wall_hold_routine(coach, length_days=7)


def _at(day: int, hour: int, minute: int = 0):  # type: ignore[no-untyped-def]
    return local(ZONE, 2027, 5, day, hour, minute)


def test_an_hour_down_the_reminder_goes_out_when_it_is_back(coach, program, time_machine) -> None:
    client = client_on(coach, program, starts_on=START, time_zone=ZONE)
    dispatch(_at(3, 6, 30), time_machine)

    # nothing runs from 06:30 to 07:45; then the dispatcher is back
    (message,) = dispatch(_at(3, 7, 45), time_machine)

    assert message.to == [client.email]
    reminder = Reminder.objects.get()
    assert (reminder.on, reminder.sent_at) == (START, _at(3, 7, 45))
    assert dispatch(_at(3, 7, 46), time_machine) == []


def test_more_than_three_hours_down_it_is_not_sent_and_the_coach_sees_why(
    coach, program, time_machine
) -> None:
    client = client_on(coach, program, starts_on=START, time_zone=ZONE)
    dispatch(_at(3, 6, 30), time_machine)

    assert dispatch(_at(3, 10, 1), time_machine) == []

    reminder = Reminder.objects.get(client=client)
    assert reminder.status == "skipped"
    assert "time passed while reminders were stopped" in reminder.reason
    # the next day comes on time
    assert len(dispatch(_at(4, 7, 0), time_machine)) == 1


def test_a_late_evening_reminder_is_never_sent_on_the_next_day(
    coach, program, time_machine
) -> None:
    client_on(coach, program, starts_on=START, time_zone=ZONE, at=time(23, 30))
    dispatch(_at(3, 23, 0), time_machine)

    # down from 23:00 to 00:30: an hour late, but the day is over
    assert dispatch(_at(4, 0, 30), time_machine) == []
    # that evening's goes out at its time
    assert dispatch(_at(4, 23, 29), time_machine) == []
    assert len(dispatch(_at(4, 23, 30), time_machine)) == 1
    assert [(r.on, r.status) for r in Reminder.objects.order_by("on")] == [
        (START, "skipped"),
        (START + timedelta(days=1), "sent"),
    ]


def test_two_days_down_only_today_goes_out(coach, program, time_machine) -> None:
    client_on(coach, program, starts_on=START, time_zone=ZONE)
    dispatch(_at(3, 6, 0), time_machine)

    sent = dispatch(_at(5, 7, 30), time_machine)

    assert len(sent) == 1
    assert "day 3 of 7" in sent[0].body
    assert [(r.on, r.status) for r in Reminder.objects.order_by("on")] == [
        (START, "skipped"),
        (START + timedelta(days=2), "sent"),
    ]
