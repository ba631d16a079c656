"""The shared starter templates: idempotent seeding, the structure the training material asks
for, doses a coach could hand out as they are, and no broken rule from any start day."""

from datetime import date
from itertools import pairwise

import pytest
from django.core.management import call_command

from exercises.models import Exercise
from exercises.services import library_seed
from programs import selectors
from programs.doses import template_dose
from programs.models import Block, Day, Prescription, Program
from programs.rules import is_warm_up, program_warnings
from programs.starters import POSTERIOR, RUNNER, SLDL, WALL_HOLD, starters_seed
from tests.exercises.factories import shared
from tests.programs.factories import assign
from training.doses import dose_resolve

pytestmark = pytest.mark.django_db

NAMES = {WALL_HOLD, SLDL, RUNNER, POSTERIOR}


@pytest.fixture
def starters(db) -> dict[str, Program]:
    library_seed()
    starters_seed()
    return {p.name: p for p in Program.objects.starters()}


def days_of(program: Program) -> list[Day]:
    return list(
        program.days.order_by("number").prefetch_related(
            "prescriptions__exercise__stages", "prescriptions__stage"
        )
    )


def items(day: Day) -> list[Prescription]:
    return sorted(day.prescriptions.all(), key=lambda p: p.order)


def slugs_on(day: Day) -> list[str]:
    return [p.exercise.slug for p in items(day)]


def test_seeding_twice_gives_four_starters_and_no_duplicates(db):
    library_seed()
    first = starters_seed()
    counts = (Program.objects.count(), Day.objects.count(), Prescription.objects.count())
    ids = set(Prescription.objects.values_list("pk", flat=True))

    second = starters_seed()

    assert len(first) == 4
    assert second == []
    assert set(Program.objects.starters().values_list("name", flat=True)) == NAMES
    assert (Program.objects.count(), Day.objects.count(), Prescription.objects.count()) == counts
    # Nothing was rebuilt: the same rows.
    assert set(Prescription.objects.values_list("pk", flat=True)) == ids


def test_starters_belong_to_no_coach_and_are_templates(starters):
    for program in starters.values():
        assert program.owner is None
        assert program.is_template
        assert program.archived_at is None


def test_the_management_command_seeds_the_starters(db):
    call_command("seed_starters")
    call_command("seed_starters")
    assert set(Program.objects.starters().values_list("name", flat=True)) == NAMES


def test_an_out_of_date_starter_is_brought_up_to_date_in_place(starters, coach):
    # given a client who was given the wall hold, and a starter as an older seed left it
    program = starters[WALL_HOLD]
    (assignment,) = assign(coach, program, starts_on=date(2026, 3, 2))
    copy_rows = list(
        Prescription.objects.filter(day__program=assignment.program).values_list(
            "pk", "stage", "hold_seconds"
        )
    )
    Prescription.objects.filter(day__program=program).update(
        stage=shared("wall-single-leg-hold").stages.get(key="single-leg-1-min"), hold_seconds=180
    )
    Program.objects.filter(pk=program.pk).update(description="Old words.")

    # when the starters are seeded again
    assert starters_seed() == []

    # then the starter is as the seed says, in the same row, and the client's copy is untouched
    program.refresh_from_db()
    assert program.description.startswith("The wall hold every day")
    assert Program.objects.starters().filter(name=WALL_HOLD).get().pk == program.pk
    assert not Prescription.objects.filter(day__program=program, stage__isnull=False).exists()
    assert not Prescription.objects.filter(day__program=program, hold_seconds__isnull=False)
    assignment.refresh_from_db()
    assert assignment.template_id == program.pk
    assert (
        list(
            Prescription.objects.filter(day__program=assignment.program).values_list(
                "pk", "stage", "hold_seconds"
            )
        )
        == copy_rows
    )


# --- the 30-day wall hold --------------------------------------------------------------------


def test_wall_hold_is_daily_for_30_days_at_the_clients_own_stage(starters):
    program = starters[WALL_HOLD]
    assert program.kind == Program.Kind.ROUTINE
    days = days_of(program)
    assert len(days) == 30
    for day in days:
        (hold,) = items(day)
        assert hold.exercise.slug == "wall-single-leg-hold"
        assert day.intensity == Day.Intensity.LOW
        # Progression by quality: the coach moves the client up; the calendar fixes no rung
        # and no dose of its own.
        assert hold.stage is None
        assert (hold.sets, hold.reps_per_side, hold.hold_seconds, hold.rest_seconds) == (None,) * 4


def test_wall_hold_on_day_29_reads_the_clients_rung_and_its_own_hold(starters):
    hold = shared("wall-single-leg-hold")
    day_29 = starters[WALL_HOLD].days.get(number=29).prescriptions.select_related("exercise").get()

    set_up = dose_resolve(day_29, hold.stages.get(order=1))
    long_hold = dose_resolve(day_29, hold.stages.get(key="single-leg-3-to-5-min"))

    # A client still on the set-up holds a minute on both feet, not three on one leg.
    assert set_up.stage is not None
    assert (set_up.stage.name, set_up.hold_seconds, set_up.is_per_side) == (
        "Two-foot set-up",
        60,
        False,
    )
    assert (long_hold.hold_seconds, long_hold.is_per_side) == (180, True)
    # A new client starts at the two-foot set-up: the first rung.
    first = template_dose(day_29).stage
    assert first is not None
    assert first.key == "two-foot-set-up"


# --- the single-leg deadlift -----------------------------------------------------------------


def test_single_leg_deadlift_climbs_its_three_stages_after_its_prerequisites(starters):
    program = starters[SLDL]
    assert program.kind == Program.Kind.PLAN
    stages = []
    for day in days_of(program):
        slugs = slugs_on(day)
        # The hip hinge (and the two-leg deadlift, but in the lighter week) come first.
        assert slugs.index("hip-hinge") < slugs.index("single-leg-deadlift")
        if day.intensity != Day.Intensity.LOW:
            assert slugs.index("deadlift") < slugs.index("single-leg-deadlift")
        sldl = next(p for p in items(day) if p.exercise.slug == "single-leg-deadlift")
        assert sldl.stage is not None
        stages.append(sldl.stage)
    orders = [stage.order for stage in stages]
    assert orders == sorted(orders)
    assert (orders[0], orders[-1]) == (1, 3)
    # Enough sessions at each rung to meet that rung's own criteria before the next.
    for below in (1, 2):
        needed = next(s for s in stages if s.order == below).criteria_sessions
        assert needed
        assert orders.count(below) >= needed


def test_single_leg_deadlift_loaded_sessions_carry_the_load_bands(starters):
    loaded = [
        template_dose(p)
        for day in days_of(starters[SLDL])
        for p in items(day)
        if p.stage is not None and p.stage.key == "loaded"
    ]
    assert len(loaded) >= 6
    for dose in loaded:
        assert dose.load_text == "10–20 lb, building to 25–35 lb (women) / 35–45 lb (men)"
    sldl = next(p for day in days_of(starters[SLDL]) for p in items(day) if p.stage is not None)
    resolved = dose_resolve(
        sldl, shared("single-leg-deadlift").stages.get(key="loaded"), sex="female"
    )
    assert resolved.load_text == "10–20 lb, building to 25–35 lb"


def test_single_leg_deadlift_warm_up_has_a_real_dose_and_counts_as_warm_up(starters):
    for day in days_of(starters[SLDL]):
        for prescription in items(day):
            if prescription.exercise.slug in {"hip-hinge", "deadlift"}:
                assert prescription.sets
                assert prescription.reps_per_side
                assert is_warm_up(prescription)
                assert template_dose(prescription).from_stage == set()


def test_single_leg_deadlift_lighter_week_is_lighter_by_its_content(starters):
    days = days_of(starters[SLDL])
    lighter = [d for d in days if d.week == 6]
    hard = [d for d in days if d.week == 5]
    assert {d.intensity for d in lighter} == {Day.Intensity.LOW}

    def sets(day: Day) -> int:
        return sum(template_dose(p).sets or 0 for p in items(day))

    assert sum(map(sets, lighter)) < sum(map(sets, hard))


# --- the runner's block ----------------------------------------------------------------------


def test_runners_block_goes_stability_strength_deload_speed_with_two_sessions_a_week(
    starters, coach
):
    program = starters[RUNNER]
    assert (program.kind, program.weeks) == (Program.Kind.PLAN, 8)
    blocks = list(program.blocks.all())
    assert [b.focus for b in blocks] == [
        Block.Focus.STABILITY,
        Block.Focus.STRENGTH,
        Block.Focus.DELOAD,
        Block.Focus.SPEED,
    ]
    assert (blocks[0].start, blocks[-1].end) == (1, 8)
    assert all(a.end + 1 == b.start for a, b in pairwise(blocks))
    sessions: dict[int, int] = {}
    for day in days_of(program):
        if any(p.exercise.laterality != Exercise.Laterality.BILATERAL for p in items(day)):
            sessions[day.week or 0] = sessions.get(day.week or 0, 0) + 1
    assert sessions == dict.fromkeys(range(1, 9), 2)
    assert abs(program.weekdays[1] - program.weekdays[0]) >= 2


def test_runners_block_starts_with_the_light_hinge_and_lift_not_in_its_speed_phase(starters):
    program = starters[RUNNER]
    weeks_with = {
        day.week for day in days_of(program) if "single-leg-hinge-and-lift" in slugs_on(day)
    }
    assert 1 in weeks_with
    speed = program.blocks.get(focus=Block.Focus.SPEED)
    assert not weeks_with & set(range(speed.start, speed.end + 1))


def test_runners_sessions_alternate_stability_and_strength_work(starters):
    for day in days_of(starters[RUNNER]):
        main = [p.exercise.category for p in items(day) if not is_warm_up(p)]
        kinds = [c for c in main if c in {"stability", "strength"}]
        assert kinds[0] == "stability", day
        assert {"stability", "strength"} <= set(kinds), day
        assert all(a != b for a, b in pairwise(kinds)), (day, kinds)


def test_runners_balance_work_progresses_with_the_client(starters):
    for day in days_of(starters[RUNNER]):
        for prescription in items(day):
            if prescription.exercise.slug in {
                "single-leg-balance-hold",
                "unstable-surface-balance",
            }:
                assert prescription.stage is None


def test_runners_running_work_has_times(starters):
    hills = [
        template_dose(p)
        for day in days_of(starters[RUNNER])
        for p in items(day)
        if p.exercise.slug == "hill-repeats"
    ]
    assert hills
    for dose in hills:
        assert dose.sets
        assert dose.hold_seconds
    assert shared("hill-repeats").measurement == Exercise.Measurement.TIME


# --- the posterior chain ---------------------------------------------------------------------


def test_posterior_chain_session_has_the_four_movements_and_progresses_week_by_week(starters):
    program = starters[POSTERIOR]
    four = {
        "single-leg-deadlift",
        "single-leg-bench-bridge",
        "single-leg-back-extension",
        "single-leg-ball-hamstring-curl",
    }
    volume: dict[int, int] = {}
    sldl_stage: dict[int, int] = {}
    for day in days_of(program):
        slugs = slugs_on(day)
        assert four <= set(slugs)
        assert slugs.index("hip-hinge") < slugs.index("single-leg-deadlift")
        for prescription in items(day):
            dose = template_dose(prescription)
            if prescription.exercise.slug == "single-leg-deadlift":
                assert dose.stage is not None
                sldl_stage[day.week or 0] = dose.stage.order
            elif not is_warm_up(prescription):
                volume[day.week or 0] = (dose.sets or 0) * (dose.reps_per_side or 0) + volume.get(
                    day.week or 0, 0
                )
    assert list(volume) == [1, 2, 3, 4]
    assert all(a < b for a, b in pairwise(volume.values()))
    assert list(sldl_stage.values()) == sorted(sldl_stage.values())
    assert sldl_stage[4] > sldl_stage[1]


# --- no rule broken, whatever the start day --------------------------------------------------


@pytest.mark.parametrize("name", sorted(NAMES))
def test_every_starter_breaks_no_rule_from_any_start_day(starters, coach, name):
    full = selectors.program_get_for(coach=coach, pk=starters[name].pk, full=True)
    assert program_warnings(full) == []
