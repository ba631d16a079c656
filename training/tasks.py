from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from training import summaries


@shared_task
def summaries_refresh_due_task() -> int:
    """Each hour: the dashboard figures of the clients whose day has turned since."""
    return summaries.summaries_refresh_due(now=timezone.now())


@shared_task
def summaries_refresh_changed_task() -> int:
    """After writes to clients' logs and stages: their dashboard figures, in one batch. The
    mark that a task is queued goes first, so a write committed from now on queues the next."""
    cache.delete(summaries.REFRESH_QUEUED_KEY)
    return summaries.summaries_refresh_changed()
