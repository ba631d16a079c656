from celery import shared_task
from django.utils import timezone

from programs import services


@shared_task
def assignments_complete_due_task() -> int:
    return services.assignments_complete_due(now=timezone.now())
