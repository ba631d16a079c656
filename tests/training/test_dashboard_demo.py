"""The demo coach's dashboard shows every state worth a look: a client who missed days, one
whose sides drifted apart, one ready to move up."""

from io import StringIO

import pytest
from django.core.management import call_command

from coach.models import Coach
from tests.training.progress_support import words
from tests.training.test_dashboard import names, rows_of
from training.demo import DEMO_COACH_EMAIL

pytestmark = pytest.mark.django_db


def test_the_demo_dashboard_has_a_missed_run_an_asymmetry_flag_and_one_ready(client):
    call_command("demo_data", stdout=StringIO())
    client.force_login(Coach.objects.get(user__email=DEMO_COACH_EMAIL).user)

    rows = rows_of(client.get("/dashboard/", {"attention": "1", "sort": "-asymmetry"}))

    assert list(rows) == ["Ana Ruiz", "Ben Okafor", "Chloe Martin"]
    assert "Single-leg deadlift Above 15%" in rows["Ana Ruiz"]
    assert "2 sessions" in rows["Ben Okafor"] or "3 sessions" in rows["Ben Okafor"]
    assert "Ready" in rows["Chloe Martin"]
    assert "Above 15%" not in rows["Ben Okafor"] + rows["Chloe Martin"]
    # and the progress page of each opens with the figures
    for client_id in (
        client.get("/dashboard/").context["page"].object_list.values_list("pk", flat=True)
    ):
        assert "This program" in words(client.get(f"/clients/{client_id}/progress/"))
    assert names(client.get("/dashboard/", {"sort": "-missed"}))[0] == "Ben Okafor"
