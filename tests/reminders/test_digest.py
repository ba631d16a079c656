"""The coach's morning digest: who missed yesterday, whose sides drift apart, who is ready to move
up; once a morning at the coach's time, and only when they turned it on."""

from datetime import date, time, timedelta

import pytest
from django.core import mail

from reminders.digest import coach_digest_update
from tests.coach.factories import ClientFactory
from tests.exercises.factories import stage_of
from tests.reminders.support import client_on, dispatch, local, wall_hold_routine
from training.models import ClientStage
from training.services import client_stage_set, session_log_save, set_log_create

pytestmark = pytest.mark.django_db
LISBON = "Europe/Lisbon"
MONDAY = date(2027, 3, 1)
TUESDAY = MONDAY + timedelta(days=1)


def _digests() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.subject.startswith("Your clients this morning")]


@pytest.fixture
def practice(coach, time_machine):  # type: ignore[no-untyped-def]
    """On Monday: Ana logs nothing, Ben skips, Chloe logs her split squats with a weak left
    side; Dan is ready to move up on the wall hold; Eve, who rests on Mondays, has no day."""
    program = wall_hold_routine(coach, length_days=7)
    resting = wall_hold_routine(coach, length_days=7, rest_days=[1], name="Rest first")
    names = ("Ana", "Ben", "Chloe", "Dan")
    people = {
        name: client_on(coach, program, starts_on=MONDAY, time_zone=LISBON, name=name)
        for name in names
    }
    people["Eve"] = client_on(coach, resting, starts_on=MONDAY, time_zone=LISBON, name="Eve")
    time_machine.move_to(local(LISBON, 2027, 3, 1, 20, 0), tick=False)
    by = coach.user
    for name in ("Ben", "Chloe", "Dan"):
        session_log_save(
            by=by,
            client=people[name],
            assignment=people[name].assignments.get(),
            on=MONDAY,
            data={"status": "skipped", "skip_reason": "Sick"}
            if name == "Ben"
            else {"status": "done"},
        )
    chloes = people["Chloe"].assignments.get()
    squat = chloes.program.days.get(number=1).prescriptions.get(order=2)
    for side, reps in (("left", 5), ("right", 8)):
        set_log_create(
            by=by,
            client=people["Chloe"],
            assignment=chloes,
            on=MONDAY,
            prescription_id=squat.pk,
            data={"set_number": 1, "side": side, "reps": reps},
        )
    hold = program.days.get(number=1).prescriptions.get(order=1).exercise
    client_stage_set(by=by, client=people["Dan"], exercise=hold, stage=stage_of(hold, 1))
    ClientStage.objects.filter(client=people["Dan"]).update(
        ready_since=local(LISBON, 2027, 3, 1, 19, 0)
    )
    return people


def test_the_digest_lists_who_missed_drifts_and_is_ready(coach, practice, time_machine) -> None:
    coach_digest_update(coach=coach, enabled=True, send_time=time(6, 30), time_zone=LISBON)

    assert dispatch(local(LISBON, 2027, 3, 2, 6, 29), time_machine) == []
    dispatch(local(LISBON, 2027, 3, 2, 6, 30), time_machine)

    (digest,) = _digests()
    assert digest.to == [coach.user.email]
    text = digest.body
    assert "Missed yesterday (Monday 1 March)" in text
    assert "Ana: Wall hold, day 1, nothing logged" in text
    assert 'Ben: Wall hold, day 1, skipped ("Sick")' in text
    assert "Chloe: Split squat, 38 %" in text
    assert "Dan: Wall single-leg hold, stage 1 (Hand on the wall)" in text
    assert "Eve" not in text
    html = digest.alternatives[0][0]  # type: ignore[attr-defined]
    for name in ("Ana", "Ben", "Chloe", "Dan"):
        assert f"<strong>{name}</strong>" in html

    # once a morning
    dispatch(local(LISBON, 2027, 3, 2, 6, 31), time_machine)
    dispatch(local(LISBON, 2027, 3, 2, 9, 0), time_machine)
    assert len(_digests()) == 1


def test_no_digest_unless_turned_on(coach, practice, time_machine) -> None:
    dispatch(local(LISBON, 2027, 3, 2, 6, 30), time_machine)
    coach_digest_update(coach=coach, enabled=False, send_time=time(7, 0), time_zone=LISBON)
    dispatch(local(LISBON, 2027, 3, 2, 7, 0), time_machine)

    assert _digests() == []


def test_a_quiet_morning_says_so(coach, time_machine) -> None:
    ClientFactory.create(coach=coach)
    time_machine.move_to(local(LISBON, 2027, 3, 2, 5, 0), tick=False)
    coach_digest_update(coach=coach, enabled=True, send_time=time(7, 0), time_zone=LISBON)

    dispatch(local(LISBON, 2027, 3, 2, 7, 0), time_machine)
    dispatch(local(LISBON, 2027, 3, 3, 7, 0), time_machine)

    assert len(_digests()) == 2
    assert "Nothing needs you today" in _digests()[0].body
