"""The builder's services: layout of days, prescriptions, duplication, the routine generator and
the nested save."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coach.errors import DomainError, NotAllowed
from programs import selectors, services
from programs.doses import template_dose
from programs.models import Block, Day, Prescription, Program
from tests.coach.factories import CoachFactory
from tests.exercises.factories import ExerciseFactory, shared, stage_of
from tests.programs.factories import add, day, plan, routine, set_day

pytestmark = pytest.mark.django_db


def layout(program: Program) -> list[tuple[int, int | None, int | None]]:
    return list(program.days.order_by("number").values_list("number", "week", "weekday"))


def exercises_of(program: Program, number: int) -> list[str]:
    return list(
        Prescription.objects.filter(day__program=program, day__number=number)
        .order_by("order")
        .values_list("exercise__slug", flat=True)
    )


# --- program_create / program_update ----------------------------------------------------------


def test_a_routine_has_days_one_to_n(coach):
    program = routine(coach, length_days=30, name="Thirty days")

    assert program.owner == coach
    assert program.is_template
    assert layout(program) == [(n, None, None) for n in range(1, 31)]
    assert program.total_days == 30
    assert all(d.intensity == Day.Intensity.MODERATE and not d.is_rest for d in program.days.all())


def test_a_plan_has_weeks_times_weekdays_numbered_in_calendar_order(coach):
    program = plan(coach, weeks=3, weekdays=[4, 0, 2, 0])

    assert program.weekdays == [0, 2, 4]
    assert layout(program) == [
        (1, 1, 0), (2, 1, 2), (3, 1, 4),
        (4, 2, 0), (5, 2, 2), (6, 2, 4),
        (7, 3, 0), (8, 3, 2), (9, 3, 4),
    ]  # fmt: skip
    assert program.total_days == 21


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "plan", "weeks": 4, "weekdays": []}, "weekdays"),
        ({"kind": "plan", "weeks": 4, "weekdays": [7]}, "weekdays"),
        ({"kind": "plan", "weeks": 4, "weekdays": "mon"}, "weekdays"),
        ({"kind": "plan", "weeks": 0, "weekdays": [0]}, "weeks"),
        ({"kind": "routine", "length_days": 0}, "length_days"),
        ({"kind": "routine", "length_days": 367}, "length_days"),
        ({"kind": "routine", "length_days": 10, "name": ""}, "name"),
        ({"kind": "weekly", "length_days": 10}, "kind"),
    ],
)
def test_program_create_refuses_bad_input_and_creates_nothing(coach, data, field):
    with pytest.raises(DomainError) as error:
        services.program_create(coach=coach, data={"name": "Bad", **data})
    assert error.value.field == field
    assert not Program.objects.exists()
    assert not Day.objects.exists()


def test_a_routine_made_shorter_drops_the_days_past_the_end(coach, library):
    program = routine(coach, length_days=30)
    kept = add(coach, program, 5, shared("squat"))
    add(coach, program, 25, shared("squat"))
    ids = dict(program.days.values_list("number", "pk"))

    services.program_update(coach=coach, program=program, data={"length_days": 20})

    assert layout(program) == [(n, None, None) for n in range(1, 21)]
    # The remaining days are the same rows, with their exercises.
    assert dict(program.days.values_list("number", "pk")) == {n: ids[n] for n in range(1, 21)}
    assert list(Prescription.objects.filter(day__program=program)) == [kept]

    services.program_update(coach=coach, program=program, data={"length_days": 22})
    assert layout(program)[-1] == (22, None, None)
    assert not program.days.get(number=22).prescriptions.exists()


def test_a_plan_dropping_a_weekday_renumbers_and_keeps_the_other_days(coach, library):
    program = plan(coach, weeks=2, weekdays=[0, 2, 4])
    add(coach, program, 2, shared("squat"))  # week 1, Wednesday
    add(coach, program, 3, shared("split-squat"))  # week 1, Friday
    friday = day(program, 3)

    services.program_update(coach=coach, program=program, data={"weekdays": [0, 4]})

    assert layout(program) == [(1, 1, 0), (2, 1, 4), (3, 2, 0), (4, 2, 4)]
    assert day(program, 2).pk == friday.pk
    assert exercises_of(program, 2) == ["split-squat"]
    assert not Prescription.objects.filter(exercise__slug="squat", day__program=program).exists()

    services.program_update(coach=coach, program=program, data={"weekdays": [0, 2, 4], "weeks": 3})
    assert len(layout(program)) == 9
    assert exercises_of(program, 3) == ["split-squat"]


def test_program_update_refuses_a_plan_without_weekdays_and_changes_nothing(coach):
    program = plan(coach, weeks=2, weekdays=[1])
    with pytest.raises(DomainError) as error:
        services.program_update(coach=coach, program=program, data={"weekdays": []})
    assert error.value.field == "weekdays"
    program.refresh_from_db()
    assert program.weekdays == [1]
    assert program.days.count() == 2


def test_program_archive_keeps_the_program_out_of_the_list(coach):
    program = routine(coach, length_days=3)
    services.program_archive(coach=coach, program=program)
    program.refresh_from_db()
    assert program.archived_at is not None
    assert program not in selectors.program_list(coach=coach)


# --- days and blocks -----------------------------------------------------------------------


def test_day_update_changes_title_intensity_and_rest(coach):
    program = routine(coach, length_days=3)
    set_day(coach, program, 2, title="Recover", intensity="low", is_rest=True, notes="Walk.")
    second = day(program, 2)
    assert (second.title, second.intensity, second.is_rest, second.notes) == (
        "Recover", "low", True, "Walk."
    )  # fmt: skip

    with pytest.raises(DomainError) as error:
        set_day(coach, program, 2, intensity="extreme")
    assert error.value.field == "intensity"
    assert day(program, 2).intensity == "low"


def test_blocks_cover_days_of_a_routine_or_weeks_of_a_plan(coach):
    program = routine(coach, length_days=30)
    block = services.block_create(
        coach=coach,
        program=program,
        data={"name": "Base", "focus": "stability", "start": 1, "end": 10},
    )
    second = services.block_create(
        coach=coach,
        program=program,
        data={"name": "Build", "focus": "strength", "start": 11, "end": 30},
    )
    assert (block.order, second.order) == (1, 2)
    with pytest.raises(DomainError, match="30 days"):
        services.block_create(
            coach=coach, program=program, data={"name": "Over", "start": 25, "end": 31}
        )
    with pytest.raises(DomainError):
        services.block_create(
            coach=coach, program=program, data={"name": "Backwards", "start": 9, "end": 3}
        )

    weekly = plan(coach, weeks=8, weekdays=[1, 4])
    with pytest.raises(DomainError, match="8 weeks"):
        services.block_create(coach=coach, program=weekly, data={"name": "X", "start": 1, "end": 9})
    services.block_update(coach=coach, block=second, data={"end": 20})
    services.block_delete(coach=coach, block=block)
    assert list(program.blocks.values_list("name", "end")) == [("Build", 20)]


# --- prescriptions -------------------------------------------------------------------------


def test_prescription_add_leaves_the_dose_to_the_chosen_stage(coach):
    exercise = ExerciseFactory.create(owner=coach, stages=3)
    program = routine(coach, length_days=3)

    staged = add(coach, program, 1, exercise, stage=stage_of(exercise, 2))
    current = add(coach, program, 1, exercise)
    overridden = add(coach, program, 1, exercise, stage=stage_of(exercise, 3), sets=5, load="12.5")

    # Nothing of the stage is stored; the program shows the stage's dose.
    assert staged.stage == stage_of(exercise, 2)
    assert (staged.sets, staged.reps_per_side, staged.hold_seconds, staged.rest_seconds) == (
        None, None, None, None
    )  # fmt: skip
    shown = template_dose(staged)
    assert (shown.sets, shown.reps_per_side, shown.hold_seconds, shown.rest_seconds) == (
        3, 8, 20, 60
    )  # fmt: skip
    # No stage: the client's current stage, shown at the first rung's dose.
    assert current.stage is None
    assert (current.sets, current.reps_per_side, current.hold_seconds) == (None, None, None)
    shown = template_dose(current)
    assert (shown.sets, shown.reps_per_side, shown.hold_seconds) == (2, 7, 10)
    assert (overridden.sets, overridden.reps_per_side, overridden.load) == (
        5,
        None,
        Decimal("12.5"),
    )
    shown = template_dose(overridden)
    assert (shown.sets, shown.reps_per_side) == (5, 9)
    assert [p.order for p in day(program, 1).prescriptions.all()] == [1, 2, 3]


def test_prescription_add_without_stages_starts_from_a_dose_for_its_measurement(coach):
    reps = ExerciseFactory.create(owner=coach, measurement="reps")
    hold = ExerciseFactory.create(owner=coach, measurement="hold")
    program = routine(coach, length_days=1)
    prescription = add(coach, program, 1, reps, tempo="3-1-1-0", target_rpe=7)
    assert (prescription.sets, prescription.reps_per_side, prescription.hold_seconds) == (
        3, 8, None
    )  # fmt: skip
    held = add(coach, program, 1, hold, sets=1)
    assert (held.sets, held.reps_per_side, held.hold_seconds) == (1, None, 30)
    assert prescription.tempo == "3-1-1-0"
    assert prescription.target_rpe == 7


def test_prescription_add_refuses_foreign_exercises_and_stages(coach, library):
    program = routine(coach, length_days=1)
    foreign = ExerciseFactory.create(owner=CoachFactory.create())
    sldl = shared("single-leg-deadlift")

    with pytest.raises(DomainError) as error:
        add(coach, program, 1, foreign)
    assert error.value.field == "exercise"
    with pytest.raises(DomainError) as error:
        add(coach, program, 1, sldl, stage=stage_of(shared("wall-single-leg-hold"), 1))
    assert error.value.field == "stage"
    with pytest.raises(DomainError) as error:
        add(coach, program, 1, sldl, target_rpe=11)
    assert error.value.field == "target_rpe"
    with pytest.raises(DomainError) as error:
        add(coach, program, 1, sldl, load=-5)
    assert error.value.field == "load"
    assert not Prescription.objects.exists()


def test_prescription_update_changes_the_dose_and_refuses_bad_values(coach):
    exercise = ExerciseFactory.create(owner=coach, stages=3)
    program = routine(coach, length_days=1)
    prescription = add(coach, program, 1, exercise, stage=stage_of(exercise, 1))

    services.prescription_update(
        coach=coach,
        prescription=prescription,
        data={"sets": 4, "target_rpe": "8.5", "notes": None, "superset_group": "A"},
    )
    prescription.refresh_from_db()
    assert (prescription.sets, prescription.target_rpe, prescription.superset_group) == (
        4, Decimal("8.5"), "A"
    )  # fmt: skip

    with pytest.raises(DomainError) as error:
        services.prescription_update(
            coach=coach, prescription=prescription, data={"target_rpe": 11, "sets": 9}
        )
    assert error.value.field == "target_rpe"
    prescription.refresh_from_db()
    assert (prescription.sets, prescription.target_rpe) == (4, Decimal("8.5"))


def test_changing_the_exercise_clears_a_stage_of_the_old_one(coach):
    first = ExerciseFactory.create(owner=coach, stages=3)
    second = ExerciseFactory.create(owner=coach, stages=3)
    program = routine(coach, length_days=1)
    prescription = add(coach, program, 1, first, stage=stage_of(first, 2))

    services.prescription_update(
        coach=coach, prescription=prescription, data={"exercise": second.pk}
    )
    prescription.refresh_from_db()
    assert (prescription.exercise, prescription.stage) == (second, None)

    services.prescription_update(
        coach=coach, prescription=prescription, data={"stage": stage_of(second, 3).pk}
    )
    prescription.refresh_from_db()
    assert prescription.stage == stage_of(second, 3)


def test_prescription_delete_and_reorder(coach):
    program = routine(coach, length_days=1)
    a, b, c = (add(coach, program, 1, ExerciseFactory.create(owner=coach)) for _ in range(3))

    services.prescriptions_reorder(coach=coach, day=day(program, 1), ids=[c.pk, a.pk, b.pk])
    assert list(day(program, 1).prescriptions.values_list("pk", flat=True)) == [c.pk, a.pk, b.pk]

    with pytest.raises(DomainError):
        services.prescriptions_reorder(coach=coach, day=day(program, 1), ids=[c.pk, a.pk])
    with pytest.raises(DomainError):
        services.prescriptions_reorder(coach=coach, day=day(program, 1), ids=[c.pk, a.pk, a.pk])

    services.prescription_delete(coach=coach, prescription=a)
    assert list(day(program, 1).prescriptions.values_list("pk", flat=True)) == [c.pk, b.pk]
    # Adding after a delete goes to the end.
    d = add(coach, program, 1, ExerciseFactory.create(owner=coach))
    assert list(day(program, 1).prescriptions.values_list("pk", flat=True)) == [c.pk, b.pk, d.pk]


# --- duplicate a day, copy a week, duplicate a program ---------------------------------------


def test_day_duplicate_copies_exercises_title_and_intensity_onto_other_days(coach, library):
    program = routine(coach, length_days=10)
    add(coach, program, 1, shared("squat"), sets=5)
    add(coach, program, 1, shared("split-squat"))
    set_day(coach, program, 1, title="Legs", intensity="high")
    add(coach, program, 3, shared("hip-hinge"))

    targets = services.day_duplicate(coach=coach, day=day(program, 1), to_numbers=[2, 3, 1])

    assert sorted(t.number for t in targets) == [2, 3]
    for number in (2, 3):
        assert exercises_of(program, number) == ["squat", "split-squat"]
        copied = day(program, number)
        assert (copied.title, copied.intensity) == ("Legs", "high")
    assert day(program, 2).prescriptions.first().sets == 5  # type: ignore[union-attr]
    assert exercises_of(program, 4) == []
    with pytest.raises(DomainError):
        services.day_duplicate(coach=coach, day=day(program, 1), to_numbers=[11])


def test_week_copy_in_a_plan_and_in_a_routine(coach, library):
    weekly = plan(coach, weeks=3, weekdays=[0, 3])
    add(coach, weekly, 1, shared("squat"))
    add(coach, weekly, 2, shared("split-squat"))
    add(coach, weekly, 5, shared("hip-hinge"))  # week 3, Monday: replaced

    services.week_copy(coach=coach, program=weekly, from_week=1, to_week=3)

    assert exercises_of(weekly, 5) == ["squat"]
    assert exercises_of(weekly, 6) == ["split-squat"]
    assert exercises_of(weekly, 3) == []

    daily = routine(coach, length_days=21)
    for number in range(1, 8):
        add(coach, daily, number, shared("wall-single-leg-hold"), hold_seconds=30 + number)
    services.week_copy(coach=coach, program=daily, from_week=1, to_week=2)
    holds = dict(
        Prescription.objects.filter(day__program=daily).values_list("day__number", "hold_seconds")
    )
    assert holds == {n: 30 + n for n in range(1, 8)} | {n + 7: 30 + n for n in range(1, 8)}

    with pytest.raises(DomainError):
        services.week_copy(coach=coach, program=daily, from_week=1, to_week=1)
    with pytest.raises(DomainError):
        services.week_copy(coach=coach, program=daily, from_week=1, to_week=4)


def test_program_duplicate_is_a_full_independent_copy(coach, library):
    program = plan(coach, weeks=2, weekdays=[1, 4], name="Runner", goal="Run well")
    services.block_create(
        coach=coach,
        program=program,
        data={"name": "Base", "focus": "stability", "start": 1, "end": 2},
    )
    sldl = shared("single-leg-deadlift")
    add(coach, program, 1, sldl, stage=stage_of(sldl, 2), load=20, load_unit="lb", tempo="3-1-1-0")
    add(coach, program, 3, shared("squat"), superset_group="A")
    set_day(coach, program, 3, intensity="high", title="Heavy")

    copy = services.program_duplicate(coach=coach, program=program)

    assert copy.pk != program.pk
    assert (copy.name, copy.owner, copy.is_template, copy.copied_from) == (
        "Runner (copy)", coach, True, program
    )  # fmt: skip
    assert (copy.kind, copy.weeks, copy.weekdays, copy.goal) == ("plan", 2, [1, 4], "Run well")
    assert list(copy.blocks.values_list("name", "focus", "start", "end")) == [
        ("Base", "stability", 1, 2)
    ]
    assert layout(copy) == layout(program)
    assert day(copy, 3).title == "Heavy"
    first = day(copy, 1).prescriptions.get()
    assert (first.exercise, first.stage, first.load, first.load_unit, first.tempo) == (
        sldl, stage_of(sldl, 2), Decimal(20), "lb", "3-1-1-0"
    )  # fmt: skip
    assert day(copy, 3).prescriptions.get().superset_group == "A"

    # Changing the copy leaves the original alone.
    services.prescription_update(coach=coach, prescription=first, data={"load": 30})
    assert day(program, 1).prescriptions.get().load == Decimal(20)
    named = services.program_duplicate(coach=coach, program=program, name="  Mine  ")
    assert named.name == "Mine"


def test_starters_can_be_duplicated_but_another_coachs_programs_cannot(coach, library):
    starter = services.routine_generate(
        coach=None, name="Starter", items=[{"exercise": shared("wall-single-leg-hold").pk}],
        length_days=5,
    )  # fmt: skip
    copy = services.program_duplicate(coach=coach, program=starter)
    assert copy.owner == coach
    assert Prescription.objects.filter(day__program=copy).count() == 5

    other = routine(CoachFactory.create(), length_days=3)
    with pytest.raises(NotAllowed):
        services.program_duplicate(coach=coach, program=other)


def test_starters_and_other_coachs_programs_are_read_only(coach, library):
    starter = services.routine_generate(
        coach=None, name="Starter", items=[{"exercise": shared("wall-single-leg-hold").pk}],
        length_days=5,
    )  # fmt: skip
    other_coach = CoachFactory.create()
    foreign = routine(other_coach, length_days=3)
    prescription = day(starter, 1).prescriptions.get()
    block = Block.objects.create(program=starter, order=1, name="All", start=1, end=5)
    attempts = [
        lambda p: services.program_update(coach=coach, program=p, data={"name": "Mine now"}),
        lambda p: services.program_archive(coach=coach, program=p),
        lambda p: services.day_update(coach=coach, day=day(p, 1), data={"title": "X"}),
        lambda p: services.prescription_add(
            coach=coach, day=day(p, 1), exercise_id=shared("squat").pk
        ),
        lambda p: services.day_duplicate(coach=coach, day=day(p, 1), to_numbers=[2]),
        lambda p: services.block_create(
            coach=coach, program=p, data={"name": "B", "start": 1, "end": 1}
        ),
        lambda p: services.program_structure_save(coach=coach, program=p, blocks=[], days=[]),
    ]
    for program in (starter, foreign):
        for attempt in attempts:
            with pytest.raises(NotAllowed):
                attempt(program)
    with pytest.raises(NotAllowed):
        services.prescription_update(coach=coach, prescription=prescription, data={"sets": 9})
    with pytest.raises(NotAllowed):
        services.prescription_delete(coach=coach, prescription=prescription)
    with pytest.raises(NotAllowed):
        services.block_delete(coach=coach, block=block)
    starter.refresh_from_db()
    assert starter.name == "Starter"
    assert starter.archived_at is None
    assert Prescription.objects.filter(day__program=starter).count() == 5
    assert starter.blocks.count() == 1


# --- the routine generator -------------------------------------------------------------------


def _generated(program: Program, field: str) -> dict[int, object]:
    return dict(Prescription.objects.filter(day__program=program).values_list("day__number", field))


def _shown(program: Program, field: str) -> dict[int, object]:
    """A dose field of each day as the program shows it, the stage's where the day has none."""
    prescriptions = Prescription.objects.filter(day__program=program).select_related(
        "day", "exercise", "stage"
    )
    return {p.day.number: getattr(template_dose(p), field) for p in prescriptions}


def test_generate_a_30_day_hold_routine_adding_15_seconds_a_week(coach, library):
    hold = shared("wall-single-leg-hold")
    program = services.routine_generate(
        coach=coach,
        name="Thirty days of holds",
        items=[{"exercise": hold.pk, "stage": stage_of(hold, 1).pk, "hold_seconds": 45}],
        length_days=30,
        step="hold",
        step_amount=15,
        every_days=7,
    )

    assert program.owner == coach
    assert program.kind == Program.Kind.ROUTINE
    assert program.days.count() == 30
    holds = _generated(program, "hold_seconds")
    assert len(holds) == 30
    assert holds[1] == holds[7] == 45
    assert holds[8] == holds[14] == 60
    assert holds[15] == 75
    assert holds[22] == 90
    assert holds[29] == holds[30] == 105  # base + 60
    assert set(_generated(program, "stage")) == set(range(1, 31))
    assert set(_generated(program, "stage").values()) == {stage_of(hold, 1).pk}
    assert day(program, 30).title == ""  # the heading already says "Day 30"
    assert set(program.days.values_list("intensity", flat=True)) == {"low"}


def test_generate_adding_a_rep_every_week(coach):
    exercise = ExerciseFactory.create(owner=coach, stages=3)
    program = services.routine_generate(
        coach=coach,
        name="Reps",
        items=[{"exercise": exercise.pk, "reps_per_side": 5}, {"exercise": exercise.pk}],
        length_days=30,
        step="reps",
        step_amount=1,
        intensity="moderate",
    )
    first = dict(
        Prescription.objects.filter(day__program=program, order=1).values_list(
            "day__number", "reps_per_side"
        )
    )
    assert (first[1], first[7], first[8], first[15], first[22], first[30]) == (5, 5, 6, 7, 8, 9)
    assert Prescription.objects.filter(day__program=program).count() == 60


def test_generate_stepping_up_the_ladder_stops_at_the_top_with_each_stages_dose(coach):
    exercise = ExerciseFactory.create(owner=coach, stages=3)
    stages = [stage_of(exercise, n) for n in (1, 2, 3)]
    program = services.routine_generate(
        coach=coach,
        name="Climb",
        items=[{"exercise": exercise.pk, "stage": stages[0].pk}],
        length_days=30,
        step="stage",
        step_amount=1,
        every_days=7,
    )

    by_day = _generated(program, "stage")
    assert {by_day[n] for n in range(1, 8)} == {stages[0].pk}
    assert {by_day[n] for n in range(8, 15)} == {stages[1].pk}
    assert {by_day[n] for n in range(15, 31)} == {stages[2].pk}  # capped at the top rung
    sets = _shown(program, "sets")
    assert (sets[1], sets[8], sets[30]) == (2, 3, 4)
    assert _shown(program, "hold_seconds")[8] == 20
    # Each rung's dose is its own, not a copy: none is stored on the days.
    assert set(_generated(program, "sets").values()) == {None}


def test_generate_by_stage_repeats_day_one_exactly_until_the_first_step(coach):
    """Without a starting stage the climb starts on the first rung, day 1 included; the dose
    given for day 1 holds until the next rung brings its own."""
    exercise = ExerciseFactory.create(owner=coach, stages=3)
    program = services.routine_generate(
        coach=coach,
        name="Climb",
        items=[{"exercise": exercise.pk, "sets": 5}],
        length_days=14,
        step="stage",
        step_amount=1,
    )
    stages = _generated(program, "stage")
    sets = _shown(program, "sets")
    assert {stages[n] for n in range(1, 8)} == {stage_of(exercise, 1).pk}
    assert {sets[n] for n in range(1, 8)} == {5}
    assert {stages[n] for n in range(8, 15)} == {stage_of(exercise, 2).pk}
    assert {sets[n] for n in range(8, 15)} == {3}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"items": []}, "items"),
        ({"step": "load"}, "step"),
        ({"step": "hold", "step_amount": 0}, "step_amount"),
        ({"every_days": 0}, "every_days"),
        ({"length_days": 0}, "length_days"),
    ],
)
def test_generate_refuses_bad_input_and_creates_nothing(coach, library, kwargs, field):
    arguments = {
        "coach": coach,
        "name": "Bad",
        "items": [{"exercise": shared("wall-single-leg-hold").pk}],
        **kwargs,
    }
    with pytest.raises(DomainError) as error:
        services.routine_generate(**arguments)
    assert error.value.field == field
    assert not Program.objects.exists()


# --- nested save -------------------------------------------------------------------------------


def _payload(program: Program) -> list[dict]:
    full = selectors.program_get_for(coach=program.owner, pk=program.pk, full=True)  # type: ignore[arg-type]
    return [
        {
            "number": d.number,
            "title": d.title,
            "intensity": d.intensity,
            "prescriptions": [
                {"id": p.pk, "exercise": p.exercise_id, "stage": p.stage_id, "sets": p.sets}
                for p in d.prescriptions.all()
            ],
        }
        for d in full.days.all()
    ]


def test_structure_save_keeps_adds_removes_and_reorders(coach, library):
    program = routine(coach, length_days=3)
    squat = add(coach, program, 1, shared("squat"))
    split = add(coach, program, 1, shared("split-squat"))
    hinge = add(coach, program, 1, shared("hip-hinge"))
    untouched = add(coach, program, 3, shared("deadlift"))
    sldl = shared("single-leg-deadlift")

    services.program_structure_save(
        coach=coach,
        program=program,
        blocks=[{"name": "Only", "focus": "strength", "start": 1, "end": 3}],
        days=[
            {
                "number": 1,
                "title": "Legs",
                "intensity": "high",
                "prescriptions": [
                    {"id": hinge.pk, "exercise": hinge.exercise_id, "sets": 2},
                    {"exercise": sldl.pk, "stage": stage_of(sldl, 2).pk, "sets": 3, "load": 15},
                    {"id": squat.pk, "exercise": squat.exercise_id, "sets": 5, "target_rpe": 8},
                ],
            },
            {"number": 2, "is_rest": True, "prescriptions": []},
        ],
    )

    rows = list(day(program, 1).prescriptions.order_by("order"))
    assert [p.exercise.slug for p in rows] == ["hip-hinge", "single-leg-deadlift", "squat"]
    assert [p.order for p in rows] == [1, 2, 3]
    assert rows[0].pk == hinge.pk
    assert rows[2].pk == squat.pk
    assert (rows[2].sets, rows[2].target_rpe) == (5, 8)
    assert (rows[1].stage, rows[1].load) == (stage_of(sldl, 2), 15)
    assert not Prescription.objects.filter(pk=split.pk).exists()
    assert (day(program, 1).title, day(program, 1).intensity) == ("Legs", "high")
    assert day(program, 2).is_rest
    assert list(program.blocks.values_list("order", "name")) == [(1, "Only")]
    # A day not in the payload keeps its exercises.
    assert list(day(program, 3).prescriptions.all()) == [untouched]


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"stage": "other"}, "days.0.prescriptions.1.stage"),
        ({"exercise": "foreign"}, "days.0.prescriptions.1.exercise"),
        ({"target_rpe": 11}, "days.0.prescriptions.1.target_rpe"),
        ({"sets": -1}, "days.0.prescriptions.1.sets"),
    ],
)
def test_structure_save_names_the_bad_field_and_changes_nothing(coach, library, item, field):
    program = routine(coach, length_days=2)
    kept = add(coach, program, 1, shared("squat"), sets=3)
    sldl = shared("single-leg-deadlift")
    bad: dict[str, object] = {"exercise": sldl.pk}
    if item.get("stage") == "other":
        bad["stage"] = stage_of(shared("wall-single-leg-hold"), 1).pk
    elif item.get("exercise") == "foreign":
        bad["exercise"] = ExerciseFactory.create(owner=CoachFactory.create()).pk
    else:
        bad.update(item)

    with pytest.raises(DomainError) as error:
        services.program_structure_save(
            coach=coach,
            program=program,
            blocks=None,
            days=[
                {
                    "number": 1,
                    "title": "Changed",
                    "prescriptions": [
                        {"id": kept.pk, "exercise": kept.exercise_id, "sets": 9},
                        bad,
                    ],
                }
            ],
        )

    assert error.value.field == field
    kept.refresh_from_db()
    assert kept.sets == 3
    assert Prescription.objects.filter(day__program=program).count() == 1
    assert day(program, 1).title == ""


def test_structure_save_refuses_a_day_the_program_does_not_have(coach):
    program = routine(coach, length_days=2)
    with pytest.raises(DomainError) as error:
        services.program_structure_save(
            coach=coach, program=program, blocks=None, days=[{"number": 3, "prescriptions": []}]
        )
    assert error.value.field == "days.0.number"


def test_structure_save_refuses_a_block_past_the_end(coach):
    program = routine(coach, length_days=10)
    services.block_create(coach=coach, program=program, data={"name": "Old", "start": 1, "end": 10})
    with pytest.raises(DomainError) as error:
        services.program_structure_save(
            coach=coach,
            program=program,
            blocks=[
                {"name": "A", "focus": "stability", "start": 1, "end": 5},
                {"name": "B", "focus": "strength", "start": 6, "end": 12},
            ],
            days=None,
        )
    assert error.value.field == "blocks.1.end"
    assert list(program.blocks.values_list("name", flat=True)) == ["Old"]


def _queries_to_save(coach, length: int) -> int:
    program = routine(coach, length_days=length)
    exercises = [shared("squat"), shared("split-squat"), shared("single-leg-deadlift")]
    for number in range(1, length + 1):
        for exercise in exercises:
            add(coach, program, number, exercise)
    payload = _payload(program)
    for entry in payload:
        entry["title"] = "Saved"
        entry["prescriptions"].reverse()
        entry["prescriptions"][0]["sets"] = 6
        entry["prescriptions"].pop()
        entry["prescriptions"].append({"exercise": shared("hip-hinge").pk, "sets": 2})
    blocks = [{"name": "All", "focus": "general", "start": 1, "end": length}]
    with CaptureQueriesContext(connection) as context:
        services.program_structure_save(coach=coach, program=program, blocks=blocks, days=payload)
    assert set(day(program, length).prescriptions.values_list("exercise__slug", flat=True)) == {
        "single-leg-deadlift", "split-squat", "hip-hinge"
    }  # fmt: skip
    return len(context.captured_queries)


def test_structure_save_takes_the_same_number_of_queries_for_3_and_30_days(coach, library):
    assert _queries_to_save(coach, 3) == _queries_to_save(coach, 30)
