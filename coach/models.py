import zoneinfo
from datetime import date, datetime, time

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
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
