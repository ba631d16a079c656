"""The coach's page about one client: stages with readiness and one-click moves, recent sessions,
comments, and logging a session for the client."""

import html
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from coach.common import plans_version
from coach.models import Client, Coach, User
from exercises.models import Exercise, Stage
from programs.models import Assignment, Prescription
from reminders.models import ReminderSchedule
from reminders.services import reminders_turn_off
from tests.coach.factories import ClientFactory, CoachFactory
from tests.conftest import database_queries
from tests.exercises.factories import ExerciseFactory
from tests.programs.factories import add, assign, routine
from training import selectors, services
from training.models import ClientStage, SessionLog, SetLog, StageChange

pytestmark = pytest.mark.django_db

START = date(2027, 3, 1)
# Noon in London on 10 March 2027: day 10 of a routine started on 1 March.
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


@dataclass
class Setup:
    coach: Coach
    person: Client
    exercise: Exercise
    assignment: Assignment

    def stage(self, order: int) -> Stage:
        return self.exercise.stages.get(order=order)

    def prescription(self, number: int) -> Prescription:
        return Prescription.objects.get(
            day__program=self.assignment.program, day__number=number, exercise=self.exercise
        )

    def page(self, browser, **params: str) -> str:  # type: ignore[no-untyped-def]
        response = browser.get(reverse("client-detail", args=[self.person.pk]), params)
        assert response.status_code == 200
        return html.unescape(response.content.decode())


def text_of(page: str) -> str:
    """The page's words as they read: inline tags dropped, others a space, spaces collapsed."""
    inline = re.sub(r"</?(a|strong|span|small|em|b)\b[^>]*>", "", page)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline))


@pytest.fixture
def setup(coach, time_machine) -> Setup:
    """Ana on a 20-day routine of a single-leg exercise with a three-rung ladder: every day at
    her current stage, except day 15, which fixes stage 2."""
    time_machine.move_to(NOW, tick=False)
    exercise = ExerciseFactory.create(
        owner=coach,
        name="Single-leg squat",
        laterality=Exercise.Laterality.UNILATERAL,
        measurement=Exercise.Measurement.REPS,
        stages=3,
    )
    Stage.objects.filter(exercise=exercise, order=1).update(
        criteria_min_form=4, criteria_max_gap_pct=10
    )
    program = routine(coach, length_days=20, name="Squat month")
    for number in range(1, 21):
        if number == 15:
            add(coach, program, number, exercise, stage=exercise.stages.get(order=2))
        else:
            add(coach, program, number, exercise)
    person = ClientFactory.create(coach=coach, name="Ana Ruiz", time_zone="Europe/London")
    (assignment,) = assign(coach, program, starts_on=START, clients=[person])
    return Setup(coach=coach, person=person, exercise=exercise, assignment=assignment)


def log_session(  # type: ignore[no-untyped-def]
    setup: Setup,
    on: date,
    *,
    left: int = 8,
    right: int = 8,
    form: int = 5,
    by: User | None = None,
    note: str = "",
    time_machine=None,
) -> SessionLog:
    """Log two sets per side of the day's exercise, entered by the coach (or `by`), on the day
    itself when a `time_machine` is given (else now, which makes a past day late)."""
    author: User = by if by is not None else setup.coach.user
    if time_machine is not None:
        time_machine.move_to(datetime.combine(on, datetime.min.time(), UTC) + timedelta(hours=19))
    number = (on - START).days + 1
    for set_number in (1, 2):
        for side, reps in (("left", left), ("right", right)):
            services.set_log_create(
                by=author,
                client=setup.person,
                assignment=setup.assignment,
                on=on,
                prescription_id=setup.prescription(number).pk,
                data={"set_number": set_number, "side": side, "reps": reps, "form": form},
            )
    return services.session_log_save(
        by=author,
        client=setup.person,
        assignment=setup.assignment,
        on=on,
        data={"status": "done", "effort": 7, "note": note},
    )


# --- stages ------------------------------------------------------------------------------------


def test_the_coach_sees_the_clients_stage_and_moves_them_up_and_back_with_one_click(
    setup, coach_client
) -> None:
    # given Ana, who starts on the first rung
    page = text_of(setup.page(coach_client))
    assert "Stages" in page
    assert "Single-leg squat" in page
    assert "Stage 1 of 3: Stage 1" in page
    assert "Step back" not in page

    # when the coach moves her up, saying why
    url = reverse("client-stage-step", args=[setup.person.pk, setup.exercise.pk, "up"])
    response = coach_client.post(url, {"reason": "Steady on both legs"}, follow=True)

    # then the page says where she is now, and the history says who moved her and why
    page = text_of(html.unescape(response.content.decode()))
    assert "Ana Ruiz moved up to stage 2 (Stage 2) of Single-leg squat." in page
    assert "Stage 2 of 3: Stage 2" in page
    assert "stage 1 → stage 2 (Stage 2), by" in page
    assert setup.coach.user.name in page
    assert "“Steady on both legs”" in page
    change = StageChange.objects.get(client=setup.person, to_stage=setup.stage(2))
    assert change.changed_by == setup.coach.user

    # and one more click steps her back to the first rung
    url = reverse("client-stage-step", args=[setup.person.pk, setup.exercise.pk, "down"])
    page = text_of(html.unescape(coach_client.post(url, follow=True).content.decode()))
    assert "Ana Ruiz stepped back to stage 1 (Stage 1) of Single-leg squat." in page
    assert "Stage 1 of 3: Stage 1" in page
    assert ClientStage.objects.get(client=setup.person).stage == setup.stage(1)


def test_the_top_of_the_ladder_offers_no_move_up(setup, coach_client) -> None:
    services.client_stage_set(
        by=setup.coach.user, client=setup.person, exercise=setup.exercise, stage=setup.stage(3)
    )
    page = text_of(setup.page(coach_client))
    assert "Stage 3 of 3" in page
    assert "Move up to stage" not in page
    assert "Step back to stage 2" in page

    # a forged click refuses with a message, and nothing moves
    url = reverse("client-stage-step", args=[setup.person.pk, setup.exercise.pk, "up"])
    page = text_of(html.unescape(coach_client.post(url, follow=True).content.decode()))
    assert "This is the top of the ladder." in page
    assert ClientStage.objects.get(client=setup.person).stage == setup.stage(3)


def test_ready_to_advance_is_shown_with_the_sessions_that_showed_it(
    setup, coach_client, time_machine
) -> None:
    # given three good sessions, the middle one logged a day late
    log_session(setup, date(2027, 3, 6), time_machine=time_machine)
    time_machine.move_to(datetime(2027, 3, 8, 19, tzinfo=UTC), tick=False)
    log_session(setup, date(2027, 3, 7))
    log_session(setup, date(2027, 3, 9), time_machine=time_machine)
    time_machine.move_to(NOW, tick=False)

    # when the coach opens Ana's page
    page = text_of(setup.page(coach_client))

    # then she is ready to move up, with the three sessions named and the late one marked
    assert "Ready to advance" in page
    assert "in the sessions of 9 Mar, 7 Mar (logged late), 6 Mar." in page


def test_a_wide_left_right_gap_keeps_the_client_from_being_ready(
    setup, coach_client, time_machine
) -> None:
    for day in (6, 7, 9):
        log_session(setup, date(2027, 3, day), left=6, right=8, time_machine=time_machine)
    time_machine.move_to(NOW, tick=False)

    page = text_of(setup.page(coach_client))

    assert "Ready to advance" not in page
    assert "Left/right gap 25%, left side lower" in page


def test_a_fixed_stage_that_differs_from_the_clients_is_named_for_the_days_ahead(
    setup, coach_client
) -> None:
    # given Ana on stage 3, and day 15 of her program fixing stage 2
    services.client_stage_set(
        by=setup.coach.user, client=setup.person, exercise=setup.exercise, stage=setup.stage(3)
    )
    page = text_of(setup.page(coach_client))
    assert "Day 15 fixes stage 2 (Stage 2) of Single-leg squat; Ana Ruiz is on stage 3" in page

    # when she is on stage 2 herself, there is nothing to say
    services.client_stage_step(
        by=setup.coach.user, client=setup.person, exercise=setup.exercise, up=False
    )
    assert "fixes stage" not in text_of(setup.page(coach_client))


def test_a_fixed_stage_on_a_day_that_has_passed_is_not_named(setup, coach_client, time_machine):
    time_machine.move_to(datetime(2027, 3, 16, 12, tzinfo=UTC), tick=False)  # day 16
    services.client_stage_set(
        by=setup.coach.user, client=setup.person, exercise=setup.exercise, stage=setup.stage(3)
    )
    assert "fixes stage" not in text_of(setup.page(coach_client))


# --- recent sessions ---------------------------------------------------------------------------


def test_recent_sessions_show_each_side_the_note_effort_and_who_entered_them(
    coach, client, time_machine
) -> None:
    # given a client with a login who logged day 3 on the day, and day 4 the coach entered late
    time_machine.move_to(NOW, tick=False)
    exercise = ExerciseFactory.create(
        owner=coach, name="Step-down", laterality="unilateral", measurement="reps_load", stages=2
    )
    program = routine(coach, length_days=10, name="Step month")
    for number in range(1, 11):
        add(coach, program, number, exercise)
    person = ClientFactory.create(with_login=True, coach=coach, name="Ivy Park", time_zone="UTC")
    (assignment,) = assign(coach, program, starts_on=START, clients=[person])
    setup = Setup(coach=coach, person=person, exercise=exercise, assignment=assignment)
    assert person.user is not None
    time_machine.move_to(datetime(2027, 3, 3, 18, tzinfo=UTC), tick=False)
    for set_number, (left, right) in enumerate([(8, 8), (7, 8)], start=1):
        for side, reps in (("left", left), ("right", right)):
            services.set_log_create(
                by=person.user,
                client=person,
                assignment=assignment,
                on=date(2027, 3, 3),
                prescription_id=setup.prescription(3).pk,
                data={"set_number": set_number, "side": side, "reps": reps, "load": 15, "form": 4},
            )
    services.session_log_save(
        by=person.user,
        client=person,
        assignment=assignment,
        on=date(2027, 3, 3),
        data={"status": "done", "effort": 6, "note": "Left knee wobbled on the last set"},
    )
    time_machine.move_to(NOW, tick=False)
    log_session(setup, date(2027, 3, 4), left=5, right=5, form=3)

    # when the coach opens the page
    client.force_login(coach.user)
    page = text_of(setup.page(client))

    # then both sessions read as the coach would want
    assert "Recent sessions" in page
    assert "Wed 3 Mar 2027 · Step month, day 3" in page
    assert "Thu 4 Mar 2027 · Step month, day 4" in page
    first = page[page.index("Wed 3 Mar 2027") :]
    second = page[page.index("Thu 4 Mar 2027") : page.index("Wed 3 Mar 2027")]
    assert "Left 8, 7 @ 15 lb; form 4" in first
    assert "Right 8, 8 @ 15 lb; form 4" in first
    assert "Effort 6/10" in first
    assert "Ivy Park: “Left knee wobbled on the last set”" in first
    assert "Logged late" not in first
    assert "Entered by" not in first
    assert "Logged late" in second
    assert f"Entered by {coach.user.name}" in second
    assert "Left 5, 5; form 3" in second


def page_statements(browser, setup: Setup, **params: str) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    """The page's words and the statements its view ran, but the cache's own (a table in the
    embedded default, one statement per entry; one round trip in Redis) and savepoints."""
    with CaptureQueriesContext(connection) as queries:
        page = text_of(setup.page(browser, **params))
    return page, database_queries(queries)


def test_recent_sessions_cost_the_same_queries_for_1_and_30_sessions(setup, coach_client) -> None:
    # given one logged session
    log_session(setup, date(2027, 3, 1))
    plans_version(setup.person.pk)  # the versions exist, as after any earlier visit
    _, one = page_statements(coach_client, setup)
    # and then thirty (one a day, some on an earlier program)
    earlier = routine(setup.coach, length_days=40, name="Earlier")
    for number in range(1, 41):
        add(setup.coach, earlier, number, setup.exercise)
    (old,) = assign(setup.coach, earlier, starts_on=date(2027, 1, 1), clients=[setup.person])
    for offset in range(29):
        on = date(2027, 1, 1) + timedelta(days=offset)
        prescription = Prescription.objects.get(day__program=old.program, day__number=offset + 1)
        for side in ("left", "right"):
            services.set_log_create(
                by=setup.coach.user,
                client=setup.person,
                assignment=old,
                on=on,
                prescription_id=prescription.pk,
                data={"set_number": 1, "side": side, "reps": 8, "form": 4},
            )
    assert SessionLog.objects.filter(client=setup.person).count() == 30

    # then the page takes as many queries as before, and pages the sessions
    page, thirty = page_statements(coach_client, setup)
    assert len(thirty) == len(one), thirty
    assert "Page 1 of 3" in page
    assert page.count("Save comment") == 10
    page_three = text_of(setup.page(coach_client, page="3"))
    assert "Fri 1 Jan 2027" in page_three
    assert "Page 3 of 3" in page_three
    assert page_three.count("Save comment") == 10
    # a page past the last shows the last, and one that is no number the first
    assert "Fri 1 Jan 2027" in text_of(setup.page(coach_client, page="99"))
    assert "Page 3 of 3" in text_of(setup.page(coach_client, page="99999999999999999999999"))
    assert "Page 1 of 3" in text_of(setup.page(coach_client, page="two"))
    assert "Page 1 of 3" in text_of(setup.page(coach_client, page="9" * 5000))
    # one more: the last page holds one
    log_session(setup, date(2027, 3, 2))
    last = text_of(setup.page(coach_client, page="4"))
    assert "Page 4 of 4" in last
    assert last.count("Save comment") == 1
    assert "Fri 1 Jan 2027" in last


def test_the_coach_comments_on_a_session(setup, coach_client) -> None:
    session = log_session(setup, date(2027, 3, 2), note="Felt strong")
    url = reverse("client-session-comment", args=[setup.person.pk, session.pk])

    response = coach_client.post(url, {"comment": "Great control, keep the hips level."})

    assert response.status_code == 302
    assert response["Location"].endswith(f"#session-{session.pk}")
    session.refresh_from_db()
    assert session.coach_comment == "Great control, keep the hips level."
    page = setup.page(coach_client)
    assert "Comment saved on Ana Ruiz's session of 2 Mar 2027." in page
    assert "Great control, keep the hips level.</textarea>" in page  # to change it
    assert "Your comment: Great control, keep the hips level." in text_of(page)


# --- the coach logs a session --------------------------------------------------------------------


def test_the_coach_logs_a_session_for_a_client_without_a_login(setup, coach_client) -> None:
    # given Ana has no login and told the coach about yesterday's session
    assert not setup.person.has_login
    page = text_of(setup.page(coach_client))
    assert "Log a session for Ana Ruiz" in page
    assert "(they have no login)" in page
    url = reverse("client-session-enter", args=[setup.person.pk])
    query = {"assignment": setup.assignment.pk, "on": "2027-03-09"}

    # when the coach opens the day, sees each set per side, and enters what she did
    form_page = coach_client.get(url, query)
    assert form_page.status_code == 200
    words = text_of(html.unescape(form_page.content.decode()))
    assert "day 9 of 20" in words
    assert "Single-leg squat · stage 1: Stage 1" in words
    prescription = setup.prescription(9)
    data = {**query, "status": "partial", "effort": "8", "note": "Told me by message"}
    for number in (1, 2):
        for side in ("left", "right"):
            prefix = f"set-{prescription.pk}-{number}-{side}"
            if number == 2 and side == "right":
                continue  # not ticked: not done
            data.update({f"{prefix}-done": "on", f"{prefix}-reps": "7", f"{prefix}-form": "4"})
    response = coach_client.post(url, data, follow=True)

    # then the session is stored as entered by the coach, and the page shows it so
    assert response.redirect_chain
    session = SessionLog.objects.get(client=setup.person)
    assert session.on == date(2027, 3, 9)
    assert session.status == "partial"
    assert session.effort == 8
    assert session.entered_by == setup.coach.user
    assert session.is_late
    assert sorted(session.sets.values_list("set_number", "side", "reps")) == [
        (1, "left", 7),
        (1, "right", 7),
        (2, "left", 7),
    ]
    assert all(s.entered_by == setup.coach.user for s in session.sets.all())
    page = text_of(html.unescape(response.content.decode()))
    assert "Session of 9 Mar 2027 logged for Ana Ruiz (partly done)." in page
    assert f"Entered by {setup.coach.user.name}" in page
    assert "Ana Ruiz: “Told me by message”" in page


def test_a_refused_session_stores_nothing(setup, coach_client) -> None:
    url = reverse("client-session-enter", args=[setup.person.pk])
    prefix = f"set-{setup.prescription(9).pk}-1-left"
    bad = {
        "assignment": setup.assignment.pk,
        "on": "2027-03-09",
        "status": "done",
        f"{prefix}-done": "on",
        f"{prefix}-reps": "8",
        f"{prefix}-form": "6",
    }

    response = coach_client.post(url, bad)

    assert response.status_code == 400
    assertContains(response, "Ensure this value is less than or equal to 5.", status_code=400)
    skipped = coach_client.post(url, {**bad, f"{prefix}-form": "4", "status": "skipped"})
    assertContains(skipped, "Say why the session was skipped.", status_code=400)
    future = coach_client.get(url, {"assignment": setup.assignment.pk, "on": "2027-03-11"})
    assertContains(future, "You cannot log a day that has not come yet.")
    assertNotContains(future, "Save the session")
    outside = coach_client.get(url, {"assignment": setup.assignment.pk, "on": "2027-02-27"})
    assertContains(outside, "This date is not a day of the program.")
    assert not SessionLog.objects.exists()
    assert not SetLog.objects.exists()


# --- access --------------------------------------------------------------------------------------


def test_another_practices_coach_gets_404_on_every_page_and_action(setup, client) -> None:
    session = log_session(setup, date(2027, 3, 2))
    client.force_login(CoachFactory.create().user)
    person, exercise = setup.person, setup.exercise

    assert client.get(reverse("client-detail", args=[person.pk])).status_code == 404
    for direction in ("up", "down"):
        url = reverse("client-stage-step", args=[person.pk, exercise.pk, direction])
        assert client.post(url).status_code == 404
    url = reverse("client-session-comment", args=[person.pk, session.pk])
    assert client.post(url, {"comment": "Hi"}).status_code == 404
    url = reverse("client-session-enter", args=[person.pk])
    query = {"assignment": setup.assignment.pk, "on": "2027-03-09"}
    assert client.get(url, query).status_code == 404
    assert client.post(url, {**query, "status": "done"}).status_code == 404

    assert not ClientStage.objects.filter(stage__order=2).exists()
    session.refresh_from_db()
    assert session.coach_comment == ""
    assert SessionLog.objects.count() == 1


def test_a_session_of_another_client_cannot_be_commented_through_this_client(
    setup, coach_client
) -> None:
    session = log_session(setup, date(2027, 3, 2))
    other = ClientFactory.create(coach=setup.coach)

    url = reverse("client-session-comment", args=[other.pk, session.pk])

    assert coach_client.post(url, {"comment": "Hi"}).status_code == 404


def test_a_client_reaches_none_of_the_coach_pages(setup, client) -> None:
    person = ClientFactory.create(with_login=True, coach=setup.coach)
    client.force_login(person.user)

    assert client.get(reverse("client-detail", args=[person.pk])).status_code == 404
    url = reverse("client-stage-step", args=[person.pk, setup.exercise.pk, "up"])
    assert client.post(url).status_code == 404
    url = reverse("client-session-enter", args=[person.pk])
    assert client.get(url).status_code == 404


def test_the_stages_cost_five_queries_however_long_the_history_six_before_a_first_log(
    setup, django_assert_num_queries
) -> None:
    # given a second exercise with a ladder, and many moves on the first
    other = ExerciseFactory.create(owner=setup.coach, name="Side plank", stages=2)
    add(setup.coach, setup.assignment.program, 3, other)
    for _ in range(4):
        for up in (True, False):
            services.client_stage_step(
                by=setup.coach.user, client=setup.person, exercise=setup.exercise, up=up
            )

    with django_assert_num_queries(6):
        standings = selectors.client_stage_overview(client=setup.person)

    assert [s.exercise.name for s in standings] == ["Side plank", "Single-leg squat"]
    squat = standings[1]
    assert len(squat.history) == selectors.STAGE_HISTORY_SHOWN == 3
    assert [(c.from_stage and c.from_stage.order, c.to_stage.order) for c in squat.history] == [
        (2, 1),
        (1, 2),
        (2, 1),
    ]
    assert standings[0].history == []
    assert (standings[0].position, standings[0].is_first, standings[0].is_top) == (1, True, False)
    # the side plank has no stage of the client's own yet: the rung the coach chose is read
    # too; once it has one, not
    with django_assert_num_queries(6):
        assert selectors.client_stage_overview(client=setup.person) == standings
    services.client_stage_step(by=setup.coach.user, client=setup.person, exercise=other, up=True)
    with django_assert_num_queries(5):
        selectors.client_stage_overview(client=setup.person)


def test_the_log_page_opens_on_today_with_nothing_refused(setup, coach_client) -> None:
    response = coach_client.get(reverse("client-session-enter", args=[setup.person.pk]))

    assertContains(response, 'value="2027-03-10"')  # the client's today
    assertContains(response, 'max="2027-03-10"')
    assertNotContains(response, "This field is required.")
    assertNotContains(response, "Save the session")


def test_a_kept_page_reads_the_client_with_their_reminder_settings_in_one_query(
    setup, coach_client
) -> None:
    reminders_turn_off(client=setup.person, via=ReminderSchedule.TurnedOffVia.SETTINGS)
    setup.page(coach_client)  # drawn and kept

    with CaptureQueriesContext(connection) as captured:
        page = text_of(setup.page(coach_client))

    assert "Off:" in page
    tables = [q["sql"] for q in captured.captured_queries]
    assert not any('FROM "reminders_reminderschedule"' in sql for sql in tables)
    assert sum('FROM "coach_client"' in sql for sql in tables) == 1
