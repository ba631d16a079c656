from django.apps import AppConfig


class RemindersConfig(AppConfig):
    """Reminders on training days at each client's own time, and the coach's morning digest."""

    name = "reminders"
