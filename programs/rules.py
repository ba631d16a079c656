"""Training rules checked against a program. Each rule is one small class in RULES.

A rule reads a ProgramLayout (days in calendar order with their exercises) and returns warnings
that name the day they concern. They come from the training material: technique before load,
spacing of hard days, one or two unilateral sessions a week, a lighter week after intensified
ones, prerequisites first, and stage criteria that the schedule leaves time to meet.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from exercises.models import Exercise, Stage
from programs.models import Block, Day, Program
from programs.schedule import day_offset


@dataclass(frozen=True)
class RuleWarning:
    rule: str
    day: int
    message: str


@dataclass
class LaidOutDay:
    day: Day
    offset: int
    week: int
    in_deload: bool
    exercises: list[Exercise] = field(default_factory=list)

    @property
    def trains(self) -> bool:
        return not self.day.is_rest and bool(self.exercises)


@dataclass
class ProgramLayout:
    program: Program
    days: list[LaidOutDay]

    @classmethod
    def of(cls, program: Program) -> "ProgramLayout":
        """Lay out a program loaded by selectors.program_get_for(full=True) (no further queries)."""
        blocks: list[Block] = list(program.blocks.all())
        days = []
        for day in program.days.all():
            offset = day_offset(program=program, day=day)
            week = day.week if day.week is not None else offset // 7 + 1
            unit = day.number if program.is_routine else week
            deload = any(b.focus == Block.Focus.DELOAD and b.start <= unit <= b.end for b in blocks)
            laid = LaidOutDay(day=day, offset=offset, week=week, in_deload=deload)
            laid.exercises = [p.exercise for p in day.prescriptions.all()]
            days.append(laid)
        days.sort(key=lambda d: d.offset)
        return cls(program=program, days=days)

    def weeks(self) -> dict[int, list[LaidOutDay]]:
        grouped: dict[int, list[LaidOutDay]] = defaultdict(list)
        for day in self.days:
            grouped[day.week].append(day)
        return dict(sorted(grouped.items()))


class Rule:
    code = ""
    title = ""

    def check(self, layout: ProgramLayout) -> Iterator[RuleWarning]:
        raise NotImplementedError

    def warn(self, day: Day, message: str) -> RuleWarning:
        return RuleWarning(rule=self.code, day=day.number, message=message)


class HardBilateralSpacing(Rule):
    code = "bilateral_48h"
    title = "48 hours between high-intensity bilateral days"

    def check(self, layout: ProgramLayout) -> Iterator[RuleWarning]:
        previous: LaidOutDay | None = None
        for day in layout.days:
            hard_bilateral = (
                day.trains
                and day.day.intensity == Day.Intensity.HIGH
                and any(e.laterality == Exercise.Laterality.BILATERAL for e in day.exercises)
            )
            if not hard_bilateral:
                continue
            if previous is not None and day.offset - previous.offset < 2:
                yield self.warn(
                    day.day,
                    f"Day {day.day.number} has high-intensity bilateral work less than 48 h "
                    f"after day {previous.day.number}. Make one of them lighter or move it.",
                )
            previous = day


class UnilateralSessionsPerWeek(Rule):
    code = "unilateral_per_week"
    title = "One or two unilateral sessions a week (plans)"

    def check(self, layout: ProgramLayout) -> Iterator[RuleWarning]:
        if layout.program.is_routine:
            return  # a daily routine is its own thing (e.g. the 30-day wall hold)
        for week, days in layout.weeks().items():
            training = [d for d in days if d.trains]
            if not training:
                continue
            unilateral = [
                d
                for d in training
                if any(e.laterality == Exercise.Laterality.UNILATERAL for e in d.exercises)
            ]
            if not unilateral:
                yield self.warn(
                    training[0].day,
                    f"Day {training[0].day.number}: week {week} has no unilateral session; "
                    "plan one or two.",
                )
            elif len(unilateral) > 2:
                yield self.warn(
                    unilateral[2].day,
                    f"Day {unilateral[2].day.number}: week {week} has {len(unilateral)} "
                    "unilateral sessions; keep it to one or two so each leg recovers.",
                )


class DeloadAfterIntenseWeeks(Rule):
    code = "deload_after_3"
    title = "A lighter week after three intensified weeks"
    max_intense_weeks = 3

    def check(self, layout: ProgramLayout) -> Iterator[RuleWarning]:
        streak = 0
        for week, days in layout.weeks().items():
            intense = any(
                d.trains and d.day.intensity == Day.Intensity.HIGH and not d.in_deload for d in days
            )
            if not intense:
                streak = 0
                continue
            streak += 1
            if streak > self.max_intense_weeks:
                first = next(d for d in days if d.trains)
                yield self.warn(
                    first.day,
                    f"Day {first.day.number}: week {week} follows {self.max_intense_weeks} "
                    "intensified weeks without a lighter one. Plan a deload week.",
                )
                streak = 0


def _identity(exercise: Exercise) -> set[int]:
    """An exercise counts as itself and as the exercise it was copied from."""
    return {exercise.pk} | ({exercise.copied_from_id} if exercise.copied_from_id else set())


class PrerequisitesFirst(Rule):
    code = "prerequisites_first"
    title = "Prerequisites before the exercises that build on them"

    def check(self, layout: ProgramLayout) -> Iterator[RuleWarning]:
        seen: set[int] = set()
        warned: set[int] = set()
        for day in layout.days:
            for exercise in day.exercises:
                missing = [p for p in exercise.prerequisites.all() if not (_identity(p) & seen)]
                if missing and exercise.pk not in warned:
                    warned.add(exercise.pk)
                    names = ", ".join(p.name for p in missing)
                    yield self.warn(
                        day.day,
                        f"Day {day.day.number}: {exercise.name} comes before its "
                        f"prerequisites ({names}).",
                    )
                seen |= _identity(exercise)


class StageCriteriaReachable(Rule):
    code = "stage_criteria"
    title = "Time to meet a stage's criteria before the next stage"

    def check(self, layout: ProgramLayout) -> Iterator[RuleWarning]:
        # exercise id -> (current stage, sessions at it so far)
        at: dict[int, tuple[Stage, int]] = {}
        for day in layout.days:
            if day.day.is_rest:
                continue
            for prescription in day.day.prescriptions.all():
                stage = prescription.stage
                if stage is None:
                    continue
                current = at.get(prescription.exercise_id)
                if current is None:
                    at[prescription.exercise_id] = (stage, 1)
                    continue
                previous, count = current
                if previous.pk == stage.pk:
                    at[prescription.exercise_id] = (stage, count + 1)
                    continue
                needed = previous.criteria_sessions
                if stage.order > previous.order + 1:
                    yield self.warn(
                        day.day,
                        f"Day {day.day.number} jumps {prescription.exercise.name} from stage "
                        f"{previous.order} to stage {stage.order}, skipping a rung.",
                    )
                elif stage.order > previous.order and needed and count < needed:
                    yield self.warn(
                        day.day,
                        f"Day {day.day.number} moves {prescription.exercise.name} to stage "
                        f"{stage.order} after {count} session{'s' if count != 1 else ''} at "
                        f"stage {previous.order}; its criteria need {needed}.",
                    )
                at[prescription.exercise_id] = (stage, 1)


RULES: list[Rule] = [
    HardBilateralSpacing(),
    UnilateralSessionsPerWeek(),
    DeloadAfterIntenseWeeks(),
    PrerequisitesFirst(),
    StageCriteriaReachable(),
]


def program_warnings(program: Program, rules: Iterable[Rule] = RULES) -> list[RuleWarning]:
    """Every rule's warnings, by day, for a program loaded with its structure
    (selectors.program_get_for(full=True))."""
    layout = ProgramLayout.of(program)
    warnings = [warning for rule in rules for warning in rule.check(layout)]
    return sorted(warnings, key=lambda w: (w.day, w.rule))
