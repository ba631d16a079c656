"""Benchmark: assign a 30-day × 6-exercise routine to 1,000 clients at once.

    DEBUG=true .venv/bin/python bench/assign_routine.py [--clients 1000] [--keep]

Needs PostgreSQL. DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) only says where
the server is: the benchmark creates its own database, `coach_bench`, on that server, migrates it,
and drops it at the end (unless --keep). The database named in DATABASE_URL is not touched.

It prints the wall time and the number of SQL queries of `assignment_create_bulk` for 1,000
clients and, for comparison, for 10 other clients; then whether the query count stays the same
whatever the number of clients, and whether 1,000 clients take less than the 2-second target.
Missing the target is reported, not an error: the exit status is non-zero only when something
fails.
"""

import argparse
import os
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test"
BENCH_DATABASE = "coach_bench"
TARGET_SECONDS = 2.0
SMALL_RUN = 10
LENGTH_DAYS = 30
# Six exercises of the shared library, with the dose of the repeated day.
ROUTINE_ITEMS: list[tuple[str, dict[str, Any]]] = [
    ("wall-single-leg-hold", {"sets": 1, "hold_seconds": 60}),
    ("single-leg-balance-hold", {"sets": 2, "hold_seconds": 30}),
    ("split-squat", {"sets": 3, "reps_per_side": 8, "rest_seconds": 60}),
    ("step-down", {"sets": 3, "reps_per_side": 8, "rest_seconds": 60}),
    ("single-leg-calf-raise", {"sets": 3, "reps_per_side": 12, "rest_seconds": 45}),
    ("deadbug", {"sets": 2, "reps_per_side": 8, "rest_seconds": 30}),
]


def database_urls(url: str) -> tuple[str, str]:
    """(url of the server's existing database, url of the benchmark's own database)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"bench: DATABASE_URL must point at PostgreSQL, not {parts.scheme!r}.")
    if parts.path.strip("/") in ("", BENCH_DATABASE):
        # Never connect to the database that is about to be dropped.
        url = urlunsplit(parts._replace(path="/postgres"))
    return url, urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def admin(url: str, action: Callable[[Any], None]) -> None:
    """Run `action(cursor)` on a connection to the existing database, outside a transaction."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        action(cursor)


def create_database(url: str) -> bool:
    """Create the benchmark database if it is missing. True if it was created."""
    created = False

    def create(cursor: Any) -> None:
        nonlocal created
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
            created = True

    admin(url, create)
    return created


def drop_database(url: str) -> None:
    admin(url, lambda cursor: cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" (FORCE)'))


def setup_django(bench_url: str) -> None:
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coach.settings")
    # A local tool: without DEBUG the settings insist on a production SECRET_KEY.
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()


def row_counts() -> dict[str, int]:
    from programs.models import Assignment, Day, Prescription, Program

    return {
        "programs": Program.objects.count(),
        "days": Day.objects.count(),
        "prescriptions": Prescription.objects.count(),
        "assignments": Assignment.objects.count(),
    }


def statement(sql: str) -> str:
    """A short name for a captured statement: its verb and first table."""
    words = sql.replace('"', "").split()
    verb = words[0].upper() if words else "?"
    for keyword in ("INTO", "FROM", "UPDATE"):
        if keyword in (w.upper() for w in words):
            index = [w.upper() for w in words].index(keyword)
            if index + 1 < len(words):
                return f"{verb} {words[index + 1]}"
    return verb


Measured = tuple[float, list[tuple[str, float]], dict[str, int]]


def measure(coach: Any, template: Any, clients: list[Any]) -> Measured:
    """Seconds, the SQL statements (with their seconds) and rows of one assignment_create_bulk."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from programs import services

    before = row_counts()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        created = services.assignment_create_bulk(
            coach=coach, template=template, clients=clients, starts_on=date(2026, 3, 2)
        )
        seconds = time.perf_counter() - start
    after = row_counts()
    assert len(created) == len(clients)
    statements = [(statement(q["sql"]), float(q["time"])) for q in queries.captured_queries]
    return seconds, statements, {k: after[k] - before[k] for k in after}


def run(client_count: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from coach.models import Client, Coach, User
    from exercises.models import Exercise
    from exercises.services import library_seed
    from programs import services
    from programs.models import Prescription

    print(f"database: {connection.settings_dict['NAME']} on {connection.settings_dict['HOST']}")
    call_command("migrate", interactive=False, verbosity=0)
    library_seed()

    tag = uuid.uuid4().hex[:8]
    user = User.objects.create_user(f"bench-{tag}@example.org", None, name="Bench Coach")
    coach = Coach.objects.create(user=user, practice_name="Bench")
    exercises = {
        e.slug: e
        for e in Exercise.objects.shared().filter(slug__in=[slug for slug, _ in ROUTINE_ITEMS])
    }
    routine = services.routine_generate(
        coach=coach,
        name="Bench routine",
        items=[{"exercise": exercises[slug].pk, **dose} for slug, dose in ROUTINE_ITEMS],
        length_days=LENGTH_DAYS,
        step="reps",
        step_amount=1,
        every_days=7,
    )
    days = routine.days.count()
    per_copy = Prescription.objects.filter(day__program=routine).count()
    print(
        f"routine: {days} days × {len(ROUTINE_ITEMS)} exercises = {per_copy} prescriptions per copy"
    )

    Client.objects.bulk_create(
        Client(coach=coach, name=f"Bench client {n:05d}", email=f"c{n}-{tag}@example.org")
        for n in range(client_count + SMALL_RUN)
    )
    clients = list(Client.objects.filter(coach=coach).order_by("pk"))
    big, small = clients[:client_count], clients[client_count:]
    print(f"clients: {len(clients)} created with bulk_create")

    results = {}
    for group in (big, small):
        seconds, statements, rows = measure(coach, routine, group)
        queries = len(statements)
        results[len(group)] = (seconds, queries)
        print(f"assign {len(group)} clients: {seconds:.2f} s, {queries} queries")
        print("  by statement: " + ", ".join(f"{name} {t:.2f} s" for name, t in statements))
        print(
            f"  rows created: {rows['programs']} programs, {rows['days']} days, "
            f"{rows['prescriptions']} prescriptions, {rows['assignments']} assignments"
        )
        # Clients assigned together share one frozen copy until one is customised.
        expected = (1, days, per_copy, len(group))
        got = (rows["programs"], rows["days"], rows["prescriptions"], rows["assignments"])
        if got != expected:
            raise RuntimeError(f"expected {expected} rows (programs, days, ...), got {got}")

    (big_seconds, big_queries), (_, small_queries) = results[len(big)], results[len(small)]
    same = big_queries == small_queries
    print(
        f"query count independent of client count: {'yes' if same else 'no'} "
        f"({len(big)} clients: {big_queries}, {len(small)} clients: {small_queries})"
    )
    print(
        f"{len(big)} clients under {TARGET_SECONDS:.1f} s: "
        f"{'yes' if big_seconds < TARGET_SECONDS else 'no'} ({big_seconds:.2f} s)"
    )

    # What the coach pays later, once per client whose plan they change.
    from programs.models import Assignment
    from programs.services import assignment_customise

    assignment = Assignment.objects.filter(client__in=big).first()
    if assignment is None:
        raise RuntimeError("no assignment was created")
    started = time.perf_counter()
    assignment_customise(coach=coach, assignment=assignment)
    print(f"customise one client's copy: {time.perf_counter() - started:.3f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000, help="clients in the big run")
    parser.add_argument("--keep", action="store_true", help=f"keep the {BENCH_DATABASE} database")
    args = parser.parse_args()

    server_url, bench_url = database_urls(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    try:
        created = create_database(server_url)
    except Exception as error:  # psycopg.OperationalError and friends: say it plainly
        print(f"bench: cannot create {BENCH_DATABASE} via {server_url}: {error}", file=sys.stderr)
        return 1
    print(f"{BENCH_DATABASE}: {'created' if created else 'exists, reused'}")
    try:
        setup_django(bench_url)
        run(args.clients)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"{BENCH_DATABASE}: kept")
        else:
            drop_database(server_url)
            print(f"{BENCH_DATABASE}: dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
