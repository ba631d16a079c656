"""Inviting a client to set a password: the e-mail, the link, and its one use."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coach import services
from coach.models import Invite, User
from tests.coach.factories import ClientFactory, InviteFactory

pytestmark = pytest.mark.django_db

PASSWORD = "squat-depth-tempo-31"


@pytest.fixture
def maya(coach):
    return ClientFactory.create(coach=coach, name="Maya Lindqvist", email="maya@example.org")


def send_invite(coach_client, client, capture):
    """Press "Send invite", let the queued task run, then follow the redirect."""
    with capture(execute=True):
        response = coach_client.post(reverse("client-invite", args=[client.pk]))
    assert response.status_code == 302
    return coach_client.get(response["Location"])


def link_path(message) -> str:
    found = re.search(r"http://testserver(/invite/\S+/)", message.body)
    assert found is not None, message.body
    return found.group(1)


def set_password(client, path: str, password: str = PASSWORD, follow: bool = True):
    return client.post(path, {"password1": password, "password2": password}, follow=follow)


def test_sending_an_invite_emails_the_client_a_link(
    coach_client, coach, maya, django_capture_on_commit_callbacks
):
    response = send_invite(coach_client, maya, django_capture_on_commit_callbacks)

    assert response.request["PATH_INFO"] == reverse("client-detail", args=[maya.pk])
    content = response.content.decode()
    assert "An invite is on its way to maya@example.org." in content
    assert "Invite sent" in content
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["maya@example.org"]
    assert str(coach) in message.subject
    assert "Hello Maya Lindqvist" in message.body
    assert link_path(message).startswith("/invite/")
    invite = Invite.objects.get(client=maya)
    assert invite.sent_at is not None


def test_the_email_is_sent_only_after_the_request_commits(
    coach_client, maya, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        coach_client.post(reverse("client-invite", args=[maya.pk]))

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_invite_link_shows_the_set_password_page(
    client, coach_client, maya, django_capture_on_commit_callbacks
):
    send_invite(coach_client, maya, django_capture_on_commit_callbacks)
    coach_client.logout()

    response = client.get(link_path(mail.outbox[0]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Welcome, Maya Lindqvist" in content
    assert "maya@example.org" in content
    assert "Set password" in content


def test_setting_a_password_logs_the_client_in_and_shows_their_page(
    client, coach_client, maya, django_capture_on_commit_callbacks
):
    send_invite(coach_client, maya, django_capture_on_commit_callbacks)
    coach_client.logout()

    response = set_password(client, link_path(mail.outbox[0]))

    assert response.redirect_chain[-1][0] == reverse("client-home") == "/me/"
    content = response.content.decode()
    assert "Hello, Maya Lindqvist" in content
    assert "Your password is set. Welcome!" in content
    maya.refresh_from_db()
    assert maya.user is not None
    assert maya.user.email == "maya@example.org"
    assert maya.user.check_password(PASSWORD)
    assert client.session[SESSION_KEY] == str(maya.user.pk)

    # The new password works on the login page too.
    client.post(reverse("logout"))
    login = client.post(reverse("login"), {"username": "maya@example.org", "password": PASSWORD})
    assert login.status_code == 302


def test_set_password_page_checks_the_password(
    client, coach_client, maya, django_capture_on_commit_callbacks
):
    send_invite(coach_client, maya, django_capture_on_commit_callbacks)
    path = link_path(mail.outbox[0])

    mismatch = client.post(path, {"password1": PASSWORD, "password2": PASSWORD + "x"})
    weak = set_password(client, path, "12345678", follow=False)

    assert "The two passwords do not match." in mismatch.content.decode()
    assert "This password is too common." in weak.content.decode()
    assert not User.objects.filter(email="maya@example.org").exists()
    # The link is still good after a failed attempt.
    assert set_password(client, path).redirect_chain[-1][0] == "/me/"


def test_the_link_works_once(client, coach_client, maya, django_capture_on_commit_callbacks):
    send_invite(coach_client, maya, django_capture_on_commit_callbacks)
    coach_client.logout()
    path = link_path(mail.outbox[0])
    set_password(client, path)
    client.post(reverse("logout"))

    opened = client.get(path)
    posted = set_password(client, path, "another-password-entirely-5", follow=False)

    for response in (opened, posted):
        assert response.status_code == 410
        assert "This invite link has already been used." in response.content.decode()
    maya.refresh_from_db()
    assert maya.user is not None
    assert maya.user.check_password(PASSWORD)
    assert User.objects.filter(email="maya@example.org").count() == 1


def test_an_expired_link_says_so(client, coach_client, maya, django_capture_on_commit_callbacks):
    send_invite(coach_client, maya, django_capture_on_commit_callbacks)
    path = link_path(mail.outbox[0])

    with time_machine.travel(timezone.now() + settings.INVITE_MAX_AGE + timedelta(hours=1)):
        opened = client.get(path)
        posted = set_password(client, path, follow=False)

    for response in (opened, posted):
        assert response.status_code == 410
        assert "This invite link has expired." in response.content.decode()
    maya.refresh_from_db()
    assert maya.user is None


def test_a_link_is_still_good_just_before_it_expires(
    client, coach_client, maya, django_capture_on_commit_callbacks
):
    send_invite(coach_client, maya, django_capture_on_commit_callbacks)
    path = link_path(mail.outbox[0])

    with time_machine.travel(timezone.now() + settings.INVITE_MAX_AGE - timedelta(hours=1)):
        assert client.get(path).status_code == 200


def test_an_invite_past_its_expiry_date_is_refused_even_with_a_fresh_signature(client, maya):
    invite = InviteFactory.create(client=maya, expires_at=timezone.now() - timedelta(minutes=1))

    response = client.get(reverse("invite-accept", args=[services.invite_token(invite)]))

    assert response.status_code == 410
    assert "This invite link has expired." in response.content.decode()


def test_a_tampered_link_is_not_found(
    client, coach_client, maya, django_capture_on_commit_callbacks
):
    send_invite(coach_client, maya, django_capture_on_commit_callbacks)
    path = link_path(mail.outbox[0])
    token = path.split("/")[2]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    for bad in (tampered, "not-a-token", token + "x"):
        response = client.get(reverse("invite-accept", args=[bad]))
        assert response.status_code == 404
        assert "This invite link is not valid." in response.content.decode()
    assert set_password(client, reverse("invite-accept", args=[tampered])).status_code == 404
    maya.refresh_from_db()
    assert maya.user is None


def test_a_new_invite_revokes_the_old_link(
    client, coach_client, maya, django_capture_on_commit_callbacks
):
    send_invite(coach_client, maya, django_capture_on_commit_callbacks)
    detail = send_invite(coach_client, maya, django_capture_on_commit_callbacks)
    old, new = link_path(mail.outbox[0]), link_path(mail.outbox[1])
    assert old != new
    assert "Send a new invite" in detail.content.decode()

    response = client.get(old)
    assert response.status_code == 410
    assert "replaced by a newer one" in response.content.decode()
    assert set_password(client, old, follow=False).status_code == 410

    assert client.get(new).status_code == 200
    assert set_password(client, new).redirect_chain[-1][0] == "/me/"


def test_inviting_an_archived_client_is_refused(
    coach_client, coach, django_capture_on_commit_callbacks
):
    archived = ClientFactory.create(coach=coach, archived_at=timezone.now())

    response = send_invite(coach_client, archived, django_capture_on_commit_callbacks)

    assert "Restore this client before inviting them." in response.content.decode()
    assert mail.outbox == []
    assert not archived.invites.exists()


def test_inviting_a_client_who_has_a_login_is_refused(
    coach_client, coach, django_capture_on_commit_callbacks
):
    with_login = ClientFactory.create(with_login=True, coach=coach)

    response = send_invite(coach_client, with_login, django_capture_on_commit_callbacks)

    assert "This client already has a login." in response.content.decode()
    assert mail.outbox == []
    assert not with_login.invites.exists()


def test_invite_needs_a_post(coach_client, maya):
    response = coach_client.get(reverse("client-invite", args=[maya.pk]))

    assert response.status_code == 405
    assert not maya.invites.exists()


def test_a_client_whose_email_already_has_a_login_cannot_accept(client, coach, maya):
    User.objects.create_user(email="maya@example.org", password="whatever-else-123")
    invite = InviteFactory.create(client=maya)
    path = reverse("invite-accept", args=[services.invite_token(invite)])

    response = set_password(client, path, follow=False)

    assert response.status_code == 200
    assert "An account with this e-mail address already exists." in response.content.decode()
    maya.refresh_from_db()
    assert maya.user is None


def test_invite_send_is_idempotent(maya):
    invite = InviteFactory.create(client=maya)

    first = services.invite_send(invite_id=invite.pk, base_url="http://testserver/")
    second = services.invite_send(invite_id=invite.pk, base_url="http://testserver/")

    assert first is True
    assert second is False
    assert len(mail.outbox) == 1


def test_invite_task_run_twice_sends_one_email(maya):
    from coach.tasks import invite_send_task

    invite = InviteFactory.create(client=maya)

    invite_send_task.delay(invite.pk, "http://testserver/")
    invite_send_task.delay(invite.pk, "http://testserver/")

    assert len(mail.outbox) == 1


def test_invite_send_skips_unusable_invites(maya):
    revoked = InviteFactory.create(client=maya, revoked_at=timezone.now())
    accepted = InviteFactory.create(client=maya, accepted_at=timezone.now())
    expired = InviteFactory.create(client=maya, expires_at=timezone.now() - timedelta(seconds=1))

    for invite in (revoked, accepted, expired):
        assert services.invite_send(invite_id=invite.pk, base_url="http://testserver/") is False
    assert services.invite_send(invite_id=987654, base_url="http://testserver/") is False
    assert mail.outbox == []
