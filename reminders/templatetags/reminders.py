"""`{% load reminders %}{% reminder_history client %}`: a client's latest reminders, for their
coach's page."""

from typing import Any

from django import template

from coach.models import Client
from reminders import selectors

register = template.Library()


@register.inclusion_tag("reminders/_history.html")
def reminder_history(client: Client) -> dict[str, Any]:
    """Two queries: the client's reminder settings and their latest reminders."""
    return {
        "client": client,
        "schedule": selectors.reminder_schedule_of(client),
        "reminders": selectors.reminder_history(client=client),
    }
