"""/api/v1/programs/, /program-days/, /prescriptions/, /blocks/ and /assignments/."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from coach.models import Client, Coach
from programs import services
from programs.models import Assignment, Block, Prescription, Program
from programs.starters import WALL_HOLD, starters_seed
from tests.coach.factories import ClientFactory, CoachFactory
from tests.conftest import api_url, assert_error_shape, get_counting_queries
from tests.exercises.factories import ExerciseFactory, shared, stage_of
from tests.programs.factories import add, assign, day, plan, routine, set_day

pytestmark = pytest.mark.django_db

PROGRAMS = "/api/v1/programs/"
DAYS = "/api/v1/program-days/"
PRESCRIPTIONS = "/api/v1/prescriptions/"
BLOCKS = "/api/v1/blocks/"
ASSIGNMENTS = "/api/v1/assignments/"


@pytest.fixture
def starter(library) -> Program:
    starters_seed()
    return Program.objects.starters().get(name=WALL_HOLD)


def post(api, path: str, data: Any = None):
    return api.post(path, data or {}, content_type="application/json")


def patch(api, path: str, data: Any):
    return api.patch(path, data, content_type="application/json")


def put(api, path: str, data: Any):
    return api.put(path, data, content_type="application/json")


def legs_plan(coach: Coach) -> Program:
    """A two-week Monday/Thursday plan with exercises on every day."""
    program = plan(coach, weeks=2, weekdays=[0, 3], name="Legs plan", goal="Strong legs")
    sldl = shared("single-leg-deadlift")
    for number in (1, 2, 3, 4):
        add(coach, program, number, shared("hip-hinge"))
        add(coach, program, number, shared("deadlift"))
        add(coach, program, number, sldl, stage=stage_of(sldl, 1))
    return program


# --- list, create, retrieve --------------------------------------------------------------------


def test_list_shows_own_programs_and_starters_only(api, coach, starter):
    mine = routine(coach, length_days=5, name="Mine")
    routine(CoachFactory.create(), length_days=5, name="Theirs")
    archived = routine(coach, length_days=5, name="Old")
    services.program_archive(coach=coach, program=archived)
    assign(coach, mine, starts_on=date(2027, 1, 1))  # the client's copy is not a template

    body = api.get(PROGRAMS).json()

    rows = {row["name"]: row for row in body["results"]}
    assert set(rows) == {"Mine"} | set(Program.objects.starters().values_list("name", flat=True))
    assert body["count"] == 5
    assert rows["Mine"]["is_starter"] is False
    assert rows["Mine"]["day_count"] == 5
    assert rows[WALL_HOLD]["is_starter"] is True
    assert rows[WALL_HOLD]["day_count"] == 30


def test_list_filters_by_kind_and_searches(api, coach):
    routine(coach, length_days=5, name="Morning holds", goal="Balance")
    plan(coach, weeks=2, weekdays=[1], name="Track block", goal="Speed")

    plans = api.get(PROGRAMS, {"kind": "plan"}).json()
    found = api.get(PROGRAMS, {"search": "balance"}).json()

    assert [row["name"] for row in plans["results"]] == ["Track block"]
    assert [row["name"] for row in found["results"]] == ["Morning holds"]


def test_create_a_routine(api, coach):
    response = post(api, PROGRAMS, {"name": "Thirty", "kind": "routine", "length_days": 30})

    assert response.status_code == 201
    body = response.json()
    assert body["day_count"] == 30
    assert [d["number"] for d in body["days"]] == list(range(1, 31))
    assert body["is_starter"] is False
    program = Program.objects.get(pk=body["id"])
    assert program.owner == coach
    assert program.days.count() == 30


def test_create_a_plan_with_nested_days(api, coach, library):
    squat = shared("squat")
    response = post(
        api,
        PROGRAMS,
        {
            "name": "Two a week",
            "kind": "plan",
            "weeks": 3,
            "weekdays": [3, 0],
            "blocks": [{"name": "Base", "focus": "strength", "start": 1, "end": 3}],
            "days": [{"number": 2, "intensity": "high", "prescriptions": [{"exercise": squat.pk}]}],
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["weekdays"] == [0, 3]
    assert [(d["number"], d["week"], d["weekday"]) for d in body["days"]] == [
        (1, 1, 0), (2, 1, 3), (3, 2, 0), (4, 2, 3), (5, 3, 0), (6, 3, 3)
    ]  # fmt: skip
    assert body["days"][1]["intensity"] == "high"
    assert [p["exercise_name"] for p in body["days"][1]["prescriptions"]] == ["Squat"]
    assert body["blocks"][0]["name"] == "Base"


def test_a_plan_needs_weekdays(api, coach):
    response = post(api, PROGRAMS, {"name": "No days", "kind": "plan", "weeks": 4})

    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body)
    assert "weekdays" in body["fields"]
    assert not Program.objects.exists()


def test_create_refuses_bad_lengths(api, coach):
    response = post(api, PROGRAMS, {"name": "Long", "kind": "routine", "length_days": 400})
    assert response.status_code == 400
    assert_error_shape(response.json())
    assert "length_days" in response.json()["fields"]
    assert not Program.objects.exists()


def test_retrieve_is_nested_with_warnings(api, coach, library):
    program = legs_plan(coach)
    services.block_create(
        coach=coach,
        program=program,
        data={"name": "Base", "focus": "stability", "start": 1, "end": 2},
    )
    add(coach, program, 1, shared("squat"))
    for number in (1, 2, 3, 4):
        set_day(coach, program, number, intensity="high")
    # Monday and Thursday are three days apart; a Tuesday would not be.
    program.days.filter(number=2).update(weekday=1)

    body = api.get(api_url(PROGRAMS, program.pk)).json()

    assert body["name"] == "Legs plan"
    assert body["blocks"] == [
        {"id": program.blocks.get().pk, "order": 1, "name": "Base", "focus": "stability",
         "start": 1, "end": 2}
    ]  # fmt: skip
    first = body["days"][0]
    assert (first["number"], first["week"], first["weekday"], first["intensity"]) == (
        1,
        1,
        0,
        "high",
    )
    sldl = first["prescriptions"][2]
    assert sldl["exercise_name"] == "Single-leg deadlift"
    assert (sldl["stage_order"], sldl["stage_name"]) == (1, "Supported, unloaded")
    # Empty: from the stage (the builder never copies the stage's dose).
    assert (sldl["sets"], sldl["reps_per_side"]) == (None, None)
    assert [p["order"] for p in first["prescriptions"]] == [1, 2, 3, 4]
    # Tuesday is a day after Monday, unless the plan starts on a Tuesday (its Monday is then
    # six days in); from a Wednesday or Thursday, Monday, Tuesday and the next Thursday make
    # three single-leg sessions within 7 days.
    assert body["warnings"] == [
        {
            "rule": "bilateral_48h",
            "day": 2,
            "message": "Day 2 has high-intensity bilateral work less than 48 h after day 1. "
            "Make one of them lighter or move it.",
            "start_days": [0, 2, 3, 4, 5, 6],
        },
        {
            "rule": "unilateral_per_week",
            "day": 4,
            "message": "Day 4 is a third unilateral session within 7 days (after days 1 and 2). "
            "Keep it to one or two a week so each leg recovers.",
            "start_days": [2, 3],
        },
    ]
    assert api.get(api_url(PROGRAMS, program.pk, "warnings")).json() == body["warnings"]


# --- update ------------------------------------------------------------------------------------


def test_put_saves_the_whole_structure(api, coach, library):
    program = legs_plan(coach)
    body = api.get(api_url(PROGRAMS, program.pk)).json()
    first = body["days"][0]
    hinge, deadlift, sldl = first["prescriptions"]
    first["title"] = "Hinge day"
    # Reorder, change a dose, drop the deadlift and add a split squat.
    first["prescriptions"] = [
        {**sldl, "sets": 4, "load": "15.0", "load_unit": "lb"},
        hinge,
        {"exercise": shared("split-squat").pk, "stage": None, "sets": 2},
    ]
    body["blocks"] = [{"name": "All", "focus": "strength", "start": 1, "end": 2}]
    body["name"] = "Legs plan v2"

    response = put(api, api_url(PROGRAMS, program.pk), body)

    assert response.status_code == 200, response.json()
    saved = response.json()
    assert saved["name"] == "Legs plan v2"
    day_one = saved["days"][0]
    assert day_one["title"] == "Hinge day"
    assert [p["exercise_name"] for p in day_one["prescriptions"]] == [
        "Single-leg deadlift", "Hip hinge", "Split squat"
    ]  # fmt: skip
    assert [p["id"] for p in day_one["prescriptions"][:2]] == [sldl["id"], hinge["id"]]
    assert day_one["prescriptions"][0]["sets"] == 4
    assert not Prescription.objects.filter(pk=deadlift["id"]).exists()
    assert [b["name"] for b in saved["blocks"]] == ["All"]
    # The other days are as they were.
    assert Prescription.objects.filter(day__program=program).count() == 3 + 3 * 3


def test_put_names_the_bad_nested_field(api, coach, library):
    program = legs_plan(coach)
    body = api.get(api_url(PROGRAMS, program.pk)).json()
    body["days"][0]["prescriptions"][2]["stage"] = stage_of(shared("wall-single-leg-hold"), 1).pk
    body["name"] = "Renamed"
    body["blocks"] = [{"name": "New", "focus": "speed", "start": 1, "end": 2}]

    response = put(api, api_url(PROGRAMS, program.pk), body)

    assert response.status_code == 400
    assert_error_shape(response.json())
    assert "days.0.prescriptions.2.stage" in response.json()["fields"]
    # Nothing of the request was saved.
    program.refresh_from_db()
    assert program.name == "Legs plan"
    assert not program.blocks.exists()
    assert day(program, 1).prescriptions.get(order=3).stage == stage_of(
        shared("single-leg-deadlift"), 1
    )


def test_patch_changes_only_the_details_given(api, coach, library):
    program = legs_plan(coach)

    response = patch(api, api_url(PROGRAMS, program.pk), {"goal": "Hinge well", "weeks": 3})

    assert response.status_code == 200
    program.refresh_from_db()
    assert (program.name, program.goal, program.weeks) == ("Legs plan", "Hinge well", 3)
    assert program.days.count() == 6
    assert Prescription.objects.filter(day__program=program).count() == 12

    bad = patch(api, api_url(PROGRAMS, program.pk), {"weekdays": []})
    assert bad.status_code == 400
    assert "weekdays" in bad.json()["fields"]
    program.refresh_from_db()
    assert program.weekdays == [0, 3]


def test_a_starter_is_read_only(api, coach, starter):
    response = patch(api, api_url(PROGRAMS, starter.pk), {"name": "Mine now"})

    assert response.status_code == 403
    assert_error_shape(response.json())
    starter.refresh_from_db()
    assert starter.name == WALL_HOLD
    assert put(api, api_url(PROGRAMS, starter.pk), {"name": "X", "days": []}).status_code == 403
    assert post(api, api_url(PROGRAMS, starter.pk, "archive")).status_code == 403
    assert (
        post(
            api, api_url(PROGRAMS, starter.pk, "copy-week"), {"from_week": 1, "to_week": 2}
        ).status_code
        == 403
    )
    starter.refresh_from_db()
    assert starter.archived_at is None
    # Its days and exercises are not the coach's to change either: shared, so seen, not changed.
    first = starter.days.get(number=1)
    prescription = first.prescriptions.get()
    assert patch(api, api_url(DAYS, first.pk), {"title": "X"}).status_code == 403
    assert patch(api, api_url(PRESCRIPTIONS, prescription.pk), {"sets": 9}).status_code == 403
    assert api.get(api_url(DAYS, first.pk)).status_code == 200
    assert api.get(api_url(PROGRAMS, starter.pk)).status_code == 200
    first.refresh_from_db()
    prescription.refresh_from_db()
    assert (first.title, prescription.sets) != ("X", 9)


def test_archive(api, coach):
    program = routine(coach, length_days=3)
    response = post(api, api_url(PROGRAMS, program.pk, "archive"))
    assert response.status_code == 200
    program.refresh_from_db()
    assert program.archived_at is not None
    assert api.get(PROGRAMS).json()["count"] == 0


# --- duplicate, copy a week, generate ---------------------------------------------------------


def test_duplicate_own_and_starter(api, coach, starter):
    own = legs_plan(coach)

    response = post(api, api_url(PROGRAMS, own.pk, "duplicate"), {"name": "Legs again"})
    from_starter = post(api, api_url(PROGRAMS, starter.pk, "duplicate"))

    assert response.status_code == 201
    copy = Program.objects.get(pk=response.json()["id"])
    assert (copy.name, copy.owner, copy.copied_from) == ("Legs again", coach, own)
    assert Prescription.objects.filter(day__program=copy).count() == 12
    assert from_starter.status_code == 201
    body = from_starter.json()
    assert body["name"] == f"{WALL_HOLD} (copy)"
    assert body["is_starter"] is False
    assert body["day_count"] == 30


def test_copy_week(api, coach, library):
    program = plan(coach, weeks=3, weekdays=[0, 3])
    add(coach, program, 1, shared("split-squat"))
    add(coach, program, 2, shared("squat"))

    response = post(api, api_url(PROGRAMS, program.pk, "copy-week"), {"from_week": 1, "to_week": 3})

    assert response.status_code == 200
    days = {d["number"]: d for d in response.json()["days"]}
    assert [p["exercise_name"] for p in days[5]["prescriptions"]] == ["Split squat"]
    assert [p["exercise_name"] for p in days[6]["prescriptions"]] == ["Squat"]
    assert days[3]["prescriptions"] == []

    same = post(api, api_url(PROGRAMS, program.pk, "copy-week"), {"from_week": 2, "to_week": 2})
    assert same.status_code == 400
    assert_error_shape(same.json())


def test_generate_a_30_day_routine(api, coach, library):
    hold = shared("wall-single-leg-hold")
    response = post(
        api,
        f"{PROGRAMS}generate/",
        {
            "name": "Daily hold",
            "items": [{"exercise": hold.pk, "stage": stage_of(hold, 1).pk, "hold_seconds": 30}],
            "step": "hold",
            "step_amount": 15,
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["day_count"] == 30
    holds = [d["prescriptions"][0]["hold_seconds"] for d in body["days"]]
    assert (holds[0], holds[7], holds[29]) == (30, 45, 90)
    assert body["warnings"] == []

    bad = post(api, f"{PROGRAMS}generate/", {"name": "Empty", "items": []})
    assert bad.status_code == 400
    assert_error_shape(bad.json())


# --- assign ------------------------------------------------------------------------------------


def test_assign_to_clients(api, coach, library):
    program = legs_plan(coach)
    clients = ClientFactory.create_batch(2, coach=coach)

    response = post(
        api,
        api_url(PROGRAMS, program.pk, "assign"),
        {"clients": [c.pk for c in clients], "starts_on": "2027-02-01"},
    )

    assert response.status_code == 201
    body = response.json()
    assert body["created"] == 2
    assignments = Assignment.objects.filter(pk__in=body["assignments"])
    assert {a.client for a in assignments} == set(clients)
    assert all(a.program.pk != program.pk and a.template == program for a in assignments)
    assert all(a.starts_on == date(2027, 2, 1) for a in assignments)


def test_assign_a_thousand_clients(api, coach, library):
    program = routine(coach, length_days=30)
    add(coach, program, 1, shared("wall-single-leg-hold"))
    clients = Client.objects.bulk_create(
        Client(coach=coach, name=f"Client {n}", email=f"c{n}@example.org") for n in range(1000)
    )

    response = post(
        api,
        api_url(PROGRAMS, program.pk, "assign"),
        {"clients": [c.pk for c in clients], "starts_on": "2027-02-01"},
    )

    assert response.status_code == 201
    assert response.json()["created"] == 1000
    assert Program.objects.filter(copied_from=program, is_template=False).count() == 1


def test_assign_refuses_other_coaches_archived_and_no_clients(api, coach, library):
    program = legs_plan(coach)
    mine = ClientFactory.create(coach=coach)
    theirs = ClientFactory.create(coach=CoachFactory.create())
    archived = ClientFactory.create(coach=coach, archived_at=timezone.now())
    path = api_url(PROGRAMS, program.pk, "assign")

    foreign = post(api, path, {"clients": [mine.pk, theirs.pk], "starts_on": "2027-02-01"})
    old = post(api, path, {"clients": [mine.pk, archived.pk], "starts_on": "2027-02-01"})
    empty = post(api, path, {"clients": [], "starts_on": "2027-02-01"})
    no_date = post(api, path, {"clients": [mine.pk]})

    for response in (foreign, old, empty, no_date):
        assert response.status_code == 400
        assert_error_shape(response.json())
    assert foreign.json()["fields"] == {"clients": ["Choose clients of your own practice."]}
    assert "clients" in old.json()["fields"]
    assert "starts_on" in no_date.json()["fields"]
    assert not Assignment.objects.exists()
    assert Program.objects.count() == 1


# --- days ----------------------------------------------------------------------------------------


def test_patch_a_day(api, coach):
    program = routine(coach, length_days=3)
    first = day(program, 1)

    response = patch(
        api, api_url(DAYS, first.pk), {"title": "Easy", "intensity": "low", "is_rest": True}
    )

    assert response.status_code == 200
    assert response.json()["title"] == "Easy"
    first.refresh_from_db()
    assert (first.title, first.intensity, first.is_rest) == ("Easy", "low", True)

    bad = patch(api, api_url(DAYS, first.pk), {"intensity": "brutal"})
    assert bad.status_code == 400
    assert_error_shape(bad.json())
    first.refresh_from_db()
    assert first.intensity == "low"


def test_duplicate_a_day(api, coach, library):
    program = routine(coach, length_days=5)
    add(coach, program, 1, shared("squat"), sets=5)
    set_day(coach, program, 1, title="Squat day")

    response = post(api, api_url(DAYS, day(program, 1).pk, "duplicate"), {"to_days": [3, 4]})

    assert response.status_code == 200
    assert sorted(d["number"] for d in response.json()) == [3, 4]
    for number in (3, 4):
        assert day(program, number).title == "Squat day"
        assert day(program, number).prescriptions.get().sets == 5
    bad = post(api, api_url(DAYS, day(program, 1).pk, "duplicate"), {"to_days": "3"})
    assert bad.status_code == 400
    assert_error_shape(bad.json())
    outside = post(api, api_url(DAYS, day(program, 1).pk, "duplicate"), {"to_days": [9]})
    assert outside.status_code == 400


def test_reorder_a_day(api, coach, library):
    program = routine(coach, length_days=1)
    a = add(coach, program, 1, shared("hip-hinge"))
    b = add(coach, program, 1, shared("deadlift"))
    c = add(coach, program, 1, shared("squat"))

    response = post(api, api_url(DAYS, day(program, 1).pk, "reorder"), {"ids": [c.pk, a.pk, b.pk]})

    assert response.status_code == 200
    assert [p["id"] for p in response.json()["prescriptions"]] == [c.pk, a.pk, b.pk]
    partial = post(api, api_url(DAYS, day(program, 1).pk, "reorder"), {"ids": [a.pk]})
    assert partial.status_code == 400
    assert list(day(program, 1).prescriptions.values_list("pk", flat=True)) == [c.pk, a.pk, b.pk]


# --- prescriptions -------------------------------------------------------------------------


def test_create_patch_and_delete_a_prescription(api, coach, library):
    program = routine(coach, length_days=2)
    sldl = shared("single-leg-deadlift")

    created = post(
        api,
        PRESCRIPTIONS,
        {"day": day(program, 1).pk, "exercise": sldl.pk, "stage": stage_of(sldl, 2).pk},
    )

    assert created.status_code == 201, created.json()
    body = created.json()
    # The dose is left to the stage: nothing of it is copied.
    assert (body["stage_order"], body["sets"], body["reps_per_side"], body["rest_seconds"]) == (
        2, None, None, None
    )  # fmt: skip
    assert body["order"] == 1
    pk = body["id"]

    changed = patch(
        api, api_url(PRESCRIPTIONS, pk), {"load": "20", "load_unit": "lb", "target_rpe": 7}
    )
    assert changed.status_code == 200
    assert (changed.json()["load"], changed.json()["target_rpe"]) == ("20.0", "7.0")

    bad = patch(api, api_url(PRESCRIPTIONS, pk), {"target_rpe": 11, "sets": 9})
    assert bad.status_code == 400
    assert_error_shape(bad.json())
    assert "target_rpe" in bad.json()["fields"]
    prescription = Prescription.objects.get(pk=pk)
    assert (prescription.target_rpe, prescription.sets) == (Decimal(7), None)

    current = patch(api, api_url(PRESCRIPTIONS, pk), {"stage": None})
    assert current.status_code == 200
    assert current.json()["stage"] is None

    assert api.delete(api_url(PRESCRIPTIONS, pk)).status_code == 204
    assert not Prescription.objects.filter(pk=pk).exists()


def test_create_a_prescription_with_a_bad_stage_or_foreign_exercise(api, coach, library):
    program = routine(coach, length_days=1)
    sldl = shared("single-leg-deadlift")
    other_stage = stage_of(shared("wall-single-leg-hold"), 1)

    wrong_stage = post(
        api,
        PRESCRIPTIONS,
        {"day": day(program, 1).pk, "exercise": sldl.pk, "stage": other_stage.pk},
    )
    foreign = post(
        api,
        PRESCRIPTIONS,
        {"day": day(program, 1).pk, "exercise": ExerciseFactory.create().pk},
    )

    assert wrong_stage.status_code == 400
    assert "stage" in wrong_stage.json()["fields"]
    assert foreign.status_code == 400
    assert "exercise" in foreign.json()["fields"]
    assert not Prescription.objects.exists()


# --- blocks --------------------------------------------------------------------------------------


def test_blocks_create_patch_delete(api, coach):
    program = plan(coach, weeks=8, weekdays=[1, 4])

    created = post(
        api,
        BLOCKS,
        {"program": program.pk, "name": "Stability", "focus": "stability", "start": 1, "end": 2},
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["order"] == 1

    assert patch(api, api_url(BLOCKS, pk), {"end": 3}).status_code == 200
    assert Block.objects.get(pk=pk).end == 3

    too_long = patch(api, api_url(BLOCKS, pk), {"end": 9})
    assert too_long.status_code == 400
    assert_error_shape(too_long.json())
    assert Block.objects.get(pk=pk).end == 3

    assert api.delete(api_url(BLOCKS, pk)).status_code == 204
    assert not program.blocks.exists()


# --- assignments ----------------------------------------------------------------------------


def test_assignments_list_pause_resume_cancel(api, coach, library, time_machine):
    # On its second day: before its first, it is listed as scheduled.
    time_machine.move_to(datetime(2027, 2, 2, 12, 0, tzinfo=UTC), tick=False)
    api.force_login(coach.user)
    program = legs_plan(coach)
    (assignment,) = assign(coach, program, starts_on=date(2027, 2, 1))
    other_coach = CoachFactory.create()
    assign(other_coach, routine(other_coach, length_days=2), starts_on=date(2027, 2, 1))

    listed = api.get(ASSIGNMENTS).json()
    assert [row["id"] for row in listed["results"]] == [assignment.pk]
    row = listed["results"][0]
    assert (row["status"], row["first_day"], row["last_day"]) == (
        "active",
        "2027-02-01",
        "2027-02-14",
    )

    paused = post(api, api_url(ASSIGNMENTS, assignment.pk, "pause"), {"on": "2027-02-03"})
    assert paused.status_code == 200
    assert (paused.json()["status"], paused.json()["paused_on"]) == ("paused", "2027-02-03")

    resumed = post(api, api_url(ASSIGNMENTS, assignment.pk, "resume"), {"on": "2027-02-06"})
    assert resumed.status_code == 200
    body = resumed.json()
    assert (body["status"], body["shift_days"], body["last_day"]) == ("active", 7, "2027-02-21")

    again = post(api, api_url(ASSIGNMENTS, assignment.pk, "resume"), {"on": "2027-02-07"})
    assert again.status_code == 400
    assert_error_shape(again.json())

    cancelled = post(api, api_url(ASSIGNMENTS, assignment.pk, "cancel"), {"on": "2027-02-10"})
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["ended_on"]) == ("cancelled", "2027-02-10")
    assert api.get(ASSIGNMENTS, {"status": "cancelled"}).json()["count"] == 1
    assert api.get(ASSIGNMENTS, {"status": "active"}).json()["count"] == 0


def test_pause_without_a_date_uses_the_clients_today(client, coach, library, time_machine):
    program = routine(coach, length_days=30)
    (assignment,) = assign(
        coach, program, starts_on=date(2027, 1, 28), time_zone="Pacific/Auckland"
    )
    # 11:00 UTC on 30 January is already 31 January in Auckland.
    time_machine.move_to(datetime(2027, 1, 30, 11, 0, tzinfo=UTC), tick=False)
    client.force_login(coach.user)
    paused = post(client, api_url(ASSIGNMENTS, assignment.pk, "pause"))
    assert paused.status_code == 200
    assert paused.json()["paused_on"] == "2027-01-31"

    time_machine.move_to(datetime(2027, 2, 2, 11, 0, tzinfo=UTC), tick=False)  # 3 Feb there
    body = post(client, api_url(ASSIGNMENTS, assignment.pk, "resume")).json()
    assert (body["status"], body["shift_days"], body["last_day"]) == ("active", 3, "2027-03-01")


# --- scope: other coaches and clients ------------------------------------------------------


def test_another_coachs_things_are_not_found(api, coach, library):
    other = CoachFactory.create()
    program = plan(other, weeks=1, weekdays=[0])
    prescription = add(other, program, 1, shared("squat"))
    block = services.block_create(
        coach=other, program=program, data={"name": "B", "start": 1, "end": 1}
    )
    (assignment,) = assign(other, program, starts_on=date(2027, 2, 1))
    mine = ClientFactory.create(coach=coach)
    first = day(program, 1)

    responses = [
        api.get(api_url(PROGRAMS, program.pk)),
        patch(api, api_url(PROGRAMS, program.pk), {"name": "Mine"}),
        post(api, api_url(PROGRAMS, program.pk, "duplicate")),
        post(
            api,
            api_url(PROGRAMS, program.pk, "assign"),
            {"clients": [mine.pk], "starts_on": "2027-02-01"},
        ),
        api.get(api_url(PROGRAMS, assignment.program_id)),
        api.get(api_url(DAYS, first.pk)),
        patch(api, api_url(DAYS, first.pk), {"title": "X"}),
        post(api, api_url(DAYS, first.pk, "duplicate"), {"to_days": [1]}),
        api.get(api_url(PRESCRIPTIONS, prescription.pk)),
        patch(api, api_url(PRESCRIPTIONS, prescription.pk), {"sets": 9}),
        api.delete(api_url(PRESCRIPTIONS, prescription.pk)),
        api.get(api_url(BLOCKS, block.pk)),
        patch(api, api_url(BLOCKS, block.pk), {"name": "X"}),
        api.delete(api_url(BLOCKS, block.pk)),
        api.get(api_url(ASSIGNMENTS, assignment.pk)),
        post(api, api_url(ASSIGNMENTS, assignment.pk, "pause"), {"on": "2027-02-02"}),
        post(api, api_url(ASSIGNMENTS, assignment.pk, "cancel"), {"on": "2027-02-02"}),
    ]

    # an id in a body is an input: another practice's reads as one that does not exist
    in_body = [
        post(api, PRESCRIPTIONS, {"day": first.pk, "exercise": shared("squat").pk}),
        post(api, BLOCKS, {"program": program.pk, "name": "X", "start": 1, "end": 1}),
    ]

    assert [r.status_code for r in responses] == [404] * len(responses)
    assert_error_shape(responses[0].json())
    assert [(r.status_code, r.json()["fields"]) for r in in_body] == [
        (400, {"day": ["Choose a day of one of your programs."]}),
        (400, {"program": ["Choose one of your programs or a starter template."]}),
    ]
    program.refresh_from_db()
    assert program.name == "Plan"
    assert Prescription.objects.get(pk=prescription.pk).sets == prescription.sets
    assert Prescription.objects.filter(day__program=program).count() == 1
    assert Block.objects.filter(pk=block.pk).exists()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACTIVE
    assert not Assignment.objects.filter(client=mine).exists()


def test_a_coach_can_open_and_edit_their_clients_copy(api, coach, library):
    program = legs_plan(coach)
    (assignment,) = assign(coach, program, starts_on=date(2027, 2, 1))
    copy_day = assignment.program.days.get(number=1)

    assert api.get(api_url(PROGRAMS, assignment.program_id)).status_code == 200
    assert patch(api, api_url(DAYS, copy_day.pk), {"title": "Just for Maya"}).status_code == 200
    assert day(program, 1).title == ""


def test_a_client_user_is_forbidden(client, library):
    user = ClientFactory.create(with_login=True).user
    client.force_login(user)
    for path in (PROGRAMS, ASSIGNMENTS, f"{PROGRAMS}1/", f"{DAYS}1/", f"{PRESCRIPTIONS}1/"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert_error_shape(response.json())
    assert post(client, PROGRAMS, {"name": "X", "kind": "routine"}).status_code == 403
    assert not Program.objects.exists()


def test_anonymous_users_are_refused(client):
    assert client.get(PROGRAMS).status_code in (401, 403)


# --- query counts --------------------------------------------------------------------------


def program_of(coach: Coach, length: int) -> Program:
    """A routine of `length` days with three exercises (one at a fixed stage) each day."""
    program = routine(coach, length_days=length)
    sldl = shared("single-leg-deadlift")
    add(coach, program, 1, shared("hip-hinge"))
    add(coach, program, 1, shared("deadlift"))
    add(coach, program, 1, sldl, stage=stage_of(sldl, 1))
    services.block_create(
        coach=coach, program=program, data={"name": "All", "start": 1, "end": length}
    )
    services.day_duplicate(coach=coach, day=day(program, 1), to_numbers=range(2, length + 1))  # type: ignore[arg-type]
    assert Prescription.objects.filter(day__program=program).count() == 3 * length
    return program


def test_program_detail_queries_do_not_grow_with_days(api, coach, library):
    short, long = program_of(coach, 3), program_of(coach, 60)
    api.get(PROGRAMS)  # warm up the session

    _, few = get_counting_queries(api, api_url(PROGRAMS, short.pk))
    response, many = get_counting_queries(api, api_url(PROGRAMS, long.pk))
    # the answer is drawn once, then kept until a program or the library changes
    again, cached = get_counting_queries(api, api_url(PROGRAMS, long.pk))

    assert many == few
    assert len(response.json()["days"]) == 60
    assert cached < many
    assert again.json() == response.json()


def test_builder_page_queries_do_not_grow_with_days(api, coach, library):
    short, long = program_of(coach, 3), program_of(coach, 60)
    api.get("/programs/")

    _, few = get_counting_queries(api, f"/programs/{short.pk}/")
    _, many = get_counting_queries(api, f"/programs/{long.pk}/")
    # the page is drawn once, then kept until something it shows changes
    _, again = get_counting_queries(api, f"/programs/{long.pk}/")

    assert many == few
    assert again < many


def test_a_shared_copy_is_read_only_until_customised_for_one_client(api, coach, library):
    program = legs_plan(coach)
    first, second = assign(
        coach,
        program,
        starts_on=date(2027, 2, 1),
        clients=ClientFactory.create_batch(2, coach=coach),
    )
    shared_copy = first.program_id
    refused = api.patch(
        api_url(PROGRAMS, shared_copy), {"name": "For everyone"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert "Customise it for one client" in refused.json()["message"]

    customised = post(api, api_url(ASSIGNMENTS, first.pk, "customise"))

    assert customised.status_code == 200
    own_copy = customised.json()["program"]
    assert own_copy not in (shared_copy, program.pk)
    renamed = api.patch(
        api_url(PROGRAMS, own_copy),
        {"name": "First client's plan"},
        content_type="application/json",
    )
    assert renamed.status_code == 200
    second.refresh_from_db()
    assert second.program_id == shared_copy
    assert Program.objects.get(pk=shared_copy).name == program.name
