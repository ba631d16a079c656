from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reminders.services import reminders_dispatch


def instant(text: str) -> datetime:
    """An ISO 8601 instant; one without an offset is read as UTC."""
    try:
        found = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--at: {text!r} is not an ISO 8601 date and time.") from exc
    return found if found.tzinfo else found.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = (
        "Run one reminder dispatch now, as beat does every minute: schedule, create the due "
        "reminders and queue their sends, give up on stalled sends, queue again the stale ones."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--at",
            type=instant,
            help="Dispatch as of this instant (ISO 8601, e.g. 2026-03-29T05:00:00Z), not now.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = reminders_dispatch(now=options["at"])
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in result.as_dict().items()))
