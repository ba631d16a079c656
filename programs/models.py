from datetime import date, timedelta
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from coach.models import Client, Coach
from exercises.models import Exercise, Stage


class ProgramQuerySet(models.QuerySet["Program"]):
    def templates(self) -> "ProgramQuerySet":
        return self.filter(is_template=True)

    def starters(self) -> "ProgramQuerySet":
        return self.filter(owner__isnull=True, is_template=True)

    def owned_by(self, coach: Coach) -> "ProgramQuerySet":
        return self.filter(owner=coach)

    def visible_to(self, coach: Coach) -> "ProgramQuerySet":
        """The coach's programs and the shared starter templates."""
        return self.filter(Q(owner=coach) | Q(owner__isnull=True, is_template=True))

    def active(self) -> "ProgramQuerySet":
        return self.filter(archived_at__isnull=True)


class Program(models.Model):
    """A coach's template (or a client's own copy of one, made on assignment).

    A *routine* is N consecutive days; a *plan* is weeks with training days on chosen weekdays.
    """

    class Kind(models.TextChoices):
        ROUTINE = "routine", "Routine (consecutive days)"
        PLAN = "plan", "Plan (weeks × weekdays)"

    owner = models.ForeignKey(
        Coach,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="programs",
        help_text="Empty for the shared starter templates.",
    )
    is_template = models.BooleanField(
        default=True, help_text="False for a client's own copy made on assignment."
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.ROUTINE)
    goal = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    length_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text="Routines: how many consecutive days.",
    )
    weeks = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="Plans: how many weeks.",
    )
    weekdays = models.JSONField(
        default=list,
        blank=True,
        help_text="Plans: training weekdays, 0 = Monday … 6 = Sunday.",
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(length_days__gte=1, length_days__lte=366), name="program_length_1_366"
            ),
            models.CheckConstraint(
                condition=Q(weeks__gte=1, weeks__lte=52), name="program_weeks_1_52"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_routine(self) -> bool:
        return self.kind == self.Kind.ROUTINE

    @property
    def total_days(self) -> int:
        """Calendar days the program spans."""
        return self.length_days if self.is_routine else self.weeks * 7


class Block(models.Model):
    """A periodization phase covering a range of days (routine) or weeks (plan)."""

    class Focus(models.TextChoices):
        STABILITY = "stability", "Stability"
        STRENGTH = "strength", "Strength"
        SPEED = "speed", "Speed"
        DELOAD = "deload", "Deload"
        GENERAL = "general", "General"

    # The unique (program, order) index serves lookups by program: no second index to maintain.
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="blocks", db_index=False
    )
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    focus = models.CharField(max_length=10, choices=Focus.choices, default=Focus.GENERAL)
    start = models.PositiveSmallIntegerField(help_text="First day (routine) or week (plan).")
    end = models.PositiveSmallIntegerField(help_text="Last day (routine) or week (plan).")

    class Meta:
        ordering = ["program", "order"]
        constraints = [
            models.UniqueConstraint(fields=["program", "order"], name="block_order_unique"),
            models.CheckConstraint(
                condition=Q(start__gte=1) & Q(end__gte=F("start")), name="block_range_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_focus_display()})"


class Weekday(models.IntegerChoices):
    """Days of the week as Python numbers them (`date.weekday()`): 0 is Monday."""

    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class Day(models.Model):
    """One day of a program. Days are numbered 1… in calendar order.

    In a routine, day N falls N-1 days after the start. In a plan, a day also has its week and
    weekday, and falls on that weekday of that week.
    """

    class Intensity(models.TextChoices):
        LOW = "low", "Low"
        MODERATE = "moderate", "Moderate"
        HIGH = "high", "High"

    # The unique (program, number) index serves lookups by program: no second index to maintain
    # on the table that bulk assignment fills fastest.
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="days", db_index=False
    )
    number = models.PositiveSmallIntegerField()
    week = models.PositiveSmallIntegerField(null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=Weekday.choices, validators=[MaxValueValidator(6)]
    )
    title = models.CharField(max_length=120, blank=True)
    intensity = models.CharField(
        max_length=8, choices=Intensity.choices, default=Intensity.MODERATE
    )
    is_rest = models.BooleanField("rest day", default=False)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["program", "number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="day_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="day_number_from_one"),
            models.CheckConstraint(
                condition=Q(weekday__isnull=True) | Q(weekday__lte=6), name="day_weekday_0_6"
            ),
        ]

    def __str__(self) -> str:
        return f"Day {self.number}" + (f": {self.title}" if self.title else "")


class Prescription(models.Model):
    """An exercise on a day, with its dose. No stage means the client's current stage."""

    # The unique (day, order) index serves lookups by day (see Day.program).
    day = models.ForeignKey(
        Day, on_delete=models.CASCADE, related_name="prescriptions", db_index=False
    )
    order = models.PositiveSmallIntegerField()
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="prescriptions")
    stage = models.ForeignKey(
        Stage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="prescriptions",
        help_text="Empty: the client's current stage.",
    )
    sets = models.PositiveSmallIntegerField(null=True, blank=True)
    reps_per_side = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveIntegerField(null=True, blank=True)
    load = models.DecimalField(
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    load_unit = models.CharField(max_length=12, blank=True)
    rest_seconds = models.PositiveIntegerField(null=True, blank=True)
    tempo = models.CharField(max_length=20, blank=True, help_text="E.g. 3-1-1-0.")
    target_rpe = models.DecimalField(
        "target effort (RPE)",
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    notes = models.TextField(blank=True)
    superset_group = models.CharField(max_length=4, blank=True, help_text="E.g. A, B.")

    class Meta:
        ordering = ["day", "order"]
        constraints = [
            models.UniqueConstraint(fields=["day", "order"], name="prescription_order_unique"),
            models.CheckConstraint(
                condition=Q(load__isnull=True) | Q(load__gte=0),
                name="prescription_load_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(target_rpe__isnull=True) | Q(target_rpe__gte=1, target_rpe__lte=10),
                name="prescription_rpe_1_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} on {self.day}"

    @property
    def set_range(self) -> range:
        """Set numbers 1…sets (at least one), for log sheets."""
        return range(1, (self.sets or 1) + 1)


def schedule_date(*, starts_on: date, pauses: list[dict[str, Any]], offset: int) -> date:
    """The date of day `offset` (0-based) of a schedule from `starts_on` with these closed
    pauses (`Assignment.pauses`): each moves the days due on or after its start later."""
    on = starts_on + timedelta(days=offset)
    for pause in pauses:
        if on >= date.fromisoformat(pause["from"]):
            on += timedelta(days=int(pause["shift"]))
    return on


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def for_coach(self, coach: Coach) -> "AssignmentQuerySet":
        return self.filter(coach=coach)

    def current(self) -> "AssignmentQuerySet":
        return self.filter(status__in=[Assignment.Status.ACTIVE, Assignment.Status.PAUSED])


class Assignment(models.Model):
    """A program given to a client from a start date. `program` is the client's copy."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="assignments")
    # The client's coach, kept on the row so that the coach's assignments are read, newest
    # first, from one index (see Meta) without joining and sorting all of them.
    coach = models.ForeignKey(
        Coach, on_delete=models.PROTECT, related_name="assignments", db_index=False
    )
    # The client's plan: a frozen copy of the template made on assignment. Clients assigned
    # together share that copy until the coach customises it for one of them, which gives
    # that client a copy of their own (copy on write): template edits never reach it, and
    # one client's changes never reach another.
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="assignments")
    template = models.ForeignKey(
        Program,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments_from_template",
    )
    starts_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    paused_on = models.DateField(null=True, blank=True)
    shift_days = models.PositiveIntegerField(
        default=0, help_text="Days the schedule moved later because of pauses, in all."
    )
    # Closed pauses, oldest first: {"from": "YYYY-MM-DD", "until": "YYYY-MM-DD", "shift": N}.
    # Each moves the days due on or after its start N days later, so a day that has passed
    # keeps its date (and its logs) whatever pauses come after it.
    pauses = models.JSONField(default=list, blank=True)
    # Where the client starts on the ladders of this program ({exercise id: stage id}), when the
    # coach chose other than the first rung on assigning.
    starting_stages = models.JSONField(default=dict, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="paused") | Q(paused_on__isnull=False),
                name="assignment_paused_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_on"]),
            models.Index(fields=["coach", "-starts_on", "-id"], name="assignment_coach_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.program} for {self.client}"

    @property
    def pause_windows(self) -> list[tuple[date, int]]:
        """(first date with no day, days moved) of each closed pause, oldest first."""
        return [(date.fromisoformat(p["from"]), int(p["shift"])) for p in self.pauses]

    def date_of(self, offset: int) -> date:
        """The calendar date of the program's day `offset` (0-based), after pauses."""
        return schedule_date(starts_on=self.starts_on, pauses=self.pauses, offset=offset)

    @property
    def first_day(self) -> date:
        """The calendar date of the program's first day, after pauses."""
        return self.date_of(0)

    @property
    def last_day(self) -> date:
        return self.date_of(self.program.total_days - 1)
