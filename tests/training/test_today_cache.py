# ruff: noqa: F811 - the fixtures imported from test_today_page are used by name
"""Today's plans are drawn once and kept in the shared cache: what changes them shows at once,
what belongs to one request (the CSRF token, the plain form's token) is never shared, and no
client is ever shown another's day."""

import re
from datetime import timedelta

import pytest
import time_machine
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
