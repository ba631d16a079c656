"""Benchmark: 100,000 reminders due in the same minute, dispatched and sent.

    .venv/bin/python bench/reminders_bench.py [--clients 100000] [--workers 2] [--concurrency N]
                                              [--keep]

Needs PostgreSQL and Redis. DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) only
says where the server is: the benchmark works in a database of its own, `coach_reminders_bench`
(dropped at the end unless --keep). REDIS_URL (default redis://127.0.0.1:6379/0) names the Redis
server; the broker is its database 12, emptied before and after.

It prints:

- **dispatch**: seconds for `reminders_dispatch` to create every reminder row and queue the sends
  (median of three rounds, each from the same schedule), next to one raw `INSERT … SELECT` of the
  same rows (the floor), and their ratio (target: at most 5×); and the seconds of a dispatch with
  nothing due (what every minute costs at this size);
- **drain**: seconds for `--workers` Celery workers to send them all into a local SMTP sink
  (aiosmtpd, in a process of its own), next to a plain `smtplib` loop sending as many messages of
  the same size into the same kind of sink (the floor); the send rates and their ratio (target:
  at least half the floor's rate); the duplicates and the reminders missing (both must be 0).

Missing a target is reported, not an error: the exit status is non-zero only when something
fails, or when a reminder was sent twice or not at all.
"""

import argparse
import os
import signal
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
BENCH_DATABASE = "coach_reminders_bench"
BROKER_DB = 12
ROUNDS = 3
DISPATCH_TARGET = 5.0  # at most this many times the INSERT … SELECT floor
DRAIN_TARGET = 0.5  # at least this share of the smtplib floor's rate
STALL_SECONDS = 120  # no reminder sent for this long: the drain is given up
# Clients in the zones the reminders are due in, at the same instant: their local times differ.
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney"]
ROUTINE = [
    ("wall-single-leg-hold", {"sets": 1, "hold_seconds": 60}),
    ("single-leg-balance-hold", {"sets": 2, "hold_seconds": 30}),
    ("split-squat", {"sets": 3, "reps_per_side": 8, "rest_seconds": 60}),
    ("step-down", {"sets": 3, "reps_per_side": 8, "rest_seconds": 60}),
    ("single-leg-calf-raise", {"sets": 3, "reps_per_side": 12, "rest_seconds": 45}),
    ("deadbug", {"sets": 2, "reps_per_side": 8, "rest_seconds": 30}),
]


# --- the SMTP sink: `reminders_bench.py --sink PORT FILE` -------------------------------------


def run_sink(port: int, path: str) -> None:
    """An aiosmtpd server that writes each message's recipient to `path`, one line each."""
    import asyncio

    from aiosmtpd.controller import Controller

    out = open(path, "a", buffering=1 << 16)  # noqa: SIM115 - open for the process's life

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            out.write("".join(f"{rcpt}\n" for rcpt in envelope.rcpt_tos))
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()
    out.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Sink:
    """The sink process, and what it received."""

    def __init__(self, folder: Path, name: str) -> None:
        self.port = free_port()
        self.path = folder / f"{name}.txt"
        self.path.write_text("")
        self.process = subprocess.Popen(  # noqa: S603 - this script, with a port and a path
            [sys.executable, __file__, "--sink", str(self.port), str(self.path)]
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the SMTP sink did not start")

    def stop(self) -> Counter[str]:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        return Counter(self.path.read_text().split())


# --- databases -------------------------------------------------------------------------------


def database_urls(url: str) -> tuple[str, str]:
    """(url of the server's existing database, url of the benchmark's own database)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"bench: DATABASE_URL must point at PostgreSQL, not {parts.scheme!r}.")
    if parts.path.strip("/") in ("", BENCH_DATABASE):
        url = urlunsplit(parts._replace(path="/postgres"))
    return url, urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def on_server(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)  # type: ignore[arg-type]


def broker_url() -> str:
    parts = urlsplit(os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL)
    return urlunsplit(parts._replace(path=f"/{BROKER_DB}"))


def setup_django(bench_url: str, broker: str) -> None:
    os.environ["DATABASE_URL"] = bench_url
    os.environ["CELERY_BROKER_URL"] = broker
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coach.settings")
    # As in production: DEBUG off (no query log, no template debugging), a key of its own.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "reminders-bench-only-" + "x" * 40)
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
    import django

    django.setup()


# --- the data ----------------------------------------------------------------------------------


def load(client_count: int) -> None:
    """One coach, a 30-day routine of six exercises, `client_count` clients each following it
    (one shared copy), spread over ZONES."""
    from django.core.management import call_command
    from django.db import connection

    from coach.models import Client, Coach, User
    from exercises.models import Exercise
    from exercises.services import library_seed
    from programs import services
    from programs.models import Assignment

    call_command("migrate", interactive=False, verbosity=0)
    library_seed()
    user = User.objects.create_user("bench-coach@example.org", None, name="Bench Coach")
    coach = Coach.objects.create(user=user, practice_name="Bench Studio")
    exercises = {e.slug: e for e in Exercise.objects.filter(owner=None)}
    template = services.routine_generate(
        coach=coach,
        name="Wall hold 30",
        items=[{"exercise": exercises[slug].pk, **dose} for slug, dose in ROUTINE],
        length_days=30,
        step="reps",
        step_amount=1,
        every_days=7,
    )
    Client.objects.bulk_create(
        (
            Client(
                coach=coach,
                name=f"Client {n:06d}",
                email=f"c{n:06d}@example.org",
                time_zone=ZONES[n % len(ZONES)],
            )
            for n in range(client_count)
        ),
        batch_size=5000,
    )
    clients = list(Client.objects.filter(coach=coach).order_by("pk").only("pk"))
    starts_on = datetime.now(UTC).date() - timedelta(days=5)
    (first,) = services.assignment_create_bulk(
        coach=coach, template=template, clients=clients[:1], starts_on=starts_on
    )
    # The others as the service makes them for a group: rows like the first, one per client.
    same = {
        field.attname: getattr(first, field.attname)
        for field in Assignment._meta.concrete_fields
        if field.attname not in ("id", "client_id", "created_at", "updated_at")
    }
    Assignment.objects.bulk_create(
        (Assignment(client=client, **same) for client in clients[1:]), batch_size=5000
    )
    with connection.cursor() as cursor:  # as autovacuum would have done by now
        cursor.execute("ANALYZE")


def due_at_minute(minute: datetime) -> None:
    """Every client's reminder time is `minute`, in their own zone."""
    from zoneinfo import ZoneInfo

    from coach.models import Client

    for zone in ZONES:
        Client.objects.filter(time_zone=zone).update(
            reminder_time=minute.astimezone(ZoneInfo(zone)).time()
        )


def timed(action: Any) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def reset(snapshot: str) -> None:
    """The schedules as they were before the dispatch, and no reminders."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE reminders_reminder")
        columns = "next_on = b.next_on, next_due_at = b.next_due_at, send_until = b.send_until"
        source = f"FROM {snapshot} b WHERE b.client_id = s.client_id"
        cursor.execute(f"UPDATE reminders_reminderschedule s SET {columns} {source}")  # noqa: S608
        cursor.execute("VACUUM ANALYZE reminders_reminder")
        cursor.execute("VACUUM ANALYZE reminders_reminderschedule")


def floor_insert(now: datetime) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO reminders_reminder (client_id, "on", channel, status, reason, due_at, '
            "send_until, queued_at, created_at, updated_at) "
            "SELECT client_id, next_on, 'email', 'pending', '', next_due_at, send_until, "
            "%s, %s, %s FROM reminders_reminderschedule WHERE next_due_at <= %s",
            [now, now, now, now],
        )


def workers(count: int, concurrency: int, env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    """`count` workers as production runs them (the prefork pool), `concurrency` processes each."""
    started = []
    for number in range(count):
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "coach",
            "worker",
            f"--concurrency={concurrency}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
            "-n",
            f"bench{number}@%h",
        ]
        started.append(
            subprocess.Popen(  # noqa: S603 - celery, with our own arguments
                command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        )
    return started


def wait_ready(broker: str, count: int) -> None:
    from coach.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        if len(replies) >= count:
            return
    raise RuntimeError(f"{count} workers did not start on {broker}")


def left_to_send() -> int:
    from reminders.models import Reminder

    return Reminder.objects.filter(status__in=["pending", "sending"]).count()


def sample_message() -> bytes:
    """One reminder e-mail as the sender writes it, for the smtplib floor."""
    from reminders.models import Reminder
    from reminders.selectors import plans_on
    from reminders.services import Outgoing, reminder_message, reminder_summary

    reminder = Reminder.objects.select_related("client__coach").order_by("pk").first()
    if reminder is None:
        raise RuntimeError("no reminder to copy")
    plans = plans_on(wanted=[(reminder.pk, reminder.client, reminder.on)])[reminder.pk]
    outgoing = Outgoing(reminder, plans, reminder_summary(plans))
    return bytes(reminder_message(outgoing).message().as_bytes(linesep="\r\n"))


def smtplib_floor(
    folder: Path, recipients: list[str], message: bytes
) -> tuple[float, Counter[str]]:
    sink = Sink(folder, "floor")
    try:
        started = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", sink.port) as server:
            for recipient in recipients:
                server.sendmail("no-reply@localhost", [recipient], message)
        seconds = time.perf_counter() - started
    finally:
        received = sink.stop()
    return seconds, received


def run(client_count: int, worker_count: int, concurrency: int, folder: Path, broker: str) -> bool:
    from django.db import connection

    from coach.celery import app
    from coach.models import Client
    from reminders.models import Reminder, ReminderSchedule
    from reminders.services import reminders_dispatch

    print(f"database: {connection.settings_dict['NAME']}; broker: {broker}")
    print(f"load: {timed(lambda: load(client_count)):.1f} s for {client_count:,} clients")
    app.control.purge()

    # Every client due at the same minute, in their own zones; their schedules worked out by
    # the dispatch before it (the first dispatch ever: a schedule per client).
    minute = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=2)
    due_at_minute(minute)
    first = timed(lambda: reminders_dispatch(now=minute - timedelta(minutes=1)))
    print(f"first dispatch (a schedule for each client): {first:.2f} s")
    idle = [timed(lambda: reminders_dispatch(now=minute - timedelta(seconds=30))) for _ in range(3)]
    print(f"a dispatch with nothing due: {statistics.median(idle):.3f} s (median of 3)")
    assert ReminderSchedule.objects.filter(next_due_at=minute).count() == client_count
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_schedule")
        cursor.execute("CREATE TABLE bench_schedule AS SELECT * FROM reminders_reminderschedule")

    floors: list[float] = []
    dispatches: list[float] = []
    started: list[subprocess.Popen[bytes]] = []
    sink: Sink | None = None
    try:
        for round_number in range(ROUNDS):
            reset("bench_schedule")
            floors.append(timed(lambda: floor_insert(minute)))
            reset("bench_schedule")
            app.control.purge()  # the sends of an earlier round
            if round_number == ROUNDS - 1:  # the last round's sends are drained
                sink = Sink(folder, "drain")
                env = {**os.environ, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(sink.port)}
                started = workers(worker_count, concurrency, env)
                wait_ready(broker, worker_count)
            dispatches.append(timed(lambda: reminders_dispatch(now=minute)))
            dispatched_at = time.perf_counter()
            created = Reminder.objects.count()
            assert created == client_count, f"{created} reminders created, not {client_count}"
            if round_number == 0:
                # The floor's message, and the floor itself, measured next to the drain (the
                # machine's other work changes both alike).
                message = sample_message()
                emails = list(Client.objects.order_by("pk").values_list("email", flat=True))
                before = smtplib_floor(folder, emails, message)
                loads = [os.getloadavg()[0]]
        # The workers started before the last dispatch, which committed at dispatched_at.
        progress, left = time.monotonic(), left_to_send()
        while left:
            time.sleep(0.5)
            now_left = left_to_send()
            if now_left < left:
                progress, left = time.monotonic(), now_left
            elif time.monotonic() - progress > STALL_SECONDS:
                raise RuntimeError(
                    f"{left:,} reminders left and none sent for {STALL_SECONDS} s: "
                    "did the broker lose its tasks (Redis restarted)?"
                )
        drain = time.perf_counter() - dispatched_at
        loads.append(os.getloadavg()[0])
    finally:
        for process in started:
            process.send_signal(signal.SIGQUIT)
        for process in started:
            process.wait(timeout=30)
        received = sink.stop() if sink else Counter()
    floor, dispatch = statistics.median(floors), statistics.median(dispatches)
    statuses = Counter(Reminder.objects.values_list("status", flat=True))
    duplicates = sum(count - 1 for count in received.values() if count > 1)
    missing = sum(1 for email in emails if email not in received)

    after = smtplib_floor(folder, emails, message)
    for _, floor_received in (before, after):
        assert len(floor_received) == client_count, "the floor's sink lost messages"
    floor_seconds = (before[0] + after[0]) / 2
    rate, floor_rate = client_count / drain, client_count / floor_seconds

    ratio = dispatch / floor
    share = rate / floor_rate
    print()
    print(f"reminders due in the same minute: {client_count:,} ({len(ZONES)} time zones)")
    print(f"dispatch (create rows, queue sends): {dispatch:.2f} s (rounds: "
          + ", ".join(f"{s:.2f}" for s in dispatches) + ")")  # fmt: skip
    print(f"floor, one INSERT … SELECT: {floor:.2f} s (rounds: "
          + ", ".join(f"{s:.2f}" for s in floors) + ")")  # fmt: skip
    print(f"dispatch / floor: {ratio:.2f}× (target ≤ {DISPATCH_TARGET:.0f}×: "
          f"{'met' if ratio <= DISPATCH_TARGET else 'missed'})")  # fmt: skip
    print(
        f"drain with {worker_count} workers of {concurrency} processes: {drain:.1f} s, "
        f"{rate:,.0f} e-mails/s"
    )
    print(
        f"floor, a plain smtplib loop: {floor_seconds:.1f} s, {floor_rate:,.0f} e-mails/s "
        f"(mean of the runs before and after the drain: {before[0]:.1f} s, {after[0]:.1f} s)"
    )
    print(f"load average (1 min) before and after the drain: {loads[0]:.1f}, {loads[-1]:.1f}")
    print(f"drain rate / floor rate: {share:.2f} (target ≥ {DRAIN_TARGET}: "
          f"{'met' if share >= DRAIN_TARGET else 'missed'})")  # fmt: skip
    print(f"statuses: {dict(statuses)}")
    print(f"duplicates: {duplicates}, missing: {missing}")
    return duplicates == 0 and missing == 0


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--sink":
        run_sink(int(sys.argv[2]), sys.argv[3])
        return 0
    # A `kill` (or make's interrupt) stops the workers and drops the database on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--concurrency", type=int, default=os.cpu_count() or 2, help="processes per worker"
    )
    parser.add_argument("--keep", action="store_true", help=f"keep the {BENCH_DATABASE} database")
    args = parser.parse_args()

    server_url, bench_url = database_urls(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    broker = broker_url()
    try:
        on_server(server_url, f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" (FORCE)')
        on_server(server_url, f'CREATE DATABASE "{BENCH_DATABASE}"')
    except Exception as error:  # psycopg.OperationalError and friends: say it plainly
        print(f"bench: cannot create {BENCH_DATABASE} via {server_url}: {error}", file=sys.stderr)
        return 1
    ok = False
    try:
        setup_django(bench_url, broker)
        with tempfile.TemporaryDirectory() as folder:
            ok = run(args.clients, args.workers, args.concurrency, Path(folder), broker)
    finally:
        from django.db import connections

        connections.close_all()
        try:
            from coach.celery import app

            app.control.purge()
        except Exception as error:  # the broker is gone: nothing left to empty
            print(f"bench: could not empty the broker: {error}", file=sys.stderr)
        if args.keep:
            print(f"{BENCH_DATABASE}: kept")
        else:
            on_server(server_url, f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" (FORCE)')
            print(f"{BENCH_DATABASE}: dropped")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
