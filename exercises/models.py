from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from coach.models import Coach


class Region(models.Model):
    """A body region an exercise trains (hamstrings, glutes, feet, …)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Equipment(models.Model):
    """Something an exercise needs (dumbbell, wall, handrail, …)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "equipment"

    def __str__(self) -> str:
        return self.name


class ExerciseQuerySet(models.QuerySet["Exercise"]):
    def shared(self) -> "ExerciseQuerySet":
        return self.filter(owner__isnull=True)

    def visible_to(self, coach: Coach) -> "ExerciseQuerySet":
        """The shared library and the coach's own exercises."""
        return self.filter(Q(owner__isnull=True) | Q(owner=coach))

    def owned_by(self, coach: Coach) -> "ExerciseQuerySet":
        return self.filter(owner=coach)

    def active(self) -> "ExerciseQuerySet":
        return self.filter(archived_at__isnull=True)


class Exercise(models.Model):
    """A movement with instructions, cues and faults, and a ladder of stages."""

    class Laterality(models.TextChoices):
        BILATERAL = "bilateral", "Bilateral"
        UNILATERAL = "unilateral", "Unilateral"
        ALTERNATING = "alternating", "Alternating"

    class Measurement(models.TextChoices):
        REPS = "reps", "Reps"
        HOLD = "hold", "Hold (seconds)"
        REPS_LOAD = "reps_load", "Reps with load"
        DISTANCE = "distance", "Distance"
        TIME = "time", "Time"

    class Category(models.TextChoices):
        MOBILITY = "mobility", "Mobility"
        STABILITY = "stability", "Stability"
        STRENGTH = "strength", "Strength"
        POWER = "power", "Power"
        CONDITIONING = "conditioning", "Conditioning"

    owner = models.ForeignKey(
        Coach,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exercises",
        help_text="Empty for the shared library.",
    )
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140)
    summary = models.TextField(blank=True)
    instructions = models.JSONField(default=list, blank=True, help_text="Ordered steps.")
    cues = models.JSONField(default=list, blank=True, help_text="Keys to success.")
    faults = models.JSONField(
        default=list, blank=True, help_text='Common faults: [{"fault": …, "fix": …}].'
    )
    breathing = models.TextField(blank=True)
    laterality = models.CharField(max_length=12, choices=Laterality.choices)
    measurement = models.CharField(max_length=12, choices=Measurement.choices)
    category = models.CharField(max_length=12, choices=Category.choices)
    is_warm_up = models.BooleanField(
        "warm-up drill",
        default=False,
        help_text="Done to prepare for training, like the wall hold: never a session's main work.",
    )
    regions = models.ManyToManyField(Region, blank=True, related_name="exercises")
    equipment = models.ManyToManyField(Equipment, blank=True, related_name="exercises")
    video_url = models.URLField("demo video", blank=True)
    sources = models.JSONField(
        default=list,
        blank=True,
        help_text="Titles of the training material the exercise's facts come from.",
    )
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="required_for"
    )
    progressions = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="regressions",
        help_text="Harder neighbours; this exercise becomes their regression.",
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExerciseQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "slug"], name="exercise_slug_unique_per_owner"
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(owner__isnull=True),
                name="exercise_slug_unique_in_shared_library",
            ),
        ]
        indexes = [models.Index(fields=["owner", "archived_at", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_unilateral(self) -> bool:
        return self.laterality != self.Laterality.BILATERAL

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if not isinstance(self.sources, list) or not all(
            isinstance(title, str) and title.strip() for title in self.sources
        ):
            errors["sources"] = "Give a list of titles."
        for field in ("instructions", "cues"):
            value = getattr(self, field)
            if not isinstance(value, list) or not all(
                isinstance(item, str) and item.strip() for item in value
            ):
                errors[field] = "Give a list of non-empty lines."
        if not isinstance(self.faults, list) or not all(
            isinstance(item, dict)
            and set(item) == {"fault", "fix"}
            and all(isinstance(item[k], str) and item[k].strip() for k in ("fault", "fix"))
            for item in self.faults
        ):
            errors["faults"] = "Each fault needs a fault and its fix."
        if errors:
            raise ValidationError(errors)


NON_NEGATIVE = [MinValueValidator(Decimal(0))]
LOAD_PAIRS = (
    ("load_min", "load_max"),
    ("load_min_female", "load_max_female"),
    ("load_min_male", "load_max_male"),
)


def _load_constraints() -> list[models.BaseConstraint]:
    constraints: list[models.BaseConstraint] = []
    for low, high in LOAD_PAIRS:
        constraints += [
            models.CheckConstraint(
                condition=Q(**{f"{low}__isnull": True}) | Q(**{f"{low}__gte": 0}),
                name=f"stage_{low}_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(**{f"{low}__isnull": True, f"{high}__isnull": True})
                | Q(**{f"{low}__isnull": False, f"{high}__isnull": False}),
                name=f"stage_{low}_{high}_both_or_neither",
            ),
            models.CheckConstraint(
                condition=Q(**{f"{low}__isnull": True})
                | Q(**{f"{high}__isnull": True})
                | Q(**{f"{low}__lte": models.F(high)}),
                name=f"stage_{low}_lte_{high}",
            ),
        ]
    return constraints


# What a stage's `defaults` may name, with the fields behind each name: "rung" when the step
# itself is the product's (the training material has no such rung), "load" for its load bands,
# and its dose and criteria fields.
DEFAULTABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "rung": ("name", "description"),
    **{name: (name,) for name in ("sets", "reps_per_side", "hold_seconds", "rest_seconds")},
    "load": tuple(field for pair in LOAD_PAIRS for field in pair),
    **{
        name: (name,)
        for name in (
            "criteria_sessions",
            "criteria_min_form",
            "criteria_max_gap_pct",
            "criteria_min_hold_seconds",
        )
    },
}
DEFAULTABLE = tuple(DEFAULTABLE_FIELDS)


class Stage(models.Model):
    """One rung of an exercise's progression ladder: what changes, the dose, load and criteria.

    `defaults` names what the product chose where the training material gives no figure (the
    dose, the criteria, the rung itself); the rest is the material's, or the coach's own.
    """

    class LoadUnit(models.TextChoices):
        # The values are what logs and prescriptions store too: "lb" and "kg" are converted
        # between each other, the others are counted as they are.
        LB = "lb", "lb (pounds)"
        KG = "kg", "kg (kilograms)"
        BAND = "band", "Resistance band"
        BODYWEIGHT = "bodyweight", "Bodyweight"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField(help_text="1 is the first rung.")
    key = models.SlugField(
        max_length=60,
        blank=True,
        help_text="Names a rung of the shared library so that reseeding finds it again.",
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    laterality = models.CharField(
        max_length=12,
        choices=Exercise.Laterality.choices,
        blank=True,
        help_text="Empty: as the exercise. A two-foot set-up of a single-leg hold is bilateral.",
    )
    support = models.CharField(
        max_length=60, blank=True, help_text="E.g. handrail, wall, band; empty for none."
    )
    surface = models.CharField(max_length=60, blank=True, help_text="E.g. floor, balance pad.")
    sets = models.PositiveSmallIntegerField(null=True, blank=True)
    reps_per_side = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveIntegerField(null=True, blank=True)
    rest_seconds = models.PositiveIntegerField(null=True, blank=True)
    load_unit = models.CharField(
        max_length=12,
        choices=LoadUnit.choices,
        blank=True,
        help_text="What the load is measured in; empty for none.",
    )
    load_min = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, validators=NON_NEGATIVE
    )
    load_max = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, validators=NON_NEGATIVE
    )
    load_min_female = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, validators=NON_NEGATIVE
    )
    load_max_female = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, validators=NON_NEGATIVE
    )
    load_min_male = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, validators=NON_NEGATIVE
    )
    load_max_male = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, validators=NON_NEGATIVE
    )
    # Criteria to move up, evaluated against a client's logs: this many consecutive sessions
    # with form quality at least `criteria_min_form`, a left/right gap of at most
    # `criteria_max_gap_pct` per cent and, for holds, at least `criteria_min_hold_seconds`.
    criteria_sessions = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    criteria_min_form = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    criteria_max_gap_pct = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    criteria_min_hold_seconds = models.PositiveIntegerField(null=True, blank=True)
    criteria_note = models.TextField(blank=True)
    defaults = models.JSONField(
        default=list,
        blank=True,
        help_text="What the product chose where the training material gives no figure.",
    )
    differs_note = models.TextField(
        "differs from the material",
        blank=True,
        help_text="Where this rung departs from the training material, and why.",
    )

    class Meta:
        ordering = ["exercise", "order"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "order"], name="stage_order_unique"),
            models.UniqueConstraint(
                fields=["exercise", "key"],
                condition=~Q(key=""),
                name="stage_key_unique_per_exercise",
            ),
            models.CheckConstraint(condition=Q(order__gte=1), name="stage_order_from_one"),
            models.CheckConstraint(
                condition=Q(criteria_sessions__isnull=True) | Q(criteria_sessions__gte=1),
                name="stage_criteria_sessions_at_least_one",
            ),
            models.CheckConstraint(
                condition=Q(criteria_min_form__isnull=True)
                | Q(criteria_min_form__gte=1, criteria_min_form__lte=5),
                name="stage_criteria_min_form_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(criteria_max_gap_pct__isnull=True) | Q(criteria_max_gap_pct__lte=100),
                name="stage_criteria_gap_at_most_100",
            ),
            *_load_constraints(),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} · stage {self.order}: {self.name}"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        any_load = False
        for low, high in LOAD_PAIRS:
            low_value, high_value = getattr(self, low), getattr(self, high)
            if (low_value is None) != (high_value is None):
                errors[high if low_value is not None else low] = (
                    "Give both ends of the range, or neither."
                )
            elif low_value is not None and high_value is not None:
                any_load = True
                if low_value > high_value:
                    errors[high] = "The upper end must be at least the lower end."
        if any_load and not self.load_unit:
            errors["load_unit"] = "Say what the load is measured in (lb, kg, band, …)."
        other_criteria = (
            self.criteria_min_form,
            self.criteria_max_gap_pct,
            self.criteria_min_hold_seconds,
        )
        if self.criteria_sessions is None and any(v is not None for v in other_criteria):
            errors["criteria_sessions"] = (
                "Say how many sessions in a row must meet the criteria to move up."
            )
        if not isinstance(self.defaults, list) or not set(self.defaults) <= set(DEFAULTABLE):
            errors["defaults"] = f"Name only these: {', '.join(DEFAULTABLE)}."
        if errors:
            raise ValidationError(errors)

    @property
    def is_unilateral(self) -> bool:
        """Dosed and timed per side: the stage's own laterality, else its exercise's."""
        laterality = self.laterality or self.exercise.laterality
        return laterality != Exercise.Laterality.BILATERAL

    def is_default(self, name: str) -> bool:
        """Whether the product chose this value ("rung", "load" or a dose or criteria field)."""
        return name in self.defaults

    @property
    def has_criteria(self) -> bool:
        return self.criteria_sessions is not None

    @property
    def has_load(self) -> bool:
        return any(getattr(self, field) is not None for pair in LOAD_PAIRS for field in pair)

    def load_range_for(self, sex: str) -> tuple[Decimal, Decimal] | None:
        """The band to build towards for a client of this sex, else the general range."""
        low, high = {"female": LOAD_PAIRS[1], "male": LOAD_PAIRS[2]}.get(sex, LOAD_PAIRS[0])
        if getattr(self, low) is not None:
            return getattr(self, low), getattr(self, high)
        if self.load_min is not None and self.load_max is not None:
            return self.load_min, self.load_max
        return None
