"""The shared starter templates, built from the training material. Safe to run again.

Every figure a starter writes on a prescription (sets, reps, a hold, rest, an effort) is a product
default: the material's own figures live on the stages (the single-leg deadlift's load bands, the
wall hold's minute on both feet and its 3 to 5 minutes on one leg, leg lowering's 5 a side), and
a starter leaves them to the stage. The builder marks the starters' own figures as defaults.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import transaction

from coach.common import changes_plans
from exercises.models import Exercise
from programs import services
from programs.models import Block, Day, Program

WALL_HOLD = "30-day wall single-leg hold"
SLDL = "Single-leg deadlift: three stages"
RUNNER = "Runner's 8-week single-leg block"
POSTERIOR = "Posterior-chain single-leg session"

# Said on drills done to prepare, not as the session's main work.
WARM_UP = "Warm-up: light, smooth reps."

LOW, MODERATE, HIGH = Day.Intensity.LOW, Day.Intensity.MODERATE, Day.Intensity.HIGH

Library = Mapping[str, Exercise]
# A week of a plan: its days' title, intensity and exercises.
Week = tuple[str, str, list[dict[str, Any]]]


def _item(library: Library, slug: str, stage: str | None = None, **dose: Any) -> dict[str, Any]:
    """A day's exercise, at the rung with this key (else the client's current stage). Dose
    fields not given are the stage's; an exercise without stages gets one for how it is
    measured."""
    exercise = library[slug]
    item: dict[str, Any] = {"exercise": exercise.pk, **dose}
    if stage is not None:
        item["stage"] = next(s.pk for s in exercise.stages.all() if s.key == stage)
    return item


def _plan(
    *,
    name: str,
    weekdays: list[int],
    goal: str,
    description: str,
    blocks: Sequence[tuple[str, str, int, int]],
    weeks: Sequence[Week],
) -> Program:
    """A plan whose training days in each week get that week's title, intensity and exercises."""
    program = services.program_create(
        coach=None,
        data={
            "name": name,
            "kind": Program.Kind.PLAN,
            "weeks": len(weeks),
            "weekdays": weekdays,
            "goal": goal,
            "description": description,
        },
    )
    for order, (block_name, focus, start, end) in enumerate(blocks, start=1):
        Block.objects.create(
            program=program, order=order, name=block_name, focus=focus, start=start, end=end
        )
    for day in program.days.order_by("number"):
        title, intensity, items = weeks[(day.week or 1) - 1]
        day.title, day.intensity = title, intensity
        day.save(update_fields=["title", "intensity"])
        for item in items:
            services.starter_prescription_add(day=day, item=item)
    return program


def _weeks(*spans: tuple[int, Week]) -> list[Week]:
    """Weeks from (how many weeks, the week) spans, in order."""
    return [week for count, week in spans for _ in range(count)]


def _hinge_warm_up(ex: Library) -> list[dict[str, Any]]:
    """The single-leg deadlift's prerequisites, done light before it: the hinge, then the
    two-leg deadlift."""
    return [
        _item(ex, "hip-hinge", sets=2, reps_per_side=8, notes=WARM_UP),
        _item(
            ex, "deadlift", sets=2, reps_per_side=5, rest_seconds=60, target_rpe=5, notes=WARM_UP
        ),
    ]


def wall_hold(ex: Library) -> Program:
    return services.routine_generate(
        coach=None,
        name=WALL_HOLD,
        # The client's own rung, with its dose: the coach moves them up when it is mastered.
        items=[_item(ex, "wall-single-leg-hold")],
        length_days=30,
        intensity=LOW,
        goal="Hip, knee and ankle alignment on one leg, every day for 30 days",
        description=(
            "The wall hold every day, at the client's own stage: the minute on both feet first, "
            "then a single-leg hold that grows toward 3 to 5 minutes a side, then short holds "
            "as a warm-up. Move the client up when their stage's criteria are met: hips "
            "square, the knee over the second toe, nothing gripping."
        ),
    )


def single_leg_deadlift(ex: Library) -> Program:
    warm_up = _hinge_warm_up(ex)
    sldl = "single-leg-deadlift"
    return _plan(
        name=SLDL,
        weekdays=[0, 3],
        goal="A controlled single-leg deadlift at a meaningful load",
        description=(
            "Twice a week: groove the hinge and the two-leg deadlift, then climb the single-leg "
            "deadlift ladder: supported and unloaded, then loaded from 10-20 lb toward the band "
            "for the client, a lighter week, then free-standing."
        ),
        blocks=[
            ("Supported technique", Block.Focus.STABILITY, 1, 2),
            ("Loaded with support", Block.Focus.STRENGTH, 3, 5),
            ("Lighter week", Block.Focus.DELOAD, 6, 6),
            ("Free-standing", Block.Focus.STRENGTH, 7, 9),
        ],
        weeks=_weeks(
            (2, ("Supported technique", MODERATE,
                 [*warm_up, _item(ex, sldl, stage="supported-unloaded")])),
            (3, ("Loaded with support", HIGH, [*warm_up, _item(ex, sldl, stage="loaded")])),
            (1, ("Lighter week", LOW, [warm_up[0], _item(ex, sldl, stage="loaded", sets=2)])),
            (3, ("Free-standing", HIGH, [*warm_up, _item(ex, sldl, stage="free-standing")])),
        ),
    )  # fmt: skip


def runner(ex: Library) -> Program:
    mobility = [
        _item(ex, "hip-opener", sets=1, reps_per_side=5, rest_seconds=None),
        _item(ex, "ankle-dorsiflexion-mobility", sets=1, reps_per_side=10, rest_seconds=None),
    ]
    # Each session alternates stability work with strength work; the balance drills stay at
    # the client's own stage, so they progress within the block as the coach moves them up.
    stability = [
        *mobility,
        _item(
            ex,
            "single-leg-hinge-and-lift",
            sets=2,
            reps_per_side=8,
            rest_seconds=45,
            notes="A light dumbbell at most: this is about alignment, not load.",
        ),
        _item(ex, "step-down", sets=2, reps_per_side=6, rest_seconds=60),
        _item(ex, "single-leg-balance-hold"),
        _item(ex, "toe-curl", sets=2, reps_per_side=10, rest_seconds=30),
        _item(ex, "single-leg-reach", sets=2, reps_per_side=5, rest_seconds=45),
        _item(ex, "single-leg-calf-raise", sets=2, reps_per_side=10, rest_seconds=45),
    ]
    strength = [
        *mobility,
        _item(ex, "single-leg-balance-hold"),
        _item(ex, "split-squat", sets=3, reps_per_side=8, rest_seconds=90),
        _item(ex, "unstable-surface-balance"),
        _item(ex, "step-down", sets=3, reps_per_side=8, rest_seconds=60),
        _item(ex, "single-leg-reach", sets=2, reps_per_side=6, rest_seconds=45),
        _item(ex, "single-leg-glute-bridge", sets=3, reps_per_side=10, rest_seconds=60),
    ]
    lighter = [
        *mobility,
        _item(ex, "single-leg-balance-hold", sets=2),
        _item(ex, "step-down", sets=2, reps_per_side=6, rest_seconds=60),
        _item(ex, "single-leg-reach", sets=2, reps_per_side=5, rest_seconds=45),
    ]
    speed = [
        *mobility,
        _item(ex, "barefoot-foot-pulse", sets=2, reps_per_side=10, rest_seconds=30),
        _item(ex, "single-leg-calf-raise", sets=3, reps_per_side=12, rest_seconds=45,
              notes="Time each rise to a metronome beat."),
        _item(ex, "unstable-surface-balance"),
        _item(ex, "dot-drill", sets=3, hold_seconds=20, rest_seconds=60),
        _item(ex, "hill-repeats", sets=6, hold_seconds=30, rest_seconds=90,
              notes="Walk or jog back down to recover."),
    ]  # fmt: skip
    return _plan(
        name=RUNNER,
        weekdays=[1, 4],
        goal="Single-leg strength and balance for efficient running",
        description=(
            "Two unilateral sessions a week, at least 48 hours apart, each alternating "
            "stability and strength work: balance first, then single-leg strength, a lighter "
            "week, then running-specific work with timed hill efforts."
        ),
        blocks=[
            ("Stability", Block.Focus.STABILITY, 1, 2),
            ("Strength", Block.Focus.STRENGTH, 3, 4),
            ("Lighter week", Block.Focus.DELOAD, 5, 5),
            ("Speed", Block.Focus.SPEED, 6, 8),
        ],
        weeks=_weeks(
            (2, ("Stability", MODERATE, stability)),
            (2, ("Strength", HIGH, strength)),
            (1, ("Lighter week", LOW, lighter)),
            (3, ("Speed", HIGH, speed)),
        ),
    )


def posterior_chain(ex: Library) -> Program:
    warm_up = _hinge_warm_up(ex)

    def week(sldl_stage: str, sets: int, reps: int) -> list[dict[str, Any]]:
        return [
            *warm_up,
            _item(ex, "single-leg-deadlift", stage=sldl_stage),
            _item(ex, "single-leg-bench-bridge", sets=sets, reps_per_side=reps, rest_seconds=60),
            _item(ex, "single-leg-back-extension", sets=sets, reps_per_side=reps,
                  rest_seconds=60),
            _item(ex, "single-leg-ball-hamstring-curl", sets=sets, reps_per_side=reps - 2,
                  rest_seconds=60),
        ]  # fmt: skip

    return _plan(
        name=POSTERIOR,
        weekdays=[0, 3],
        goal="Hamstrings and glutes, one leg at a time",
        description=(
            "The four single-leg posterior-chain movements after a hinge warm-up: single-leg "
            "deadlift, bench bridge, one-leg back extension and ball curl. Two weeks of "
            "technique with more sets in the second, then the loaded single-leg deadlift and "
            "more reps each week."
        ),
        blocks=[
            ("Technique", Block.Focus.STABILITY, 1, 2),
            ("Building", Block.Focus.STRENGTH, 3, 4),
        ],
        weeks=[
            ("Technique", MODERATE, week("supported-unloaded", 2, 8)),
            ("Technique", MODERATE, week("supported-unloaded", 3, 8)),
            ("Building", HIGH, week("loaded", 3, 10)),
            ("Building", HIGH, week("loaded", 3, 12)),
        ],
    )


STARTERS: dict[str, Callable[[Library], Program]] = {
    WALL_HOLD: wall_hold,
    SLDL: single_leg_deadlift,
    RUNNER: runner,
    POSTERIOR: posterior_chain,
}


def _content(program: Program) -> tuple[Any, ...]:
    """What a starter holds, to tell whether the seed changed it."""
    return (
        [getattr(program, field) for field in services.PROGRAM_FIELDS],
        list(program.blocks.order_by("order").values_list("name", "focus", "start", "end")),
        list(
            program.days.order_by("number").values_list(
                "number", "week", "weekday", "title", "intensity", "is_rest", "notes"
            )
        ),
        list(
            program.days.order_by("number", "prescriptions__order").values_list(
                "number",
                "prescriptions__exercise__slug",
                "prescriptions__stage__key",
                *(f"prescriptions__{field}" for field in services.PRESCRIPTION_FIELDS),
            )
        ),
    )


def _replace_content(program: Program, fresh: Program) -> None:
    """Give `program` the details, blocks and days of `fresh`, which is then removed. The
    program keeps its row: the assignments made from it still name it."""
    program.days.all().delete()
    program.blocks.all().delete()
    Day.objects.filter(program=fresh).update(program=program)
    Block.objects.filter(program=fresh).update(program=program)
    for field in services.PROGRAM_FIELDS:
        setattr(program, field, getattr(fresh, field))
    program.save()
    fresh.delete()


@changes_plans
@transaction.atomic
def starters_seed() -> list[Program]:
    """Create the starter templates that do not exist yet and bring the others up to date in
    place (the library must be seeded first); returns the ones created. Clients who were given a
    starter keep their own copy of it as it was."""
    existing = {p.name: p for p in Program.objects.starters()}
    library = {e.slug: e for e in Exercise.objects.shared().prefetch_related("stages")}
    created = []
    for name, build in STARTERS.items():
        fresh = build(library)
        program = existing.get(name)
        if program is None:
            created.append(fresh)
        elif _content(program) == _content(fresh):
            fresh.delete()
        else:
            _replace_content(program, fresh)
    return created
