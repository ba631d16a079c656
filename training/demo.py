"""The demo practice: one coach, three clients. Loading it twice changes nothing."""

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from coach.models import Client, Coach, User
from exercises.services import library_seed
from programs import starters
from programs.models import Assignment, Program
from programs.services import assignment_create_bulk
from programs.starters import starters_seed

DEMO_PASSWORD = "train-demo-2026"  # noqa: S105 - printed for the demo, documented in the README
DEMO_COACH_EMAIL = "coach@example.com"
DEMO_CLIENTS = [
    {
        "name": "Ana Ruiz",
        "email": "ana@example.com",
        "time_zone": "Europe/Madrid",
        "reminder_time": time(7, 30),
        "sex": Client.Sex.FEMALE,
        "notes": "Returning runner; left side lags on single-leg work.",
    },
    {
        "name": "Ben Okafor",
        "email": "ben@example.com",
        "time_zone": "America/New_York",
        "reminder_time": time(6, 45),
        "sex": Client.Sex.MALE,
        "notes": "Strength background, new to balance work.",
    },
    {
        "name": "Chloe Martin",
        "email": "chloe@example.com",
        "time_zone": "Australia/Sydney",
        "reminder_time": time(18, 0),
        "sex": "",
        "notes": "Daily 30-day wall hold routine.",
    },
]


def _user(email: str, name: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"name": name})
    if created or not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def demo_data_load() -> Coach:
    """Create (or find) the demo coach and clients, each client with a login."""
    library_seed()
    starters_seed()
    coach_user = _user(DEMO_COACH_EMAIL, "Dana Coach")
    coach, _ = Coach.objects.get_or_create(
        user=coach_user, defaults={"practice_name": "Single-Leg Strength Studio"}
    )
    for data in DEMO_CLIENTS:
        client, _ = Client.objects.get_or_create(
            coach=coach,
            email=data["email"],
            defaults={k: v for k, v in data.items() if k != "email"},
        )
        if client.user_id is None:
            client.user = _user(str(data["email"]), str(data["name"]))
            client.save(update_fields=["user"])
    _demo_assignments(coach)
    return coach


# Each demo client follows a starter, started some days ago so that "today" is mid-program.
DEMO_ASSIGNMENTS = [
    ("chloe@example.com", starters.WALL_HOLD, 9),
    ("ana@example.com", starters.SLDL, 17),
    ("ben@example.com", starters.RUNNER, 10),
]


def _demo_assignments(coach: Coach) -> None:
    today = timezone.localdate()
    for email, program_name, days_ago in DEMO_ASSIGNMENTS:
        client = Client.objects.get(coach=coach, email=email)
        template = Program.objects.starters().get(name=program_name)
        if Assignment.objects.filter(client=client, template=template).exists():
            continue
        assignment_create_bulk(
            coach=coach,
            template=template,
            clients=[client],
            starts_on=today - timedelta(days=days_ago),
        )
