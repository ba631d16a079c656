"""The Celery app. Its settings come from Django's (the CELERY_ names in coach.settings)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coach.settings")

app = Celery("coach")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic task, in one place. Beat runs in UTC; per-client local times are computed in
# the tasks with zoneinfo, never one schedule entry per client.
app.conf.beat_schedule = {
    # Finds the clients whose reminder time has come (and the coaches' digests), once a minute.
    "dispatch-reminders": {
        "task": "reminders.tasks.reminders_dispatch_task",
        "schedule": crontab(),
    },
    "complete-finished-assignments": {
        "task": "programs.tasks.assignments_complete_due_task",
        "schedule": crontab(minute=5),
    },
    "clear-expired-sessions": {
        "task": "coach.tasks.sessions_clear_expired_task",
        "schedule": crontab(hour=3, minute=17),
    },
    "refresh-dashboard-summaries": {
        "task": "training.tasks.summaries_refresh_due_task",
        "schedule": crontab(minute=2),
    },
    "requeue-lost-webhook-deliveries": {
        "task": "coach.tasks.webhook_deliveries_requeue_task",
        "schedule": crontab(minute="*/5"),
    },
}
