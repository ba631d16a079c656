"""Training rules checked against a program. Each rule is one small class in RULES.

A rule reads a ProgramLayout (the program's days on a calendar, with what each day's main work is)
and returns warnings that name the day they concern. The rules come from the training material:
at least 48 hours between hard bilateral days, one or two unilateral sessions a week, a lighter
week after two or three intensified ones, prerequisites first, time to meet a stage's criteria,
rest days kept for rest, and blocks in the order stability, strength, speed.

Spacing and weekly counts run on calendar days. A template is laid out from each weekday it could
start on (a plan's sessions fall on other days of the program from a Wednesday than from a
Monday), and each warning says on which start days it holds; a client's copy is laid out on the
client's own calendar, pauses included.

What makes a day "bilateral" or "unilateral" is its main work: a warm-up drill (marked so in its
notes, done at an effort of 5 or less, or a mobility exercise) does not count.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from exercises.models import Exercise, Stage
from programs.doses import template_stage
from programs.models import Assignment, Block, Day, Prescription, Program, Weekday
from programs.schedule import day_offset

ALL_WEEKDAYS = tuple(Weekday.values)
# A drill at this effort (RPE) or less is light work, not a session's main work (our default).
LIGHT_RPE = Decimal(5)
# A week with no more than this share of the sets of the week before is lighter (our default).
LIGHTER_VOLUME = Decimal(2) / 3
WARM_UP_WORDS = ("warm-up", "warm up", "warmup")


@dataclass(frozen=True)
class RuleWarning:
    rule: str
    day: int
    message: str
    # The weekdays (0 = Monday) a program starting on them breaks the rule; all seven when the
    # start day does not matter (a routine) or is the client's own (a client's calendar).
    start_days: tuple[int, ...] = ALL_WEEKDAYS

    @property
    def start_day_names(self) -> str:
        """The start days in words, "Tuesday or Wednesday"; empty when any start day does."""
        if set(self.start_days) >= set(ALL_WEEKDAYS):
            return ""
        names = [Weekday(day).label for day in sorted(self.start_days)]
        return " or ".join(filter(None, [", ".join(names[:-1]), names[-1]]))


def is_warm_up(prescription: Prescription) -> bool:
    """Light work that does not make a session of its kind: a warm-up drill by nature (the
    wall hold, which the material has before any leg work; mobility drills), or one marked as
    warm-up in its notes, or done at a light effort."""
    exercise, notes = prescription.exercise, prescription.notes.lower()
    return (
        exercise.is_warm_up
        or exercise.category == Exercise.Category.MOBILITY
        or any(word in notes for word in WARM_UP_WORDS)
        or (prescription.target_rpe is not None and prescription.target_rpe <= LIGHT_RPE)
    )


@dataclass
class LaidOutItem:
    prescription: Prescription
    warm_up: bool

    @property
    def exercise(self) -> Exercise:
        return self.prescription.exercise

    @property
    def stage(self) -> Stage | None:
        """The stage the program fixes, if any."""
        return self.prescription.stage if self.prescription.stage_id else None

    @property
    def laterality(self) -> str:
        stage = self.stage
        return (stage.laterality if stage else "") or self.exercise.laterality

    @property
    def sets(self) -> int:
        """The sets done: the prescription's, else its stage's (one when neither says)."""
        stage = template_stage(self.prescription)
        return self.prescription.sets or (stage.sets if stage else None) or 1


@dataclass
class LaidOutDay:
    day: Day
    # Calendar days from the program's first date: `offset` on the client's calendar (pauses
    # move it later), `planned` as the program lays it out.
    offset: int
    planned: int
    items: list[LaidOutItem] = field(default_factory=list)

    @property
    def number(self) -> int:
        return self.day.number

    @property
    def trains(self) -> bool:
        return not self.day.is_rest and bool(self.items)

    @property
    def main(self) -> list[LaidOutItem]:
        return [item for item in self.items if not item.warm_up] if self.trains else []

    @property
    def is_hard(self) -> bool:
        return self.day.intensity == Day.Intensity.HIGH

    @property
    def is_light(self) -> bool:
        return self.day.intensity == Day.Intensity.LOW

    @property
    def has_bilateral_work(self) -> bool:
        return any(item.laterality == Exercise.Laterality.BILATERAL for item in self.main)

    @property
    def has_unilateral_work(self) -> bool:
        """Main work on one leg at a time: unilateral, or alternating (running drills too)."""
        return any(item.laterality != Exercise.Laterality.BILATERAL for item in self.main)

    @property
    def volume(self) -> int:
        return sum(item.sets for item in self.main)


@dataclass
class ProgramLayout:
    program: Program
    days: list[LaidOutDay]

    @classmethod
    def of(
        cls, program: Program, *, start_weekday: int = 0, assignment: Assignment | None = None
    ) -> "ProgramLayout":
        """Lay out a program loaded by selectors.program_get_for(full=True) (no further
        queries): from a start on `start_weekday`, or on the client's calendar of `assignment`."""
        start = assignment.starts_on if assignment is not None else None
        weekday = start.weekday() if start is not None else start_weekday
        days = []
        for day in program.days.all():
            if program.is_routine or day.week is None or day.weekday is None:
                planned = day_offset(program=program, day=day)
            else:
                planned = (day.week - 1) * 7 + (day.weekday - weekday) % 7
            offset = planned
            if assignment is not None and start is not None:
                offset = (assignment.date_of(planned) - start).days
            laid = LaidOutDay(day=day, offset=offset, planned=planned)
            laid.items = [LaidOutItem(p, is_warm_up(p)) for p in day.prescriptions.all()]
            days.append(laid)
        days.sort(key=lambda d: d.offset)
        return cls(program=program, days=days)

    @property
    def training(self) -> list[LaidOutDay]:
        return [day for day in self.days if day.trains]

    def weeks(self) -> dict[int, list[LaidOutDay]]:
        """The days by calendar week of the program (days 1-7 of the calendar are week 1)."""
        grouped: dict[int, list[LaidOutDay]] = defaultdict(list)
        for day in self.days:
            grouped[day.offset // 7 + 1].append(day)
        return dict(sorted(grouped.items()))


class Rule:
    code = ""
    title = ""

    def check(self, layout: ProgramLayout) -> Iterator[RuleWarning]:
        raise NotImplementedError

    def warn(self, day: Day, message: str) -> RuleWarning:
        return RuleWarning(rule=self.code, day=day.number, message=message)


def _days(numbers: Iterable[int]) -> str:
    return " and ".join(str(n) for n in numbers)


class HardBilateralSpacing(Rule):
    code = "bilateral_48h"
    title = "48 hours between high-intensity bilateral days"

    def check(self, layout: ProgramLayout) -> Iterator[RuleWarning]:
        previous: LaidOutDay | None = None
        for day in layout.training:
            if not (day.is_hard and day.has_bilateral_work):
                continue
            if previous is not None and day.offset - previous.offset < 2:
                yield self.warn(
                    day.day,
                    f"Day {day.number} has high-intensity bilateral work less than 48 h "
                    f"after day {previous.number}. Make one of them lighter or move it.",
                )
            previous = day


class UnilateralSessionsPerWeek(Rule):
    """One or two focused unilateral sessions in any 7 days, and never 7 days without one.

    A daily low-intensity routine is exempt: every day light, or nothing but warm-up drills
    (such as the wall hold). A focused session is a moderate or hard day whose main work is
    single-leg; any day with single-leg main work keeps a week from being empty. The empty
    stretches are counted on the program's own days, so that a client's pause is not read as a
    week without training.
    """

    code = "unilateral_per_week"
    title = "One or two unilateral sessions a week"

    def check(self, layout: ProgramLayout) -> Iterator[RuleWarning]:
        training = layout.training
        if all(day.is_light or not day.main for day in training):
            return
        yield from self._too_many(training)
        yield from self._too_few(layout)

    def _too_many(self, training: list[LaidOutDay]) -> Iterator[RuleWarning]:
        focused = [d for d in training if d.has_unilateral_work and not d.is_light]
        last_warned: int | None = None
        for index, day in enumerate(focused):
            week = [d for d in focused[: index + 1] if day.offset - d.offset < 7]
            if len(week) <= 2:
                continue
            # One warning a week of crowding, not one per crowded day.
            if last_warned is not None and day.offset - last_warned < 7:
                continue
            last_warned = day.offset
            yield self.warn(
                day.day,
                f"Day {day.number} is a third unilateral session within 7 days (after days "
                f"{_days(d.number for d in week[-3:-1])}). Keep it to one or two a week so each "
                "leg recovers.",
            )

    def _too_few(self, layout: ProgramLayout) -> Iterator[RuleWarning]:
        days = sorted(layout.days, key=lambda d: d.planned)
        span = layout.program.total_days
        single_leg = [d for d in days if d.trains and d.has_unilateral_work]
        previous: LaidOutDay | None = None
        for following in [*single_leg, None]:
            start = previous.planned + 1 if previous else 0
            end = following.planned if following else span
            if end - start >= 7:
                # The day by which 7 days have gone by without one (else the last there is).
                last = end if following else span - 1
                due = [d for d in days if start + 6 <= d.planned <= last] or [
                    d for d in days if start <= d.planned <= last
                ]
                if due:
                    since = f"since day {previous.number}" if previous else "from the start"
                    yield self.warn(
                        due[0].day,
                        f"Day {due[0].number}: 7 days or more go by without a unilateral "
                        f"session ({since}). Plan one or two a week.",
                    )
            previous = following


class DeloadAfterIntenseWeeks(Rule):
    """Every intensified week past the third in a row is flagged. A week is intensified when
    it has a hard day with single-leg main work, and lighter (a deload) when it has none, or
    at most two thirds of the sets a day of the week before: by its content, whatever its block
    is called."""

    code = "deload_after_3"
    title = "A lighter week after two or three intensified weeks"
    max_intense_weeks = 3

    def check(self, layout: ProgramLayout) -> Iterator[RuleWarning]:
        weeks = layout.weeks()
        streak = 0
        previous_rate = Decimal(0)
        for week in range(1, max(weeks, default=0) + 1):
            days = [d for d in weeks.get(week, []) if d.trains]
            # Sets per day of the program in that week: a short last week is not a light one.
            rate = Decimal(sum(d.volume for d in days)) / max(len(weeks.get(week, [])), 1)
            intense = any(d.is_hard and d.has_unilateral_work for d in days)
            lighter = not intense or (previous_rate > 0 and rate <= previous_rate * LIGHTER_VOLUME)
            previous_rate = rate
            if lighter:
                streak = 0
                continue
            streak += 1
            if streak > self.max_intense_weeks:
                first = min(days, key=lambda d: d.number)
                yield self.warn(
                    first.day,
                    f"Day {first.number}: week {week} follows {streak - 1} intensified weeks "
                    "without a lighter one. Plan a lighter week: lower intensity or fewer sets.",
                )


def _identity(exercise: Exercise) -> set[int]:
    """An exercise counts as itself and as the exercise it was copied from."""
    return {exercise.pk} | ({exercise.copied_from_id} if exercise.copied_from_id else set())


class PrerequisitesFirst(Rule):
    code = "prerequisites_first"
    title = "Prerequisites before the exercises that build on them"

    def check(self, layout: ProgramLayout) -> Iterator[RuleWarning]:
        seen: set[int] = set()
        warned: set[int] = set()
        for day in layout.training:
            for item in day.items:
                exercise = item.exercise
                missing = [p for p in exercise.prerequisites.all() if not (_identity(p) & seen)]
                if missing and exercise.pk not in warned:
                    warned.add(exercise.pk)
                    names = ", ".join(p.name for p in missing)
                    yield self.warn(
                        day.day,
                        f"Day {day.number}: {exercise.name} comes before its "
                        f"prerequisites ({names}).",
                    )
                seen |= _identity(exercise)


class StageCriteriaReachable(Rule):
    """A program that fixes rungs leaves enough sessions (days) at each to meet its criteria,
    climbs one rung at a time, and starts on the first rung. Days at "the client's current
    stage" neither count nor interrupt."""

    code = "stage_criteria"
    title = "Time to meet a stage's criteria before the next stage"

    def check(self, layout: ProgramLayout) -> Iterator[RuleWarning]:
        # exercise id -> (current stage, days at it so far)
        at: dict[int, tuple[Stage, int]] = {}
        met: set[int] = set()
        for day in layout.training:
            for exercise, stage in self._stages_of(day):
                first = exercise.pk not in met
                met.add(exercise.pk)
                if stage is None:
                    continue
                current = at.get(exercise.pk)
                if current is None:
                    at[exercise.pk] = (stage, 1)
                    if first and stage.order > 1:
                        yield self.warn(
                            day.day,
                            f"Day {day.number} starts {exercise.name} at stage {stage.order}, "
                            f"without the rungs below it. Start at stage 1, or leave the stage "
                            "to the client's own.",
                        )
                    continue
                previous, count = current
                if previous.pk == stage.pk:
                    at[exercise.pk] = (stage, count + 1)
                    continue
                needed = previous.criteria_sessions
                if stage.order > previous.order + 1:
                    yield self.warn(
                        day.day,
                        f"Day {day.number} jumps {exercise.name} from stage "
                        f"{previous.order} to stage {stage.order}, skipping a rung.",
                    )
                elif stage.order > previous.order and needed and count < needed:
                    yield self.warn(
                        day.day,
                        f"Day {day.number} moves {exercise.name} to stage {stage.order} after "
                        f"{count} session{'s' if count != 1 else ''} at stage "
                        f"{previous.order}; its criteria need {needed}.",
                    )
                at[exercise.pk] = (stage, 1)

    @staticmethod
    def _stages_of(day: LaidOutDay) -> list[tuple[Exercise, Stage | None]]:
        """Each exercise of the day once, with the rung it is fixed at (None: the client's)."""
        found: dict[int, tuple[Exercise, Stage | None]] = {}
        for item in day.items:
            exercise, stage = item.exercise, item.stage
            if exercise.pk not in found or (stage is not None and found[exercise.pk][1] is None):
                found[exercise.pk] = (exercise, stage)
        return list(found.values())


class RestDaysRest(Rule):
    code = "rest_day_work"
    title = "Rest days kept for rest"

    def check(self, layout: ProgramLayout) -> Iterator[RuleWarning]:
        for day in sorted(layout.days, key=lambda d: d.number):
            count = len(day.items)
            if day.day.is_rest and count:
                yield self.warn(
                    day.day,
                    f"Day {day.number} is a rest day but has {count} exercise"
                    f"{'s' if count != 1 else ''}. Clear it, or make it a training day.",
                )


class BlocksInOrder(Rule):
    """Blocks follow the cycle stability → strength → speed (and may start it again from
    stability after speed); deload and general blocks stand outside the cycle."""

    code = "block_order"
    title = "Blocks in the order stability, strength, speed"
    cycle = (Block.Focus.STABILITY, Block.Focus.STRENGTH, Block.Focus.SPEED)

    def check(self, layout: ProgramLayout) -> Iterator[RuleWarning]:
        program = layout.program
        blocks = sorted(
            (b for b in program.blocks.all() if b.focus in self.cycle),
            key=lambda b: (b.start, b.order),
        )
        for previous, block in pairwise(blocks):
            step = (self.cycle.index(block.focus) - self.cycle.index(previous.focus)) % 3
            if step in (0, 1):
                continue
            days = [
                d.day
                for d in layout.days
                if block.start <= (d.number if program.is_routine else d.day.week or 0) <= block.end
            ]
            if not days:
                continue
            first = min(days, key=lambda d: d.number)
            yield self.warn(
                first,
                f"Day {first.number}: the {block.name} block ({block.get_focus_display().lower()})"
                f" follows a {previous.get_focus_display().lower()} block. Build stability, then "
                "strength, then speed.",
            )


RULES: list[Rule] = [
    HardBilateralSpacing(),
    UnilateralSessionsPerWeek(),
    DeloadAfterIntenseWeeks(),
    PrerequisitesFirst(),
    StageCriteriaReachable(),
    RestDaysRest(),
    BlocksInOrder(),
]


def program_warnings(
    program: Program, rules: Iterable[Rule] = RULES, *, assignment: Assignment | None = None
) -> list[RuleWarning]:
    """Every rule's warnings, by day, for a program loaded with its structure
    (selectors.program_get_for(full=True)).

    A plan is checked from each weekday it could start on, and each warning names the start
    days that break the rule; a routine's days fall alike from any start. With `assignment`
    (a client's copy), the client's own calendar is checked: their start date and pauses.
    """
    rules = list(rules)
    if assignment is not None:
        starts: Iterable[int] = (assignment.starts_on.weekday(),)
    elif program.is_routine:
        starts = (0,)
    else:
        starts = ALL_WEEKDAYS
    found: dict[tuple[int, str, str], set[int]] = {}
    for start in starts:
        layout = ProgramLayout.of(program, start_weekday=start, assignment=assignment)
        for rule in rules:
            for warning in rule.check(layout):
                found.setdefault((warning.day, warning.rule, warning.message), set()).add(start)
    # A routine's days, and a client's own calendar, do not depend on a start day to choose.
    fixed = program.is_routine or assignment is not None
    warnings = [
        RuleWarning(
            rule=rule,
            day=day,
            message=message,
            start_days=ALL_WEEKDAYS if fixed else tuple(sorted(days)),
        )
        for (day, rule, message), days in found.items()
    ]
    return sorted(warnings, key=lambda w: (w.day, w.rule, w.start_days))
