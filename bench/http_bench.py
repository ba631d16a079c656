"""Benchmark: the key pages and endpoints under load, against the floor of the stack.

    .venv/bin/python bench/http_bench.py [--duration 3] [--rounds 3] [--only today,dashboard]

Needs PostgreSQL (and Redis for the ceilings with sessions in Redis; skipped without it) and
wrk (installed from Debian's packages when missing and run as root). DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/test) only says where the server is: the benchmark creates
its own databases on it (coach_bench_http_small, _large and _floor), and drops them at the end
unless --keep. The database named in DATABASE_URL is not touched.

It loads two practices through the product's own services: "small" is the demo practice
(`manage.py demo_data`); "large" is one coach with 1,000 clients, each with a login and an
active program, half of them with a finished one before it, and 500 exercises of their own.
Each is served by gunicorn (4 sync workers) with production settings and one Celery worker (the
tasks the requests queue run while they are measured), beside a minimal Django
project (bench/httpbench/floor/) whose bare JSON view is the floor and whose logged-in views
are the ceilings. Clients and the coach log in through the login form; wrk then drives each
request in interleaved rounds (the floor and ceilings, then every request at both sizes),
rotating over the sessions and over pages and rows, and the script prints requests/s, p50,
p99, the share of the floor's throughput, the large/small slowdown and the issue's targets.

Missing a target is reported, not an error. The exit status is non-zero when something fails,
and when any response was not a 200: then the figures measure the wrong thing.
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.httpbench import servers  # noqa: E402 - needs ROOT on sys.path
from bench.httpbench.servers import Line, Run, Server, Worker  # noqa: E402
from bench.httpbench.targets import (  # noqa: E402
    BENCH_NOTE,
    CEILINGS,
    LARGE_OVER_SMALL,
    P99_OVER_P50,
    REQUESTS,
    Practice,
    log_write_lines,
    mix,
    spread,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# Redis databases of the benchmark's own, emptied before and after a run: the floor's sessions,
# and the product's cache (CACHE_URL) at each size, which must not share keys.
REDIS_DATABASES = {
    "floor-redis": 13,
    "small": 14,
    "large": 15,
    # The Celery brokers of the two sizes' workers.
    "small-broker": 10,
    "large-broker": 11,
}
DATABASE_PREFIX = "coach_bench_http"
SIZES = ("small", "large")
WORK_DIR = ROOT / "var" / "bench-http"
# The same on every run, so that databases and sessions kept with --keep work with --reuse.
SECRET_KEY = "bench-http-only-0c4f9d1e7a2b5863-not-for-any-real-deployment-3e1f"  # noqa: S105
# Production settings over plain HTTP on 127.0.0.1 (see coach/settings.py and the README).
APP_ENV = {
    "DJANGO_SETTINGS_MODULE": "coach.settings",
    "DEBUG": "false",
    "SECRET_KEY": SECRET_KEY,
    "ALLOWED_HOSTS": servers.HOST,
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "SECURE_HSTS_SECONDS": "0",
    # Static files are not collected for the benchmark; the pages only name them.
    "STATIC_MANIFEST": "false",
    # A few sessions stand for many people here: the per-token and per-user rate limits stay
    # on (their counting is part of each API request's cost) but high enough never to refuse.
    "API_RATE_TOKEN": "1000000/minute",
    "API_RATE_USER": "1000000/minute",
    "API_RATE_ANON": "1000000/minute",
}
FLOOR_ENV = {"DJANGO_SETTINGS_MODULE": "bench.httpbench.floor.settings", "SECRET_KEY": SECRET_KEY}
COACH_SESSIONS = 10
MIN_REQUESTS = 40


@dataclass(frozen=True)
class Row:
    """The figures of one request at one size, over the rounds (medians)."""

    request: str
    size: str
    rps: float
    p50_ms: float
    p99_ms: float
    share: float  # of the floor's throughput
    large_over_small: float | None
    answers: int
    failures: int  # responses that were not a 200, and socket errors


@dataclass(frozen=True)
class Load:
    """One wrk run of a round: a request at one size (or a floor view) and its lines."""

    name: str
    size: str
    server: Server
    file: Path
    lines: list[Line]


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duration",
        type=float,
        default=3,
        help="seconds of each wrk run (up to 4× for slow requests)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--warmup", type=float, default=1, help="seconds of each warm-up run")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=18400, help="first of four ports")
    parser.add_argument("--sizes", default=",".join(SIZES), help="small, large or both")
    parser.add_argument("--only", default="", help="comma-separated request names")
    parser.add_argument("--clients", type=int, default=1000, help="clients at the large size")
    parser.add_argument("--exercises", type=int, default=500, help="own exercises, large size")
    parser.add_argument("--logins", type=int, default=100, help="clients who log in (large)")
    parser.add_argument(
        "--log-writes",
        type=float,
        default=0.1,
        help="share of Today requests that write a log (once there are log endpoints)",
    )
    parser.add_argument(
        "--half-load",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure p99/p50 at about half load (the default)",
    )
    parser.add_argument(
        "--no-redis",
        action="store_true",
        help="no Redis: the product caches in its database, no Redis ceilings",
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--reuse", action="store_true", help="reuse kept databases")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--markdown", type=Path, help="and as tables for bench/README.md")
    args = parser.parse_args()
    args.sizes = [s for s in args.sizes.split(",") if s]
    if not set(args.sizes) <= set(SIZES):
        parser.error(f"--sizes takes {', '.join(SIZES)}")
    names = {r.name for r in REQUESTS}
    args.only = [n for n in args.only.split(",") if n]
    if not set(args.only) <= names:
        parser.error(f"--only takes {', '.join(sorted(names))}")
    return args


def redis_reachable(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except Exception:  # no package, no server: the Redis ceilings are skipped
        return False


def redis_empty(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def prepare(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """bench/httpbench/prepare.py in a process of its own, with the settings of `env`."""
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.httpbench.prepare", *command],
        cwd=ROOT,
        env={**os.environ, **env},
    )


def wait_all(jobs: dict[str, subprocess.Popen[bytes]]) -> None:
    failed = [name for name, job in jobs.items() if job.wait() != 0]
    if failed:
        raise RuntimeError(f"preparing {', '.join(failed)} failed (see above)")


def log_in_all(port: int, data: dict[str, Any]) -> tuple[list[str], list[str]]:
    password = data["password"]
    # Four at a time, one per worker: each login hashes the password (about 0.3 s).
    with ThreadPoolExecutor(max_workers=4) as pool:
        coach = list(
            pool.map(
                lambda _: servers.login(port, data["coach_email"], password), range(COACH_SESSIONS)
            )
        )
        clients = list(pool.map(lambda e: servers.login(port, e, password), data["client_emails"]))
    return coach, clients


def check(port: int, lines: list[Line]) -> tuple[list[str], int]:
    """Ask for each distinct path and with each session once: what did not answer 200 (201 for
    a write), and how many requests that took."""
    first: dict[object, Line] = {}
    for line in lines:
        first.setdefault((line.method, line.path, line.body), line)
        first.setdefault(line.cookie, line)
    asked = list(dict.fromkeys(first.values()))
    failures = []
    for line in asked:
        status = servers.send(port, line)
        if status != (201 if line.method == "POST" else 200):
            failures.append(f"{status} {line.method} {line.path}")
    return failures, len(asked)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                model = row.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {model}"


def row_labels() -> dict[str, str]:
    labels = {r.name: r.label for r in REQUESTS}
    labels |= {f"ceiling-{name}": f"ceiling: {label}" for name, _, label, *_ in CEILINGS}
    labels["floor"] = "floor: bare JSON view"
    return labels


def code_spans(text: str) -> str:
    """Paths (`/clients/<id>/`) as code, so that Markdown shows them as they are."""
    return re.sub(r"(?<=\s)(/\S*)", r"`\1`", text)


def markdown(figures: dict[str, Any]) -> str:
    """The figures as the tables of bench/README.md."""
    labels = {name: code_spans(label) for name, label in row_labels().items()}
    lines = [
        f"Run of {figures['date']} on {figures['machine']}, code {figures['code']}; load "
        f"average before the run {figures['load_average_before']:.1f}, at the rounds' starts "
        + ", ".join(f"{v:.1f}" for v in figures["load_average_rounds"])
        + ".",
        "",
        "| request | size or sessions | req/s | p50 ms | p99 ms | × floor | large/small |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for row in figures["rows"]:
        ratio = "" if row["large_over_small"] is None else f"{row['large_over_small']:.2f}×"
        lines.append(
            f"| {labels[row['request']]} | {row['size']} | {row['rps']:.0f} | "
            f"{row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['share']:.3f}× | {ratio} |"
        )
    lines += ["", "| target | measured | result |", "|---|--:|---|"]
    lines += [
        f"| {code_spans(t['target'])} | {t['measured']} | {t['result']} |"
        for t in figures["targets"]
    ]
    return "\n".join(lines) + "\n"


def revision() -> str:
    """The commit measured, and whether the work tree differs from it."""

    def git(*args: str) -> str:
        return subprocess.run(  # noqa: S603 - git with fixed arguments
            ["git", *args],  # noqa: S607 - whichever git is on the PATH
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    try:
        head = git("rev-parse", "--short", "HEAD")
        changed = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}{' with uncommitted changes' if changed else ''}"


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
        self.names = {kind: f"{DATABASE_PREFIX}_{kind}" for kind in ("floor", *args.sizes)}
        self.admin_url = servers.server_url(self.url, set(self.names.values()))
        self.redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
        self.redis = not args.no_redis and redis_reachable(self.redis_url)
        self.work = WORK_DIR
        self.work.mkdir(parents=True, exist_ok=True)
        self.servers: dict[str, Server] = {}
        self.workers: list[Worker] = []
        self.runs: dict[tuple[str, str], list[Run]] = {}
        self.non200: list[str] = []
        # Seconds of one request on an idle server, from the check before the load.
        self.latency: dict[tuple[str, str], float] = {}
        self.load_average: list[float] = []
        self.load_before = os.getloadavg()[0]
        # The code the servers load at the start: the work tree may change during the run.
        self.code = revision()
        self.reused: set[str] = set()
        self.half: dict[tuple[str, str], Run] = {}

    # --- set-up --------------------------------------------------------------------------------

    def databases(self) -> set[str]:
        """Create the databases; the ones reused as they are (--reuse) are returned."""
        reused = set()
        for kind, name in self.names.items():
            kept = self.args.reuse and (self.work / f"{kind}.json").exists()
            if kept and servers.database_exists(self.admin_url, name):
                reused.add(kind)
                continue
            servers.database_drop(self.admin_url, name)
            servers.database_create(self.admin_url, name)
        return reused

    def redis_database(self, kind: str) -> str:
        return urlunsplit(urlsplit(self.redis_url)._replace(path=f"/{REDIS_DATABASES[kind]}"))

    def env(self, kind: str) -> dict[str, str]:
        url = servers.database_url(self.url, self.names[kind])
        if kind == "floor":
            return {**FLOOR_ENV, "DATABASE_URL": url}
        var = self.work / f"var-{kind}"
        # The product's cache is Redis in production (docker-compose.yml), else its database.
        # So are its cache and its Celery broker (docker-compose.yml); else its database and
        # the filesystem broker of the embedded default.
        cache = (
            {
                "CACHE_URL": self.redis_database(kind),
                "CELERY_BROKER_URL": self.redis_database(f"{kind}-broker"),
            }
            if self.redis
            else {"CACHE_URL": ""}
        )
        return {**APP_ENV, "DATABASE_URL": url, "VAR_DIR": str(var), **cache}

    def redis_env(self) -> dict[str, str]:
        return {
            **self.env("floor"),
            "FLOOR_SESSIONS": "redis",
            "REDIS_URL": self.redis_database("floor-redis"),
        }

    def redis_empty(self) -> None:
        if self.redis:
            for kind in REDIS_DATABASES:
                redis_empty(self.redis_database(kind))

    def load(self) -> None:
        started = time.perf_counter()
        reused = self.reused = self.databases()
        self.redis_empty()
        jobs = {}
        for size in self.args.sizes:
            if size in reused:
                # The product may have new migrations since the database was kept, and the
                # clients' days may have turned.
                kept = self.work / f"{size}.json"
                jobs[size] = prepare(["migrate", "--writes", str(kept)], self.env(size))
                continue
            command = ["app", "--size", size, "--logins", str(self.args.logins)]
            if size == "large":
                command += [
                    "--clients",
                    str(self.args.clients),
                    "--exercises",
                    str(self.args.exercises),
                ]
            jobs[size] = prepare(
                [*command, "--out", str(self.work / f"{size}.json")], self.env(size)
            )
        if "floor" not in reused:
            jobs["floor"] = prepare(
                ["floor", "--out", str(self.work / "floor.json")], self.env("floor")
            )
        wait_all(jobs)
        if self.redis:
            out = self.work / "floor-redis.json"
            wait_all({"floor-redis": prepare(["floor", "--out", str(out)], self.redis_env())})
        for kind in ("floor", *self.args.sizes):
            timings = json.loads((self.work / f"{kind}.json").read_text())["timings"]
            state = (
                "reused"
                if kind in reused
                else ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
            )
            print(f"  {kind}: {state}")
        print(f"data ready in {time.perf_counter() - started:.0f} s")

    def start(self) -> None:
        port = self.args.port
        specs = [("floor", "bench.httpbench.floor.wsgi:application", self.env("floor"), "/bare/")]
        if self.redis:
            specs.append(
                (
                    "floor-redis",
                    "bench.httpbench.floor.wsgi:application",
                    self.redis_env(),
                    "/bare/",
                )
            )
        specs += [
            (size, "coach.wsgi:application", self.env(size), "/healthz/")
            for size in self.args.sizes
        ]
        for offset, (name, wsgi, env, ready) in enumerate(specs):
            server = Server(
                name=name,
                port=port + offset,
                wsgi=wsgi,
                env=env,
                ready_path=ready,
                log=self.work / f"gunicorn-{name}.log",
                workers=self.args.workers,
            )
            server.start()
            self.servers[name] = server
        for size in self.args.sizes:
            worker = Worker(name=size, env=self.env(size), log=self.work / f"celery-{size}.log")
            worker.start()
            self.workers.append(worker)
        for server in self.servers.values():
            server.wait_ready()
        print("servers: " + ", ".join(f"{s.name} :{s.port}" for s in self.servers.values()))

    def practices(self) -> dict[str, Practice]:
        practices = {}
        for size in self.args.sizes:
            data = json.loads((self.work / f"{size}.json").read_text())
            kept = self.work / f"{size}-sessions.json"
            if size in self.reused and kept.exists():
                # The sessions of the run that kept the database are still in it.
                coach, clients = json.loads(kept.read_text())
                print(f"  {size}: sessions of the last run reused")
            else:
                started = time.perf_counter()
                coach, clients = log_in_all(self.servers[size].port, data)
                kept.write_text(json.dumps([coach, clients]))
                print(
                    f"  {size}: {len(clients)} clients and the coach ({len(coach)} sessions) "
                    f"logged in in {time.perf_counter() - started:.0f} s"
                )
            practices[size] = Practice(size, data, coach, clients)
        return practices

    # --- load ----------------------------------------------------------------------------------

    def loads(self, practices: dict[str, Practice]) -> list[Load]:
        """Every wrk run of a round, in the order they run: the floor, the ceilings, then each
        request at each size."""
        loads = []

        def add(name: str, size: str, server: Server, lines: list[Line]) -> None:
            file = self.work / f"load-{name}{'-' + size if size else ''}.tsv"
            servers.write_lines(file, lines)
            loads.append(Load(name, size, server, file, lines))

        add("floor", "", self.servers["floor"], [Line("/bare/")])
        for kind, store in (("floor", "db"), ("floor-redis", "redis")):
            if kind in self.servers:
                cookies = json.loads((self.work / f"{kind}.json").read_text())["cookies"]
                for name, path, *_ in CEILINGS:
                    add(f"ceiling-{name}", store, self.servers[kind], spread([path], cookies))
        for request in REQUESTS:
            if request.lines is None or (self.args.only and request.name not in self.args.only):
                continue
            for size, practice in practices.items():
                lines = request.lines(practice)
                if request.name == "today":
                    lines = mix(lines, log_write_lines(practice), self.args.log_writes)
                add(request.name, size, self.servers[size], lines)
        return loads

    def check_all(self, loads: list[Load]) -> None:
        for load in loads:
            started = time.perf_counter()
            failures, asked = check(load.server.port, load.lines)
            self.latency[(load.name, load.size)] = (time.perf_counter() - started) / asked
            paths = len({line.path for line in load.lines})
            sessions = len({line.cookie for line in load.lines if line.cookie})
            result = "all 200" if not failures else f"{len(failures)} not 200"
            print(f"  {load.name} {load.size}: {paths} paths, {sessions} sessions: {result}")
            for failure in failures[:5]:
                print(f"    {failure}")
            self.non200 += [f"{load.name} {load.size}: {f}" for f in failures]

    def measure(self, loads: list[Load]) -> None:
        wrk = servers.wrk_ensure()
        args = self.args

        def run(load: Load, seconds: float, connections: int = args.connections) -> Run:
            if any(line.method == "POST" for line in load.lines):
                database = servers.database_url(self.url, self.names[load.size])
                servers.bench_sets_clear(database, BENCH_NOTE)
            # Long enough for about MIN_REQUESTS answers of a slow request, within reason.
            needed = MIN_REQUESTS * self.latency[(load.name, load.size)] / (os.cpu_count() or 1)
            return servers.wrk(
                wrk,
                port=load.server.port,
                requests=load.file,
                seconds=min(max(seconds, needed), 4 * seconds),
                connections=connections,
                threads=min(args.threads, connections),
            )

        if args.warmup > 0:
            for load in loads:
                run(load, args.warmup)
            print(f"warm-up: {len(loads)} runs of {args.warmup:g} s")
        for number in range(1, args.rounds + 1):
            self.load_average.append(os.getloadavg()[0])
            started = time.perf_counter()
            shown = []
            for load in loads:
                result = run(load, args.duration)
                self.runs.setdefault((load.name, load.size), []).append(result)
                if result.non200 or result.socket_errors:
                    self.non200.append(
                        f"{load.name} {load.size} round {number}: {result.non200} not 200 "
                        f"({result.statuses}), {result.socket_errors} socket errors"
                    )
                shown.append(f"{load.name}{'/' + load.size if load.size else ''} {result.rps:.0f}")
            seconds = time.perf_counter() - started
            print(f"round {number}/{args.rounds} ({seconds:.0f} s), req/s: " + ", ".join(shown))
        if args.half_load:
            # One request at a time keeps one of two cores busy: about half the saturation rate.
            for load in loads:
                if load.size in SIZES:
                    self.half[(load.name, load.size)] = run(load, args.duration, connections=1)
            print(f"half load: {len(self.half)} runs with one connection")

    # --- report --------------------------------------------------------------------------------

    def share(self, name: str, size: str) -> float:
        """The median over rounds of the request's throughput over the floor's of that round."""
        floors = self.runs[("floor", "")]
        return median(
            [
                run.rps / floor.rps
                for run, floor in zip(self.runs[(name, size)], floors, strict=True)
            ]
        )

    def slowdown(self, name: str) -> float | None:
        """How many times slower at the large size than at the small one."""
        if (name, "small") not in self.runs or (name, "large") not in self.runs:
            return None
        small = median([r.rps for r in self.runs[(name, "small")]])
        large = median([r.rps for r in self.runs[(name, "large")]])
        return small / large if large else float("inf")

    def report(self) -> dict[str, Any]:
        rows = [
            Row(
                request=name,
                size=size,
                rps=median([r.rps for r in runs]),
                p50_ms=median([r.p50_ms for r in runs]),
                p99_ms=median([r.p99_ms for r in runs]),
                share=self.share(name, size),
                large_over_small=self.slowdown(name) if size == "large" else None,
                answers=sum(r.requests for r in runs),
                failures=sum(r.non200 + r.socket_errors for r in runs),
            )
            for (name, size), runs in self.runs.items()
        ]
        labels = row_labels()
        print()
        print(
            f"{'request':<42} {'size':<6} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
            f"{'× floor':>8} {'large/small':>11} {'answers':>7} {'non-200':>7}"
        )
        for row in rows:
            ratio = "" if row.large_over_small is None else f"{row.large_over_small:.2f}×"
            print(
                f"{labels[row.request]:<42} {row.size:<6} {row.rps:>7.0f} {row.p50_ms:>7.1f} "
                f"{row.p99_ms:>7.1f} {row.share:>7.3f}× {ratio:>11} {row.answers:>7} "
                f"{row.failures:>7}"
            )
        targets = self.targets_table()
        print()
        width = max(len(target["target"]) for target in targets)
        print(f"{'target (issue 8)':<{width}} {'measured':>9}  result")
        for target in targets:
            print(f"{target['target']:<{width}} {target['measured']:>9}  {target['result']}")
        print()
        print("Ceilings (minimal project), share of the floor: measured here / the issue's figure")
        for name, _, label, in_db, in_redis in CEILINGS:
            for store, reference in (("db", in_db), ("redis", in_redis)):
                if (f"ceiling-{name}", store) in self.runs:
                    print(
                        f"  {label}, sessions in {'PostgreSQL' if store == 'db' else 'Redis'}: "
                        f"{self.share(f'ceiling-{name}', store):.3f}× / {reference:.2f}×"
                    )
        if self.half:
            print("At half load (one connection), p50 / p99 ms: all answers; the request's own")
            print("and the log writes mixed into it, where there are any")
            for (name, size), run in self.half.items():
                mixed = (
                    f"; its own {run.reads_p50_ms:.1f} / {run.reads_p99_ms:.1f}, "
                    f"{run.writes} writes {run.writes_p50_ms:.1f} / {run.writes_p99_ms:.1f}"
                    if run.writes
                    else ""
                )
                print(f"  {labels[name]} {size}: {run.p50_ms:.1f} / {run.p99_ms:.1f}{mixed}")
        floors = [r.rps for r in self.runs[("floor", "")]]
        print(f"floor over the rounds: {', '.join(f'{f:.0f}' for f in floors)} req/s")
        print(
            f"load average (1 min) before the run: {self.load_before:.1f} on {os.cpu_count()} "
            "CPUs (other work on the machine); at each round's start: "
            + ", ".join(f"{v:.1f}" for v in self.load_average)
        )
        return {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "code": self.code,
            "settings": {k: v for k, v in vars(self.args).items() if k not in {"json", "markdown"}},
            "rows": [asdict(row) for row in rows],
            "half_load": [
                {"request": name, "size": size, **asdict(run)}
                for (name, size), run in self.half.items()
            ],
            "targets": targets,
            "non200": self.non200,
            "load_average_before": self.load_before,
            "load_average_rounds": self.load_average,
        }

    def targets_table(self) -> list[dict[str, str]]:
        table = []
        for request in REQUESTS:
            if self.args.only and request.name not in self.args.only:
                continue
            label = f"{request.label} ≥ {request.target:.2f}× floor (large)"
            if request.lines is None:
                table.append({"target": label, "measured": "—", "result": "not built yet"})
                continue
            if (request.name, "large") in self.runs:
                share = self.share(request.name, "large")
                table.append(
                    {
                        "target": label,
                        "measured": f"{share:.3f}×",
                        "result": "met" if share >= request.target else "missed",
                    }
                )
            half = self.half.get((request.name, "large"))
            if half is not None and half.p50_ms:
                # The request's own answers: not the log writes mixed into Today's.
                p50, p99 = (
                    (half.reads_p50_ms, half.reads_p99_ms)
                    if half.writes and half.reads_p50_ms
                    else (half.p50_ms, half.p99_ms)
                )
                table.append(
                    {
                        "target": f"{request.label} p99 ≤ {P99_OVER_P50}× p50 at half load (large)",
                        "measured": f"{p99 / p50:.1f}×",
                        "result": "met" if p99 <= P99_OVER_P50 * p50 else "missed",
                    }
                )
            slowdown = self.slowdown(request.name)
            if slowdown is not None:
                table.append(
                    {
                        "target": f"{request.label} large/small ≤ {LARGE_OVER_SMALL}×",
                        "measured": f"{slowdown:.2f}×",
                        "result": "met" if slowdown <= LARGE_OVER_SMALL else "missed",
                    }
                )
        if not self.half:
            table.append(
                {
                    "target": f"p99 ≤ {P99_OVER_P50}× p50 at half load",
                    "measured": "—",
                    "result": "not measured (--no-half-load)",
                }
            )
        return table

    # --- tear-down -----------------------------------------------------------------------------

    def close(self) -> None:
        for server in self.servers.values():
            server.stop()
        for worker in self.workers:
            worker.stop()
        self.redis_empty()
        if not self.args.keep:
            for name in self.names.values():
                servers.database_drop(self.admin_url, name)
            print(f"databases dropped: {', '.join(self.names.values())}")
        else:
            print(f"databases kept: {', '.join(self.names.values())} (rerun with --reuse)")


def main() -> int:
    args = arguments()
    servers.wrk_ensure()
    bench = Bench(args)
    print(f"machine: {machine()}")
    print(f"code: {bench.code}")
    print(f"databases on {bench.admin_url.rsplit('/', 1)[0]}: {', '.join(bench.names.values())}")
    print(
        f"Redis: {bench.redis_url} databases {', '.join(map(str, REDIS_DATABASES.values()))}"
        if bench.redis
        else "Redis: none (the product caches in its database; no Redis ceilings)"
    )
    try:
        bench.load()
        bench.start()
        practices = bench.practices()
        loads = bench.loads(practices)
        print("checking every request once:")
        bench.check_all(loads)
        if not bench.non200:
            bench.measure(loads)
            figures = bench.report()
            if args.json:
                args.json.write_text(json.dumps(figures, indent=1))
            if args.markdown:
                args.markdown.write_text(markdown(figures))
    finally:
        bench.close()
    if bench.non200:
        print(
            f"\n{len(bench.non200)} responses were not a 200 (the servers' logs are in "
            f"{bench.work.relative_to(ROOT)}/gunicorn-*.log):",
            file=sys.stderr,
        )
        for problem in bench.non200[:20]:
            print(f"  {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
