from django.core.management.base import BaseCommand

from exercises.services import library_seed
from programs.starters import starters_seed


class Command(BaseCommand):
    help = "Seed the shared exercise library and the starter programs. Safe to run again."

    def handle(self, *args: object, **options: object) -> None:
        library_seed()
        created = starters_seed()
        self.stdout.write(self.style.SUCCESS(f"Starter programs ready ({len(created)} new)."))
