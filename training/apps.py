from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """What happens to a client over time: the daily plan (Today) and the pages that show it."""

    name = "training"
