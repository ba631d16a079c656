"""Today as the server renders it: each state's own message, the day's dose at the client's
stage, and the plain forms a browser without JavaScript posts (log a set, finish or skip)."""

import re
from datetime import date, timedelta
from uuid import uuid4

import pytest
import time_machine
from django.test import Client as Browser
from django.urls import reverse

from coach.models import Client, Coach
from exercises.models import Exercise
from exercises.services import library_seed
from programs import services
from programs.models import Assignment, Day, Prescription, Program
from tests.coach.factories import ClientFactory, CoachFactory
from tests.exercises.factories import ExerciseFactory
from tests.programs.factories import add, routine
from training.models import SessionLog, SetLog
from training.services import client_stage_step

pytestmark = pytest.mark.django_db

TODAY = date(2027, 3, 12)
START = date(2027, 3, 1)  # so today is day 12 of the routine
PAST_ANY_ID = 2**70
LOG_SET = "/me/log/set/"
LOG_SESSION = "/me/log/session/"
STATE_MESSAGES = {
    "before_start": "Your program starts Saturday",
    "paused": "has paused this program",
    "finished": "You finished this program on",
    "rest": "A rest day.",
    "no_program": "has not given you a program yet",
}


@pytest.fixture(autouse=True)
def _noon_on_12_march():  # type: ignore[no-untyped-def]
    with time_machine.travel("2027-03-12 12:00:00+00:00", tick=False):
        yield


@pytest.fixture
def wall_month(db) -> tuple[Coach, Program]:
    """The seeded wall single-leg hold as a 30-day routine: 60 s, 15 s more every week."""
    library_seed()
    coach = CoachFactory.create(practice_name="Wall Works")
    hold = Exercise.objects.shared().get(slug="wall-single-leg-hold")
    program = services.routine_generate(
        coach=coach,
        name="Wall month",
        items=[{"exercise": hold.pk, "sets": 1, "hold_seconds": 60}],
        step="hold",
        step_amount=15,
    )
    return coach, program


def assign_to(coach: Coach, program: Program, person: Client, starts_on: date) -> Assignment:
    (assignment,) = services.assignment_create_bulk(
        coach=coach, template=program, clients=[person], starts_on=starts_on
    )
    return assignment


@pytest.fixture
def ivy(wall_month) -> Client:
    coach, _ = wall_month
    return ClientFactory.create(with_login=True, coach=coach, name="Ivy Park", time_zone="UTC")


@pytest.fixture
def on_wall_month(client: Browser, wall_month, ivy: Client) -> Assignment:
    """Ivy, logged in, on day 12 of the wall month."""
    coach, program = wall_month
    assert ivy.user is not None
    client.force_login(ivy.user)
    return assign_to(coach, program, ivy, START)


def today_prescription(assignment: Assignment, number: int = 12) -> Prescription:
    return Prescription.objects.get(day__program=assignment.program, day__number=number)


def set_form(of: Assignment, /, **values: object) -> dict[str, object]:
    """What a tap on "Log left" sends from the plain form of day 12's exercise."""
    return {
        "assignment": of.pk,
        "on": TODAY.isoformat(),
        "prescription": today_prescription(of).pk,
        "side": "left",
        "reps": 1,
        "hold_seconds": 75,
        "load": "",
        "load_unit": "",
        "form": "",
        "rpe": "",
        "form_token": str(uuid4()),
        **values,
    }


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    """The page's text without tags or runs of white space, as a person reads it."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- what the page shows ---------------------------------------------------------------------


def test_a_training_day_shows_the_day_the_stage_and_the_full_dose(client, on_wall_month) -> None:
    # given the coach set a tempo, a target effort and a note on today's exercise
    today_prescription(on_wall_month).__class__.objects.filter(
        pk=today_prescription(on_wall_month).pk
    ).update(tempo="3-1-1-0", target_rpe=7, notes="Keep the hips square.")

    # when Ivy opens Today
    response = client.get("/me/")
    page = text_of(response)

    # then it is day 12 of 30, with a progress bar at day 12
    assert response.status_code == 200
    assert "Day 12 of 30" in page
    assert re.search(r'<progress[^>]*max="30" value="12"', response.content.decode())
    # her stage by name, and the second week's dose (60 s + 15 s), on both feet
    assert "Stage 1: Two-foot set-up" in page
    assert "1 set, hold 75 s" in page
    assert "Target effort: 7 out of 10" in page
    assert "Tempo: 3-1-1-0" in page
    assert "Keep the hips square." in page
    # the steps and cues are folded away under the exercise
    details = re.search(
        r"<details class=\"how-to\">(.*?)</details>", response.content.decode(), re.S
    )
    assert details is not None
    assert "The knee points at the second toe" in details.group(1)
    assert "Slide the feet down the wall" in details.group(1)
    # and a form to log the hold, done on both feet at this stage
    assert 'value="both"' in response.content.decode()
    assert 'value="left"' not in response.content.decode()


def test_what_was_done_last_time_is_shown_per_side(client, on_wall_month, ivy) -> None:
    # given two sides logged three days ago
    for side, seconds in (("left", 70), ("right", 55)):
        client.post(
            LOG_SET,
            set_form(
                on_wall_month,
                on="2027-03-09",
                prescription=today_prescription(on_wall_month, 9).pk,
                side=side,
                hold_seconds=seconds,
                form=4,
            ),
        )

    # when Ivy opens Today
    page = text_of(client.get("/me/"))

    # then each side of that day is there
    assert "Last time · Tue 9 Mar" in page
    assert "Set 1 · Left · 1 rep, 70 s · form 4/5 · late" in page
    assert "Set 1 · Right · 1 rep, 55 s · form 4/5 · late" in page


def test_a_move_by_the_coach_shows_the_new_stage_with_a_note(
    client, wall_month, ivy, on_wall_month
) -> None:
    # given the coach moves Ivy up the wall hold's ladder
    coach, _ = wall_month
    hold = Exercise.objects.shared().get(slug="wall-single-leg-hold")
    client_stage_step(by=coach.user, client=ivy, exercise=hold, up=True, reason="Steady")

    # when she opens Today
    page = text_of(client.get("/me/"))

    # then she is on the new stage, and told who moved her
    assert "Stage 2: Single-leg hold, 1 minute" in page
    assert "Wall Works moved you up to this stage on 12 March." in page


def _make_state(state: str, coach: Coach, program: Program, ivy: Client) -> None:
    if state == "before_start":
        assign_to(coach, program, ivy, TODAY + timedelta(days=8))
    elif state == "paused":
        assignment = assign_to(coach, program, ivy, START)
        services.assignment_pause(coach=coach, assignment=assignment, on=TODAY - timedelta(days=2))
    elif state == "finished":
        assign_to(coach, program, ivy, date(2027, 1, 1))
    elif state == "rest":
        assignment = assign_to(coach, program, ivy, START)
        Day.objects.filter(program=assignment.program, number=12).update(is_rest=True)


@pytest.mark.parametrize("state", list(STATE_MESSAGES))
def test_each_state_has_a_message_of_its_own(client, wall_month, ivy, state) -> None:
    # given Ivy's program in that state today
    coach, program = wall_month
    _make_state(state, coach, program, ivy)
    client.force_login(ivy.user)

    # when she opens Today
    page = text_of(client.get("/me/"))

    # then she reads that state's message, and no other's
    assert STATE_MESSAGES[state] in page
    for other, message in STATE_MESSAGES.items():
        if other != state:
            assert message not in page, other
    # and nothing asks her to log
    assert "Log left" not in page


def test_before_the_start_names_the_first_day(client, wall_month, ivy) -> None:
    coach, program = wall_month
    _make_state("before_start", coach, program, ivy)
    client.force_login(ivy.user)
    assert "Your program starts Saturday 20 March" in text_of(client.get("/me/"))


def test_two_active_programs_are_both_shown(client, wall_month, ivy) -> None:
    # given a second routine started today beside the wall month
    coach, program = wall_month
    assign_to(coach, program, ivy, START)
    calves = ExerciseFactory.create(owner=coach, name="Single-leg calf raise", stages=2)
    second = routine(coach, length_days=10, name="Calf ladder")
    add(coach, second, 1, calves, sets=3, reps_per_side=12, tempo="2-0-2-0")
    assign_to(coach, second, ivy, TODAY)
    client.force_login(ivy.user)

    # when Ivy opens Today
    page = text_of(client.get("/me/"))

    # then both days are there, each with its own count
    assert "Wall month Day 12 of 30" in page
    assert "Calf ladder Day 1 of 10" in page
    assert "Single-leg calf raise" in page
    assert "Stage 1: Stage 1" in page
    assert "3 sets × 12 per side" in page


# --- other days ------------------------------------------------------------------------------


def test_a_future_day_is_shown_read_only(client, on_wall_month) -> None:
    response = client.get("/me/", {"date": "2027-03-13"})
    page = text_of(response)

    assert "Day 13 of 30" in page
    assert "This day has not come yet" in page
    assert LOG_SET not in response.content.decode()
    assert LOG_SESSION not in response.content.decode()


def test_the_previous_and_next_days_are_linked(client, on_wall_month) -> None:
    html = client.get("/me/").content.decode()

    assert 'href="?date=2027-03-11"' in html
    assert 'href="?date=2027-03-13"' in html


@pytest.mark.parametrize("value", ["banana", "2027-02-30", "9999-12-31", "0001-01-01", "\x00"])
def test_a_date_that_cannot_be_shown_is_not_an_error(client, on_wall_month, value) -> None:
    response = client.get("/me/", {"date": value})

    assert response.status_code == 200


def test_a_past_day_can_be_logged_and_is_marked_late(client, on_wall_month) -> None:
    # given Ivy opens a day that has passed
    page = text_of(client.get("/me/", {"date": "2027-03-10"}))
    assert "Day 10 of 30" in page
    assert "This day has passed" in page

    # when she logs it
    response = client.post(
        LOG_SET,
        set_form(
            on_wall_month,
            on="2027-03-10",
            prescription=today_prescription(on_wall_month, 10).pk,
        ),
        follow=True,
    )

    # then the set and the session are stored as late, and the page says so
    set_log = SetLog.objects.get()
    assert set_log.is_late
    assert set_log.session.is_late
    assert set_log.session.on == date(2027, 3, 10)
    assert "Set 1 · Left · 1 rep, 75 s · late" in text_of(response)
    assert "It is marked late." in text_of(response)


# --- the plain forms -------------------------------------------------------------------------


def test_the_plain_form_logs_a_set_and_shows_it(client, on_wall_month) -> None:
    # when Ivy taps "Log left", then "Log right"
    first = client.post(LOG_SET, set_form(on_wall_month, form=4, rpe=6))
    client.post(LOG_SET, set_form(on_wall_month, side="right", hold_seconds=60))

    # then she is sent back to the exercise, and both sides are stored as set 1
    prescription = today_prescription(on_wall_month)
    assert first.status_code == 302
    assert first["Location"] == f"/me/#item-{on_wall_month.pk}-{prescription.pk}"
    sets = list(SetLog.objects.order_by("id"))
    assert [(s.side, s.set_number, s.hold_seconds) for s in sets] == [
        ("left", 1, 75),
        ("right", 1, 60),
    ]
    assert sets[0].form == 4
    assert sets[0].rpe == 6
    assert not sets[0].is_late
    assert sets[0].prescribed["hold_seconds"] == 75
    # and Today shows them under the exercise
    page = text_of(client.get("/me/"))
    assert "Set 1 · Left · 1 rep, 75 s · form 4/5 · effort 6" in page
    assert "Set 1 · Right · 1 rep, 60 s" in page


def test_the_next_tap_on_a_side_logs_the_next_set(client, on_wall_month) -> None:
    client.post(LOG_SET, set_form(on_wall_month))
    client.post(LOG_SET, set_form(on_wall_month))

    assert list(SetLog.objects.values_list("side", "set_number")) == [("left", 1), ("left", 2)]


def test_the_same_form_sent_twice_stores_one_set(client, on_wall_month) -> None:
    sent = set_form(on_wall_month)

    client.post(LOG_SET, sent)
    client.post(LOG_SET, sent)

    assert SetLog.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"form": 6}, "Form (1–5): Ensure this value is less than or equal to 5."),
        ({"rpe": 0}, "Effort (1–10): Ensure this value is greater than or equal to 1."),
        ({"load": "-5"}, "Load: Ensure this value is greater than or equal to 0."),
        ({"side": "middle"}, "Side: Select a valid choice."),
        ({"hold_seconds": "a minute"}, "Seconds: Enter a whole number."),
        ({"on": "2027-03-13"}, "You cannot log a day that has not come yet."),
        ({"on": "2026-12-01"}, "This date is not a day of the program."),
        ({"assignment": PAST_ANY_ID}, "Program: Ensure this value is less than or equal to"),
        ({"prescription": PAST_ANY_ID}, "Exercise: Ensure this value is less than or equal to"),
    ],
)
def test_bad_input_re_shows_the_day_with_a_message_and_stores_nothing(
    client, on_wall_month, values, message
) -> None:
    # when Ivy sends a value that cannot be logged
    response = client.post(LOG_SET, set_form(on_wall_month, **values))

    # then the day is shown again with what went wrong, and nothing is stored
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    assert "Wall month" in page
    assert SetLog.objects.count() == 0
    assert SessionLog.objects.count() == 0


def test_a_refused_set_keeps_what_was_typed(client, on_wall_month) -> None:
    response = client.post(LOG_SET, set_form(on_wall_month, form=6, hold_seconds=42))

    html = response.content.decode()
    assert re.search(r'name="form"[^>]*\s+value="6"', html)
    assert re.search(r'name="hold_seconds"[^>]*\s+value="42"', html)


def test_another_clients_program_in_the_form_is_refused(client, wall_month, on_wall_month) -> None:
    # given another client of the same coach, on the same routine
    coach, program = wall_month
    other = ClientFactory.create(with_login=True, coach=coach, time_zone="UTC")
    theirs = assign_to(coach, program, other, START)

    # when Ivy posts a set with their program's id
    response = client.post(
        LOG_SET,
        set_form(on_wall_month, assignment=theirs.pk, prescription=today_prescription(theirs).pk),
    )

    # then it is refused like an id that does not exist, and nothing is stored for anyone
    assert response.status_code == 400
    assert "Choose one of your programs." in text_of(response)
    assert SetLog.objects.count() == 0
    assert SessionLog.objects.count() == 0


def test_a_coach_cannot_post_the_clients_form(client, wall_month, on_wall_month) -> None:
    coach, _ = wall_month
    client.force_login(coach.user)

    response = client.post(LOG_SET, set_form(on_wall_month))

    assert response.status_code == 404
    assert SetLog.objects.count() == 0


def test_finishing_the_session(client, on_wall_month) -> None:
    client.post(LOG_SET, set_form(on_wall_month))

    response = client.post(
        LOG_SESSION,
        {
            "assignment": on_wall_month.pk,
            "on": TODAY.isoformat(),
            "status": "done",
            "effort": 7,
            "note": "Right side shaky.",
        },
        follow=True,
    )

    session = SessionLog.objects.get()
    assert (session.status, session.effort, session.note) == ("done", 7, "Right side shaky.")
    assert session.completed_at is not None
    page = text_of(response)
    assert "Session finished: done." in page
    assert "Your session Done" in page


def test_skipping_needs_a_reason(client, on_wall_month) -> None:
    day = {"assignment": on_wall_month.pk, "on": TODAY.isoformat(), "status": "skipped"}

    refused = client.post(LOG_SESSION, {**day, "skip_reason": ""})
    assert refused.status_code == 400
    assert "Say why the session was skipped." in text_of(refused)
    assert SessionLog.objects.filter(status="skipped").count() == 0

    client.post(LOG_SESSION, {**day, "skip_reason": "Sore knee"})
    session = SessionLog.objects.get()
    assert (session.status, session.skip_reason) == ("skipped", "Sore knee")
    assert "Skipped: Sore knee" in text_of(client.get("/me/"))


@pytest.mark.parametrize(
    "values",
    [
        {"status": "open"},
        {"status": "done", "effort": 11},
        {"status": "done", "note": "bad\x00note"},
        {"status": "done", "assignment": PAST_ANY_ID},
    ],
)
def test_a_bad_session_form_stores_nothing(client, on_wall_month, values) -> None:
    response = client.post(
        LOG_SESSION, {"assignment": on_wall_month.pk, "on": TODAY.isoformat(), **values}
    )

    assert response.status_code == 400
    assert SessionLog.objects.count() == 0


# --- the login check the page's queue uses ---------------------------------------------------


def test_the_login_check_names_who_is_logged_in(client, ivy) -> None:
    url = reverse("today-login-check")
    assert client.get(url).status_code == 403

    client.force_login(ivy.user)
    response = client.get(url)

    assert response.json() == {"user": ivy.user.pk}
    assert "no-cache" in response["Cache-Control"]


# --- cost --------------------------------------------------------------------------------------


def test_today_costs_the_same_with_one_and_with_many_logged_days(
    client, on_wall_month, django_assert_max_num_queries
) -> None:
    def log(number: int) -> None:
        client.post(
            LOG_SET,
            set_form(
                on_wall_month,
                on=(START + timedelta(days=number - 1)).isoformat(),
                prescription=today_prescription(on_wall_month, number).pk,
            ),
        )

    log(1)
    with django_assert_max_num_queries(100) as one:
        client.get("/me/")
    for number in range(2, 12):
        log(number)
    with django_assert_max_num_queries(100) as many:
        client.get("/me/")

    assert len(many.captured_queries) == len(one.captured_queries)
