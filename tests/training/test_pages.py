"""The coach's dashboard and client page, as the coach reads them."""

import pytest

from tests.coach.factories import ClientFactory
from tests.conftest import get_counting_queries
from tests.training.progress_support import drawn_again
from training.summaries import dashboard_version

pytestmark = pytest.mark.django_db


def test_time_zones_read_with_spaces_on_the_dashboard_and_client_page(coach, coach_client) -> None:
    person = ClientFactory.create(
        coach=coach, name="Nia", time_zone="America/Argentina/Buenos_Aires"
    )

    dashboard = coach_client.get("/dashboard/").content.decode()
    detail = coach_client.get(f"/clients/{person.pk}/").content.decode()

    assert "America/Argentina/Buenos Aires" in dashboard
    assert "America/Argentina/Buenos Aires" in detail
    assert "Buenos_Aires" not in dashboard


def test_dashboard_query_count_does_not_grow_with_clients(coach, coach_client) -> None:
    ClientFactory.create_batch(3, coach=coach)
    dashboard_version(coach.pk)  # the cache holds the versions, as after any earlier view
    _, few = get_counting_queries(coach_client, "/dashboard/", cache=False)
    ClientFactory.create_batch(30, coach=coach)
    drawn_again(coach)  # the factory adds them past the services
    page, many = get_counting_queries(coach_client, "/dashboard/", cache=False)
    assert many <= few
    assert "Page 1 of 2" in page.content.decode()


def test_an_archived_client_is_logged_out_on_their_next_request(client, coach) -> None:
    from coach import services

    person = ClientFactory.create(with_login=True, coach=coach)
    user = person.user
    assert user is not None
    client.force_login(user)
    assert client.get("/me/").status_code == 200

    services.client_archive(client=person)
    assert client.get("/me/").status_code == 302  # to the login page

    services.client_restore(client=person)
    user.refresh_from_db()
    assert user.is_active
