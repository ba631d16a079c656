"""What the HTTP benchmark asks for: the requests at each size, with the issue's targets, and
the minimal project's floor and ceilings."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.httpbench.servers import Line


@dataclass
class Practice:
    """A loaded practice (see bench/httpbench/prepare.py) and its logged-in sessions."""

    size: str
    data: dict[str, Any]
    coach_cookies: list[str]
    client_cookies: list[str]

    def pages(self, count: str, page_size: str) -> range:
        """The full pages of a list (a last, shorter page would be a cheaper request)."""
        return range(
            1, max(1, self.data["counts"][count] // self.data["page_sizes"][page_size]) + 1
        )


def spread(paths: list[str], cookies: list[str]) -> list[Line]:
    """Every path and every session, each path asked for by several sessions."""
    return [
        Line(paths[i % len(paths)], cookies[i % len(cookies)])
        for i in range(max(len(paths), len(cookies)))
    ]


def page_paths(base: str, pages: range) -> list[str]:
    return [base if n == 1 else f"{base}?page={n}" for n in pages]


def programs(practice: Practice) -> list[int]:
    """Starters and the clients' copies, one of each in turn: the same mix at both sizes."""
    starters, copies = (
        practice.data["program_ids"]["starters"],
        practice.data["program_ids"]["copies"],
    )
    count = max(len(starters), len(copies))
    return [ids[n % len(ids)] for n in range(count) for ids in (starters, copies)]


# The note of every set the benchmark logs: they are deleted before each run of Today.
BENCH_NOTE = "written by bench/http_bench.py"


def log_write_lines(practice: Practice) -> list[Line]:
    """The requests of clients logging their training, mixed into Today's (--log-writes): a
    POST of one set with the client's session and, as `csrf`, that session's csrftoken."""
    lines = []
    for cookie, write in zip(practice.client_cookies, practice.data["client_writes"], strict=False):
        if write is None:
            continue
        token = next(
            (p.split("=", 1)[1] for p in cookie.split("; ") if p.startswith("csrftoken=")), ""
        )
        measure = {"hold_seconds": 30} if write["measurement"] == "hold" else {"reps": 8}
        body = {
            "assignment": write["assignment"],
            "on": write["on"],
            "sets": [
                {
                    "prescription": write["prescription"],
                    "side": "left",
                    "form": 4,
                    "note": BENCH_NOTE,
                    **measure,
                }
            ],
        }
        lines.append(Line("/api/v1/logs/", cookie, "POST", token, json.dumps(body)))
    return lines


def plan_lines(practice: Practice) -> list[Line]:
    """Each client's own daily plan, for today and two earlier dates."""
    today = datetime.now(UTC).date()
    dates = ["", f"?date={today - timedelta(days=1)}", f"?date={today - timedelta(days=3)}"]
    return [
        Line(f"/api/v1/clients/{pk}/plan/{dates[n % len(dates)]}", cookie)
        for n, (pk, cookie) in enumerate(
            zip(practice.data["client_ids"], practice.client_cookies, strict=False)
        )
    ]


def mix(lines: list[Line], writes: list[Line], share: float) -> list[Line]:
    """`lines` with `writes` making up `share` of the requests, evenly spread: every line is
    still read (each as often), and the writes rotate over the writers, who read too, as
    clients log and then look at their day, at both sizes alike."""
    if not writes or share <= 0:
        return lines
    every = max(2, round(1 / share))
    mixed = []
    reads = iter(lines * (every - 1))
    for n in range(len(lines) * every):
        mixed.append(writes[n // every % len(writes)] if n % every == every - 1 else next(reads))
    return mixed


@dataclass(frozen=True)
class Request:
    name: str
    label: str
    # Least share of the floor's throughput at the large size (the targets).
    target: float
    lines: Callable[[Practice], list[Line]] | None


REQUESTS = [
    Request("today", "Today /me/", 0.10, lambda p: spread(["/me/"], p.client_cookies)),
    Request("plan", "plan endpoint /api/v1/clients/<id>/plan/", 0.12, plan_lines),
    Request(
        "dashboard",
        "dashboard /dashboard/",
        0.06,
        lambda p: spread(
            page_paths("/dashboard/", p.pages("clients", "dashboard")), p.coach_cookies
        ),
    ),
    Request(
        "progress",
        "progress page /clients/<id>/progress/",
        0.06,
        lambda p: spread(
            [f"/clients/{pk}/progress/" for pk in p.data["client_ids"]], p.coach_cookies
        ),
    ),
    Request(
        "client",
        "client page /clients/<id>/",
        0.06,
        lambda p: spread([f"/clients/{pk}/" for pk in p.data["client_ids"]], p.coach_cookies),
    ),
    Request(
        "library",
        "library page /exercises/",
        0.06,
        lambda p: spread(
            page_paths("/exercises/", p.pages("exercises", "library")), p.coach_cookies
        ),
    ),
    Request(
        "library-api",
        "library endpoint /api/v1/exercises/",
        0.06,
        lambda p: spread(
            page_paths("/api/v1/exercises/", p.pages("exercises", "api")), p.coach_cookies
        ),
    ),
    Request(
        "builder",
        "builder /programs/<id>/",
        0.06,
        lambda p: spread([f"/programs/{pk}/" for pk in programs(p)], p.coach_cookies),
    ),
    Request(
        "program-api",
        "program detail /api/v1/programs/<id>/",
        0.06,
        lambda p: spread([f"/api/v1/programs/{pk}/" for pk in programs(p)], p.coach_cookies),
    ),
    Request(
        "clients-api",
        "clients endpoint /api/v1/clients/",
        0.06,
        lambda p: spread(
            page_paths("/api/v1/clients/", p.pages("clients", "api")), p.coach_cookies
        ),
    ),
    Request(
        "assignments-api",
        "assignments endpoint /api/v1/assignments/",
        0.06,
        lambda p: spread(
            page_paths("/api/v1/assignments/", p.pages("assignments", "api")), p.coach_cookies
        ),
    ),
]
LARGE_OVER_SMALL = 1.3
# At half of its saturation rate, a request's p99 within this many times its p50.
P99_OVER_P50 = 3

# The minimal project's logged-in views: what any logged-in request must pay. The last two
# figures are the measurements of the same ceiling as shares of the floor, with
# sessions in PostgreSQL and in Redis.
CEILINGS = [
    ("json", "/ceiling/json/", "logged-in JSON view", 0.23, 0.29),
    ("drf", "/ceiling/drf/", "DRF APIView, session auth", 0.19, 0.25),
    ("page", "/ceiling/page/", "logged-in template page", 0.18, 0.22),
]
