"""The training rules against a table of sound and unsound programs.

Each row is one program, the sentence of the training material it tests (in our words) with the
title of its article, and every warning the rules must give: which rule, on which day, and for
which start weekdays of the template (0 is Monday; ALL when the start day does not matter). A
row expects *all* the warnings of *all* rules, so a rule that nags (a warning not in the row) fails
the row as surely as one that misses (a warning the row names but the rules do not give).

Plans are laid out from each start weekday in turn; a routine's days fall on the same days of
the program whatever the weekday it starts. Rows with an assignment check the client's own
calendar (their start date and pauses) instead, where a warning holds whatever the start day.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from programs import selectors, services
from programs.models import Assignment, Program
from programs.rules import program_warnings
from tests.coach.factories import ClientFactory
from tests.exercises.factories import shared, stage_of
from tests.programs.factories import add, plan, routine, set_day

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]

ALL = tuple(range(7))
MON, TUE, WED, THU, FRI, SAT, SUN = ALL

# The articles of the training material, by their titles.
RUNNERS = (
    "Strategies for improving single leg strength and balance to reduce compensations and "
    "boost running efficiency"
)
RESTORE = "Restore: the hips program"
LEG_LOWERING = "Let's Talk About Leg Lowering"
WALL = "Legs up the wall: a single-leg hold (untitled article)"

# The exercises the rows use, from the seeded library.
UNI = "split-squat"  # unilateral strength, no ladder, no prerequisite
BI = "squat"  # bilateral strength, no ladder, no prerequisite
BALANCE = "single-leg-balance-hold"  # three rungs; rung 1 asks for 3 sessions to move up


# --- a compact way to write a program --------------------------------------------------------


@dataclass(frozen=True)
class Item:
    slug: str
    stage: int | None = None
    notes: str = ""
    rpe: int | None = None
    sets: int | None = None


@dataclass(frozen=True)
class DaySpec:
    intensity: str
    items: tuple[Item, ...]
    rest: bool = False


def _items(items: tuple[Item | str, ...]) -> tuple[Item, ...]:
    return tuple(Item(i) if isinstance(i, str) else i for i in items)


def hard(*items: Item | str) -> DaySpec:
    return DaySpec("high", _items(items))


def moderate(*items: Item | str) -> DaySpec:
    return DaySpec("moderate", _items(items))


def easy(*items: Item | str) -> DaySpec:
    return DaySpec("low", _items(items))


def rest(*items: Item | str, intensity: str = "low") -> DaySpec:
    return DaySpec(intensity, _items(items), rest=True)


def warm_up(slug: str) -> Item:
    return Item(slug, notes="Warm-up: easy reps.")


def at(slug: str, stage: int) -> Item:
    return Item(slug, stage=stage)


@dataclass(frozen=True)
class Spec:
    """A routine of `length` days, or a plan of `length` weeks on `weekdays`; `days` by number.
    With `starts_on`, the program is assigned from that date (and paused as `pauses` say:
    (days after the start, days paused)) and checked on the client's calendar."""

    kind: str
    length: int
    days: Mapping[int, DaySpec]
    weekdays: tuple[int, ...] = ()
    blocks: tuple[tuple[str, int, int], ...] = ()
    starts_on: date | None = None
    pauses: tuple[tuple[int, int], ...] = ()


def routine_of(length: int, days: Mapping[int, DaySpec], **more: object) -> Spec:
    return Spec("routine", length, days, **more)  # type: ignore[arg-type]


def plan_of(
    weeks: int, weekdays: tuple[int, ...], days: Mapping[int, DaySpec], **more: object
) -> Spec:
    return Spec("plan", weeks, days, weekdays=weekdays, **more)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Case:
    name: str
    article: str
    says: str
    spec: Spec
    expect: Mapping[tuple[str, int], tuple[int, ...]] = field(default_factory=dict)


# A Monday and a Wednesday, to start assignments on.
A_MONDAY = date(2026, 3, 2)
A_WEDNESDAY = date(2026, 3, 4)

# A plan of two weeks on Mondays and Sundays: the Sunday of week 1 and the Monday of week 2 are
# hard bilateral days, which fall on consecutive days only when the plan starts on a Monday.
SUNDAY_THEN_MONDAY = plan_of(
    2,
    (MON, SUN),
    {
        1: moderate(UNI),
        2: hard(BI, UNI),
        3: hard(BI, UNI),
        4: moderate(UNI),
    },
)


def hard_weeks(weeks: int, **by_week: DaySpec) -> Spec:
    """A plan on Mondays and Thursdays, both hard unilateral days, unless `by_week` ("w4": …)
    gives a week other days."""
    days = {}
    for week in range(1, weeks + 1):
        spec = by_week.get(f"w{week}", hard(UNI))
        days[2 * week - 1] = days[2 * week] = spec
    return plan_of(weeks, (MON, THU), days)


def blocks_plan(*blocks: tuple[str, int, int]) -> Spec:
    """Four weeks, one moderate unilateral session each Tuesday, with these blocks."""
    return plan_of(4, (TUE,), {n: moderate(UNI) for n in range(1, 5)}, blocks=blocks)


CASES = [
    # --- 48 hours between high-intensity bilateral days --------------------------------------
    Case(
        "hard bilateral days back to back",
        RUNNERS,
        "Keep at least 48 hours between high-intensity bilateral days.",
        routine_of(7, {1: hard(BI, UNI), 2: hard(BI)}),
        {("bilateral_48h", 2): ALL},
    ),
    Case(
        "hard bilateral days two days apart, hard single-leg work and easy bilateral between",
        RUNNERS,
        "Keep at least 48 hours between high-intensity bilateral days.",
        routine_of(7, {1: hard(BI, UNI), 2: hard(UNI), 3: hard(BI), 4: moderate(BI), 5: hard(BI)}),
    ),
    Case(
        "a bilateral warm-up does not make a hard day bilateral",
        RUNNERS,
        "Keep at least 48 hours between high-intensity bilateral days.",
        routine_of(7, {1: hard(warm_up("deadlift"), UNI), 2: hard(BI)}),
    ),
    Case(
        "a light bilateral drill (effort 5) does not make a hard day bilateral",
        RUNNERS,
        "Keep at least 48 hours between high-intensity bilateral days.",
        routine_of(7, {1: hard(Item("deadlift", rpe=5), UNI), 2: hard(BI)}),
    ),
    Case(
        "a bilateral lift at effort 8 is main work",
        RUNNERS,
        "Keep at least 48 hours between high-intensity bilateral days.",
        routine_of(7, {1: hard(Item("deadlift", rpe=8), UNI), 2: hard(BI)}),
        {("bilateral_48h", 2): ALL},
    ),
    Case(
        "hard bilateral days on a Sunday and the next Monday, across the week boundary",
        RUNNERS,
        "Keep at least 48 hours between high-intensity bilateral days.",
        SUNDAY_THEN_MONDAY,
        {("bilateral_48h", 3): (MON,)},
    ),
    Case(
        "the same plan given to a client from a Monday",
        RUNNERS,
        "Keep at least 48 hours between high-intensity bilateral days.",
        Spec(**{**SUNDAY_THEN_MONDAY.__dict__, "starts_on": A_MONDAY}),
        {("bilateral_48h", 3): (MON,)},
    ),
    Case(
        "the same plan given to a client from a Wednesday",
        RUNNERS,
        "Keep at least 48 hours between high-intensity bilateral days.",
        Spec(**{**SUNDAY_THEN_MONDAY.__dict__, "starts_on": A_WEDNESDAY}),
    ),
    Case(
        "a client's pause puts two days apart that the template has back to back",
        RUNNERS,
        "Keep at least 48 hours between high-intensity bilateral days.",
        routine_of(7, {1: hard(BI, UNI), 2: hard(BI)}, starts_on=A_MONDAY, pauses=((1, 2),)),
    ),
    Case(
        "a rest day marked high is no hard day, but work on it is a warning of its own",
        RUNNERS,
        "Protect recovery: easy days stay easy, rest days are for recovering.",
        routine_of(3, {1: hard(BI, UNI), 2: rest(BI, intensity="high")}),
        {("rest_day_work", 2): ALL},
    ),
    # --- one or two unilateral sessions a week -----------------------------------------------
    Case(
        "three unilateral sessions in one week of a plan",
        RUNNERS,
        "Plan one or two focused unilateral sessions a week.",
        plan_of(1, (MON, WED, FRI), {1: moderate(UNI), 2: moderate(UNI), 3: moderate(UNI)}),
        # The third in calendar order: Friday from a Monday, Monday from a Tuesday, …
        {
            ("unilateral_per_week", 3): (MON, SAT, SUN),
            ("unilateral_per_week", 1): (TUE, WED),
            ("unilateral_per_week", 2): (THU, FRI),
        },
    ),
    Case(
        "three unilateral sessions within 7 days across the week boundary of a routine",
        RUNNERS,
        "Plan one or two focused unilateral sessions a week.",
        routine_of(14, {n: moderate(UNI) for n in (6, 7, 8, 9)}),
        {("unilateral_per_week", 8): ALL},
    ),
    Case(
        "two unilateral sessions in each plan week, three within 7 days from a mid-week start",
        RUNNERS,
        "Plan one or two focused unilateral sessions a week.",
        plan_of(
            2,
            (MON, WED, FRI),
            {
                1: moderate(UNI),
                2: moderate(UNI),
                3: moderate(BI),
                4: moderate(BI),
                5: moderate(UNI),
                6: moderate(UNI),
            },
        ),
        {("unilateral_per_week", 6): (TUE, WED, THU, FRI)},
    ),
    Case(
        "a week without unilateral work",
        RUNNERS,
        "Plan one or two focused unilateral sessions a week.",
        plan_of(
            2, (MON, THU), {1: moderate(UNI), 2: moderate(BI), 3: moderate(BI), 4: moderate(BI)}
        ),
        {("unilateral_per_week", 3): ALL},
    ),
    Case(
        "a single-leg warm-up drill is no unilateral session",
        RUNNERS,
        "Plan one or two focused unilateral sessions a week.",
        plan_of(
            2,
            (MON, THU),
            {1: moderate(UNI), 2: moderate(BI), 3: moderate(warm_up(UNI), BI), 4: moderate(BI)},
        ),
        {("unilateral_per_week", 3): ALL},
    ),
    Case(
        "a mobility drill done on alternate legs is no unilateral session",
        RUNNERS,
        "Plan one or two focused unilateral sessions a week.",
        plan_of(
            2,
            (MON, THU),
            {1: moderate(UNI), 2: moderate(BI), 3: moderate("hip-opener", BI), 4: moderate(BI)},
        ),
        {("unilateral_per_week", 3): ALL},
    ),
    Case(
        "hill repeats load one leg at a time and count as unilateral work",
        RUNNERS,
        "Running drills such as hill repeats make the stance leg absorb load on its own.",
        plan_of(
            2,
            (MON, THU),
            {1: moderate(UNI), 2: moderate(BI), 3: moderate(BI, "hill-repeats"), 4: moderate(BI)},
        ),
    ),
    Case(
        "the daily low-intensity wall hold is not held to one or two sessions a week",
        WALL,
        "Do the wall hold every day for 30 days.",
        routine_of(30, {n: easy("wall-single-leg-hold") for n in range(1, 31)}),
    ),
    Case(
        "the wall hold on moderate days is still a warm-up drill, not a session",
        WALL,
        "It may look like a cool-down, but the wall hold is a warm-up for single-leg work.",
        routine_of(14, {n: moderate("wall-single-leg-hold") for n in range(1, 15)}),
    ),
    Case(
        "a routine of daily moderate single-leg work is held to it, once a week flagged",
        RUNNERS,
        "Plan one or two focused unilateral sessions a week.",
        routine_of(14, {n: moderate(UNI) for n in range(1, 15)}),
        {("unilateral_per_week", 3): ALL, ("unilateral_per_week", 10): ALL},
    ),
    Case(
        "a client's long pause is not a week without unilateral work",
        RUNNERS,
        "Plan one or two focused unilateral sessions a week.",
        routine_of(
            14,
            {n: moderate(UNI) for n in (1, 5, 9, 13)},
            starts_on=A_MONDAY,
            pauses=((5, 10),),
        ),
    ),
    # --- a lighter week after two or three intensified weeks ---------------------------------
    Case(
        "four intensified weeks in a row",
        RUNNERS,
        "Schedule a lighter week after two or three weeks of intensified unilateral work.",
        hard_weeks(4),
        {("deload_after_3", 7): ALL},
    ),
    Case(
        "six intensified weeks: every week past the third is flagged",
        RUNNERS,
        "Schedule a lighter week after two or three weeks of intensified unilateral work.",
        hard_weeks(6),
        {("deload_after_3", 7): ALL, ("deload_after_3", 9): ALL, ("deload_after_3", 11): ALL},
    ),
    Case(
        "a fourth week at moderate intensity is the lighter week",
        RUNNERS,
        "Schedule a lighter week after two or three weeks of intensified unilateral work.",
        hard_weeks(4, w4=moderate(UNI)),
    ),
    Case(
        "a fourth week with half the sets is the lighter week",
        RUNNERS,
        "Schedule a lighter week after two or three weeks of intensified unilateral work.",
        plan_of(
            4,
            (MON, THU),
            {n: hard(Item(UNI, sets=4 if n <= 6 else 2)) for n in range(1, 9)},
        ),
    ),
    Case(
        "a block named deload with the same hard content is no lighter week",
        RUNNERS,
        "Schedule a lighter week after two or three weeks of intensified unilateral work.",
        Spec(**{**hard_weeks(4).__dict__, "blocks": (("deload", 4, 4),)}),
        {("deload_after_3", 7): ALL},
    ),
    Case(
        "a 30-day routine, hard twice a week: weeks 4 and 5 are flagged",
        RUNNERS,
        "Schedule a lighter week after two or three weeks of intensified unilateral work.",
        routine_of(30, {n: hard(UNI) for n in (1, 4, 8, 11, 15, 18, 22, 25, 29)}),
        {("deload_after_3", 22): ALL, ("deload_after_3", 29): ALL},
    ),
    Case(
        "three hard weeks, a lighter one, then four hard weeks",
        RUNNERS,
        "Schedule a lighter week after two or three weeks of intensified unilateral work.",
        hard_weeks(8, w4=moderate(UNI)),
        {("deload_after_3", 15): ALL},
    ),
    # --- prerequisites first -------------------------------------------------------------------
    Case(
        "the single-leg deadlift before the hip hinge and the deadlift",
        RESTORE,
        "Hip hinging and the two-leg deadlift are prerequisites of the single-leg deadlift.",
        routine_of(3, {1: moderate("single-leg-deadlift"), 2: moderate("hip-hinge", "deadlift")}),
        {("prerequisites_first", 1): ALL},
    ),
    Case(
        "a prerequisite later on the same day",
        RESTORE,
        "Hip hinging and the two-leg deadlift are prerequisites of the single-leg deadlift.",
        routine_of(2, {2: moderate("hip-hinge", "single-leg-deadlift", "deadlift")}),
        {("prerequisites_first", 2): ALL},
    ),
    Case(
        "prerequisites scheduled first, for the deadlift and for leg lowering",
        LEG_LOWERING,
        "Build stiffness with the deadbug before lowering the legs.",
        routine_of(
            3,
            {
                1: moderate("hip-hinge", "deadlift"),
                2: moderate("single-leg-deadlift"),
                3: moderate("deadbug", "leg-lowering"),
            },
        ),
    ),
    Case(
        "leg lowering before the deadbug",
        LEG_LOWERING,
        "Build stiffness with the deadbug before lowering the legs.",
        routine_of(2, {1: moderate("leg-lowering"), 2: moderate("deadbug")}),
        {("prerequisites_first", 1): ALL},
    ),
    Case(
        "prerequisites done as the warm-up of the same session",
        RESTORE,
        "Hip hinging and the two-leg deadlift are prerequisites of the single-leg deadlift.",
        routine_of(
            1,
            {1: moderate(warm_up("hip-hinge"), Item("deadlift", rpe=5), "single-leg-deadlift")},
        ),
    ),
    Case(
        "prerequisites on a rest day do not count",
        RESTORE,
        "Hip hinging and the two-leg deadlift are prerequisites of the single-leg deadlift.",
        routine_of(3, {1: rest("hip-hinge", "deadlift"), 2: moderate("single-leg-deadlift")}),
        {("rest_day_work", 1): ALL, ("prerequisites_first", 2): ALL},
    ),
    Case(
        "a plan started on a Tuesday or Wednesday meets the single-leg deadlift first",
        RESTORE,
        "Hip hinging and the two-leg deadlift are prerequisites of the single-leg deadlift.",
        plan_of(
            1,
            (MON, WED),
            {1: moderate("hip-hinge", "deadlift"), 2: moderate("single-leg-deadlift")},
        ),
        {("prerequisites_first", 2): (TUE, WED)},
    ),
    # --- time to meet a stage's criteria -------------------------------------------------------
    Case(
        "moving up after two sessions where the rung asks for three",
        RESTORE,
        "Learn the single-leg deadlift in stages, moving up once the stage is mastered.",
        routine_of(5, {1: easy(at(BALANCE, 1)), 2: easy(at(BALANCE, 1)), 3: easy(at(BALANCE, 2))}),
        {("stage_criteria", 3): ALL},
    ),
    Case(
        "two exercises of the same rung in a day are one session, not two",
        RESTORE,
        "Learn the single-leg deadlift in stages, moving up once the stage is mastered.",
        routine_of(
            5,
            {
                1: easy(at(BALANCE, 1), at(BALANCE, 1)),
                2: easy(at(BALANCE, 1), at(BALANCE, 1)),
                3: easy(at(BALANCE, 2)),
            },
        ),
        {("stage_criteria", 3): ALL},
    ),
    Case(
        "three sessions at each rung, then the client's own stage and a rest day",
        RESTORE,
        "Learn the single-leg deadlift in stages, moving up once the stage is mastered.",
        routine_of(
            10,
            {
                **{
                    n: easy(at(BALANCE, order))
                    for n, order in enumerate([1, 1, 1, 2, 2, 2, 3, 3], 1)
                },
                9: easy(BALANCE),
                10: rest(),
            },
        ),
    ),
    Case(
        "skipping a rung",
        RESTORE,
        "Learn the single-leg deadlift in stages, moving up once the stage is mastered.",
        routine_of(
            5,
            {
                1: easy(at(BALANCE, 1)),
                2: easy(at(BALANCE, 1)),
                3: easy(at(BALANCE, 1)),
                4: easy(at(BALANCE, 3)),
            },
        ),
        {("stage_criteria", 4): ALL},
    ),
    Case(
        "starting on the second rung without the first",
        RUNNERS,
        "Start with bodyweight balance holds, then add a band or dumbbells as balance improves.",
        routine_of(3, {1: easy(at(BALANCE, 2)), 2: easy(at(BALANCE, 2))}),
        {("stage_criteria", 1): ALL},
    ),
    Case(
        "a session on a rest day does not count towards the criteria",
        RESTORE,
        "Learn the single-leg deadlift in stages, moving up once the stage is mastered.",
        routine_of(
            5,
            {
                1: easy(at(BALANCE, 1)),
                2: easy(at(BALANCE, 1)),
                3: rest(at(BALANCE, 1)),
                4: easy(at(BALANCE, 2)),
            },
        ),
        {("rest_day_work", 3): ALL, ("stage_criteria", 4): ALL},
    ),
    Case(
        "a plan started mid-week reaches the move up after two sessions",
        RESTORE,
        "Learn the single-leg deadlift in stages, moving up once the stage is mastered.",
        plan_of(
            2,
            (MON, FRI),
            {
                1: easy(at(BALANCE, 1)),
                2: easy(at(BALANCE, 1)),
                3: easy(at(BALANCE, 1)),
                4: easy(at(BALANCE, 2)),
            },
        ),
        {("stage_criteria", 4): (TUE, WED, THU, FRI)},
    ),
    # --- rest days ---------------------------------------------------------------------------
    Case(
        "a rest day with a drill on it",
        RUNNERS,
        "Protect recovery: easy days stay easy, rest days are for recovering.",
        routine_of(3, {1: easy("hip-opener"), 2: rest("hip-opener"), 3: easy("hip-opener")}),
        {("rest_day_work", 2): ALL},
    ),
    # --- blocks: stability, then strength, then speed ------------------------------------------
    Case(
        "stability, strength, a deload, then speed",
        RUNNERS,
        "Cycle the emphasis of blocks: stability, strength, speed.",
        blocks_plan(("stability", 1, 1), ("strength", 2, 2), ("deload", 3, 3), ("speed", 4, 4)),
    ),
    Case(
        "strength before stability",
        RUNNERS,
        "Cycle the emphasis of blocks: stability, strength, speed.",
        blocks_plan(("strength", 1, 2), ("stability", 3, 4)),
        {("block_order", 3): ALL},
    ),
    Case(
        "stability straight to speed",
        RUNNERS,
        "Cycle the emphasis of blocks: stability, strength, speed.",
        blocks_plan(("stability", 1, 2), ("speed", 3, 4)),
        {("block_order", 3): ALL},
    ),
    Case(
        "speed, then back to strength",
        RUNNERS,
        "Cycle the emphasis of blocks: stability, strength, speed.",
        blocks_plan(("stability", 1, 1), ("strength", 2, 2), ("speed", 3, 3), ("strength", 4, 4)),
        {("block_order", 4): ALL},
    ),
    Case(
        "a new cycle that starts again from stability after speed",
        RUNNERS,
        "Cycle the emphasis of blocks: stability, strength, speed.",
        blocks_plan(("stability", 1, 1), ("strength", 2, 2), ("speed", 3, 3), ("stability", 4, 4)),
    ),
    Case(
        "a single strength block",
        RUNNERS,
        "Cycle the emphasis of blocks: stability, strength, speed.",
        blocks_plan(("strength", 1, 4)),
    ),
]


def _build(coach, spec: Spec) -> tuple[Program, Assignment | None]:
    if spec.kind == "routine":
        program = routine(coach, length_days=spec.length)
    else:
        program = plan(coach, weeks=spec.length, weekdays=spec.weekdays)
    for number, day in spec.days.items():
        for item in day.items:
            exercise = shared(item.slug)
            add(
                coach,
                program,
                number,
                exercise,
                stage=stage_of(exercise, item.stage) if item.stage else None,
                notes=item.notes,
                target_rpe=item.rpe,
                sets=item.sets,
            )
        set_day(coach, program, number, intensity=day.intensity, is_rest=day.rest)
    for order, (focus, start, end) in enumerate(spec.blocks, start=1):
        services.block_create(
            coach=coach,
            program=program,
            data={"name": f"Block {order}", "focus": focus, "start": start, "end": end},
        )
    if spec.starts_on is None:
        return program, None
    (assignment,) = services.assignment_create_bulk(
        coach=coach,
        template=program,
        clients=[ClientFactory.create(coach=coach)],
        starts_on=spec.starts_on,
    )
    assigned_on = spec.starts_on
    for after, length in spec.pauses:
        paused_from = assigned_on + timedelta(days=after)
        assignment.pauses.append(
            {
                "from": paused_from.isoformat(),
                "until": (paused_from + timedelta(days=length)).isoformat(),
                "shift": length,
            }
        )
    assignment.shift_days = sum(length for _, length in spec.pauses)
    assignment.save()
    return assignment.program, assignment


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_rules_give_exactly_the_warnings_of_the_row(coach, case: Case):
    # given the program of the row
    program, assignment = _build(coach, case.spec)
    full = selectors.program_get_for(coach=coach, pk=program.pk, full=True)

    # when the rules check it (for each start weekday, or on the client's calendar)
    warnings = program_warnings(full, assignment=assignment)

    # then they give every warning of the row, and no other
    found: dict[tuple[str, int], set[int]] = {}
    for warning in warnings:
        found.setdefault((warning.rule, warning.day), set()).update(warning.start_days)
    expected = {key: set(days) for key, days in case.expect.items()}
    if assignment is not None:
        # On a client's calendar there is no start day to choose: a warning holds for them.
        start = assignment.starts_on.weekday()
        expected = {key: set(ALL) for key, days in expected.items() if start in days}
    assert found == expected, "\n".join(w.message for w in warnings)


def test_every_row_names_its_article_and_sentence():
    titles = {RUNNERS, RESTORE, LEG_LOWERING, WALL}
    for case in CASES:
        assert case.article in titles, case.name
        assert case.says.endswith("."), case.name
    # Every rule is tested both ways: some row breaks it and some row of its kind passes.
    broken = {rule for case in CASES for rule, _ in case.expect}
    assert broken == {
        "bilateral_48h",
        "unilateral_per_week",
        "deload_after_3",
        "prerequisites_first",
        "stage_criteria",
        "rest_day_work",
        "block_order",
    }
    assert sum(1 for case in CASES if not case.expect) >= 10
