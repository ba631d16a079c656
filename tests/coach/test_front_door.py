"""The front door: sign-up and invites that reveal no account, the login e-mail that only its
owner changes, archiving that ends a client's sessions, and failed logins limited per address."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse

from coach import services
from coach.login_limits import client_ip
from coach.models import Coach, SignUpRequest, User
from tests.coach.factories import PASSWORD, ClientFactory, UserFactory, client_data

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "name": "Dana Stone",
    "email": "Dana@Example.org",
    "practice_name": "Stone Strength",
    "password1": "hip-hinge-velvet-77",
    "password2": "hip-hinge-velvet-77",
}
LINK = re.compile(r"https?://testserver(/\S+/)")
CACHED_SESSION = "django.contrib.sessions.cached_db"  # the cache key of a session, before its key
CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def link_in(message) -> str:
    found = LINK.search(str(message.body))
    assert found is not None, message.body
    return found.group(1)


def links_in(message) -> list[str]:
    return LINK.findall(str(message.body))


def sign_up(http: HttpClient, capture, **data: str):
    with capture(execute=True):
        response = http.post(reverse("signup"), {**SIGN_UP, **data})
    assert response.status_code == 302
    return http.get(response["Location"])


def log_in(http: HttpClient, email: str, password: str = PASSWORD, address: str = "127.0.0.1"):
    return http.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


# --- sign-up ----------------------------------------------------------------------------------


def test_sign_up_finishes_from_the_link_sent_to_the_address(
    client, django_capture_on_commit_callbacks
):
    page = sign_up(client, django_capture_on_commit_callbacks)

    assert "Check your e-mail" in page.content.decode()
    assert "dana@example.org" in page.content.decode()
    assert not User.objects.exists()  # nothing until the address is confirmed
    (message,) = mail.outbox
    assert message.to == ["dana@example.org"]
    link = link_in(message)
    assert link.startswith("/accounts/signup/confirm/")

    confirm = client.get(link)
    assert "Create my practice" in confirm.content.decode()
    assert not User.objects.exists()  # opening the link (a mail scanner) creates nothing

    response = client.post(link, follow=True)

    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "Welcome! Your practice is ready." in response.content.decode()
    user = User.objects.get(email="dana@example.org")
    assert user.name == "Dana Stone"
    assert Coach.objects.get(user=user).practice_name == "Stone Strength"
    assert client.session[SESSION_KEY] == str(user.pk)
    assert not SignUpRequest.objects.exists()

    # The password chosen on the form is the login's.
    fresh = HttpClient()
    assert log_in(fresh, "dana@example.org", "hip-hinge-velvet-77").status_code == 302

    # The link works once.
    again = HttpClient().post(link)
    assert again.status_code == 410
    assert User.objects.count() == 1


def test_sign_up_with_an_address_that_has_an_account_looks_the_same_and_mails_its_owner(
    client, django_capture_on_commit_callbacks
):
    owner = UserFactory.create(email="dana@example.org")
    fresh_page = sign_up(HttpClient(), django_capture_on_commit_callbacks, email="new@example.org")

    page = sign_up(client, django_capture_on_commit_callbacks)

    assert page.content.decode() == fresh_page.content.decode().replace(
        "new@example.org", "dana@example.org"
    )
    assert User.objects.count() == 1
    assert not Coach.objects.filter(user=owner).exists()
    message = mail.outbox[-1]
    assert message.to == ["dana@example.org"]
    assert message.subject == "Someone tried to sign up with your e-mail address"
    assert "already has an account" in message.body
    assert not any("/signup/confirm/" in link for link in links_in(message))
    assert not SignUpRequest.objects.filter(email="dana@example.org").exists()


def test_a_sign_up_link_whose_address_got_an_account_meanwhile_is_refused(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    UserFactory.create(email="dana@example.org")

    response = client.post(link)

    assert response.status_code == 410
    assert "already has an account" in response.content.decode()
    assert User.objects.count() == 1


def test_sign_up_links_expire_and_cannot_be_forged(
    client, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to("2026-03-01 09:00:00+00:00", tick=False)
    sign_up(client, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])

    forged = client.get(link[:-3] + "xx/")
    time_machine.shift(services.CONFIRM_MAX_AGE + timedelta(minutes=1))
    expired = client.post(link)

    assert forged.status_code == 404
    assert expired.status_code == 410
    assert "expired" in expired.content.decode()
    assert not User.objects.exists()


def test_sign_up_still_checks_the_password_on_the_form(client):
    response = client.post(reverse("signup"), {**SIGN_UP, "password2": "something-else-9"})

    assert response.status_code == 200
    assert "The two passwords do not match." in response.content.decode()
    assert not SignUpRequest.objects.exists()


# --- invites ----------------------------------------------------------------------------------


def test_inviting_an_address_that_has_an_account_tells_the_coach_nothing_and_mails_its_owner(
    coach_client, coach, django_capture_on_commit_callbacks
):
    UserFactory.create(email="taken@example.org")
    taken = ClientFactory.create(coach=coach, email="taken@example.org")
    free = ClientFactory.create(coach=coach, email="free@example.org")

    answers = []
    for person in (taken, free):
        with django_capture_on_commit_callbacks(execute=True):
            response = coach_client.post(reverse("client-invite", args=[person.pk]), follow=True)
        page = response.content.decode().replace(person.email, "ADDRESS")
        page = page.replace(person.name, "NAME").replace(f"/{person.pk}/", "/ID/")
        answers.append(CSRF_VALUE.sub("", page))

    assert "An invite is on its way to ADDRESS." in answers[0]
    assert answers[0] == answers[1]
    to_taken, to_free = mail.outbox
    assert to_taken.to == ["taken@example.org"]
    assert "already has an account" in to_taken.body
    assert not any("/invite/" in link for link in links_in(to_taken))
    assert to_free.to == ["free@example.org"]
    assert any(link.startswith("/invite/") for link in links_in(to_free))


# --- the login e-mail -------------------------------------------------------------------------


@pytest.fixture
def maya(coach):
    return ClientFactory.create(
        coach=coach, with_login=True, name="Maya Lindqvist", email="maya@example.org"
    )


def test_a_coach_edits_the_contact_address_not_the_login(coach_client, maya):
    response = coach_client.post(
        reverse("client-edit", args=[maya.pk]), client_data(email="maya.work@example.org")
    )

    assert response.status_code == 302
    maya.refresh_from_db()
    assert maya.email == "maya.work@example.org"
    assert maya.user.email == "maya@example.org"
    assert log_in(HttpClient(), "maya@example.org").status_code == 302
    assert log_in(HttpClient(), "maya.work@example.org").status_code == 200  # refused


def test_through_the_api_too_a_coach_changes_only_the_contact_address(coach_client, maya):
    response = coach_client.patch(
        f"/api/v1/clients/{maya.pk}/",
        {"email": "maya.work@example.org"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["email"] == "maya.work@example.org"
    maya.refresh_from_db()
    assert maya.user is not None
    assert maya.user.email == "maya@example.org"


def test_the_client_form_says_the_address_is_for_contact(coach_client, maya):
    page = coach_client.get(reverse("client-edit", args=[maya.pk])).content.decode()

    assert "Where invites and reminders go." in page


def test_a_client_changes_their_login_email_from_a_link_sent_to_the_new_address(
    client, maya, django_capture_on_commit_callbacks
):
    client.force_login(maya.user)
    account = client.get(reverse("account")).content.decode()
    assert "maya@example.org" in account
    assert reverse("login-email-change") in account

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("login-email-change"),
            {"email": "Maya.New@Example.org", "password": PASSWORD},
            follow=True,
        )

    assert "We sent a link to maya.new@example.org." in response.content.decode()
    maya.user.refresh_from_db()
    assert maya.user.email == "maya@example.org"  # not yet
    (message,) = mail.outbox
    assert message.to == ["maya.new@example.org"]
    link = link_in(message)

    # Opening the link shows what will change; the button makes the change.
    assert "maya.new@example.org" in client.get(link).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(link, follow=True)

    assert "You now log in with maya.new@example.org." in done.content.decode()
    maya.user.refresh_from_db()
    assert maya.user.email == "maya.new@example.org"
    maya.refresh_from_db()
    assert maya.email == "maya@example.org"  # the coach's contact address is the coach's
    notice = mail.outbox[-1]
    assert notice.to == ["maya@example.org"]
    assert "maya.new@example.org" in notice.body
    assert log_in(HttpClient(), "maya.new@example.org").status_code == 302
    assert log_in(HttpClient(), "maya@example.org").status_code == 200
    # The link works once.
    assert HttpClient().post(link).status_code == 410


def test_a_login_email_change_needs_the_password(client, maya, django_capture_on_commit_callbacks):
    client.force_login(maya.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("login-email-change"), {"email": "maya.new@example.org", "password": "nope"}
        )

    assert response.status_code == 200
    assert "This is not your password." in response.content.decode()
    assert mail.outbox == []


def test_a_login_email_already_in_use_is_not_revealed_and_nothing_changes(
    client, maya, django_capture_on_commit_callbacks
):
    UserFactory.create(email="taken@example.org")
    client.force_login(maya.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("login-email-change"),
            {"email": "taken@example.org", "password": PASSWORD},
            follow=True,
        )

    assert "We sent a link to taken@example.org." in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["taken@example.org"]
    assert "already has an account" in message.body
    assert not any("/accounts/email/" in link for link in links_in(message))
    maya.user.refresh_from_db()
    assert maya.user.email == "maya@example.org"


def test_a_forged_login_email_link_is_a_404(client, maya):
    token = services.login_email_change_token(user=maya.user, new_email="evil@example.org")

    response = client.post(reverse("login-email-confirm", args=[token[:-2] + "xx"]))

    assert response.status_code == 404
    maya.user.refresh_from_db()
    assert maya.user.email == "maya@example.org"


# --- archiving ends the login -----------------------------------------------------------------


def test_archiving_a_client_ends_their_sessions_and_restoring_lets_them_log_in_again(
    coach_client, maya
):
    phone, laptop = HttpClient(), HttpClient()
    assert log_in(phone, "maya@example.org").status_code == 302
    assert log_in(laptop, "maya@example.org").status_code == 302
    other = ClientFactory.create(with_login=True)
    bystander = HttpClient()
    assert other.user is not None
    bystander.force_login(other.user)
    session_keys = [phone.session.session_key, laptop.session.session_key]
    assert phone.get(reverse("client-home")).status_code == 200
    assert all(cache.get(f"{CACHED_SESSION}{key}") for key in session_keys)

    coach_client.post(reverse("client-archive", args=[maya.pk]))

    assert not Session.objects.filter(session_key__in=session_keys).exists()
    assert not any(cache.get(f"{CACHED_SESSION}{key}") for key in session_keys)
    for device in (phone, laptop):
        response = device.get(reverse("client-home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert log_in(HttpClient(), "maya@example.org").status_code == 200  # refused
    assert bystander.get(reverse("client-home")).status_code == 200  # others stay logged in

    coach_client.post(reverse("client-restore", args=[maya.pk]))

    assert phone.get(reverse("client-home")).status_code == 302  # the old session is gone
    again = HttpClient()
    assert log_in(again, "maya@example.org").status_code == 302
    assert again.get(reverse("client-home")).status_code == 200


def test_ending_sessions_leaves_other_users_sessions(maya):
    other = UserFactory.create()
    http = HttpClient()
    http.force_login(other)

    assert services.user_sessions_end(user_id=maya.user.pk) == 0
    assert services.user_sessions_end(user_id=other.pk) == 1


# --- failed logins per address ----------------------------------------------------------------


@pytest.fixture
def address_limit(settings):
    settings.AXES_IP_FAILURE_LIMIT = 8
    return 8


def test_failed_logins_across_accounts_lock_the_address_out(client, address_limit):
    users = [UserFactory.create(email=f"member{n}@example.org") for n in range(address_limit)]
    # One failure per account, far below the account limit: only the address adds them up.
    for user in users[:-1]:
        response = log_in(client, user.email, "wrong-password", address="203.0.113.7")
        assert b"Too many failed logins" not in response.content
    last = log_in(client, users[-1].email, "wrong-password", address="203.0.113.7")
    assert b"Too many failed logins" in last.content

    victim = UserFactory.create(email="victim@example.org")
    locked = log_in(HttpClient(), victim.email, address="203.0.113.7")
    elsewhere = log_in(HttpClient(), victim.email, address="198.51.100.9")

    assert locked.status_code != 302
    assert b"Too many failed logins" in locked.content
    assert elsewhere.status_code == 302


def test_a_few_failures_from_a_shared_address_lock_no_one_else_out(client, address_limit):
    for n in range(address_limit - 1):
        log_in(client, f"typo{n}@example.org", "wrong-password", address="203.0.113.7")
    member = UserFactory.create(email="member@example.org")

    assert log_in(HttpClient(), member.email, address="203.0.113.7").status_code == 302


def test_a_good_login_does_not_clear_the_address_count(client, address_limit):
    own = UserFactory.create(email="own@example.org")
    for n in range(address_limit - 1):
        log_in(client, f"guess{n}@example.org", "wrong-password", address="203.0.113.7")

    assert log_in(HttpClient(), own.email, address="203.0.113.7").status_code == 302
    log_in(client, "guess-last@example.org", "wrong-password", address="203.0.113.7")

    victim = UserFactory.create(email="victim@example.org")
    assert (
        b"Too many failed logins"
        in log_in(HttpClient(), victim.email, address="203.0.113.7").content
    )


def test_the_address_limit_is_higher_than_the_account_limit():
    assert settings.AXES_IP_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT * 3


def test_a_forwarded_for_header_is_ignored_unless_configured(client, address_limit):
    for n in range(address_limit):
        client.post(
            reverse("login"),
            {"username": f"spray{n}@example.org", "password": "wrong"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",  # a different made-up address each time
        )
    victim = UserFactory.create(email="victim@example.org")

    assert (
        b"Too many failed logins"
        in log_in(HttpClient(), victim.email, address="203.0.113.7").content
    )


@pytest.mark.parametrize(
    ("header", "count", "meta", "expected"),
    [
        ("", 1, {"HTTP_X_FORWARDED_FOR": "192.0.2.1"}, "10.0.0.5"),
        ("X-Forwarded-For", 1, {"HTTP_X_FORWARDED_FOR": "192.0.2.1, 198.51.100.4"}, "198.51.100.4"),
        (
            "X-Forwarded-For",
            2,
            {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 192.0.2.1, 10.0.0.9"},
            "192.0.2.1",
        ),
        ("X-Forwarded-For", 2, {"HTTP_X_FORWARDED_FOR": "192.0.2.1"}, "10.0.0.5"),
        ("X-Real-IP", 1, {"HTTP_X_REAL_IP": "2001:db8::1"}, "2001:db8::1"),
        ("X-Real-IP", 1, {"HTTP_X_REAL_IP": "not an address"}, "10.0.0.5"),
        ("X-Real-IP", 1, {}, "10.0.0.5"),
    ],
)
def test_the_client_address_comes_from_the_configured_header_only(
    settings, header, count, meta, expected
):
    settings.CLIENT_IP_HEADER = header
    settings.CLIENT_IP_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", **meta)

    assert client_ip(request) == expected


def test_archived_clients_cannot_ask_for_a_login_email_change(maya):
    maya.user.is_active = False
    maya.user.save(update_fields=["is_active"])

    assert (
        services.login_email_change_mail_send(
            user_id=maya.user.pk, new_email="x@example.org", base_url="http://testserver/"
        )
        is False
    )
    assert mail.outbox == []


def test_the_account_page_links_each_person_to_their_own_settings(coach_client, client, maya):
    coach_page = coach_client.get(reverse("account")).content.decode()
    client.force_login(maya.user)
    client_page = client.get(reverse("account")).content.decode()

    for page in (coach_page, client_page):
        assert reverse("token-list") in page
        assert reverse("login-email-change") in page
        assert reverse("password_change") in page
    assert reverse("webhook-list") in coach_page
    assert reverse("my-calendar") not in coach_page
    assert reverse("my-calendar") in client_page
    assert reverse("webhook-list") not in client_page
