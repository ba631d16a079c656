"""The coach's client pages: list, search, add, edit, archive, restore, and who may see them."""

from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from coach.models import Client
from tests.coach.factories import ClientFactory, CoachFactory, client_data
from tests.conftest import get_counting_queries
from tests.training.progress_support import drawn_again
from training.summaries import dashboard_version

pytestmark = pytest.mark.django_db

COACH_PAGES = [
    reverse("dashboard"),
    reverse("client-create"),
    reverse("client-detail", args=[1]),
    reverse("client-edit", args=[1]),
    reverse("client-archive", args=[1]),
]


def names_on(response) -> list[str]:
    return [client.name for client in response.context["page"].object_list]


# --- dashboard -----------------------------------------------------------------------------------


def test_dashboard_lists_only_the_coachs_own_active_clients(coach_client, coach):
    ClientFactory.create(coach=coach, name="Alma Active")
    ClientFactory.create(coach=coach, name="Arlo Archived", archived_at=timezone.now())
    ClientFactory.create(name="Olga Other")  # another coach's

    response = coach_client.get(reverse("dashboard"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Alma Active" in content
    assert "Arlo Archived" not in content
    assert "Olga Other" not in content


def test_dashboard_lists_clients_by_name(coach_client, coach):
    for name in ["Cleo", "Abel", "Bruno"]:
        ClientFactory.create(coach=coach, name=name)

    assert names_on(coach_client.get(reverse("dashboard"))) == ["Abel", "Bruno", "Cleo"]


def test_dashboard_search_matches_name_and_email(coach_client, coach):
    ClientFactory.create(coach=coach, name="Noor Haddad", email="noor@example.org")
    ClientFactory.create(coach=coach, name="Piet Jansen", email="pj@runners.example")
    ClientFactory.create(coach=coach, name="Rosa Diaz", email="rosa@example.org")
    ClientFactory.create(name="Noor Elsewhere")  # another coach's

    by_name = coach_client.get(reverse("dashboard"), {"q": "noor"})
    by_email = coach_client.get(reverse("dashboard"), {"q": "RUNNERS"})

    assert names_on(by_name) == ["Noor Haddad"]
    assert "Noor Elsewhere" not in by_name.content.decode()
    assert names_on(by_email) == ["Piet Jansen"]


def test_dashboard_search_with_no_match_says_so(coach_client, coach):
    ClientFactory.create(coach=coach, name="Noor Haddad")

    response = coach_client.get(reverse("dashboard"), {"q": "zebra"})

    content = response.content.decode()
    assert "No client matches “zebra”." in content
    assert "Clear the search" in content
    assert "Noor Haddad" not in content


def test_dashboard_pages_25_clients_at_a_time(coach_client, coach):
    for number in range(27):
        ClientFactory.create(coach=coach, name=f"Client {number:02d}")

    first = coach_client.get(reverse("dashboard"))
    second = coach_client.get(reverse("dashboard"), {"page": 2})

    assert names_on(first) == [f"Client {number:02d}" for number in range(25)]
    assert "Page 1 of 2" in first.content.decode()
    assert 'rel="next"' in first.content.decode()
    assert names_on(second) == ["Client 25", "Client 26"]
    assert "Page 2 of 2" in second.content.decode()


def test_dashboard_search_is_kept_across_pages(coach_client, coach):
    for number in range(26):
        ClientFactory.create(coach=coach, name=f"Runner {number:02d}")
    ClientFactory.create(coach=coach, name="Zed Swimmer")

    first = coach_client.get(reverse("dashboard"), {"q": "runner"})
    second = coach_client.get(reverse("dashboard"), {"q": "runner", "page": 2})

    assert "q=runner&amp;page=2" in first.content.decode()
    assert names_on(second) == ["Runner 25"]


def test_dashboard_for_a_coach_without_clients_shows_the_empty_state(coach_client):
    response = coach_client.get(reverse("dashboard"))

    content = response.content.decode()
    assert "No clients yet" in content
    assert "Add your first client" in content
    assert "Search clients" not in content


def test_dashboard_when_every_client_is_archived(coach_client, coach):
    ClientFactory.create(coach=coach, archived_at=timezone.now())

    content = coach_client.get(reverse("dashboard")).content.decode()

    assert "Every client is archived." in content
    assert "No clients yet" not in content


def test_archived_tab_lists_only_archived_clients(coach_client, coach):
    ClientFactory.create(coach=coach, name="Alma Active")
    ClientFactory.create(coach=coach, name="Arlo Archived", archived_at=timezone.now())
    ClientFactory.create(name="Otto Other", archived_at=timezone.now())

    response = coach_client.get(reverse("dashboard"), {"archived": "1"})

    assert "Archived clients" in response.content.decode()
    assert names_on(response) == ["Arlo Archived"]


def test_archived_tab_without_archived_clients(coach_client, coach):
    ClientFactory.create(coach=coach)

    response = coach_client.get(reverse("dashboard"), {"archived": "1"})

    assert "No archived clients." in response.content.decode()


def test_dashboard_query_count_does_not_grow_with_clients(coach_client, coach):
    ClientFactory.create_batch(2, with_login=True, coach=coach)
    ClientFactory.create(coach=coach)
    dashboard_version(coach.pk)  # the cache holds the versions, as after any earlier view
    _, few = get_counting_queries(coach_client, reverse("dashboard"), cache=False)

    ClientFactory.create_batch(30, with_login=True, coach=coach)
    ClientFactory.create_batch(27, coach=coach)
    drawn_again(coach)  # the factory adds them past the services
    _, many = get_counting_queries(coach_client, reverse("dashboard"), cache=False)

    assert many == few


# --- add -----------------------------------------------------------------------------------------


def test_add_client_saves_it_and_shows_its_page(coach_client, coach):
    response = coach_client.post(
        reverse("client-create"), client_data(email="Maya@Example.org"), follow=True
    )

    client = Client.objects.get(coach=coach)
    assert response.redirect_chain[-1][0] == reverse("client-detail", args=[client.pk])
    content = response.content.decode()
    assert "Maya Lindqvist was added." in content
    assert client.name == "Maya Lindqvist"
    assert client.email == "maya@example.org"
    assert client.time_zone == "Europe/Stockholm"
    assert client.reminder_time == time(6, 30)
    assert client.sex == "female"
    assert client.notes == "Knee surgery in 2023."
    assert client.user is None
    assert client.archived_at is None


def test_add_client_form_page(coach_client):
    response = coach_client.get(reverse("client-create"))

    assert response.status_code == 200
    assert "Add a client" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "is not a time zone we know"),
    ],
)
def test_add_client_validation(coach_client, coach, overrides, field, message):
    response = coach_client.post(reverse("client-create"), client_data(**overrides))

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert message in response.content.decode()
    assert not Client.objects.filter(coach=coach).exists()


def test_add_client_with_an_email_already_in_the_practice_is_refused(coach_client, coach):
    original = ClientFactory.create(
        coach=coach, name="First Maya", email="maya@example.org", time_zone="Asia/Tokyo"
    )

    response = coach_client.post(
        reverse("client-create"), client_data(name="Second Maya", email="MAYA@example.org")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "You already have a client with this e-mail address."
    ]
    assert Client.objects.filter(coach=coach).count() == 1
    original.refresh_from_db()
    assert original.name == "First Maya"
    assert original.time_zone == "Asia/Tokyo"


def test_the_same_email_under_another_coach_is_fine(coach_client, coach):
    ClientFactory.create(email="maya@example.org")  # another coach's client

    response = coach_client.post(reverse("client-create"), client_data(email="maya@example.org"))

    assert response.status_code == 302
    assert Client.objects.filter(email="maya@example.org").count() == 2
    assert Client.objects.filter(coach=coach, email="maya@example.org").exists()


# --- detail and edit -----------------------------------------------------------------------------


def test_client_page_shows_the_details(coach_client, coach):
    client = ClientFactory.create(coach=coach, name="Maya Lindqvist", email="maya@example.org")

    response = coach_client.get(reverse("client-detail", args=[client.pk]))

    content = response.content.decode()
    assert "Maya Lindqvist" in content
    assert "maya@example.org" in content
    assert "Send invite" in content


def test_edit_client_saves_the_changes(coach_client, coach):
    client = ClientFactory.create(coach=coach, name="Maya L", email="maya@example.org")

    form = coach_client.get(reverse("client-edit", args=[client.pk]))
    assert form.context["form"].initial["name"] == "Maya L"

    response = coach_client.post(
        reverse("client-edit", args=[client.pk]),
        client_data(name="Maya Lindqvist", email="m.lindqvist@example.org", time_zone="UTC"),
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("client-detail", args=[client.pk])
    assert "The client&#x27;s details were saved." in response.content.decode()
    client.refresh_from_db()
    assert client.name == "Maya Lindqvist"
    assert client.email == "m.lindqvist@example.org"
    assert client.time_zone == "UTC"


def test_edit_client_to_an_email_another_client_has_is_refused(coach_client, coach):
    ClientFactory.create(coach=coach, email="taken@example.org")
    client = ClientFactory.create(coach=coach, name="Maya L", email="maya@example.org")

    response = coach_client.post(
        reverse("client-edit", args=[client.pk]),
        client_data(name="Renamed", email="Taken@example.org"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "You already have a client with this e-mail address."
    ]
    client.refresh_from_db()
    assert client.name == "Maya L"
    assert client.email == "maya@example.org"


def test_edit_client_keeping_its_own_email_is_fine(coach_client, coach):
    client = ClientFactory.create(coach=coach, email="maya@example.org")

    response = coach_client.post(
        reverse("client-edit", args=[client.pk]), client_data(email="maya@example.org")
    )

    assert response.status_code == 302


def test_edit_client_validation(coach_client, coach):
    client = ClientFactory.create(coach=coach, name="Maya L")

    response = coach_client.post(reverse("client-edit", args=[client.pk]), client_data(name=""))

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    client.refresh_from_db()
    assert client.name == "Maya L"


# --- archive and restore -------------------------------------------------------------------------


def test_archive_asks_for_confirmation_first(coach_client, coach):
    client = ClientFactory.create(coach=coach, name="Maya Lindqvist")

    response = coach_client.get(reverse("client-archive", args=[client.pk]))

    assert response.status_code == 200
    assert "Archive Maya Lindqvist?" in response.content.decode()
    client.refresh_from_db()
    assert client.archived_at is None


def test_archive_hides_the_client_and_keeps_its_data(coach_client, coach):
    client = ClientFactory.create(
        with_login=True,
        coach=coach,
        name="Maya Lindqvist",
        email="maya@example.org",
        notes="Keep me.",
    )

    response = coach_client.post(reverse("client-archive", args=[client.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("dashboard")
    content = response.content.decode()
    assert "Maya Lindqvist was archived. Their records are kept." in content
    assert names_on(response) == []
    client.refresh_from_db()
    assert client.archived_at is not None
    assert client.notes == "Keep me."
    assert client.email == "maya@example.org"
    assert client.user is not None
    archived = coach_client.get(reverse("dashboard"), {"archived": "1"})
    assert names_on(archived) == ["Maya Lindqvist"]
    detail = coach_client.get(reverse("client-detail", args=[client.pk]))
    assert "Archived" in detail.content.decode()
    assert "Restore" in detail.content.decode()


def test_restore_brings_the_client_back(coach_client, coach):
    client = ClientFactory.create(coach=coach, name="Maya Lindqvist", archived_at=timezone.now())

    response = coach_client.post(reverse("client-restore", args=[client.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("client-detail", args=[client.pk])
    assert "Maya Lindqvist is active again." in response.content.decode()
    client.refresh_from_db()
    assert client.archived_at is None
    assert names_on(coach_client.get(reverse("dashboard"))) == ["Maya Lindqvist"]


def test_restore_needs_a_post(coach_client, coach):
    client = ClientFactory.create(coach=coach, archived_at=timezone.now())

    response = coach_client.get(reverse("client-restore", args=[client.pk]))

    assert response.status_code == 405
    client.refresh_from_db()
    assert client.archived_at is not None


# --- who may see what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "method"),
    [
        ("client-detail", "get"),
        ("client-edit", "get"),
        ("client-edit", "post"),
        ("client-archive", "get"),
        ("client-archive", "post"),
        ("client-restore", "post"),
        ("client-invite", "post"),
    ],
)
def test_another_coachs_client_is_not_found(coach_client, url_name, method):
    other = ClientFactory.create(with_login=True, name="Otto Other", email="otto@example.org")
    other_no_login = ClientFactory.create(coach=other.coach, archived_at=timezone.now())

    for target in (other, other_no_login):
        url = reverse(url_name, args=[target.pk])
        data = client_data(name="Hijacked") if method == "post" else None
        response = getattr(coach_client, method)(url, data)
        assert response.status_code == 404

    other.refresh_from_db()
    other_no_login.refresh_from_db()
    assert other.name == "Otto Other"
    assert other.archived_at is None
    assert other_no_login.archived_at is not None
    assert not other_no_login.invites.exists()


@pytest.mark.parametrize("url", COACH_PAGES)
def test_a_client_user_gets_not_found_on_coach_pages(client, url):
    client_with_login = ClientFactory.create(with_login=True)
    client.force_login(client_with_login.user)

    assert client.get(url).status_code == 404


def test_a_client_user_cannot_post_to_coach_pages(client):
    own = ClientFactory.create(with_login=True)
    client.force_login(own.user)

    assert client.post(reverse("client-create"), client_data()).status_code == 404
    assert client.post(reverse("client-archive", args=[own.pk])).status_code == 404
    assert client.post(reverse("client-restore", args=[own.pk])).status_code == 404
    assert client.post(reverse("client-invite", args=[own.pk])).status_code == 404
    own.refresh_from_db()
    assert own.archived_at is None
    assert Client.objects.count() == 1


@pytest.mark.parametrize("url", COACH_PAGES)
def test_anonymous_visitors_are_sent_to_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_anonymous_posts_change_nothing(client):
    target = ClientFactory.create()

    for name in ("client-archive", "client-restore", "client-invite"):
        response = client.post(reverse(name, args=[target.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    target.refresh_from_db()
    assert target.archived_at is None
    assert not target.invites.exists()


def test_coach_home_redirects_to_dashboard(coach_client):
    response = coach_client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_other_coach_list_is_separate(client):
    first, second = CoachFactory.create(), CoachFactory.create()
    ClientFactory.create(coach=first, name="Mine")
    ClientFactory.create(coach=second, name="Theirs")
    client.force_login(second.user)

    assert names_on(client.get(reverse("dashboard"))) == ["Theirs"]
