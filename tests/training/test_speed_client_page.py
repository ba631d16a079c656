# ruff: noqa: F811 - the fixtures imported from the page tests are used by name
"""The coach's client page and dashboard are drawn once and kept in the shared cache: a page
shown again costs the same queries at any size, a write shows on the next view, a day that
turns shows without one, each request has its own CSRF token, and no coach is ever shown
another practice's page."""

import html
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coach.common import CSRF_MARK, plans_changed
from coach.models import Coach
from coach.services import client_update
from exercises.services import exercise_update
from programs.models import Prescription
from programs.services import assignment_create_bulk, assignment_pause, program_update
from tests.coach.factories import ClientFactory, CoachFactory
from tests.conftest import database_queries, get_counting_queries
from tests.programs.factories import add, assign, routine
from tests.reminders.factories import ReminderFactory
from tests.training.api_support import browser, one_sided_hold, routine_of
from tests.training.progress_support import drawn_again, sessions_load
from tests.training.test_client_page import (  # noqa: F401 - fixtures used by name
    START,
    Setup,
    log_session,
    setup,
    text_of,
)
from tests.training.test_dashboard import (  # noqa: F401 - fixtures used by name
    DASHBOARD,
    NOW,
    names,
    practice,
    rows_of,
)
from training import services, views
from training.models import SessionLog

pytestmark = pytest.mark.django_db


def page_url(setup: Setup) -> str:
    return reverse("client-detail", args=[setup.person.pk])


def page_text(browser: Browser, setup: Setup, **params: str) -> str:
    return text_of(setup.page(browser, **params))


# --- the client page: cost -----------------------------------------------------------------


def earlier_sessions(setup: Setup, count: int) -> None:
    """`count` sessions, one a day, on an earlier program of the client's."""
    earlier = routine(setup.coach, length_days=count, name="Earlier")
    for number in range(1, count + 1):
        add(setup.coach, earlier, number, setup.exercise)
    (old,) = assign(setup.coach, earlier, starts_on=date(2027, 1, 1), clients=[setup.person])
    for offset in range(count):
        prescription = Prescription.objects.get(day__program=old.program, day__number=offset + 1)
        for side in ("left", "right"):
            services.set_log_create(
                by=setup.coach.user,
                client=setup.person,
                assignment=old,
                on=date(2027, 1, 1) + timedelta(days=offset),
                prescription_id=prescription.pk,
                data={"set_number": 1, "side": side, "reps": 8, "form": 4},
            )


def page_queries(browser: Browser, setup: Setup) -> tuple[str, list[str]]:
    """The page's words and the statements its view ran (not the cache's own, a table in the
    embedded default, nor the savepoints around them)."""
    with CaptureQueriesContext(connection) as queries:
        page = page_text(browser, setup)
    return page, database_queries(queries)


def client_page_queries(browser: Browser, setup: Setup) -> tuple[int, int]:
    """The queries of the page drawn (after a write) and then kept (see page_queries)."""
    plans_changed(client_id=setup.person.pk)
    _, drawn = page_queries(browser, setup)
    _, kept = page_queries(browser, setup)
    return len(drawn), len(kept)


def test_the_client_page_costs_the_same_queries_for_1_and_30_sessions_and_programs(
    setup, coach_client
) -> None:
    # given one session on one program
    log_session(setup, date(2027, 3, 1))
    drawn_one, kept_one = client_page_queries(coach_client, setup)

    # when the client has thirty sessions on two programs
    earlier_sessions(setup, 29)
    assert SessionLog.objects.filter(client=setup.person).count() == 30
    drawn_many, kept_many = client_page_queries(coach_client, setup)

    # then a page drawn again and a page kept each cost what they did, a kept one less
    assert (drawn_many, kept_many) == (drawn_one, kept_one)
    assert kept_one < drawn_one
    assert "Page 1 of 3" in page_text(coach_client, setup)


# --- the client page: what it shows is never stale ---------------------------------------------


def test_a_logged_session_and_a_comment_show_at_once(setup, coach_client) -> None:
    assert "No session logged yet" in page_text(coach_client, setup)

    session = log_session(setup, date(2027, 3, 9), note="Felt solid")
    assert "Felt solid" in page_text(coach_client, setup)

    services.session_log_comment(session=session, comment="Keep the knee out")
    assert "Keep the knee out" in page_text(coach_client, setup)


def test_a_log_draws_again_only_what_it_changes_and_shows_it_at_once(
    setup, coach_client, time_machine
) -> None:
    # given Ana's page drawn and kept before she has logged anything
    first, drawn = page_queries(coach_client, setup)
    _, kept = page_queries(coach_client, setup)
    assert "No session logged yet" in first
    assert "Ready to advance" not in first
    assert "set by the system" not in first

    # when three good sessions are logged, which make her ready to move up
    for day in (6, 7, 9):
        log_session(
            setup, date(2027, 3, day), note=f"Day {day} felt solid", time_machine=time_machine
        )
    time_machine.move_to(datetime(2027, 3, 10, 12, tzinfo=UTC), tick=False)

    # then the next view shows the sessions, her readiness with its evidence and the first
    # rung stored as she first logged, without reading her programs again
    after, redrawn = page_queries(coach_client, setup)
    assert "Day 9 felt solid" in after
    assert "Stage 1 of 3: Stage 1 Ready to advance" in after
    assert "in the sessions of 9 Mar, 7 Mar, 6 Mar." in after
    assert "started on stage 1 (Stage 1), set by the system" in after
    assert "Move up to stage 2" in after
    assert len(kept) < len(redrawn) < len(drawn)
    assert not any("programs_prescription" in sql for sql in redrawn), redrawn


def test_only_the_session_a_write_changed_is_drawn_again(setup, coach_client) -> None:
    # given two sessions on the page, drawn and kept (the clock stands still in these tests, so
    # no time stamp can tell a change)
    older = log_session(setup, date(2027, 3, 6), note="Older")
    newer = log_session(setup, date(2027, 3, 9), note="Newer")
    assert "Left 8, 8; form 5" in page_text(coach_client, setup)

    # when one of the older session's sets is corrected
    corrected = older.sets.order_by("id").first()
    assert corrected is not None
    services.set_log_update(set_log=corrected, data={"reps": 3})

    # then the page shows it at once, reading the sets of that session alone
    page, redrawn = page_queries(coach_client, setup)
    assert "Left 3, 8; form 5" in page
    set_reads = [sql for sql in redrawn if 'FROM "training_setlog"' in sql]
    assert len(set_reads) == 1
    assert re.search(rf'"session_id" (= |IN \(){older.pk}\b', set_reads[0]), set_reads[0]

    # and a comment on the newer one shows at once too
    services.session_log_comment(session=newer, comment="Keep the hips level")
    assert "Keep the hips level" in page_text(coach_client, setup)


def test_the_stage_chosen_when_assigning_shows_before_and_after_the_clients_first_log(
    setup, coach_client
) -> None:
    # given Ana assigned a second program that starts her on stage 2, before she logs (her
    # stage row is stored at her first log): her page shows the rung her program uses
    program = routine(setup.coach, length_days=5, name="Second squat block")
    for number in range(1, 6):
        add(setup.coach, program, number, setup.exercise)
    (second,) = assignment_create_bulk(
        coach=setup.coach,
        template=program,
        clients=[setup.person],
        starts_on=date(2027, 3, 10),
        starting_stages={setup.exercise.pk: setup.stage(2).pk},
    )
    before = page_text(coach_client, setup)
    assert "Stage 2 of 3: Stage 2" in before
    assert "Move up to stage 3" in before

    # when she logs the day's set of it
    services.set_log_create(
        by=setup.coach.user,
        client=setup.person,
        assignment=second,
        on=date(2027, 3, 10),
        prescription_id=Prescription.objects.get(day__program=second.program, day__number=1).pk,
        data={"set_number": 1, "side": "left", "reps": 8, "form": 4},
    )

    # then her page shows the rung she stands on, and its moves are from there
    page = page_text(coach_client, setup)
    assert "Stage 2 of 3: Stage 2" in page
    assert "started on stage 2 (Stage 2), set by the system" in page
    assert "Move up to stage 3" in page


def test_a_session_changed_while_the_page_is_drawn_is_not_kept_as_it_was(
    setup, coach_client, monkeypatch
) -> None:
    # given a session on the page, drawn and kept
    session = log_session(setup, date(2027, 3, 9), note="Felt solid")
    page_text(coach_client, setup)
    log_session(setup, date(2027, 3, 9))  # more sets: the page's session is drawn again

    # when the coach's comment is stored after the page read its sessions, before it read the
    # versions of their days
    real = views.day_versions

    def commented_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        services.session_log_comment(session=session, comment="Lovely depth")
        monkeypatch.setattr(views, "day_versions", real)
        return real(*args, **kwargs)

    monkeypatch.setattr(views, "day_versions", commented_meanwhile)
    page_text(coach_client, setup)

    # then the session kept under the new version shows the comment
    assert "Lovely depth" in page_text(coach_client, setup)


def test_a_stage_move_shows_at_once(setup, coach_client) -> None:
    assert "Stage 1 of 3" in page_text(coach_client, setup)

    services.client_stage_step(
        by=setup.coach.user, client=setup.person, exercise=setup.exercise, up=True
    )

    assert "Stage 2 of 3" in page_text(coach_client, setup)


def test_a_paused_program_shows_at_once(setup, coach_client) -> None:
    assert ">Pause</button>" in setup.page(coach_client)

    assignment_pause(coach=setup.coach, assignment=setup.assignment, on=date(2027, 3, 10))

    shown = setup.page(coach_client)
    assert ">Resume</button>" in shown
    assert ">Pause</button>" not in shown


def test_renaming_the_client_the_program_or_the_exercise_shows_at_once(setup, coach_client) -> None:
    log_session(setup, date(2027, 3, 9))
    assert "Squat month" in page_text(coach_client, setup)

    client_update(client=setup.person, data={"name": "Ana Ruiz-Soto"})
    program_update(
        coach=setup.coach, program=setup.assignment.program, data={"name": "Squat season"}
    )
    exercise_update(
        coach=setup.coach, exercise=setup.exercise, data={"name": "Pistol squat"}, partial=True
    )

    shown = page_text(coach_client, setup)
    assert "Log a session for Ana Ruiz-Soto" in shown
    assert "Squat season" in shown
    assert "Squat month" not in shown
    assert "Pistol squat" in shown
    assert "Single-leg squat" not in shown


def test_a_reminder_written_by_the_dispatcher_shows_on_the_next_view(setup, coach_client) -> None:
    assert "No reminders yet" in page_text(coach_client, setup)

    # the dispatcher and the sender write reminders in bulk, past the services
    ReminderFactory.create(client=setup.person, on=date(2027, 3, 10))

    assert "No reminders yet" not in page_text(coach_client, setup)


def test_a_day_ahead_that_has_passed_drops_off_without_a_write(
    setup, coach_client, time_machine
) -> None:
    # day 15 fixes stage 2; on day 14 it lies ahead
    time_machine.move_to(datetime.combine(START + timedelta(days=13), NOW.timetz()), tick=False)
    assert "Day 15 fixes stage 2" in page_text(coach_client, setup)

    time_machine.move_to(datetime.combine(START + timedelta(days=15), NOW.timetz()), tick=False)

    assert "Day 15 fixes stage 2" not in page_text(coach_client, setup)


# --- the client page: per person, per request --------------------------------------------------


def test_another_practices_coach_never_gets_the_kept_page(setup, coach_client, client) -> None:
    # given Ana's page drawn and kept for her coach
    assert "Ana Ruiz" in page_text(coach_client, setup)
    assert "Ana Ruiz" in page_text(coach_client, setup)
    # and another coach with a client of their own
    other = CoachFactory.create()
    theirs = ClientFactory.create(coach=other, name="Zed Quinn")
    client.force_login(other.user)

    # then Ana's page is not found for them, and their own client's page is their own
    assert client.get(page_url(setup)).status_code == 404
    assert client.get(page_url(setup), {"page": "2"}).status_code == 404
    response = client.get(reverse("client-detail", args=[theirs.pk]))
    shown = html.unescape(response.content.decode())
    assert "Zed Quinn" in shown
    assert "Ana Ruiz" not in shown
    assert "Squat month" not in shown


def comment_form_token(page: str) -> str:
    found = re.search(
        r'class="comment-form">\s*<input type="hidden" name="csrfmiddlewaretoken" '
        r'value="([^"]+)"',
        page,
    )
    assert found, "no comment form"
    return found[1]


def test_each_view_of_the_kept_page_has_a_working_csrf_token(setup) -> None:
    session = log_session(setup, date(2027, 3, 9))
    first, second = Browser(enforce_csrf_checks=True), Browser(enforce_csrf_checks=True)
    first.force_login(setup.coach.user)
    second.force_login(setup.coach.user)

    # the page drawn for one session, then shown from the cache to another
    drawn, kept = setup.page(first), setup.page(second)

    assert CSRF_MARK not in drawn
    assert CSRF_MARK not in kept
    url = reverse("client-session-comment", args=[setup.person.pk, session.pk])
    refused = first.post(url, {"comment": "x", "csrfmiddlewaretoken": comment_form_token(kept)})
    assert refused.status_code == 403  # another session's token
    sent = second.post(
        url, {"comment": "Good depth", "csrfmiddlewaretoken": comment_form_token(kept)}
    )
    assert sent.status_code == 302
    assert "Good depth" in page_text(second, setup)


# --- the dashboard -----------------------------------------------------------------------------


def dashboard_queries(coach_client: Browser, coach: Coach) -> tuple[int, int]:
    """The queries of the first page drawn (every row after a write) and then kept."""
    drawn_again(coach)
    _, drawn = get_counting_queries(coach_client, DASHBOARD, cache=False)
    _, kept = get_counting_queries(coach_client, DASHBOARD, cache=False)
    return drawn, kept


def test_the_dashboard_costs_the_same_queries_for_1_and_30_clients(coach, time_machine) -> None:
    # given one client with a program and a logged session
    time_machine.move_to(NOW, tick=False)
    coach_client = browser(coach.user)
    exercise = one_sided_hold(coach)
    template = routine_of(coach, exercise, length_days=30)
    first = ClientFactory.create(coach=coach)
    (assignment,) = assign(coach, template, starts_on=START, clients=[first])
    sessions_load(assignment, [START, START + timedelta(days=1)], left=20, right=30)
    coach_client.get(DASHBOARD)  # makes the summary
    drawn_one, kept_one = dashboard_queries(coach_client, coach)

    # when 29 more have a program and a session each
    more = ClientFactory.create_batch(29, coach=coach)
    for assigned in assign(coach, template, starts_on=START, clients=more):
        sessions_load(assigned, [START])
    coach_client.get(DASHBOARD)
    drawn_many, kept_many = dashboard_queries(coach_client, coach)

    # then
    assert (drawn_many, kept_many) == (drawn_one, kept_one)
    assert kept_one < drawn_one
    assert len(names(coach_client.get(DASHBOARD))) == 25


def test_a_logged_session_a_new_client_and_a_new_name_show_at_once(practice, coach_client):
    assert "Never" in rows_of(coach_client.get(DASHBOARD))["Dee Moss"]

    ClientFactory.create(coach=practice.coach, name="Eli Park")
    client_update(client=practice.dee, data={"name": "Dee Moss-Hart"})
    rows = rows_of(coach_client.get(DASHBOARD))
    assert "Eli Park" in rows
    assert "Dee Moss-Hart" in rows

    before = rows["Bo Berg"]
    assert "10 Mar 2027" not in before
    # Bo logs today's session
    prescription = practice.bo.prescription_on(10)
    services.session_log_enter(
        by=practice.bo.client.user,  # type: ignore[arg-type]
        client=practice.bo.client,
        assignment=practice.bo.assignment,
        on=NOW.date(),
        data={"status": "done"},
        sets=[
            {"prescription": prescription.pk, "side": side, "hold_seconds": 10, "form": 4}
            for side in ("left", "right")
        ],
    )
    assert "10 Mar 2027" in rows_of(coach_client.get(DASHBOARD))["Bo Berg"]


def test_a_day_that_turns_shows_without_a_write(practice, coach_client, time_machine):
    # Cy (in UTC) trained today: done, late in the evening
    time_machine.move_to(datetime(2027, 3, 10, 23, 50, tzinfo=UTC), tick=False)
    coach_client.get(DASHBOARD)  # drawn (the summaries the rows lack are made)
    assert "Done" in rows_of(coach_client.get(DASHBOARD))["Cy Dahl"]  # kept

    # a quarter of an hour later it is the next day, with no write since
    time_machine.move_to(datetime(2027, 3, 11, 0, 5, tzinfo=UTC), tick=False)

    assert "Not yet" in rows_of(coach_client.get(DASHBOARD))["Cy Dahl"]


def test_another_practices_coach_never_gets_the_kept_dashboard(practice, coach_client, client):
    assert "Ada Lind" in rows_of(coach_client.get(DASHBOARD))
    assert "Ada Lind" in rows_of(coach_client.get(DASHBOARD))
    other = CoachFactory.create()
    ClientFactory.create(coach=other, name="Zed Quinn")
    client.force_login(other.user)

    assert names(client.get(DASHBOARD)) == ["Zed Quinn"]


def test_the_threshold_form_of_the_kept_dashboard_has_a_working_csrf_token(practice) -> None:
    first, second = Browser(enforce_csrf_checks=True), Browser(enforce_csrf_checks=True)
    first.force_login(practice.coach.user)
    second.force_login(practice.coach.user)
    first.get(DASHBOARD)
    kept = second.get(DASHBOARD).content.decode()
    assert CSRF_MARK not in kept
    token = re.search(
        r'action="/dashboard/threshold/"[^>]*>\s*<input type="hidden" '
        r'name="csrfmiddlewaretoken" value="([^"]+)"',
        kept,
    )
    assert token, "no threshold form"

    sent = second.post(
        reverse("dashboard-threshold"),
        {"asymmetry_threshold_pct": "50", "csrfmiddlewaretoken": token[1]},
    )

    assert sent.status_code == 302
    assert "Above 50%" not in second.get(DASHBOARD).content.decode()
    assert 'value="50"' in second.get(DASHBOARD).content.decode()
