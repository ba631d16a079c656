"""The demo practice loads once, however often the command runs, and every account can log in."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from coach.models import Client, Coach, User
from training.demo import DEMO_COACH_EMAIL, DEMO_PASSWORD

pytestmark = pytest.mark.django_db

CLIENT_EMAILS = ["ana@example.com", "ben@example.com", "chloe@example.com"]


def test_demo_data_twice_leaves_one_coach_and_three_clients():
    out = StringIO()
    call_command("demo_data", stdout=out)
    call_command("demo_data", stdout=out)

    assert "Demo data is ready." in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()
    coach = Coach.objects.get()
    assert coach.user.email == DEMO_COACH_EMAIL == "coach@example.com"
    assert sorted(Client.objects.values_list("email", flat=True)) == CLIENT_EMAILS
    assert all(client.coach_id == coach.pk for client in Client.objects.all())
    assert User.objects.count() == 4
    for email in [DEMO_COACH_EMAIL, *CLIENT_EMAILS]:
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD), email
    for client in Client.objects.all():
        assert client.user is not None
        assert client.user.email == client.email
        assert client.archived_at is None


def test_demo_accounts_log_in_on_the_login_page(client):
    call_command("demo_data", stdout=StringIO())
    call_command("demo_data", stdout=StringIO())

    response = client.post(
        reverse("login"), {"username": DEMO_COACH_EMAIL, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    content = response.content.decode()
    for name in ["Ana Ruiz", "Ben Okafor", "Chloe Martin"]:
        assert name in content

    client.post(reverse("logout"))
    response = client.post(
        reverse("login"), {"username": "ana@example.com", "password": DEMO_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("client-home")
    assert "Hello, Ana Ruiz" in response.content.decode()


def test_demo_data_keeps_changes_made_since(client):
    call_command("demo_data", stdout=StringIO())
    ana = Client.objects.get(email="ana@example.com")
    ana.notes = "Changed by the coach."
    ana.save()

    call_command("demo_data", stdout=StringIO())

    ana.refresh_from_db()
    assert ana.notes == "Changed by the coach."
    assert Client.objects.count() == 3
