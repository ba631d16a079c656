from datetime import timedelta

import factory
from django.utils import timezone

from coach.models import Client, Coach, Invite, User

PASSWORD = "correct-horse-battery"


def client_data(**overrides: object) -> dict[str, object]:
    """A client as the coach enters one, on the page or through the API."""
    data: dict[str, object] = {
        "name": "Maya Lindqvist",
        "email": "maya@example.org",
        "time_zone": "Europe/Stockholm",
        "reminder_time": "06:30",
        "sex": "female",
        "notes": "Knee surgery in 2023.",
    }
    data.update(overrides)
    return data


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)


class CoachFactory(factory.django.DjangoModelFactory[Coach]):
    class Meta:
        model = Coach

    user = factory.SubFactory(UserFactory)
    practice_name = factory.Faker("company")


class ClientFactory(factory.django.DjangoModelFactory[Client]):
    class Meta:
        model = Client

    coach = factory.SubFactory(CoachFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"client{n}@example.org")
    time_zone = "Europe/London"

    class Params:
        # `with_login=True`: the client has a user account, under the client's e-mail.
        with_login = factory.Trait(
            user=factory.SubFactory(UserFactory, email=factory.SelfAttribute("..email"))
        )


class InviteFactory(factory.django.DjangoModelFactory[Invite]):
    class Meta:
        model = Invite

    client = factory.SubFactory(ClientFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
