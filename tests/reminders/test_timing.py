"""A daily local time as UTC instants: the first of a doubled time, the jump past a skipped one,
and the window in which a late reminder may still go out."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from reminders.timing import due_at, next_occurrence, occurrence

BERLIN = ZoneInfo("Europe/Berlin")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "on", "at", "expected"),
    [
        # an ordinary day: 07:00 in winter and in summer
        ("Europe/Berlin", date(2026, 1, 15), time(7, 0), utc(2026, 1, 15, 6, 0)),
        ("Europe/Berlin", date(2026, 7, 15), time(7, 0), utc(2026, 7, 15, 5, 0)),
        # 02:30 does not exist on the spring-forward day: the jump at 03:00 (summer time)
        ("Europe/Berlin", date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1, 0)),
        ("America/New_York", date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 0)),
        ("Australia/Sydney", date(2026, 10, 4), time(2, 30), utc(2026, 10, 3, 16, 0)),
        # 02:30 happens twice on the fall-back day: the first time
        ("Europe/Berlin", date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30)),
        ("America/New_York", date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),
        ("Australia/Sydney", date(2026, 4, 5), time(2, 30), utc(2026, 4, 4, 15, 30)),
        # Lord Howe Island moves by half an hour
        ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 10), utc(2026, 10, 3, 15, 30)),
    ],
)
def test_a_local_time_is_due_once_at_the_right_instant(zone, on, at, expected) -> None:
    assert due_at(on, at, ZoneInfo(zone)) == expected


def test_a_reminder_may_go_out_three_hours_late_but_never_on_the_next_day() -> None:
    morning = occurrence(date(2026, 5, 4), time(7, 0), BERLIN)
    assert morning.send_until - morning.due_at == timedelta(hours=3)

    evening = occurrence(date(2026, 5, 4), time(22, 30), BERLIN)
    assert evening.send_until == utc(2026, 5, 4, 22, 0)  # midnight in Berlin


def test_the_next_occurrence_is_the_first_still_in_time() -> None:
    at = time(7, 0)
    # before 07:00: today's
    assert next_occurrence(at=at, zone=BERLIN, now=utc(2026, 5, 4, 4, 0)).on == date(2026, 5, 4)
    # an hour late: still today's
    assert next_occurrence(at=at, zone=BERLIN, now=utc(2026, 5, 4, 6, 0)).on == date(2026, 5, 4)
    # four hours late: tomorrow's
    assert next_occurrence(at=at, zone=BERLIN, now=utc(2026, 5, 4, 9, 0)).on == date(2026, 5, 5)
    # today's already handled
    found = next_occurrence(
        at=at, zone=BERLIN, now=utc(2026, 5, 4, 4, 0), not_before=date(2026, 5, 5)
    )
    assert found.on == date(2026, 5, 5)
    assert found.due_at == utc(2026, 5, 5, 5, 0)
