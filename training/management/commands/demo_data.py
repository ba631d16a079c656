from django.core.management.base import BaseCommand

from training.demo import DEMO_CLIENTS, DEMO_COACH_EMAIL, DEMO_PASSWORD, demo_data_load


class Command(BaseCommand):
    help = "Load the demo practice (a coach and three clients). Safe to run again."

    def handle(self, *args: object, **options: object) -> None:
        demo_data_load()
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"  Coach:   {DEMO_COACH_EMAIL}")
        for client in DEMO_CLIENTS:
            self.stdout.write(f"  Client:  {client['email']}")
        self.stdout.write(f"  Password for all of them: {DEMO_PASSWORD}")
