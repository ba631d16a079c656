"""A client's progress page, as their coach and they themselves read it, and its endpoint."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from unittest.mock import patch

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coach.models import Client, Coach
from exercises.models import Exercise
from programs import services as program_services
from programs.models import Assignment
from tests.coach.factories import ClientFactory, CoachFactory
from tests.conftest import database_queries, get_counting_queries
from tests.programs.factories import assign, set_day
from tests.training.api_support import browser, one_sided_hold, routine_of
from tests.training.progress_support import sessions_load, words
from training import progress_charts, running, services
from training.models import RunMetric

pytestmark = pytest.mark.django_db

START = date(2027, 3, 1)
# Noon in London on 10 March is already 2 a.m. on 11 March on Kiritimati (UTC+14).
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
LOCAL_TODAY = date(2027, 3, 11)


@dataclass
class Story:
    coach: Coach
    person: Client
    exercise: Exercise
    assignment: Assignment

    def on(self, number: int) -> date:
        return START + timedelta(days=number - 1)

    def log(self, number: int, status: str, *sides: tuple[str, int]) -> None:
        prescription = self.assignment.program.days.get(number=number).prescriptions.get()
        services.session_log_enter(
            by=self.person.user,  # type: ignore[arg-type]
            client=self.person,
            assignment=self.assignment,
            on=self.on(number),
            data={"status": status, "skip_reason": "Travelling" if status == "skipped" else ""},
            sets=[
                {"prescription": prescription.pk, "side": side, "hold_seconds": hold, "form": 4}
                for side, hold in sides
            ],
        )


@pytest.fixture
def story(coach, time_machine) -> Story:
    """Mia, far east of UTC, on day 11 of a 14-day wall-hold routine with a rest day on day 4:
    days 1 and 2 done with her left side behind, day 3 skipped, day 5 missed, day 6 only her
    left side logged, days 7 and 8 done even, days 9 and 10 missed, today not done yet. Her coach
    moved her up a stage after day 8."""
    time_machine.move_to(NOW, tick=False)
    exercise = one_sided_hold(coach, name="Wall single-leg hold")
    template = routine_of(coach, exercise, length_days=14)
    set_day(coach, template, 4, is_rest=True)
    person = ClientFactory.create(
        with_login=True, coach=coach, name="Mia Tane", time_zone="Pacific/Kiritimati"
    )
    (assignment,) = assign(coach, template, starts_on=START, clients=[person])
    told = Story(coach=coach, person=person, exercise=exercise, assignment=assignment)
    told.log(1, "done", ("left", 45), ("right", 60))
    told.log(2, "done", ("left", 50), ("right", 60))
    told.log(3, "skipped")
    told.log(6, "partial", ("left", 40))
    told.log(7, "done", ("left", 60), ("right", 60))
    told.log(8, "done", ("left", 60), ("right", 60))
    services.client_stage_step(by=coach.user, client=person, exercise=exercise, up=True)
    return told


def progress_url(person: Client) -> str:
    return reverse("client-progress", args=[person.pk])


def api_url(person: Client) -> str:
    return f"/api/v1/clients/{person.pk}/progress/"


# --- what the page says -------------------------------------------------------------------------


def test_the_coach_reads_adherence_and_streaks_counted_by_the_stated_rules(story, coach_client):
    page = words(coach_client.get(progress_url(story.person)))

    # 9 sessions due (days 1-3, 5-10: day 4 rests, today is not done yet): 4 done, one partly
    assert "This program 50% 4.5 of 9" in page
    # the last 7 days (5-11 March): days 5-10 due, 2.5 done
    assert "Last 7 days 42% 2.5 of 6 sessions" in page
    assert "Current streak 0 sessions" in page
    assert "Longest streak 3 sessions" in page  # partly done day 6, then days 7 and 8
    assert "Missed in a row 2 sessions" in page
    assert "A partly done session counts half" in page
    assert "A session logged late counts on the day it was for" in page


def test_the_calendar_marks_each_day_in_the_clients_own_dates(story, coach_client):
    page = words(coach_client.get(progress_url(story.person)))

    assert "Monday 1 March: Done, logged late" in page
    assert "Wednesday 3 March: Skipped" in page
    assert "Thursday 4 March: Rest day" in page
    assert "Friday 5 March: Missed" in page
    assert "Saturday 6 March: Partly done" in page
    # In London it is still the 10th; for Mia the 10th has passed unlogged and today is the 11th
    assert "Wednesday 10 March: Missed" in page
    assert "Thursday 11 March (today): Due today" in page
    assert "Friday 12 March: Upcoming" in page
    assert 'aria-current="date"' in coach_client.get(progress_url(story.person)).content.decode()


def test_each_session_has_its_asymmetry_and_a_missing_side_is_said(story, coach_client):
    response = coach_client.get(progress_url(story.person))
    page = words(response)

    # the chart in words: 25% on day 1 (45 against 60 s), down to 0% on days 7 and 8
    assert "Asymmetry index: 25% on 1 Mar, 0% on 8 Mar (4 sessions, highest 25%)." in page
    assert "Left: 45 s on 1 Mar, 60 s on 8 Mar" in page
    # its table, and the session table, say "one side missing" for day 6, never 100%
    assert "Sat 6 Mar 2027 one side missing" in page
    assert "100%" not in page
    assert "Latest left/right asymmetry: 0%" in page
    # the stage change is marked on the time line
    assert "Wall single-leg hold → stage 2" in page
    assert "moved to stage 2" in page
    assert response.content.decode().count("<svg") == 2  # longest hold, asymmetry


def test_a_session_logged_since_the_page_was_drawn_shows_at_once(story, coach_client):
    before = words(coach_client.get(progress_url(story.person)))

    story.log(9, "done", ("left", 60), ("right", 60))
    after = words(coach_client.get(progress_url(story.person)))

    assert "This program 50% 4.5 of 9" in before
    assert "This program 61% 5.5 of 9" in after
    assert "Tuesday 9 March: Done" in after


def test_the_time_range_narrows_the_trends(story, time_machine):
    time_machine.move_to(NOW + timedelta(days=20), tick=False)
    coach_client = browser(story.coach.user)

    four = words(coach_client.get(progress_url(story.person), {"range": "4w"}))
    twelve = words(coach_client.get(progress_url(story.person), {"range": "12w"}))
    every = words(coach_client.get(progress_url(story.person), {"range": "all"}))
    unknown = coach_client.get(progress_url(story.person), {"range": "1y"})

    assert "From 4 Mar 2027 to today." in four
    assert "Mon 1 Mar 2027" not in four
    # twelve weeks reach back before the program: its axis starts on its first day
    assert "From 1 Mar 2027 to today." in twelve
    assert "Mon 1 Mar 2027" in twelve
    assert "Everything logged." in every
    assert "Mon 1 Mar 2027" in every
    assert unknown.status_code == 200  # an unknown range shows the default one
    assert "From 4 Mar 2027 to today." in words(unknown)


def test_runs_are_charted_next_to_the_single_leg_trends(story, coach_client):
    RunMetric.objects.create(
        client=story.person, on=date(2027, 3, 9), cadence_spm=172, ground_contact_ms=248
    )

    page = words(coach_client.get(progress_url(story.person)))

    assert "Running: cadence, ground contact and stride" in page
    assert "172" in page
    assert "248" in page


def test_the_client_reads_their_own_progress_on_their_phone_page(story):
    http = browser(story.person.user)

    page = words(http.get(reverse("my-progress")))

    assert "Your progress" in page
    assert "This program 50% 4.5 of 9" in page
    assert "Today ›" in page


def test_the_current_program_is_shown_and_an_earlier_one_a_click_away(story, coach_client):
    earlier = routine_of(story.coach, story.exercise, length_days=5)
    (done,) = assign(story.coach, earlier, starts_on=date(2027, 2, 1), clients=[story.person])
    program_services.assignments_complete_due(now=NOW)

    current = coach_client.get(progress_url(story.person))
    other = coach_client.get(progress_url(story.person), {"program": done.pk})

    assert "14-day routine, day by day" in words(current)
    assert f"?program={done.pk}&amp;range=4w" in current.content.decode()
    assert "5-day routine, day by day" in words(other)
    assert "Monday 1 February: Missed" in words(other)
    # the figures of the last 7 and 30 days count every program; the program's, its own
    assert "This program 0% 0 of 5" in words(other)


def test_a_paused_program_shows_its_paused_days_and_does_not_count_them(
    story, coach_client, time_machine
):
    program_services.assignment_pause(
        coach=story.coach, assignment=story.assignment, on=date(2027, 3, 9)
    )
    time_machine.move_to(NOW + timedelta(days=3), tick=False)

    page = words(browser(story.coach.user).get(progress_url(story.person)))

    assert "Tuesday 9 March: Paused" in page
    assert "Sunday 14 March (today): Paused" in page
    # days 9 and 10 were missed before the pause; now they are not due
    assert "This program 64% 4.5 of 7" in page
    assert "Missed in a row" not in page


def test_a_program_paused_since_the_page_was_drawn_shows_at_once(story, coach_client):
    before = words(coach_client.get(progress_url(story.person)))

    program_services.assignment_pause(
        coach=story.coach, assignment=story.assignment, on=date(2027, 3, 9)
    )
    after = words(coach_client.get(progress_url(story.person)))

    assert "Tuesday 9 March: Missed" in before
    assert "Tuesday 9 March: Paused" in after
    assert "This program 64% 4.5 of 7" in after


def test_without_a_program_the_page_says_what_to_do(coach, coach_client):
    person = ClientFactory.create(coach=coach, with_login=True)

    coach_page = words(coach_client.get(progress_url(person)))
    own_page = words(browser(person.user).get(reverse("my-progress")))

    assert "No program yet" in coach_page
    assert "Open a program and choose “Assign”" in coach_page
    assert "once your coach gives you a program" in own_page


def test_the_client_page_links_to_the_progress_page(story, coach_client):
    page = coach_client.get(reverse("client-detail", args=[story.person.pk])).content.decode()

    assert f'href="{progress_url(story.person)}"' in page


# --- the endpoint -------------------------------------------------------------------------------


def test_the_endpoint_serves_the_figures_of_the_page(story, coach_client):
    body = coach_client.get(api_url(story.person)).json()

    assert body["today"] == "2027-03-11"
    assert body["adherence"]["program"] == {"done": 4.5, "due": 9, "percent": 50}
    assert body["adherence"]["last_7_days"] == {"done": 2.5, "due": 6, "percent": 42}
    assert (body["current_streak"], body["longest_streak"], body["missed_in_a_row"]) == (0, 3, 2)
    statuses = [day["status"] for day in body["program"]["days"]]
    assert statuses[:12] == [
        "done", "done", "skipped", "rest", "missed", "partial",
        "done", "done", "missed", "missed", "today", "upcoming",
    ]  # fmt: skip
    (hold,) = body["exercises"]
    sessions = {s["date"]: s for s in hold["sessions"]}
    assert sessions["2027-03-01"]["asymmetry"] == 0.25
    assert sessions["2027-03-01"]["sides"]["left"]["longest_hold"] == 45
    assert sessions["2027-03-06"]["asymmetry"] is None
    assert sessions["2027-03-06"]["one_side_missing"] is True
    assert [c["stage_order"] for c in body["stage_changes"]] == [1, 2]


def test_the_client_reads_their_own_figures_through_the_endpoint(story):
    response = browser(story.person.user).get(api_url(story.person), {"range": "all"})

    assert response.status_code == 200
    assert response.json()["range"] == "all"
    assert response.json()["since"] is None


def test_the_endpoint_refuses_a_bad_range_and_a_program_not_the_clients(story, coach_client):
    other = ClientFactory.create(coach=story.coach)
    (theirs,) = assign(story.coach, story.assignment.template, starts_on=START, clients=[other])  # type: ignore[arg-type]

    bad_range = coach_client.get(api_url(story.person), {"range": "1y"})
    not_theirs = coach_client.get(api_url(story.person), {"program": theirs.pk})
    own = coach_client.get(api_url(story.person), {"program": story.assignment.pk})

    assert bad_range.status_code == 400
    assert "range" in bad_range.json()["fields"]
    assert not_theirs.status_code == 404
    assert own.status_code == 200


def test_the_schema_documents_the_endpoint(coach_client):
    schema = coach_client.get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/clients/{id}/progress/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"id", "range", "program"}
    progress = schema["components"]["schemas"]["ClientProgress"]["properties"]
    assert {"adherence", "current_streak", "program", "exercises", "stage_changes"} <= set(progress)
    session = schema["components"]["schemas"]["ProgressSession"]["properties"]
    assert session["asymmetry"]["nullable"] is True


# --- who may see it -----------------------------------------------------------------------------


def test_no_one_else_sees_a_clients_progress(story, client):
    # given: another client of the same coach, and another practice's coach
    neighbour = ClientFactory.create(coach=story.coach, with_login=True)
    stranger = CoachFactory.create()

    # when
    as_neighbour = browser(neighbour.user)
    as_stranger = browser(stranger.user)
    as_mia = browser(story.person.user)

    # then
    assert as_neighbour.get(api_url(story.person)).status_code == 404
    assert as_stranger.get(api_url(story.person)).status_code == 404
    assert as_stranger.get(progress_url(story.person)).status_code == 404
    assert as_mia.get(progress_url(story.person)).status_code == 404  # the coach's page
    assert "Mia Tane" not in words(as_neighbour.get(reverse("my-progress")))
    assert as_stranger.get(reverse("my-progress")).status_code == 404
    assert client.get(api_url(story.person)).status_code in (401, 403)


# --- cost ---------------------------------------------------------------------------------------


def test_the_page_and_endpoint_cost_the_same_for_1_and_300_sessions_and_3_and_300_clients(
    coach, time_machine
):
    # given: a client on a 310-day routine with one session logged
    time_machine.move_to(datetime(2027, 12, 31, 12, 0, tzinfo=UTC), tick=False)
    coach_client = browser(coach.user)
    exercise = one_sided_hold(coach)
    template = routine_of(coach, exercise, length_days=310)
    person = ClientFactory.create(coach=coach, time_zone="UTC")
    (assignment,) = assign(coach, template, starts_on=date(2027, 2, 1), clients=[person])
    ClientFactory.create_batch(2, coach=coach)
    coach_client.get(progress_url(person))  # an earlier visit: the versions and outline kept
    sessions_load(assignment, [date(2027, 2, 1)])
    urls = [progress_url(person) + "?range=all", api_url(person) + "?range=all"]
    few = [get_counting_queries(coach_client, url)[1] for url in urls]

    # when: 299 more sessions, left behind on each, and 297 more clients
    sessions_load(
        assignment, [date(2027, 2, 2) + timedelta(days=n) for n in range(299)], left=20, right=30
    )
    ClientFactory.create_batch(297, coach=coach)
    many = [get_counting_queries(coach_client, url) for url in urls]

    # then
    assert [count for _, count in many] == few
    assert "Latest left/right asymmetry: 33.3%" in words(many[0][0])
    assert len(many[1][0].json()["exercises"][0]["sessions"]) == 300


def test_after_a_log_the_page_is_drawn_without_reading_the_programs_again(story, coach_client):
    # given: the page drawn once
    coach_client.get(progress_url(story.person))

    # when: a session is logged, and later the program is paused
    story.log(9, "done", ("left", 60), ("right", 60))
    with CaptureQueriesContext(connection) as after_log:
        logged = words(coach_client.get(progress_url(story.person)))
    program_services.assignment_pause(
        coach=story.coach, assignment=story.assignment, on=date(2027, 3, 10)
    )
    with CaptureQueriesContext(connection) as after_pause:
        paused = words(coach_client.get(progress_url(story.person)))

    # then: the log's page reads the sessions but not the program's days; the pause's both
    def days_read(context: CaptureQueriesContext) -> int:
        return sum("programs_day" in sql for sql in database_queries(context))

    assert "Tuesday 9 March: Done" in logged
    assert days_read(after_log) == 0
    assert "Wednesday 10 March: Paused" in paused
    assert days_read(after_pause) == 1
    assert len(database_queries(after_pause)) == len(database_queries(after_log)) + 2


def test_after_a_change_only_the_charts_of_the_exercises_it_changed_are_drawn_again(
    story, coach_client
):
    # given: the page drawn once
    coach_client.get(progress_url(story.person))
    drawing = patch.object(
        progress_charts, "exercise_charts", wraps=progress_charts.exercise_charts
    )

    # when: a run is entered (the page is drawn again, the exercise's figures are as they were)
    running.run_metric_save(
        by=story.coach.user, client=story.person, on=date(2027, 3, 9), data={"cadence_spm": 170}
    )
    with drawing as drawn:
        after_run = words(coach_client.get(progress_url(story.person)))
        runs_drawn = drawn.call_count
    # and then a session of the exercise is logged
    story.log(9, "done", ("left", 61), ("right", 62))
    with drawing as drawn:
        after_log = words(coach_client.get(progress_url(story.person)))
        log_drawn = drawn.call_count

    # then: the charts are the same after the run, and drawn again with the session
    assert "170" in after_run
    assert "Latest left/right asymmetry: 0%" in after_run
    assert runs_drawn == 0
    assert log_drawn == 1
    assert "Latest left/right asymmetry: 1.6%" in after_log
    assert "Left: longest hold 61 s" in after_log
