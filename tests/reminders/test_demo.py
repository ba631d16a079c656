"""`make demo` shows a reminder arriving within a minute or two (reminder_soon)."""

from datetime import UTC, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from reminders.models import Reminder
from tests.reminders.support import client_on, dispatch, wall_hold_routine

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 1, 16, 20, 30, tzinfo=UTC)  # 17:20 in Berlin


def test_a_demo_client_gets_a_reminder_two_minutes_after_the_demo_starts(
    coach, time_machine
) -> None:
    program = wall_hold_routine(coach, length_days=7)
    client = client_on(coach, program, starts_on=NOW.date(), email="chloe@example.com")
    time_machine.move_to(NOW, tick=False)

    output = StringIO()
    call_command("reminder_soon", "chloe@example.com", stdout=output)

    assert "gets a reminder at 17:22 (Europe/Berlin)" in output.getvalue()
    client.refresh_from_db()
    assert client.reminder_time == time(17, 22)
    assert dispatch(NOW + timedelta(minutes=1), time_machine) == []
    assert len(dispatch(NOW + timedelta(minutes=2), time_machine)) == 1

    # started again the same day, the demo shows it again
    time_machine.move_to(NOW + timedelta(minutes=10), tick=False)
    call_command("reminder_soon", "chloe@example.com", stdout=StringIO())
    assert len(dispatch(NOW + timedelta(minutes=12), time_machine)) == 1
    assert Reminder.objects.filter(status="sent").count() == 1


def test_an_unknown_email_is_an_error(db) -> None:
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No active client"):
        call_command("reminder_soon", "nobody@example.com")
