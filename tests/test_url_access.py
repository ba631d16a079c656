"""Who may open which URL, checked over EVERY URL pattern the project serves.

A new URL pattern is refused to anonymous visitors unless its name is added to PUBLIC below;
logged-in clients see no coach page; a coach sees nothing of another coach's clients.
"""

import itertools
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.regex_helper import normalize

from coach.models import Client, Invite
from tests.coach.factories import ClientFactory, CoachFactory, InviteFactory

# Url names (namespace:name) an anonymous visitor may open. Keep it short and honest: every
# name here must exist (test_every_public_name_exists).
PUBLIC = {
    "home",
    "login",
    "signup",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "invite-accept",
    "admin:login",
    "signup-sent",
    "signup-confirm",
    "login-email-confirm",
    "calendar-feed",
    "reminder-unsubscribe",
    "favicon",
}
# Pages of any logged-in user, and the client's own pages: not coach pages.
ACCOUNT_PAGES = {
    "logout",
    "password_change",
    "password_change_done",
    "account",
    "login-email-change",
    "token-list",
    "token-revoke",
}
CLIENT_PAGES = {
    "client-home",
    "today-set-log",
    "today-session-log",
    "today-login-check",
    "me-log-export",
    "me-runs",
    "me-run-import",
    "me-run-delete",
    "my-calendar",
    "my-progress",
    "reminder-settings",
}
# The API of a client's own training: open to the client themself (tests/training/test_api_*).
CLIENT_API = {
    "api-client-plan",
    "api-client-stages",
    "api-log-list",
    "api-log-detail",
    "api-set-log-detail",
    "api-set-log-export",
    "api-run-list",
    "api-run-detail",
    "api-client-progress",
}

# Fillers for the patterns' parameters; OBJECT_PK is replaced by a real object's primary key.
OBJECT_PK = "<pk>"
PK_NAMES = {"pk", "id", "object_id"}
SAMPLE_UUID = str(uuid.UUID(int=1))
# Parameters that only pick an output format: those patterns duplicate another pattern.
FORMAT_SUFFIX_PARAMS = {"format"}


@dataclass(frozen=True)
class Route:
    pattern: URLPattern
    chain: tuple[RoutePattern | RegexPattern, ...]
    namespace: str

    @property
    def name(self) -> str | None:
        if self.pattern.name is None:
            return None
        return f"{self.namespace}:{self.pattern.name}" if self.namespace else self.pattern.name

    @property
    def display(self) -> str:
        return "".join(str(part) for part in self.chain)

    def __str__(self) -> str:
        return f"{self.name or '<unnamed>'} ({self.display})"


def walk(patterns: list, chain: tuple = (), namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        # i18n_patterns (LocalePrefixPattern) would need a filler of their own.
        assert isinstance(entry.pattern, RoutePattern | RegexPattern), entry
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry.url_patterns, (*chain, entry.pattern), inner)
        else:
            assert isinstance(entry, URLPattern)
            yield Route(entry, (*chain, entry.pattern), namespace)


ALL_ROUTES = list(walk(get_resolver().url_patterns))


def parameters(part: RoutePattern | RegexPattern) -> tuple[str, list[tuple[str, list[str]]]]:
    """A %-format template of one pattern part and, per parameter, the values worth trying."""
    if isinstance(part, RoutePattern):
        params: list[tuple[str, list[str]]] = []

        def placeholder(match: re.Match[str]) -> str:
            name = match.group(2)
            converter = type(part.converters[name]).__name__
            params.append((name, route_candidates(name, converter)))
            return f"%({name})s"

        template = re.sub(r"<(?:(\w+):)?(\w+)>", placeholder, str(part).replace("%", "%%"))
        return template, params
    # A regex (the DRF router, parts of the admin): the same helper reverse() uses.
    template, names = normalize(str(part))[0]
    return template, [(name, regex_candidates(name, str(part))) for name in names]


def route_candidates(name: str, converter: str) -> list[str]:
    if name in PK_NAMES or converter == "IntConverter":
        return [OBJECT_PK]
    return {
        "UUIDConverter": [SAMPLE_UUID],
        "StringConverter": ["x"],
        "SlugConverter": ["x"],
        "PathConverter": ["x"],
    }.get(converter, [])


def regex_candidates(name: str, regex: str) -> list[str]:
    candidates = [OBJECT_PK] if name in PK_NAMES else []
    alternatives = re.search(rf"\(\?P<{name}>([\w|]+)\)", regex)
    if alternatives:
        candidates += alternatives.group(1).split("|")
    return list(dict.fromkeys([*candidates, OBJECT_PK, "x", SAMPLE_UUID]))


def has_format_suffix(route: Route) -> bool:
    return any(
        name in FORMAT_SUFFIX_PARAMS for part in route.chain for name, _ in parameters(part)[1]
    )


def build_url(route: Route, pk: int) -> str:
    """A concrete URL that resolves to exactly this pattern, the pk filled with `pk`."""
    templates, params = [], []
    for part in route.chain:
        template, part_params = parameters(part)
        templates.append(template)
        params += part_params
    assert all(candidates for _, candidates in params), f"{route}: a parameter has no filler"
    names = [name for name, _ in params]
    for values in itertools.product(*(candidates for _, candidates in params)):
        filled = {
            name: value.replace(OBJECT_PK, str(pk))
            for name, value in zip(names, values, strict=True)
        }
        url = "/" + "".join(template % filled for template in templates)
        try:
            match = resolve(url)
        except Resolver404:
            continue
        if match.func is route.pattern.callback and match.url_name == route.pattern.name:
            return url
    raise AssertionError(f"no URL could be built for {route}")


def checked_routes() -> list[Route]:
    return [route for route in ALL_ROUTES if not has_format_suffix(route)]


def is_api(url: str) -> bool:
    return url.startswith("/api/")


def has_pk(route: Route) -> bool:
    return any(name in PK_NAMES for part in route.chain for name, _ in parameters(part)[1])


def client_record_routes() -> list[Route]:
    """Pages and API endpoints of one client record (a pk in the URL, "client" in the name)."""
    return [
        route
        for route in checked_routes()
        if route.namespace == "" and has_pk(route) and "client" in (route.name or "")
    ]


def coach_page_routes() -> list[Route]:
    """Every page of the coach's side: not public, not the admin, not the API, not account."""
    return [
        route
        for route in checked_routes()
        if route.namespace == ""
        and route.name not in PUBLIC | ACCOUNT_PAGES | CLIENT_PAGES
        and not is_api(build_url(route, 1))
    ]


REDIRECTS = {301, 302, 303, 307, 308}


def login_paths() -> set[str]:
    return {reverse("login"), reverse("admin:login")}


def refused(response) -> bool:
    """Refused: sent to a login page, or 401, 403 or 404."""
    if response.status_code in {401, 403, 404}:
        return True
    if response.status_code in REDIRECTS:
        return urlsplit(response["Location"]).path in login_paths()
    return False


def settle(client, response):
    """Follow local redirects that do not lead to a login page (e.g. admin logout -> index)."""
    for _ in range(5):
        if response.status_code not in REDIRECTS:
            break
        target = urlsplit(response["Location"])
        if target.netloc or target.path in login_paths():
            break
        response = client.get(response["Location"])
    return response


def answers(client, url: str) -> dict:
    """GET and POST the URL; if both are not allowed, every other method it allows."""
    results = {method: getattr(client, method.lower())(url) for method in ("GET", "POST")}
    if all(response.status_code == 405 for response in results.values()):
        allowed = results["GET"].get("Allow", "")
        for method in (m.strip().upper() for m in allowed.split(",")):
            if method and method not in {"GET", "POST", "HEAD", "OPTIONS"}:
                results[method] = client.generic(method, url)
    return {method: settle(client, response) for method, response in results.items()}


def problems_of(results: dict, url: str, expect) -> list[str]:
    problems = []
    if all(response.status_code == 405 for response in results.values()):
        problems.append(f"{url}: no method could be tried (all 405)")
    for method, response in results.items():
        if response.status_code != 405 and not expect(response):
            location = f" -> {response['Location']}" if response.has_header("Location") else ""
            problems.append(f"{method} {url} answered {response.status_code}{location}")
    return problems


@pytest.fixture
def practice(db):
    """A coach with a client who has a login, and an open invite: real objects to point at."""
    with_login = ClientFactory.create(with_login=True)
    InviteFactory.create(client=with_login)
    return with_login


def test_every_url_pattern_is_reachable_by_the_walk():
    # given
    routes = checked_routes()
    names = {route.name for route in routes}

    # then: the walk sees the site, the admin and the router, and builds a URL for each
    assert {"home", "dashboard", "client-detail", "api-root", "api-schema", "admin:index"} <= names
    assert any(route.display.startswith("api/v1/") for route in routes)
    for route in routes:
        build_url(route, 1)
    # A skipped format-suffix pattern always has a checked twin (same view, same name).
    checked = {(route.pattern.callback, route.name) for route in routes}
    for route in ALL_ROUTES:
        if has_format_suffix(route):
            assert (route.pattern.callback, route.name) in checked, f"{route} is never checked"


def test_every_public_name_exists():
    names = {route.name for route in ALL_ROUTES}
    assert PUBLIC - names == set(), "PUBLIC lists names no URL pattern has any more"
    assert (ACCOUNT_PAGES | CLIENT_PAGES | CLIENT_API) - names == set()


def test_url_names_are_unique():
    # Two patterns with one name make reverse() and {% url %} pick one of them silently.
    counts = Counter(route.name for route in checked_routes() if route.name)
    assert {name: count for name, count in counts.items() if count > 1} == {}


def test_anonymous_visitors_are_refused_everywhere_but_the_public_pages(client, practice):
    # given
    problems = []

    # when
    for route in checked_routes():
        url = build_url(route, practice.pk)
        if route.name in PUBLIC:
            response = client.get(url)
            if response.status_code >= 500:
                problems.append(f"public {url} answered {response.status_code}")
            continue
        problems += problems_of(answers(client, url), url, refused)

    # then
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "name",
    ["home", "login", "signup", "password_reset", "password_reset_done", "admin:login"],
)
def test_the_public_pages_open_without_login(client, db, name):
    assert client.get(reverse(name)).status_code == 200


def test_the_api_schema_and_docs_need_a_login(client, db):
    for name in ("api-schema", "api-docs"):
        response = client.get(reverse(name))
        assert refused(response), f"{name} answered {response.status_code} anonymously"


def test_healthz_answers_ok_without_login(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_a_client_sees_no_coach_page(client, practice):
    # given
    client.force_login(practice.user)
    routes = coach_page_routes()
    assert {"dashboard", "client-detail", "client-create"} <= {route.name for route in routes}
    problems = []

    # when
    for route in routes:
        url = build_url(route, practice.pk)
        problems += problems_of(answers(client, url), url, lambda r: r.status_code == 404)

    # then
    assert not problems, "\n".join(problems)
    practice.refresh_from_db()
    assert practice.archived_at is None


def test_a_client_cannot_use_the_coach_api(client, practice):
    # given
    client.force_login(practice.user)
    routes = [
        route
        for route in checked_routes()
        if route.display.startswith("api/v1/") and route.name not in {"api-root", *CLIENT_API}
    ]
    assert routes
    problems = []

    # when
    for route in routes:
        url = build_url(route, practice.pk)
        problems += problems_of(answers(client, url), url, lambda r: r.status_code in {403, 404})

    # then
    assert not problems, "\n".join(problems)


def test_a_coach_sees_nothing_of_another_coachs_clients(client, db):
    # given
    coach_a = CoachFactory.create()
    other_client = ClientFactory.create(coach=CoachFactory.create(), name="Maya")
    client.force_login(coach_a.user)
    routes = client_record_routes()
    assert {"client-detail", "client-edit", "client-archive", "client-invite"} <= {
        route.name for route in routes
    }
    problems = []

    # when
    for route in routes:
        url = build_url(route, other_client.pk)
        results = answers(client, url)
        if is_api(url):
            results["PATCH"] = client.patch(url, {"name": "Taken"}, content_type="application/json")
        problems += problems_of(results, url, lambda r: r.status_code == 404)

    # then
    assert not problems, "\n".join(problems)
    other_client.refresh_from_db()
    assert other_client.name == "Maya"
    assert other_client.archived_at is None
    assert not Invite.objects.filter(client=other_client).exists()


def test_a_coach_opens_their_own_clients_pages(client, db):
    # The control for the test above: the same URLs do work for the client's own coach.
    # given
    own_client = ClientFactory.create()
    client.force_login(own_client.coach.user)

    # when
    routes = [route for route in coach_page_routes() if route.name == "dashboard"]
    # (a session or run of that id does not exist here: 404 is right for those two)
    routes += [
        r
        for r in client_record_routes()
        if r.name not in {"client-session-review", "client-run-delete"}
    ]
    statuses = {
        build_url(route, own_client.pk): client.get(build_url(route, own_client.pk)).status_code
        for route in routes
    }

    # then
    assert statuses[reverse("dashboard")] == 200
    assert statuses[reverse("client-detail", args=[own_client.pk])] == 200
    assert statuses[reverse("client-edit", args=[own_client.pk])] == 200
    assert all(status in {200, 405} for status in statuses.values()), statuses
    assert Client.objects.filter(pk=own_client.pk, archived_at__isnull=True).exists()
