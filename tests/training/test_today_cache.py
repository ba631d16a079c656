# ruff: noqa: F811 - the fixtures imported from test_today_page are used by name
"""Today's plans are drawn once and kept in the shared cache: what changes them shows at once,
what belongs to one request (the CSRF token, the plain form's token) is never shared, and no
client is ever shown another's day."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client as Browser

from coach.common import CSRF_MARK
from coach.models import Client
from coach.services import client_archive, client_update
from programs import services
from tests.coach.factories import ClientFactory
from tests.training.test_today_page import (  # noqa: F401 - fixtures used by name
    LOG_SET,
    START,
    _noon_on_12_march,
    assign_to,
    ivy,
    on_wall_month,
    set_form,
    text_of,
    today_prescription,
    wall_month,
)
from training.models import SessionLog
from training.services import session_log_comment
from training.today_views import FORM_TOKEN_MARK

pytestmark = pytest.mark.django_db


def form_tokens(response) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r'name="form_token" value="([^"]+)"', response.content.decode())


def set_form_csrf_token(response) -> str:  # type: ignore[no-untyped-def]
    """The CSRF token in the plain form that logs a set (inside the cached plans)."""
    found = re.search(
        r'action="/me/log/set/".*?name="csrfmiddlewaretoken" value="([^"]+)"',
        response.content.decode(),
        flags=re.S,
    )
    assert found
    return found[1]


def test_a_second_visit_is_served_from_the_cache_with_fewer_queries(
    client, on_wall_month, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(100) as first:
        client.get("/me/")
    with django_assert_max_num_queries(100) as second:
        page = client.get("/me/")

    assert len(second.captured_queries) < len(first.captured_queries)
    assert "Day 12 of 30" in text_of(page)


def test_each_visit_has_its_own_form_token_and_a_working_csrf_token(on_wall_month, ivy) -> None:
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(ivy.user)

    first, second = browser.get("/me/"), browser.get("/me/")

    # a resent form stores once because each drawing of the page has a token of its own
    assert len(form_tokens(first)) == 1
    assert set(form_tokens(first)).isdisjoint(form_tokens(second))
    for response in (first, second):
        assert CSRF_MARK not in response.content.decode()
        assert FORM_TOKEN_MARK not in response.content.decode()
    # and the plain form posted from the cached page passes the CSRF check
    token = set_form_csrf_token(second)
    sent = set_form(on_wall_month, form_token=form_tokens(second)[0], csrfmiddlewaretoken=token)
    assert browser.post(LOG_SET, sent).status_code == 302
    assert "Set 1 · Left · 1 rep, 75 s" in text_of(browser.get("/me/"))


def test_a_change_by_the_coach_shows_on_the_next_visit(client, wall_month, on_wall_month) -> None:
    client.get("/me/")
    prescription = today_prescription(on_wall_month)

    services.prescription_update(
        coach=wall_month[0], prescription=prescription, data={"notes": "Breathe out slowly."}
    )

    assert "Breathe out slowly." in text_of(client.get("/me/"))


def test_a_change_to_the_clients_details_shows_on_the_next_visit(
    client, on_wall_month, ivy
) -> None:
    client.get("/me/")

    client_update(client=ivy, data={"time_zone": "Pacific/Kiritimati"})  # UTC+14: already the 13th

    assert "Day 13 of 30" in text_of(client.get("/me/"))


def test_the_next_day_is_drawn_anew(client, on_wall_month) -> None:
    client.get("/me/")

    with time_machine.travel("2027-03-13 12:00:00+00:00", tick=False):
        assert "Day 13 of 30" in text_of(client.get("/me/"))


def test_no_client_is_shown_another_clients_day(client, wall_month, on_wall_month) -> None:
    coach, program = wall_month
    other = ClientFactory.create(with_login=True, coach=coach, name="Otto Other", time_zone="UTC")
    assign_to(coach, program, other, START + timedelta(days=5))
    client.post(LOG_SET, set_form(on_wall_month, hold_seconds=71))
    ivys = text_of(client.get("/me/"))

    otto = Browser()
    assert other.user is not None
    otto.force_login(other.user)
    ottos = text_of(otto.get("/me/"))

    assert "Day 12 of 30" in ivys
    assert "71 s" in ivys
    assert "Day 7 of 30" in ottos
    assert "71 s" not in ottos
    assert "Day 12 of 30" not in ottos


def test_an_archived_client_is_refused_even_with_the_day_cached(client, on_wall_month, ivy) -> None:
    client.get("/me/")

    client_archive(client=Client.objects.get(pk=ivy.pk))

    assert client.get("/me/").status_code in (302, 404)


def test_the_coachs_comment_on_a_session_shows_on_that_day(client, on_wall_month) -> None:
    client.post(LOG_SET, set_form(on_wall_month))
    client.get("/me/")
    session = SessionLog.objects.get()

    session_log_comment(session=session, comment="Lovely square hips today.")

    assert "Wall Works on this session: Lovely square hips today." in text_of(client.get("/me/"))


@contextmanager
def queries_counted() -> Iterator[list[str]]:
    """The statements run inside (counted as they run: the connection's log keeps only the
    latest 9,000, and the seeded library alone runs more)."""
    run: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        run.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield run


def test_a_set_logged_shows_at_once_and_only_the_days_logs_are_drawn_again(
    client, on_wall_month
) -> None:
    # given: Today drawn whole, then kept
    with queries_counted() as whole:
        client.get("/me/")
    with queries_counted() as kept:
        client.get("/me/")

    # when Ivy logs a set
    client.post(LOG_SET, set_form(on_wall_month, hold_seconds=71))

    # then it shows on the next visit, which draws the day's logs again and not the plans
    with queries_counted() as after:
        page = text_of(client.get("/me/"))
    assert "Set 1 · Left · 1 rep, 71 s" in page
    assert "Nothing yet." not in page
    assert len(kept) < len(after) < len(whole)
    assert not any("programs_prescription" in sql for sql in after)


def test_a_late_set_shows_as_last_time_on_the_days_after_it(client, on_wall_month) -> None:
    # given: today and tomorrow drawn and kept
    assert "Your first time on this exercise." in text_of(client.get("/me/"))
    tomorrow = "/me/?date=2027-03-13"
    assert "Your first time on this exercise." in text_of(client.get(tomorrow))

    # when Ivy logs yesterday's session late
    client.post(
        LOG_SET,
        set_form(
            on_wall_month,
            on="2027-03-11",
            prescription=today_prescription(on_wall_month, 11).pk,
            hold_seconds=64,
        ),
    )

    # then today and tomorrow show it as the last time
    for path in ("/me/", tomorrow):
        page = text_of(client.get(path))
        assert "Last time · Thu 11 Mar" in page
        assert "Set 1 · Left · 1 rep, 64 s · late" in page


def test_todays_set_shows_as_last_time_on_tomorrows_page(client, on_wall_month) -> None:
    tomorrow = "/me/?date=2027-03-13"
    assert "Your first time on this exercise." in text_of(client.get(tomorrow))

    client.post(LOG_SET, set_form(on_wall_month, hold_seconds=73))

    assert "Last time · Fri 12 Mar" in text_of(client.get(tomorrow))


def test_a_finished_session_shows_its_status_and_keeps_the_effort(client, on_wall_month) -> None:
    client.get("/me/")

    client.post(
        "/me/log/session/",
        {"assignment": on_wall_month.pk, "on": "2027-03-12", "status": "partial", "effort": 6},
    )

    page = client.get("/me/").content.decode()
    assert re.search(r"data-session-status>\s*Partly done\s*</p>", page)
    assert 'name="effort" min="1" max="10" step="1" inputmode="numeric" data-field="effort"' in page
    assert re.search(r'id="effort-\d+"[^>]*value="6"', page)


def test_the_kept_page_shows_a_message_once_and_then_none(client, on_wall_month) -> None:
    # given: the whole page kept from a first visit
    client.get("/me/")

    # when Ivy logs a set from the plain form and follows the redirect
    logged = client.post(LOG_SET, set_form(on_wall_month, hold_seconds=71), follow=True)

    # then that page says so, and the next visit (from the kept page) no longer does
    assert "set 1, left logged." in text_of(logged)
    again = client.get("/me/")
    assert "set 1, left logged." not in text_of(again)
    assert 'class="messages"' not in again.content.decode()
    assert "Set 1 · Left · 1 rep, 71 s" in text_of(again)


def login_next(response) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'data-login-url="/accounts/login/\?next=([^"]*)"', response.content.decode())
    assert found, "the page names where a login comes back to"
    return found[1]


def test_the_kept_page_sends_a_login_back_to_the_address_asked_for(client, on_wall_month) -> None:
    # the same day kept once, asked for by two addresses
    assert login_next(client.get("/me/")) == "/me/"
    assert login_next(client.get("/me/?date=2027-03-12")) == "/me/%3Fdate%3D2027-03-12"
    assert login_next(client.get("/me/")) == "/me/"
    assert login_next(client.get("/me/?date=2027-03-12&x=%3Cb%3E")) == (
        "/me/%3Fdate%3D2027-03-12%26x%3D%253Cb%253E"
    )


def test_a_new_name_shows_in_the_kept_page(client, on_wall_month, ivy) -> None:
    assert "Hello, Ivy" in text_of(client.get("/me/"))

    client_update(client=ivy, data={"name": "Ivy Ng"})

    assert "Hello, Ivy Ng" in text_of(client.get("/me/"))


def test_a_mark_in_the_address_is_never_filled_with_the_token(client, on_wall_month) -> None:
    client.get("/me/")

    page = client.get(f"/me/?x={CSRF_MARK}").content.decode()

    token = set_form_csrf_token(client.get("/me/"))
    assert token not in login_next_of(page)
    assert login_next_of(page) == f"/me/%3Fx%3D{CSRF_MARK}"


def login_next_of(page: str) -> str:
    found = re.search(r'data-login-url="/accounts/login/\?next=([^"]*)"', page)
    assert found
    return found[1]
