"""Logs as CSV, from the pages and the API: one row per set and side in the client's local
dates, read back with the csv module; formulas escaped; streamed in a constant number of
queries; scoped to the requester."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coach.models import Coach
from tests.coach.factories import ClientFactory, CoachFactory
from tests.conftest import assert_error_shape
from tests.exercises.factories import ExerciseFactory
from tests.training.api_support import Trainee, browser, trainee
from tests.training.log_support import log_day
from training import services
from training.exports import HEADER, cell
from training.models import SessionLog, SetLog

pytestmark = pytest.mark.django_db

START = date(2027, 3, 1)
# 12:00 in UTC is 01:00 the next day in Auckland (UTC+13 in March).
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
EXPORT = "/api/v1/set-logs/export/"


def read_csv(response: Any) -> list[dict[str, str]]:
    """The streamed body parsed back as a spreadsheet would: UTF-8 with its byte-order mark."""
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def consumed(http: Any, url: str, data: Any = None) -> tuple[list[dict[str, str]], int]:
    """The CSV rows and the queries it took to answer and stream them."""
    with CaptureQueriesContext(connection) as queries:
        rows = read_csv(http.get(url, data))
    return rows, len(queries)


@pytest.fixture
def now(time_machine) -> datetime:  # type: ignore[no-untyped-def]
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def ana(coach: Coach, now: datetime) -> Trainee:
    """A client in Auckland: her date is 11 March while it is still 10 March in UTC."""
    return trainee(coach, starts_on=START, name="Ana Ruiz", time_zone="Pacific/Auckland")


@pytest.fixture
def coach_http(coach: Coach, ana: Trainee) -> Any:
    return browser(coach.user)


def test_round_trip_every_logged_value_per_set_and_side(coach_http, ana) -> None:
    # given: today (her 11 March) logged on both sides with load and support, and 9 March
    # skipped with a reason
    log_day(
        ana,
        date(2027, 3, 11),
        [
            {
                "set_number": 1,
                "side": "left",
                "reps": 7,
                "hold_seconds": 12,
                "load": "12.5",
                "load_unit": "kg",
                "support": "wall",
                "rpe": 6,
                "form": 4,
                "note": "steady",
            },
            {"set_number": 1, "side": "right", "reps": 5, "hold_seconds": 9, "form": 3},
        ],
        effort=7,
        note="Felt good",
    )
    services.session_log_save(
        by=ana.client.user,  # type: ignore[arg-type]
        client=ana.client,
        assignment=ana.assignment,
        on=date(2027, 3, 9),
        data={"status": "skipped", "skip_reason": "Flight"},
    )

    # when
    response = coach_http.get(reverse("client-log-export", args=[ana.client.pk]))

    # then
    assert response["Content-Disposition"] == 'attachment; filename="logs-ana-ruiz-2027-03-11.csv"'
    rows = read_csv(response)
    assert list(rows[0]) == HEADER
    skipped, left, right = rows
    assert skipped["Date"] == "2027-03-09"
    assert skipped["Session status"] == "Skipped"
    assert skipped["Skip reason"] == "Flight"
    assert skipped["Exercise"] == ""
    assert skipped["Late"] == "yes"
    assert left == {
        **left,
        "Client": "Ana Ruiz",
        "Date": "2027-03-11",
        "Program": "30-day routine",
        "Day": "11",
        "Exercise": "Wall single-leg hold",
        "Stage": "1",
        "Stage name": "Stage 1",
        "Set": "1",
        "Side": "Left",
        "Reps": "7",
        "Hold (s)": "12",
        "Load": "12.5",
        "Unit": "kg",
        "Support": "wall",
        "RPE": "6",
        "Form (1-5)": "4",
        "Late": "no",
        "Entered by coach": "no",
        "Note": "steady",
        "Session status": "Done",
        "Session effort (RPE)": "7",
        "Session note": "Felt good",
        # her clock, not UTC's
        "Logged at (client's time)": "2027-03-11 01:00",
    }
    assert (right["Side"], right["Reps"], right["Hold (s)"], right["Form (1-5)"]) == (
        "Right",
        "5",
        "9",
        "3",
    )
    assert right["Load"] == ""
    assert right["RPE"] == ""


def test_coach_entered_and_deleted_sets(coach, coach_http, ana) -> None:
    # given: the coach entered a session; one of its sets was deleted since
    session = services.session_log_enter(
        by=coach.user,
        client=ana.client,
        assignment=ana.assignment,
        on=date(2027, 3, 5),
        data={"status": "done"},
        sets=[
            {"prescription": ana.prescription_on(5).pk, "set_number": n, "side": "left", "reps": 7}
            for n in (1, 2)
        ],
    )
    services.set_log_delete(set_log=session.sets.get(set_number=2))

    rows = read_csv(coach_http.get(reverse("client-log-export", args=[ana.client.pk])))

    assert [(r["Set"], r["Entered by coach"], r["Late"]) for r in rows] == [("1", "yes", "yes")]


def test_values_that_would_run_as_formulas_are_escaped(coach, coach_http, ana) -> None:
    ana.client.name = '=HYPERLINK("http://evil.example")'
    ana.client.save()
    log_day(
        ana,
        date(2027, 3, 10),
        [{"set_number": 1, "side": "left", "reps": 7, "note": "+1 rep", "support": "-wall"}],
        note="@everyone",
    )
    SessionLog.objects.filter(client=ana.client).update(skip_reason="\tTAB", note="\rCR")

    rows = read_csv(coach_http.get(reverse("client-log-export", args=[ana.client.pk])))

    (row,) = rows
    assert row["Client"] == '\'=HYPERLINK("http://evil.example")'
    assert row["Note"] == "'+1 rep"
    assert row["Support"] == "'-wall"
    assert row["Skip reason"] == "'\tTAB"
    assert row["Session note"] == "'\rCR"
    # numbers and dates are left as they are
    assert row["Reps"] == "7"
    assert row["Date"] == "2027-03-10"


def test_cells_are_numbers_dates_or_escaped_text() -> None:
    assert cell(Decimal("20.0")) == "20"
    assert cell(Decimal("12.5")) == "12.5"
    assert cell(Decimal("100")) == "100"
    assert cell(7) == 7
    assert cell(date(2027, 3, 1)) == "2027-03-01"
    assert cell(True) == "yes"
    assert cell(None) == ""
    assert cell("-5") == "'-5"
    assert cell("5") == "5"


def bulk_sessions(person: Trainee, count: int) -> None:
    """`count` done sessions with a set on each side, written straight to the tables."""
    sessions = SessionLog.objects.bulk_create(
        SessionLog(
            client=person.client,
            assignment=person.assignment,
            on=START - timedelta(days=i + 1),
            status=SessionLog.Status.DONE,
        )
        for i in range(count)
    )
    SetLog.objects.bulk_create(
        SetLog(session=s, exercise=person.exercise, set_number=1, side=side, reps=7)
        for s in sessions
        for side in ("left", "right")
    )


def test_queries_do_not_grow_with_the_sessions(coach, coach_http, ana) -> None:
    ben = trainee(coach, starts_on=START, name="Ben", exercise=ana.exercise)
    bulk_sessions(ana, 1)
    bulk_sessions(ben, 300)
    api = browser(coach.user)

    one, one_count = consumed(coach_http, reverse("client-log-export", args=[ana.client.pk]))
    many, many_count = consumed(coach_http, reverse("client-log-export", args=[ben.client.pk]))
    _, api_one = consumed(api, EXPORT, {"client": ana.client.pk})
    _, api_many = consumed(api, EXPORT, {"client": ben.client.pk})
    everyone, all_count = consumed(coach_http, reverse("all-logs-export"))

    assert (len(one), len(many), len(everyone)) == (2, 600, 602)
    assert many_count == one_count
    assert api_many == api_one
    assert all_count == one_count - 1  # no client to look up


def test_scoped_to_the_practice_and_the_client(coach, ana, client) -> None:
    log_day(ana, date(2027, 3, 10), [{"set_number": 1, "side": "left", "reps": 7}])
    stranger = CoachFactory.create()
    theirs = ClientFactory.create(coach=stranger, with_login=True)

    # another practice: a 404 for Ana's file, nothing of Ana's in their own
    client.force_login(stranger.user)
    assert client.get(reverse("client-log-export", args=[ana.client.pk])).status_code == 404
    assert read_csv(client.get(reverse("all-logs-export"))) == []
    assert read_csv(client.get(EXPORT)) == []
    # a client: their own logs only, never the coach's files
    mine = browser(ana.client.user)
    assert mine.get(reverse("client-log-export", args=[ana.client.pk])).status_code == 404
    assert mine.get(reverse("all-logs-export")).status_code == 404
    assert [r["Client"] for r in read_csv(mine.get(reverse("me-log-export")))] == ["Ana Ruiz"]
    assert browser(theirs.user).get(reverse("me-log-export")).status_code == 200
    assert read_csv(browser(theirs.user).get(reverse("me-log-export"))) == []


def test_api_filters(coach, ana) -> None:
    squat = ExerciseFactory.create(owner=coach, name="Split squat")
    ben = trainee(coach, starts_on=START, name="Ben", exercise=ana.exercise)
    for day in (3, 5, 8):
        log_day(ana, date(2027, 3, day), [{"set_number": 1, "side": "left", "reps": day}])
    log_day(ben, date(2027, 3, 5), [{"set_number": 1, "side": "right", "reps": 9}])
    SetLog.objects.create(
        session=SessionLog.objects.get(client=ana.client, on=date(2027, 3, 5)),
        exercise=squat,
        set_number=1,
        side="both",
        reps=10,
    )
    api = browser(coach.user)

    def pick(**query: Any) -> list[tuple[str, str, str, str]]:
        return [
            (r["Client"], r["Date"], r["Exercise"], r["Reps"])
            for r in read_csv(api.get(EXPORT, query))
        ]

    assert len(pick()) == 5
    assert pick(client=ben.client.pk) == [("Ben", "2027-03-05", "Wall single-leg hold", "9")]
    assert [r[1] for r in pick(client=ana.client.pk, date_from="2027-03-04")] == [
        "2027-03-05",
        "2027-03-05",
        "2027-03-08",
    ]
    assert [r[1] for r in pick(date_to="2027-03-04")] == ["2027-03-03"]
    assert pick(exercise=squat.pk) == [("Ana Ruiz", "2027-03-05", "Split squat", "10")]
    response = api.get(EXPORT, {"client": ben.client.pk})
    # named after the client, on their own date (Ben lives in UTC)
    assert response["Content-Disposition"] == 'attachment; filename="logs-ben-2027-03-10.csv"'
    # asking for CSV by the Accept header is fine too
    assert read_csv(api.get(EXPORT, headers={"Accept": "text/csv"}))


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date_from": "yesterday"}, "date_from"),
        ({"date_to": "2027-02-30"}, "date_to"),
        ({"date_from": "2027-03-08", "date_to": "2027-03-01"}, "date_to"),
        ({"client": "ana"}, "client"),
        ({"client": "99999999999999999999"}, "client"),
        ({"exercise": "-1"}, "exercise"),
    ],
)
def test_api_bad_filters_are_400_with_field_messages(coach, ana, query, field) -> None:
    response = browser(coach.user).get(EXPORT, query)

    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body, flat_fields=True)
    assert field in body["fields"]


def test_api_names_only_the_requesters_own(coach, ana) -> None:
    log_day(ana, date(2027, 3, 10), [{"set_number": 1, "side": "left", "reps": 7}])
    stranger = CoachFactory.create()
    their_client = ClientFactory.create(coach=stranger)
    their_exercise = ExerciseFactory.create(owner=stranger)
    ben = ClientFactory.create(coach=coach, with_login=True)
    api = browser(coach.user)

    # another practice's client or exercise: refused as any unknown value would be
    for query in ({"client": their_client.pk}, {"exercise": their_exercise.pk}):
        response = api.get(EXPORT, query)
        assert response.status_code == 400
        assert "Select a valid choice" in str(response.json()["fields"])
    # a client naming another client (of the same coach): refused, and without a filter
    # they get their own rows only
    as_ben = browser(ben.user)
    assert as_ben.get(EXPORT, {"client": ana.client.pk}).status_code == 400
    assert read_csv(as_ben.get(EXPORT)) == []
    as_ana = browser(ana.client.user)
    assert [r["Client"] for r in read_csv(as_ana.get(EXPORT, {"client": ana.client.pk}))] == [
        "Ana Ruiz"
    ]


def test_api_schema_documents_the_csv(coach_client) -> None:
    schema = coach_client.get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"][EXPORT]["get"]
    assert "text/csv" in operation["responses"]["200"]["content"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"client", "exercise", "date_from", "date_to"} <= names
    assert "400" in operation["responses"]
