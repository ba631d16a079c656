import uuid
import zoneinfo
from datetime import date, datetime, time

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

# The largest id a row can have (primary keys are 64-bit). Larger numbers given as ids are refused
# before any lookup: SQLite cannot even bind them to a query.
MAX_ID = 2**63 - 1


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who can log in: a coach, a client with a login, or staff. E-mail is the login."""

    email = models.EmailField("e-mail address", unique=True)
    name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


def time_zone_label(name: str) -> str:
    """How a time zone reads on pages: "America/New York"."""
    return name.replace("_", " ")


class Coach(models.Model):
    """The owner of a practice: their clients, exercises and programs belong to them."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="coach")
    practice_name = models.CharField(max_length=150, blank=True)
    asymmetry_threshold_pct = models.PositiveSmallIntegerField(
        "asymmetry threshold (%)",
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="A left/right gap above this needs attention on the dashboard.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.practice_name or str(self.user)


# The IANA names are read from the time-zone database on disk: hundreds of files, too slow to
# scan per row or per validation. They are read once per process.
TIME_ZONES: frozenset[str] = frozenset(zoneinfo.available_timezones())
_TIME_ZONE_CHOICES = [(name, time_zone_label(name)) for name in sorted(TIME_ZONES)]


def time_zone_choices() -> list[tuple[str, str]]:
    return _TIME_ZONE_CHOICES


class ClientQuerySet(models.QuerySet["Client"]):
    def for_coach(self, coach: Coach) -> "ClientQuerySet":
        return self.filter(coach=coach)

    def active(self) -> "ClientQuerySet":
        return self.filter(archived_at__isnull=True)

    def archived(self) -> "ClientQuerySet":
        return self.filter(archived_at__isnull=False)


class Client(models.Model):
    """A person a coach trains. May or may not have a login (see Invite)."""

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"

    coach = models.ForeignKey(Coach, on_delete=models.PROTECT, related_name="clients")
    user = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="client"
    )
    name = models.CharField(max_length=150)
    email = models.EmailField("e-mail address")
    time_zone = models.CharField(max_length=64, default="UTC", choices=time_zone_choices)
    reminder_time = models.TimeField(default=time(7, 0))
    sex = models.CharField(
        max_length=6,
        choices=Sex.choices,
        blank=True,
        help_text="Optional; chooses the load band of stages that differ for women and men.",
    )
    notes = models.TextField(blank=True)
    prefers_kg = models.BooleanField(
        "show loads in kg too",
        default=False,
        help_text="Loads are shown as the stage states them (lb in the shared library).",
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint("coach", Lower("email"), name="client_email_unique_per_coach"),
        ]
        indexes = [models.Index(fields=["coach", "archived_at", "name"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.time_zone not in TIME_ZONES:
            raise ValidationError({"time_zone": "Choose a time zone from the list."})
        self.email = self.email.strip().lower()

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def has_login(self) -> bool:
        return self.user_id is not None

    def get_time_zone_display(self) -> str:  # type: ignore[no-redef]
        # Django's own display method builds a dict of every choice on each call.
        return time_zone_label(self.time_zone)

    def local_today(self, now: datetime | None = None) -> date:
        """The client's calendar date at `now` (the current instant by default), in their own
        time zone: every "today" of a client is this date."""
        return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(self.time_zone)).date()


class Invite(models.Model):
    """An invitation for a client to set a password. The link is signed, expires and works once."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="invites")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invite for {self.client}"

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


# --- the API's front door: sign-up requests, access tokens, calendar feeds, webhooks ----------


class SignUpRequest(models.Model):
    """A coach's sign-up waiting for its e-mail address to be confirmed. The account is made
    only from the link sent to that address, so the sign-up form never says whether an address
    already has an account."""

    email = models.EmailField("e-mail address")
    name = models.CharField(max_length=150)
    practice_name = models.CharField(max_length=150, blank=True)
    password = models.CharField(max_length=128, help_text="Hashed, as a user's password is.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    mailed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Sign-up of {self.email}"


class PersonalAccessTokenQuerySet(models.QuerySet["PersonalAccessToken"]):
    def usable(self, now: datetime | None = None) -> "PersonalAccessTokenQuerySet":
        now = now or timezone.now()
        return self.filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now),
            revoked_at__isnull=True,
        )


class PersonalAccessToken(models.Model):
    """A named key for another tool to use the API as its owner. The secret is shown once and
    stored as a hash; `prefix` finds the row without it."""

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.READ)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PersonalAccessTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="token_user_newest")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class CalendarFeed(models.Model):
    """A client's secret calendar address: `key` finds the row, `secret` proves the link."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="calendar_feed")
    key = models.CharField(max_length=24, unique=True)
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar of {self.client}"


class WebhookEndpoint(models.Model):
    """An address of the coach's other tool that is sent the events it chose, signed."""

    coach = models.ForeignKey(Coach, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField("URL", max_length=500)
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=64)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint: what was sent, and how each attempt went."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    event = models.CharField(max_length=40)
    # What the event is about ("set_log:12"): an event is recorded once per endpoint and key.
    key = models.CharField(max_length=64, blank=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response = models.TextField(blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event", "key"],
                condition=~models.Q(key=""),
                name="webhook_delivery_once_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["endpoint", "-created_at"], name="delivery_endpoint_newest"),
            models.Index(
                fields=["next_attempt"],
                condition=models.Q(status="pending"),
                name="delivery_pending_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint}"
