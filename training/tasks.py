from celery import shared_task
from django.utils import timezone

from training import summaries


@shared_task
def summaries_refresh_due_task() -> int:
    """Each hour: the dashboard figures of the clients whose day has turned since."""
    return summaries.summaries_refresh_due(now=timezone.now())
