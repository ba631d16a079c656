"""A prescription's dose over its stage's: each dose field is either set by the coach (stored on
the prescription) or left empty, which means "from the stage". Nothing of the stage is copied into
a prescription, so a change to the stage, or a client moving to another rung, reaches every
prescription that left the field to it."""

from dataclasses import dataclass, field
from decimal import Decimal

from exercises.models import Exercise, Stage
from exercises.templatetags.dose import joined, load_band
from programs.models import Day, Prescription

# Dose fields a prescription may leave to the stage: empty means "from the stage".
STAGE_DOSE_FIELDS = ("sets", "reps_per_side", "hold_seconds", "rest_seconds")

# How a dose field reads in a sentence, in the order the dose is written.
FIELD_WORDS = {
    "sets": "sets",
    "reps_per_side": "reps",
    "hold_seconds": "hold",
    "load": "load",
    "rest_seconds": "rest",
}
# The figures of a starter's prescription, which are all product defaults (programs.starters).
STARTER_FIGURES = {**FIELD_WORDS, "target_rpe": "effort"}


def _words(names: set[str]) -> str:
    """Field names in words, in the order the dose is written: "sets, reps and rest"."""
    return joined([word for name, word in STARTER_FIGURES.items() if name in names])


def dose_values(
    prescription: Prescription, stage: Stage | None
) -> tuple[dict[str, int | None], set[str]]:
    """Each stage dose field: the prescription's value where the coach set it, else the stage's;
    and the names of the fields the stage gave."""
    values: dict[str, int | None] = {}
    from_stage: set[str] = set()
    for name in STAGE_DOSE_FIELDS:
        own = getattr(prescription, name)
        if own is None and stage is not None and getattr(stage, name) is not None:
            values[name] = getattr(stage, name)
            from_stage.add(name)
        else:
            values[name] = own
    return values, from_stage


def template_stage(prescription: Prescription) -> Stage | None:
    """The stage a program (not yet a client) shows for a prescription: its fixed stage, else
    the first rung, where a client starts. Reads the exercise's prefetched stages."""
    if prescription.stage_id is not None:
        return prescription.stage
    return next(iter(prescription.exercise.stages.all()), None)


@dataclass(kw_only=True)
class ResolvedDose:
    """A prescription's dose with its stage's values filled in where the coach left a field
    empty. Reads like a prescription for the `dose` filter; `from_stage` names the fields the
    stage gave."""

    exercise: Exercise
    stage: Stage | None
    sets: int | None
    reps_per_side: int | None
    hold_seconds: int | None
    rest_seconds: int | None
    load: Decimal | None
    load_unit: str
    # The stage's load band where the coach set no load; None lets `dose` read the load.
    load_text: str | None
    from_stage: set[str] = field(default_factory=set)

    @property
    def from_stage_names(self) -> str:
        """The fields the stage gave, in words: "sets, reps and rest"."""
        return _words(self.from_stage)

    @property
    def set_range(self) -> range:
        """Set numbers 1…sets (at least one), for log sheets."""
        return range(1, (self.sets or 1) + 1)


@dataclass(kw_only=True)
class TemplateDose(ResolvedDose):
    """The dose as a program shows it, before any client: `stage` is the fixed stage or, for
    "the client's current stage", the first rung. `defaults` names the figures that are product
    defaults: the stage's own defaults it gives, and every figure a starter sets itself."""

    stage_is_fixed: bool
    defaults: set[str] = field(default_factory=set)

    @property
    def default_names(self) -> str:
        """The figures that are product defaults, in words: "sets and rest"."""
        return _words(self.defaults)

    @property
    def rung_is_default(self) -> bool:
        """The stage is a rung of the product's, not of the training material."""
        return self.stage is not None and self.stage.is_default("rung")


def _in_starter(prescription: Prescription) -> bool:
    """Whether the prescription is on a starter template, judged from what is already loaded
    (the builder loads each day with its program)."""
    if not Prescription.day.is_cached(prescription):  # type: ignore[attr-defined]
        return False
    day = prescription.day
    return Day.program.is_cached(day) and day.program.owner_id is None  # type: ignore[attr-defined]


def template_dose(prescription: Prescription) -> TemplateDose:
    """The dose a program shows for a prescription: the coach's values over the stage's."""
    stage = template_stage(prescription)
    values, from_stage = dose_values(prescription, stage)
    load_text = None
    if prescription.load is None and stage is not None and stage.has_load:
        load_text = load_band(stage)
        from_stage.add("load")
    defaults = {name for name in from_stage if stage is not None and stage.is_default(name)}
    if _in_starter(prescription):
        defaults |= {name for name in STARTER_FIGURES if getattr(prescription, name) is not None}
    return TemplateDose(
        exercise=prescription.exercise,
        stage=stage,
        stage_is_fixed=prescription.stage_id is not None,
        defaults=defaults,
        load=prescription.load,
        load_unit=prescription.load_unit or (stage.load_unit if stage else ""),
        load_text=load_text,
        from_stage=from_stage,
        **values,
    )
