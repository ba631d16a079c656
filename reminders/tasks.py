"""Thin Celery adapters of the reminder services: the every-minute dispatch (beat, UTC), the
sender of one chunk, and a coach's digest."""

from celery import Task, shared_task
from django.conf import settings

from reminders import digest, services


@shared_task(soft_time_limit=50, time_limit=55)
def reminders_dispatch_task() -> dict[str, int]:
    return services.reminders_dispatch().as_dict()


@shared_task(
    bind=True,
    autoretry_for=(services.TransientMailError,),
    retry_backoff=settings.REMINDERS_RETRY_BACKOFF,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=settings.REMINDERS_MAX_RETRIES,
    soft_time_limit=240,
    time_limit=300,
)
def reminders_send_task(self: Task, reminder_ids: list[int]) -> dict[str, int]:
    return services.reminders_send(
        reminder_ids=reminder_ids,
        last_attempt=self.request.retries >= (self.max_retries or 0),
    )


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def coach_digest_send_task(coach_id: int, on: str) -> bool:
    return digest.coach_digest_send(coach_id=coach_id, on=on)
