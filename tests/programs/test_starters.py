"""The shared starter templates: idempotent seeding, the structure the training material asks
for, and no broken rule."""

from itertools import pairwise

import pytest
from django.core.management import call_command

from exercises.services import library_seed
from programs import selectors
from programs.models import Block, Day, Prescription, Program
from programs.rules import program_warnings
from programs.starters import POSTERIOR, RUNNER, SLDL, WALL_HOLD, starters_seed

pytestmark = pytest.mark.django_db

NAMES = {WALL_HOLD, SLDL, RUNNER, POSTERIOR}


@pytest.fixture
def starters(db) -> dict[str, Program]:
    library_seed()
    starters_seed()
    return {p.name: p for p in Program.objects.starters()}


def slugs_on(day: Day) -> list[str]:
    return [p.exercise.slug for p in day.prescriptions.order_by("order").select_related("exercise")]


def test_seeding_twice_gives_four_starters_and_no_duplicates(db):
    library_seed()
    first = starters_seed()
    counts = (Program.objects.count(), Day.objects.count(), Prescription.objects.count())

    second = starters_seed()

    assert len(first) == 4
    assert second == []
    assert Program.objects.starters().count() == 4
    assert set(Program.objects.starters().values_list("name", flat=True)) == NAMES
    assert (Program.objects.count(), Day.objects.count(), Prescription.objects.count()) == counts


def test_starters_belong_to_no_coach_and_are_templates(starters):
    for program in starters.values():
        assert program.owner is None
        assert program.is_template
        assert program.archived_at is None


def test_the_management_command_seeds_the_starters(db):
    library_seed()
    call_command("seed_starters")
    call_command("seed_starters")
    assert set(Program.objects.starters().values_list("name", flat=True)) == NAMES


def test_wall_hold_is_a_30_day_routine_with_a_growing_hold(starters):
    program = starters[WALL_HOLD]
    assert program.kind == Program.Kind.ROUTINE
    assert program.days.count() == 30

    holds: dict[int, int] = {}
    for prescription in Prescription.objects.filter(day__program=program).select_related(
        "day", "exercise"
    ):
        assert prescription.exercise.slug == "wall-single-leg-hold"
        assert prescription.hold_seconds is not None
        holds[prescription.day.number] = prescription.hold_seconds
    assert sorted(holds) == list(range(1, 31))
    assert holds[1] == 60
    assert holds[8] > holds[7] == holds[1]
    assert holds[15] > holds[8]
    assert holds[22] > holds[15]
    assert holds[30] == 180
    assert all(holds[n] <= holds[n + 1] for n in range(1, 30))


def test_single_leg_deadlift_climbs_the_three_stages_after_its_prerequisites(starters):
    program = starters[SLDL]
    assert program.kind == Program.Kind.PLAN

    stages = []
    for day in program.days.order_by("number"):
        slugs = slugs_on(day)
        assert "single-leg-deadlift" in slugs
        # Hip hinge and the two-leg deadlift come before the single-leg deadlift every session.
        assert slugs.index("hip-hinge") < slugs.index("single-leg-deadlift")
        if day.intensity != Day.Intensity.LOW:
            assert slugs.index("deadlift") < slugs.index("single-leg-deadlift")
        sldl = day.prescriptions.get(exercise__slug="single-leg-deadlift")
        assert sldl.stage is not None
        stages.append(sldl.stage.order)
    # Climbs 1 → 2 → 3, never going back, with several sessions at each rung.
    assert stages == sorted(stages)
    assert stages[0] == 1
    assert stages[-1] == 3
    assert all(stages.count(order) >= 3 for order in (1, 2, 3))
    assert Block.Focus.DELOAD in set(program.blocks.values_list("focus", flat=True))


def test_runners_block_goes_stability_strength_deload_speed_with_two_unilateral_sessions(
    starters, coach
):
    program = starters[RUNNER]
    assert (program.kind, program.weeks) == (Program.Kind.PLAN, 8)
    assert list(program.blocks.values_list("focus", flat=True)) == [
        Block.Focus.STABILITY,
        Block.Focus.STRENGTH,
        Block.Focus.DELOAD,
        Block.Focus.SPEED,
    ]
    blocks = list(program.blocks.all())
    assert blocks[0].start == 1
    assert blocks[-1].end == 8
    assert all(a.end + 1 == b.start for a, b in pairwise(blocks))

    full = selectors.program_get_for(coach=coach, pk=program.pk, full=True)
    sessions: dict[int, int] = {}
    for day in full.days.all():
        if any(p.exercise.laterality == "unilateral" for p in day.prescriptions.all()):
            assert day.week is not None
            sessions[day.week] = sessions.get(day.week, 0) + 1
    assert sessions == dict.fromkeys(range(1, 9), 2)
    # The two sessions are at least 48 hours apart.
    assert len(program.weekdays) == 2
    assert abs(program.weekdays[1] - program.weekdays[0]) >= 2
    deload = blocks[2]
    assert set(
        program.days.filter(week__gte=deload.start, week__lte=deload.end).values_list(
            "intensity", flat=True
        )
    ) == {Day.Intensity.LOW}


def test_posterior_chain_session_has_the_four_movements(starters):
    program = starters[POSTERIOR]
    four = {
        "single-leg-deadlift",
        "single-leg-bench-bridge",
        "single-leg-back-extension",
        "single-leg-ball-hamstring-curl",
    }
    days = list(program.days.order_by("number"))
    assert days
    for day in days:
        slugs = slugs_on(day)
        assert four <= set(slugs)
        assert slugs.index("hip-hinge") < slugs.index("single-leg-deadlift")


@pytest.mark.parametrize("name", sorted(NAMES))
def test_every_starter_breaks_no_rule(starters, coach, name):
    full = selectors.program_get_for(coach=coach, pk=starters[name].pk, full=True)
    assert program_warnings(full) == []
