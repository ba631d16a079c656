"""What a client receives: one reminder on each training day at their own time, with the day's
exercises at their stage; nothing on a day without training for them; what the dispatcher
records for each day, and what it costs."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coach.services import client_archive, client_update
from programs.services import assignment_cancel, assignment_pause, assignment_resume
from reminders.models import Reminder
from reminders.services import reminders_dispatch
from tests.exercises.factories import stage_of
from tests.programs.factories import assign
from tests.reminders.support import client_on, dispatch, local, wall_hold_routine
from training.services import client_stage_set, session_log_save

pytestmark = pytest.mark.django_db

BERLIN = "Europe/Berlin"
START = date(2027, 3, 1)  # a Monday


@pytest.fixture
def program(coach):  # type: ignore[no-untyped-def]
    # days 1-7, day 3 a rest day
    return wall_hold_routine(coach, length_days=7, rest_days=[3])


def _morning(day: date, hour: int = 7, minute: int = 0):  # type: ignore[no-untyped-def]
    return local(BERLIN, day.year, day.month, day.day, hour, minute)


def _history(client) -> list[tuple[date, str, str]]:  # type: ignore[no-untyped-def]
    return [
        (r.on, r.status, r.reason)
        for r in Reminder.objects.filter(client=client).order_by("on", "id")
    ]


def test_a_reminder_at_the_clients_time_lists_the_day_at_their_stage(
    coach, program, time_machine
) -> None:
    # given a client in Berlin at 07:00 on day 2 of the routine, standing on the second rung
    client = client_on(coach, program, starts_on=START, name="Ada Lind")
    hold = program.days.get(number=1).prescriptions.get(order=1).exercise
    client_stage_set(by=coach.user, client=client, exercise=hold, stage=stage_of(hold, 2))
    day_two = START + timedelta(days=1)
    assert dispatch(_morning(day_two, 6, 30), time_machine) == []

    # when the minute before and the minute of 07:00 pass
    assert dispatch(_morning(day_two, 6, 59), time_machine) == []
    (message,) = dispatch(_morning(day_two), time_machine)

    # then one e-mail to the client, plain text and HTML, with the day, the exercises at the
    # client's stage and dose, and links to Today and to unsubscribe
    assert message.to == [client.email]
    assert message.subject == "Today's training: Wall hold, day 2 of 7"
    html = message.alternatives[0][0]  # type: ignore[attr-defined]
    for part in (message.body, html):
        assert "Ada Lind" in part
        assert "day 2 of 7" in part.lower()
        assert "Wall single-leg hold" in part
        assert "stage 2 (Fingertip)" in part
        assert "hold 45 s per side" in part
        assert "3 sets × 8 per side, rest 60 s" in part
        assert "http://127.0.0.1:8000/me/" in part
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://127.0.0.1:8000/reminders/unsubscribe/")
    assert unsubscribe.strip("<>") in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # and only once
    assert dispatch(_morning(day_two, 7, 1), time_machine) == []
    assert dispatch(_morning(day_two, 9, 0), time_machine) == []
    (sent,) = Reminder.objects.filter(client=client)
    assert (sent.status, sent.on, sent.summary) == ("sent", day_two, "Wall hold, day 2 of 7")


def test_no_reminder_on_a_rest_day_or_a_day_already_done(coach, program, time_machine) -> None:
    client = client_on(coach, program, starts_on=START)
    assignment = client.assignments.get()
    dispatch(_morning(START, 6, 0), time_machine)

    # day 1 is logged as done before 07:00; day 3 is a rest day; day 4 the client skips
    time_machine.move_to(_morning(START, 6, 30))
    session_log_save(
        by=client.coach.user,
        client=client,
        assignment=assignment,
        on=START,
        data={"status": "done"},
    )
    assert dispatch(_morning(START), time_machine) == []
    assert len(dispatch(_morning(START + timedelta(days=1)), time_machine)) == 1
    assert dispatch(_morning(START + timedelta(days=2)), time_machine) == []
    time_machine.move_to(_morning(START + timedelta(days=3), 6, 0))
    session_log_save(
        by=client.coach.user,
        client=client,
        assignment=assignment,
        on=START + timedelta(days=3),
        data={"status": "skipped", "skip_reason": "Travelling"},
    )
    assert dispatch(_morning(START + timedelta(days=3)), time_machine) == []

    # then the coach reads why nothing went out
    assert _history(client) == [
        (START, "skipped", "Not sent: the day was already logged as done."),
        (START + timedelta(days=1), "sent", ""),
        (START + timedelta(days=2), "skipped", "Not sent: a rest day."),
        (START + timedelta(days=3), "skipped", "Not sent: the client skipped this day."),
    ]


def test_a_session_started_but_not_finished_still_gets_its_reminder(
    coach, program, time_machine
) -> None:
    client = client_on(coach, program, starts_on=START)
    dispatch(_morning(START, 6, 0), time_machine)
    session_log_save(
        by=client.coach.user,
        client=client,
        assignment=client.assignments.get(),
        on=START,
        data={"status": "partial"},
    )

    assert len(dispatch(_morning(START), time_machine)) == 1


def test_nothing_before_the_start_after_the_end_or_while_paused(
    coach, program, time_machine
) -> None:
    client = client_on(coach, program, starts_on=START)
    assignment = client.assignments.get()
    # the two days before the start
    dispatch(_morning(START - timedelta(days=2), 6, 0), time_machine)
    assert dispatch(_morning(START - timedelta(days=2)), time_machine) == []
    assert dispatch(_morning(START - timedelta(days=1)), time_machine) == []
    # paused from day 2 on: nothing on days 2 and 3; resumed on the fourth day
    assert len(dispatch(_morning(START), time_machine)) == 1
    assignment_pause(coach=coach, assignment=assignment, on=START + timedelta(days=1))
    assert dispatch(_morning(START + timedelta(days=1)), time_machine) == []
    assert dispatch(_morning(START + timedelta(days=2)), time_machine) == []
    assignment.refresh_from_db()
    assignment_resume(coach=coach, assignment=assignment, on=START + timedelta(days=3))
    # the days moved two later: day 2 falls on the fourth day
    (message,) = dispatch(_morning(START + timedelta(days=3)), time_machine)
    assert "day 2 of 7" in message.body
    # cancelled: nothing more
    assignment.refresh_from_db()
    assignment_cancel(coach=coach, assignment=assignment, on=START + timedelta(days=4))
    assert dispatch(_morning(START + timedelta(days=5)), time_machine) == []
    # nor after the end of a program that ran its course
    other = client_on(coach, program, starts_on=START)
    assert len(dispatch(_morning(START + timedelta(days=6)), time_machine)) == 1
    assert dispatch(_morning(START + timedelta(days=7)), time_machine) == []
    assert Reminder.objects.filter(client=other).count() == 2  # the day it began, the last day


def test_nothing_for_an_archived_client_or_one_who_turned_reminders_off(
    coach, program, time_machine
) -> None:
    from reminders.services import reminders_turn_off

    archived = client_on(coach, program, starts_on=START)
    quiet = client_on(coach, program, starts_on=START)
    dispatch(_morning(START, 6, 0), time_machine)
    client_archive(client=archived)
    reminders_turn_off(client=quiet, via="settings")

    assert dispatch(_morning(START), time_machine) == []
    assert Reminder.objects.count() == 0


def test_two_programs_make_one_email_that_lists_both(coach, program, time_machine) -> None:
    client = client_on(coach, program, starts_on=START)
    other = wall_hold_routine(coach, length_days=5, name="Balance block")
    assign(coach, other, starts_on=START, clients=[client])
    dispatch(_morning(START, 6, 0), time_machine)

    (message,) = dispatch(_morning(START), time_machine)

    assert "Wall hold: day 1 of 7" in message.body
    assert "Balance block: day 1 of 5" in message.body
    assert Reminder.objects.get().summary == "Wall hold, day 1 of 7; Balance block, day 1 of 5"


def test_the_reminder_follows_the_clients_time_and_time_zone(coach, program, time_machine) -> None:
    client = client_on(coach, program, starts_on=START)
    dispatch(_morning(START, 6, 0), time_machine)

    # the coach moves the client to New York at 06:30 Berlin time: 07:00 comes six hours later
    time_machine.move_to(_morning(START, 6, 30))
    client_update(client=client, data={"time_zone": "America/New_York"})
    assert dispatch(_morning(START), time_machine) == []
    assert len(dispatch(local("America/New_York", 2027, 3, 1, 7, 0), time_machine)) == 1

    # the client asks for 06:15 instead: the next day at 06:15 in New York
    client_update(client=client, data={"reminder_time": time(6, 15)})
    assert dispatch(local("America/New_York", 2027, 3, 2, 6, 14), time_machine) == []
    assert len(dispatch(local("America/New_York", 2027, 3, 2, 6, 15), time_machine)) == 1


def test_a_program_assigned_after_the_reminder_time_waits_for_the_next_day_past_three_hours(
    coach, program, time_machine
) -> None:
    # assigned at 08:00, an hour after the client's time: today's still goes out
    time_machine.move_to(_morning(START, 8, 0))
    early = client_on(coach, program, starts_on=START)
    assert [m.to for m in dispatch(_morning(START, 8, 0), time_machine)] == [[early.email]]
    # assigned at 11:00, four hours after: tomorrow's is the first
    late = client_on(coach, program, starts_on=START)
    assert dispatch(_morning(START, 11, 0), time_machine) == []
    sent = dispatch(_morning(START + timedelta(days=1)), time_machine)
    assert sorted(m.to[0] for m in sent) == sorted([early.email, late.email])


def test_dispatching_twice_at_the_same_moment_sends_once(coach, program, time_machine) -> None:
    client_on(coach, program, starts_on=START)
    dispatch(_morning(START, 6, 0), time_machine)

    first = dispatch(_morning(START), time_machine)
    second = dispatch(_morning(START), time_machine)

    assert (len(first), len(second)) == (1, 0)


def test_the_dispatch_costs_the_same_queries_for_1_and_30_clients_due(
    coach, program, time_machine
) -> None:
    # given one client due at 07:00 on day 1, and thirty on day 2 (the sends are queued for
    # after the commit, which does not come within this test)
    costs = []
    for count, day in ((1, START), (30, START + timedelta(days=1))):
        while coach.clients.count() < count:
            client_on(coach, program, starts_on=START)
        reminders_dispatch(now=_morning(day, 6, 0))
        time_machine.move_to(_morning(day))

        # when the dispatcher runs at 07:00
        with CaptureQueriesContext(connection) as captured:
            result = reminders_dispatch(now=_morning(day))

        # then it creates every due reminder
        assert result.queued == count
        costs.append(len(captured.captured_queries))
        Reminder.objects.update(status=Reminder.Status.SENT)  # as the worker would have
    # in as many queries for thirty clients as for one
    assert costs[0] == costs[1]
