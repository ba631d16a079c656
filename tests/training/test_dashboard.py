"""The coach's dashboard: each client's figures, sorted by any column, filtered to those who
need attention, at the same cost for 3 and 300 clients; and the stored summaries behind it,
kept current by the writes and by the hourly pass."""

import html
import re
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from coach import services as coach_services
from coach.models import Client, Coach
from exercises.models import Exercise
from programs import services as program_services
from tests.coach.factories import ClientFactory, CoachFactory
from tests.conftest import get_counting_queries, require
from tests.programs.factories import assign
from tests.training.api_support import Trainee, browser, one_sided_hold, routine_of, trainee
from tests.training.progress_support import drawn_again, sessions_load, words
from training import dashboard_rows, services, summaries
from training.dashboard_rows import DashboardRow
from training.models import ClientSummary, SessionLog
from training.summaries import summaries_refresh_changed, summaries_refresh_due
from training.tasks import summaries_refresh_changed_task, summaries_refresh_due_task

pytestmark = pytest.mark.django_db

START = date(2027, 3, 1)
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)  # day 10 of a routine started on 1 March
DASHBOARD = "/dashboard/"


@dataclass
class Practice:
    coach: Coach
    exercise: Exercise
    ada: Trainee
    bo: Trainee
    cy: Trainee
    dee: Client


def days(first: int, last: int) -> list[date]:
    return [START + timedelta(days=n - 1) for n in range(first, last + 1)]


def log_good_session(person: Trainee, on: date) -> None:
    prescription = person.prescription_on((on - person.assignment.starts_on).days + 1)
    services.session_log_enter(
        by=person.client.user,  # type: ignore[arg-type]
        client=person.client,
        assignment=person.assignment,
        on=on,
        data={"status": "done"},
        sets=[
            {"prescription": prescription.pk, "side": side, "hold_seconds": 10, "form": 4}
            for side in ("left", "right")
        ],
    )


@pytest.fixture
def practice(coach, time_machine) -> Practice:
    """Ada trains every day, her left side a third behind her right; Bo stopped three days ago;
    Cy started on the 8th and has met his stage's criteria; Dee has no program yet."""
    time_machine.move_to(NOW, tick=False)
    exercise = one_sided_hold(coach)
    ada = trainee(coach, starts_on=START, exercise=exercise, name="Ada Lind")
    sessions_load(ada.assignment, days(1, 9), left=20, right=30)
    bo = trainee(coach, starts_on=START, exercise=exercise, name="Bo Berg")
    sessions_load(bo.assignment, days(1, 6))
    cy = trainee(coach, starts_on=date(2027, 3, 8), exercise=exercise, name="Cy Dahl")
    for on in (date(2027, 3, 8), date(2027, 3, 9), NOW.date()):
        log_good_session(cy, on)
    dee = ClientFactory.create(coach=coach, name="Dee Moss")
    return Practice(coach=coach, exercise=exercise, ada=ada, bo=bo, cy=cy, dee=dee)


def table_rows(response) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(name, the row as it reads) of each client shown, in order."""
    assert response.status_code == 200
    body = response.content.decode().split("<tbody>", 1)[-1].split("</tbody>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", row))).strip()
        name = re.search(r'<a href="/clients/\d+/">([^<]+)</a>', row)
        assert name is not None
        rows.append((html.unescape(name.group(1)), text))
    return rows


def rows_of(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each client's row as it reads, by name, in the order shown."""
    return dict(table_rows(response))


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [name for name, _ in table_rows(response)]


# --- what each row says ------------------------------------------------------------------------


def test_each_row_shows_today_adherence_missed_asymmetry_readiness_and_last_log(
    practice, coach_client
):
    rows = rows_of(coach_client.get(DASHBOARD))

    assert rows["Ada Lind"].startswith("Ada Lind UTC")
    assert (
        "Not yet 100% 100% 0 33% Wall single-leg hold Above 15% No 9 Mar 2027" in rows["Ada Lind"]
    )
    # Bo: of the last 7 days (4-10 March) 6 were due and 3 done; 7, 8 and 9 March missed
    assert "Not yet 50% 67% 3 sessions" in rows["Bo Berg"]
    assert "6 Mar 2027" in rows["Bo Berg"]
    assert "Done 100% 100% 0 0% Wall single-leg hold Ready 10 Mar 2027" in rows["Cy Dahl"]
    assert "No program Assign a program — — 0 — No Never" in rows["Dee Moss"]


def test_a_client_whose_program_starts_later_reads_not_started_not_no_program(
    practice, coach_client
):
    trainee(
        practice.coach, starts_on=date(2027, 3, 15), exercise=practice.exercise, name="Eve Holm"
    )

    row = rows_of(coach_client.get(DASHBOARD))["Eve Holm"]

    assert "Program not started" in row
    assert "No program" not in row
    assert "Assign a program" not in row


def test_the_clients_progress_is_one_click_away(practice, coach_client):
    page = coach_client.get(DASHBOARD).content.decode()

    assert f'href="{reverse("client-progress", args=[practice.ada.client.pk])}"' in page


# --- sorting -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("name", ["Ada Lind", "Bo Berg", "Cy Dahl", "Dee Moss"]),
        ("-name", ["Dee Moss", "Cy Dahl", "Bo Berg", "Ada Lind"]),
        # largest first; equal ones by name; no figure last
        ("-asymmetry", ["Ada Lind", "Bo Berg", "Cy Dahl", "Dee Moss"]),
        ("asymmetry", ["Bo Berg", "Cy Dahl", "Ada Lind", "Dee Moss"]),
        ("-missed", ["Bo Berg", "Ada Lind", "Cy Dahl", "Dee Moss"]),
        ("adherence_7", ["Bo Berg", "Ada Lind", "Cy Dahl", "Dee Moss"]),
        ("-ready", ["Cy Dahl", "Ada Lind", "Bo Berg", "Dee Moss"]),
        ("today", ["Ada Lind", "Bo Berg", "Cy Dahl", "Dee Moss"]),
        ("-last_logged", ["Cy Dahl", "Ada Lind", "Bo Berg", "Dee Moss"]),
        ("nonsense", ["Ada Lind", "Bo Berg", "Cy Dahl", "Dee Moss"]),
    ],
)
def test_the_dashboard_sorts_by_any_column(practice, coach_client, sort, order):
    assert names(coach_client.get(DASHBOARD, {"sort": sort})) == order


def test_the_sorted_column_says_so_and_its_link_turns_the_order_around(practice, coach_client):
    page = coach_client.get(DASHBOARD, {"sort": "-asymmetry", "q": "a"}).content.decode()

    header = re.search(r'<th scope="col" aria-sort="descending">(.*?)</th>', page, re.S)
    assert header is not None
    assert "Largest asymmetry" in header.group(1)
    assert "?sort=asymmetry&amp;q=a" in header.group(
        1
    ) or "?q=a&amp;sort=asymmetry" in header.group(1)
    assert page.count('aria-sort="none"') == 7
    # another column's first click puts who needs attention first
    assert re.search(r'href="\?[^"]*sort=-missed', page)
    assert "sorted by largest asymmetry, descending" in page


def test_sorting_keeps_across_pages(practice, coach_client):
    ClientFactory.create_batch(30, coach=practice.coach)

    first = coach_client.get(DASHBOARD, {"sort": "-asymmetry"})

    assert names(first)[0] == "Ada Lind"
    assert "sort=-asymmetry&amp;page=2" in first.content.decode()


# --- needs attention ---------------------------------------------------------------------------


def test_needs_attention_lists_missed_sessions_wide_gaps_and_readiness(practice, coach_client):
    response = coach_client.get(DASHBOARD, {"attention": "1"})

    assert names(response) == ["Ada Lind", "Bo Berg", "Cy Dahl"]
    assert "above 15%" in words(response)


def test_the_coach_raises_the_threshold_and_the_gap_no_longer_needs_attention(
    practice, coach_client
):
    response = coach_client.post(
        reverse("dashboard-threshold"),
        {"asymmetry_threshold_pct": "40", "next": "/dashboard/?attention=1"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/?attention=1"
    practice.coach.refresh_from_db()
    assert practice.coach.asymmetry_threshold_pct == 40
    shown = coach_client.get(response["Location"])
    assert names(shown) == ["Bo Berg", "Cy Dahl"]
    assert "Left/right gaps above 40% now need attention." in words(shown)
    assert "Above 40%" not in rows_of(coach_client.get(DASHBOARD))["Ada Lind"]


@pytest.mark.parametrize("bad", ["0", "101", "x", ""])
def test_a_threshold_out_of_range_is_refused_with_a_message(practice, coach_client, bad):
    response = coach_client.post(
        reverse("dashboard-threshold"), {"asymmetry_threshold_pct": bad}, follow=True
    )

    assert "Give the threshold as a whole number from 1 to 100." in words(response)
    practice.coach.refresh_from_db()
    assert practice.coach.asymmetry_threshold_pct == 15


def test_the_threshold_form_goes_back_only_to_the_dashboard(practice, coach_client):
    for elsewhere in ("https://example.org/", "/exercises/", "//evil.example/dashboard/"):
        response = coach_client.post(
            reverse("dashboard-threshold"), {"asymmetry_threshold_pct": "20", "next": elsewhere}
        )
        assert response["Location"] == DASHBOARD


def test_no_client_needing_attention_says_so(coach, coach_client):
    ClientFactory.create(coach=coach, name="Eve Calm")

    page = words(coach_client.get(DASHBOARD, {"attention": "1"}))

    assert "No client needs attention now" in page
    assert "Show every client" in page


def test_a_client_cannot_change_the_threshold(practice):
    response = practice.ada.http.post(
        reverse("dashboard-threshold"), {"asymmetry_threshold_pct": 50}
    )

    assert response.status_code == 404


# --- kept current ------------------------------------------------------------------------------


def summary(person: Client) -> ClientSummary:
    return ClientSummary.objects.get(client=person)


def test_each_write_counts_itself_and_the_task_after_it_brings_the_figures_up_to_date(
    practice, django_capture_on_commit_callbacks
):
    # given: the figures as the task after the fixture's writes leaves them
    summaries_refresh_changed()
    assert summary(practice.ada.client).changes == 0
    assert summary(practice.ada.client).today_status == "not_yet"

    # a session logged today: counted as a change, worked out once the write commits
    with django_capture_on_commit_callbacks(execute=True):
        log_good_session(practice.ada, NOW.date())
    ada = summary(practice.ada.client)
    assert (ada.today_status, ada.last_logged_on, ada.changes) == ("done", NOW.date(), 0)

    # the session deleted: not yet again
    session = SessionLog.objects.get(client=practice.ada.client, on=NOW.date())
    with django_capture_on_commit_callbacks(execute=True):
        services.session_log_delete(session=session)
    assert summary(practice.ada.client).today_status == "not_yet"

    # the coach moves Cy up: no longer ready
    assert summary(practice.cy.client).ready_count == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.client_stage_step(
            by=practice.coach.user, client=practice.cy.client, exercise=practice.exercise, up=True
        )
    assert summary(practice.cy.client).ready_count == 0


def test_the_dashboard_shows_a_write_before_the_task_has_run(practice, coach_client):
    # given: the figures worked out; then Cy is moved up and Ada logs today, and no task runs
    summaries_refresh_changed()
    services.client_stage_step(
        by=practice.coach.user, client=practice.cy.client, exercise=practice.exercise, up=True
    )
    log_good_session(practice.ada, NOW.date())
    assert summary(practice.cy.client).changes == 1

    # then the dashboard's filter and sort use the new figures, and its rows show them
    attention = coach_client.get(DASHBOARD, {"attention": "1"})
    assert "Cy Dahl" not in names(attention)
    rows = rows_of(coach_client.get(DASHBOARD, {"sort": "today"}))
    assert "Done" in rows["Ada Lind"]
    assert summary(practice.cy.client).changes == 0


def test_a_page_drawn_after_a_write_is_kept_for_the_next_visit(practice, coach_client):
    # given: the dashboard drawn and kept (the first visit brings the figures up to the day),
    # then Ada logs today (no task runs)
    summaries_refresh_changed()
    for _ in range(2):
        coach_client.get(DASHBOARD)
    _, kept = get_counting_queries(coach_client, DASHBOARD)
    log_good_session(practice.ada, NOW.date())

    # when the coach looks twice
    first = coach_client.get(DASHBOARD)
    second, queries = get_counting_queries(coach_client, DASHBOARD)

    # then the first visit draws the write's figures, and the second reads that page as kept
    assert "Done" in rows_of(first)["Ada Lind"]
    assert rows_of(second) == rows_of(first)
    assert queries == kept


def rows_drawn(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """The names of the clients whose rows are drawn (not read as kept) from now on."""
    drawn: list[str] = []
    draw = DashboardRow.html

    def counted(row, **options):  # type: ignore[no-untyped-def]
        drawn.append(row.client.name)
        return draw(row, **options)

    monkeypatch.setattr(DashboardRow, "html", counted)
    return drawn


def test_a_log_draws_only_its_clients_row_again(practice, coach_client, monkeypatch):
    # given: the page kept, with its rows
    summaries_refresh_changed()
    before = rows_of(coach_client.get(DASHBOARD))
    drawn = rows_drawn(monkeypatch)
    assert rows_of(coach_client.get(DASHBOARD)) == before
    assert drawn == []

    # when: Ada logs today (no task runs), and the coach looks twice
    log_good_session(practice.ada, NOW.date())
    after = rows_of(coach_client.get(DASHBOARD))
    again = rows_of(coach_client.get(DASHBOARD))

    # then only Ada's row was drawn again, once, with her session done; the others as they were
    assert drawn == ["Ada Lind"]
    assert "Done" in after["Ada Lind"]
    assert "Not yet" in before["Ada Lind"]
    assert list(after) == list(before)
    assert {name: row for name, row in after.items() if name != "Ada Lind"} == {
        name: row for name, row in before.items() if name != "Ada Lind"
    }
    assert again == after
    # and a page sorted by a figure shows the same
    assert rows_of(coach_client.get(DASHBOARD, {"sort": "today"})) == after


def test_a_kept_page_reads_its_rows_versions_only_after_a_change_to_some_figures(
    practice, coach_client, monkeypatch
):
    # given: the page kept
    summaries_refresh_changed()
    coach_client.get(DASHBOARD)
    coach_client.get(DASHBOARD)
    read = []
    versions = dashboard_rows.dashboard_row_versions

    def counted(ids):  # type: ignore[no-untyped-def]
        read.append(ids)
        return versions(ids)

    monkeypatch.setattr(dashboard_rows, "dashboard_row_versions", counted)
    drawn = rows_drawn(monkeypatch)

    # when the coach looks, then Bo logs today, and the coach looks twice more
    coach_client.get(DASHBOARD)
    log_good_session(practice.bo, NOW.date())
    after = rows_of(coach_client.get(DASHBOARD))
    again = rows_of(coach_client.get(DASHBOARD))

    # then the rows' versions were read once, after the log, and Bo's row alone drawn again
    assert len(read) == 1
    assert drawn == ["Bo Berg"]
    assert "Done" in after["Bo Berg"]
    assert again == after


def test_a_kept_row_turns_with_its_clients_day_without_any_write(
    practice, coach_client, time_machine, monkeypatch
):
    # given: at 9:00 UTC on 10 March, the page kept; Bo has missed three sessions in a row, and
    # Fay, on Kiritimati (UTC+14), did her session of 10 March, her today (23:00 there)
    time_machine.move_to(NOW - timedelta(hours=3), tick=False)
    far_east = trainee(
        practice.coach,
        starts_on=START,
        exercise=practice.exercise,
        name="Fay Kiri",
        time_zone="Pacific/Kiritimati",
    )
    sessions_load(far_east.assignment, days(1, 10))
    summaries_refresh_changed()
    coach_client.get(DASHBOARD)
    kept = rows_of(coach_client.get(DASHBOARD))
    drawn = rows_drawn(monkeypatch)

    # when: noon in UTC, 2:00 on 11 March on Kiritimati (no write, no task has run)
    time_machine.move_to(NOW, tick=False)
    noon = rows_of(coach_client.get(DASHBOARD))
    # and after midnight in UTC
    time_machine.move_to(NOW + timedelta(hours=13), tick=False)
    night = rows_of(coach_client.get(DASHBOARD))

    # then Fay's row turned with her day, alone; then Bo's counts the 10th as missed too
    assert "Done" in kept["Fay Kiri"]
    assert "Not yet" in noon["Fay Kiri"]
    assert "3 sessions" in kept["Bo Berg"]
    assert noon["Bo Berg"] == kept["Bo Berg"]
    assert drawn[:1] == ["Fay Kiri"]
    assert "4 sessions" in night["Bo Berg"]


def test_a_day_turned_on_the_page_by_name_shows_on_the_needs_attention_page(
    practice, coach_client, time_machine
):
    # given: Eve trained through 8 March and missed the 9th; the dashboard seen on the 10th
    eve = trainee(practice.coach, starts_on=START, exercise=practice.exercise, name="Eve Holm")
    sessions_load(eve.assignment, days(1, 8))
    summaries_refresh_changed()
    coach_client.get(DASHBOARD)
    # just after midnight (no hourly pass yet) the list of who needs attention is drawn from
    # the stored figures: Eve's are still the 10th's, one session missed
    # (the first visit works out the figures of the clients it shows; the second is kept)
    time_machine.move_to(NOW + timedelta(hours=12, minutes=1), tick=False)
    for _ in range(2):
        assert "Eve Holm" not in names(coach_client.get(DASHBOARD, {"attention": "1"}))

    # when the coach opens the page by name, which works out Eve's figures of her new day
    assert "2 sessions" in rows_of(coach_client.get(DASHBOARD))["Eve Holm"]

    # then the list of who needs attention shows her at once
    assert "Eve Holm" in names(coach_client.get(DASHBOARD, {"attention": "1"}))


def test_a_kept_page_shows_a_new_name_and_a_new_threshold(practice, coach_client):
    summaries_refresh_changed()
    for _ in range(2):
        assert "Above 15%" in rows_of(coach_client.get(DASHBOARD))["Ada Lind"]

    coach_services.client_update(client=practice.ada.client, data={"name": "Ada Lindqvist"})
    coach_client.post(reverse("dashboard-threshold"), {"asymmetry_threshold_pct": "20"})
    rows = rows_of(coach_client.get(DASHBOARD))

    assert "Ada Lind" not in rows
    assert "Above 20%" in rows["Ada Lindqvist"]


def test_a_page_by_name_of_another_coach_never_shows_these_rows(practice, coach_client):
    summaries_refresh_changed()
    coach_client.get(DASHBOARD)
    other = CoachFactory.create()
    ClientFactory.create(coach=other, name="Gus Other")

    page = browser(other.user).get(DASHBOARD)

    assert names(page) == ["Gus Other"]


def test_a_refresh_leaves_counted_a_write_made_while_it_worked(practice, monkeypatch):
    # given: Ada's figures changed by a write
    summaries_refresh_changed()
    log_good_session(practice.ada, NOW.date())
    assert summary(practice.ada.client).changes == 1
    worked_out = summaries._summaries

    def with_a_write_meanwhile(clients, *, now):  # type: ignore[no-untyped-def]
        rows = worked_out(clients, now=now)
        # another request counts a change after the figures were read
        summaries.summary_changed(client=practice.ada.client)
        return rows

    monkeypatch.setattr(summaries, "_summaries", with_a_write_meanwhile)

    # when the refresh runs
    summaries_refresh_changed()

    # then the later write is still counted: the next refresh works it out
    assert summary(practice.ada.client).changes == 2
    monkeypatch.setattr(summaries, "_summaries", worked_out)
    assert summaries_refresh_changed() == 1
    assert summary(practice.ada.client).changes == 0


def test_writes_in_a_row_queue_one_refresh(
    practice, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(
        summaries_refresh_changed_task, "apply_async", lambda **options: queued.append(options)
    )
    cache.delete(summaries.REFRESH_QUEUED_KEY)

    for on in (date(2027, 3, 9), NOW.date()):
        with django_capture_on_commit_callbacks(execute=True):
            log_good_session(practice.ada, on)

    assert queued == [{"countdown": summaries.REFRESH_DELAY_SECONDS}]
    # the task, once it runs, lets the next write queue another
    monkeypatch.undo()
    assert summaries_refresh_changed_task.delay().get() == 2  # Ada and Cy
    assert cache.get(summaries.REFRESH_QUEUED_KEY) is None


def test_the_hourly_pass_counts_missed_days_as_each_clients_day_turns(practice, time_machine):
    # given: every summary is current (the writes' task has run; Dee's is made now: no write
    # has made it yet)
    summaries_refresh_changed()
    assert summaries_refresh_due(now=NOW) == 1
    assert summaries_refresh_due(now=NOW) == 0
    assert summary(practice.bo.client).missed_in_a_row == 3

    # when: the next day in UTC, with a client on Kiritimati whose day turned ten hours earlier
    far_east = trainee(
        practice.coach, starts_on=START, exercise=practice.exercise, time_zone="Pacific/Kiritimati"
    )
    sessions_load(far_east.assignment, days(1, 10))
    time_machine.move_to(NOW + timedelta(hours=13), tick=False)
    refreshed = summaries_refresh_due_task.delay().get()

    # then
    assert refreshed == 4  # Ada, Bo, Cy and Dee; the far-east client's day is still the 11th
    assert summary(practice.bo.client).missed_in_a_row == 4
    assert summary(practice.ada.client).missed_in_a_row == 1
    assert summary(practice.bo.client).on == date(2027, 3, 11)
    assert summaries_refresh_due() == 0  # once a day


def test_a_program_given_since_the_last_write_shows_on_the_next_view(
    practice, coach_client, time_machine
):
    assert "No program" in rows_of(coach_client.get(DASHBOARD))["Dee Moss"]

    time_machine.move_to(NOW + timedelta(minutes=5), tick=False)
    template = routine_of(practice.coach, practice.exercise, length_days=7)
    program_services.assignment_create_bulk(
        coach=practice.coach, template=template, clients=[practice.dee], starts_on=NOW.date()
    )

    assert "Not yet" in rows_of(coach_client.get(DASHBOARD))["Dee Moss"]


# --- cost --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params", [{}, {"sort": "-asymmetry"}, {"attention": "1", "sort": "today"}]
)
def test_the_dashboard_costs_the_same_for_3_and_300_clients_and_1_and_300_sessions(
    coach, time_machine, params
):
    # given: three clients, one with a single session logged
    time_machine.move_to(datetime(2027, 12, 31, 12, 0, tzinfo=UTC), tick=False)
    coach_client = browser(coach.user)
    exercise = one_sided_hold(coach)
    template = routine_of(coach, exercise, length_days=310)
    first = ClientFactory.create_batch(3, coach=coach)[0]
    (assignment,) = assign(coach, template, starts_on=date(2027, 2, 1), clients=[first])
    sessions_load(assignment, [date(2027, 2, 1)], left=20, right=30)
    coach_client.get(DASHBOARD)  # makes the summaries the other rows lack
    drawn_again(coach)  # the page is drawn, not read from the cache
    _, few = get_counting_queries(coach_client, DASHBOARD, params, cache=False)

    # when: 299 more sessions and 297 more clients, each with a program
    sessions_load(assignment, [date(2027, 2, 2) + timedelta(days=n) for n in range(299)])
    more = ClientFactory.create_batch(297, coach=coach)
    assign(coach, template, starts_on=date(2027, 12, 31), clients=more)
    coach_client.get(DASHBOARD, params)
    drawn_again(coach)
    response, many = get_counting_queries(coach_client, DASHBOARD, params, cache=False)

    # then
    assert many == few
    assert len(names(response)) == (1 if params.get("attention") else 25)


def test_names_on_the_dashboard_are_shown_as_written_never_run(coach, coach_client):
    ClientFactory.create(coach=coach, name='<img src=x onerror="alert(1)">Eve')

    page = coach_client.get(DASHBOARD).content.decode()

    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Eve" in page
    assert "<img src=x" not in page


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_at_once_never_leave_older_figures_marked_current(practice, monkeypatch):
    # The race needs two connections that block each other: PostgreSQL, not SQLite in memory.
    require(connection.vendor == "postgresql", "needs DATABASE_URL=postgres://… (run by .ci/run)")
    # given: Ada's figures current, then a set of hers logged today (counted, not yet worked out)
    summaries_refresh_changed()
    ada = practice.ada
    services.set_log_create(
        by=ada.client.user,  # type: ignore[arg-type]
        client=ada.client,
        assignment=ada.assignment,
        on=NOW.date(),
        prescription_id=ada.prescription_on((NOW.date() - ada.assignment.starts_on).days + 1).pk,
        data={"side": "left", "hold_seconds": 10},
    )
    worked_out, computed, go = summaries._summaries, threading.Event(), threading.Event()

    def slow(clients, *, now):  # type: ignore[no-untyped-def]
        rows = worked_out(clients, now=now)
        if threading.current_thread().name == "first":
            computed.set()  # the figures with the set only
            go.wait(10)
        return rows

    monkeypatch.setattr(summaries, "_summaries", slow)

    def in_thread(name: str, work) -> threading.Thread:  # type: ignore[no-untyped-def]
        def run() -> None:
            try:
                with time_machine.travel(NOW, tick=False):
                    work()
            finally:
                connection.close()

        thread = threading.Thread(target=run, name=name)
        thread.start()
        return thread

    # when a refresh works out her figures slowly, while she finishes the session and a second
    # refresh runs (another worker, or the coach's dashboard)
    first = in_thread("first", lambda: summaries.summaries_refresh(client_ids=[ada.client.pk]))
    assert computed.wait(10)
    finish = in_thread(
        "finish",
        lambda: services.session_log_save(
            by=ada.client.user,  # type: ignore[arg-type]
            client=ada.client,
            assignment=ada.assignment,
            on=NOW.date(),
            data={"status": "done"},
        ),
    )
    second = in_thread("second", lambda: summaries.summaries_refresh_changed())
    time.sleep(0.5)  # the finish and the second refresh are under way
    go.set()
    for thread in (first, finish, second):
        thread.join(30)

    # then her figures are the finished day's, or still counted as changed: the next refresh
    # (the task that the finish queued) makes them so
    summaries_refresh_changed()
    assert summary(ada.client).today_status == "done"
