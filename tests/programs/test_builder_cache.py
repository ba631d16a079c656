"""The builder's page is kept in the shared cache once drawn: every change to what it shows
appears on the next visit, each coach sees only their own, and its forms carry the visitor's
CSRF token."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.test import Client as Browser
from django.utils import timezone

from programs import services
from programs.models import Prescription
from tests.coach.factories import ClientFactory, CoachFactory
from tests.conftest import get_counting_queries
from tests.exercises.factories import shared, stage_of
from tests.programs.factories import add, assign, routine
from training.services import client_stage_step, session_log_enter

pytestmark = pytest.mark.django_db


def page_text(browser: Browser, path: str) -> str:
    response = browser.get(path)
    assert response.status_code == 200
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()))


@pytest.fixture
def hinge_week(coach, library):
    program = routine(coach, length_days=7, name="Hinge week")
    add(coach, program, 1, shared("hip-hinge"), sets=3)
    return program


def test_an_edit_shows_on_the_next_visit(coach_client, coach, hinge_week) -> None:
    path = f"/programs/{hinge_week.pk}/"
    assert "Hinge week" in page_text(coach_client, path)
    prescription = Prescription.objects.get(day__program=hinge_week)

    services.prescription_update(coach=coach, prescription=prescription, data={"sets": 5})
    services.program_update(coach=coach, program=hinge_week, data={"name": "Hinge fortnight"})

    html = coach_client.get(path).content.decode()
    assert 'data-field="sets" value="5"' in html
    assert "<h1>Hinge fortnight" in html


def test_another_coach_never_gets_a_cached_page(coach_client, hinge_week) -> None:
    page_text(coach_client, f"/programs/{hinge_week.pk}/")
    other = Browser()
    other.force_login(CoachFactory.create().user)

    assert other.get(f"/programs/{hinge_week.pk}/").status_code == 404


def test_a_shared_copy_turns_editable_once_customised(coach_client, coach, hinge_week) -> None:
    first, _ = assign(
        coach,
        hinge_week,
        starts_on=date(2027, 2, 1),
        clients=ClientFactory.create_batch(2, coach=coach),
    )
    path = f"/programs/{first.program_id}/"
    assert "2 clients follow this copy" in page_text(coach_client, path)

    own = services.assignment_customise(coach=coach, assignment=first)

    assert "2 clients follow this copy" not in page_text(coach_client, path)
    assert "Changes here apply to" in page_text(coach_client, f"/programs/{own.pk}/")


def test_a_clients_stage_change_shows_on_their_copy(coach_client, coach, library) -> None:
    program = routine(coach, length_days=7, name="Single-leg week")
    sldl = shared("single-leg-deadlift")
    add(coach, program, 7, sldl, stage=stage_of(sldl, 1))
    person = ClientFactory.create(coach=coach, name="Ruth Stage")
    started = timezone.localdate() - timedelta(days=2)
    (assignment,) = assign(coach, program, starts_on=started, clients=[person])
    path = f"/programs/{assignment.program_id}/"
    before = page_text(coach_client, path)

    client_stage_step(by=coach.user, client=person, exercise=sldl, up=True, reason="Ready")

    # the copy fixes stage 1, and the client now stands on stage 2: the coach is told
    assert "Fixed stages and Ruth Stage's stages" not in before
    assert "Fixed stages and Ruth Stage's stages" in page_text(coach_client, path)


def test_a_set_the_client_logs_leaves_their_copy_kept(coach_client, coach, library) -> None:
    # given: Ruth's own copy, drawn once
    program = routine(coach, length_days=7, name="Single-leg week")
    sldl = shared("single-leg-deadlift")
    add(coach, program, 7, sldl, stage=stage_of(sldl, 1), sets=2)
    person = ClientFactory.create(coach=coach, name="Ruth Stage", with_login=True)
    (assignment,) = assign(coach, program, starts_on=timezone.localdate(), clients=[person])
    path = f"/programs/{assignment.program_id}/"
    _, drawn = get_counting_queries(coach_client, path)
    _, kept = get_counting_queries(coach_client, path)
    prescription = Prescription.objects.get(day__program=assignment.program)

    # when she logs a set (her plan changes; her program does not)
    assert person.user is not None
    session_log_enter(
        by=person.user,
        client=person,
        assignment=assignment,
        on=person.local_today(),
        data={},
        sets=[{"prescription": prescription.pk, "side": "left", "reps": 8, "form": 4}],
    )

    # then the coach's next visit is still the kept page; a stage change draws it again
    assert get_counting_queries(coach_client, path)[1] == kept < drawn
    client_stage_step(by=coach.user, client=person, exercise=sldl, up=True, reason="Ready")
    assert get_counting_queries(coach_client, path)[1] > kept


def test_the_pages_forms_carry_the_visitors_csrf_token(coach, hinge_week) -> None:
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(coach.user)
    browser.get(f"/programs/{hinge_week.pk}/")  # drawn and kept
    html = browser.get(f"/programs/{hinge_week.pk}/").content.decode()
    found = re.search(
        r'action="/programs/\d+/duplicate/".*?name="csrfmiddlewaretoken" value="([^"]+)"',
        html,
        flags=re.S,
    )
    assert found

    duplicated = browser.post(
        f"/programs/{hinge_week.pk}/duplicate/", {"csrfmiddlewaretoken": found[1]}
    )

    assert duplicated.status_code == 302


def test_the_program_endpoint_shows_an_edit_at_once_and_only_to_its_coach(
    api, coach, hinge_week
) -> None:
    path = f"/api/v1/programs/{hinge_week.pk}/"
    assert api.get(path).json()["name"] == "Hinge week"

    services.program_update(coach=coach, program=hinge_week, data={"name": "Hinge fortnight"})
    prescription = Prescription.objects.get(day__program=hinge_week)
    services.prescription_update(coach=coach, prescription=prescription, data={"sets": 5})

    body = api.get(path).json()
    assert body["name"] == "Hinge fortnight"
    assert body["days"][0]["prescriptions"][0]["sets"] == 5
    other = Browser()
    other.force_login(CoachFactory.create().user)
    assert other.get(path).status_code == 404
