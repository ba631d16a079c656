"""The /api/v1/clients/ resource: scoped to the coach, one error shape, no delete."""

from functools import partial

import pytest
from django.utils import timezone

from coach.models import Client
from coach.response_cache import practice_changed
from tests.coach.factories import ClientFactory, CoachFactory, client_data
from tests.conftest import api_url, assert_error_shape, get_counting_queries

pytestmark = pytest.mark.django_db

LIST = "/api/v1/clients/"


detail = partial(api_url, LIST)


# --- list ----------------------------------------------------------------------------------------


def test_list_shows_only_the_coachs_active_clients(api, coach):
    ClientFactory.create(coach=coach, name="Alma")
    ClientFactory.create(coach=coach, name="Arlo", archived_at=timezone.now())
    ClientFactory.create(name="Otto")  # another coach's

    response = api.get(LIST)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [row["name"] for row in body["results"]] == ["Alma"]
    row = body["results"][0]
    assert row["has_login"] is False
    assert row["is_archived"] is False


def test_list_archived(api, coach):
    ClientFactory.create(coach=coach, name="Alma")
    ClientFactory.create(coach=coach, name="Arlo", archived_at=timezone.now())
    ClientFactory.create(name="Otto", archived_at=timezone.now())

    body = api.get(LIST, {"archived": "true"}).json()

    assert [row["name"] for row in body["results"]] == ["Arlo"]


def test_list_is_paginated(api, coach):
    for number in range(53):
        ClientFactory.create(coach=coach, name=f"Client {number:02d}")

    first = api.get(LIST).json()
    second = api.get(first["next"]).json()

    assert first["count"] == 53
    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert [row["name"] for row in second["results"]] == ["Client 50", "Client 51", "Client 52"]
    assert second["next"] is None


def test_list_search(api, coach):
    ClientFactory.create(coach=coach, name="Noor Haddad", email="noor@example.org")
    ClientFactory.create(coach=coach, name="Piet Jansen", email="pj@runners.example")
    ClientFactory.create(name="Noor Elsewhere")

    by_name = api.get(LIST, {"search": "noor"}).json()
    by_email = api.get(LIST, {"search": "runners"}).json()

    assert [row["name"] for row in by_name["results"]] == ["Noor Haddad"]
    assert [row["name"] for row in by_email["results"]] == ["Piet Jansen"]


def test_list_query_count_does_not_grow_with_clients(api, coach):
    def drawn_anew() -> int:
        # Factories write no version: mark the practice changed, as the services do.
        practice_changed(coach_id=coach.pk)
        return get_counting_queries(api, LIST)[1]

    ClientFactory.create_batch(2, with_login=True, coach=coach)
    ClientFactory.create(coach=coach)
    api.get(LIST)
    few = drawn_anew()

    ClientFactory.create_batch(30, with_login=True, coach=coach)
    ClientFactory.create_batch(27, coach=coach)
    many = drawn_anew()

    assert many == few


# --- create --------------------------------------------------------------------------------------


def test_create_returns_201_and_stores_the_client(api, coach):
    response = api.post(
        LIST, client_data(email="Maya@Example.org"), content_type="application/json"
    )

    assert response.status_code == 201
    body = response.json()
    client = Client.objects.get(coach=coach)
    assert body["id"] == client.pk
    assert body["name"] == "Maya Lindqvist"
    assert body["email"] == "maya@example.org"
    assert body["reminder_time"] == "06:30:00"
    assert body["has_login"] is False
    assert client.email == "maya@example.org"
    assert client.time_zone == "Europe/Stockholm"


def test_create_with_only_the_required_fields(api, coach):
    response = api.post(
        LIST, {"name": "Min Imal", "email": "min@example.org"}, content_type="application/json"
    )

    assert response.status_code == 201
    assert response.json()["time_zone"] == "UTC"
    assert response.json()["reminder_time"] == "07:00:00"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"name": ""}, "name"),
        ({"sex": "other"}, "sex"),
        ({"reminder_time": "25:99"}, "reminder_time"),
    ],
)
def test_create_with_bad_input_is_400_and_stores_nothing(api, coach, overrides, field):
    response = api.post(LIST, client_data(**overrides), content_type="application/json")

    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body, flat_fields=True)
    assert list(body["fields"]) == [field]
    assert body["fields"][field]
    assert not Client.objects.exists()


def test_create_with_a_duplicate_email_is_400_and_keeps_the_original(api, coach):
    original = ClientFactory.create(coach=coach, name="First Maya", email="maya@example.org")

    response = api.post(
        LIST,
        client_data(name="Second Maya", email="MAYA@example.org"),
        content_type="application/json",
    )

    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body, flat_fields=True)
    assert body["fields"] == {"email": ["You already have a client with this e-mail address."]}
    assert Client.objects.count() == 1
    original.refresh_from_db()
    assert original.name == "First Maya"


def test_create_with_an_email_another_coach_uses_is_fine(api, coach):
    ClientFactory.create(email="maya@example.org")

    response = api.post(LIST, client_data(), content_type="application/json")

    assert response.status_code == 201
    assert Client.objects.filter(coach=coach, email="maya@example.org").exists()


def test_create_ignores_read_only_fields(api, coach):
    response = api.post(
        LIST,
        client_data(archived_at="2020-01-01T00:00:00Z", has_login=True, is_archived=True),
        content_type="application/json",
    )

    assert response.status_code == 201
    client = Client.objects.get(coach=coach)
    assert client.archived_at is None
    assert client.user is None


# --- retrieve and update -------------------------------------------------------------------------


def test_retrieve_own_client(api, coach):
    client = ClientFactory.create(coach=coach, name="Maya Lindqvist")

    response = api.get(detail(client.pk))

    assert response.status_code == 200
    assert response.json()["name"] == "Maya Lindqvist"


def test_retrieve_an_archived_client(api, coach):
    client = ClientFactory.create(coach=coach, archived_at=timezone.now())

    response = api.get(detail(client.pk))

    assert response.status_code == 200
    assert response.json()["is_archived"] is True


def test_update_changes_the_client(api, coach):
    client = ClientFactory.create(coach=coach, name="Maya L", email="maya@example.org")

    response = api.patch(
        detail(client.pk),
        {"name": "Maya Lindqvist", "time_zone": "Asia/Tokyo"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["name"] == "Maya Lindqvist"
    client.refresh_from_db()
    assert client.name == "Maya Lindqvist"
    assert client.time_zone == "Asia/Tokyo"
    assert client.email == "maya@example.org"


def test_full_update(api, coach):
    client = ClientFactory.create(coach=coach)

    response = api.put(detail(client.pk), client_data(), content_type="application/json")

    assert response.status_code == 200
    client.refresh_from_db()
    assert client.name == "Maya Lindqvist"
    assert client.email == "maya@example.org"


def test_update_to_a_duplicate_email_is_400(api, coach):
    ClientFactory.create(coach=coach, email="taken@example.org")
    client = ClientFactory.create(coach=coach, name="Maya L", email="maya@example.org")

    response = api.patch(
        detail(client.pk),
        {"name": "Renamed", "email": "Taken@example.org"},
        content_type="application/json",
    )

    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body, flat_fields=True)
    assert "email" in body["fields"]
    client.refresh_from_db()
    assert client.name == "Maya L"
    assert client.email == "maya@example.org"


def test_update_with_a_bad_time_zone_is_400(api, coach):
    client = ClientFactory.create(coach=coach, time_zone="UTC")

    response = api.patch(
        detail(client.pk), {"time_zone": "Nowhere/Special"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert_error_shape(response.json(), flat_fields=True)
    assert "time_zone" in response.json()["fields"]
    client.refresh_from_db()
    assert client.time_zone == "UTC"


def test_there_is_no_delete(api, coach):
    client = ClientFactory.create(coach=coach)

    response = api.delete(detail(client.pk))

    assert response.status_code == 405
    assert_error_shape(response.json(), flat_fields=True)
    assert Client.objects.filter(pk=client.pk).exists()


# --- archive and restore -------------------------------------------------------------------------


def test_archive_and_restore(api, coach):
    client = ClientFactory.create(coach=coach, notes="Keep me.")

    archived = api.post(detail(client.pk, "archive"))

    assert archived.status_code == 200
    assert archived.json()["is_archived"] is True
    assert archived.json()["archived_at"] is not None
    client.refresh_from_db()
    assert client.archived_at is not None
    assert client.notes == "Keep me."
    assert api.get(LIST).json()["count"] == 0

    restored = api.post(detail(client.pk, "restore"))

    assert restored.status_code == 200
    assert restored.json()["is_archived"] is False
    client.refresh_from_db()
    assert client.archived_at is None
    assert api.get(LIST).json()["count"] == 1


# --- access --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "action", "data"),
    [
        ("get", "", None),
        ("patch", "", {"name": "Hijacked"}),
        ("put", "", client_data(name="Hijacked")),
        ("post", "archive", None),
        ("post", "restore", None),
    ],
)
def test_another_coachs_client_is_404(api, method, action, data):
    other = ClientFactory.create(name="Otto Other", archived_at=None)

    response = getattr(api, method)(detail(other.pk, action), data, content_type="application/json")

    assert response.status_code == 404
    body = response.json()
    assert_error_shape(body, flat_fields=True)
    assert body["code"] == "not_found"
    other.refresh_from_db()
    assert other.name == "Otto Other"
    assert other.archived_at is None


def test_another_coachs_archived_client_cannot_be_restored(api):
    other = ClientFactory.create(archived_at=timezone.now())

    assert api.post(detail(other.pk, "restore")).status_code == 404
    other.refresh_from_db()
    assert other.archived_at is not None


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", LIST), ("post", LIST), ("get", detail(1)), ("post", detail(1, "archive"))],
)
def test_anonymous_is_refused_with_the_error_shape(client, db, method, path):
    ClientFactory.create()  # pk 1 may or may not exist; either way nothing leaks

    response = getattr(client, method)(path)

    assert response.status_code in {401, 403}
    body = response.json()
    assert_error_shape(body, flat_fields=True)
    assert body["code"] == "not_authenticated"
    assert body["fields"] == {}


def test_a_client_user_is_forbidden(client):
    own = ClientFactory.create(with_login=True)
    client.force_login(own.user)

    listing = client.get(LIST)
    own_detail = client.get(detail(own.pk))
    create = client.post(LIST, client_data(), content_type="application/json")

    for response in (listing, own_detail, create):
        assert response.status_code == 403
        body = response.json()
        assert_error_shape(body, flat_fields=True)
        assert body["code"] == "permission_denied"
    assert Client.objects.count() == 1


def test_a_logged_in_user_without_a_role_is_forbidden(client):
    from tests.coach.factories import UserFactory

    client.force_login(UserFactory.create())

    assert client.get(LIST).status_code == 403


def test_coaches_see_separate_lists(client):
    first, second = CoachFactory.create(), CoachFactory.create()
    ClientFactory.create(coach=first, name="Mine")
    ClientFactory.create(coach=second, name="Theirs")
    client.force_login(second.user)

    assert [row["name"] for row in client.get(LIST).json()["results"]] == ["Theirs"]
