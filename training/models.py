"""What happens to a client over time: where they stand on each ladder, and what they logged."""

from decimal import Decimal

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


# --- the coach's dashboard ---------------------------------------------------------------------


class ClientSummary(models.Model):
    """A client's figures as the coach's dashboard lists them, stored so that the dashboard
    sorts and filters in SQL. The writes that change them count themselves in `changes`; a
    task after the commit works the figures out again (training.summaries), as does the
    dashboard for any it shows before then; what changes with the date alone, a pass once each
    client's day has turned."""

    class Today(models.TextChoices):
        DONE = "done", "Done"
        PARTIAL = "partial", "Partly done"
        NOT_YET = "not_yet", "Not yet"
        SKIPPED = "skipped", "Skipped"
        REST = "rest", "Rest day"
        PAUSED = "paused", "Paused"
        # No session today, and a program that starts on a later date.
        UPCOMING = "upcoming", "Program not started"
        NONE = "none", "No program"

    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )
    on = models.DateField(help_text="The client's local date the figures are as of.")
    today_status = models.CharField(max_length=8, choices=Today.choices, default=Today.NONE)
    # Shares from 0 to 1; empty when no session was due in the window.
    adherence_7 = models.DecimalField(max_digits=4, decimal_places=3, null=True, blank=True)
    adherence_30 = models.DecimalField(max_digits=4, decimal_places=3, null=True, blank=True)
    missed_in_a_row = models.PositiveSmallIntegerField(default=0)
    current_streak = models.PositiveSmallIntegerField(default=0)
    # The largest left/right asymmetry index of the exercises' latest sessions, and its exercise.
    asymmetry = models.DecimalField(max_digits=4, decimal_places=3, null=True, blank=True)
    asymmetry_exercise = models.ForeignKey(
        Exercise, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ready_count = models.PositiveSmallIntegerField(
        default=0, help_text="Exercises the client is ready to move up on."
    )
    last_logged_on = models.DateField(null=True, blank=True)
    refreshed_at = models.DateTimeField(default=timezone.now)
    changes = models.PositiveIntegerField(
        default=0, help_text="Writes since the figures were worked out (0: they are current)."
    )

    class Meta:
        verbose_name_plural = "client summaries"
        indexes = [
            models.Index(fields=["changes"], condition=Q(changes__gt=0), name="summary_changed_idx")
        ]

    def __str__(self) -> str:
        return f"Summary of {self.client_id} on {self.on}"


# --- running indicators ----------------------------------------------------------------------

CADENCE_SPM = (60, 260)
GROUND_CONTACT_MS = (100, 1000)
STRIDE_LENGTH_M = ("0.30", "3.00")
RUN_NEEDS_A_VALUE = "Give at least one of cadence, ground contact or stride length."


class RunMetric(models.Model):
    """The signs of a run that show single-leg work carrying over: steps per minute, time on
    the ground per step and stride length, on the client's local date."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="run_metrics")
    on = models.DateField("date", help_text="The client's local date of the run.")
    cadence_spm = models.PositiveSmallIntegerField(
        "cadence (steps per minute)",
        null=True,
        blank=True,
        validators=[MinValueValidator(CADENCE_SPM[0]), MaxValueValidator(CADENCE_SPM[1])],
    )
    ground_contact_ms = models.PositiveSmallIntegerField(
        "ground contact (ms)",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(GROUND_CONTACT_MS[0]),
            MaxValueValidator(GROUND_CONTACT_MS[1]),
        ],
    )
    stride_length_m = models.DecimalField(
        "stride length (m)",
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal(STRIDE_LENGTH_M[0])),
            MaxValueValidator(Decimal(STRIDE_LENGTH_M[1])),
        ],
    )
    note = models.CharField(max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        constraints = [
            # One row per client and date: an import or a second entry for that date updates it.
            models.UniqueConstraint(fields=["client", "on"], name="run_metric_one_per_day"),
            models.CheckConstraint(
                condition=Q(cadence_spm__isnull=False)
                | Q(ground_contact_ms__isnull=False)
                | Q(stride_length_m__isnull=False),
                name="run_metric_has_a_value",
                violation_error_message=RUN_NEEDS_A_VALUE,
            ),
            models.CheckConstraint(
                condition=Q(cadence_spm__isnull=True)
                | Q(cadence_spm__gte=CADENCE_SPM[0], cadence_spm__lte=CADENCE_SPM[1]),
                name="run_metric_cadence_range",
                violation_error_message="Cadence is between 60 and 260 steps per minute.",
            ),
            models.CheckConstraint(
                condition=Q(ground_contact_ms__isnull=True)
                | Q(
                    ground_contact_ms__gte=GROUND_CONTACT_MS[0],
                    ground_contact_ms__lte=GROUND_CONTACT_MS[1],
                ),
                name="run_metric_contact_range",
                violation_error_message="Ground contact is between 100 and 1000 ms.",
            ),
            models.CheckConstraint(
                condition=Q(stride_length_m__isnull=True)
                | Q(
                    stride_length_m__gte=Decimal(STRIDE_LENGTH_M[0]),
                    stride_length_m__lte=Decimal(STRIDE_LENGTH_M[1]),
                ),
                name="run_metric_stride_range",
                violation_error_message="Stride length is between 0.30 and 3.00 m.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} ran on {self.on}"


class RunImportMapping(models.Model):
    """How one user's watch export names its columns, kept for their next upload.

    `columns` maps each field (on, cadence_spm, ground_contact_ms, stride_length_m, note) to a
    header of the file; `units` says whether stride is in m or cm and contact in ms.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="run_import_mapping"
    )
    columns = models.JSONField(default=dict, blank=True)
    units = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"run import columns of {self.user}"
