"""The coach's review of one session: prescribed beside done per set and side, the form-check
video as a link, marks for late and coach-entered logs, and a comment the client sees."""

import html
import re
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from coach.models import Coach
from programs.models import Prescription
from tests.coach.factories import CoachFactory
from tests.conftest import get_counting_queries
from tests.training.api_support import LOGS, browser, trainee
from tests.training.log_support import log_day
from training import services

pytestmark = pytest.mark.django_db

START = date(2027, 3, 1)
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


def text_of(page: str) -> str:
    """The page's words as they read: tags dropped, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def review_url(person, session) -> str:  # type: ignore[no-untyped-def]
    return reverse("client-session-review", args=[person.client.pk, session.pk])


@pytest.fixture
def person(coach: Coach, time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to(NOW, tick=False)
    return trainee(coach, starts_on=START, name="Ana Ruiz", time_zone="Europe/London")


def test_prescribed_beside_done_per_set_and_side(person, coach_client) -> None:
    # given: day 10 prescribes 2 sets × 7 per side, hold 10 s; Ana logged set 1 on both sides
    # and set 2 on the left only, with a video, her effort and a note
    session = log_day(
        person,
        date(2027, 3, 10),
        [
            {"set_number": 1, "side": "left", "reps": 7, "hold_seconds": 12, "form": 4, "rpe": 6},
            {"set_number": 1, "side": "right", "reps": 5, "hold_seconds": 8, "form": 3},
            {"set_number": 2, "side": "left", "reps": 7, "hold_seconds": 11, "note": "wobbly"},
        ],
        effort=7,
        note="Right ankle tired",
        video_url="https://video.example.org/ana-day10",
    )

    # when
    response = coach_client.get(review_url(person, session))

    # then
    assert response.status_code == 200
    page = response.content.decode()
    words = text_of(page)
    assert "Prescribed: 2 sets × 7 per side, hold 10 s, rest 30 s" in words
    rows = re.findall(r"<tr(?: class=\"not-logged\")?>\s*(<th scope=\"row\".*?)</tr>", page, re.S)
    cells = [text_of(row).split() for row in rows]
    assert cells[0][:6] == ["1", "Left", "7", "reps,", "hold", "10"]
    assert "12 s" in text_of(rows[0])
    assert "8 s" in text_of(rows[1])
    assert "Right" in text_of(rows[1])
    assert "wobbly" in text_of(rows[2])
    # set 2 on the right was prescribed and not logged
    assert "Right" in text_of(rows[3])
    assert "Not logged" in text_of(rows[3])
    assert "Logged: 3 (set and side); prescribed, not logged: 1" in words
    assert "Left/right gap" in words
    assert "Overall effort 7 out of 10" in words
    assert "“Right ankle tired”" in words
    # the video is a link, never embedded
    assert 'href="https://video.example.org/ana-day10"' in page
    assert "<iframe" not in page
    assert "<video" not in page


def test_prescription_as_it_was_when_logged(person, coach_client) -> None:
    # given: a set logged on day 9, then the coach changes that day's prescription
    session = log_day(person, date(2027, 3, 9), [{"set_number": 1, "side": "left", "reps": 7}])
    Prescription.objects.filter(pk=person.prescription_on(9).pk).update(sets=5, reps_per_side=12)

    words = text_of(coach_client.get(review_url(person, session)).content.decode())

    # then: what was prescribed then, not the program now
    assert "Prescribed: 2 sets × 7 per side" in words
    assert "5 sets" not in words


def test_day_with_nothing_logged_shows_the_prescription(person, coach_client) -> None:
    # given: day 8 skipped, with a reason; nothing logged
    session = services.session_log_save(
        by=person.client.user,
        client=person.client,
        assignment=person.assignment,
        on=date(2027, 3, 8),
        data={"status": "skipped", "skip_reason": "Travelling"},
    )

    words = text_of(coach_client.get(review_url(person, session)).content.decode())

    assert "Skipped" in words
    assert "Why skipped Travelling" in words
    assert "Nothing logged; prescribed, not logged: 4" in words
    assert words.count("Not logged") == 4


def test_late_and_coach_entered_marks(person, coach, coach_client) -> None:
    # given: the coach entered day 3 for Ana a week later
    session = log_day(
        person, date(2027, 3, 3), [{"set_number": 1, "side": "left", "reps": 7}], by=coach.user
    )

    words = text_of(coach_client.get(review_url(person, session)).content.decode())

    assert "Logged late" in words
    assert "Entered by" in words
    assert "Entered by coach" in words


def test_comment_saved_and_the_client_sees_it(person, coach_client) -> None:
    session = log_day(person, date(2027, 3, 10), [{"set_number": 1, "side": "left", "reps": 7}])

    # when: the coach comments from the review page
    response = coach_client.post(review_url(person, session), {"comment": "Slow the descent."})

    # then: back on the review, with the comment shown
    assert response.status_code == 302
    assert response["Location"] == f"{review_url(person, session)}#comment"
    page = text_of(coach_client.get(review_url(person, session)).content.decode())
    assert "Comment saved." in page
    assert "Slow the descent." in page
    # and the client reads it with their session of that day: on Today and through the API
    mine = browser(person.client.user)
    assert "Slow the descent." in text_of(mine.get(reverse("client-home")).content.decode())
    assert mine.get(f"{LOGS}{session.pk}/").json()["coach_comment"] == "Slow the descent."


def test_too_long_comment_is_refused_and_kept_in_the_form(person, coach_client) -> None:
    session = log_day(person, date(2027, 3, 10), [{"set_number": 1, "side": "left", "reps": 7}])

    response = coach_client.post(review_url(person, session), {"comment": "x" * 2001})

    assert response.status_code == 400
    assert "Keep the comment under 2000 characters." in response.content.decode()
    session.refresh_from_db()
    assert session.coach_comment == ""


def test_another_practice_or_client_is_404(client, coach, person) -> None:
    session = log_day(person, date(2027, 3, 10), [{"set_number": 1, "side": "left", "reps": 7}])
    other = trainee(coach, starts_on=START, name="Ben", exercise=person.exercise)

    # another coach
    stranger = CoachFactory.create()
    client.force_login(stranger.user)
    assert client.get(review_url(person, session)).status_code == 404
    assert client.post(review_url(person, session), {"comment": "hi"}).status_code == 404
    # the right coach, but the session under another client of theirs
    client.force_login(coach.user)
    wrong = reverse("client-session-review", args=[other.client.pk, session.pk])
    assert client.get(wrong).status_code == 404
    # the client themself: the review is the coach's
    assert person.http.get(review_url(person, session)).status_code == 404
    session.refresh_from_db()
    assert session.coach_comment == ""


def test_query_count_does_not_grow_with_the_sets(person, coach_client) -> None:
    few = log_day(person, date(2027, 3, 9), [{"set_number": 1, "side": "left", "reps": 7}])
    many = log_day(
        person,
        date(2027, 3, 10),
        [
            {"set_number": n, "side": side, "reps": 7}
            for n in range(1, 11)
            for side in ("left", "right")
        ],
    )

    _, one_set = get_counting_queries(coach_client, review_url(person, few))
    _, twenty_sets = get_counting_queries(coach_client, review_url(person, many))

    assert twenty_sets == one_set
