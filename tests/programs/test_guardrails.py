"""Assignment guardrails: a plan started off its first session's weekday, a program on dates a
client already has, "scheduled" before the first day, and the client's preview of a program to
come, in the services, the coach's and the client's pages, and the API.

The clock is frozen on Thursday 26 November 2026 at noon UTC: the next Monday is 30 November."""

import re
from datetime import date

import pytest
import time_machine
from django.test import Client as Browser
from django.urls import reverse

from coach.errors import DomainError
from coach.models import Client, Coach
from exercises.models import Exercise
from programs import services
from programs.models import Assignment, Program
from programs.services.assignments import AssignmentOverlaps
from tests.coach.factories import ClientFactory
from tests.exercises.factories import ExerciseFactory
from tests.programs.factories import add, plan, routine

pytestmark = pytest.mark.django_db

THURSDAY = date(2026, 11, 26)
NEXT_MONDAY = date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _thursday_noon():  # type: ignore[no-untyped-def]
    with time_machine.travel("2026-11-26 12:00:00+00:00", tick=False):
        yield


@pytest.fixture
def squat(coach: Coach) -> Exercise:
    return ExerciseFactory.create(owner=coach, name="Split squat")


@pytest.fixture
def hinge(coach: Coach) -> Exercise:
    return ExerciseFactory.create(owner=coach, name="Single-leg hinge")


@pytest.fixture
def runner_base(coach: Coach, squat: Exercise, hinge: Exercise) -> Program:
    """A 4-week plan on Monday, Wednesday and Friday (days 1, 2, 3 of week 1)."""
    program = plan(coach, weeks=4, weekdays=(0, 2, 4), name="Runner base")
    add(coach, program, 1, squat, sets=3, reps_per_side=8)
    add(coach, program, 1, hinge, sets=2, reps_per_side=6)
    add(coach, program, 2, hinge, sets=3, reps_per_side=6)
    add(coach, program, 3, squat, sets=3, reps_per_side=10)
    return program


@pytest.fixture
def mobility(coach: Coach, squat: Exercise) -> Program:
    """A 7-day routine: no weekdays to keep."""
    program = routine(coach, length_days=7, name="Mobility week")
    add(coach, program, 1, squat, sets=1, reps_per_side=5)
    return program


@pytest.fixture
def ana(coach: Coach) -> Client:
    return ClientFactory.create(coach=coach, name="Ana", time_zone="Europe/London", with_login=True)


@pytest.fixture
def ben(coach: Coach) -> Client:
    return ClientFactory.create(coach=coach, name="Ben", time_zone="Europe/London")


def assign(coach: Coach, program: Program, clients: list[Client], on: date, **kw) -> list:  # type: ignore[no-untyped-def]
    return services.assignment_create_bulk(
        coach=coach, template=program, clients=clients, starts_on=on, **kw
    )


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    """The page's text without tags or runs of white space, as a person reads it."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- services: the start weekday of a plan ---------------------------------------------------


def test_a_plan_started_off_its_first_weekday_is_refused_naming_the_next_one(
    coach, runner_base, ana
):
    with pytest.raises(DomainError) as refused:
        assign(coach, runner_base, [ana], THURSDAY, starts_on_mismatch="refuse")

    assert refused.value.field == "starts_on"
    assert refused.value.code == "starts_on_weekday"
    assert refused.value.details == {"next_starts_on": NEXT_MONDAY}
    assert "Monday 30 November 2026" in refused.value.message
    assert "Thursday" in refused.value.message
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("answer", "starts_on"), [("next_weekday", NEXT_MONDAY), ("keep", THURSDAY)]
)
def test_the_coachs_answer_moves_or_keeps_the_date(coach, runner_base, ana, answer, starts_on):
    (assignment,) = assign(coach, runner_base, [ana], THURSDAY, starts_on_mismatch=answer)

    assert assignment.starts_on == starts_on


def test_a_plan_started_on_its_first_weekday_and_a_routine_on_any_day_need_no_answer(
    coach, runner_base, mobility, ana, ben
):
    (on_monday,) = assign(coach, runner_base, [ana], NEXT_MONDAY, starts_on_mismatch="refuse")
    (routine_any_day,) = assign(coach, mobility, [ben], THURSDAY, starts_on_mismatch="refuse")

    assert on_monday.starts_on == NEXT_MONDAY
    assert routine_any_day.starts_on == THURSDAY


def test_the_first_session_is_the_first_day_with_exercises(coach, hinge, ana):
    # given a Monday/Wednesday/Friday plan whose Mondays are left empty
    program = plan(coach, weeks=2, weekdays=(0, 2, 4), name="Wednesday start")
    add(coach, program, 2, hinge, sets=3)
    add(coach, program, 3, hinge, sets=3)

    # then it is offered from the next Wednesday
    with pytest.raises(DomainError) as refused:
        assign(coach, program, [ana], NEXT_MONDAY, starts_on_mismatch="refuse")
    assert refused.value.details == {"next_starts_on": date(2026, 12, 2)}
    assert "Wednesday 2 December 2026" in refused.value.message


# --- services: overlapping programs ---------------------------------------------------------


def test_a_program_on_dates_a_client_already_has_is_refused_naming_it(
    coach, runner_base, mobility, ana
):
    # given Ana's plan from Monday 30 November for four weeks
    (current,) = assign(coach, runner_base, [ana], NEXT_MONDAY)

    # when a routine that starts in its second week is assigned without confirming
    with pytest.raises(AssignmentOverlaps) as refused:
        assign(coach, mobility, [ana], date(2026, 12, 8), confirm_overlap=False)

    # then the plan is named with its dates, and nothing was assigned
    assert refused.value.code == "assignment_overlaps"
    assert refused.value.as_field_errors() == {
        "confirm_overlap": [
            "Ana already has “Runner base” scheduled from Monday 30 November 2026 to "
            "Sunday 27 December 2026."
        ]
    }
    (overlap,) = refused.value.details["overlaps"]
    assert overlap["assignment"] == current.pk
    assert overlap["status"] == "scheduled"
    assert (overlap["first_day"], overlap["last_day"]) == (NEXT_MONDAY, date(2026, 12, 27))
    assert Assignment.objects.count() == 1


def test_confirming_the_overlap_assigns_both(coach, runner_base, mobility, ana):
    assign(coach, runner_base, [ana], NEXT_MONDAY)

    (second,) = assign(coach, mobility, [ana], date(2026, 12, 8), confirm_overlap=True)

    assert second.starts_on == date(2026, 12, 8)
    assert Assignment.objects.filter(client=ana).count() == 2


def test_ended_programs_and_other_dates_do_not_overlap(coach, runner_base, mobility, ana, ben):
    # given a cancelled plan for Ana and a plan for Ben that ends before the new routine
    (cancelled,) = assign(coach, runner_base, [ana], NEXT_MONDAY)
    services.assignment_cancel(coach=coach, assignment=cancelled, on=THURSDAY)
    assign(coach, runner_base, [ben], date(2026, 10, 5))  # its last day is 1 November

    # then the routine is assigned to both without a question
    created = assign(coach, mobility, [ana, ben], NEXT_MONDAY, confirm_overlap=False)
    assert len(created) == 2


def test_bulk_assigning_names_each_client_with_an_overlap(coach, runner_base, mobility, ana, ben):
    carla = ClientFactory.create(coach=coach, name="Carla")
    assign(coach, mobility, [ana], date(2026, 11, 20))  # active, until 26 November
    (paused,) = assign(coach, runner_base, [ben], date(2026, 11, 2))
    services.assignment_pause(coach=coach, assignment=paused, on=date(2026, 11, 16))

    with pytest.raises(AssignmentOverlaps) as refused:
        assign(coach, mobility, [ana, ben, carla], THURSDAY, confirm_overlap=False)

    messages = refused.value.as_field_errors()["confirm_overlap"]
    assert messages == [
        "Ana already follows “Mobility week” from Friday 20 November 2026 to "
        "Thursday 26 November 2026.",
        "Ben already follows “Runner base” from Monday 2 November 2026 to Sunday 29 November "
        "2026, paused since Monday 16 November 2026: its remaining days move later when it is "
        "resumed.",
    ]
    assert [o["client_name"] for o in refused.value.details["overlaps"]] == ["Ana", "Ben"]


# --- the coach's pages ----------------------------------------------------------------------


def test_the_assign_page_suggests_the_plans_next_first_weekday(coach_client, runner_base, ana):
    page = coach_client.get(reverse("program-assign", args=[runner_base.pk]))

    assert page.context["form"]["starts_on"].value() == NEXT_MONDAY
    assert "This plan's first session is on a Monday: the next one is Monday 30 November 2026." in (
        text_of(page)
    )


def test_the_assign_page_asks_which_date_rather_than_moving_it(coach_client, runner_base, ana):
    url = reverse("program-assign", args=[runner_base.pk])

    # when the coach picks Thursday for a Monday plan
    asked = coach_client.post(url, {"clients": [ana.pk], "starts_on": "2026-11-26"})

    # then nothing is assigned, and both dates are offered
    assert asked.status_code == 200
    assert not Assignment.objects.exists()
    text = text_of(asked)
    assert "Start on the next Monday, Monday 30 November 2026" in text
    assert "Start on Thursday 26 November 2026, as chosen" in text

    # when they choose the next Monday
    done = coach_client.post(
        url,
        {
            "clients": [ana.pk],
            "starts_on": "2026-11-26",
            "starts_on_choice": "next_weekday:2026-11-26",
        },
    )

    # then Ana starts on Monday 30 November
    assert done.status_code == 302
    assert Assignment.objects.get(client=ana).starts_on == NEXT_MONDAY


def test_an_answer_given_for_another_date_is_asked_again(coach_client, runner_base, ana):
    response = coach_client.post(
        reverse("program-assign", args=[runner_base.pk]),
        {"clients": [ana.pk], "starts_on": "2026-12-03", "starts_on_choice": "keep:2026-11-26"},
    )

    assert response.status_code == 200
    assert "Start on Thursday 3 December 2026, as chosen" in text_of(response)
    assert not Assignment.objects.exists()


def test_the_assign_page_names_the_overlap_and_assigns_anyway_when_ticked(
    coach, coach_client, runner_base, mobility, ana
):
    (current,) = assign(coach, runner_base, [ana], NEXT_MONDAY)
    url = reverse("program-assign", args=[mobility.pk])

    asked = coach_client.post(url, {"clients": [ana.pk], "starts_on": "2026-12-08"})

    assert asked.status_code == 200
    text = text_of(asked)
    assert (
        "Ana already has “Runner base” scheduled from Monday 30 November 2026 to "
        "Sunday 27 December 2026." in text
    )
    assert "Assign anyway" in text
    assert Assignment.objects.count() == 1

    done = coach_client.post(
        url,
        {
            "clients": [ana.pk],
            "starts_on": "2026-12-08",
            "confirm_overlap": "on",
            "overlaps_seen": str(current.pk),
        },
    )

    assert done.status_code == 302
    assert Assignment.objects.filter(client=ana).count() == 2


def test_assign_anyway_does_not_cover_an_overlap_the_page_did_not_name(
    coach, coach_client, runner_base, mobility, ana, ben
):
    (anas,) = assign(coach, runner_base, [ana], NEXT_MONDAY)
    assign(coach, runner_base, [ben], NEXT_MONDAY)

    # the coach confirmed Ana's overlap, then added Ben
    response = coach_client.post(
        reverse("program-assign", args=[mobility.pk]),
        {
            "clients": [ana.pk, ben.pk],
            "starts_on": "2026-12-08",
            "confirm_overlap": "on",
            "overlaps_seen": str(anas.pk),
        },
    )

    assert response.status_code == 200
    assert "Ben already has “Runner base” scheduled" in text_of(response)
    assert Assignment.objects.count() == 2


def test_the_client_page_shows_a_program_not_started_as_scheduled(
    coach, coach_client, runner_base, mobility, ana
):
    assign(coach, runner_base, [ana], NEXT_MONDAY)
    assign(coach, mobility, [ana], date(2026, 11, 20), confirm_overlap=True)

    page = coach_client.get(reverse("client-detail", args=[ana.pk]))

    assert "Scheduled starts Mon 30 Nov" in text_of(page)
    badges = re.findall(r'class="badge status-(\w+)">([^<]+)<', page.content.decode())
    # the plan to come, and the routine that started on 20 November
    assert badges == [("scheduled", "Scheduled"), ("active", "Active")]


def test_pausing_a_scheduled_program_says_it_has_not_started(coach, coach_client, runner_base, ana):
    (scheduled,) = assign(coach, runner_base, [ana], NEXT_MONDAY)

    response = coach_client.post(
        reverse("assignment-action", args=[scheduled.pk, "pause"]), follow=True
    )

    assert (
        "“Runner base” for Ana has not started; it is paused from its start "
        "(Monday 30 November) until you resume it." in text_of(response)
    )
    scheduled.refresh_from_db()
    assert scheduled.status == Assignment.Status.PAUSED


# --- the API --------------------------------------------------------------------------------


def assign_url(program: Program) -> str:
    return f"/api/v1/programs/{program.pk}/assign/"


def test_api_refuses_a_start_off_the_weekday_naming_the_next_date(api, runner_base, ana):
    response = api.post(
        assign_url(runner_base),
        {"clients": [ana.pk], "starts_on": "2026-11-26"},
        "application/json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "starts_on_weekday"
    assert body["next_starts_on"] == "2026-11-30"
    assert "Monday 30 November 2026" in body["fields"]["starts_on"][0]
    assert not Assignment.objects.exists()


def test_api_moves_the_start_to_the_next_weekday_when_asked(api, runner_base, ana):
    response = api.post(
        assign_url(runner_base),
        {"clients": [ana.pk], "starts_on": "2026-11-26", "starts_on_mismatch": "next_weekday"},
        "application/json",
    )

    assert response.status_code == 201
    assert response.json()["starts_on"] == "2026-11-30"
    assert Assignment.objects.get(client=ana).starts_on == NEXT_MONDAY


def test_api_keeps_the_start_when_asked(api, runner_base, ana):
    response = api.post(
        assign_url(runner_base),
        {"clients": [ana.pk], "starts_on": "2026-11-26", "starts_on_mismatch": "keep"},
        "application/json",
    )

    assert response.status_code == 201
    assert Assignment.objects.get(client=ana).starts_on == THURSDAY


def test_api_refuses_an_unknown_answer(api, runner_base, ana):
    response = api.post(
        assign_url(runner_base),
        {"clients": [ana.pk], "starts_on": "2026-11-26", "starts_on_mismatch": "shift"},
        "application/json",
    )

    assert response.status_code == 400
    assert "starts_on_mismatch" in response.json()["fields"]


def test_api_answers_an_overlap_with_each_program_until_confirmed(
    coach, api, runner_base, mobility, ana, ben
):
    assign(coach, runner_base, [ana, ben], NEXT_MONDAY)
    body = {"clients": [ana.pk, ben.pk], "starts_on": "2026-12-08"}

    refused = api.post(assign_url(mobility), body, "application/json")

    assert refused.status_code == 400
    error = refused.json()
    assert error["code"] == "assignment_overlaps"
    assert [(o["client_name"], o["program_name"], o["first_day"], o["last_day"]) for o in
            error["overlaps"]] == [
        ("Ana", "Runner base", "2026-11-30", "2026-12-27"),
        ("Ben", "Runner base", "2026-11-30", "2026-12-27"),
    ]  # fmt: skip
    assert len(error["fields"]["confirm_overlap"]) == 2
    assert Assignment.objects.count() == 2

    confirmed = api.post(
        assign_url(mobility), {**body, "confirm_overlap": True}, "application/json"
    )

    assert confirmed.status_code == 201
    assert confirmed.json()["created"] == 2


def test_api_shows_scheduled_until_the_first_day_in_the_clients_time_zone(
    coach, api, mobility, time_machine
):
    # given two clients starting on Friday 27 November: one in London, one in Auckland
    london = ClientFactory.create(coach=coach, name="Lena", time_zone="Europe/London")
    auckland = ClientFactory.create(coach=coach, name="Aroha", time_zone="Pacific/Auckland")
    (in_london,) = assign(coach, mobility, [london], date(2026, 11, 27))
    (in_auckland,) = assign(coach, mobility, [auckland], date(2026, 11, 27))

    # at noon UTC on Thursday it is already Friday 01:00 in Auckland
    listed = {row["id"]: row["status"] for row in api.get("/api/v1/assignments/").json()["results"]}
    assert listed == {in_london.pk: "scheduled", in_auckland.pk: "active"}
    assert api.get(f"/api/v1/assignments/{in_london.pk}/").json()["status"] == "scheduled"

    # when Friday comes in London, the same list turns active
    time_machine.move_to("2026-11-27 00:05:00+00:00", tick=False)
    listed = {row["id"]: row["status"] for row in api.get("/api/v1/assignments/").json()["results"]}
    assert listed == {in_london.pk: "active", in_auckland.pk: "active"}
    assert api.get(f"/api/v1/assignments/{in_london.pk}/").json()["status"] == "active"


# --- the client's Today and plan --------------------------------------------------------------


@pytest.fixture
def ana_browser(ana: Client) -> Browser:
    browser = Browser()
    assert ana.user is not None
    browser.force_login(ana.user)
    return browser


def test_today_before_the_start_previews_the_first_week(coach, runner_base, ana, ana_browser):
    assign(coach, runner_base, [ana], NEXT_MONDAY)

    text = text_of(ana_browser.get("/me/"))

    assert "Your program starts Monday 30 November" in text
    assert "Monday 30 November Split squat Single-leg hinge" in text
    assert "Wednesday 2 December Single-leg hinge" in text
    assert "Friday 4 December Split squat" in text
    assert "rest day" not in text.lower()


def test_today_with_a_current_program_names_the_next_one(
    coach, runner_base, mobility, ana, ana_browser
):
    assign(coach, mobility, [ana], THURSDAY)
    assign(coach, runner_base, [ana], NEXT_MONDAY, confirm_overlap=True)

    text = text_of(ana_browser.get("/me/"))

    assert "Day 1 of 7" in text  # today's routine
    assert "Next: “Runner base” starts Monday 30 November." in text
    assert "Your program starts" not in text


def test_the_plan_endpoint_carries_the_preview(coach, api, runner_base, ana):
    # given nothing planned, then a plan from Monday
    before = api.get(f"/api/v1/clients/{ana.pk}/plan/").json()
    assert before["upcoming"] is None
    (scheduled,) = assign(coach, runner_base, [ana], NEXT_MONDAY)

    # then the cached answer changes with it
    upcoming = api.get(f"/api/v1/clients/{ana.pk}/plan/").json()["upcoming"]
    assert upcoming["assignment"] == scheduled.pk
    assert upcoming["program"]["name"] == "Runner base"
    assert upcoming["starts_on"] == "2026-11-30"
    assert [(d["on"], d["weekday"], [e["name"] for e in d["exercises"]]) for d in
            upcoming["days"]] == [
        ("2026-11-30", 0, ["Split squat", "Single-leg hinge"]),
        ("2026-12-02", 2, ["Single-leg hinge"]),
        ("2026-12-04", 4, ["Split squat"]),
    ]  # fmt: skip

    # and from the first day on there is nothing ahead
    on_start = api.get(f"/api/v1/clients/{ana.pk}/plan/", {"date": "2026-11-30"}).json()
    assert on_start["upcoming"] is None


def test_the_plan_endpoint_carries_todays_plan_and_the_next_program(
    coach, api, runner_base, mobility, ana
):
    (current,) = assign(coach, mobility, [ana], THURSDAY)
    (scheduled,) = assign(coach, runner_base, [ana], NEXT_MONDAY)

    body = api.get(f"/api/v1/clients/{ana.pk}/plan/").json()

    states = {row["assignment"]: row["state"] for row in body["assignments"]}
    assert states[current.pk] == "training"
    assert body["upcoming"]["assignment"] == scheduled.pk
    assert body["upcoming"]["starts_on"] == "2026-11-30"
