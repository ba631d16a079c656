from django.core.management.base import BaseCommand

from exercises.services import library_seed


class Command(BaseCommand):
    help = "Create or update the shared exercise library from the training material. Safe to rerun."

    def handle(self, *args: object, **options: object) -> None:
        count = library_seed()
        self.stdout.write(self.style.SUCCESS(f"The shared library has {count} seeded exercises."))
