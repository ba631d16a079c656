"""Who may reach which row: one access function per entity, used by the pages and the API alike.

A coach reaches their own clients, exercises and programs (with the copies made for their clients,
and those programs' days, blocks and prescriptions), their clients' assignments, and the shared
library and starter templates, read-only. Anything of another practice is a 404, never a 403
that would confirm it exists.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django import forms
from django.http import Http404
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from coach import selectors as coach_selectors
from coach.errors import DomainError, add_to_form
from coach.models import Client, Coach
from exercises import selectors as exercise_selectors
from exercises.models import Exercise
from programs import selectors, services
from programs.models import Assignment, Block, Day, Prescription, Program
from tests.coach.factories import ClientFactory, CoachFactory
from tests.exercises.factories import ExerciseFactory
from tests.programs.factories import add, assign, day, routine
from tests.test_url_access import answers, build_url, checked_routes, has_pk, problems_of

pytestmark = pytest.mark.django_db

PAST_ANY_ID = 2**70


@dataclass
class Practice:
    """One coach's rows of every entity: a client following a copy of a template."""

    coach: Coach
    client: Client
    exercise: Exercise
    template: Program
    copy: Program
    day: Day
    block: Block
    prescription: Prescription
    assignment: Assignment

    def row(self, entity: str) -> Any:
        return getattr(self, entity)


def practice(name: str) -> Practice:
    coach = CoachFactory.create(practice_name=name)
    exercise = ExerciseFactory.create(owner=coach, name=f"{name} lunge")
    template = routine(coach, length_days=3, name=f"{name} routine")
    prescription = add(coach, template, 1, exercise, sets=3)
    block = services.block_create(
        coach=coach, program=template, data={"name": "Base", "start": 1, "end": 3}
    )
    client = ClientFactory.create(coach=coach, name=f"{name} client")
    (assignment,) = assign(coach, template, starts_on=date(2027, 2, 1), clients=[client])
    return Practice(
        coach=coach,
        client=client,
        exercise=exercise,
        template=template,
        copy=assignment.program,
        day=day(template, 1),
        block=block,
        prescription=prescription,
        assignment=assignment,
    )


@pytest.fixture
def ours() -> Practice:
    return practice("Ours")


@pytest.fixture
def theirs() -> Practice:
    return practice("Theirs")


ACCESS: dict[str, Callable[..., Any]] = {
    "client": coach_selectors.client_get_for,
    "exercise": exercise_selectors.exercise_get_for,
    "template": selectors.program_get_for,
    "copy": selectors.program_get_for,
    "day": selectors.day_get_for,
    "block": selectors.block_get_for,
    "prescription": selectors.prescription_get_for,
    "assignment": selectors.assignment_get_for,
}


# --- the access functions --------------------------------------------------------------------


@pytest.mark.parametrize("entity", ACCESS)
def test_the_access_function_returns_the_coachs_own_row(ours, theirs, entity):
    found = ACCESS[entity](coach=ours.coach, pk=ours.row(entity).pk)

    assert found == ours.row(entity)


@pytest.mark.parametrize("entity", ACCESS)
def test_the_access_function_hides_another_practices_row(ours, theirs, entity):
    with pytest.raises(Http404):
        ACCESS[entity](coach=ours.coach, pk=theirs.row(entity).pk)


@pytest.mark.parametrize("entity", ACCESS)
@pytest.mark.parametrize("pk", [0, PAST_ANY_ID, "x", "1.5", None])
def test_the_access_function_finds_nothing_for_a_missing_or_malformed_id(ours, entity, pk):
    # An id from an API path is text: a non-number names no row, like a missing one.
    with pytest.raises(Http404):
        ACCESS[entity](coach=ours.coach, pk=pk)


def test_the_shared_library_and_starters_are_reachable_by_every_coach(ours, theirs):
    library_exercise = ExerciseFactory.create(owner=None, name="Shared squat")
    starter = services.program_create(coach=None, data={"name": "Starter", "length_days": 2})
    starter_day = day(starter, 1)

    for coach in (ours.coach, theirs.coach):
        assert exercise_selectors.exercise_get_for(coach=coach, pk=library_exercise.pk)
        assert selectors.program_get_for(coach=coach, pk=starter.pk, full=True) == starter
        assert selectors.day_get_for(coach=coach, pk=starter_day.pk) == starter_day


def test_owned_reaches_only_the_coachs_own_exercises_and_programs(ours):
    library_exercise = ExerciseFactory.create(owner=None, name="Shared squat")
    starter = services.program_create(coach=None, data={"name": "Starter", "length_days": 2})

    with pytest.raises(Http404):
        exercise_selectors.exercise_get_for(coach=ours.coach, pk=library_exercise.pk, owned=True)
    with pytest.raises(Http404):
        selectors.program_get_for(coach=ours.coach, pk=starter.pk, owned=True)
    assert exercise_selectors.exercise_get_for(coach=ours.coach, pk=ours.exercise.pk, owned=True)
    assert selectors.program_get_for(coach=ours.coach, pk=ours.copy.pk, owned=True) == ours.copy


# --- every page and endpoint of an entity, as another practice's coach ------------------------

# Route names (pages and API) by the entity their pk names; the longest prefix wins.
ENTITY_OF_ROUTE = {
    "client-": "client",
    "api-client-": "client",
    "exercise-": "exercise",
    "api-exercise-": "exercise",
    "program-": "template",
    "api-program-": "template",
    "program-day": "day",
    "api-program-day-": "day",
    "api-block-": "block",
    "api-prescription-": "prescription",
    "assignment-": "assignment",
    "api-assignment-": "assignment",
    "api-log-": "log",
    "api-set-log-": "log",
    "api-run-": "run",
    "token-": "token",
    "webhook-": "webhook",
}
# Clients' pages and endpoints are walked by tests/test_url_access.py
# (test_a_coach_sees_nothing_of_another_coachs_clients); logs, by another client and another
# practice's coach, by tests/training/test_api_logs.py (test_no_one_else_reads_or_writes_...);
# runs by tests/training/test_running.py, tokens by tests/coach/test_tokens.py and webhooks by
# tests/coach/test_webhooks.py, each as another user of the same kind.
WALKED_HERE = set(ENTITY_OF_ROUTE.values()) - {"client", "log", "run", "token", "webhook"}
ASSIGNMENT_ACTIONS = ("customise", "pause", "resume", "cancel")


def entity_of(name: str) -> str | None:
    prefixes = [prefix for prefix in ENTITY_OF_ROUTE if name.startswith(prefix)]
    return ENTITY_OF_ROUTE[max(prefixes, key=len)] if prefixes else None


def routes_of(entity: str) -> list:
    return [
        route
        for route in checked_routes()
        if route.namespace == "" and has_pk(route) and entity_of(route.name or "") == entity
    ]


def urls_for(route, rows: Practice, entity: str) -> list[str]:
    """The route's URLs naming `rows`' row of the entity (and a client's copy for programs)."""
    if route.name == "program-day":
        return [reverse("program-day", args=[rows.template.pk, rows.day.pk])]
    if route.name == "assignment-action":
        return [
            reverse("assignment-action", args=[rows.assignment.pk, action])
            for action in ASSIGNMENT_ACTIONS
        ]
    pks = [rows.template.pk, rows.copy.pk] if entity == "template" else [rows.row(entity).pk]
    return [build_url(route, pk) for pk in pks]


def snapshot(rows: Practice) -> dict[str, Any]:
    return {
        "client": Client.objects.filter(pk=rows.client.pk).values().get(),
        "exercise": Exercise.objects.filter(pk=rows.exercise.pk).values().get(),
        "programs": list(Program.objects.filter(owner=rows.coach).order_by("pk").values()),
        "days": list(Day.objects.filter(program__owner=rows.coach).order_by("pk").values()),
        "blocks": list(Block.objects.filter(program__owner=rows.coach).values()),
        "prescriptions": list(
            Prescription.objects.filter(day__program__owner=rows.coach).order_by("pk").values()
        ),
        "assignments": list(Assignment.objects.filter(client__coach=rows.coach).values()),
    }


def test_every_route_with_an_id_names_an_entity():
    # A new page or endpoint with an id must be added to the walk below.
    names = [
        route.name or str(route)
        for route in checked_routes()
        if route.namespace == "" and has_pk(route)
    ]
    assert [name for name in names if entity_of(name) is None] == []


@pytest.mark.parametrize("entity", sorted(WALKED_HERE))
def test_another_practices_rows_are_a_404_on_every_page_and_endpoint(client, ours, theirs, entity):
    # given
    client.force_login(ours.coach.user)
    routes = routes_of(entity)
    assert routes
    before = snapshot(theirs)
    problems = []

    # when
    for route in routes:
        for url in urls_for(route, theirs, entity):
            results = answers(client, url)
            if url.startswith("/api/"):
                for method in ("patch", "put", "delete"):
                    results[method.upper()] = getattr(client, method)(
                        url, {"name": "Taken", "sets": 9}, content_type="application/json"
                    )
            problems += problems_of(results, url, lambda r: r.status_code == 404)

    # then
    assert not problems, "\n".join(problems)
    assert snapshot(theirs) == before


@pytest.mark.parametrize("entity", sorted(WALKED_HERE))
def test_the_same_pages_and_endpoints_open_for_the_rows_own_coach(client, ours, theirs, entity):
    # The control for the test above: the coach's own rows are found.
    client.force_login(ours.coach.user)

    statuses = {
        url: client.get(url).status_code
        for route in routes_of(entity)
        for url in urls_for(route, ours, entity)
    }

    # A client's copy is given with its template: it has no assign page of its own.
    not_for_copies = {reverse("program-assign", args=[ours.copy.pk])}
    assert statuses
    assert {url for url, status in statuses.items() if status not in {200, 405}} == (
        not_for_copies if entity == "template" else set()
    ), statuses
    assert 200 in statuses.values()


@pytest.mark.parametrize(
    "resource",
    ["clients", "exercises", "programs", "program-days", "prescriptions", "blocks", "assignments"],
)
@pytest.mark.parametrize("pk", ["x", str(PAST_ANY_ID)])
def test_an_api_id_that_is_no_id_is_a_404(client, ours, resource, pk):
    client.force_login(ours.coach.user)

    response = client.get(f"/api/v1/{resource}/{pk}/")

    assert response.status_code == 404


def test_a_prescription_or_block_cannot_be_added_to_another_practices_program(client, ours, theirs):
    client.force_login(ours.coach.user)
    before = snapshot(theirs)

    prescription = client.post(
        "/api/v1/prescriptions/",
        {"day": theirs.day.pk, "exercise": ours.exercise.pk},
        content_type="application/json",
    )
    block = client.post(
        "/api/v1/blocks/",
        {"program": theirs.template.pk, "name": "Mine", "start": 1, "end": 2},
        content_type="application/json",
    )

    # an id in a body is an input: another practice's is refused like one of nothing (400)
    assert (prescription.status_code, block.status_code) == (400, 400)
    assert snapshot(theirs) == before


# --- who may change a program ------------------------------------------------------------------


def test_a_program_is_editable_by_its_coach_alone_and_a_shared_copy_by_nobody(ours, theirs):
    # given: a copy two of our clients follow, and a starter
    followers = [ClientFactory.create(coach=ours.coach) for _ in range(2)]
    shared = assign(ours.coach, ours.template, starts_on=date(2027, 3, 1), clients=followers)
    starter = services.program_create(coach=None, data={"name": "Starter", "length_days": 2})

    def editable(program: Program, coach: Coach = ours.coach) -> bool:
        return selectors.program_is_editable(coach=coach, program=program)

    # then
    assert editable(ours.template)
    assert editable(ours.copy)  # followed by one client
    assert not editable(shared[0].program)
    assert not editable(starter)
    assert not editable(theirs.template)
    assert not editable(ours.template, theirs.coach)
    # Customised for one client, that client's copy can be changed; the other's still not.
    own = services.assignment_customise(coach=ours.coach, assignment=shared[0])
    assert editable(own)
    assert editable(shared[1].program)


def test_the_day_card_of_a_copy_several_clients_follow_is_read_only(client, ours):
    # given: the builder of a shared copy is read-only; the day card re-rendered after a change
    # must be as well, or it would offer inputs whose every save is refused.
    followers = [ClientFactory.create(coach=ours.coach) for _ in range(2)]
    (first, _) = assign(ours.coach, ours.template, starts_on=date(2027, 3, 1), clients=followers)
    shared = first.program
    client.force_login(ours.coach.user)

    # when
    builder = client.get(reverse("program-builder", args=[shared.pk]))
    card = client.get(reverse("program-day", args=[shared.pk, day(shared, 1).pk]))
    own_card = client.get(reverse("program-day", args=[ours.copy.pk, day(ours.copy, 1).pk]))

    # then
    assertContains(builder, 'data-editable="false"')
    assertContains(card, "Ours lunge")
    assertNotContains(card, "data-day-field")
    assertNotContains(card, "Add exercise")
    assertContains(own_card, "data-day-field")
    assertContains(own_card, "Add exercise")


def test_a_day_card_is_only_found_under_its_own_program(client, ours):
    client.force_login(ours.coach.user)

    response = client.get(reverse("program-day", args=[ours.copy.pk, ours.day.pk]))

    assert response.status_code == 404


# --- counts are this practice's ----------------------------------------------------------------


def test_a_starter_shows_only_this_practices_assignments(client, ours, theirs):
    # given: a starter their practice assigned twice, ours once, and a practice new to it
    starter = services.program_create(coach=None, data={"name": "Wall starter", "length_days": 2})
    assign(theirs.coach, starter, starts_on=date(2027, 2, 1))
    assign(theirs.coach, starter, starts_on=date(2027, 2, 8))
    assign(ours.coach, starter, starts_on=date(2027, 2, 1))
    newcomer = CoachFactory.create()

    # when
    pages = {}
    for coach in (ours.coach, theirs.coach, newcomer):
        client.force_login(coach.user)
        pages[coach] = client.get(reverse("program-list"), {"q": "Wall starter"})

    # then
    assertContains(pages[ours.coach], "Assigned 1×")
    assertContains(pages[theirs.coach], "Assigned 2×")
    assertContains(pages[newcomer], "Wall starter")
    assertNotContains(pages[newcomer], "Assigned")


# --- domain errors on forms --------------------------------------------------------------------


class NameForm(forms.Form):
    name = forms.CharField()


def test_a_domain_error_goes_on_its_field_or_above_the_form():
    on_field = NameForm({"name": "Maya"})
    elsewhere = NameForm({"name": "Maya"})
    assert on_field.is_valid()
    assert elsewhere.is_valid()

    add_to_form(on_field, DomainError("Taken.", field="name"))
    add_to_form(elsewhere, DomainError("Too late.", field="password"))

    assert on_field.errors == {"name": ["Taken."]}
    assert elsewhere.non_field_errors() == ["Too late."]
    assert elsewhere.errors.keys() == {"__all__"}


def test_a_service_error_on_an_input_the_form_lacks_is_shown_not_a_500(client, db, monkeypatch):
    # The sign-up service names its input `password`; the form has `password1` and `password2`.
    def refuse(**kwargs: Any) -> None:
        raise DomainError("Choose a longer password.", field="password")

    monkeypatch.setattr("coach.services.coach_sign_up", refuse)

    response = client.post(
        reverse("signup"),
        {
            "name": "Ann",
            "email": "ann@example.org",
            "practice_name": "",
            "password1": "a-Long-passphrase-2026",
            "password2": "a-Long-passphrase-2026",
        },
    )

    assert response.status_code == 200
    assertContains(response, "Choose a longer password.")


# --- a client's progress -----------------------------------------------------------------------


def test_a_clients_progress_opens_for_their_coach_and_themself_alone(client, ours, theirs):
    # given: another client of our practice, with a login
    neighbour = ClientFactory.create(coach=ours.coach, with_login=True)
    page = reverse("client-progress", args=[ours.client.pk])
    endpoint = reverse("api-client-progress", args=[ours.client.pk])

    def statuses(user: Any) -> tuple[int, int]:
        client.force_login(user)
        return client.get(page).status_code, client.get(endpoint).status_code

    # then
    assert statuses(ours.coach.user) == (200, 200)
    assert statuses(theirs.coach.user) == (404, 404)
    assert statuses(neighbour.user) == (404, 404)
    client.force_login(neighbour.user)
    own = client.get(reverse("api-client-progress", args=[neighbour.pk]))
    assert own.status_code == 200
    assert own.json()["client"] == neighbour.pk
