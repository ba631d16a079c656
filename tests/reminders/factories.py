from datetime import timedelta

import factory
from django.utils import timezone

from reminders.models import Reminder
from tests.coach.factories import ClientFactory


class ReminderFactory(factory.django.DjangoModelFactory[Reminder]):
    """A reminder due now for a new client's today."""

    class Meta:
        model = Reminder

    client = factory.SubFactory(ClientFactory)
    on = factory.LazyFunction(lambda: timezone.localdate())
    due_at = factory.LazyFunction(timezone.now)
    send_until = factory.LazyAttribute(lambda o: o.due_at + timedelta(hours=3))
