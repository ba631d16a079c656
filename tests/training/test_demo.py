"""The demo practice loads once, however often the command runs, and every account can log in.
Its clients are part-way through their programs: Ana with logs of both sides, her left behind her
right, and Chloe ready to move up on her wall hold."""

import html
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Model
from django.urls import reverse

from coach.models import Client, Coach, User
from exercises.models import Exercise, Stage
from programs.models import Assignment, Day, Prescription, Program
from training.demo import DEMO_COACH_EMAIL, DEMO_PASSWORD
from training.models import ClientStage, SessionLog, SetLog, StageChange

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


def _every_row() -> dict[str, list[dict[str, object]]]:
    models: list[type[Model]] = [
        User, Coach, Client, Exercise, Stage, Program, Day, Prescription, Assignment,
        ClientStage, StageChange, SessionLog, SetLog,
    ]  # fmt: skip
    rows = {
        model.__name__: list(model._default_manager.order_by("pk").values()) for model in models
    }
    # Every load refreshes the shared library from its seed, which stamps the exercises anew:
    # what they say is compared, not when they were last written.
    for row in rows["Exercise"]:
        row.pop("updated_at")
    return rows


def test_loading_the_demo_again_changes_no_row() -> None:
    call_command("demo_data", stdout=StringIO())
    before = _every_row()

    call_command("demo_data", stdout=StringIO())

    assert _every_row() == before
    assert len(before["SessionLog"]) > 10
    assert len(before["SetLog"]) > 50


def _words(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    page = re.sub(r"</?(a|strong|span|small|em|b)\b[^>]*>", "", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_the_demo_clients_have_logs_a_left_right_gap_and_one_ready_to_advance(client) -> None:
    call_command("demo_data", stdout=StringIO())
    ana, ben, chloe = (Client.objects.get(email=email) for email in CLIENT_EMAILS)

    # Ana is part-way through her program, with sessions on days that have passed for her
    sessions = SessionLog.objects.filter(client=ana)
    assert sessions.filter(status="done").count() >= 3
    assert sessions.filter(status="skipped").count() == 1
    assert all(session.on < ana.local_today() for session in sessions)
    program = Assignment.objects.get(client=ana).program
    assert 1 < max(s.day_number for s in sessions) < program.total_days
    # logged on the day, bar one logged late; and on both sides of the single-leg work
    assert sessions.filter(is_late=True).count() == 1
    sides = SetLog.objects.filter(session__client=ana, exercise__slug="single-leg-deadlift")
    assert set(sides.values_list("side", flat=True)) == {"left", "right"}

    # her coach sees the gap, Chloe ready to move up, and the session entered for Ben
    client.force_login(ana.coach.user)
    ana_page = _words(client.get(reverse("client-detail", args=[ana.pk])))
    gaps = [int(g) for g in re.findall(r"Left/right gap (\d+)%, left side lower", ana_page)]
    assert gaps
    assert min(gaps) > 10
    assert "Ready to advance" not in ana_page
    chloe_page = _words(client.get(reverse("client-detail", args=[chloe.pk])))
    assert "Wall single-leg hold Stage 1 of 5: Two-foot set-up Ready to advance" in chloe_page
    assert re.search(r"in the sessions of( \d+ \w+(?: \(logged late\))?,){2} \d+", chloe_page)
    ben_page = _words(client.get(reverse("client-detail", args=[ben.pk])))
    assert "Entered by Dana Coach" in ben_page
    assert "Ready to advance" not in ben_page
