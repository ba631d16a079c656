"""The program pages: list, create, builder and its fragments, generator, assign, print, archive,
and the assignment buttons on a client's page."""

import re
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from coach.models import Coach
from programs import services
from programs.models import Assignment, Day, Program
from programs.starters import RUNNER, WALL_HOLD, starters_seed
from tests.coach.factories import ClientFactory, CoachFactory
from tests.exercises.factories import shared, stage_of
from tests.programs.factories import add, assign, day, plan, routine, set_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(coach_client):
    return coach_client


def hard_squat_plan(coach: Coach) -> Program:
    """Monday and Tuesday, both hard squat days: one 48-hour warning, on day 2."""
    program = plan(coach, weeks=1, weekdays=[0, 1], name="Back-to-back squats")
    for number in (1, 2):
        add(coach, program, number, shared("squat"))
        add(coach, program, number, shared("split-squat"))
        set_day(coach, program, number, intensity=Day.Intensity.HIGH, title="Squats")
    return program


# --- list --------------------------------------------------------------------------------------


def test_list_empty_state(page):
    response = page.get(reverse("program-list"))
    assertContains(response, "No programs yet")
    assertContains(response, reverse("program-create"))
    assertContains(response, reverse("program-generate"))


def test_list_shows_own_programs_and_starters_not_other_coaches(page, coach, library):
    starters_seed()
    routine(coach, length_days=30, name="My month", goal="Daily balance")
    routine(CoachFactory.create(), length_days=5, name="Their secret")

    response = page.get(reverse("program-list"))

    assertContains(response, "My month")
    assertContains(response, "30-day routine")
    assertContains(response, WALL_HOLD)
    assertContains(response, RUNNER.replace("'", "&#x27;"))
    assertContains(response, "8-week plan")
    assertContains(response, "Starter")
    assertNotContains(response, "Their secret")


def test_list_search(page, coach):
    routine(coach, length_days=30, name="Wall month", goal="Hip control")
    routine(coach, length_days=10, name="Sprint prep", goal="Speed")

    by_goal = page.get(reverse("program-list"), {"q": "hip"})
    nothing = page.get(reverse("program-list"), {"q": "swimming"})

    assertContains(by_goal, "Wall month")
    assertNotContains(by_goal, "Sprint prep")
    assertContains(nothing, "No program matches")
    assertContains(nothing, "swimming")


# --- create and edit -------------------------------------------------------------------------


def test_create_form_shows_the_fields(page):
    response = page.get(reverse("program-create"))
    for name in ("name", "kind", "length_days", "weeks", "weekdays"):
        assertContains(response, f'name="{name}"')


def test_a_plan_without_weekdays_re_shows_the_form_with_the_message(page, coach):
    response = page.post(
        reverse("program-create"), {"name": "Track", "kind": "plan", "length_days": 30, "weeks": 6}
    )

    assert response.status_code == 200
    assertContains(response, "Choose at least one training weekday for a plan.")
    assertContains(response, 'value="Track"')
    assert not Program.objects.exists()


def test_creating_a_plan_opens_the_builder(page, coach):
    response = page.post(
        reverse("program-create"),
        {"name": "Track", "kind": "plan", "length_days": 30, "weeks": 6, "weekdays": ["1", "4"]},
        follow=True,
    )

    program = Program.objects.get()
    assertRedirects(response, reverse("program-builder", args=[program.pk]))
    assertContains(response, "is ready")
    assert (program.owner, program.weekdays, program.days.count()) == (coach, [1, 4], 12)
    assertContains(response, "Tuesday")
    assertContains(response, "Week 6")


def test_edit_shortens_a_routine(page, coach):
    program = routine(coach, length_days=30, name="Month")

    response = page.post(
        reverse("program-edit", args=[program.pk]),
        {"name": "Three weeks", "kind": "routine", "length_days": 21, "weeks": 4},
    )

    assertRedirects(response, reverse("program-builder", args=[program.pk]))
    program.refresh_from_db()
    assert (program.name, program.days.count()) == ("Three weeks", 21)


# --- builder and fragments ---------------------------------------------------------------------


def test_builder_shows_days_exercises_and_warnings(page, coach, library):
    program = hard_squat_plan(coach)

    response = page.get(reverse("program-builder", args=[program.pk]))

    assertContains(response, "Back-to-back squats")
    assertContains(response, 'id="day-1"')
    assertContains(response, 'id="day-2"')
    assertContains(response, "Monday")
    assertContains(response, "Tuesday")
    assertContains(response, "Split squat")
    assertContains(response, 'data-rule="bilateral_48h"', count=1)
    assertContains(response, "less than 48 h after day 1")
    assertContains(response, 'href="#day-2"')
    # Editable: the coach's own program has inputs and the builder script.
    assertContains(response, 'data-editable="true"')
    assertContains(response, "builder.js")


def test_builder_of_a_starter_is_read_only(page, coach, library):
    starters_seed()
    starter = Program.objects.starters().get(name=WALL_HOLD)

    response = page.get(reverse("program-builder", args=[starter.pk]))

    assertContains(response, "read-only")
    assertContains(response, 'data-editable="false"')
    assertContains(response, "Wall single-leg hold")
    assertContains(response, "No rule is broken.")
    assertNotContains(response, reverse("program-edit", args=[starter.pk]))
    assertContains(response, reverse("program-duplicate", args=[starter.pk]))


def test_the_day_fragment_renders_one_day(page, coach, library):
    program = hard_squat_plan(coach)
    second = day(program, 2)

    response = page.get(reverse("program-day", args=[program.pk, second.pk]))

    assertContains(response, 'id="day-2"')
    assertNotContains(response, 'id="day-1"')
    assertContains(response, "Split squat")
    assertNotContains(response, "<html")
    other = routine(coach, length_days=2)
    assert page.get(reverse("program-day", args=[program.pk, day(other, 1).pk])).status_code == 404


def test_the_warnings_fragment_follows_the_program(page, coach, library):
    program = hard_squat_plan(coach)
    path = reverse("program-warnings", args=[program.pk])

    assertContains(page.get(path), 'data-rule="bilateral_48h"')

    set_day(coach, program, 2, intensity=Day.Intensity.LOW)
    response = page.get(path)
    assertContains(response, "No rule is broken.")
    assertNotContains(response, "<html")


def test_duplicate_a_starter_from_its_page(page, coach, library):
    starters_seed()
    starter = Program.objects.starters().get(name=WALL_HOLD)

    response = page.post(reverse("program-duplicate", args=[starter.pk]), follow=True)

    copy = Program.objects.get(owner=coach)
    assertRedirects(response, reverse("program-builder", args=[copy.pk]))
    assertContains(response, "a copy you can change freely")
    assert copy.days.count() == 30


# --- generator -----------------------------------------------------------------------------


def _formset(*items: dict[str, object]) -> dict[str, object]:
    data: dict[str, object] = {
        "items-TOTAL_FORMS": "4",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "12",
    }
    for index, item in enumerate(items):
        for key, value in item.items():
            data[f"items-{index}-{key}"] = value
    return data


def test_the_generator_creates_a_30_day_routine_and_opens_it(page, coach, library):
    hold = shared("wall-single-leg-hold")

    response = page.post(
        reverse("program-generate"),
        {
            "name": "Thirty days on the wall",
            "length_days": 30,
            "intensity": "low",
            **_formset(
                {
                    "exercise": hold.pk,
                    "stage": 1,
                    "hold_seconds": 45,
                    "step": "hold",
                    "step_amount": 15,
                    "every_days": 7,
                }
            ),
        },
        follow=True,
    )

    program = Program.objects.get(name="Thirty days on the wall")
    assertRedirects(response, reverse("program-builder", args=[program.pk]))
    assertContains(response, "has 30 days")
    assert program.owner == coach
    first = day(program, 1).prescriptions.get()
    assert (first.exercise, first.stage, first.hold_seconds) == (hold, stage_of(hold, 1), 45)
    assert day(program, 8).prescriptions.get().hold_seconds == 60
    assert day(program, 30).prescriptions.get().hold_seconds == 105


def test_the_generator_re_shows_errors(page, coach, library):
    hold = shared("wall-single-leg-hold")
    base = {"name": "X", "length_days": 30, "intensity": "low", "step": "hold", "every_days": 7}

    no_items = page.post(reverse("program-generate"), {**base, "step_amount": 15, **_formset()})
    bad_stage = page.post(
        reverse("program-generate"),
        {**base, "step_amount": 15, **_formset({"exercise": hold.pk, "stage": 9})},
    )

    assert no_items.status_code == 200
    assertContains(no_items, "Add at least one exercise")
    assertContains(bad_stage, "has no stage 9")
    assert not Program.objects.exists()


# --- assign ------------------------------------------------------------------------------------


def test_assign_two_clients_from_the_page(page, coach, library):
    program = hard_squat_plan(coach)
    maya = ClientFactory.create(coach=coach, name="Maya Lindqvist")
    noor = ClientFactory.create(coach=coach, name="Noor Haddad")
    ClientFactory.create(coach=coach, name="Old Client", archived_at="2026-01-01T00:00Z")
    ClientFactory.create(name="Someone Else's")

    form = page.get(reverse("program-assign", args=[program.pk]))
    assertContains(form, "Maya Lindqvist")
    assertNotContains(form, "Old Client")
    assertNotContains(form, "Someone Else")

    response = page.post(
        reverse("program-assign", args=[program.pk]),
        {"clients": [maya.pk, noor.pk], "starts_on": "2027-02-01"},
        follow=True,
    )

    assertRedirects(response, reverse("program-builder", args=[program.pk]))
    assertContains(response, "was assigned to")
    assertContains(response, "Maya Lindqvist")
    assertContains(response, "Noor Haddad")
    assignments = Assignment.objects.filter(template=program)
    assert {a.client for a in assignments} == {maya, noor}
    assert {a.starts_on for a in assignments} == {date(2027, 2, 1)}


def test_assign_without_clients_re_shows_the_form(page, coach, library):
    program = hard_squat_plan(coach)
    ClientFactory.create(coach=coach)

    response = page.post(reverse("program-assign", args=[program.pk]), {"starts_on": "2027-02-01"})

    assert response.status_code == 200
    assertContains(response, "Choose at least one client.")
    assert not Assignment.objects.exists()


def test_assign_page_with_no_clients_points_to_adding_one(page, coach):
    program = routine(coach, length_days=3)
    assertContains(page.get(reverse("program-assign", args=[program.pk])), "Add a client")


# --- print -------------------------------------------------------------------------------------


def test_print_has_left_and_right_boxes_for_unilateral_work_and_one_box_per_set_otherwise(
    page, coach, library
):
    program = routine(coach, length_days=2, name="Printed")
    sldl = shared("single-leg-deadlift")
    add(coach, program, 1, sldl, stage=stage_of(sldl, 2), sets=3)
    add(coach, program, 1, shared("squat"), sets=2)

    response = page.get(reverse("program-print", args=[program.pk]))

    html = response.content.decode()
    assertContains(response, "Printed")
    assertContains(response, "Single-leg deadlift")
    assertContains(response, "Stage 2")
    rows = re.findall(r"<tr>.*?</tr>", html, flags=re.S)
    sldl_row = next(r for r in rows if "Single-leg deadlift" in r)
    squat_row = next(r for r in rows if "Squat" in r)
    assert sldl_row.count('data-side="L"') == 3
    assert sldl_row.count('data-side="R"') == 3
    assert "box-wide" not in sldl_row
    assert squat_row.count("box-wide") == 2
    assert "data-side" not in squat_row
    # Day 2 has no exercises: no sheet for it.
    assert "Day 2" not in html


def test_print_of_a_clients_copy_names_the_client(page, coach, library):
    program = hard_squat_plan(coach)
    client = ClientFactory.create(coach=coach, name="Maya Lindqvist")
    (assignment,) = assign(coach, program, starts_on=date(2027, 2, 1), clients=[client])

    response = page.get(
        reverse("program-print", args=[assignment.program_id]) + f"?assignment={assignment.pk}"
    )

    assertContains(response, "Maya Lindqvist")
    assertContains(response, "1 Feb 2027")


# --- archive -------------------------------------------------------------------------------


def test_archive_asks_first_then_archives(page, coach):
    program = routine(coach, length_days=5, name="Old routine")
    path = reverse("program-archive", args=[program.pk])

    confirm = page.get(path)
    assertContains(confirm, "Archive “Old routine”?")
    program.refresh_from_db()
    assert program.archived_at is None

    response = page.post(path, follow=True)
    assertRedirects(response, reverse("program-list"))
    assertContains(response, "was archived")
    program.refresh_from_db()
    assert program.archived_at is not None
    assertNotContains(page.get(reverse("program-list")), "Old routine")


def test_archived_programs_are_listed_apart_and_can_be_restored(page, coach):
    program = routine(coach, length_days=5, name="Old routine")
    services.program_archive(coach=coach, program=program)

    archived = page.get(reverse("program-list"), {"archived": "1"})
    assertContains(archived, "Old routine")
    assertNotContains(page.get(reverse("program-builder", args=[program.pk])), "Assign</a>")

    response = page.post(reverse("program-restore", args=[program.pk]), follow=True)
    assertContains(response, "is back in your programs")
    assertContains(page.get(reverse("program-list")), "Old routine")
    assertContains(page.get(reverse("program-list"), {"archived": "1"}), "No archived programs")


# --- assignment buttons on the client's page ----------------------------------------------


def test_pause_resume_and_cancel_from_the_client_page(page, coach, library):
    program = routine(coach, length_days=30, name="Wall month")
    client = ClientFactory.create(coach=coach, name="Maya Lindqvist")
    (assignment,) = assign(coach, program, starts_on=date(2027, 1, 28), clients=[client])
    detail = reverse("client-detail", args=[client.pk])

    shown = page.get(detail)
    assertContains(shown, reverse("assignment-action", args=[assignment.pk, "pause"]))
    assertContains(shown, "28 Jan 2027 – 26 Feb 2027")

    paused = page.post(
        reverse("assignment-action", args=[assignment.pk, "pause"]),
        {"on": "2027-01-31"},
        follow=True,
    )
    assertRedirects(paused, detail)
    assertContains(paused, "“Wall month” for Maya Lindqvist was paused.")
    assertContains(paused, reverse("assignment-action", args=[assignment.pk, "resume"]))
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.PAUSED

    resumed = page.post(
        reverse("assignment-action", args=[assignment.pk, "resume"]),
        {"on": "2027-02-03"},
        follow=True,
    )
    assertContains(resumed, "was resumed")
    assertContains(resumed, "1 Mar 2027")  # the last day moved from 26 February
    assertContains(resumed, "moved 3 days by pauses")
    assignment.refresh_from_db()
    assert (assignment.status, assignment.shift_days) == (Assignment.Status.ACTIVE, 3)

    cancelled = page.post(reverse("assignment-action", args=[assignment.pk, "cancel"]), follow=True)
    assertContains(cancelled, "was cancelled")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CANCELLED
    assertNotContains(cancelled, reverse("assignment-action", args=[assignment.pk, "pause"]))


def test_the_pause_button_pauses_on_the_clients_today(client, coach, library, time_machine):
    program = routine(coach, length_days=30, name="Wall month")
    maya = ClientFactory.create(coach=coach, name="Maya", time_zone="Pacific/Auckland")
    (assignment,) = assign(coach, program, starts_on=date(2027, 1, 28), clients=[maya])
    # 11:00 UTC on 30 January is already 31 January in Auckland.
    time_machine.move_to(datetime(2027, 1, 30, 11, 0, tzinfo=UTC), tick=False)
    client.force_login(coach.user)

    response = client.post(reverse("assignment-action", args=[assignment.pk, "pause"]), follow=True)

    assertContains(response, "since 31 Jan")
    assignment.refresh_from_db()
    assert assignment.paused_on == date(2027, 1, 31)


def test_an_invalid_action_shows_the_error(page, coach, library):
    program = routine(coach, length_days=5)
    (assignment,) = assign(coach, program, starts_on=date(2027, 1, 1))

    response = page.post(reverse("assignment-action", args=[assignment.pk, "resume"]), follow=True)

    assertContains(response, "Only a paused assignment can be resumed.")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACTIVE
    assert (
        page.post(reverse("assignment-action", args=[assignment.pk, "explode"])).status_code == 404
    )
    assert page.get(reverse("assignment-action", args=[assignment.pk, "pause"])).status_code == 405


# --- scope -------------------------------------------------------------------------------------


def _program_pages(program: Program) -> list[str]:
    first = program.days.order_by("number").first()
    assert first is not None
    return [
        reverse("program-builder", args=[program.pk]),
        reverse("program-edit", args=[program.pk]),
        reverse("program-archive", args=[program.pk]),
        reverse("program-assign", args=[program.pk]),
        reverse("program-print", args=[program.pk]),
        reverse("program-warnings", args=[program.pk]),
        reverse("program-day", args=[program.pk, first.pk]),
    ]


def test_another_coachs_program_pages_are_not_found(page, coach, library):
    other = CoachFactory.create()
    program = routine(other, length_days=3, name="Their routine")
    (assignment,) = assign(other, program, starts_on=date(2027, 1, 1))

    for path in _program_pages(program) + _program_pages(assignment.program):
        assert page.get(path).status_code == 404, path
    assert page.post(reverse("program-duplicate", args=[program.pk])).status_code == 404
    assert page.post(reverse("program-archive", args=[program.pk])).status_code == 404
    for action in ("pause", "cancel"):
        response = page.post(reverse("assignment-action", args=[assignment.pk, action]))
        assert response.status_code == 404
    program.refresh_from_db()
    assignment.refresh_from_db()
    assert program.archived_at is None
    assert assignment.status == Assignment.Status.ACTIVE
    assert Program.objects.filter(owner=coach).count() == 0


def test_a_starters_edit_and_archive_pages_are_not_found(page, coach, library):
    starters_seed()
    starter = Program.objects.starters().get(name=WALL_HOLD)
    assert page.get(reverse("program-edit", args=[starter.pk])).status_code == 404
    assert page.post(reverse("program-archive", args=[starter.pk])).status_code == 404
    starter.refresh_from_db()
    assert starter.archived_at is None


def test_a_client_user_gets_404_on_program_pages(client, coach, library):
    program = routine(coach, length_days=3)
    (assignment,) = assign(coach, program, starts_on=date(2027, 1, 1))
    client.force_login(ClientFactory.create(with_login=True, coach=coach).user)

    paths = [
        reverse("program-list"),
        reverse("program-create"),
        reverse("program-generate"),
        *_program_pages(program),
    ]
    for path in paths:
        assert client.get(path).status_code == 404, path
    response = client.post(reverse("assignment-action", args=[assignment.pk, "cancel"]))
    assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACTIVE


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("program-list"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_services_and_pages_agree_on_a_clients_copy(page, coach, library):
    """The builder opens a client's copy, names the client and edits only that copy."""
    program = hard_squat_plan(coach)
    client = ClientFactory.create(coach=coach, name="Maya Lindqvist")
    (assignment,) = assign(coach, program, starts_on=date(2027, 2, 1), clients=[client])

    response = page.get(reverse("program-builder", args=[assignment.program_id]))

    assertContains(response, "Maya Lindqvist's copy")
    assertContains(response, "the template stays as it is")
    assertNotContains(response, reverse("program-assign", args=[assignment.program_id]))
    assert page.get(reverse("program-assign", args=[assignment.program_id])).status_code == 404
    services.day_update(coach=coach, day=day(assignment.program, 1), data={"title": "Maya only"})
    assert day(program, 1).title == "Squats"
