"""A reminder the demo can show within a minute or two of starting."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from coach.models import Client
from coach.services import client_update
from reminders.models import Reminder, ReminderSchedule
from reminders.services import reminders_turn_on


@transaction.atomic
def reminder_soon(*, client: Client, minutes: int = 2, now: datetime | None = None) -> datetime:
    """Set the client's reminder time to `minutes` from now (their time zone, whole minutes), on
    a clean slate for their today, so that the running beat and worker send it. Returns when it
    is due (their local time). For the demo only: it forgets today's reminder if one went out."""
    now = now or timezone.now()
    local = (now + timedelta(minutes=minutes)).astimezone(ZoneInfo(client.time_zone))
    at = local.time().replace(second=0, microsecond=0)
    client_update(client=client, data={"reminder_time": at})
    Reminder.objects.filter(client=client, on=local.date()).delete()
    ReminderSchedule.objects.filter(client=client).update(next_on=None)
    reminders_turn_on(client=client, now=now)
    return local.replace(second=0, microsecond=0)
