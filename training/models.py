"""What happens to a client over time: where they stand on each ladder, and what they logged."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coach.models import Client
from exercises.models import Exercise, Stage
from programs.models import Assignment, Prescription

NON_NEGATIVE = [MinValueValidator(0)]
# Far above any set a person does, and within every database's columns.
MAX_SETS = 100
MAX_REPS = 1000
MAX_HOLD_SECONDS = 24 * 60 * 60


class ClientStage(models.Model):
    """The rung a client stands on for one exercise (a coach's copy has its own ladder).

    Only the coach moves it; the system sets the first rung and says when the client is ready
    to move up (`ready_since`, with the sessions that showed it in `ready_evidence`).
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="stages")
    # Named reverse relations: the library's "is this used?" checks walk them.
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="client_stages")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="client_stages")
    ready_since = models.DateTimeField(null=True, blank=True)
    ready_evidence = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "exercise"], name="client_stage_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.client} on {self.stage}"


class StageChange(models.Model):
    """One move of a client between rungs: from, to, who, when and why. Never edited."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="stage_changes")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="stage_changes")
    from_stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="changes_from"
    )
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="changes_to")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the system set the first rung.",
    )
    changed_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["client", "exercise", "-changed_at"])]

    def __str__(self) -> str:
        return f"{self.client}: {self.from_stage} → {self.to_stage}"


class LogQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def alive(self) -> "LogQuerySet":
        return self.filter(deleted_at__isnull=True)


class SessionLog(models.Model):
    """What a client did on one day of an assignment (their local date)."""

    class Status(models.TextChoices):
        OPEN = "open", "In progress"
        DONE = "done", "Done"
        PARTIAL = "partial", "Partly done"
        SKIPPED = "skipped", "Skipped"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="session_logs")
    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="session_logs"
    )
    on = models.DateField(help_text="The client's local date of the session.")
    day_number = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    skip_reason = models.CharField(max_length=300, blank=True)
    effort = models.PositiveSmallIntegerField(
        "overall effort (RPE)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    note = models.TextField(blank=True)
    video_url = models.URLField("form-check video", blank=True)
    coach_comment = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    is_late = models.BooleanField(default=False, help_text="Logged after its day had passed.")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = LogQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "on"],
                condition=Q(deleted_at__isnull=True),
                name="session_log_one_per_assignment_day",
            ),
            models.CheckConstraint(
                condition=Q(effort__isnull=True) | Q(effort__gte=1, effort__lte=10),
                name="session_log_effort_1_10",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "on"]),
            models.Index(fields=["client", "updated_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.client} on {self.on}"


class SetLog(models.Model):
    """One set of one exercise on one side, with a copy of what was prescribed beside it."""

    class Side(models.TextChoices):
        LEFT = "left", "Left"
        RIGHT = "right", "Right"
        BOTH = "both", "Both"

    session = models.ForeignKey(SessionLog, on_delete=models.CASCADE, related_name="sets")
    # The link goes when the prescription does; `prescribed` keeps what it said.
    prescription = models.ForeignKey(
        Prescription, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="set_logs")
    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="set_logs"
    )
    prescribed = models.JSONField(default=dict, blank=True)
    set_number = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SETS)]
    )
    side = models.CharField(max_length=5, choices=Side.choices)
    reps = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_REPS)]
    )
    hold_seconds = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_HOLD_SECONDS)]
    )
    load = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, validators=NON_NEGATIVE
    )
    load_unit = models.CharField(max_length=12, blank=True)
    support = models.CharField(max_length=60, blank=True, help_text="E.g. handrail, wall.")
    rpe = models.PositiveSmallIntegerField(
        "effort (RPE)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    form = models.PositiveSmallIntegerField(
        "form quality",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    note = models.CharField(max_length=500, blank=True)
    client_uuid = models.UUIDField(
        null=True, blank=True, unique=True, help_text="An id chosen by the device that logged it."
    )
    logged_at = models.DateTimeField(default=timezone.now)
    is_late = models.BooleanField(default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = LogQuerySet.as_manager()

    class Meta:
        ordering = ["session", "exercise", "set_number", "side", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(set_number__gte=1), name="set_log_number_from_1"),
            models.CheckConstraint(
                condition=Q(load__isnull=True) | Q(load__gte=0), name="set_log_load_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(rpe__isnull=True) | Q(rpe__gte=1, rpe__lte=10), name="set_log_rpe_1_10"
            ),
            models.CheckConstraint(
                condition=Q(form__isnull=True) | Q(form__gte=1, form__lte=5),
                name="set_log_form_1_5",
            ),
            models.CheckConstraint(
                condition=Q(side__in=["left", "right", "both"]), name="set_log_side_valid"
            ),
        ]
        indexes = [models.Index(fields=["exercise", "session"])]

    def __str__(self) -> str:
        return f"{self.exercise} set {self.set_number} ({self.side})"


class IdempotencyKey(models.Model):
    """A write an API client may retry: the first response is kept and replayed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotency_keys"
    )
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return self.key
