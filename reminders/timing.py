"""A daily local time as UTC instants, across daylight-saving changes.

A local time that does not exist on a date (the clock jumps over it in spring) is due at the
next minute that does: the moment the clock jumps. A local time that happens twice (the clock
goes back in autumn) is due the first time.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# How late a reminder may still go out (when the dispatcher was stopped): never later than
# this, and never on the next local day.
CATCH_UP = timedelta(hours=3)
MINUTE = timedelta(minutes=1)


def zone_named(name: str) -> ZoneInfo | None:
    """The time zone of that name, or None when the system does not know it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@dataclass(frozen=True)
class Occurrence:
    """The local time on date `on`: due at `due_at`, too late from `send_until` (both UTC)."""

    on: date
    due_at: datetime
    send_until: datetime


def due_at(on: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant at which the wall clock in `zone` shows `at` on `on` (the first time,
    if twice; the moment the clock jumps past it, if never)."""
    wall = datetime.combine(on, at.replace(tzinfo=None))
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # In a gap: fold=0 reads the wall time with the offset from before the jump, which lands
    # past the jump; fold=1 with the offset from after, which lands before it. The jump is the
    # first whole minute in between whose wall time is at or past `wall`.
    low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = first
    while high - low > MINUTE:
        middle = low + ((high - low) // MINUTE // 2) * MINUTE
        if middle.astimezone(zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return high


def occurrence(on: date, at: time, zone: ZoneInfo) -> Occurrence:
    due = due_at(on, at, zone)
    day_ends = due_at(on + timedelta(days=1), time(0, 0), zone)
    return Occurrence(on=on, due_at=due, send_until=min(due + CATCH_UP, day_ends))


def next_occurrence(
    *, at: time, zone: ZoneInfo, now: datetime, not_before: date | None = None
) -> Occurrence:
    """The first occurrence, from the local date `not_before` on (today at the earliest), that
    is not too late at `now`: today's when it is still ahead or at most CATCH_UP late."""
    on = now.astimezone(zone).date()
    if not_before is not None and not_before > on:
        on = not_before
    found = occurrence(on, at, zone)
    while found.send_until <= now:
        found = occurrence(found.on + timedelta(days=1), at, zone)
    return found
