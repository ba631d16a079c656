"""Personal access tokens: the settings page, `Authorization: Bearer` on the API, and what a
token may reach."""

import re
from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from coach.models import Client, PersonalAccessToken
from coach.tokens import secret_hash
from tests.coach.api_access_factories import PersonalAccessTokenFactory, token_for
from tests.coach.factories import ClientFactory, CoachFactory, UserFactory, client_data
from tests.training.api_support import LOGS, log_body, plan_url, set_row, trainee

pytestmark = pytest.mark.django_db

CLIENTS = "/api/v1/clients/"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def strict() -> HttpClient:
    """A test browser that checks CSRF tokens as a real browser's requests are checked."""
    return HttpClient(enforce_csrf_checks=True)


# --- the settings page ----------------------------------------------------------------------


def test_a_new_token_is_shown_once_and_stored_only_as_a_hash(coach_client, coach):
    response = coach_client.post(
        reverse("token-list"), {"name": "Watch app", "scope": "read", "expires": "30"}
    )

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    content = response.content.decode()
    shown = re.search(r'value="(coach_[0-9a-f]+_[\w-]+)"', content)
    assert shown is not None, content
    token = PersonalAccessToken.objects.get(user=coach.user)
    assert token.name == "Watch app"
    assert token.scope == "read"
    assert token.expires_at is not None
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    secret = shown.group(1).split("_", 2)[2]
    assert token.secret_hash == secret_hash(secret)
    stored = PersonalAccessToken.objects.filter(pk=token.pk).values().get()
    assert not any(secret in str(value) for value in stored.values())

    # Shown once: the list has the token, never its secret again.
    again = coach_client.get(reverse("token-list")).content.decode()
    assert "Watch app" in again
    assert secret not in again
    assert "Read only" in again

    # The token works.
    assert strict().get(CLIENTS, headers=bearer(shown.group(1))).status_code == 200


def test_the_list_shows_scope_dates_last_use_and_status(client):
    user = UserFactory.create()
    CoachFactory.create(user=user)
    now = timezone.now()
    PersonalAccessTokenFactory.create(
        user=user, name="Sheet sync", scope="write", last_used_at=now, expires_at=None
    )
    PersonalAccessTokenFactory.create(user=user, name="Old watch", revoked_at=now)
    PersonalAccessTokenFactory.create(user=user, name="Trial", expires_at=now - timedelta(days=1))
    PersonalAccessTokenFactory.create(name="Someone else's")
    client.force_login(user)

    content = client.get(reverse("token-list")).content.decode()

    assert "Sheet sync" in content
    assert "Read and write" in content
    assert "Never" in content  # does not expire
    assert now.strftime("%-d %b %Y") in content  # last used
    assert "Revoked" in content
    assert "Expired" in content
    assert "Someone else" not in content


def test_the_page_without_tokens_says_so(coach_client):
    response = coach_client.get(reverse("token-list"))

    assert "No tokens yet." in response.content.decode()


def test_a_token_needs_a_name(coach_client, coach):
    response = coach_client.post(reverse("token-list"), {"name": " ", "scope": "read"})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not PersonalAccessToken.objects.exists()


def test_clients_make_tokens_too(client):
    person = ClientFactory.create(with_login=True)
    client.force_login(person.user)

    response = client.post(
        reverse("token-list"), {"name": "My watch", "scope": "write", "expires": ""}
    )

    assert response.status_code == 200
    token = PersonalAccessToken.objects.get(user=person.user)
    assert token.expires_at is None


def test_revoking_asks_first_then_the_token_stops_working(coach_client, coach):
    token, text = token_for(coach.user, name="Spreadsheet")
    url = reverse("token-revoke", args=[token.pk])

    page = coach_client.get(url)
    assert "Revoke the token “Spreadsheet”?" in page.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert strict().get(CLIENTS, headers=bearer(text)).status_code == 200

    response = coach_client.post(url, follow=True)

    assert "was revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert strict().get(CLIENTS, headers=bearer(text)).status_code == 401


def test_another_users_token_cannot_be_revoked(coach_client):
    theirs = PersonalAccessTokenFactory.create()

    assert coach_client.get(reverse("token-revoke", args=[theirs.pk])).status_code == 404
    assert coach_client.post(reverse("token-revoke", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_token_pages_need_a_login(client):
    response = client.get(reverse("token-list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Authorization: Bearer ------------------------------------------------------------------


def test_a_token_request_needs_no_csrf_token_but_a_session_request_still_does(coach):
    _, text = token_for(coach.user)

    with_token = strict().post(
        CLIENTS, client_data(), content_type="application/json", headers=bearer(text)
    )
    session = strict()
    session.force_login(coach.user)
    with_session = session.post(
        CLIENTS, client_data(email="other@example.org"), content_type="application/json"
    )

    assert with_token.status_code == 201
    assert with_session.status_code == 403
    assert "CSRF" in with_session.json()["message"]
    assert list(Client.objects.values_list("email", flat=True)) == ["maya@example.org"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer coach_0123456789ab_not-the-secret",
        "Bearer nonsense",
        "Bearer",
        "Bearer two words",
        "bearer coach__",
    ],
)
def test_a_bad_token_is_a_401_that_says_how_to_authenticate(coach, header):
    token_for(coach.user)

    response = strict().get(CLIENTS, headers={"Authorization": header})

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'
    assert response.json()["code"] == "invalid_token"


def test_the_right_prefix_with_a_wrong_secret_is_refused(coach):
    token, text = token_for(coach.user)

    response = strict().get(CLIENTS, headers=bearer(text[:-4] + "abcd"))

    assert response.status_code == 401
    token.refresh_from_db()
    assert token.last_used_at is None


def test_no_credentials_at_all_is_a_401_asking_for_a_token(db):
    response = strict().get(CLIENTS)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_an_expired_token_is_refused(coach, time_machine):
    time_machine.move_to("2026-03-01 09:00:00+00:00", tick=False)
    _, text = token_for(coach.user, expires_at=timezone.now() + timedelta(days=1))
    assert strict().get(CLIENTS, headers=bearer(text)).status_code == 200

    time_machine.shift(timedelta(days=1, seconds=1))

    response = strict().get(CLIENTS, headers=bearer(text))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_a_revoked_token_is_refused(coach):
    _, text = token_for(coach.user, revoked_at=timezone.now())

    response = strict().get(CLIENTS, headers=bearer(text))

    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_a_read_only_token_reads_but_cannot_write(coach):
    _, text = token_for(coach.user, scope="read")

    read = strict().get(CLIENTS, headers=bearer(text))
    write = strict().post(
        CLIENTS, client_data(), content_type="application/json", headers=bearer(text)
    )

    assert read.status_code == 200
    assert write.status_code == 403
    assert write.json()["code"] == "read_only_token"
    assert "can only read" in write.json()["message"]
    assert not Client.objects.exists()


def test_last_use_is_written_at_most_once_a_minute(coach, time_machine):
    time_machine.move_to("2026-03-01 09:00:00+00:00", tick=False)
    token, text = token_for(coach.user)
    first = timezone.now()

    strict().get(CLIENTS, headers=bearer(text))
    time_machine.shift(30)
    strict().get(CLIENTS, headers=bearer(text))
    token.refresh_from_db()
    assert token.last_used_at == first

    time_machine.shift(31)
    strict().get(CLIENTS, headers=bearer(text))
    token.refresh_from_db()
    assert token.last_used_at == first + timedelta(seconds=61)


def test_the_schema_describes_bearer_tokens(coach_client):
    schema = coach_client.get("/api/schema/", headers={"Accept": "application/json"}).json()

    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


# --- a client's token reaches what the client can ---------------------------------------------


@pytest.fixture
def two_trainees(coach):
    today = timezone.now().date()
    ana = trainee(coach, starts_on=today, name="Ana")
    return ana, trainee(coach, starts_on=today, name="Ben", exercise=ana.exercise)


def test_a_clients_token_reads_their_own_plan_and_no_one_elses(two_trainees):
    ana, ben = two_trainees
    _, text = token_for(ana.client.user, scope="read")

    own = strict().get(plan_url(ana.client), headers=bearer(text))
    other = strict().get(plan_url(ben.client), headers=bearer(text))
    coach_only = strict().get(CLIENTS, headers=bearer(text))

    assert own.status_code == 200
    assert other.status_code == 404
    assert coach_only.status_code == 403


def test_a_clients_token_logs_their_own_training_and_lists_only_their_logs(two_trainees):
    ana, ben = two_trainees
    today = ana.client.local_today()
    _, ana_token = token_for(ana.client.user, scope="write")
    _, ben_token = token_for(ben.client.user, scope="write")

    created = strict().post(
        LOGS,
        log_body(ana, today, set_row(ana.prescription_on(1), "left")),
        content_type="application/json",
        headers=bearer(ana_token),
    )
    into_ana = strict().post(
        LOGS,
        log_body(ana, today, set_row(ana.prescription_on(1), "right")),
        content_type="application/json",
        headers=bearer(ben_token),
    )
    listed = strict().get(LOGS, headers=bearer(ben_token)).json()

    assert created.status_code == 201
    assert into_ana.status_code in {400, 404}
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows == []


def test_an_archived_clients_token_stops_working(coach, two_trainees):
    from coach.services import client_archive, client_restore

    ana, _ = two_trainees
    token, text = token_for(ana.client.user, scope="read")
    assert strict().get(plan_url(ana.client), headers=bearer(text)).status_code == 200

    client_archive(client=ana.client)

    assert strict().get(plan_url(ana.client), headers=bearer(text)).status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None
    # Restoring brings the login back, not the revoked token.
    client_restore(client=Client.objects.get(pk=ana.client.pk))
    assert strict().get(plan_url(ana.client), headers=bearer(text)).status_code == 401


def test_a_token_of_a_user_who_cannot_log_in_is_refused(coach):
    _, text = token_for(coach.user)
    coach.user.is_active = False
    coach.user.save(update_fields=["is_active"])

    assert strict().get(CLIENTS, headers=bearer(text)).status_code == 401
