from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coach.models import Client
from reminders.demo import reminder_soon


class Command(BaseCommand):
    help = (
        "For the demo: the client with this e-mail gets today's reminder a minute or two from "
        "now (their reminder time is moved there), sent by the running beat and worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--minutes", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        client = (
            Client.objects.active().filter(email__iexact=options["email"]).order_by("-id").first()
        )
        if client is None:
            raise CommandError(f"No active client has the e-mail {options['email']}.")
        due = reminder_soon(client=client, minutes=max(1, options["minutes"]))
        self.stdout.write(
            f"{client.name} gets a reminder at {due:%H:%M} ({client.time_zone}): watch the "
            "worker's output."
        )
