"""The shared starter templates, built from the training material. Safe to run again."""

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from exercises.models import Exercise
from programs import services
from programs.models import Block, Day, Program

WALL_HOLD = "30-day wall single-leg hold"
SLDL = "Single-leg deadlift: three stages"
RUNNER = "Runner's 8-week single-leg block"
POSTERIOR = "Posterior-chain single-leg session"


def _item(slugs: dict[str, Exercise], slug: str, stage: int | None = None, **dose: Any) -> dict:
    """A day's exercise; without a dose it gets its stage's, or one for how it is measured."""
    exercise = slugs[slug]
    item: dict[str, Any] = {"exercise": exercise.pk, **dose}
    if stage is not None:
        item["stage"] = next(s.pk for s in exercise.stages.all() if s.order == stage)
    return item


def _plan(
    *,
    name: str,
    weeks: int,
    weekdays: list[int],
    goal: str,
    description: str,
    blocks: Sequence[tuple[str, str, int, int, str, list[dict]]],
) -> Program:
    """A plan whose every training day in a block gets that block's intensity and exercises."""
    program = services.program_create(
        coach=None,
        data={
            "name": name,
            "kind": Program.Kind.PLAN,
            "weeks": weeks,
            "weekdays": weekdays,
            "goal": goal,
            "description": description,
        },
    )
    for order, (block_name, focus, start, end, _, _) in enumerate(blocks, start=1):
        Block.objects.create(
            program=program, order=order, name=block_name, focus=focus, start=start, end=end
        )
    for day in program.days.order_by("number"):
        block = next(b for b in blocks if b[2] <= (day.week or 0) <= b[3])
        day.title, day.intensity = block[0], block[4]
        day.save(update_fields=["title", "intensity"])
        for item in block[5]:
            services.starter_prescription_add(day=day, item=item)
    return program


@transaction.atomic
def starters_seed() -> list[Program]:
    """Create the starter templates that do not exist yet (the library must be seeded first)."""
    existing = set(Program.objects.starters().values_list("name", flat=True))
    ex = {e.slug: e for e in Exercise.objects.shared().prefetch_related("stages")}
    created = []
    low, moderate, high = Day.Intensity.LOW, Day.Intensity.MODERATE, Day.Intensity.HIGH

    if WALL_HOLD not in existing:
        created.append(
            services.routine_generate(
                coach=None,
                name=WALL_HOLD,
                items=[_item(ex, "wall-single-leg-hold", stage=1, sets=1, hold_seconds=60)],
                length_days=30,
                step="hold",
                step_amount=30,
                every_days=7,
                intensity=low,
                goal="Pelvic and hip control, daily for 30 days",
                description=(
                    "One wall-supported single-leg hold per side every day. Start at one minute "
                    "and add 30 seconds each week, reaching three minutes in the last days."
                ),
            )
        )
    if SLDL not in existing:
        warm_up = [
            _item(ex, "hip-hinge", sets=2, reps_per_side=8),
            _item(ex, "deadlift", sets=3, reps_per_side=8, target_rpe=6),
        ]
        created.append(
            _plan(
                name=SLDL,
                weeks=9,
                weekdays=[0, 3],
                goal="A controlled single-leg deadlift at a meaningful load",
                description=(
                    "Twice a week: groove the hinge, then climb the single-leg deadlift ladder: "
                    "supported and unloaded, then loaded towards your band, then free-standing."
                ),
                blocks=[
                    ("Supported technique", Block.Focus.STABILITY, 1, 3, moderate,
                     [*warm_up, _item(ex, "single-leg-deadlift", stage=1)]),
                    ("Loaded with support", Block.Focus.STRENGTH, 4, 5, high,
                     [*warm_up, _item(ex, "single-leg-deadlift", stage=2)]),
                    ("Lighter week", Block.Focus.DELOAD, 6, 6, low,
                     [warm_up[0], _item(ex, "single-leg-deadlift", stage=2, sets=2)]),
                    ("Free-standing", Block.Focus.STRENGTH, 7, 9, high,
                     [*warm_up, _item(ex, "single-leg-deadlift", stage=3)]),
                ],
            )
        )  # fmt: skip
    if RUNNER not in existing:
        stability = [
            _item(ex, "single-leg-balance-hold", stage=1),
            _item(ex, "unstable-surface-balance", stage=1),
            _item(ex, "single-leg-reach"),
            _item(ex, "toe-curl"),
            _item(ex, "ankle-dorsiflexion-mobility"),
            _item(ex, "hip-opener"),
        ]
        strength = [
            _item(ex, "split-squat"),
            _item(ex, "step-down"),
            _item(ex, "lateral-step-up"),
            _item(ex, "single-leg-calf-raise"),
            _item(ex, "single-arm-farmer-carry"),
        ]
        speed = [
            _item(ex, "barefoot-foot-pulse"),
            _item(ex, "dot-drill"),
            _item(ex, "single-leg-hinge-and-lift"),
            _item(ex, "hill-repeats"),
        ]
        created.append(
            _plan(
                name=RUNNER,
                weeks=8,
                weekdays=[1, 4],
                goal="Single-leg strength and balance for efficient running",
                description=(
                    "Two unilateral sessions a week, at least 48 hours apart: stability first, "
                    "then strength, a lighter week, then running-specific speed work."
                ),
                blocks=[
                    ("Stability", Block.Focus.STABILITY, 1, 2, moderate, stability),
                    ("Strength", Block.Focus.STRENGTH, 3, 4, high, strength),
                    ("Deload", Block.Focus.DELOAD, 5, 5, low, stability[:4]),
                    ("Speed", Block.Focus.SPEED, 6, 8, high, speed),
                ],
            )
        )
    if POSTERIOR not in existing:
        created.append(
            _plan(
                name=POSTERIOR,
                weeks=4,
                weekdays=[0, 3],
                goal="Hamstrings and glutes, one leg at a time",
                description=(
                    "The four single-leg posterior-chain movements after a hinge warm-up: "
                    "single-leg deadlift, bench bridge, one-leg back extension and ball curl."
                ),
                blocks=[
                    ("Posterior chain", Block.Focus.STRENGTH, 1, 4, moderate, [
                        _item(ex, "hip-hinge", sets=2, reps_per_side=8),
                        _item(ex, "deadlift", sets=2, reps_per_side=8, target_rpe=6),
                        _item(ex, "single-leg-deadlift"),
                        _item(ex, "single-leg-bench-bridge"),
                        _item(ex, "single-leg-back-extension"),
                        _item(ex, "single-leg-ball-hamstring-curl"),
                    ]),
                ],
            )
        )  # fmt: skip
    return created
