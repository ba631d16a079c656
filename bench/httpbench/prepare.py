"""Fill one benchmark database and say what to ask for; bench/http_bench.py runs it in a
subprocess, because each database is read through other settings.

    python -m bench.httpbench.prepare app --size small|large --out FILE
    python -m bench.httpbench.prepare floor --users 100 --out FILE
    python -m bench.httpbench.prepare migrate

Everything else (DJANGO_SETTINGS_MODULE, DATABASE_URL, SECRET_KEY, ...) comes from the
environment. `app` migrates and loads a practice through the product's own services and writes
who can log in and which rows the requests name; `floor` migrates the minimal project, creates
users and logs each of them in with Django's `login()`, writing their session cookies.
"""

import argparse
import io
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BENCH_PASSWORD = "bench-practice-2026"  # noqa: S105 - a throwaway database, dropped after the run
COACH_EMAIL = "coach@bench.example"
CLIENT_EMAIL = "client{n:04d}@bench.example"
# Clients live around the world, so their "today" is not one date.
TIME_ZONES = [
    "Europe/Madrid",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Tokyo",
    "UTC",
    "America/Los_Angeles",
    "Europe/London",
    "Asia/Kolkata",
]
FIRST_NAMES = ["Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Greta", "Hiro", "Ines", "Jonas"]
LAST_NAMES = ["Ruiz", "Okafor", "Martin", "Patel", "Yilmaz", "Adeyemi", "Berg", "Sato", "Costa"]
# Each client follows a program of their own, as in the demo practice, so that the builder
# shows the same kind of copy (one follower) at both sizes.
# Every other client finished a 30-day routine of the coach's own exercises before this one.
HISTORY_DAYS_AGO = 90
HISTORY_GROUP_SIZE = 50
# The coach's own routines, generated from their own exercises (slugs of the shared library, as
# copied into the import below).
OWN_ROUTINES = 5
ROUTINE_SLUGS = [
    "wall-single-leg-hold",
    "single-leg-balance-hold",
    "split-squat",
    "step-down",
    "single-leg-calf-raise",
    "deadbug",
]


@contextmanager
def timed(timings: dict[str, float], step: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    timings[step] = round(time.perf_counter() - started, 2)


def setup_django() -> None:
    import django

    django.setup()


# --- the product -------------------------------------------------------------------------------


def exercise_import_payload(count: int) -> dict[str, Any]:
    """`count` exercises in the library's export format: the shared library's entries (text,
    regions, stages, neighbours) again and again, each round a numbered variant."""
    from exercises import services
    from exercises.transfer import FORMAT, VERSION

    entries = services.library_entries()
    in_file = {(entries[n % len(entries)]["slug"], n // len(entries) + 1) for n in range(count)}

    def neighbour(slug: str, variant: int) -> str:
        # A neighbour of the same variant when the file has it, else the shared exercise.
        return f"{slug}-v{variant}" if (slug, variant) in in_file else slug

    exercises = []
    for n in range(count):
        entry, variant = entries[n % len(entries)], n // len(entries) + 1
        exercises.append(
            {
                "slug": f"{entry['slug']}-v{variant}",
                **{field: entry[field] for field in services.EXERCISE_FIELDS},
                "name": f"{entry['name']} {variant}",
                "regions": entry["regions"],
                "equipment": entry["equipment"],
                **{
                    kind: [neighbour(slug, variant) for slug in entry[kind]]
                    for kind in ("prerequisites", "progressions", "regressions")
                },
                "stages": [
                    {field: stage[field] for field in services.STAGE_FIELDS}
                    for stage in entry["stages"]
                ],
            }
        )
    return {"format": FORMAT, "version": VERSION, "exercises": exercises}


def history_logs_load(*, coach: Any, days: int) -> int:
    """Every past training day of the last `days` days of every assignment of `coach`'s
    clients, logged as done: both sides of each set (at most three) of each exercise. Written
    in bulk (the services log one set per request); returns the rows made."""
    from django.utils import timezone

    from programs.models import Assignment
    from programs.schedule import day_date
    from training.models import SessionLog, SetLog

    today = timezone.localdate()
    days_of: dict[int, list[tuple[Any, list[Any]]]] = {}
    sessions, doses = [], []
    for assignment in Assignment.objects.filter(client__coach=coach).select_related("program"):
        if assignment.program_id not in days_of:
            days_of[assignment.program_id] = [
                (day, list(day.prescriptions.all()))
                for day in assignment.program.days.prefetch_related("prescriptions")
            ]
        for day, prescriptions in days_of[assignment.program_id]:
            on = day_date(assignment=assignment, day=day)
            if day.is_rest or not prescriptions or not today - timedelta(days=days) <= on < today:
                continue
            sessions.append(
                SessionLog(
                    client_id=assignment.client_id,
                    assignment=assignment,
                    on=on,
                    day_number=day.number,
                    status=SessionLog.Status.DONE,
                    effort=6,
                    completed_at=timezone.now(),
                )
            )
            doses.append(prescriptions)
    SessionLog.objects.bulk_create(sessions, batch_size=2000)
    sets = [
        SetLog(
            session=session,
            prescription=p,
            exercise_id=p.exercise_id,
            stage_id=p.stage_id,
            set_number=number,
            side=side,
            reps=p.reps_per_side or 8,
            hold_seconds=p.hold_seconds,
            form=4,
            rpe=6,
        )
        for session, prescriptions in zip(sessions, doses, strict=True)
        for p in prescriptions
        for number in range(1, min(p.sets or 2, 3) + 1)
        for side in ("left", "right")
    ]
    SetLog.objects.bulk_create(sets, batch_size=5000)
    return len(sessions) + len(sets)


def load_small() -> tuple[Any, str]:
    """The demo practice, exactly as `manage.py demo_data` makes it."""
    from django.core.management import call_command

    from coach.models import Coach
    from training.demo import DEMO_COACH_EMAIL, DEMO_PASSWORD

    call_command("demo_data", stdout=io.StringIO())
    return Coach.objects.get(user__email=DEMO_COACH_EMAIL), DEMO_PASSWORD


def load_large(*, clients: int, exercises: int, timings: dict[str, float]) -> tuple[Any, str]:
    """One coach with `clients` clients, each following a starter with a login of their own,
    and `exercises` exercises of their own beside the shared library."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    from coach import services as coach_services
    from coach.models import Client, User
    from exercises.transfer import exercises_import
    from programs import services as program_services
    from programs import starters
    from programs.models import Program
    from training.summaries import summaries_refresh

    with timed(timings, "library and starters"):
        call_command("seed_starters", verbosity=0, stdout=io.StringIO())
    coach = coach_services.coach_create(
        email=COACH_EMAIL, password=BENCH_PASSWORD, name="Bench Coach", practice_name="Bench"
    )
    with timed(timings, f"{exercises} exercises (exercises_import)"):
        payload = exercise_import_payload(exercises)
        imported = exercises_import(coach=coach, payload=payload)
        # The import names exercises after their names, not the file's slugs.
        own = {
            entry["slug"]: exercise
            for entry, exercise in zip(payload["exercises"], imported, strict=True)
        }

    with timed(timings, f"{clients} clients (client_create)"):
        rows = [
            coach_services.client_create(
                coach=coach,
                name=f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n % len(LAST_NAMES)]} {n}",
                email=CLIENT_EMAIL.format(n=n),
                time_zone=TIME_ZONES[n % len(TIME_ZONES)],
                sex=("female", "male", "")[n % 3],
            )
            for n in range(clients)
        ]
    with timed(timings, f"{clients} logins (bulk_create)"):
        # Hashing a password takes about 0.3 s: every client gets the same one.
        password = make_password(BENCH_PASSWORD)
        users = User.objects.bulk_create(
            User(email=client.email, name=client.name, password=password) for client in rows
        )
        for client, user in zip(rows, users, strict=True):
            client.user = user
        Client.objects.bulk_update(rows, ["user"])

    today = timezone.localdate()
    with timed(timings, "history: completed routines"):
        routines = [
            program_services.routine_generate(
                coach=coach,
                name=f"Foundations {n + 1}",
                items=[{"exercise": own[f"{slug}-v{n + 1}"].pk} for slug in ROUTINE_SLUGS],
                length_days=30,
                step="reps",
                step_amount=1,
                every_days=7,
            )
            for n in range(OWN_ROUTINES)
        ]
        finished = rows[::2]
        for g in range(0, len(finished), HISTORY_GROUP_SIZE):
            program_services.assignment_create_bulk(
                coach=coach,
                template=routines[g // HISTORY_GROUP_SIZE % len(routines)],
                clients=finished[g : g + HISTORY_GROUP_SIZE],
                starts_on=today - timedelta(days=HISTORY_DAYS_AGO - g // HISTORY_GROUP_SIZE),
            )
        program_services.assignments_complete_due(now=timezone.now())

    with timed(timings, "active programs (assignment_create_bulk)"):
        # The demo's three starters, started 0-27 days ago: clients are on different days.
        names = [starters.WALL_HOLD, starters.SLDL, starters.RUNNER]
        templates = {p.name: p for p in Program.objects.starters().filter(name__in=names)}
        for n, client in enumerate(rows):
            program_services.assignment_create_bulk(
                coach=coach,
                template=templates[names[n % len(names)]],
                clients=[client],
                starts_on=today - timedelta(days=n // len(names) % 28),
            )
    with timed(timings, "history: logs"):
        history_logs_load(coach=coach, days=HISTORY_DAYS_AGO)
    with timed(timings, f"{clients} dashboard summaries (summaries_refresh)"):
        # The logs above were written in bulk, past the services that keep summaries current.
        summaries_refresh(client_ids=[client.pk for client in rows])
    return coach, BENCH_PASSWORD


def describe(coach: Any, password: str, *, logins: int) -> dict[str, Any]:
    """Who logs in, and the rows and page counts the requests name."""
    from django.conf import settings

    from coach import selectors as coach_selectors
    from exercises import selectors as exercise_selectors
    from programs import selectors as program_selectors
    from programs.models import Assignment, Program

    clients = list(coach_selectors.client_list(coach=coach).select_related("user"))
    with_login = [c for c in clients if c.user is not None]
    # Spread the logins over the whole list: every starter, start date and time zone.
    step = max(1, len(with_login) // logins)
    chosen = [with_login[(k * step + k % step) % len(with_login)] for k in range(logins)]
    chosen = list({c.pk: c for c in chosen}.values())
    # The copies that the chosen clients follow.
    copies = (
        Assignment.objects.filter(client__in=chosen, status=Assignment.Status.ACTIVE)
        .order_by("program_id")
        .values_list("program_id", flat=True)
        .distinct()
    )
    return {
        "password": password,
        "coach_email": coach.user.email,
        "client_emails": [c.user.email for c in chosen if c.user is not None],
        "client_ids": [c.pk for c in chosen],
        "client_writes": [log_write_for(c) for c in chosen],
        "program_ids": {
            "starters": list(
                Program.objects.starters().order_by("pk").values_list("pk", flat=True)
            ),
            "copies": list(copies),
        },
        "counts": {
            "clients": len(clients),
            "exercises": exercise_selectors.exercise_list(coach=coach).count(),
            "assignments": program_selectors.assignment_list(coach=coach).count(),
        },
        "page_sizes": {
            "dashboard": _constant("training.views", "CLIENTS_PER_PAGE", 25),
            "library": _constant("exercises.views", "EXERCISES_PER_PAGE", 20),
            "api": settings.REST_FRAMEWORK.get("PAGE_SIZE", 50),
        },
    }


def writes_renew(path: Path) -> None:
    """A kept practice's log writes are of the day it was loaded on: each client's day may have
    turned since (a set logged for an earlier day is a late log, which draws more again)."""
    from coach.models import Client

    data = json.loads(path.read_text())
    clients = Client.objects.in_bulk(data["client_ids"])
    data["client_writes"] = [log_write_for(clients[pk]) for pk in data["client_ids"]]
    path.write_text(json.dumps(data, indent=1))


def log_write_for(client: Any) -> dict[str, Any] | None:
    """What a client logs today: one set of the first exercise of their day (None on a day
    without training)."""
    from training.selectors import daily_plans

    on = client.local_today()
    for plan in daily_plans(client=client, on=on):
        for item in plan.items:
            return {
                "assignment": plan.assignment.pk,
                "on": on.isoformat(),
                "prescription": item.prescription.pk,
                "measurement": item.exercise.measurement,
            }
    return None


def analyze(timings: dict[str, float]) -> None:
    """Give PostgreSQL the statistics of the rows just loaded, as a database in use has them:
    without them the planner guesses (and autovacuum may be off, or not have run yet)."""
    from django.db import connection

    with timed(timings, "analyze"), connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _constant(module: str, name: str, default: int) -> int:
    import importlib

    return int(getattr(importlib.import_module(module), name, default))


def prepare_app(args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management import call_command

    timings: dict[str, float] = {}
    with timed(timings, "migrate"):
        call_command("migrate", interactive=False, verbosity=0)
    if args.size == "small":
        with timed(timings, "demo_data"):
            coach, password = load_small()
    else:
        coach, password = load_large(
            clients=args.clients, exercises=args.exercises, timings=timings
        )
    analyze(timings)
    return {**describe(coach, password, logins=args.logins), "timings": timings}


# --- the minimal project -----------------------------------------------------------------------


def prepare_floor(args: argparse.Namespace) -> dict[str, Any]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.utils.crypto import get_random_string

    timings: dict[str, float] = {}
    with timed(timings, "migrate"):
        call_command("migrate", interactive=False, verbosity=0)
    user_model = get_user_model()
    with timed(timings, f"{args.users} users logged in"):
        for n in range(args.users):
            user_model.objects.get_or_create(
                username=f"user{n:03d}", defaults={"email": f"user{n:03d}@bench.example"}
            )
        cookies = []
        for user in user_model.objects.order_by("pk")[: args.users]:
            browser = Client()
            browser.force_login(user)
            session = browser.cookies[settings.SESSION_COOKIE_NAME].value
            # What a browser holds after a page with a form: no new CSRF cookie on each request.
            csrf = get_random_string(32)
            cookies.append(
                f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"
            )
    analyze(timings)
    return {"cookies": cookies, "timings": timings}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    app = commands.add_parser("app")
    app.add_argument("--size", choices=["small", "large"], required=True)
    app.add_argument("--clients", type=int, default=1000)
    app.add_argument("--exercises", type=int, default=500)
    app.add_argument("--logins", type=int, default=100, help="clients who log in")
    app.add_argument("--out", type=Path, required=True)
    floor = commands.add_parser("floor")
    floor.add_argument("--users", type=int, default=100)
    floor.add_argument("--out", type=Path, required=True)
    migrate = commands.add_parser("migrate", help="only migrate a kept database")
    migrate.add_argument(
        "--writes",
        type=Path,
        help="the practice's file: its clients' log writes made again for their day of now",
    )
    args = parser.parse_args()

    os.chdir(ROOT)
    setup_django()
    if args.command == "migrate":
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        if args.writes is not None and args.writes.exists():
            writes_renew(args.writes)
        return 0
    prepare: Callable[[argparse.Namespace], dict[str, Any]] = (
        prepare_app if args.command == "app" else prepare_floor
    )
    args.out.write_text(json.dumps(prepare(args), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
