"""Reminders: when each client's next one is due, and one row per reminder, the proof that it
went out once."""

from datetime import time

from django.db import models
from django.db.models import Q
from django.utils import timezone

from coach.models import Client, Coach, time_zone_choices


class DueTimes(models.Model):
    """When the next occurrence of a daily local time is due, worked out ahead in UTC.

    `next_on` is the local date of the next occurrence not yet handled, due at `next_due_at`
    and too late from `send_until` (three hours after it, or the local midnight that ends that
    day if it comes first). No `next_due_at`: nothing is scheduled.
    """

    next_on = models.DateField(null=True, blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True)
    send_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        indexes = [
            # The dispatcher's every-minute lookup: the rows due by now, and nothing else.
            models.Index(
                fields=["next_due_at"],
                condition=Q(next_due_at__isnull=False),
                name="%(class)s_due",
            ),
        ]


class ReminderSchedule(DueTimes):
    """A client's reminders: on or off, and when the next one is due.

    `time_zone` and `reminder_time` are the client's as they were when `next_due_at` was
    worked out; the dispatcher works it out again when the client's differ.
    """

    class TurnedOffVia(models.TextChoices):
        SETTINGS = "settings", "their settings page"
        LINK = "link", "the link in a reminder"
        MAIL_CLIENT = "mail", "their mail program's unsubscribe button"

    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, primary_key=True, related_name="reminder_schedule"
    )
    enabled = models.BooleanField("send reminders", default=True)
    turned_off_at = models.DateTimeField(null=True, blank=True)
    turned_off_via = models.CharField(max_length=8, choices=TurnedOffVia.choices, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    reminder_time = models.TimeField(default=time(7, 0))
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Reminders of {self.client_id}"


class Reminder(models.Model):
    """One reminder of one client for one local date and channel: pending until the sender
    takes it; sending while the mail server is being told; then sent, skipped (with why),
    failed (with why) or unknown (the sender stopped while telling the server, so it may have
    gone out; it is never sent again)."""

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Unknown"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="reminders")
    on = models.DateField(help_text="The client's local date the reminder is for.")
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(max_length=300, blank=True, db_default="")
    summary = models.CharField(
        max_length=300, blank=True, db_default="", help_text="The days the reminder listed."
    )
    due_at = models.DateTimeField()
    send_until = models.DateTimeField()
    queued_at = models.DateTimeField(default=timezone.now)
    sending_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, db_default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [
            # One e-mail per client and local day, whatever runs twice: the row is the proof.
            models.UniqueConstraint(
                fields=["client", "on", "channel"], name="reminder_once_per_client_day"
            ),
        ]
        indexes = [
            models.Index(
                fields=["queued_at"],
                condition=Q(status="pending"),
                name="reminder_pending_queued",
            ),
            models.Index(
                fields=["sending_at"],
                condition=Q(status="sending"),
                name="reminder_sending_since",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder for {self.client_id} on {self.on}: {self.status}"


class CoachDigest(DueTimes):
    """A coach's morning e-mail: who missed yesterday, whose sides drift apart, who is ready to
    move up. Off until the coach turns it on."""

    coach = models.OneToOneField(
        Coach, on_delete=models.CASCADE, primary_key=True, related_name="digest"
    )
    enabled = models.BooleanField("send me the morning digest", default=False)
    time_zone = models.CharField(max_length=64, default="UTC", choices=time_zone_choices)
    send_time = models.TimeField(default=time(7, 0))
    last_sent_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Digest of {self.coach_id}"
