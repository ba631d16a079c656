"""A 07:00 reminder arrives at 07:00 local time around both daylight-saving changes of three
zones, a time that does not exist goes out when the clock jumps, once, and a time that happens
twice goes out the first time, once. Run through `dispatch_reminders --at`, minute by minute
around each time, with the clock at that minute (the sends run in-process)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from reminders.models import Reminder
from tests.reminders.support import client_on, dispatch, wall_hold_routine

pytestmark = pytest.mark.django_db
MINUTE = timedelta(minutes=1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# Each zone's change of clocks in 2026, and 07:00 local on the day before, of and after it, in
# UTC (written out here, not computed by the code under test).
SEVEN_AM = {
    ("Europe/Berlin", date(2026, 3, 29)): [
        utc(2026, 3, 28, 6, 0), utc(2026, 3, 29, 5, 0), utc(2026, 3, 30, 5, 0)
    ],
    ("Europe/Berlin", date(2026, 10, 25)): [
        utc(2026, 10, 24, 5, 0), utc(2026, 10, 25, 6, 0), utc(2026, 10, 26, 6, 0)
    ],
    ("America/New_York", date(2026, 3, 8)): [
        utc(2026, 3, 7, 12, 0), utc(2026, 3, 8, 11, 0), utc(2026, 3, 9, 11, 0)
    ],
    ("America/New_York", date(2026, 11, 1)): [
        utc(2026, 10, 31, 11, 0), utc(2026, 11, 1, 12, 0), utc(2026, 11, 2, 12, 0)
    ],
    ("Australia/Sydney", date(2026, 4, 5)): [
        utc(2026, 4, 3, 20, 0), utc(2026, 4, 4, 21, 0), utc(2026, 4, 5, 21, 0)
    ],
    ("Australia/Sydney", date(2026, 10, 4)): [
        utc(2026, 10, 2, 21, 0), utc(2026, 10, 3, 20, 0), utc(2026, 10, 4, 20, 0)
    ],
}  # fmt: skip

# 02:30 on the spring-forward day never shows on the clock: the jump to 03:00 (summer time).
SKIPPED_0230 = {
    "Europe/Berlin": (date(2026, 3, 29), utc(2026, 3, 29, 1, 0)),
    "America/New_York": (date(2026, 3, 8), utc(2026, 3, 8, 7, 0)),
    "Australia/Sydney": (date(2026, 10, 4), utc(2026, 10, 3, 16, 0)),
}
# 02:30 (01:30 in New York) on the fall-back day shows twice: the first time, and the second.
DOUBLED = {
    "Europe/Berlin": (date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30)),
    "America/New_York": (date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),
    "Australia/Sydney": (date(2026, 4, 5), time(2, 30), utc(2026, 4, 4, 15, 30)),
}


@pytest.fixture
def program(coach):  # type: ignore[no-untyped-def]
    return wall_hold_routine(coach, length_days=10)


@pytest.mark.parametrize(("zone", "change"), list(SEVEN_AM))
def test_seven_am_arrives_at_seven_local_around_the_change(
    coach, program, time_machine, zone: str, change: date
) -> None:
    client = client_on(coach, program, starts_on=change - timedelta(days=3), time_zone=zone)
    instants = SEVEN_AM[(zone, change)]
    dispatch(instants[0] - timedelta(hours=3), time_machine)

    for seven in instants:
        assert dispatch(seven - MINUTE, time_machine) == []
        assert [m.to for m in dispatch(seven, time_machine)] == [[client.email]]
        assert dispatch(seven + MINUTE, time_machine) == []

    sent = Reminder.objects.filter(client=client).order_by("on")
    assert [r.sent_at for r in sent] == instants
    assert [r.on for r in sent] == [change - timedelta(days=1), change, change + timedelta(days=1)]


@pytest.mark.parametrize("zone", list(SKIPPED_0230))
def test_a_time_that_does_not_exist_goes_out_when_the_clock_jumps_once(
    coach, program, time_machine, zone: str
) -> None:
    day, jump = SKIPPED_0230[zone]
    client = client_on(coach, program, starts_on=day, time_zone=zone, at=time(2, 30))
    dispatch(jump - timedelta(hours=2), time_machine)

    assert dispatch(jump - MINUTE, time_machine) == []
    assert len(dispatch(jump, time_machine)) == 1
    for later in (MINUTE, timedelta(minutes=30), timedelta(hours=1)):
        assert dispatch(jump + later, time_machine) == []
    assert Reminder.objects.get(client=client).on == day


@pytest.mark.parametrize("zone", list(DOUBLED))
def test_a_time_that_happens_twice_goes_out_the_first_time_once(
    coach, program, time_machine, zone: str
) -> None:
    day, at, first = DOUBLED[zone]
    client_on(coach, program, starts_on=day, time_zone=zone, at=at)
    dispatch(first - timedelta(hours=2), time_machine)

    assert dispatch(first - MINUTE, time_machine) == []
    assert len(dispatch(first, time_machine)) == 1
    assert dispatch(first + timedelta(hours=1), time_machine) == []  # the second 02:30
