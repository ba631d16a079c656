"""Coach accounts: sign-up, login, logout, password change and reset, lockout."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from coach.models import User
from tests.coach.factories import PASSWORD, CoachFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lunge-stagger-balance-42"


def sign_up_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Dana Stone",
        "email": "dana@example.org",
        "practice_name": "Stone Strength",
        "password1": "hip-hinge-velvet-77",
        "password2": "hip-hinge-velvet-77",
    }
    data.update(overrides)
    return data


def logged_in_user_id(client) -> str | None:
    return client.session.get(SESSION_KEY)


def log_in(client, email: str, password: str):
    return client.post(reverse("login"), {"username": email, "password": password})


# --- sign-up -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "This password is too short."),
        ("password123", "This password is too common."),
        ("83920571946", "This password is entirely numeric."),
    ],
)
def test_sign_up_refuses_weak_passwords(client, password, message):
    response = client.post(reverse("signup"), sign_up_data(password1=password, password2=password))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_sign_up_refuses_a_password_like_the_email(client):
    response = client.post(
        reverse("signup"),
        sign_up_data(
            email="gwendolyn.whitaker@example.org",
            password1="gwendolyn.whitaker",
            password2="gwendolyn.whitaker",
        ),
    )

    assert "The password is too similar to the" in response.content.decode()
    assert not User.objects.exists()


def test_sign_up_refuses_mismatched_passwords(client):
    response = client.post(reverse("signup"), sign_up_data(password2="something-else-entirely-9"))

    assert response.status_code == 200
    assert b"The two passwords do not match." in response.content
    assert not User.objects.exists()


def test_sign_up_page_sends_a_logged_in_coach_home(coach_client):
    response = coach_client.get(reverse("signup"))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


# --- login and logout ----------------------------------------------------------------------------


def test_login_with_email_and_password_lands_a_coach_on_the_dashboard(client):
    coach = CoachFactory.create(user__email="dana@example.org")

    response = log_in(client, "dana@example.org", PASSWORD)

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(coach.user.pk)
    assert client.get(response["Location"], follow=True).redirect_chain[-1][0] == reverse(
        "dashboard"
    )


def test_login_email_is_not_case_sensitive(client):
    coach = CoachFactory.create(user__email="dana@example.org")

    response = log_in(client, "  Dana@Example.ORG ", PASSWORD)

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(coach.user.pk)


def test_login_with_a_wrong_password_shows_an_error(client):
    CoachFactory.create(user__email="dana@example.org")

    response = log_in(client, "dana@example.org", "not-the-password")

    assert response.status_code == 200
    assert b"Please enter a correct" in response.content
    assert logged_in_user_id(client) is None


def test_logout_needs_a_post(coach_client, coach):
    response = coach_client.get(reverse("logout"))

    assert response.status_code == 405
    assert logged_in_user_id(coach_client) == str(coach.user.pk)

    response = coach_client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert logged_in_user_id(coach_client) is None
    assert coach_client.get(reverse("dashboard")).status_code == 302


# --- password change -----------------------------------------------------------------------------


def test_password_change_keeps_the_user_logged_in_and_the_new_password_works(client):
    coach = CoachFactory.create(user__email="dana@example.org")
    client.force_login(coach.user)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    assert b"Password changed" in response.content
    assert client.get(reverse("dashboard")).status_code == 200  # still logged in
    coach.user.refresh_from_db()
    assert coach.user.check_password(NEW_PASSWORD)
    assert not coach.user.check_password(PASSWORD)


def test_password_change_needs_the_old_password(client):
    coach = CoachFactory.create()
    client.force_login(coach.user)

    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert b"Your old password was entered incorrectly" in response.content
    coach.user.refresh_from_db()
    assert coach.user.check_password(PASSWORD)


def test_password_change_page_needs_login(client):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- password reset ------------------------------------------------------------------------------


def test_password_reset_email_link_sets_a_new_password_that_logs_in(client):
    user = UserFactory.create(email="dana@example.org")

    response = client.post(reverse("password_reset"), {"email": "Dana@example.org"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("password_reset_done")
    assert b"Check your e-mail" in response.content
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dana@example.org"]
    assert message.subject == "Reset your Coach password"
    link = re.search(r"https?://testserver(/\S+)", str(message.body))
    assert link is not None

    form_page = client.get(link.group(1), follow=True)
    assert b"Choose a new password" in form_page.content
    set_password_url = form_page.redirect_chain[-1][0]

    response = client.post(
        set_password_url,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("password_reset_complete")
    assert b"Password saved" in response.content

    assert log_in(client, "dana@example.org", PASSWORD).status_code == 200  # old one refused
    response = log_in(client, "dana@example.org", NEW_PASSWORD)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)

    # The link works once.
    again = client.get(link.group(1), follow=True)
    assert b"This link cannot be used" in again.content


def test_password_reset_for_an_unknown_email_sends_nothing_but_looks_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("password_reset_done")
    assert mail.outbox == []


# --- lockout -------------------------------------------------------------------------------------


def test_repeated_failed_logins_lock_the_account_even_for_the_right_password(client):
    user = UserFactory.create(email="dana@example.org")
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5

    for _ in range(limit - 1):
        response = log_in(client, "dana@example.org", "wrong-password")
        assert response.status_code == 200
        assert b"Please enter a correct" in response.content

    response = log_in(client, "dana@example.org", "wrong-password")
    assert b"Too many failed logins" in response.content

    response = log_in(client, "dana@example.org", PASSWORD)
    assert response.status_code != 302
    assert b"Too many failed logins" in response.content
    assert logged_in_user_id(client) is None

    # Another account from the same address is not locked.
    other = UserFactory.create(email="other@example.org")
    response = log_in(client, "other@example.org", PASSWORD)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(other.pk)
    assert user.pk != other.pk


def test_lockout_cannot_be_dodged_by_changing_the_case_of_the_email(client):
    UserFactory.create(email="dana@example.org")

    for attempt in range(settings.AXES_FAILURE_LIMIT):
        email = "dana@example.org" if attempt % 2 else "DANA@example.org"
        log_in(client, email, "wrong-password")

    response = log_in(client, "Dana@Example.org", PASSWORD)
    assert b"Too many failed logins" in response.content
    assert logged_in_user_id(client) is None


def test_lockout_ends_after_the_cool_off(client, time_machine):
    UserFactory.create(email="dana@example.org")
    time_machine.move_to("2026-03-01 09:00:00+00:00", tick=False)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "dana@example.org", "wrong-password")
    assert b"Too many failed logins" in log_in(client, "dana@example.org", PASSWORD).content

    time_machine.shift(settings.AXES_COOLOFF_TIME.total_seconds() + 60)

    response = log_in(client, "dana@example.org", PASSWORD)
    assert response.status_code == 302
