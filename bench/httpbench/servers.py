"""Databases, gunicorn servers, logins and the load generator of the HTTP benchmark."""

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent.parent
HERE = Path(__file__).resolve().parent
HOST = "127.0.0.1"

# --- databases ---------------------------------------------------------------------------------


def server_url(url: str, avoid: set[str]) -> str:
    """A URL of an existing database on the server of `url`, never one of `avoid`."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"bench: DATABASE_URL must point at PostgreSQL, not {parts.scheme!r}.")
    if parts.path.strip("/") in {"", *avoid}:
        return urlunsplit(parts._replace(path="/postgres"))
    return url


def database_url(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _admin(url: str, action: Callable[[Any], Any]) -> Any:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        return action(cursor)


def database_exists(url: str, name: str) -> bool:
    def exists(cursor: Any) -> bool:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None

    return bool(_admin(url, exists))


def bench_sets_clear(url: str, note: str) -> int:
    """Delete the sets the benchmark's writes logged (they carry `note`): each run of Today
    starts from the loaded history, so that a client's day holds the sets of one run (about a
    dozen), not of every run before it. The product's caches are not told: each writer's
    next write makes their day drawn again."""

    def clear(cursor: Any) -> int:
        cursor.execute("DELETE FROM training_setlog WHERE note = %s", [note])
        return int(cursor.rowcount)

    return int(_admin(url, clear))


def database_create(url: str, name: str) -> None:
    _admin(url, lambda cursor: cursor.execute(f'CREATE DATABASE "{name}"'))


def database_drop(url: str, name: str) -> None:
    _admin(url, lambda cursor: cursor.execute(f'DROP DATABASE IF EXISTS "{name}" (FORCE)'))


# --- servers -----------------------------------------------------------------------------------


@dataclass
class Server:
    """One gunicorn: the product on one database, or the minimal project."""

    name: str
    port: int
    wsgi: str
    env: dict[str, str]
    ready_path: str
    log: Path
    workers: int = 4
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            self.wsgi,
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--bind",
            f"{HOST}:{self.port}",
            "--chdir",
            str(ROOT),
            "--timeout",
            "120",
            "--log-level",
            "warning",
            "--error-logfile",
            str(self.log),
        ]
        with self.log.open("wb") as log:  # the product's own log lines (errors) go there too
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                command, cwd=ROOT, env={**os.environ, **self.env}, stdout=log, stderr=log
            )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                break
            try:
                if get(self.port, self.ready_path)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        tail = self.log.read_text()[-3000:] if self.log.exists() else ""
        raise RuntimeError(f"{self.name}: gunicorn did not answer {self.ready_path}.\n{tail}")

    def stop(self) -> None:
        stop(self.process)  # the master stops its workers


@dataclass
class Worker:
    """One Celery worker of the product (one process), beside its gunicorn: the work the
    requests hand to tasks (the dashboard figures after each log) is done on the same machine
    while the requests are measured, as in production."""

    name: str
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "coach",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                command, cwd=ROOT, env={**os.environ, **self.env}, stdout=log, stderr=log
            )

    def stop(self) -> None:
        stop(self.process)


def stop(process: subprocess.Popen[bytes] | None) -> None:
    """Ask a process to end, and end it if it has not after 30 s."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def get(port: int, path: str, cookie: str = "") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def send(port: int, line: "Line") -> int:
    """One request of a load file, for the check before the load."""
    headers = {"Cookie": line.cookie} if line.cookie else {}
    if line.csrf:
        headers["X-CSRFToken"] = line.csrf
    if line.body:
        headers["Content-Type"] = "application/json"
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(line.method, line.path, body=line.body or None, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def login(port: int, email: str, password: str) -> str:
    """Log in through the product's login form, as a browser does; the Cookie header to send."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request("GET", "/accounts/login/")
        response = connection.getresponse()
        page = response.read().decode()
        csrf_cookie = _cookies(response)["csrftoken"]
    finally:
        connection.close()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise RuntimeError("the login page has no CSRF token")
    form = {"csrfmiddlewaretoken": token.group(1), "username": email, "password": password}
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(
            "POST",
            "/accounts/login/",
            body=urllib.parse.urlencode(form),
            headers={
                "Cookie": f"csrftoken={csrf_cookie}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = connection.getresponse()
        response.read()
        cookies = {"csrftoken": csrf_cookie, **_cookies(response)}
    finally:
        connection.close()
    if response.status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"logging in as {email} gave {response.status}, no session")
    return f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}"


# --- load --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One request of a load file."""

    path: str
    cookie: str = ""
    method: str = "GET"
    csrf: str = ""
    body: str = ""


def write_lines(path: Path, lines: list[Line]) -> None:
    for line in lines:
        if any("\t" in value or "\n" in value for value in vars(line).values()):
            raise ValueError(f"a tab or newline in a request: {line}")
    path.write_text(
        "".join(f"{x.method}\t{x.path}\t{x.cookie}\t{x.csrf}\t{x.body}\n" for x in lines)
    )


@dataclass
class Run:
    """What one wrk run measured."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non200: int
    statuses: str
    socket_errors: int
    # Timed by kind (one connection only): the reads, and the writes mixed into them.
    reads: int = 0
    reads_p50_ms: float = 0.0
    reads_p99_ms: float = 0.0
    writes: int = 0
    writes_p50_ms: float = 0.0
    writes_p99_ms: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_ensure() -> str:
    """The path of wrk, installed from Debian's packages when missing (as root)."""
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        raise SystemExit("bench: wrk is missing; install it (Debian: apt-get install wrk).")
    print("wrk is missing: installing it from Debian's packages")
    install = [apt, "install", "-y", "wrk"]
    if subprocess.run(install, check=False, stdout=subprocess.DEVNULL).returncode:  # noqa: S603
        # The package lists may be missing or stale.
        subprocess.run([apt, "update"], check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        subprocess.run(install, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    return shutil.which("wrk") or "wrk"


def wrk(
    binary: str, *, port: int, requests: Path, seconds: float, connections: int, threads: int
) -> Run:
    """One run of wrk over the requests of the file. With one connection, each request's
    latency is also kept by its kind, reads and writes apart (see rotate.lua)."""
    command = [
        binary,
        "--threads",
        str(threads),
        "--connections",
        str(connections),
        "--duration",
        f"{max(1, round(seconds))}s",  # whole seconds only
        "--timeout",
        "10s",
        "--script",
        str(HERE / "rotate.lua"),
        f"http://{HOST}:{port}",
        "--",
        str(requests),
        *(["timed"] if connections == 1 else []),
    ]
    done = subprocess.run(  # noqa: S603 - wrk with our own arguments
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    found = re.search(r"^WRK-RESULT (\{.*\})$", done.stdout, re.MULTILINE)
    if done.returncode or found is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout}\n{done.stderr}")
    result = json.loads(found.group(1))
    return Run(
        requests=result["requests"],
        seconds=result["duration_us"] / 1e6,
        p50_ms=result["p50_us"] / 1000,
        p99_ms=result["p99_us"] / 1000,
        non200=result["non200"],
        statuses=result["statuses"].strip(),
        socket_errors=sum(
            result[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts")
        ),
        reads=result["reads"],
        reads_p50_ms=result["reads_p50_us"] / 1000,
        reads_p99_ms=result["reads_p99_us"] / 1000,
        writes=result["writes"],
        writes_p50_ms=result["writes_p50_us"] / 1000,
        writes_p99_ms=result["writes_p99_us"] / 1000,
    )
